package plainserver

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// pkiDir is the directory TestMain made for the tests' PKI; pki writes
// it once (RSA key generation is slow).
var pkiDir string

var pki = sync.OnceValue(func() error { return WritePKI(pkiDir) })

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "plainserver-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pkiDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutine leak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

func testPKI(t *testing.T) string {
	t.Helper()
	if err := pki(); err != nil {
		t.Fatal(err)
	}
	return pkiDir
}

// clientConfig trusts dir's CA and, with cert, presents client.pem.
func clientConfig(t *testing.T, dir string, cert bool) *tls.Config {
	t.Helper()
	roots, err := LoadRoots(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{RootCAs: roots, ServerName: "localhost"}
	if cert {
		pair, err := tls.LoadX509KeyPair(filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg
}

// serve starts a Server on 127.0.0.1 and stops it (and waits for it) at
// the end of the test.
func serve(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Serve(ctx, ln); close(done) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return after its context was cancelled")
		}
	})
	return ln.Addr().String()
}

// TestServerEchoesWithEitherLoop: both echo loops send back what a client
// wrote, in pieces of any size, for an ECDSA and an RSA certificate.
func TestServerEchoesWithEitherLoop(t *testing.T) {
	t.Parallel()
	dir := testPKI(t)
	for _, name := range []string{"server", "server-rsa"} {
		cfg, err := NewConfig(dir, name, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, small := range []bool{true, false} {
			addr := serve(t, &Server{TLS: cfg, Small: small})
			c, err := tls.Dial("tcp", addr, clientConfig(t, dir, false))
			if err != nil {
				t.Fatalf("%s small=%v: %v", name, small, err)
			}
			if n := len(c.ConnectionState().PeerCertificates); n != 1 {
				t.Errorf("%s: the server sent %d certificates without verify, want its leaf alone", name, n)
			}
			msg := bytes.Repeat([]byte("0123456789abcdef"), 3000) // 48 000 bytes: several records
			go c.Write(msg)
			got := make([]byte, len(msg))
			c.SetDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.ReadFull(c, got); err != nil {
				t.Fatalf("%s small=%v: reading the echo: %v", name, small, err)
			}
			if !bytes.Equal(got, msg) {
				t.Errorf("%s small=%v: the echo differs from what was sent", name, small)
			}
			c.Close()
		}
	}
}

// TestServerRequiresClientCertificate: with verify, a client without a
// certificate is refused and one with client.pem is echoed.
func TestServerRequiresClientCertificate(t *testing.T) {
	t.Parallel()
	dir := testPKI(t)
	cfg, err := NewConfig(dir, "server", true)
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, &Server{TLS: cfg, Small: true})
	c, err := tls.Dial("tcp", addr, clientConfig(t, dir, false))
	if err == nil {
		// TLS 1.3: the refusal comes with the first read.
		c.SetDeadline(time.Now().Add(10 * time.Second))
		_, err = c.Read(make([]byte, 1))
		c.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a client without a certificate: %v, want the server to refuse it", err)
	}
	c, err = tls.Dial("tcp", addr, clientConfig(t, dir, true))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The leaf and ca.pem's root, as the automatic chain of sslstream and
	// openssl sends them.
	if peer := c.ConnectionState().PeerCertificates; len(peer) != 2 || peer[1].Subject.CommonName != "Load Root CA" {
		t.Errorf("the server sent %d certificates, want the leaf and the root", len(peer))
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 4)
	if _, err := io.ReadFull(c, got); err != nil || string(got) != "ping" {
		t.Errorf("echo %q, %v", got, err)
	}
}

// TestServerDropsSlowHandshake: a client that sends nothing is closed
// after HandshakeTimeout.
func TestServerDropsSlowHandshake(t *testing.T) {
	t.Parallel()
	dir := testPKI(t)
	cfg, err := NewConfig(dir, "server", false)
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, &Server{TLS: cfg, HandshakeTimeout: 50 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if n, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("a silent client got %d bytes and %v, want the server to close (EOF)", n, err)
	}
}

// TestServeClosesOpenConnections: cancelling Serve's context closes the
// connections it holds and Serve returns.
func TestServeClosesOpenConnections(t *testing.T) {
	t.Parallel()
	dir := testPKI(t)
	cfg, err := NewConfig(dir, "server", false)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { (&Server{TLS: cfg, Small: true}).Serve(ctx, ln); close(done) }()
	c, err := tls.Dial("tcp", ln.Addr().String(), clientConfig(t, dir, false))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("the connection is still open after Serve returned")
	}
}

// TestNewConfigNamesWhatIsMissing: a missing certificate or CA file is an
// error naming it.
func TestNewConfigNamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	if _, err := NewConfig(empty, "server", false); err == nil || !strings.Contains(err.Error(), "server.pem") {
		t.Errorf("no certificate: %v", err)
	}
	dir := testPKI(t)
	tmp := t.TempDir()
	for _, f := range []string{"server.pem", "server.key"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := NewConfig(tmp, "server", true); err == nil || !strings.Contains(err.Error(), "ca.pem") {
		t.Errorf("no ca.pem: %v", err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "ca.pem"), []byte("not PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := NewConfig(tmp, "server", true); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("ca.pem without a certificate: %v", err)
	}
}
