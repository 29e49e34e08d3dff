package main

import (
	"net"
	"strings"
	"testing"
)

// TestExitStatusRule checks the command's one rule on every subcommand: 0
// success, 1 usage or runtime error, 2 verification failure.
func TestExitStatusRule(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	// A port nobody listens on: connecting fails (runtime error).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	server := "127.0.0.1:" + port
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"usage: unknown flag", []string{"client", "--bogus", server}, exitError},
		{"usage: server", []string{"server", "--bogus"}, exitError},
		{"usage: verify", []string{"verify", "--bogus", "x.pem"}, exitError},
		{"usage: ciphers", []string{"ciphers", "--bogus"}, exitError},
		{"usage: rehash", []string{"rehash", "--bogus", "."}, exitError},
		{"usage: unknown command", []string{"bogus"}, exitError},
		{"runtime: client cannot connect", []string{"client", closed}, exitError},
		{"runtime: server cannot listen", []string{"server", "--listen", "256.0.0.1:1", "--certificate", "server-all.pem"}, exitError},
		{"runtime: verify missing CA file", []string{"verify", "--ca-file", "no-such-ca.pem", "server.pem"}, exitError},
		// As openssl verify 3.0: a certificate that cannot be read is a
		// verification failure.
		{"verification: verify missing certificate", []string{"verify", "--ca-file", "ca.pem", "no-such.pem"}, exitVerifyFail},
		{"runtime: ciphers invalid string", []string{"ciphers", "BOGUS"}, exitError},
		{"verification: verify", []string{"verify", "--ca-file", "client-ca.pem", "server.pem"}, exitVerifyFail},
		{"verification: client", []string{"client", server, "--ca-file", "client-ca.pem", "--verify", "required"}, exitVerifyFail},
		{"verification: s_client -verify_return_error", []string{"s_client", "-connect", server, "-CAfile", "client-ca.pem", "-verify_return_error"}, exitVerifyFail},
		{"success: verify", []string{"verify", "--ca-file", "ca.pem", "--untrusted", "inter.pem", "server.pem"}, exitOK},
		{"success: client under verify none reports and exits 0", []string{"client", server, "--ca-file", "client-ca.pem"}, exitOK},
		{"success: ciphers", []string{"ciphers", "HIGH"}, exitOK},
	} {
		r := sslstreamIn(t, p.dir, strings.NewReader(""), tc.args...)
		if r.code != tc.code {
			t.Errorf("%s: exit %d, want %d\n%s", tc.name, r.code, tc.code, r)
		}
	}
}
