// Package conformance runs the same raw byte scripts (ClientHellos with
// chosen versions, suites and extensions; odd record framing; oversized
// and fragmented messages; alerts at odd times; a KeyUpdate storm) against
// an sslstream server and a plain crypto/tls server with the same
// certificate and TLS 1.2 suites, and compares what each answers. It also
// holds the alert table against OpenSSL and the hostile-clients-at-scale
// test. See docs/INTEROP.md for the figures.
package conformance

import (
	"os"
	"testing"

	"github.com/sslstream/sslstream/internal/testmain"
)

func TestMain(m *testing.M) {
	if helperMain() {
		return
	}
	os.Exit(testmain.Run(m, "sslstream-conformance-", func(d string) { fixtureDir = d }, stopServers))
}
