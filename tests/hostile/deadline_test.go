package hostile

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
)

// swallowAfter passes the first n TLS records written through and
// silently drops everything after them, so the peer waits for the rest of
// a flight that never comes. (crypto/tls writes a whole flight at once, so
// records, not writes, are counted.)
type swallowAfter struct {
	net.Conn
	mu  sync.Mutex
	n   int    // records still to pass
	buf []byte // partial record being passed
}

func (s *swallowAfter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]byte, 0, len(p))
	for _, b := range p {
		if s.n <= 0 {
			break
		}
		s.buf = append(s.buf, b)
		out = append(out, b)
		if len(s.buf) >= 5 && len(s.buf) == 5+(int(s.buf[3])<<8|int(s.buf[4])) {
			s.n--
			s.buf = s.buf[:0]
		}
	}
	if len(out) > 0 {
		if _, err := s.Conn.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// stallCase is one stalled handshake.
type stallCase struct {
	name string
	// setup returns our stream and starts the stalling peer; the peer
	// stops when the test's connections are closed.
	setup func(t *testing.T) *sslstream.Stream
	// phase are words the error must contain to say where it stalled.
	phase []string
}

func stallCases() []stallCase {
	return []stallCase{
		{
			name: "server: peer sends nothing",
			setup: func(t *testing.T) *sslstream.Stream {
				srv, _ := contexts(t)
				_, s := tcpPair(t)
				st, err := srv.Server(s, nil)
				if err != nil {
					t.Fatal(err)
				}
				return st
			},
			phase: []string{"waiting for", "ClientHello"},
		},
		{
			name: "server: slowloris, one byte of ClientHello a second",
			setup: func(t *testing.T) *sslstream.Stream {
				srv, _ := contexts(t)
				c, s := tcpPair(t)
				hello := clientHello(t, &tls.Config{InsecureSkipVerify: true})
				stop := make(chan struct{})
				done := make(chan struct{})
				go func() {
					defer close(done)
					for _, b := range hello {
						if _, err := c.Write([]byte{b}); err != nil {
							return
						}
						select {
						case <-stop:
							return
						case <-time.After(time.Second):
						}
					}
				}()
				t.Cleanup(func() { close(stop); <-done })
				st, err := srv.Server(s, nil)
				if err != nil {
					t.Fatal(err)
				}
				return st
			},
			phase: []string{"waiting for", "ClientHello"},
		},
		{
			name: "server: client stops after its ClientHello",
			setup: func(t *testing.T) *sslstream.Stream {
				srv, _ := contexts(t)
				c, s := tcpPair(t)
				done := make(chan struct{})
				go func() {
					defer close(done)
					cl := tls.Client(&swallowAfter{Conn: c, n: 1}, &tls.Config{InsecureSkipVerify: true})
					_ = cl.Handshake() // ends when the test closes c
				}()
				t.Cleanup(func() { c.Close(); <-done })
				st, err := srv.Server(s, nil)
				if err != nil {
					t.Fatal(err)
				}
				return st
			},
			phase: []string{"waiting for", "Finished"},
		},
		{
			name: "client: server never answers",
			setup: func(t *testing.T) *sslstream.Stream {
				_, cli := contexts(t)
				c, s := tcpPair(t)
				go func() { _, _ = io.Copy(io.Discard, s) }()
				st, err := cli.Client(c, nil)
				if err != nil {
					t.Fatal(err)
				}
				return st
			},
			phase: []string{"waiting for", "ServerHello"},
		},
		{
			name: "client: server stops after its ServerHello",
			setup: func(t *testing.T) *sslstream.Stream {
				srv, cli := contexts(t)
				c, s := tcpPair(t)
				done := make(chan struct{})
				go func() {
					defer close(done)
					st, err := srv.Server(&swallowAfter{Conn: s, n: 1}, nil)
					if err == nil {
						_ = st.SetDeadline(time.Now().Add(ioDeadline))
						_ = st.Handshake()
					}
				}()
				t.Cleanup(func() { s.Close(); <-done })
				st, err := cli.Client(c, nil)
				if err != nil {
					t.Fatal(err)
				}
				return st
			},
			phase: []string{"waiting for", "certificate"},
		},
	}
}

// checkTimeout asserts the error of a stalled handshake.
func checkTimeout(t *testing.T, err error, ctxPath bool, phase []string) {
	t.Helper()
	if err == nil {
		t.Fatal("stalled handshake succeeded")
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("want a net.Error with Timeout() true, got %T: %v", err, err)
	}
	if ctxPath {
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("want errors.Is(err, context.DeadlineExceeded): %v", err)
		}
	} else if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("want errors.Is(err, os.ErrDeadlineExceeded): %v", err)
	}
	for _, w := range phase {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not say where the handshake stalled (want %q): %v", w, err)
		}
	}
	t.Logf("error: %v", err)
}

// TestStalledHandshake: a handshake that stalls is cut by the stream's
// deadline (and, separately, by HandshakeContext's context), on the server
// and on the client side, with a timeout error that names the phase.
func TestStalledHandshake(t *testing.T) {
	t.Parallel()
	for _, sc := range stallCases() {
		for _, viaCtx := range []bool{false, true} {
			name := sc.name + "/deadline"
			if viaCtx {
				name = sc.name + "/context"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				st := sc.setup(t)
				defer st.Close()
				const limit = 1500 * time.Millisecond
				start := time.Now()
				var err error
				if viaCtx {
					ctx, cancel := context.WithTimeout(context.Background(), limit)
					defer cancel()
					err = st.HandshakeContext(ctx)
				} else {
					_ = st.SetDeadline(time.Now().Add(limit))
					err = st.Handshake()
				}
				if d := time.Since(start); d > limit+20*time.Second {
					t.Errorf("cut after %v, limit %v", d, limit)
				}
				checkTimeout(t, err, viaCtx, sc.phase)
				// Later calls return the same failure.
				if _, err2 := st.Read(make([]byte, 1)); err2 == nil || err2.Error() != err.Error() {
					t.Errorf("Read after the failed handshake: %v, want the handshake's error", err2)
				}
			})
		}
	}
}

// TestCloseUnblocksStalledHandshake: closing a stream whose handshake is
// stuck in another goroutine (peer silent, no deadline) returns promptly
// and ends that handshake, also with data still buffered for the peer.
func TestCloseUnblocksStalledHandshake(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		buffered bool
		server   bool
	}{{"client", false, false}, {"client with buffered data", true, false}, {"server", false, true}, {"server with buffered data", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, cli := contexts(t)
			c, s := tcpPair(t)
			var st *sslstream.Stream
			var err error
			if tc.server {
				go func() { _, _ = io.Copy(io.Discard, c) }()
				st, err = srv.Server(s, nil)
			} else {
				go func() { _, _ = io.Copy(io.Discard, s) }()
				st, err = cli.Client(c, nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			hs := make(chan error, 1)
			go func() { hs <- st.Handshake() }()
			time.Sleep(100 * time.Millisecond) // let the handshake block
			if tc.buffered {
				if _, err := st.Write([]byte("pending")); err != nil {
					t.Fatalf("buffered Write: %v", err)
				}
			}
			closed := make(chan error, 1)
			go func() { closed <- st.Close() }()
			select {
			case <-closed:
			case <-time.After(20 * time.Second):
				// Release the test: end the stuck handshake from below.
				c.Close()
				s.Close()
				<-closed
				t.Errorf("Close blocked for 20 s behind a stalled handshake")
			}
			select {
			case err := <-hs:
				if err == nil {
					t.Error("the stalled handshake succeeded")
				}
			case <-time.After(20 * time.Second):
				c.Close()
				s.Close()
				<-hs
				t.Error("the stalled handshake did not end when the stream was closed")
			}
		})
	}
}
