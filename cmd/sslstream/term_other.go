//go:build !linux && !windows && !darwin && !freebsd && !netbsd && !openbsd && !dragonfly

package main

// isatty is false where we have no cheap way to ask: plain output.
func isatty(fd uintptr) bool { return false }
