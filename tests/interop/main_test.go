// Package interop runs sslstream against other TLS stacks: OpenSSL's
// s_client/s_server, GnuTLS's gnutls-cli/gnutls-serv and Python's ssl
// module, in both directions, TLS 1.2 and 1.3, RSA and ECDSA certificates,
// with and without client certificates.
package interop

import (
	"os"
	"testing"

	"github.com/sslstream/sslstream/internal/testmain"
)

func TestMain(m *testing.M) {
	os.Exit(testmain.Run(m, "sslstream-interop-", func(d string) { fixtureDir = d }))
}
