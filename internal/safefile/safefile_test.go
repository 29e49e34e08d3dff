//go:build unix

package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.pem")
	if err := os.WriteFile(ok, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 100), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(ok, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}

	if b, err := Read(ok, 10); err != nil || string(b) != "hello" {
		t.Fatalf("regular file: %q, %v", b, err)
	}
	if b, err := Read(link, 10); err != nil || string(b) != "hello" {
		t.Fatalf("symlink: %q, %v", b, err)
	}
	if b, err := Read(empty, 10); err != nil || b == nil || len(b) != 0 {
		t.Fatalf("empty file: %q, %v", b, err)
	}
	for _, tc := range []struct{ path, want string }{
		{dir, "is a directory"},
		{fifo, "named pipe"},
		{big, "larger than 99 bytes"},
		{filepath.Join(dir, "missing"), "no such file"},
	} {
		done := make(chan error, 1)
		go func() { _, err := Read(tc.path, 99); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Read(%s): %v, want an error containing %q", tc.path, err, tc.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Read(%s) blocked", tc.path)
		}
	}
}

func TestReadErrorKeepsCause(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "missing"), 10)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v does not match fs.ErrNotExist", err)
	}
	if strings.Contains(err.Error(), "missing") {
		t.Fatalf("error repeats the path: %v", err)
	}
}
