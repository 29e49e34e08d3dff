// Package interop runs sslstream against other TLS stacks: OpenSSL's
// s_client/s_server, GnuTLS's gnutls-cli/gnutls-serv and Python's ssl
// module, in both directions, TLS 1.2 and 1.3, RSA and ECDSA certificates,
// with and without client certificates.
package interop

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sslstream-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtureDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}
