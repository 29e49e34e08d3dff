package bench_test

import (
	"bufio"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
)

// idleConns is the number of connections of BenchmarkIdleMemory;
// scripts/bench sets 10000.
var idleConns = flag.Int("idleconns", 300, "connections held open by BenchmarkIdleMemory")

// The connections' other ends live in a child process (this test binary
// in peer mode), so that only the measured ends are in this heap and the
// file limit is not reached twice as fast.
const (
	envPeer = "SSLSTREAM_BENCH_PEER" // "serve" or "dial ADDR N"
	envCert = "SSLSTREAM_BENCH_CERT"
	envKey  = "SSLSTREAM_BENCH_KEY"
)

func peerMode() bool { return os.Getenv(envPeer) != "" }

// runPeer is the child process: a crypto/tls server ("serve": prints its
// address) or client ("dial ADDR N": prints "ok" once N connections are
// up). Each connection exchanges 4 bytes each way and then idles. The
// child exits when its standard input closes.
func runPeer() int {
	fields := strings.Fields(os.Getenv(envPeer))
	var conns []net.Conn
	var mu sync.Mutex
	hold := func(c net.Conn) {
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
	}
	fail := func(err error) int {
		fmt.Fprintln(os.Stdout, "error:", err)
		return 1
	}
	switch fields[0] {
	case "serve":
		pair, err := tls.LoadX509KeyPair(os.Getenv(envCert), os.Getenv(envKey))
		if err != nil {
			return fail(err)
		}
		cfg := &tls.Config{Certificates: []tls.Certificate{pair}}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fail(err)
		}
		fmt.Println(ln.Addr())
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() {
					t := tls.Server(c, cfg)
					var b [4]byte
					if _, err := io.ReadFull(t, b[:]); err != nil {
						c.Close()
						return
					}
					t.Write([]byte("pong"))
					hold(t)
				}()
			}
		}()
	case "dial":
		if len(fields) != 3 {
			return fail(errors.New("dial ADDR N"))
		}
		n, err := strconv.Atoi(fields[2])
		if err != nil {
			return fail(err)
		}
		cfg := &tls.Config{InsecureSkipVerify: true}
		sem := make(chan struct{}, 8)
		errc := make(chan error, n)
		for range n {
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				t, err := tls.Dial("tcp", fields[1], cfg)
				if err != nil {
					errc <- err
					return
				}
				var b [4]byte
				if _, err := t.Write([]byte("ping")); err != nil {
					errc <- err
					return
				}
				if _, err := io.ReadFull(t, b[:]); err != nil {
					errc <- err
					return
				}
				hold(t)
				errc <- nil
			}()
		}
		for range n {
			if err := <-errc; err != nil {
				return fail(err)
			}
		}
		fmt.Println("ok")
	default:
		return fail(fmt.Errorf("unknown peer mode %q", fields[0]))
	}
	io.Copy(io.Discard, os.Stdin)
	mu.Lock()
	for _, c := range conns {
		c.Close()
	}
	mu.Unlock()
	return 0
}

// peer is a running child process.
type peer struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

func startPeer(tb testing.TB, mode string) *peer {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	p := fixture(tb)
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envPeer+"="+mode, envCert+"="+p.ec.cert, envKey+"="+p.ec.key)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	return &peer{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}
}

func (p *peer) line() (string, error) {
	s, err := p.out.ReadString('\n')
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "error:") {
		return "", errors.New("peer: " + s)
	}
	return s, err
}

func (p *peer) stop() {
	p.stdin.Close()
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// heapAfterGC returns the live heap.
func heapAfterGC() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// idleClients opens n client connections to a peer server through wrap,
// exchanges 4 bytes each way on each, and returns the live heap they hold
// per connection.
func idleClients(tb testing.TB, n int, wrap func(net.Conn) (endpoint, func() error)) (float64, error) {
	pr := startPeer(tb, "serve")
	defer pr.stop()
	addr, err := pr.line()
	if err != nil {
		return 0, err
	}
	conns := make([]endpoint, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	before := heapAfterGC()
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return 0, err
		}
		e, hs := wrap(c)
		conns = append(conns, e)
		if err := hs(); err != nil {
			return 0, err
		}
		if err := pingPong(e, "ping", "pong", true); err != nil {
			return 0, err
		}
	}
	after := heapAfterGC()
	runtime.KeepAlive(conns)
	return (float64(after) - float64(before)) / float64(n), nil
}

// idleServers accepts n connections from a peer client through wrap and
// returns the live heap they hold per connection.
func idleServers(tb testing.TB, n int, wrap func(net.Conn) (endpoint, func() error)) (float64, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	conns := make([]endpoint, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	before := heapAfterGC()
	pr := startPeer(tb, fmt.Sprintf("dial %s %d", ln.Addr(), n))
	defer pr.stop()
	for range n {
		c, err := ln.Accept()
		if err != nil {
			return 0, err
		}
		e, hs := wrap(c)
		conns = append(conns, e)
		if err := hs(); err != nil {
			return 0, err
		}
		if err := pingPong(e, "pong", "ping", false); err != nil {
			return 0, err
		}
	}
	if s, err := pr.line(); err != nil || s != "ok" {
		return 0, fmt.Errorf("peer: %q %v", s, err)
	}
	after := heapAfterGC()
	runtime.KeepAlive(conns)
	return (float64(after) - float64(before)) / float64(n), nil
}

// pingPong writes out and reads in (in the order given by writeFirst).
func pingPong(e endpoint, out, in string, writeFirst bool) error {
	write := func() error {
		if _, err := e.Write([]byte(out)); err != nil {
			return err
		}
		return e.Flush()
	}
	read := func() error {
		b := make([]byte, len(in))
		if _, err := io.ReadFull(e, b); err != nil {
			return err
		}
		if string(b) != in {
			return fmt.Errorf("read %q, want %q", b, in)
		}
		return nil
	}
	if writeFirst {
		if err := write(); err != nil {
			return err
		}
		return read()
	}
	if err := read(); err != nil {
		return err
	}
	return write()
}

// BenchmarkIdleMemory holds -idleconns established, idle connections
// (each has exchanged a few bytes each way) and reports the live heap per
// connection end: sslstream streams against crypto/tls conns, client and
// server side. extra-B/conn is sslstream's excess (goal <= 8192).
func BenchmarkIdleMemory(b *testing.B) {
	p := fixture(b)
	s := ecdhe13
	s.method = ""
	s.version = 0
	ccfg := &tls.Config{RootCAs: p.roots, ServerName: serverName}
	sctx, err := sslstream.NewServerContext(sslstream.Settings{Certificate: p.ec.cert, Key: p.ec.key})
	if err != nil {
		b.Fatal(err)
	}
	scfg := &tls.Config{Certificates: []tls.Certificate{p.ec.pair}}
	sides := []struct {
		name      string
		measure   func(testing.TB, int, func(net.Conn) (endpoint, func() error)) (float64, error)
		ours, raw func(net.Conn) (endpoint, func() error)
	}{
		{"client", idleClients, oursClientWrap(b, ecdhe13), rawClientWrap(ccfg)},
		{"server", idleServers, func(c net.Conn) (endpoint, func() error) {
			st, err := sctx.Server(c, nil)
			if err != nil {
				return rawConn{tls.Server(c, scfg)}, func() error { return err }
			}
			return st, st.Handshake
		}, func(c net.Conn) (endpoint, func() error) {
			t := tls.Server(c, scfg)
			return rawConn{t}, t.Handshake
		}},
	}
	for _, side := range sides {
		b.Run(side.name, func(b *testing.B) {
			n := *idleConns
			var ours, raw float64
			for i := 0; i < b.N; i++ {
				o, err := side.measure(b, n, side.ours)
				if err != nil {
					b.Fatal(err)
				}
				r, err := side.measure(b, n, side.raw)
				if err != nil {
					b.Fatal(err)
				}
				ours += o
				raw += r
			}
			ours /= float64(b.N)
			raw /= float64(b.N)
			b.ReportMetric(ours, "B/conn")
			b.ReportMetric(raw, "base-B/conn")
			b.ReportMetric(ours-raw, "extra-B/conn")
			b.ReportMetric(float64(n), "conns")
		})
	}
}
