//go:build unix

package cadir

import "syscall"

// canWrite reports whether the process may create entries in dir, as
// access(2) with W_OK answers (what openssl rehash asks before starting).
func canWrite(dir string) error { return syscall.Access(dir, 2 /* W_OK */) }

// unlink removes a directory entry that is not a directory, like unlink(2).
func unlink(path string) error { return syscall.Unlink(path) }
