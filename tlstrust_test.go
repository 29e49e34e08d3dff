package sslstream

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCAFileTrustSettingsInTLS: a ca-file holding the root as a TRUSTED
// CERTIFICATE rejected or trusted for serverAuth (openssl x509 -trustout
// -addreject/-addtrust) gives the verify result `openssl s_client` gives
// with the same file, under verify none (the last error) and required (the
// first, which fails the handshake).
func TestCAFileTrustSettingsInTLS(t *testing.T) {
	t.Parallel()
	requireOpenSSL(t)
	p := pki(t)
	dir := t.TempDir()
	inter := writeTemp(t, "inter.pem", p.inter.CertPEM())
	for _, tc := range []struct {
		flag string
		fail bool
	}{{"-addreject", true}, {"-addtrust", false}} {
		caFile := filepath.Join(dir, strings.TrimPrefix(tc.flag, "-")+".pem")
		runOpenSSL(t, nil, "x509", "-in", p.caFile, "-trustout", tc.flag, "serverAuth", "-out", caFile)
		srv := startSServer(t, "-cert", p.serverCert, "-key", p.serverKey, "-cert_chain", inter)
		for _, mode := range []VerifyMode{VerifyNone, VerifyRequired} {
			args := []string{"-CAfile", caFile, "-no-CApath", "-no-CAstore"}
			if mode == VerifyRequired {
				args = append(args, "-verify_return_error")
			}
			want, _ := sClientVerifyCode(t, runSClient(t, srv.addr, "Q\n", args...))
			c, _, cerr, _ := handshakePair(t, Settings{CAFile: caFile, ServerName: "localhost", Verify: mode}, p.serverSettings())
			got, _ := c.VerifyResult()
			if got != want {
				t.Errorf("ca-file with %s serverAuth, verify %s: our verify result %d, s_client's %d", tc.flag, mode, got, want)
			}
			if mode == VerifyRequired && (cerr != nil) != tc.fail {
				t.Errorf("ca-file with %s serverAuth, verify required: handshake error %v, want failure=%v", tc.flag, cerr, tc.fail)
			}
		}
	}
}
