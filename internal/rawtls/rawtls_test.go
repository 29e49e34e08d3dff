package rawtls

import (
	"crypto/tls"
	"io"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
)

func TestMarshalPadToAndRecords(t *testing.T) {
	for _, size := range []int{600, 16 << 10, 64<<10 - 600} {
		h := Modern()
		h.PadTo = size
		m, err := h.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if len(m) != size {
			t.Errorf("PadTo %d: message of %d bytes", size, len(m))
		}
		if n := int(m[1])<<16 | int(m[2])<<8 | int(m[3]); n != len(m)-4 || m[0] != 1 {
			t.Errorf("PadTo %d: header type %d length %d for %d bytes", size, m[0], n, len(m)-4)
		}
		recs := Records(Handshake, 0x0301, m, 1000)
		if want := len(m) + 5*((len(m)+999)/1000); len(recs) != want {
			t.Errorf("Records: %d bytes, want %d", len(recs), want)
		}
		if got := OfferedSuites(recs); !slices.Equal(got, h.CipherSuites) {
			t.Errorf("OfferedSuites = %x, want %x", got, h.CipherSuites)
		}
	}
	h := Modern()
	h.CipherSuites = make([]uint16, 40000)
	if _, err := h.Marshal(); err == nil {
		t.Error("a cipher suite list over 65,535 bytes was marshalled")
	}
}

// memConn reads in and then io.EOF; it collects what is written.
type memConn struct {
	net.Conn // nil; only the methods below are used by crypto/tls here
	in, out  []byte
}

func (c *memConn) Read(p []byte) (int, error) {
	if len(c.in) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.in)
	c.in = c.in[n:]
	return n, nil
}

func (c *memConn) Write(p []byte) (int, error)      { c.out = append(c.out, p...); return len(p), nil }
func (c *memConn) Close() error                     { return nil }
func (c *memConn) SetDeadline(time.Time) error      { return nil }
func (c *memConn) SetReadDeadline(time.Time) error  { return nil }
func (c *memConn) SetWriteDeadline(time.Time) error { return nil }
func (c *memConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *memConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }

// TestParseReplyOfCryptoTLS: what a crypto/tls server answers to our
// ClientHellos, parsed: its ServerHello's version and suite (TLS 1.2 and
// 1.3, a HelloRetryRequest) or its alert.
func TestParseReplyOfCryptoTLS(t *testing.T) {
	f := minipki.New()
	root, err := f.Root("rawtls test root")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := root.Leaf("localhost")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(leaf.ChainPEM(), leaf.KeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	tls12 := Legacy(0x0303)
	tls12.CipherSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
	tls13 := Modern()
	tls13.CipherSuites = []uint16{tls.TLS_AES_256_GCM_SHA384}
	hrr := Modern()
	hrr.CipherSuites, hrr.KeyShares = []uint16{tls.TLS_AES_256_GCM_SHA384}, nil
	none := Legacy(0x0303)
	none.CipherSuites = []uint16{0x0a0a}
	for _, tc := range []struct {
		name  string
		hello *Hello
		want  string
	}{
		{"TLS 1.2", tls12, "ServerHello TLS 1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256; open"},
		{"TLS 1.3", tls13, "ServerHello TLS 1.3 TLS_AES_256_GCM_SHA384; eof"},
		{"HelloRetryRequest", hrr, "HelloRetryRequest TLS_AES_256_GCM_SHA384; eof"},
		{"no shared suite", none, "alert 40 (handshake_failure); eof"},
	} {
		c := &memConn{in: Records(Handshake, 0x0301, tc.hello.MustMarshal(), 1<<14)}
		_ = tls.Server(c, cfg).Handshake()
		if got := ParseReply(c.out).Outcome(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
