package hostile

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testnet"
)

var fixtureDir string

// files is the test PKI: a root, an intermediate, server and client
// leaves, an unrelated CA and leaves in various states of disrepair.
type files struct {
	f                                  *minipki.Factory
	root, inter, server, client, other *minipki.Cert
	caFile, otherCAFile                string
	serverCert, serverKey              string
	clientCert, clientKey              string
	encKey, encKeyPassword             string // server key encrypted with encKeyPassword
	otherKey                           string // a key of another certificate
	expiredCert, expiredKey            string
	untrustedCert, untrustedKey        string // leaf under the unrelated CA
	nulCert, nulKey                    string // CN and SAN "localhost\x00.evil.example"
	otherCRL                           string // CRL issued by the unrelated CA
	serverPEMBytes, serverKeyPEM       []byte
}

var (
	fixOnce sync.Once
	fix     *files
	fixErr  error
)

func pki(t testing.TB) *files {
	t.Helper()
	fixOnce.Do(func() { fix, fixErr = makeFiles(fixtureDir) })
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

func makeFiles(dir string) (*files, error) {
	f := minipki.New()
	st := &minipki.Steps{Dir: dir}
	p := &files{f: f}
	p.root = st.Cert(f.Root("Hostile Root CA"))
	p.inter = st.Cert(p.root.Intermediate("Hostile Intermediate CA"))
	p.server = st.Cert(p.inter.Leaf("localhost", minipki.IP("127.0.0.1")))
	p.client = st.Cert(p.inter.Leaf("client.example"))
	p.other = st.Cert(f.Root("Unrelated Root CA"))
	untrusted := st.Cert(p.other.Leaf("localhost"))
	expired := st.Cert(p.inter.Leaf("localhost", minipki.Expired()))
	nul := st.Cert(p.inter.Leaf("localhost\x00.evil.example"))
	if st.Err != nil {
		return nil, st.Err
	}
	crlDER, err := p.other.CRL(nil, f.Now.Add(-time.Hour), f.Now.Add(24*time.Hour))
	if err != nil {
		return nil, err
	}
	p.encKeyPassword = "Sw0rdfish-Hostile-9f2c"
	enc, err := encryptedKeyPEM(p.server, p.encKeyPassword)
	if err != nil {
		return nil, err
	}
	p.serverPEMBytes, p.serverKeyPEM = p.server.ChainPEM(), p.server.KeyPEM()
	p.caFile = st.File("ca.pem", p.root.CertPEM())
	p.otherCAFile = st.File("other-ca.pem", p.other.CertPEM())
	p.serverCert = st.File("server.pem", p.serverPEMBytes)
	p.serverKey = st.File("server.key", p.serverKeyPEM)
	p.clientCert = st.File("client.pem", p.client.ChainPEM())
	p.clientKey = st.File("client.key", p.client.KeyPEM())
	p.otherKey = st.File("other.key", p.client.KeyPEM())
	p.expiredCert = st.File("expired.pem", expired.ChainPEM())
	p.expiredKey = st.File("expired.key", expired.KeyPEM())
	p.untrustedCert = st.File("untrusted.pem", untrusted.ChainPEM())
	p.untrustedKey = st.File("untrusted.key", untrusted.KeyPEM())
	p.nulCert = st.File("nul.pem", nul.ChainPEM())
	p.nulKey = st.File("nul.key", nul.KeyPEM())
	p.otherCRL = st.File("other.crl", minipki.CRLPEM(crlDER))
	p.encKey = st.File("server-enc.key", enc)
	return p, st.Err
}

// encryptedKeyPEM returns the key as legacy encrypted PEM (AES-256-CBC),
// the form `openssl genrsa -aes256` and old tools write.
func encryptedKeyPEM(c *minipki.Cert, password string) ([]byte, error) {
	k, ok := c.Key.(*ecdsa.PrivateKey)
	if !ok {
		return nil, errors.New("want an ECDSA key")
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		return nil, err
	}
	// Legacy encrypted PEM (deprecated in Go) is exactly what we test reading.
	//lint:ignore SA1019 legacy encrypted PEM is the format under test
	blk, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", der, []byte(password), x509.PEMCipherAES256)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(blk), nil
}

// serverSettings are the settings of the shared server context.
func serverSettings(p *files) sslstream.Settings {
	return sslstream.Settings{
		Certificate: p.serverCert,
		Key:         p.serverKey,
		CAFile:      p.caFile,
		Verify:      sslstream.VerifyOptional,
	}
}

func clientSettings(p *files) sslstream.Settings {
	return sslstream.Settings{
		CAFile:     p.caFile,
		Verify:     sslstream.VerifyRequired,
		ServerName: "localhost",
	}
}

var (
	ctxOnce sync.Once
	srvCtx  *sslstream.ServerContext
	cliCtx  *sslstream.ClientContext
	ctxErr  error
)

// contexts returns the server and client contexts shared by every network
// case and by the healthy connections that run beside them.
func contexts(t testing.TB) (*sslstream.ServerContext, *sslstream.ClientContext) {
	t.Helper()
	p := pki(t)
	ctxOnce.Do(func() {
		srvCtx, ctxErr = sslstream.NewServerContext(serverSettings(p))
		if ctxErr == nil {
			cliCtx, ctxErr = sslstream.NewClientContext(clientSettings(p))
		}
	})
	if ctxErr != nil {
		t.Fatal(ctxErr)
	}
	return srvCtx, cliCtx
}

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t testing.TB) (client, server net.Conn) {
	t.Helper()
	client, server = testnet.TCPPair(t)
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// healthy is a server on the shared context that echoes one line per
// connection, up-cased; healthyCheck runs a client through the shared
// client context. It runs until TestMain stops it.
var (
	healthyMu  sync.Mutex
	healthySrv *testnet.Server
)

func healthyAddr(t testing.TB) string {
	t.Helper()
	srv, _ := contexts(t)
	healthyMu.Lock()
	defer healthyMu.Unlock()
	if healthySrv != nil {
		return healthySrv.Addr()
	}
	hs, err := testnet.NewServer(func(c net.Conn) {
		s, err := srv.Server(c, nil)
		if err != nil {
			c.Close()
			return
		}
		defer s.Close()
		_ = s.SetDeadline(time.Now().Add(ioDeadline))
		buf := make([]byte, 64)
		n, err := s.Read(buf)
		if err != nil {
			return
		}
		_, _ = s.Write(bytes.ToUpper(buf[:n]))
		_ = s.Flush()
	})
	if err != nil {
		t.Fatal(err)
	}
	healthySrv = hs
	return hs.Addr()
}

func stopHealthy() {
	healthyMu.Lock()
	defer healthyMu.Unlock()
	if healthySrv != nil {
		healthySrv.Close()
	}
}

// healthyCheck runs one complete connection through the shared contexts.
func healthyCheck(t testing.TB) error {
	_, cli := contexts(t)
	conn, err := net.DialTimeout("tcp", healthyAddr(t), 10*time.Second)
	if err != nil {
		return err
	}
	s, err := cli.Client(conn, nil)
	if err != nil {
		conn.Close()
		return err
	}
	defer s.Close()
	_ = s.SetDeadline(time.Now().Add(ioDeadline))
	if _, err := s.Write([]byte("ping")); err != nil {
		return err
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(s, buf); err != nil {
		return fmt.Errorf("healthy connection: %w", err)
	}
	if string(buf) != "PING" {
		return fmt.Errorf("healthy connection answered %q", buf)
	}
	if code, text := s.VerifyResult(); code != 0 {
		return fmt.Errorf("healthy connection verify result %d (%s)", code, text)
	}
	return nil
}

// callSafely runs fn, turning a panic into an error carrying the stack,
// and gives up after d (calling unblock, if not nil, to release fn).
func callSafely(d time.Duration, unblock func(), fn func() error) (err error, hung bool) {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("PANIC: %v\n%s", r, debug.Stack())
			}
		}()
		done <- fn()
	}()
	select {
	case err := <-done:
		return err, false
	case <-time.After(d):
		if unblock != nil {
			unblock()
		}
		<-done
		return nil, true
	}
}

// writeFile writes data under a fresh temporary directory.
func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// sslErr returns err as *sslstream.Error, or nil.
func sslErr(err error) *sslstream.Error {
	var e *sslstream.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// clientHello returns the first record a crypto/tls client with cfg sends.
func clientHello(t testing.TB, cfg *tls.Config) []byte {
	t.Helper()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = tls.Client(a, cfg).Handshake()
	}()
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(b, hdr); err != nil {
		t.Fatal(err)
	}
	body := make([]byte, int(hdr[3])<<8|int(hdr[4]))
	if _, err := io.ReadFull(b, body); err != nil {
		t.Fatal(err)
	}
	a.Close()
	<-done
	return append(hdr, body...)
}

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }
