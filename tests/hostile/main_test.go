// Package hostile feeds sslstream bad input: malformed and hostile peers,
// broken files and settings, stalled handshakes and random bytes. Every
// case must end in a clear error (checked by its text), never a panic or a
// hang, and must leave other connections through the same context working.
package hostile

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sslstream-hostile-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtureDir = dir
	code := m.Run()
	stopHealthy()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}
