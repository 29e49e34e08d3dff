package bench_test

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/internal/testnet"
)

// hsServer accepts connections on loopback, runs the handshake through
// wrap, sends one byte, and waits for the client to close.
type hsServer struct {
	addr string
	mu   sync.Mutex
	errs []error
	tol  bool // failed handshakes are expected
}

// tolerate stops recording failed handshakes (for tests that cause them).
func (s *hsServer) tolerate() {
	s.mu.Lock()
	s.tol = true
	s.mu.Unlock()
}

func startHSServer(tb testing.TB, wrap func(net.Conn) (endpoint, func() error)) *hsServer {
	tb.Helper()
	s := &hsServer{}
	// Registered before Serve's own cleanup, so it runs after the
	// handlers have returned.
	tb.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if err := errors.Join(s.errs...); err != nil {
			tb.Errorf("handshake server: %v", err)
		}
	})
	s.addr = testnet.Serve(tb, func(c net.Conn) {
		e, hs := wrap(c)
		defer e.Close()
		if err := hs(); err != nil {
			s.fail(err)
			return
		}
		if _, err := e.Write([]byte{1}); err != nil {
			s.fail(err)
			return
		}
		if err := e.Flush(); err != nil {
			s.fail(err)
			return
		}
		var b [1]byte
		e.Read(b[:]) // until the client's close_notify
	})
	return s
}

func (s *hsServer) fail(err error) {
	s.mu.Lock()
	if !s.tol && len(s.errs) < 3 {
		s.errs = append(s.errs, err)
	}
	s.mu.Unlock()
}

// connectOnce dials addr, runs the client handshake through wrap, reads
// the server's byte and closes. It returns whether the session resumed.
func connectOnce(addr string, wrap func(net.Conn) (endpoint, func() error)) (bool, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return false, err
	}
	e, hs := wrap(c)
	defer e.Close()
	if err := hs(); err != nil {
		return false, err
	}
	var b [1]byte
	if _, err := io.ReadFull(e, b[:]); err != nil {
		return false, err
	}
	return e.ConnectionState().DidResume, nil
}

// handshakeLoop returns a round function making ops connections.
func handshakeLoop(addr string, wrap func(net.Conn) (endpoint, func() error), resumed *int) func(int) (time.Duration, error) {
	return func(ops int) (time.Duration, error) {
		start := time.Now()
		for range ops {
			r, err := connectOnce(addr, wrap)
			if err != nil {
				return 0, err
			}
			if r && resumed != nil {
				*resumed++
			}
		}
		return time.Since(start), nil
	}
}

func oursServerWrap(tb testing.TB, s suite) func(net.Conn) (endpoint, func() error) {
	sctx, err := sslstream.NewServerContext(s.serverSettings(fixture(tb)))
	if err != nil {
		tb.Fatal(err)
	}
	return func(c net.Conn) (endpoint, func() error) {
		st, err := sctx.Server(c, nil)
		if err != nil {
			return rawConn{tls.Server(c, nil)}, func() error { return err }
		}
		return st, st.Handshake
	}
}

func rawServerWrap(tb testing.TB, s suite) func(net.Conn) (endpoint, func() error) {
	cfg := s.rawServer(fixture(tb))
	return func(c net.Conn) (endpoint, func() error) {
		t := tls.Server(c, cfg)
		return rawConn{t}, t.Handshake
	}
}

func oursClientWrap(tb testing.TB, s suite) func(net.Conn) (endpoint, func() error) {
	cctx, err := sslstream.NewClientContext(s.clientSettings(fixture(tb)))
	if err != nil {
		tb.Fatal(err)
	}
	return func(c net.Conn) (endpoint, func() error) {
		st, err := cctx.Client(c, nil)
		if err != nil {
			return rawConn{tls.Client(c, &tls.Config{})}, func() error { return err }
		}
		return st, st.Handshake
	}
}

func rawClientWrap(cfg *tls.Config) func(net.Conn) (endpoint, func() error) {
	return func(c net.Conn) (endpoint, func() error) {
		t := tls.Client(c, cfg)
		return rawConn{t}, t.Handshake
	}
}

// BenchmarkHandshake makes full handshakes over loopback TCP (one
// connection per op: dial, handshake, one byte, close) between an
// sslstream client verifying with ca-file, the intermediate's CRL (peer
// check) and the host name and an sslstream server, against crypto/tls
// at both ends with Go's verification (same root and name; Go has no CRL
// check). ratio is sslstream's handshakes/s over crypto/tls's (goal >=
// 0.95).
func BenchmarkHandshake(b *testing.B) {
	for _, s := range []suite{ecdhe13, tls12RSA} {
		b.Run(s.name, func(b *testing.B) {
			p := fixture(b)
			ours := startHSServer(b, oursServerWrap(b, s))
			raw := startHSServer(b, rawServerWrap(b, s))
			var resumed int
			oursFn := handshakeLoop(ours.addr, oursClientWrap(b, s), &resumed)
			rawFn := handshakeLoop(raw.addr, rawClientWrap(s.rawClient(p)), &resumed)
			for _, f := range []func(int) (time.Duration, error){oursFn, rawFn} {
				if _, err := f(2); err != nil {
					b.Fatal(err)
				}
			}
			tOurs, tBase := pairTimes(b, 1, oursFn, rawFn)
			if resumed != 0 {
				b.Fatalf("%d of the full handshakes resumed", resumed)
			}
			report(b, tOurs, tBase, 0)
			b.ReportMetric(1/tOurs.Seconds(), "hs/s")
			b.ReportMetric(1/tBase.Seconds(), "base-hs/s")
		})
	}
}

// BenchmarkHandshakeResumed makes resumed handshakes (session tickets)
// from a crypto/tls client with a session cache to an sslstream server,
// against the same client and a crypto/tls server. (sslstream clients
// keep no session cache, so the client side is always full.) ratio is
// sslstream's resumed handshakes/s over crypto/tls's.
func BenchmarkHandshakeResumed(b *testing.B) {
	for _, s := range []suite{ecdhe13, tls12RSA} {
		b.Run(s.name, func(b *testing.B) {
			p := fixture(b)
			ours := startHSServer(b, oursServerWrap(b, s))
			raw := startHSServer(b, rawServerWrap(b, s))
			oc, rc := s.rawClient(p), s.rawClient(p)
			oc.ClientSessionCache = tls.NewLRUClientSessionCache(8)
			rc.ClientSessionCache = tls.NewLRUClientSessionCache(8)
			var oursResumed, rawResumed int
			oursFn := handshakeLoop(ours.addr, rawClientWrap(oc), &oursResumed)
			rawFn := handshakeLoop(raw.addr, rawClientWrap(rc), &rawResumed)
			for _, f := range []func(int) (time.Duration, error){oursFn, rawFn} {
				if _, err := f(2); err != nil {
					b.Fatal(err)
				}
			}
			oursResumed, rawResumed = 0, 0
			tOurs, tBase := pairTimes(b, 1, oursFn, rawFn)
			if oursResumed < b.N || rawResumed < b.N {
				b.Fatalf("resumed %d (sslstream server) and %d (crypto/tls server) of %d", oursResumed, rawResumed, b.N)
			}
			report(b, tOurs, tBase, 0)
			b.ReportMetric(1/tOurs.Seconds(), "hs/s")
			b.ReportMetric(1/tBase.Seconds(), "base-hs/s")
		})
	}
}
