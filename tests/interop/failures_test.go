package interop

import (
	"context"
	"errors"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testproc"
)

// untrustedFiles is a server certificate (leaf only) under a CA that no
// test trusts, and that CA's file.
type untrustedFiles struct{ cert, key, caFile string }

var (
	untrustedOnce sync.Once
	untrusted     untrustedFiles
	untrustedErr  error
)

func untrustedServer(t *testing.T) untrustedFiles {
	t.Helper()
	untrustedOnce.Do(func() {
		f := minipki.New()
		st := &minipki.Steps{Dir: fixtureDir}
		root := st.Cert(f.Root("Untrusted Root"))
		leaf := st.Cert(root.Leaf("localhost", minipki.IP("127.0.0.1")))
		if st.Err == nil {
			untrusted = untrustedFiles{
				cert: st.File("untrusted.pem", leaf.CertPEM()), key: st.File("untrusted.key", leaf.KeyPEM()),
				caFile: st.File("untrusted-ca.pem", root.CertPEM()),
			}
		}
		untrustedErr = st.Err
	})
	if untrustedErr != nil {
		t.Fatal(untrustedErr)
	}
	return untrusted
}

// serveOnce accepts one connection on a fresh listener and returns the
// server stream's handshake error.
func serveOnce(t *testing.T, s sslstream.Settings) (port int, result <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	_ = ln.(*net.TCPListener).SetDeadline(time.Now().Add(caseTimeout))
	ch := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			ch <- err
			return
		}
		st, err := sslstream.Server(c, s)
		if err != nil {
			c.Close()
			ch <- err
			return
		}
		defer st.Close()
		_ = st.SetDeadline(time.Now().Add(caseTimeout))
		ch <- st.Handshake()
	}()
	return ln.Addr().(*net.TCPAddr).Port, ch
}

func wantSSLError(t *testing.T, err error, code uint32, verify int) {
	t.Helper()
	var e *sslstream.Error
	if !errors.As(err, &e) {
		t.Fatalf("want *sslstream.Error, got %T: %v", err, err)
	}
	if code != 0 && !e.HasCode(code) {
		t.Errorf("want %s, got %v: %v", sslstream.ErrorString(code), e.Strings, err)
	}
	if verify != 0 && e.VerifyResult != verify {
		t.Errorf("want verify result %d, got %d (%s)", verify, e.VerifyResult, e.VerifyResultString)
	}
	t.Logf("our error: %v", err)
}

// TestInteropFailures: failed handshakes across stacks. Our verify codes
// and OpenSSL error codes must come out as OpenSSL's own would, and the
// alerts each side sends must be understood by the other.
func TestInteropFailures(t *testing.T) {
	t.Parallel()
	fx := pki(t)

	t.Run("sslstream client refuses s_server's untrusted certificate", func(t *testing.T) {
		t.Parallel()
		testproc.Require(t, "openssl")
		u := untrustedServer(t)
		p := testproc.Start(t, exec.Command("openssl", "s_server", "-accept", "127.0.0.1:0", "-naccept", "1",
			"-cert", u.cert, "-key", u.key), nil, false)
		m, ok := p.WaitForLine(acceptRE, caseTimeout)
		if !ok {
			t.Fatalf("s_server did not start\n%s", p.String())
		}
		conn, err := net.Dial("tcp", "127.0.0.1:"+m[1])
		if err != nil {
			t.Fatal(err)
		}
		st, err := sslstream.Client(conn, sslstream.Settings{CAFile: fx.caFile, Verify: sslstream.VerifyRequired, ServerName: "localhost"})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		_ = st.SetDeadline(time.Now().Add(caseTimeout))
		err = st.Handshake()
		wantSSLError(t, err, 0x0A000086, 20)
		// s_server must see our alert (crypto/tls sends bad_certificate).
		if _, ok := p.WaitFor(regexp.MustCompile(`alert (bad certificate|unknown ca)`), 10*time.Second); !ok {
			t.Errorf("s_server did not report our alert\n%s", p.String())
		}
	})

	t.Run("s_client without a certificate to sslstream server requiring one", func(t *testing.T) {
		t.Parallel()
		testproc.Require(t, "openssl")
		s := fx.server[ecdsaKey]
		port, res := serveOnce(t, sslstream.Settings{Certificate: s.fullchain, Key: s.key, CAFile: fx.caFile, Verify: sslstream.VerifyRequired})
		p := testproc.Start(t, exec.Command("openssl", "s_client", "-connect", "127.0.0.1:"+strconv.Itoa(port), "-brief", "-tls1_3"), nil, false)
		var err error
		select {
		case err = <-res:
		case <-time.After(caseTimeout):
			t.Fatal("our server did not finish")
		}
		wantSSLError(t, err, 0x0A0000C7, 0) // peer did not return a certificate
		if _, ok := p.WaitFor(regexp.MustCompile(`alert certificate required`), 10*time.Second); !ok {
			t.Errorf("s_client did not report the certificate_required alert\n%s", p.String())
		}
	})

	t.Run("python client rejects sslstream server's certificate: unknown ca alert", func(t *testing.T) {
		t.Parallel()
		testproc.Require(t, "python3")
		u := untrustedServer(t)
		port, res := serveOnce(t, sslstream.Settings{Certificate: u.cert, Key: u.key})
		p := testproc.Start(t, exec.Command("python3", fx.pyFile, "client", "1.3", fx.caFile, "-", "-", strconv.Itoa(port), "1"), nil, true)
		var err error
		select {
		case err = <-res:
		case <-time.After(caseTimeout):
			t.Fatal("our server did not finish")
		}
		// OpenSSL (under Python) sends unknown_ca (48) for verify code 20.
		wantSSLError(t, err, 0x0A000418, 0)
		if !strings.Contains(err.Error(), "tlsv1 alert unknown ca") {
			t.Errorf("error does not print the alert as OpenSSL does: %v", err)
		}
		p.Wait(caseTimeout)
		if !strings.Contains(p.Stderr.String(), "CERTIFICATE_VERIFY_FAILED") {
			t.Errorf("python did not fail verification\n%s", p.String())
		}
	})

	t.Run("gnutls-cli rejects sslstream server's certificate", func(t *testing.T) {
		t.Parallel()
		testproc.Require(t, "gnutls-cli")
		u := untrustedServer(t)
		port, res := serveOnce(t, sslstream.Settings{Certificate: u.cert, Key: u.key})
		p := testproc.Start(t, exec.Command("gnutls-cli", "-p", strconv.Itoa(port), "--x509cafile", fx.caFile,
			"--verify-hostname", "localhost", "127.0.0.1"), nil, false)
		var err error
		select {
		case err = <-res:
		case <-time.After(caseTimeout):
			t.Fatal("our server did not finish")
		}
		var e *sslstream.Error
		if !errors.As(err, &e) || len(e.Codes) == 0 || !strings.Contains(err.Error(), "alert") {
			t.Fatalf("want an *sslstream.Error naming the alert GnuTLS sent, got %v", err)
		}
		t.Logf("our error: %v", err)
		p.Wait(caseTimeout)
		if !strings.Contains(p.String(), "NOT trusted") {
			t.Errorf("gnutls-cli did not report the certificate untrusted\n%s", p.String())
		}
	})

	t.Run("HandshakeContext cancels against a silent s_server peer", func(t *testing.T) {
		t.Parallel()
		// A plain TCP listener that never answers stands in for a stalled
		// server; the point is that the context cuts it.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			c, err := ln.Accept()
			if err == nil {
				defer c.Close()
				buf := make([]byte, 1024)
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
				}
			}
		}()
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		st, err := sslstream.Client(conn, sslstream.Settings{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		err = st.HandshakeContext(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("want context.DeadlineExceeded, got %v", err)
		}
	})
}
