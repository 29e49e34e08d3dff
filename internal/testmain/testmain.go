// Package testmain is the TestMain shared by sslstream's test packages: a
// fixture directory for the run and a goroutine-leak check at its end.
package testmain

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// Run runs m's tests with a fresh temporary directory (its name starts with
// prefix; setDir receives it before the tests and it is removed after them),
// then calls each after function, and turns a passing run into a failing one
// when goroutines leaked. It returns the exit code for os.Exit.
func Run(m *testing.M, prefix string, setDir func(string), after ...func()) int {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	setDir(dir)
	code := m.Run()
	for _, f := range after {
		f()
	}
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	return code
}
