package conformance

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testnet"
)

var fixtureDir string

// pkiFiles is the certificate both servers present (ECDSA P-256, issued
// by a test root) and its files.
type pkiFiles struct {
	root             *minipki.Cert
	caFile           string
	certFile, key    string
	cert             tls.Certificate
	clientCert       string // a client leaf under the root
	clientKey        string
	expiredCert      string // an expired client leaf under the root
	expiredKey       string
	untrustedCert    string // a client leaf under an unrelated root
	untrustedKey     string
	untrustedCAFile  string
	serverChainPEM   []byte
	serverKeyPEMData []byte
}

var (
	pkiOnce sync.Once
	pkiVal  *pkiFiles
	pkiErr  error
)

func pki(tb testing.TB) *pkiFiles {
	tb.Helper()
	pkiOnce.Do(func() {
		f := minipki.New()
		st := &minipki.Steps{Dir: fixtureDir}
		p := &pkiFiles{}
		p.root = st.Cert(f.Root("Conformance Root CA"))
		srv := st.Cert(p.root.Leaf("localhost", minipki.IP("127.0.0.1")))
		cli := st.Cert(p.root.Leaf("client.example"))
		exp := st.Cert(p.root.Leaf("expired.example", minipki.Expired()))
		other := st.Cert(f.Root("Unrelated Root CA"))
		unt := st.Cert(other.Leaf("untrusted.example"))
		if st.Err != nil {
			pkiErr = st.Err
			return
		}
		p.caFile = st.File("ca.pem", p.root.CertPEM())
		p.serverChainPEM, p.serverKeyPEMData = srv.ChainPEM(), srv.KeyPEM()
		p.certFile = st.File("server.pem", p.serverChainPEM)
		p.key = st.File("server.key", p.serverKeyPEMData)
		p.clientCert = st.File("client.pem", cli.ChainPEM())
		p.clientKey = st.File("client.key", cli.KeyPEM())
		p.expiredCert = st.File("expired.pem", exp.ChainPEM())
		p.expiredKey = st.File("expired.key", exp.KeyPEM())
		p.untrustedCert = st.File("untrusted.pem", unt.ChainPEM())
		p.untrustedKey = st.File("untrusted.key", unt.KeyPEM())
		p.untrustedCAFile = st.File("other-ca.pem", other.CertPEM())
		if st.Err != nil {
			pkiErr = st.Err
			return
		}
		p.cert, pkiErr = tls.X509KeyPair(p.serverChainPEM, p.serverKeyPEMData)
		pkiVal = p
	})
	if pkiErr != nil {
		tb.Fatal(pkiErr)
	}
	return pkiVal
}

// handshakeDeadline bounds every server connection of the harness.
const handshakeDeadline = 5 * time.Second

// pair is our server and a plain crypto/tls server with the same
// certificate, versions and TLS <= 1.2 suites, both echoing.
type pair struct {
	ours, plain string // addresses
	suites      []uint16
	min, max    uint16
	ctx         *sslstream.ServerContext
	plainCfg    *tls.Config
}

var (
	pairMu  sync.Mutex
	pairs   = map[bool]*pair{}
	servers []*testnet.Server
)

// stopServers stops the shared servers (TestMain, after the tests).
func stopServers() {
	for _, s := range servers {
		s.Close()
	}
}

// contextSuites asks ctx which TLS <= 1.2 suites and versions it allows:
// the configuration its GetConfigForClient hands crypto/tls for a hello
// that names no version (no per-client cipher choice applies then).
func contextSuites(ctx *sslstream.ServerContext) (suites []uint16, lo, hi uint16, err error) {
	cfg := ctx.TLSConfig()
	t, err := cfg.GetConfigForClient(&tls.ClientHelloInfo{})
	if err != nil {
		return nil, 0, 0, err
	}
	return t.CipherSuites, t.MinVersion, t.MaxVersion, nil
}

// servePair starts (once per test binary) the two echo servers with our
// default settings: TLS 1.2 suites picked in the server's order, as
// OpenSSL does.
func servePair(tb testing.TB) *pair { return servePairOrder(tb, true) }

// servePairOrder is servePair with the prefer-server-cipher-order setting
// given: with false, our server takes the client's order.
func servePairOrder(tb testing.TB, preferServer bool) *pair {
	tb.Helper()
	p := pki(tb)
	pairMu.Lock()
	defer pairMu.Unlock()
	if pr := pairs[preferServer]; pr != nil {
		return pr
	}
	ctx, err := sslstream.NewServerContext(sslstream.Settings{Certificate: p.certFile, Key: p.key, PreferServerCipherOrder: &preferServer})
	if err != nil {
		tb.Fatal(err)
	}
	suites, lo, hi, err := contextSuites(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	ours, err := testnet.NewServer(func(c net.Conn) { echoOurs(ctx, c) })
	if err != nil {
		tb.Fatal(err)
	}
	servers = append(servers, ours)
	plainCfg := &tls.Config{Certificates: []tls.Certificate{p.cert}, CipherSuites: suites, MinVersion: lo, MaxVersion: hi}
	plain, err := testnet.NewServer(func(c net.Conn) { echoPlain(plainCfg, c) })
	if err != nil {
		tb.Fatal(err)
	}
	servers = append(servers, plain)
	pr := &pair{ours: ours.Addr(), plain: plain.Addr(), suites: suites, min: lo, max: hi, ctx: ctx, plainCfg: plainCfg}
	pairs[preferServer] = pr
	return pr
}

// echo copies what rw reads back to it, flushing after every read, until
// an error (the peer's close, the deadline).
func echo(rw io.ReadWriter, flush func() error) {
	buf := make([]byte, 16<<10)
	for {
		n, err := rw.Read(buf)
		if n > 0 {
			if _, werr := rw.Write(buf[:n]); werr != nil {
				return
			}
			if flush != nil && flush() != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func echoOurs(ctx *sslstream.ServerContext, c net.Conn) {
	st, err := ctx.Server(c, nil)
	if err != nil {
		c.Close()
		return
	}
	defer st.Close()
	_ = st.SetDeadline(time.Now().Add(handshakeDeadline))
	if st.Handshake() != nil {
		return
	}
	echo(st, st.Flush)
}

func echoPlain(cfg *tls.Config, c net.Conn) {
	tc := tls.Server(c, cfg)
	defer tc.Close()
	_ = tc.SetDeadline(time.Now().Add(handshakeDeadline))
	if tc.Handshake() != nil {
		return
	}
	echo(tc, nil)
}

// dial connects to addr on the loopback.
func dial(tb testing.TB, addr string) net.Conn {
	tb.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// isClosed reports whether err says the connection ended.
func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed)
}
