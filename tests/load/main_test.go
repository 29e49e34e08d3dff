// Package load runs many concurrent sslstream connections through shared
// contexts and checks that every byte arrives intact and that nothing
// (goroutines, file descriptors) is left behind.
package load

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}
