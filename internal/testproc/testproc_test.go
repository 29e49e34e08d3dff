package testproc

import (
	"os/exec"
	"regexp"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestStartFeedsStdinAndCollectsOutput(t *testing.T) {
	Require(t, "sh")
	p := Start(t, exec.Command("sh", "-c", "cat; echo err >&2; exit 3"), []byte("hello\n"), true)
	if !p.Wait(10 * time.Second) {
		t.Fatalf("did not exit:\n%s", p)
	}
	if got := p.Stdout.String(); got != "hello\n" {
		t.Errorf("stdout %q", got)
	}
	if got := p.Stderr.String(); got != "err\n" {
		t.Errorf("stderr %q", got)
	}
	// Two pipes: the interleaving of stdout and stderr is not fixed.
	if got := p.Output.String(); got != "hello\nerr\n" && got != "err\nhello\n" {
		t.Errorf("output %q", got)
	}
	if c := p.ExitCode(); c != 3 {
		t.Errorf("exit code %d, want 3", c)
	}
}

func TestWaitForLineIgnoresAHalfPrintedLine(t *testing.T) {
	Require(t, "sh")
	p := Start(t, exec.Command("sh", "-c", `printf 'PORT 12'; sleep 0.3; printf '34\n'; exec sleep 30`), nil, true)
	m, ok := p.WaitForLine(regexp.MustCompile(`^PORT (\d+)$`), 10*time.Second)
	if !ok || m[1] != "1234" {
		t.Fatalf("got %q, %v; want port 1234 (output %q)", m, ok, p.Output.String())
	}
	if p.ExitCode() != -1 {
		t.Error("ExitCode of a running process is not -1")
	}
}

func TestWaitForGivesUpWhenTheProcessExits(t *testing.T) {
	Require(t, "sh")
	p := Start(t, exec.Command("sh", "-c", "echo nothing"), nil, true)
	start := time.Now()
	if _, ok := p.WaitFor(regexp.MustCompile("never"), 30*time.Second); ok {
		t.Fatal("matched text that was never printed")
	}
	if time.Since(start) > 10*time.Second {
		t.Fatal("WaitFor kept waiting after the process exited")
	}
	if !p.WaitForText("nothing", time.Second) {
		t.Fatal("WaitForText missed printed text")
	}
}

func TestStdinStaysOpenUntilClosed(t *testing.T) {
	Require(t, "sh")
	p := Start(t, exec.Command("sh", "-c", "cat; echo eof"), []byte("a\n"), false)
	if !p.WaitForText("a\n", 10*time.Second) {
		t.Fatalf("no echo:\n%s", p)
	}
	if p.Wait(200 * time.Millisecond) {
		t.Fatal("process exited while its input was still open")
	}
	p.Stdin().Close()
	if !p.Wait(10*time.Second) || p.Stdout.String() != "a\neof\n" {
		t.Fatalf("after closing stdin:\n%s", p)
	}
}

func TestCleanupKillsARunningProcess(t *testing.T) {
	Require(t, "sh")
	var p *Proc
	t.Run("start", func(t *testing.T) {
		p = Start(t, exec.Command("sh", "-c", "sleep 60"), nil, false)
	})
	select {
	case <-p.Done():
	default:
		t.Fatal("process still running after its test ended")
	}
}

func TestWaitForLineReadsEachStreamOnItsOwn(t *testing.T) {
	Require(t, "sh")
	// stdout's unfinished line must not hide stderr's complete one.
	p := Start(t, exec.Command("sh", "-c", `printf 'partial '; sleep 0.1; echo 'READY 7' >&2; exec sleep 30`), nil, true)
	m, ok := p.WaitForLine(regexp.MustCompile(`^READY (\d+)$`), 10*time.Second)
	if !ok || m[1] != "7" {
		t.Fatalf("got %q, %v (output %q)", m, ok, p.Output.String())
	}
}
