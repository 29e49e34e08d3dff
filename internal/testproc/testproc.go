// Package testproc runs the external programs sslstream's tests compare
// against (openssl, gnutls-cli/gnutls-serv, python3, the sslstream
// command itself): it starts them, collects their output safely for
// concurrent reading, waits for what they print, and kills them when the
// test ends.
package testproc

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// packages names the Debian package that installs each program the tests
// use, for the skip message.
var packages = map[string]string{
	"openssl":     "openssl",
	"gnutls-cli":  "gnutls-bin",
	"gnutls-serv": "gnutls-bin",
	"python3":     "python3",
}

// Require skips the test when bin is not on PATH and returns its path.
func Require(tb testing.TB, bin string) string {
	tb.Helper()
	p, err := exec.LookPath(bin)
	if err != nil {
		pkg := packages[bin]
		if pkg == "" {
			pkg = bin
		}
		tb.Skipf("%s not on PATH (Debian package %s, which .ci/run installs): test skipped", bin, pkg)
	}
	return p
}

// Buffer is a bytes.Buffer that one process writes while tests read it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// Bytes returns a copy of what has been written so far.
func (b *Buffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.b.Bytes())
}

// String returns what has been written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Proc is a running process started by a test. Its output is collected in
// Stdout, Stderr and Output (both, interleaved as written); it is killed,
// if still running, when the test ends.
type Proc struct {
	Stdout, Stderr, Output Buffer

	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan struct{}
	err   error // exit status, valid after done
}

// Start starts cmd (whose Stdout, Stderr and Stdin it sets), writes stdin
// to the process and then closes its input if closeStdin is set; otherwise
// the input stays open until closed through Stdin or the end of the test (s_server
// stops at the end of its input, and s_client or gnutls-cli may hang up
// before the answer they wait for arrives).
func Start(tb testing.TB, cmd *exec.Cmd, stdin []byte, closeStdin bool) *Proc {
	tb.Helper()
	p := &Proc{cmd: cmd, done: make(chan struct{})}
	cmd.Stdout = io.MultiWriter(&p.Stdout, &p.Output)
	cmd.Stderr = io.MultiWriter(&p.Stderr, &p.Output)
	if cmd.WaitDelay == 0 {
		// A child the process left behind may hold its output open:
		// do not wait for it for ever once the process has exited.
		cmd.WaitDelay = 2 * time.Second
	}
	w, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	p.stdin = w
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", cmd.Path, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	tb.Cleanup(func() {
		_ = w.Close()
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	go func() {
		if len(stdin) > 0 {
			_, _ = w.Write(stdin)
		}
		if closeStdin {
			_ = w.Close()
		}
	}()
	return p
}

// Stdin is the process's input, for a test that writes to it (or closes
// it) after Start; give Start no stdin data then.
func (p *Proc) Stdin() io.WriteCloser { return p.stdin }

// Signal sends sig to the process.
func (p *Proc) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Pid is the process's ID.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Wait waits up to d for the process to exit by itself and reports
// whether it did.
func (p *Proc) Wait(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// ExitCode is the process's exit status once it has exited: its code, or
// -1 when it was killed by a signal or has not exited.
func (p *Proc) ExitCode() int {
	select {
	case <-p.done:
	default:
		return -1
	}
	if p.err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// WaitFor polls the process's output until re matches it, the process
// exits without it matching, or d passes. It returns the submatches.
func (p *Proc) WaitFor(re *regexp.Regexp, d time.Duration) ([]string, bool) {
	return p.poll(d, func() []string { return re.FindStringSubmatch(p.Output.String()) })
}

// WaitForLine is WaitFor on complete lines only: re is matched against
// each line the process has finished printing on stdout or stderr (each
// stream on its own, so that the other cannot split a line), and a line
// still being written (a port number half-printed) never matches early.
func (p *Proc) WaitForLine(re *regexp.Regexp, d time.Duration) ([]string, bool) {
	return p.poll(d, func() []string {
		for _, b := range []*Buffer{&p.Stdout, &p.Stderr} {
			out := b.String()
			out = out[:strings.LastIndexByte(out, '\n')+1]
			for _, l := range strings.Split(out, "\n") {
				if m := re.FindStringSubmatch(strings.TrimSuffix(l, "\r")); m != nil {
					return m
				}
			}
		}
		return nil
	})
}

// WaitForText is WaitFor with a plain substring.
func (p *Proc) WaitForText(s string, d time.Duration) bool {
	_, ok := p.WaitFor(regexp.MustCompile(regexp.QuoteMeta(s)), d)
	return ok
}

func (p *Proc) poll(d time.Duration, match func() []string) ([]string, bool) {
	deadline := time.After(d)
	for {
		if m := match(); m != nil {
			return m, true
		}
		select {
		case <-p.done:
			// One last look: the output is complete now.
			m := match()
			return m, m != nil
		case <-deadline:
			return nil, false
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// String is the process's output for failure messages.
func (p *Proc) String() string {
	return "stdout:\n" + p.Stdout.String() + "\nstderr:\n" + p.Stderr.String()
}
