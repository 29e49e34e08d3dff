package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

// Environment variables that make `sslstream server` write the runtime's
// block, mutex and CPU profiles when it exits (scripts/bench reads them to
// measure the wait per handshake; docs/PERFORMANCE.md). They are for
// measurement, not for production: recording every blocking event costs
// a little on each.
const (
	envBlockProfile = "SSLSTREAM_BLOCK_PROFILE" // FILE: the block profile, text (debug=1) format
	envMutexProfile = "SSLSTREAM_MUTEX_PROFILE" // FILE: the mutex profile, text (debug=1) format
	envCPUProfile   = "SSLSTREAM_CPU_PROFILE"   // FILE: a CPU profile from start to exit, for go tool pprof
	// FILE: every allocation from start to exit (runtime.MemProfileRate
	// 1), for go tool pprof -sample_index=alloc_objects
	envAllocsProfile = "SSLSTREAM_ALLOCS_PROFILE"
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
	if f := os.Getenv(envAllocsProfile); f != "" {
		// Every allocation from here on; those before are sampled at the
		// default rate, and few.
		want = append(want, prof{"allocs", f})
		runtime.MemProfileRate = 1
	}
	var cpuFile *os.File
	if f := os.Getenv(envCPUProfile); f != "" {
		var err error
		if cpuFile, err = os.Create(f); err != nil {
			return nil, fmt.Errorf("%s: %w", envCPUProfile, err)
		}
		if err := pprof.StartCPUProfile(cpuFile); err != nil {
			cpuFile.Close()
			return nil, fmt.Errorf("%s %s: %w", envCPUProfile, f, err)
		}
	}
	if len(want) == 0 && cpuFile == nil {
		return func() {}, nil
	}
	return func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			if err := cpuFile.Close(); err != nil {
				fmt.Fprintf(stderr, "writing the CPU profile: %v\n", err)
			}
		}
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
	debug := 1 // text, for serverload profile
	if name == "allocs" {
		debug = 0 // the compressed protocol buffer go tool pprof reads
	}
	if err := pprof.Lookup(name).WriteTo(f, debug); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", file, err)
	}
	return f.Close()
}
