package sslstream

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testmain"
	"github.com/sslstream/sslstream/internal/testnet"
)

func TestMain(m *testing.M) {
	os.Exit(testmain.Run(m, "sslstream-test-", func(d string) { fixtureDir = d }))
}

var (
	fixtureDir  string
	fixtureOnce sync.Once
	fixture     *pkiFiles
	fixtureErr  error
)

// pkiFiles is one test PKI written to files: a root CA, an intermediate,
// server and client leaves below it, an unrelated CA and a self-signed
// server certificate.
type pkiFiles struct {
	root, inter, server, client, selfSigned, otherRoot *minipki.Cert
	// files
	caFile        string // root
	otherCAFile   string // unrelated root
	serverCert    string // server leaf + intermediate, key separate
	serverKey     string
	serverCombo   string // chain and key in one file
	clientCert    string // client leaf + intermediate
	clientKey     string
	selfCert      string
	selfKey       string
	otherCert     string // leaf issued by otherRoot
	otherKey      string
	expiredCert   string
	expiredKey    string
	interAsCAFile string
}

func pki(t testing.TB) *pkiFiles {
	t.Helper()
	fixtureOnce.Do(func() { fixture, fixtureErr = makePKI(fixtureDir) })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixture
}

func makePKI(dir string) (*pkiFiles, error) {
	f := minipki.New()
	st := &minipki.Steps{Dir: dir}
	p := &pkiFiles{}
	p.root = st.Cert(f.Root("Test Root CA"))
	p.inter = st.Cert(p.root.Intermediate("Test Intermediate CA"))
	p.server = st.Cert(p.inter.Leaf("localhost", minipki.IP("127.0.0.1")))
	p.client = st.Cert(p.inter.Leaf("client.example"))
	p.selfSigned = st.Cert(f.SelfSigned("localhost"))
	p.otherRoot = st.Cert(f.Root("Other Root CA"))
	other := st.Cert(p.otherRoot.Leaf("localhost"))
	expired := st.Cert(p.inter.Leaf("localhost", minipki.Expired()))
	if st.Err != nil {
		return nil, st.Err
	}
	p.caFile = st.File("ca.pem", p.root.CertPEM())
	p.otherCAFile = st.File("other-ca.pem", p.otherRoot.CertPEM())
	p.serverCert = st.File("server.pem", p.server.ChainPEM())
	p.serverKey = st.File("server.key", p.server.KeyPEM())
	p.serverCombo = st.File("server-combo.pem", p.server.ChainPEM(), p.server.KeyPEM())
	p.clientCert = st.File("client.pem", p.client.ChainPEM())
	p.clientKey = st.File("client.key", p.client.KeyPEM())
	p.selfCert = st.File("self.pem", p.selfSigned.CertPEM())
	p.selfKey = st.File("self.key", p.selfSigned.KeyPEM())
	p.otherCert = st.File("other.pem", other.ChainPEM())
	p.otherKey = st.File("other.key", other.KeyPEM())
	p.expiredCert = st.File("expired.pem", expired.ChainPEM())
	p.expiredKey = st.File("expired.key", expired.KeyPEM())
	p.interAsCAFile = st.File("inter-ca.pem", p.inter.CertPEM())
	return p, st.Err
}

// serverSettings returns settings for the fixture's server certificate.
func (p *pkiFiles) serverSettings() Settings {
	return Settings{Certificate: p.serverCert, Key: p.serverKey}
}

// transports are the two kinds of connection every behaviour is tested on.
var transports = []string{"pipe", "tcp"}

// connPair returns two connected net.Conns: client end and server end.
func connPair(t testing.TB, kind string) (net.Conn, net.Conn) {
	t.Helper()
	var c, s net.Conn
	if kind == "pipe" {
		c, s = net.Pipe()
	} else {
		c, s = testnet.TCPPair(t)
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c, s
}

// both runs client and server functions in separate goroutines and
// returns their errors, failing the test if either takes more than 20s.
func both(t testing.TB, client, server func() error) (cerr, serr error) {
	t.Helper()
	cch, sch := make(chan error, 1), make(chan error, 1)
	go func() { sch <- server() }()
	go func() { cch <- client() }()
	timeout := time.After(20 * time.Second)
	for i := 0; i < 2; i++ {
		select {
		case cerr = <-cch:
		case serr = <-sch:
		case <-timeout:
			t.Fatal("client/server did not finish within 20s")
		}
	}
	return cerr, serr
}

// pairStreams makes a client and a server stream over a fresh connection.
func pairStreams(t testing.TB, kind string, cs, ss Settings) (*Stream, *Stream) {
	t.Helper()
	cc, sc := connPair(t, kind)
	c, err := Client(cc, cs)
	if err != nil {
		t.Fatalf("Client: %v", err)
	}
	s, err := Server(sc, ss)
	if err != nil {
		t.Fatalf("Server: %v", err)
	}
	// Close the raw connections first: a close_notify written to a
	// net.Pipe nobody reads would block.
	t.Cleanup(func() { cc.Close(); sc.Close(); c.Close(); s.Close() })
	return c, s
}

// echoOnce makes the server read one line-sized message and write it back.
func echoOnce(s *Stream, n int) error {
	buf := make([]byte, n)
	if _, err := io.ReadFull(s, buf); err != nil {
		return err
	}
	if _, err := s.Write(buf); err != nil {
		return err
	}
	return s.Flush()
}

// asError extracts an *Error or fails.
func asError(t testing.TB, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	return e
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
