package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/internal/minipki"
)

// Environment knobs:
//
//	SSLSTREAM_LOAD_CONNS  number of concurrent connections (default 1000)
//	SSLSTREAM_LOAD_BYTES  bytes sent each way per connection (default 1 MiB)
func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// stream is a reproducible byte stream per connection and direction.
type stream struct{ r *rand.ChaCha8 }

func newStream(conn int, dir byte) *stream {
	var seed [32]byte
	seed[0], seed[1], seed[2], seed[3] = byte(conn), byte(conn>>8), byte(conn>>16), dir
	return &stream{rand.NewChaCha8(seed)}
}

func (s *stream) fill(p []byte) { _, _ = s.r.Read(p) }

// send writes n bytes of s in chunks of varying size, then flushes.
func send(st *sslstream.Stream, s *stream, n int, rng *rand.Rand) error {
	buf := make([]byte, 40<<10)
	for n > 0 {
		k := min(n, 1+rng.IntN(len(buf)))
		s.fill(buf[:k])
		if _, err := st.Write(buf[:k]); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		n -= k
	}
	return st.Flush()
}

// receive reads n bytes and compares them with s byte for byte.
func receive(st *sslstream.Stream, s *stream, n int) error {
	got := make([]byte, 32<<10)
	want := make([]byte, len(got))
	off := 0
	for off < n {
		k, err := st.Read(got[:min(len(got), n-off)])
		if k > 0 {
			s.fill(want[:k])
			if i := firstDiff(got[:k], want[:k]); i >= 0 {
				return fmt.Errorf("byte %d differs: got %#02x, want %#02x", off+i, got[i], want[i])
			}
			off += k
		}
		if err != nil {
			return fmt.Errorf("read after %d of %d bytes: %w", off, n, err)
		}
	}
	return nil
}

func firstDiff(a, b []byte) int {
	if bytes.Equal(a, b) {
		return -1
	}
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

// fdCount counts this process's open file descriptors.
func fdCount(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count file descriptors here: %v", err)
	}
	return len(ents)
}

// waitFDs waits for the descriptor count to come back to at most want
// (closing is synchronous, but the runtime's poller may lag briefly).
func waitFDs(t *testing.T, want int) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := fdCount(t)
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// barrier is a point n parties reach once each; all is closed when every
// one has arrived.
type barrier struct {
	wg  sync.WaitGroup
	all chan struct{}
}

func newBarrier(n int) *barrier {
	b := &barrier{all: make(chan struct{})}
	b.wg.Add(n)
	go func() { b.wg.Wait(); close(b.all) }()
	return b
}

// arrive marks one party as arrived (call it once per party).
func (b *barrier) arrive() { b.wg.Done() }

// TestManyConnections: 1,000 connections at once through one shared server
// context and one shared client context, each with a full handshake
// (client certificate required), data both ways at the same time verified
// byte for byte, a clean close (the peer sees io.EOF), and afterwards no
// goroutine (TestMain) or descriptor left.
func TestManyConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	conns := envInt(t, "SSLSTREAM_LOAD_CONNS", 1000)
	size := envInt(t, "SSLSTREAM_LOAD_BYTES", 1<<20)

	f := minipki.New()
	st := &minipki.Steps{Dir: t.TempDir()}
	root := st.Cert(f.Root("Load Root CA"))
	srvCert := st.Cert(root.Leaf("localhost", minipki.IP("127.0.0.1")))
	cliCert := st.Cert(root.Leaf("client.example"))
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	w := func(name string, data []byte) string {
		p := st.File(name, data)
		if st.Err != nil {
			t.Fatal(st.Err)
		}
		return p
	}
	ca := w("ca.pem", root.CertPEM())
	srvCtx, err := sslstream.NewServerContext(sslstream.Settings{
		Certificate: w("srv.pem", srvCert.CertPEM()), Key: w("srv.key", srvCert.KeyPEM()),
		CAFile: ca, Verify: sslstream.VerifyRequired,
	})
	if err != nil {
		t.Fatal(err)
	}
	cliCtx, err := sslstream.NewClientContext(sslstream.Settings{
		Certificate: w("cli.pem", cliCert.CertPEM()), Key: w("cli.key", cliCert.KeyPEM()),
		CAFile: ca, Verify: sslstream.VerifyRequired, ServerName: "localhost",
	})
	if err != nil {
		t.Fatal(err)
	}

	fdBefore := fdCount(t)
	goBefore := runtime.NumGoroutine()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Minute)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()

	var wg sync.WaitGroup
	errs := make(chan error, 2*conns)
	// Every end closes only once every end has received all its data:
	// crypto/tls gives the close_notify write a fixed 5 s deadline, which a
	// close behind a megabyte its peer has yet to read (1,000 connections
	// sharing 2 cores under -race) can miss.
	received := newBarrier(2 * conns)
	// The server identifies each connection by the first 4 bytes the
	// client sends (its index), then streams.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := range conns {
			c, err := ln.Accept()
			if err != nil {
				errs <- fmt.Errorf("accept: %w", err)
				for range conns - k {
					received.arrive() // the server ends never accepted
				}
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- serve(ctx, srvCtx, c, size, deadline, received)
			}()
		}
	}()
	start := time.Now()
	// At most maxDialing connections are being set up at a time (a burst
	// of 1,000 SYNs makes loopback drop and retransmit for seconds), but
	// every connection stays open, waiting at the barrier, until all of
	// them have completed their handshake: then all move data at once.
	const maxDialing = 64
	dialing := make(chan struct{}, maxDialing)
	up := newBarrier(conns)
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- dial(ctx, cliCtx, ln.Addr().String(), i, size, deadline, dialing, up, received)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	ln.Close()
	close(errs)
	var failures []error
	for err := range errs {
		if err != nil {
			failures = append(failures, err)
		}
	}
	for i, err := range failures {
		if i == 10 {
			t.Errorf("... and %d more", len(failures)-10)
			break
		}
		t.Error(err)
	}
	total := float64(2*conns*size) / (1 << 20)
	t.Logf("%d connections, %d bytes each way: %.0f MiB in %v (%.0f MiB/s, %.0f handshakes/s incl. data), race=%v",
		conns, size, total, elapsed.Round(time.Millisecond), total/elapsed.Seconds(), float64(conns)/elapsed.Seconds(), raceEnabled)

	if n := waitFDs(t, fdBefore); n > fdBefore {
		t.Errorf("file descriptors: %d before, %d after: leaked %d", fdBefore, n, n-fdBefore)
	}
	// goleak in TestMain checks goroutines at the end; this catches growth now.
	time.Sleep(100 * time.Millisecond)
	if n := runtime.NumGoroutine(); n > goBefore+5 {
		t.Errorf("goroutines: %d before, %d after", goBefore, n)
	}
}

func dial(ctx context.Context, cliCtx *sslstream.ClientContext, addr string, i, size int, deadline time.Time,
	dialing chan struct{}, up, received *barrier) error {
	arrive := sync.OnceFunc(received.arrive)
	defer arrive() // nor hold them before the close
	upOnce := sync.OnceFunc(up.arrive)
	defer upOnce() // a failed connection must not hold the others at the barrier
	dialing <- struct{}{}
	released := false
	release := func() {
		if !released {
			released = true
			<-dialing
		}
	}
	defer release()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("conn %d: dial: %w", i, err)
	}
	st, err := cliCtx.Client(c, nil)
	if err != nil {
		c.Close()
		return fmt.Errorf("conn %d: %w", i, err)
	}
	defer st.Close()
	_ = st.SetDeadline(deadline)
	if err := st.HandshakeContext(ctx); err != nil {
		return fmt.Errorf("conn %d: handshake: %w", i, err)
	}
	release()
	upOnce()
	select {
	case <-up.all:
	case <-ctx.Done():
		return fmt.Errorf("conn %d: waiting for the other connections: %w", i, ctx.Err())
	}
	if code, text := st.VerifyResult(); code != 0 {
		return fmt.Errorf("conn %d: verify result %d (%s)", i, code, text)
	}
	if _, err := st.Write([]byte{byte(i), byte(i >> 8), byte(i >> 16), byte(i >> 24)}); err != nil {
		return fmt.Errorf("conn %d: %w", i, err)
	}
	return exchange(ctx, st, i, 'c', 's', size, arrive, received.all)
}

func serve(ctx context.Context, srvCtx *sslstream.ServerContext, c net.Conn, size int, deadline time.Time, received *barrier) error {
	arrive := sync.OnceFunc(received.arrive)
	defer arrive()
	st, err := srvCtx.Server(c, nil)
	if err != nil {
		c.Close()
		return err
	}
	defer st.Close()
	_ = st.SetDeadline(deadline)
	if err := st.HandshakeContext(ctx); err != nil {
		return fmt.Errorf("server handshake: %w", err)
	}
	if pc, err := st.PeerCertificate(); err != nil || pc == nil || pc.X509().Subject.CommonName != "client.example" {
		return fmt.Errorf("server: peer certificate %v, %v", pc, err)
	}
	var id [4]byte
	if _, err := io.ReadFull(st, id[:]); err != nil {
		return fmt.Errorf("server: reading the connection number: %w", err)
	}
	i := int(id[0]) | int(id[1])<<8 | int(id[2])<<16 | int(id[3])<<24
	return exchange(ctx, st, i, 's', 'c', size, arrive, received.all)
}

// exchange sends our stream and receives the peer's at the same time,
// reports arrival and waits for every end to have received its data, then
// closes our direction and expects the peer's close (io.EOF).
func exchange(ctx context.Context, st *sslstream.Stream, i int, us, them byte, size int, arrive func(), allReceived <-chan struct{}) error {
	who := map[byte]string{'c': "client", 's': "server"}[us]
	werr := make(chan error, 1)
	go func() {
		werr <- send(st, newStream(i, us), size, rand.New(rand.NewPCG(uint64(i), uint64(us))))
	}()
	rerr := receive(st, newStream(i, them), size)
	if err := <-werr; err != nil {
		return fmt.Errorf("conn %d %s: %w", i, who, err)
	}
	if rerr != nil {
		return fmt.Errorf("conn %d %s: %w", i, who, rerr)
	}
	arrive()
	select {
	case <-allReceived:
	case <-ctx.Done():
		return fmt.Errorf("conn %d %s: waiting for the other connections' data: %w", i, who, ctx.Err())
	}
	if err := st.CloseWrite(); err != nil {
		return fmt.Errorf("conn %d %s: close_notify: %w", i, who, err)
	}
	var one [1]byte
	if n, err := st.Read(one[:]); n != 0 || !errors.Is(err, io.EOF) {
		return fmt.Errorf("conn %d %s: after the data want io.EOF, got %d bytes, %v", i, who, n, err)
	}
	return nil
}
