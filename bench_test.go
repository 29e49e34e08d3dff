package sslstream

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/testnet"
	"github.com/sslstream/sslstream/keyfile"
)

// transfer sends n bytes from w to r in 16 KiB writes and returns the time.
func transfer(b *testing.B, w io.Writer, flush func() error, r io.Reader, n int) time.Duration {
	buf := make([]byte, 16<<10)
	done := make(chan error, 1)
	go func() {
		_, err := io.CopyN(io.Discard, r, int64(n))
		done <- err
	}()
	start := time.Now()
	for sent := 0; sent < n; sent += len(buf) {
		if _, err := w.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	if flush != nil {
		if err := flush(); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// BenchmarkThroughput moves 4 MiB per iteration through a Stream and,
// as the baseline, through a plain tls.Conn pair on the same machine; it
// reports MB/s of both and the ratio stream/baseline time.
func BenchmarkThroughput(b *testing.B) {
	p := pki(b)
	const n = 4 << 20
	cc, sc := testnet.TCPPair(b)
	c, err := Client(cc, Settings{CAFile: p.caFile, Verify: VerifyRequired, ServerName: "localhost"})
	if err != nil {
		b.Fatal(err)
	}
	s, err := Server(sc, p.serverSettings())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	defer s.Close()
	go s.Handshake()
	if err := c.Handshake(); err != nil {
		b.Fatal(err)
	}

	cert, err := keyfile.LoadKeyPair(p.serverCert, p.serverKey, "")
	if err != nil {
		b.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(p.root.Cert)
	bc, bs := testnet.TCPPair(b)
	tc := tls.Client(bc, &tls.Config{RootCAs: roots, ServerName: "localhost"})
	ts := tls.Server(bs, &tls.Config{Certificates: []tls.Certificate{cert}})
	defer tc.Close()
	defer ts.Close()
	go ts.Handshake()
	if err := tc.Handshake(); err != nil {
		b.Fatal(err)
	}

	var ours, base time.Duration
	b.SetBytes(n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ours += transfer(b, c, c.Flush, s, n)
		base += transfer(b, tc, nil, ts, n)
	}
	b.StopTimer()
	mb := float64(n) * float64(b.N) / 1e6
	b.ReportMetric(mb/ours.Seconds(), "stream-MB/s")
	b.ReportMetric(mb/base.Seconds(), "tls.Conn-MB/s")
	b.ReportMetric(ours.Seconds()/base.Seconds(), "time-ratio")
}

// BenchmarkHandshake measures a full handshake (TLS 1.3, ECDSA, client
// verification of a two-certificate chain) through contexts and, as the
// baseline, through crypto/tls with its own verification.
func BenchmarkHandshake(b *testing.B) {
	p := pki(b)
	cctx, err := NewClientContext(Settings{CAFile: p.caFile, Verify: VerifyRequired, ServerName: "localhost"})
	if err != nil {
		b.Fatal(err)
	}
	sctx, err := NewServerContext(p.serverSettings())
	if err != nil {
		b.Fatal(err)
	}
	cert, err := keyfile.LoadKeyPair(p.serverCert, p.serverKey, "")
	if err != nil {
		b.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(p.root.Cert)
	ccfg := &tls.Config{RootCAs: roots, ServerName: "localhost"}
	scfg := &tls.Config{Certificates: []tls.Certificate{cert}}

	var ours, base time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a, z := net.Pipe()
		start := time.Now()
		c, _ := cctx.Client(a, nil)
		s, _ := sctx.Server(z, nil)
		go s.Handshake()
		if err := c.Handshake(); err != nil {
			b.Fatal(err)
		}
		ours += time.Since(start)
		a.Close()
		z.Close()

		a, z = net.Pipe()
		start = time.Now()
		tc, ts := tls.Client(a, ccfg), tls.Server(z, scfg)
		go ts.Handshake()
		if err := tc.Handshake(); err != nil {
			b.Fatal(err)
		}
		base += time.Since(start)
		a.Close()
		z.Close()
	}
	b.StopTimer()
	b.ReportMetric(float64(ours.Microseconds())/float64(b.N), "stream-µs/op")
	b.ReportMetric(float64(base.Microseconds())/float64(b.N), "tls.Conn-µs/op")
	b.ReportMetric(ours.Seconds()/base.Seconds(), "time-ratio")
}
