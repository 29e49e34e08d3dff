package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

// Environment variables that make `sslstream server` write the runtime's
// block and mutex profiles when it exits (scripts/bench reads them to
// measure the wait per handshake; docs/PERFORMANCE.md). They are for
// measurement, not for production: recording every blocking event costs
// a little on each.
const (
	envBlockProfile = "SSLSTREAM_BLOCK_PROFILE" // FILE: the block profile, text (debug=1) format
	envMutexProfile = "SSLSTREAM_MUTEX_PROFILE" // FILE: the mutex profile, text (debug=1) format
)

// startProfiles turns on the profiles the environment asks for and
// returns the function that writes them (problems go to stderr).
func startProfiles(stderr io.Writer) (stop func(), err error) {
	type prof struct{ name, file string }
	var want []prof
	if f := os.Getenv(envBlockProfile); f != "" {
		want = append(want, prof{"block", f})
		runtime.SetBlockProfileRate(1)
	}
	if f := os.Getenv(envMutexProfile); f != "" {
		want = append(want, prof{"mutex", f})
		runtime.SetMutexProfileFraction(1)
	}
	if len(want) == 0 {
		return func() {}, nil
	}
	return func() {
		for _, p := range want {
			if err := writeProfile(p.name, p.file); err != nil {
				fmt.Fprintf(stderr, "writing the %s profile: %v\n", p.name, err)
			}
		}
		runtime.SetBlockProfileRate(0)
		runtime.SetMutexProfileFraction(0)
	}, nil
}

// writeProfile writes the named runtime profile to file in the text format.
func writeProfile(name, file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 1); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", file, err)
	}
	return f.Close()
}
