package hostile

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/internal/minipki"
)

// caseTimeout is the most one bad-input case may take; more is a hang.
// Rows take milliseconds (the 1 GiB file about 2 s under -race); the margin
// is for `go test ./...` on a loaded 2-core machine.
const caseTimeout = 90 * time.Second

// ioDeadline is the deadline of every stream of the table: a case that
// fails by timing out instead of by the clear error it expects fails.
const ioDeadline = 30 * time.Second

// badCase is one row of the bad-input table.
type badCase struct {
	name string
	// run produces the error under test. unblock, when set, releases a
	// run that hangs (for example on a FIFO nobody writes).
	run     func(t *testing.T) error
	unblock func(t *testing.T)
	// want are substrings the error text must contain (all of them);
	// nil means the input is acceptable and run must succeed.
	want []string
	// code, when not 0, is an OpenSSL packed code the *sslstream.Error must carry.
	code uint32
	// verify, when not 0, is the verify result the *sslstream.Error must carry.
	verify int
	// skip, when not "", is why the row cannot run here.
	skip string
}

// serverGets returns the handshake error of a server stream on the shared
// context whose peer sends payload, then closes its end if hangUp.
func serverGets(payload []byte, hangUp bool) func(t *testing.T) error {
	return func(t *testing.T) error {
		srv, _ := contexts(t)
		c, s := tcpPair(t)
		st, err := srv.Server(s, nil)
		if err != nil {
			return err
		}
		defer st.Close()
		_ = st.SetDeadline(time.Now().Add(ioDeadline))
		go func() {
			_, _ = c.Write(payload)
			if hangUp {
				c.Close()
			}
		}()
		return st.Handshake()
	}
}

// clientGets returns the handshake error of a client stream on the shared
// context whose server reads the ClientHello and answers payload.
func clientGets(payload []byte, hangUp bool) func(t *testing.T) error {
	return func(t *testing.T) error {
		_, cli := contexts(t)
		c, s := tcpPair(t)
		go func() {
			buf := make([]byte, 1<<16)
			_, _ = s.Read(buf)
			_, _ = s.Write(payload)
			if hangUp {
				s.Close()
			}
		}()
		st, err := cli.Client(c, nil)
		if err != nil {
			return err
		}
		defer st.Close()
		_ = st.SetDeadline(time.Now().Add(ioDeadline))
		return st.Handshake()
	}
}

// clientAgainst returns the handshake error of a client stream (shared
// context, or one made from settings when s is not nil) against a
// crypto/tls server presenting chain and key.
func clientAgainst(chain [][]byte, key any, s *sslstream.Settings) func(t *testing.T) error {
	return func(t *testing.T) error {
		_, cli := contexts(t)
		c, sc := tcpPair(t)
		srv := tls.Server(sc, &tls.Config{Certificates: []tls.Certificate{{Certificate: chain, PrivateKey: key}}})
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = srv.SetDeadline(time.Now().Add(ioDeadline))
			_ = srv.Handshake()
			srv.Close()
		}()
		defer func() { <-done }()
		var st *sslstream.Stream
		var err error
		if s != nil {
			st, err = sslstream.Client(c, *s)
		} else {
			st, err = cli.Client(c, nil)
		}
		if err != nil {
			sc.Close()
			return err
		}
		defer st.Close()
		_ = st.SetDeadline(time.Now().Add(ioDeadline))
		return st.Handshake()
	}
}

// serverFrom returns the handshake error of a server stream (shared
// context with overrides o) against a crypto/tls client with cfg.
func serverFrom(cfg *tls.Config, o *sslstream.Overrides) func(t *testing.T) error {
	return func(t *testing.T) error {
		srv, _ := contexts(t)
		c, s := tcpPair(t)
		done := make(chan struct{})
		go func() {
			defer close(done)
			cl := tls.Client(c, cfg)
			_ = cl.SetDeadline(time.Now().Add(ioDeadline))
			_ = cl.Handshake()
			cl.Close()
		}()
		defer func() { <-done }()
		st, err := srv.Server(s, o)
		if err != nil {
			c.Close()
			return err
		}
		defer st.Close()
		_ = st.SetDeadline(time.Now().Add(ioDeadline))
		return st.Handshake()
	}
}

// newServerCtx returns the error of creating a server context from the
// shared server settings changed by edit.
func newServerCtx(edit func(p *files, s *sslstream.Settings)) func(t *testing.T) error {
	return func(t *testing.T) error {
		p := pki(t)
		s := serverSettings(p)
		edit(p, &s)
		_, err := sslstream.NewServerContext(s)
		return err
	}
}

// newClientCtx is newServerCtx for client settings.
func newClientCtx(edit func(p *files, s *sslstream.Settings)) func(t *testing.T) error {
	return func(t *testing.T) error {
		p := pki(t)
		s := clientSettings(p)
		edit(p, &s)
		_, err := sslstream.NewClientContext(s)
		return err
	}
}

// dialHealthy returns the handshake error of a client made from settings
// (the shared client settings changed by edit) against the healthy server.
func dialHealthy(edit func(p *files, s *sslstream.Settings)) func(t *testing.T) error {
	return func(t *testing.T) error {
		p := pki(t)
		s := clientSettings(p)
		edit(p, &s)
		conn, err := net.DialTimeout("tcp", healthyAddr(t), ioDeadline)
		if err != nil {
			return err
		}
		st, err := sslstream.Client(conn, s)
		if err != nil {
			conn.Close()
			return err
		}
		defer st.Close()
		_ = st.SetDeadline(time.Now().Add(ioDeadline))
		return st.Handshake()
	}
}

func garbage(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// record frames body as one TLS record of type typ.
func record(typ byte, body []byte) []byte {
	return append([]byte{typ, 3, 1, byte(len(body) >> 8), byte(len(body))}, body...)
}

// fifo makes a named pipe nobody writes to.
func fifo(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	return p
}

// releaseFIFO opens the FIFO for writing and closes it, so a reader
// blocked in open(2) sees an empty file.
func releaseFIFO(path string) {
	if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
}

// sparse makes a file of size bytes that takes no disk space.
func sparse(t *testing.T, name string, size int64, head []byte) string {
	t.Helper()
	p := writeFile(t, name, head)
	if err := os.Truncate(p, size); err != nil {
		t.Fatal(err)
	}
	return p
}

func negativeSerialCert(t *testing.T) (certPath, keyPath string) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not on PATH: needed to make a certificate with a negative serial (Go refuses to)")
	}
	dir := t.TempDir()
	certPath, keyPath = filepath.Join(dir, "neg.pem"), filepath.Join(dir, "neg.key")
	out, err := exec.Command("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
		"-nodes", "-keyout", keyPath, "-out", certPath, "-subj", "/CN=localhost", "-days", "1", "-set_serial", "-5").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl req: %v\n%s", err, out)
	}
	return certPath, keyPath
}

func leafKey(c *minipki.Cert) any { return c.Key }

func badCases(t *testing.T) []badCase {
	p := pki(t)
	tls10Hello := clientHello(t, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10})
	rsaOnlyHello := clientHello(t, &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256}})
	goodHello := clientHello(t, &tls.Config{InsecureSkipVerify: true, ServerName: "localhost"})
	required := sslstream.VerifyRequired
	var certFIFO, crlFIFO atomic.Pointer[string]

	var longChain [][]byte
	longChain = append(longChain, p.server.DER())
	for range 10000 {
		longChain = append(longChain, p.inter.DER())
	}
	untrusted, _ := p.other.Leaf("localhost")
	expired, _ := p.inter.Leaf("localhost", minipki.Expired())
	nulLeaf, _ := p.inter.Leaf("localhost\x00.evil.example")
	clientFromOther, _ := p.other.Leaf("client.example")
	expiredClient, _ := p.inter.Leaf("client.example", minipki.Expired())
	tlsCert := func(c *minipki.Cert) tls.Certificate {
		return tls.Certificate{Certificate: [][]byte{c.DER(), c.Issuer.DER()}, PrivateKey: c.Key}
	}

	return []badCase{
		// --- hostile clients against our server ---
		{name: "garbage ClientHello", run: serverGets(garbage(1, 300), false),
			want: []string{"handshake", "wrong version number"}, code: 0x0A00010B},
		{name: "truncated ClientHello then EOF", run: serverGets(goodHello[:len(goodHello)/2], true),
			want: []string{"handshake", "unexpected eof while reading"}, code: 0x0A000126},
		{name: "ClientHello record header only then EOF", run: serverGets(goodHello[:5], true),
			want: []string{"unexpected eof while reading"}, code: 0x0A000126},
		{name: "oversized ClientHello record (65535 bytes declared)", run: serverGets([]byte{22, 3, 1, 0xff, 0xff}, false),
			want: []string{"packet length too long"}, code: 0x0A0000C6},
		{name: "ClientHello declaring a 16 MiB handshake message", run: serverGets(record(22, []byte{1, 0xff, 0xff, 0xff}), false),
			want: []string{"excessive message size"}, code: 0x0A000098},
		{name: "plaintext HTTP to the TLS port", run: serverGets([]byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"), false),
			want: []string{"http request"}, code: 0x0A00009C},
		{name: "HTTP CONNECT to the TLS port", run: serverGets([]byte("CONNECT localhost:443 HTTP/1.1\r\n\r\n"), false),
			want: []string{"https proxy request"}, code: 0x0A00009B},
		{name: "peer closes before sending anything", run: serverGets(nil, true),
			want: []string{"unexpected eof while reading"}, code: 0x0A000126},
		{name: "peer closes mid-handshake after its ClientHello", run: serverGets(goodHello, true),
			want: []string{"unexpected eof while reading"}, code: 0x0A000126},
		{name: "SSLv2-format ClientHello", run: serverGets([]byte{0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10}, false),
			want: []string{"wrong version number"}, code: 0x0A00010B},
		{name: "TLS 1.0-only client", run: serverGets(tls10Hello, false),
			want: []string{"unsupported protocol"}, code: 0x0A000102},
		{name: "client offers only ciphers the server cannot use", run: serverGets(rsaOnlyHello, false),
			want: []string{"no shared cipher"}, code: 0x0A0000C1},
		{name: "alert instead of ClientHello", run: serverGets(record(21, []byte{2, 40}), false),
			want: []string{"alert handshake failure"}, code: 0x0A000410},
		{name: "ChangeCipherSpec before ClientHello", run: serverGets(record(20, []byte{1}), false),
			want: []string{"unexpected message"}, code: 0x0A0000F4},
		{name: "application data before the handshake", run: serverGets(record(23, []byte("hello")), false),
			want: []string{"unexpected message"}, code: 0x0A0000F4},
		{name: "client sends a 10,000-certificate chain", run: serverFrom(&tls.Config{ServerName: "localhost",
			RootCAs: rootPool(p), Certificates: []tls.Certificate{{Certificate: longChain, PrivateKey: p.server.Key}}}, nil),
			want: []string{"excessive message size"}, code: 0x0A000098},
		// GetClientCertificate, not Certificates: crypto/tls alone sends
		// no certificate whose issuer is not among the CA names the
		// server lists (ours lists its ca-file); a hostile client (or an
		// OpenSSL one) sends it anyway.
		{name: "client certificate from an unknown CA", run: serverFrom(&tls.Config{ServerName: "localhost",
			RootCAs: rootPool(p), GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
				return &tls.Certificate{Certificate: [][]byte{clientFromOther.DER()}, PrivateKey: clientFromOther.Key}, nil
			}}, nil),
			want: []string{"certificate verify failed", "unable to get local issuer certificate"}, code: 0x0A000086, verify: 20},
		{name: "expired client certificate", run: serverFrom(&tls.Config{ServerName: "localhost",
			RootCAs: rootPool(p), Certificates: []tls.Certificate{tlsCert(expiredClient)}}, nil),
			want: []string{"certificate verify failed", "certificate has expired"}, code: 0x0A000086, verify: 10},
		{name: "client certificate required but none sent", run: serverFrom(&tls.Config{ServerName: "localhost",
			RootCAs: rootPool(p)}, &sslstream.Overrides{Verify: &required}),
			want: []string{"peer did not return a certificate"}, code: 0x0A0000C7},
		{name: "corrupted record after the handshake", run: corruptedRecord,
			want: []string{"read", "bad record mac"}, code: 0x0A000119},
		{name: "peer closes in the middle of a record", run: truncatedRecord,
			want: []string{"unexpected eof"}},

		// --- hostile servers against our client ---
		{name: "server answers with plaintext HTTP", run: clientGets([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"), false),
			want: []string{"wrong version number"}, code: 0x0A00010B},
		{name: "TLS client to a plaintext SMTP port", run: clientGets([]byte("220 mail.example ESMTP ready\r\n"), false),
			want: []string{"wrong version number"}, code: 0x0A00010B},
		{name: "server answers garbage", run: clientGets(garbage(2, 200), false),
			want: []string{"wrong version number"}, code: 0x0A00010B},
		{name: "server closes without answering", run: clientGets(nil, true),
			want: []string{"unexpected eof while reading"}, code: 0x0A000126},
		{name: "server answers with a handshake_failure alert", run: clientGets(record(21, []byte{2, 40}), false),
			want: []string{"alert handshake failure"}, code: 0x0A000410},
		{name: "server sends an oversized record", run: clientGets([]byte{22, 3, 3, 0xff, 0xff}, false),
			want: []string{"packet length too long"}, code: 0x0A0000C6},
		{name: "server certificate from an unknown CA", run: clientAgainst([][]byte{untrusted.DER()}, leafKey(untrusted), nil),
			want: []string{"certificate verify failed", "unable to get local issuer certificate"}, code: 0x0A000086, verify: 20},
		{name: "expired server certificate", run: clientAgainst([][]byte{expired.DER(), p.inter.DER()}, leafKey(expired), nil),
			want: []string{"certificate verify failed", "certificate has expired"}, code: 0x0A000086, verify: 10},
		{name: "server certificate names with embedded NUL", run: clientAgainst([][]byte{nulLeaf.DER(), p.inter.DER()}, leafKey(nulLeaf), nil),
			want: []string{"certificate verify failed", "hostname mismatch"}, code: 0x0A000086, verify: 62},
		{name: "server certificate with a negative serial", run: func(t *testing.T) error {
			certPath, keyPath := negativeSerialCert(t)
			chain, key := rawPair(t, certPath, keyPath)
			return clientAgainst(chain, key, nil)(t)
		}, want: []string{"negative serial"}},
		{name: "server sends a 10,000-certificate chain", run: clientAgainst(longChain, leafKey(p.server), nil),
			want: []string{"excessive message size"}, code: 0x0A000098},

		// --- files and settings ---
		{name: "wrong password", run: newServerCtx(func(p *files, s *sslstream.Settings) {
			s.Key, s.CertificatePassword = p.encKey, "not-the-password"
		}), want: []string{"server-enc.key", "wrong certificate-password"}},
		{name: "missing password", run: newServerCtx(func(p *files, s *sslstream.Settings) { s.Key = p.encKey }),
			want: []string{"server-enc.key", "needs certificate-password"}},
		{name: "key does not match certificate", run: newServerCtx(func(p *files, s *sslstream.Settings) { s.Key = p.otherKey }),
			want: []string{"other.key", "does not match"}},
		{name: "empty certificate file", run: newServerCtx(func(p *files, s *sslstream.Settings) {
			s.Certificate = writeFile(t, "empty.pem", nil)
		}), want: []string{"empty.pem", "empty file"}},
		{name: "binary garbage certificate file", run: newServerCtx(func(p *files, s *sslstream.Settings) {
			s.Certificate = writeFile(t, "garbage.pem", garbage(3, 4096))
		}), want: []string{"garbage.pem"}},
		{name: "truncated PEM certificate", run: newServerCtx(func(p *files, s *sslstream.Settings) {
			s.Certificate = writeFile(t, "truncated.pem", p.serverPEMBytes[:len(p.serverPEMBytes)/3])
		}), want: []string{"truncated.pem"}},
		{name: "huge certificate file (1 GiB, sparse)", run: newServerCtx(func(p *files, s *sslstream.Settings) {
			s.Certificate = sparse(t, "huge.pem", 1<<30, p.serverPEMBytes)
		}), want: []string{"huge.pem", "larger than"}},
		{name: "certificate path is a directory", run: newServerCtx(func(p *files, s *sslstream.Settings) {
			s.Certificate = t.TempDir()
		}), want: []string{"certificate", "is a directory"}},
		{name: "certificate file missing", run: newServerCtx(func(p *files, s *sslstream.Settings) {
			s.Certificate = filepath.Join(t.TempDir(), "absent.pem")
		}), want: []string{"absent.pem", "no such file"}},
		{name: "certificate file is a FIFO nobody writes", run: func(t *testing.T) error {
			path := fifo(t, "cert.fifo")
			certFIFO.Store(&path)
			return newServerCtx(func(p *files, s *sslstream.Settings) { s.Certificate = path })(t)
		}, unblock: func(t *testing.T) { releaseFIFO(*certFIFO.Load()) }, want: []string{"cert.fifo", "not a regular file"}},
		{name: "empty key file", run: newServerCtx(func(p *files, s *sslstream.Settings) {
			s.Key = writeFile(t, "empty.key", nil)
		}), want: []string{"empty.key", "empty file"}},
		{name: "binary garbage key file", run: newServerCtx(func(p *files, s *sslstream.Settings) {
			s.Key = writeFile(t, "garbage.key", garbage(4, 2048))
		}), want: []string{"garbage.key"}},
		{name: "truncated PEM key", run: newServerCtx(func(p *files, s *sslstream.Settings) {
			s.Key = writeFile(t, "truncated.key", p.serverKeyPEM[:len(p.serverKeyPEM)/2])
		}), want: []string{"truncated.key"}},
		{name: "key path is a directory", run: newServerCtx(func(p *files, s *sslstream.Settings) { s.Key = t.TempDir() }),
			want: []string{"key", "is a directory"}},
		{name: "server certificate file with a 10,000-certificate chain", run: func(t *testing.T) error {
			var b bytes.Buffer
			b.Write(p.server.CertPEM())
			for range 10000 {
				b.Write(p.inter.CertPEM())
			}
			path := writeFile(t, "long-chain.pem", b.Bytes())
			srv, err := sslstream.NewServerContext(sslstream.Settings{Certificate: path, Key: p.serverKey})
			if err != nil {
				return err
			}
			_, cli := contexts(t)
			c, s := tcpPair(t)
			sst, _ := srv.Server(s, nil)
			defer sst.Close()
			_ = sst.SetDeadline(time.Now().Add(ioDeadline))
			go func() { _ = sst.Handshake() }()
			cst, _ := cli.Client(c, nil)
			defer cst.Close()
			_ = cst.SetDeadline(time.Now().Add(ioDeadline))
			return cst.Handshake()
		}, want: []string{"excessive message size"}, code: 0x0A000098},
		{name: "empty ca-file", run: newClientCtx(func(p *files, s *sslstream.Settings) {
			s.CAFile = writeFile(t, "empty-ca.pem", nil)
		}), want: []string{"ca-file", "empty-ca.pem", "empty file"}},
		{name: "binary garbage ca-file", run: newClientCtx(func(p *files, s *sslstream.Settings) {
			s.CAFile = writeFile(t, "garbage-ca.pem", garbage(5, 4096))
		}), want: []string{"ca-file", "garbage-ca.pem"}},
		{name: "ca-file is a directory", run: newClientCtx(func(p *files, s *sslstream.Settings) { s.CAFile = t.TempDir() }),
			want: []string{"ca-file", "is a directory"}},
		{name: "CRL from the wrong issuer", run: dialHealthy(func(p *files, s *sslstream.Settings) {
			s.CRLFile, s.CRLCheck = p.otherCRL, sslstream.CRLPeer
		}), want: []string{"certificate verify failed", "unable to get certificate CRL"}, code: 0x0A000086, verify: 3},
		{name: "binary garbage crl-file", run: newClientCtx(func(p *files, s *sslstream.Settings) {
			s.CRLFile = writeFile(t, "garbage.crl", garbage(6, 4096))
		}), want: []string{"crl-file", "garbage.crl"}},
		{name: "empty crl-file", run: newClientCtx(func(p *files, s *sslstream.Settings) {
			s.CRLFile = writeFile(t, "empty.crl", nil)
		}), want: []string{"crl-file", "empty.crl"}},
		{name: "crl-file is a directory", run: newClientCtx(func(p *files, s *sslstream.Settings) { s.CRLFile = t.TempDir() }),
			want: []string{"crl-file", "is a directory"}},
		{name: "huge crl-file (1 GiB, sparse)", run: newClientCtx(func(p *files, s *sslstream.Settings) {
			s.CRLFile = sparse(t, "huge.crl", 1<<30, nil)
		}), want: []string{"crl-file", "huge.crl", "larger than"}},
		{name: "crl-file is a FIFO nobody writes", run: func(t *testing.T) error {
			path := fifo(t, "crl.fifo")
			crlFIFO.Store(&path)
			return newClientCtx(func(p *files, s *sslstream.Settings) { s.CRLFile = path })(t)
		}, unblock: func(t *testing.T) { releaseFIFO(*crlFIFO.Load()) }, want: []string{"crl.fifo", "not a regular file"}},
		{name: "ca-directory is a symlink loop", run: newClientCtx(func(p *files, s *sslstream.Settings) {
			dir := t.TempDir()
			loop := filepath.Join(dir, "loop")
			if err := os.Symlink(loop, loop); err != nil {
				t.Fatal(err)
			}
			s.CADirectory = loop
		}), want: []string{"ca-directory", "too many levels of symbolic links"}},
		{name: "ca-directory whose hash link is a symlink loop", run: dialHealthy(func(p *files, s *sslstream.Settings) {
			dir := t.TempDir()
			h, err := dn.Hash(p.root.Cert.RawSubject)
			if err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(dir, fmt.Sprintf("%08x.0", h))
			if err := os.Symlink(link, link); err != nil {
				t.Fatal(err)
			}
			s.CAFile, s.CADirectory = "", dir
		}), want: []string{"certificate verify failed", "unable to get local issuer certificate"}, code: 0x0A000086, verify: 20},
		{name: "ca-directory is a file", run: newClientCtx(func(p *files, s *sslstream.Settings) { s.CADirectory = p.caFile }),
			want: []string{"ca-directory", "not a directory"}},
		{name: "cipher string of 1 MB of garbage", run: newClientCtx(func(p *files, s *sslstream.Settings) {
			s.Ciphers = strings.Repeat("NOPE-CIPHER:", 1<<20/12)
		}), want: []string{"ciphers"}},
		{name: "cipher string of 1 MB of valid rules", run: newClientCtx(func(p *files, s *sslstream.Settings) {
			s.Ciphers = strings.Repeat("HIGH:!aNULL:", 1<<20/12)
		})},
		{name: "ciphersuites of 1 MB", run: newClientCtx(func(p *files, s *sslstream.Settings) {
			s.Ciphersuites = strings.Repeat("TLS_NOPE:", 1<<20/9)
		}), want: []string{"ciphersuites"}},
		{name: "unknown method", run: newClientCtx(func(p *files, s *sslstream.Settings) { s.Method = "tlsv9" }),
			want: []string{"method", "tlsv9"}},
		{name: "server without a certificate", run: newServerCtx(func(p *files, s *sslstream.Settings) { s.Certificate, s.Key = "", "" }),
			want: []string{"needs a certificate"}},
		{name: "verify value out of range", run: newClientCtx(func(p *files, s *sslstream.Settings) { s.Verify = 7 }),
			want: []string{"verify", "allowed"}},
		{name: "Set: unknown setting", run: func(t *testing.T) error {
			var s sslstream.Settings
			return s.Set("no-such-setting", "x")
		}, want: []string{"unknown setting", "no-such-setting"}},
		{name: "Set: bad verify value", run: func(t *testing.T) error {
			var s sslstream.Settings
			return s.Set("verify", "maybe")
		}, want: []string{"verify", "maybe", "none, optional, required"}},
		{name: "Set: negative max-depth", run: func(t *testing.T) error {
			var s sslstream.Settings
			return s.Set("max-depth", "-1")
		}, want: []string{"max-depth", "-1"}},
		{name: "Overrides.Set: frozen setting", run: func(t *testing.T) error {
			var o sslstream.Overrides
			return o.Set("ca-file", "/etc/ssl/certs/ca-certificates.crt")
		}, want: []string{"ca-file", "fixed by the context"}},
	}
}

// pemDecode returns the bytes of the first PEM block of data.
func pemDecode(data []byte) ([]byte, bool) {
	blk, _ := pem.Decode(data)
	if blk == nil {
		return nil, false
	}
	return blk.Bytes, true
}

func rootPool(p *files) *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.root.Cert)
	return pool
}

// rawPair reads a certificate and key with openssl-made PEM, without
// parsing the certificate (Go refuses negative serials).
func rawPair(t *testing.T, certPath, keyPath string) ([][]byte, any) {
	t.Helper()
	cb, err := os.ReadFile(certPath)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pemDecode(cb)
	kblk, _ := pemDecode(kb)
	key, err := x509.ParsePKCS8PrivateKey(kblk)
	if err != nil {
		t.Fatal(err)
	}
	return [][]byte{blk}, key
}

// corruptingConn flips one bit of the first write after arm is set.
type corruptingConn struct {
	net.Conn
	arm atomic.Bool
}

func (c *corruptingConn) Write(p []byte) (int, error) {
	if c.arm.CompareAndSwap(true, false) && len(p) > 10 {
		q := append([]byte(nil), p...)
		q[len(q)-1] ^= 1
		return c.Conn.Write(q)
	}
	return c.Conn.Write(p)
}

// corruptedRecord returns the server's read error after a client's first
// application-data record was altered in transit.
func corruptedRecord(t *testing.T) error {
	srv, cli := contexts(t)
	c, s := tcpPair(t)
	cc := &corruptingConn{Conn: c}
	done := make(chan struct{})
	go func() {
		defer close(done)
		st, err := cli.Client(cc, nil)
		if err != nil {
			return
		}
		defer st.Close()
		_ = st.SetDeadline(time.Now().Add(ioDeadline))
		if st.Handshake() != nil {
			return
		}
		cc.arm.Store(true)
		_, _ = st.Write([]byte("this record will not decrypt"))
		_ = st.Flush()
		_, _ = st.Read(make([]byte, 1))
	}()
	defer func() { <-done }()
	st, err := srv.Server(s, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	_ = st.SetDeadline(time.Now().Add(ioDeadline))
	_, err = st.Read(make([]byte, 100))
	return err
}

// truncatedRecord returns the server's read error when the client sends
// half an application-data record and closes.
func truncatedRecord(t *testing.T) error {
	srv, cli := contexts(t)
	c, s := tcpPair(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		st, err := cli.Client(c, nil)
		if err != nil {
			return
		}
		_ = st.SetDeadline(time.Now().Add(ioDeadline))
		if st.Handshake() == nil {
			_, _ = c.Write([]byte{23, 3, 3, 0, 100, 1, 2, 3, 4, 5}) // raw, under the stream
		}
		c.Close()
	}()
	defer func() { <-done }()
	st, err := srv.Server(s, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	_ = st.SetDeadline(time.Now().Add(ioDeadline))
	_, err = st.Read(make([]byte, 100))
	if err == io.EOF {
		return fmt.Errorf("clean io.EOF for a connection cut mid-record")
	}
	return err
}

// TestBadInput is the bad-input table: each row must fail with an error
// naming what is wrong, within caseTimeout, without panicking, while a
// healthy connection through the same contexts succeeds beside it.
func TestBadInput(t *testing.T) {
	t.Parallel()
	contexts(t)
	cases := badCases(t)
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, bc := range cases {
		t.Run(bc.name, func(t *testing.T) {
			t.Parallel()
			if bc.skip != "" {
				t.Skip(bc.skip)
			}
			healthy := make(chan error, 1)
			go func() { healthy <- healthyCheck(t) }()
			var unblock func()
			if bc.unblock != nil {
				unblock = func() { bc.unblock(t) }
			}
			start := time.Now()
			err, hung := callSafely(caseTimeout, unblock, func() error { return bc.run(t) })
			elapsed := time.Since(start)
			if herr := <-healthy; herr != nil {
				t.Errorf("healthy connection beside this case failed: %v", herr)
			}
			if hung {
				t.Fatalf("HANG: no result within %v", caseTimeout)
			}
			checkBadResult(t, bc, err, elapsed)
		})
	}
}

func checkBadResult(t *testing.T, bc badCase, err error, elapsed time.Duration) {
	t.Helper()
	if err != nil && strings.HasPrefix(err.Error(), "PANIC") {
		t.Fatal(err)
	}
	if bc.want == nil {
		if err != nil {
			t.Fatalf("want success, got %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("want an error containing %q, got none", bc.want)
	}
	msg := err.Error()
	for _, w := range bc.want {
		if !strings.Contains(strings.ToLower(msg), strings.ToLower(w)) {
			t.Errorf("error does not mention %q:\n%s", w, clip(msg))
		}
	}
	if len(msg) > 4096 {
		t.Errorf("error text is %d bytes long; it should name the problem, not repeat the input:\n%s", len(msg), clip(msg))
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Errorf("failed by timing out after %v instead of recognising the input: %v", elapsed.Round(time.Millisecond), clip(msg))
	}
	if bc.code != 0 || bc.verify != 0 {
		e := sslErr(err)
		switch {
		case e == nil:
			t.Errorf("want *sslstream.Error, got %T: %s", err, clip(msg))
		case bc.code != 0 && !e.HasCode(bc.code):
			t.Errorf("want code %s, got %v: %s", sslstream.ErrorString(bc.code), e.Strings, clip(msg))
		case bc.verify != 0 && e.VerifyResult != bc.verify:
			t.Errorf("want verify result %d, got %d (%s)", bc.verify, e.VerifyResult, e.VerifyResultString)
		}
	}
	t.Logf("error: %s", clip(msg))
}

func clip(s string) string {
	if len(s) > 600 {
		return s[:600] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

// A server certificate with a negative serial number, which crypto/x509
// refuses to parse, loads as OpenSSL loads it (through the fallback
// parser) and serves a handshake that openssl s_client verifies.
func TestServerCertificateWithNegativeSerialServes(t *testing.T) {
	t.Parallel()
	certPath, keyPath := negativeSerialCert(t)
	sctx, err := sslstream.NewServerContext(sslstream.Settings{Certificate: certPath, Key: keyPath})
	if err != nil {
		t.Fatalf("loading %s: %v (OpenSSL loads it)", certPath, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(20 * time.Second))
		st, err := sctx.Server(c, nil)
		if err == nil {
			err = st.Handshake()
			st.Close()
		}
		served <- err
	}()
	cmd := exec.Command("openssl", "s_client", "-connect", ln.Addr().String(), "-servername", "localhost",
		"-CAfile", certPath, "-verify_return_error")
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl s_client: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Verify return code: 0 (ok)") {
		t.Errorf("openssl s_client did not verify the server:\n%s", out)
	}
	if !bytes.Contains(out, []byte("subject=CN = localhost")) {
		t.Errorf("openssl s_client shows no server certificate:\n%s", out)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("server handshake: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server handshake did not end")
	}
}
