package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/sslstream/sslstream"
)

// ocspLines are the summary lines about the server's stapled OCSP
// response, in the words `openssl s_client -status` uses: printed when a
// response was stapled or the status setting asked for one.
func ocspLines(st *sslstream.Stream) string {
	o := st.OCSPStatus()
	if o == nil || (!o.Stapled && o.Policy == sslstream.StatusNone) {
		return ""
	}
	if !o.Stapled {
		return "OCSP response: no response sent\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "OCSP Response Status: %s\n", o.ResponseStatus)
	if o.CertStatus != "" {
		fmt.Fprintf(&b, "Cert Status: %s\n", o.CertStatus)
	}
	if !o.ThisUpdate.IsZero() {
		fmt.Fprintf(&b, "This Update: %s\n", opensslTime(o.ThisUpdate))
	}
	if !o.NextUpdate.IsZero() {
		fmt.Fprintf(&b, "Next Update: %s\n", opensslTime(o.NextUpdate))
	}
	if o.CertStatus == "revoked" {
		fmt.Fprintf(&b, "Revocation Time: %s\n", opensslTime(o.RevokedAt))
	}
	if o.Problem != "" {
		fmt.Fprintf(&b, "OCSP response problem: %s\n", o.Problem)
	}
	return b.String()
}

// opensslTime formats t as OpenSSL prints ASN.1 times ("Dec  3 12:00:00 2026 GMT").
func opensslTime(t time.Time) string { return t.UTC().Format("Jan _2 15:04:05 2006 GMT") }
