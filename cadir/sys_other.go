//go:build !unix

package cadir

import (
	"errors"
	"fmt"
	"os"
)

// canWrite approximates access(2) with W_OK where it does not exist: the
// directory must exist and not be read-only.
func canWrite(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: not a directory", dir)
	}
	if fi.Mode().Perm()&0o200 == 0 {
		return errors.New("permission denied")
	}
	return nil
}

// unlink removes a directory entry that is not a directory.
func unlink(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%s: is a directory", path)
	}
	return os.Remove(path)
}
