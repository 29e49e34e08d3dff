package bench_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testnet"
)

// serverName is the name every server certificate is issued for.
const serverName = "localhost"

// pki is the certificate material of the benchmarks, as files (for
// sslstream settings and openssl) and as crypto/tls values (for the
// baselines). Chain: root -> intermediate -> leaf; the CRL is the
// intermediate's and lists other serials (the leaf is not revoked).
type pki struct {
	dir     string
	caFile  string // root certificate, PEM
	crlFile string // intermediate's CRL, PEM
	roots   *x509.CertPool
	ec      leafFiles // ECDSA P-256 leaf
	rsa     leafFiles // RSA-2048 leaf (ECDHE-RSA suites)
}

type leafFiles struct {
	cert, key string // leaf+intermediate PEM, PKCS#8 key PEM
	pair      tls.Certificate
}

var (
	fixOnce sync.Once
	fix     *pki
	fixErr  error
)

// fixture returns the shared certificate material, made once per test
// binary (RSA key generation is slow on small machines) in a directory
// removed by TestMain.
func fixture(tb testing.TB) *pki {
	tb.Helper()
	fixOnce.Do(func() { fix, fixErr = makePKI() })
	if fixErr != nil {
		tb.Fatalf("certificate fixture: %v", fixErr)
	}
	return fix
}

func makePKI() (*pki, error) {
	dir, err := os.MkdirTemp("", "sslstream-bench-")
	if err != nil {
		return nil, err
	}
	p := &pki{dir: dir, roots: x509.NewCertPool()}
	f := minipki.New()
	root, err := f.Root("Bench Root CA")
	if err != nil {
		return nil, err
	}
	inter, err := root.Intermediate("Bench Intermediate CA")
	if err != nil {
		return nil, err
	}
	p.roots.AddCert(root.Cert)
	if p.caFile, err = minipki.WriteFile(dir, "ca.pem", root.CertPEM()); err != nil {
		return nil, err
	}
	revoked := make([]*big.Int, 100)
	for i := range revoked {
		revoked[i] = big.NewInt(int64(900_000 + i))
	}
	crlDER, err := inter.CRL(revoked, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
	if err != nil {
		return nil, err
	}
	if p.crlFile, err = minipki.WriteFile(dir, "crl.pem", minipki.CRLPEM(crlDER)); err != nil {
		return nil, err
	}
	for _, l := range []struct {
		dst  *leafFiles
		name string
		opts []minipki.Option
	}{{&p.ec, "ec", nil}, {&p.rsa, "rsa", []minipki.Option{minipki.RSA()}}} {
		leaf, err := inter.Leaf(serverName, append(l.opts, minipki.IP("127.0.0.1"))...)
		if err != nil {
			return nil, err
		}
		chain := leaf.ChainPEM()
		if l.dst.cert, err = minipki.WriteFile(dir, l.name+"-chain.pem", chain); err != nil {
			return nil, err
		}
		if l.dst.key, err = minipki.WriteFile(dir, l.name+"-key.pem", leaf.KeyPEM()); err != nil {
			return nil, err
		}
		if l.dst.pair, err = tls.X509KeyPair(chain, leaf.KeyPEM()); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// suite is one protocol configuration of the stream benchmarks, set the
// same way for sslstream and for raw crypto/tls.
type suite struct {
	name      string
	method    string // sslstream method setting
	ciphers   string // sslstream ciphers (TLS <= 1.2)
	suites13  string // sslstream ciphersuites (TLS 1.3)
	version   uint16
	cipherIDs []uint16 // crypto/tls CipherSuites (TLS <= 1.2 only)
	want      uint16   // the suite both must negotiate
	rsa       bool
}

var (
	tls13AES = suite{name: "TLS13-AES128GCM", method: "tlsv1.3", suites13: "TLS_AES_128_GCM_SHA256",
		version: tls.VersionTLS13, want: tls.TLS_AES_128_GCM_SHA256}
	tls12RSA = suite{name: "TLS12-ECDHE-RSA-AES128GCM", method: "tlsv1.2", ciphers: "ECDHE-RSA-AES128-GCM-SHA256",
		version: tls.VersionTLS12, cipherIDs: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256},
		want: tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, rsa: true}
	ecdhe13 = suite{name: "TLS13", method: "tlsv1.3", version: tls.VersionTLS13, want: 0}
)

func (s suite) leaf(p *pki) leafFiles {
	if s.rsa {
		return p.rsa
	}
	return p.ec
}

// clientSettings verify the server fully: ca-file, the peer's CRL, the
// host name.
func (s suite) clientSettings(p *pki) sslstream.Settings {
	return sslstream.Settings{Method: s.method, Ciphers: s.ciphers, Ciphersuites: s.suites13,
		Verify: sslstream.VerifyRequired, CAFile: p.caFile, CRLFile: p.crlFile,
		CRLCheck: sslstream.CRLPeer, ServerName: serverName}
}

func (s suite) serverSettings(p *pki) sslstream.Settings {
	l := s.leaf(p)
	return sslstream.Settings{Method: s.method, Ciphers: s.ciphers, Ciphersuites: s.suites13,
		Certificate: l.cert, Key: l.key}
}

// rawClient is the crypto/tls baseline of clientSettings: Go's own
// verification against the same root and name (Go has no CRL check).
func (s suite) rawClient(p *pki) *tls.Config {
	return &tls.Config{MinVersion: s.version, MaxVersion: s.version, CipherSuites: s.cipherIDs,
		RootCAs: p.roots, ServerName: serverName}
}

func (s suite) rawServer(p *pki) *tls.Config {
	return &tls.Config{MinVersion: s.version, MaxVersion: s.version, CipherSuites: s.cipherIDs,
		Certificates: []tls.Certificate{s.leaf(p).pair}}
}

// endpoint is one end of an established connection: a *sslstream.Stream,
// or a *tls.Conn whose Flush does nothing.
type endpoint interface {
	io.ReadWriteCloser
	Flush() error
	ConnectionState() tls.ConnectionState
}

type rawConn struct{ *tls.Conn }

func (rawConn) Flush() error { return nil }

// tcpPair returns both ends of a fresh loopback TCP connection.
func tcpPair(tb testing.TB) (client, server net.Conn) {
	tb.Helper()
	return testnet.TCPPair(tb)
}

// handshakePair runs both handshakes concurrently and checks that the
// expected suite was negotiated.
func handshakePair(tb testing.TB, s suite, client, server endpoint, chs, shs func() error) {
	tb.Helper()
	errc := make(chan error, 1)
	go func() { errc <- shs() }()
	cerr := chs()
	serr := <-errc
	if err := errors.Join(cerr, serr); err != nil {
		client.Close()
		server.Close()
		tb.Fatalf("%s handshake: %v", s.name, err)
	}
	for _, e := range []endpoint{client, server} {
		cs := e.ConnectionState()
		if cs.Version != s.version || (s.want != 0 && cs.CipherSuite != s.want) {
			tb.Fatalf("%s: negotiated %s %s", s.name, tls.VersionName(cs.Version), tls.CipherSuiteName(cs.CipherSuite))
		}
	}
}

// oursPair returns an established sslstream client and server.
func oursPair(tb testing.TB, s suite, mod func(*sslstream.Settings)) (client, server endpoint) {
	tb.Helper()
	p := fixture(tb)
	cs, ss := s.clientSettings(p), s.serverSettings(p)
	if mod != nil {
		mod(&cs)
		mod(&ss)
	}
	cc, sc := tcpPair(tb)
	c, err := sslstream.Client(cc, cs)
	if err != nil {
		tb.Fatal(err)
	}
	sv, err := sslstream.Server(sc, ss)
	if err != nil {
		tb.Fatal(err)
	}
	handshakePair(tb, s, c, sv, c.Handshake, sv.Handshake)
	tb.Cleanup(func() { c.Close(); sv.Close() })
	return c, sv
}

// rawPair returns an established crypto/tls client and server with the
// same settings.
func rawPair(tb testing.TB, s suite) (client, server endpoint) {
	tb.Helper()
	p := fixture(tb)
	cc, sc := tcpPair(tb)
	c := tls.Client(cc, s.rawClient(p))
	sv := tls.Server(sc, s.rawServer(p))
	handshakePair(tb, s, rawConn{c}, rawConn{sv}, c.Handshake, sv.Handshake)
	tb.Cleanup(func() { c.Close(); sv.Close() })
	return rawConn{c}, rawConn{sv}
}

// transfer writes ops copies of chunk to w (then flushes) while a reader
// goroutine drains r, and returns the time until the reader has received
// everything.
func transfer(w endpoint, r io.Reader, ops int, chunk []byte, rbuf []byte) (time.Duration, error) {
	total := int64(ops) * int64(len(chunk))
	done := make(chan error, 1)
	go func() { done <- drain(r, total, rbuf) }()
	start := time.Now()
	var werr error
	for range ops {
		if _, werr = w.Write(chunk); werr != nil {
			break
		}
	}
	if werr == nil {
		werr = w.Flush()
	}
	if werr != nil {
		return 0, fmt.Errorf("write: %w", werr)
	}
	if err := <-done; err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// drain reads exactly total bytes from r.
func drain(r io.Reader, total int64, buf []byte) error {
	for total > 0 {
		b := buf
		if int64(len(b)) > total {
			b = b[:total]
		}
		n, err := r.Read(b)
		total -= int64(n)
		if err != nil && total > 0 {
			return fmt.Errorf("read: %w (%d bytes missing)", err, total)
		}
	}
	return nil
}

// removeFixture is called by TestMain.
func removeFixture() {
	if fix != nil && fix.dir != "" && filepath.IsAbs(fix.dir) {
		os.RemoveAll(fix.dir)
	}
}
