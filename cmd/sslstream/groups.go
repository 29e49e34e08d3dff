package main

import (
	"crypto/tls"

	"github.com/sslstream/sslstream"
)

// groupLines are the client summary's key exchange lines, as openssl
// s_client prints them: "Server Temp Key: X25519, 253 bits" for a classic
// group (OpenSSL 3.0 prints that for TLS 1.3 too), "Negotiated TLS1.3
// group: X25519MLKEM768" for a hybrid (OpenSSL 3.5's line; 3.0 has no
// hybrids), then "HelloRetryRequest: yes" when the server asked for
// another key share.
func groupLines(cs tls.ConnectionState) string {
	out := ""
	if k := sslstream.GroupTempKey(cs.CurveID); k != "" {
		out = "Server Temp Key: " + k + "\n"
	} else if g := sslstream.GroupName(cs.CurveID); g != "" {
		out = "Negotiated TLS1.3 group: " + g + "\n"
	}
	if cs.HelloRetryRequest {
		out += "HelloRetryRequest: yes\n"
	}
	return out
}

// appendGroupSummary appends the server line's part about the key
// exchange to b: ", Group: X25519", with ", HelloRetryRequest: yes" after
// a retry.
func appendGroupSummary(b []byte, cs tls.ConnectionState) []byte {
	if g := sslstream.GroupName(cs.CurveID); g != "" {
		b = append(b, ", Group: "...)
		b = append(b, g...)
	}
	if cs.HelloRetryRequest {
		b = append(b, ", HelloRetryRequest: yes"...)
	}
	return b
}
