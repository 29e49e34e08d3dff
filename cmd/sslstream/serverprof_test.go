package main

import (
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/testproc"
)

// TestServerWritesProfiles: with the four SSLSTREAM_*_PROFILE variables
// set, `sslstream server` serves as usual and writes, when SIGTERM stops
// it, the block and mutex profiles in the text format and the CPU and
// allocation profiles as go tool pprof reads them (gzipped protocol
// buffers; the allocation profile's sample types name alloc_objects).
func TestServerWritesProfiles(t *testing.T) {
	if runtimeGOOSWindows {
		t.Skip("no SIGTERM on Windows")
	}
	t.Parallel()
	p := getNetPKI(t)
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }
	cmd := exec.Command(binPath, "server", "--listen", "127.0.0.1:0", "--certificate", p.path("server.pem"), "--key", p.path("server.key"), "--echo")
	cmd.Env = append(os.Environ(), "NO_COLOR=1",
		envBlockProfile+"="+file("block.txt"), envMutexProfile+"="+file("mutex.txt"),
		envCPUProfile+"="+file("cpu.pprof"), envAllocsProfile+"="+file("allocs.pprof"))
	srv := testproc.Start(t, cmd, nil, false)
	m, ok := srv.WaitForLine(ourListening, 20*time.Second)
	if !ok {
		t.Fatalf("server did not start:\n%s", srv)
	}
	c, err := tls.Dial("tcp", "127.0.0.1:"+m[1], &tls.Config{RootCAs: netRoots(t), ServerName: "server.example"})
	if err != nil {
		t.Fatal(err)
	}
	if err := pingEcho(c, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := srv.Signal(sigterm); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(t, srv); code != 0 {
		t.Fatalf("exit %d:\n%s", code, srv)
	}
	for name, header := range map[string]string{"block.txt": "--- contention:", "mutex.txt": "--- mutex:"} {
		b, err := os.ReadFile(file(name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), header) {
			t.Errorf("%s starts %q, want %q", name, b[:min(len(b), 40)], header)
		}
	}
	for name, want := range map[string]string{"cpu.pprof": "nanoseconds", "allocs.pprof": "alloc_objects"} {
		f, err := os.Open(file(name))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			t.Fatalf("%s: not gzipped: %v", name, err)
		}
		b, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("%s: no %q in the profile's strings", name, want)
		}
	}
}
