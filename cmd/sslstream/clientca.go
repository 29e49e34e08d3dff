package main

import (
	"strings"

	"github.com/sslstream/sslstream"
)

// caNamesLines is what openssl s_client prints when the server asked for
// a client certificate: "Acceptable client certificate CA names" and one
// name a line, or "No client certificate CA names sent"; "" when the
// server asked for none.
func caNamesLines(st *sslstream.Stream) string {
	if !st.CertificateRequested() {
		return ""
	}
	names := st.AcceptableCANames()
	if len(names) == 0 {
		return "No client certificate CA names sent\n"
	}
	return "Acceptable client certificate CA names\n" + strings.Join(names, "\n") + "\n"
}
