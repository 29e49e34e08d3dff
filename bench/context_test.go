package bench_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
)

// caDirs caches the directories of caDirectory by size: the benchmark
// function runs once per b.N tried, and 100,000 links take seconds.
var (
	caDirsMu sync.Mutex
	caDirs   = map[int]string{}
)

// caDirectory makes (once per test binary, in the fixture's directory) a
// hashed CA directory of n links to the fixture's root (names need not
// match the hash: creation must read none of them).
func caDirectory(tb testing.TB, n int) string {
	tb.Helper()
	p := fixture(tb)
	caDirsMu.Lock()
	defer caDirsMu.Unlock()
	if dir, ok := caDirs[n]; ok {
		return dir
	}
	dir := filepath.Join(p.dir, fmt.Sprintf("cadir-%d", n))
	if err := os.Mkdir(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(p.caFile)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), data, 0o644); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		if err := os.Symlink("ca.pem", filepath.Join(dir, fmt.Sprintf("%08x.0", uint32(i)*2654435761))); err != nil {
			tb.Fatal(err)
		}
	}
	caDirs[n] = dir
	return dir
}

// BenchmarkContextCADirectory creates a client context whose ca-directory
// holds 100,000 hash links (goal: under 10 ms, because the directory is
// read lazily), against the same with a directory of one link. ratio is
// the one-link time over the 100,000-link time (about 1 when creation
// does not depend on the directory's size).
func BenchmarkContextCADirectory(b *testing.B) {
	big := caDirectory(b, 100_000)
	small := caDirectory(b, 1)
	mk := func(dir string) func(int) (time.Duration, error) {
		return func(n int) (time.Duration, error) {
			start := time.Now()
			for range n {
				if _, err := sslstream.NewClientContext(sslstream.Settings{CADirectory: dir, Verify: sslstream.VerifyRequired}); err != nil {
					return 0, err
				}
			}
			return time.Since(start), nil
		}
	}
	tOurs, tBase := pairTimes(b, 16, mk(big), mk(small))
	report(b, tOurs, tBase, 0)
}
