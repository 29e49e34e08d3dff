// Package safefile reads the configuration files of sslstream
// (certificates, keys, CA bundles, CRLs) defensively: only regular files, of
// bounded size, checked before reading so that a mistaken path (a FIFO
// nobody writes to, a device, a directory, a huge log file) gives a clear
// error at once instead of blocking for ever or exhausting memory.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Read returns the contents of the regular file at path (symbolic links are
// followed) if it holds at most max bytes. The result is never nil on
// success, even for an empty file. Errors say what is wrong without the
// path, which callers add with their own context.
func Read(path string, max int64) ([]byte, error) {
	data, err := read(path, max)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		// The caller names the file; keep the cause (still matching
		// fs.ErrNotExist, fs.ErrPermission, ...) without repeating the path.
		return nil, pe.Err
	}
	return data, err
}

func read(path string, max int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := check(st, max); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have changed between Stat and Open: check what was opened.
	if st, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := check(st, max); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		clear(data)
		return nil, tooLarge(max)
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}

func check(st os.FileInfo, max int64) error {
	switch m := st.Mode(); {
	case m.IsDir():
		return fmt.Errorf("is a directory")
	case m&os.ModeNamedPipe != 0:
		return fmt.Errorf("is a named pipe (FIFO), not a regular file")
	case m&os.ModeSocket != 0:
		return fmt.Errorf("is a socket, not a regular file")
	case m&os.ModeDevice != 0:
		return fmt.Errorf("is a device, not a regular file")
	case !m.IsRegular():
		return fmt.Errorf("is not a regular file (mode %s)", m)
	}
	if st.Size() > max {
		return tooLarge(max)
	}
	return nil
}

func tooLarge(max int64) error {
	if max >= 1<<20 {
		return fmt.Errorf("larger than %d MiB", max>>20)
	}
	return fmt.Errorf("larger than %d bytes", max)
}
