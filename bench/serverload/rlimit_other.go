//go:build !unix

package main

import "fmt"

// raiseFileLimit reports that the connection counts of this load client
// need a Unix file-descriptor limit.
func raiseFileLimit(want uint64) error {
	return fmt.Errorf("%d connections need RLIMIT_NOFILE, which this system lacks: skipped", want)
}
