package workpool

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestJobsReuseAWaitingGoroutine(t *testing.T) {
	var ran atomic.Int64
	p := New(4, func(n int) { ran.Add(int64(n)) })
	for i := 1; i <= 10; i++ {
		p.Go(i)
		// The next job finds the goroutine waiting.
		waitFor(t, "the goroutine waits again", func() bool { return p.Waiting() == 1 })
	}
	p.Close()
	if got := ran.Load(); got != 55 {
		t.Errorf("jobs ran with a sum of %d, want 55", got)
	}
	if got := p.Started(); got != 1 {
		t.Errorf("started %d goroutines for 10 jobs one after another, want 1", got)
	}
}

func TestBusyPoolStartsGoroutinesAndKeepsIdleOfThem(t *testing.T) {
	const jobs, idle = 12, 3
	release := make(chan struct{})
	var running sync.WaitGroup
	running.Add(jobs)
	p := New(idle, func(int) { running.Done(); <-release })
	before := runtime.NumGoroutine()
	for i := range jobs {
		p.Go(i) // every goroutine is busy: each job starts one
	}
	running.Wait()
	if got := p.Started(); got != jobs {
		t.Fatalf("started %d goroutines for %d jobs at once, want %d", got, jobs, jobs)
	}
	close(release)
	waitFor(t, "the goroutines beyond the idle ones exit", func() bool {
		return runtime.NumGoroutine() <= before+idle && p.Waiting() == idle
	})
	p.Close()
	waitFor(t, "Close leaves no goroutine", func() bool { return runtime.NumGoroutine() <= before })
}

func TestCloseWaitsForRunningJobs(t *testing.T) {
	release, started := make(chan struct{}), make(chan struct{})
	var done atomic.Bool
	p := New(1, func(int) { close(started); <-release; done.Store(true) })
	p.Go(1)
	<-started
	closed := make(chan struct{})
	go func() { p.Close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("Close returned while a job was running")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	<-closed
	if !done.Load() {
		t.Error("Close returned before the job ended")
	}
}

func TestWaitingGoroutineDoesNotKeepItsLastJob(t *testing.T) {
	type conn struct{ buf [1 << 10]byte }
	collected := make(chan struct{})
	p := New(1, func(c *conn) { c.buf[0] = 1 })
	func() {
		c := new(conn)
		runtime.AddCleanup(c, func(ch chan struct{}) { close(ch) }, collected)
		p.Go(c)
	}()
	waitFor(t, "the goroutine waits", func() bool { return p.Waiting() == 1 })
	deadline := time.After(10 * time.Second)
	for done := false; !done; {
		runtime.GC()
		select {
		case <-collected:
			done = true
		case <-deadline:
			t.Fatal("the job's value was not collected while its goroutine waited for the next")
		case <-time.After(10 * time.Millisecond):
		}
	}
	p.Close()
}

func TestNewKeepsAtLeastOneWaiting(t *testing.T) {
	p := New(0, func(int) {})
	p.Go(1)
	waitFor(t, "the goroutine waits", func() bool { return p.Waiting() == 1 })
	p.Go(2)
	p.Close()
	if got := p.Started(); got != 1 {
		t.Errorf("New(0) started %d goroutines for 2 jobs one after another, want 1", got)
	}
}
