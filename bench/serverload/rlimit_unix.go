//go:build unix

package main

import (
	"fmt"
	"syscall"
)

// raiseFileLimit sets RLIMIT_NOFILE's soft limit to at least want (up to
// the hard limit) and fails when that is not enough.
func raiseFileLimit(want uint64) error {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return err
	}
	if rl.Cur < want && rl.Cur < rl.Max {
		rl.Cur = min(want, rl.Max)
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
			return err
		}
	}
	if rl.Cur < want {
		return fmt.Errorf("RLIMIT_NOFILE is %d (hard %d), %d needed: skipped", rl.Cur, rl.Max, want)
	}
	return nil
}
