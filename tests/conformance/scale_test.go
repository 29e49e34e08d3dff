package conformance

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/internal/rawtls"
)

// Environment knobs of the hostile-clients-at-scale test:
//
//	SSLSTREAM_SCALE_CONNS     connections (default 1000; half stall)
//	SSLSTREAM_SCALE_DEADLINE  the server's handshake deadline (default 5s)
//
// With -short the test runs 200 connections. The 10,000-connection run of
// docs/INTEROP.md is
//
//	SSLSTREAM_SCALE_CONNS=10000 SSLSTREAM_SCALE_DEADLINE=20s \
//	  go test -run TestHostileClientsAtScale -v -timeout 10m ./tests/conformance
//
// The clients run in a child process (this test binary, started again
// with SSLSTREAM_SCALE_CHILD set), so each process holds one end of every
// connection (10,000 connections need 20,000 descriptors in one process,
// more than a common hard limit) and the server's memory is measured on
// its own.
const childEnv = "SSLSTREAM_SCALE_CHILD"

// Stall kinds, one in four stalled connections each.
const (
	stallNothing = iota // connects and sends nothing
	stallTrickle        // one byte of a ClientHello a second
	stallPartial        // half a ClientHello, then nothing
	stallAfterCH        // a whole ClientHello, then nothing
	stallKinds
)

// stallPhase is the phase the server's error must name for each kind.
var stallPhase = [stallKinds]string{
	"waiting for the ClientHello (nothing received)",
	"waiting for the rest of the ClientHello",
	"waiting for the rest of the ClientHello",
	"waiting for the client's Finished",
}

// childReport is what the client process prints (one JSON line).
type childReport struct {
	Healthy, HealthyOK int
	Stalled, StallCut  int // stalled connections, and how many the server cut
	Errors             []string
	Elapsed            time.Duration
}

// helperMain runs the client side of TestHostileClientsAtScale when this
// process was started as its child; it reports whether it was.
func helperMain() bool {
	spec := os.Getenv(childEnv)
	if spec == "" {
		return false
	}
	f := strings.Split(spec, ",")
	if len(f) != 3 {
		fmt.Fprintln(os.Stderr, childEnv, "wants addr,conns,deadline")
		os.Exit(2)
	}
	n, err1 := strconv.Atoi(f[1])
	d, err2 := time.ParseDuration(f[2])
	if err1 != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, childEnv, spec, err1, err2)
		os.Exit(2)
	}
	raiseFDLimit()
	r := runClients(f[0], n, d)
	_ = json.NewEncoder(os.Stdout).Encode(r)
	return true
}

// raiseFDLimit raises RLIMIT_NOFILE to its hard limit and returns it.
func raiseFDLimit() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0
	}
	rl.Cur = rl.Max
	_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
	_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl)
	return rl.Cur
}

// dialer returns a dialer for connection i: with many connections the
// source address rotates over 127.0.0.1–127.0.0.4, so that ephemeral
// ports do not run out.
func dialer(i, n int) *net.Dialer {
	d := &net.Dialer{Timeout: 30 * time.Second}
	if n > 4000 {
		d.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(1+i%4))}
	}
	return d
}

// runClients opens n connections to addr: the first n/2 stall (in four
// ways, in turn), and once all of them are connected the rest make full
// handshakes and echo "ping", at most 32 at a time. Stalled connections
// wait until the server cuts them (at most deadline plus 30 s).
func runClients(addr string, n int, deadline time.Duration) childReport {
	start := time.Now()
	stalled := n / 2
	rep := childReport{Stalled: stalled, Healthy: n - stalled}
	var mu sync.Mutex
	fail := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(rep.Errors) < 20 {
			rep.Errors = append(rep.Errors, fmt.Sprintf(format, a...))
		}
	}
	hello := rawtls.Records(rawtls.Handshake, 0x0301, rawtls.Modern().MustMarshal(), 1<<14)
	var cut, ok atomic.Int64
	var wg sync.WaitGroup
	connected := make(chan struct{}, stalled)
	dialing := make(chan struct{}, 64)
	for i := range stalled {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dialing <- struct{}{}
			c, err := dialer(i, n).Dial("tcp", addr)
			<-dialing
			connected <- struct{}{}
			if err != nil {
				fail("stalled %d: dial: %v", i, err)
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(deadline + 30*time.Second))
			switch i % stallKinds {
			case stallTrickle:
				go func() {
					for _, b := range hello {
						if _, err := c.Write([]byte{b}); err != nil {
							return
						}
						time.Sleep(time.Second)
					}
				}()
			case stallPartial:
				_, _ = c.Write(hello[:len(hello)/2])
			case stallAfterCH:
				_, _ = c.Write(hello)
			}
			// The server's cut: EOF or a reset, after whatever it sent.
			_, err = io.Copy(io.Discard, c)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				fail("stalled %d (kind %d): the server never cut the connection", i, i%stallKinds)
				return
			}
			cut.Add(1)
		}()
	}
	for range stalled {
		<-connected
	}
	healthy := make(chan struct{}, 32)
	for i := stalled; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			healthy <- struct{}{}
			defer func() { <-healthy }()
			c, err := dialer(i, n).Dial("tcp", addr)
			if err != nil {
				fail("healthy %d: dial: %v", i, err)
				return
			}
			tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true})
			defer tc.Close()
			_ = tc.SetDeadline(time.Now().Add(deadline))
			if err := tc.Handshake(); err != nil {
				fail("healthy %d: handshake: %v", i, err)
				return
			}
			if _, err := tc.Write([]byte("ping")); err != nil {
				fail("healthy %d: write: %v", i, err)
				return
			}
			buf := make([]byte, 4)
			if _, err := io.ReadFull(tc, buf); err != nil || string(buf) != "ping" {
				fail("healthy %d: echo %q, %v", i, buf, err)
				return
			}
			ok.Add(1)
		}()
	}
	wg.Wait()
	rep.StallCut, rep.HealthyOK = int(cut.Load()), int(ok.Load())
	rep.Elapsed = time.Since(start)
	return rep
}

func fdCount(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count file descriptors here: %v", err)
	}
	return len(ents)
}

// procStatusKB reads a field (VmHWM, VmRSS) of /proc/self/status in KiB.
func procStatusKB(field string) int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return n
		}
	}
	return 0
}

// TestHostileClientsAtScale: many connections at once to one server
// context, half of them stalling mid-handshake (nothing, one byte a
// second, half a ClientHello, a ClientHello and then nothing) while the
// other half complete handshakes and echo data. Every stalled one must be
// cut by the handshake deadline with an error naming its phase, every
// healthy one must complete, and afterwards file descriptors and
// goroutines are back where they started. Peak RSS per connection is
// logged (docs/INTEROP.md has the figures).
func TestHostileClientsAtScale(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 200
	}
	if v := os.Getenv("SSLSTREAM_SCALE_CONNS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 8 {
			t.Fatalf("SSLSTREAM_SCALE_CONNS=%q: want an integer >= 8", v)
		}
	}
	deadline := 5 * time.Second
	if v := os.Getenv("SSLSTREAM_SCALE_DEADLINE"); v != "" {
		var err error
		if deadline, err = time.ParseDuration(v); err != nil || deadline <= 0 {
			t.Fatalf("SSLSTREAM_SCALE_DEADLINE=%q: want a positive duration", v)
		}
	}
	if raceEnabled && n > 3000 {
		t.Skipf("%d connections need more goroutines than the race detector allows (8128 live); run without -race", n)
	}
	if lim := raiseFDLimit(); lim < uint64(n+200) {
		t.Skipf("RLIMIT_NOFILE hard limit %d is too low for %d connections", lim, n)
	}
	p := pki(t)
	ctx, err := sslstream.NewServerContext(sslstream.Settings{Certificate: p.certFile, Key: p.key})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	fdBefore, goBefore := fdCount(t), runtime.NumGoroutine()
	rssBefore := procStatusKB("VmRSS")
	// Reset the peak (VmHWM) to the current RSS, where the kernel allows.
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)

	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu       sync.Mutex
		phases   = map[string]int{}
		bad      []string
		served   atomic.Int64
		open     atomic.Int64
		peakOpen atomic.Int64
		handlers sync.WaitGroup
	)
	record := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		if len(bad) < 20 {
			bad = append(bad, s)
		}
	}
	handlers.Add(1)
	go func() {
		defer handlers.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			handlers.Add(1)
			go func() {
				defer handlers.Done()
				if o := open.Add(1); o > peakOpen.Load() {
					peakOpen.Store(o) // approximate peak; one writer mostly
				}
				defer open.Add(-1)
				st, err := ctx.Server(c, nil)
				if err != nil {
					c.Close()
					record(err.Error())
					return
				}
				defer st.Close()
				_ = st.SetDeadline(time.Now().Add(deadline))
				if err := st.Handshake(); err != nil {
					var e *sslstream.Error
					if !errors.As(err, &e) || !e.Timeout() {
						record(fmt.Sprintf("handshake failed other than by the deadline: %v", err))
						return
					}
					ph := "unnamed phase: " + err.Error()
					for _, want := range stallPhase {
						if strings.Contains(err.Error(), want) {
							ph = want
						}
					}
					mu.Lock()
					phases[ph]++
					mu.Unlock()
					return
				}
				buf := make([]byte, 4)
				if _, err := io.ReadFull(st, buf); err != nil {
					record(fmt.Sprintf("reading the healthy client's ping: %v", err))
					return
				}
				if _, err := st.Write(buf); err != nil || st.Flush() != nil {
					record(fmt.Sprintf("echo: %v", err))
					return
				}
				_, _ = io.Copy(io.Discard, st) // until the client closes
				served.Add(1)
			}()
		}
	}()

	start := time.Now()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d,%s", childEnv, ln.Addr(), n, deadline))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	elapsed := time.Since(start)
	ln.Close()
	handlers.Wait()
	if err != nil {
		t.Fatalf("client process: %v\n%s", err, out)
	}
	var rep childReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("client process report %q: %v", out, err)
	}
	for _, e := range rep.Errors {
		t.Errorf("client: %s", e)
	}
	for _, e := range bad {
		t.Errorf("server: %s", e)
	}
	if rep.HealthyOK != rep.Healthy || int(served.Load()) != rep.Healthy {
		t.Errorf("healthy connections: %d of %d completed at the client, %d served", rep.HealthyOK, rep.Healthy, served.Load())
	}
	if rep.StallCut != rep.Stalled {
		t.Errorf("stalled connections: %d of %d cut by the server", rep.StallCut, rep.Stalled)
	}
	want := map[string]int{}
	for i := range rep.Stalled {
		want[stallPhase[i%stallKinds]]++
	}
	for ph, k := range want {
		if phases[ph] != k {
			t.Errorf("phase %q: %d stalled handshakes named it, want %d (all phases: %v)", ph, phases[ph], k, phases)
		}
	}
	for ph, k := range phases {
		if _, ok := want[ph]; !ok {
			t.Errorf("%d stalled handshakes: %s", k, ph)
		}
	}

	peakKB := procStatusKB("VmHWM")
	runtime.GC()
	time.Sleep(100 * time.Millisecond)
	fdAfter, goAfter := fdCount(t), runtime.NumGoroutine()
	for end := time.Now().Add(10 * time.Second); (fdAfter > fdBefore || goAfter > goBefore) && time.Now().Before(end); {
		time.Sleep(100 * time.Millisecond)
		fdAfter, goAfter = fdCount(t), runtime.NumGoroutine()
	}
	if fdAfter > fdBefore {
		t.Errorf("file descriptors: %d before, %d after", fdBefore, fdAfter)
	}
	if goAfter > goBefore {
		t.Errorf("goroutines: %d before, %d after", goBefore, goAfter)
	}
	perConn := float64(peakKB-rssBefore) / float64(n)
	perOpen := float64(peakKB-rssBefore) / float64(max(1, peakOpen.Load()))
	t.Logf("%d connections (%d stalled, %d healthy), handshake deadline %v: %v in all (client process %v); peak server connections open at once ~%d; server RSS %d KiB before, peak %d KiB: %.1f KiB per connection, %.1f KiB per connection open at the peak; fds %d before, %d after; goroutines %d before, %d after; phases %v",
		n, rep.Stalled, rep.Healthy, deadline, elapsed.Round(time.Millisecond), rep.Elapsed.Round(time.Millisecond), peakOpen.Load(),
		rssBefore, peakKB, perConn, perOpen, fdBefore, fdAfter, goBefore, goAfter, phases)
	// A generous bound: a stalled handshake holds a goroutine, a tls.Conn
	// and a read buffer; crypto/tls's buffers grow to at most ~80 KiB.
	if peakKB > 0 && perConn > 256 {
		t.Errorf("peak RSS %.1f KiB per connection, want at most 256", perConn)
	}
}
