package main

import "syscall"

// isatty reports whether fd is a console.
func isatty(fd uintptr) bool {
	var mode uint32
	return syscall.GetConsoleMode(syscall.Handle(fd), &mode) == nil
}
