package bench_test

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"io"
	"net"
	"testing"

	"github.com/sslstream/sslstream"
)

// TestTransferIntegrity checks that the benchmark's stream setup carries
// the data intact through both pairs: small buffered writes, a Flush, and
// large writes, for both suites.
func TestTransferIntegrity(t *testing.T) {
	for _, s := range []suite{tls13AES, tls12RSA} {
		for name, mk := range map[string]func(testing.TB, suite) (endpoint, endpoint){
			"sslstream":  func(tb testing.TB, s suite) (endpoint, endpoint) { return oursPair(tb, s, nil) },
			"crypto/tls": rawPair,
		} {
			t.Run(s.name+"/"+name, func(t *testing.T) {
				c, sv := mk(t, s)
				want := make([]byte, 64*1000+3*16<<10+5)
				rand.Read(want)
				got := make(chan []byte, 1)
				go func() {
					b := make([]byte, len(want))
					n, _ := io.ReadFull(sv, b)
					got <- b[:n]
				}()
				rest := want
				for range 1000 {
					if _, err := c.Write(rest[:64]); err != nil {
						t.Fatal(err)
					}
					rest = rest[64:]
				}
				if err := c.Flush(); err != nil {
					t.Fatal(err)
				}
				for len(rest) > 0 {
					k := min(len(rest), 16<<10)
					if _, err := c.Write(rest[:k]); err != nil {
						t.Fatal(err)
					}
					rest = rest[k:]
				}
				if err := c.Flush(); err != nil {
					t.Fatal(err)
				}
				if b := <-got; !bytes.Equal(b, want) {
					t.Fatalf("received %d bytes, not the %d sent", len(b), len(want))
				}
				if cs := c.ConnectionState(); cs.CipherSuite != s.want {
					t.Errorf("suite %s, want %s", tls.CipherSuiteName(cs.CipherSuite), tls.CipherSuiteName(s.want))
				}
			})
		}
	}
}

// TestHandshakeSetup checks the handshake benchmark's servers and clients:
// full handshakes with verification on succeed both ways, and a crypto/tls
// client with a session cache resumes against the sslstream server.
func TestHandshakeSetup(t *testing.T) {
	s := ecdhe13
	p := fixture(t)
	ours := startHSServer(t, oursServerWrap(t, s))
	raw := startHSServer(t, rawServerWrap(t, s))
	if _, err := connectOnce(ours.addr, oursClientWrap(t, s)); err != nil {
		t.Fatalf("sslstream to sslstream: %v", err)
	}
	if _, err := connectOnce(raw.addr, rawClientWrap(s.rawClient(p))); err != nil {
		t.Fatalf("crypto/tls to crypto/tls: %v", err)
	}
	cfg := s.rawClient(p)
	cfg.ClientSessionCache = tls.NewLRUClientSessionCache(4)
	if r, err := connectOnce(ours.addr, rawClientWrap(cfg)); err != nil || r {
		t.Fatalf("first connection: resumed %v, %v", r, err)
	}
	if r, err := connectOnce(ours.addr, rawClientWrap(cfg)); err != nil || !r {
		t.Fatalf("second connection to the sslstream server: resumed %v, %v", r, err)
	}
	// Verification is on at both clients: a wrong host name fails.
	ours.tolerate()
	raw.tolerate()
	bad := s.clientSettings(p)
	bad.ServerName = "other.example"
	cctx, err := sslstream.NewClientContext(bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := connectOnce(ours.addr, func(c net.Conn) (endpoint, func() error) {
		st, _ := cctx.Client(c, nil)
		return st, st.Handshake
	}); err == nil {
		t.Error("sslstream client accepted a wrong host name")
	}
	cfgBad := s.rawClient(p)
	cfgBad.ServerName = "other.example"
	if _, err := connectOnce(raw.addr, rawClientWrap(cfgBad)); err == nil {
		t.Error("crypto/tls baseline accepted a wrong host name")
	}
}

// TestIdleMemorySetup runs the idle-memory measurement on a few
// connections: the child peer starts, connections exchange their bytes,
// and each holds some live heap.
func TestIdleMemorySetup(t *testing.T) {
	p := fixture(t)
	cfg := &tls.Config{RootCAs: p.roots, ServerName: serverName}
	per, err := idleClients(t, 5, rawClientWrap(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if per <= 0 {
		t.Errorf("live heap per idle connection %.0f B, want > 0", per)
	}
}

// TestIdleStreamHoldsNoBuffer checks what BenchmarkIdleMemory measures:
// an idle sslstream connection that has written and flushed holds no
// write buffer, so its live heap stays within 8 KiB of crypto/tls's
// (a retained 16 KiB buffer would exceed it). Memory, not time: the
// assertion does not depend on the machine's speed.
func TestIdleStreamHoldsNoBuffer(t *testing.T) {
	p := fixture(t)
	cfg := &tls.Config{RootCAs: p.roots, ServerName: serverName}
	const n = 20
	raw, err := idleClients(t, n, rawClientWrap(cfg))
	if err != nil {
		t.Fatal(err)
	}
	ours, err := idleClients(t, n, oursClientWrap(t, ecdhe13))
	if err != nil {
		t.Fatal(err)
	}
	if ours-raw > 8192 {
		t.Errorf("idle sslstream client holds %.0f B, crypto/tls %.0f B: %.0f B more than the 8 KiB allowed", ours, raw, ours-raw)
	}
}
