//go:build !sslstream_baseline

package main

// baselineCommand is nil without the build tag sslstream_baseline: the
// shipped command has no baseline-server (baseline.go).
func baselineCommand() *command { return nil }
