// Package hostile feeds sslstream bad input: malformed and hostile peers,
// broken files and settings, stalled handshakes and random bytes. Every
// case must end in a clear error (checked by its text), never a panic or a
// hang, and must leave other connections through the same context working.
package hostile

import (
	"os"
	"testing"

	"github.com/sslstream/sslstream/internal/testmain"
)

func TestMain(m *testing.M) {
	os.Exit(testmain.Run(m, "sslstream-hostile-", func(d string) { fixtureDir = d }, stopHealthy))
}
