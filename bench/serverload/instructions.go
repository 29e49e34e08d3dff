package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// instructions counts the instructions a server runs per handshake: the
// server's command runs under valgrind's callgrind, its counters are zeroed
// after a warm-up and dumped after N handshakes (callgrind_control), and
// the dump's total is divided by N. A count of instructions, unlike a CPU
// time, does not move with what else the machine does, nor with where the
// linker put the code: it tells a difference in work from a difference in
// how fast the same work runs (docs/PERFORMANCE.md). It counts user-space
// instructions only; what the kernel does for the server's system calls is
// not in it.
func instructions(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("instructions", flag.ContinueOnError)
	lf := addLoadFlags(fs, 200, 20, "")
	n, warm, par := lf.n, lf.warm, lf.par
	parts := fs.Int("parts", 3, "count in this many parts and report the median part's instructions per handshake")
	if err := fs.Parse(args); err != nil {
		return err
	}
	server := fs.Args()
	if len(server) == 0 {
		return errors.New("instructions: the server's command after the flags (-- COMMAND ARGS...), printing \"Listening on ADDR\" on stderr")
	}
	if *n <= 0 || *par <= 0 || *warm < 0 || *parts <= 0 || *parts > *n {
		return errors.New("instructions: --n, --parallel and --parts must be positive, --parts at most --n")
	}
	valgrind, err := exec.LookPath("valgrind")
	if err != nil {
		return fmt.Errorf("instructions: valgrind is not installed (Debian package valgrind): %w", err)
	}
	control, err := exec.LookPath("callgrind_control")
	if err != nil {
		return fmt.Errorf("instructions: callgrind_control is not installed (Debian package valgrind): %w", err)
	}
	tmp, err := os.MkdirTemp("", "serverload-callgrind")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "callgrind.out")
	cmd := exec.Command(valgrind, append([]string{"--tool=callgrind", "--callgrind-out-file=" + out}, server...)...)
	// Fewer signals for valgrind to pass on (Go preempts a long-running
	// goroutine with a signal), and one P: valgrind runs one thread at a
	// time anyway, and a second P's thread would spin looking for work
	// while it waits for its turn.
	cmd.Env = append(os.Environ(), "GODEBUG=asyncpreemptoff=1", "GOMAXPROCS=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("instructions: %s: %w", valgrind, err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	tail := &lineTail{max: 20}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			tail.add(line)
			if a, ok := strings.CutPrefix(line, "Listening on "); ok {
				select {
				case addr <- a:
				default:
				}
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	var sv *cpuServer
	select {
	case a := <-addr:
		servers, err := cpuServers(a, strconv.Itoa(cmd.Process.Pid), *lf.probe)
		if err != nil {
			return err
		}
		sv = servers[0]
	case <-time.After(2 * time.Minute):
		return fmt.Errorf("instructions: %q printed no \"Listening on\" within 2 minutes:\n%s", strings.Join(server, " "), tail)
	}
	load, err := newHandshakeLoad(lf.options(rand.Uint64()|1), []*cpuServer{sv})
	if err != nil {
		return err
	}
	if err := load.run(*warm, false); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	callgrind := func(op string) error {
		if b, err := exec.Command(control, op, strconv.Itoa(cmd.Process.Pid)).CombinedOutput(); err != nil {
			return fmt.Errorf("instructions: callgrind_control %s: %w: %s", op, err, b)
		}
		return nil
	}
	settle := func() { time.Sleep(100 * time.Millisecond) } // the last closes
	settle()
	if err := callgrind("-z"); err != nil {
		return err
	}
	// In parts, each dumped on its own (a dump zeroes the counters): the
	// median part stands for the whole, so that a burst of a runtime
	// thread spinning while valgrind runs another (it runs one at a time)
	// does not.
	per := make([]float64, *parts)
	var total int64
	for i := range *parts {
		count := *n / *parts
		if i < *n%*parts {
			count++
		}
		if err := load.run(count, true); err != nil {
			return err
		}
		settle()
		if err := callgrind("-d"); err != nil {
			return err
		}
		t, err := callgrindTotal(fmt.Sprintf("%s.%d", out, i+1))
		if err != nil {
			return fmt.Errorf("instructions: %w\n%s", err, tail)
		}
		total += t
		per[i] = float64(t) / float64(count)
	}
	sorted := slices.Clone(per)
	slices.Sort(sorted)
	fmt.Fprintf(w, "instructions-per-handshake %.0f handshakes %d instructions %d parts %s version %s resumed %v suite %s\n",
		sorted[len(sorted)/2], *n, total, formatParts(per), *lf.version, *lf.resume, load.suiteName())
	return nil
}

// formatParts is the per-handshake counts of the parts, comma-separated.
func formatParts(per []float64) string {
	s := make([]string, len(per))
	for i, v := range per {
		s[i] = strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strings.Join(s, ",")
}

// callgrindTotal reads the count of instructions of a callgrind dump (its
// "summary:" or "totals:" line, the first event being Ir), waiting up to 30
// seconds for the dump to be written out.
func callgrindTotal(path string) (int64, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := os.ReadFile(path)
		if err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				for _, p := range []string{"summary:", "totals:"} {
					if v, ok := strings.CutPrefix(line, p); ok {
						f := strings.Fields(v)
						if len(f) == 0 {
							return 0, fmt.Errorf("%s: %q has no count", path, line)
						}
						return strconv.ParseInt(f[0], 10, 64)
					}
				}
			}
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = errors.New("no summary or totals line")
			}
			return 0, fmt.Errorf("callgrind dump %s: %w", path, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// lineTail keeps the last max lines written to it, for an error message.
type lineTail struct {
	mu    sync.Mutex
	max   int
	lines []string
}

func (t *lineTail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > t.max {
		t.lines = t.lines[1:]
	}
}

func (t *lineTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}
