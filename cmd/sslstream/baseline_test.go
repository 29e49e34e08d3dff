//go:build sslstream_baseline

package main

import (
	"context"
	"crypto/tls"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/plainserver"
	"github.com/sslstream/sslstream/internal/testproc"
)

// TestBaselineServer: the tagged build's baseline-server serves a PKI
// that serverload pki would write, requires the client certificate with
// --verify, echoes, and ends with exit 0 when its context is cancelled.
func TestBaselineServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := plainserver.WritePKI(dir); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testproc.Buffer
	e := &env{ctx: ctx, stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
	done := make(chan int, 1)
	go func() {
		done <- run(e, []string{"baseline-server", "--dir", dir, "--cert", "server-rsa", "--verify"})
	}()
	re := regexp.MustCompile(`Listening on (\S+)`)
	var addr string
	for deadline := time.Now().Add(10 * time.Second); addr == ""; {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("baseline-server did not start:\n%s", stderr.String())
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	roots, err := plainserver.LoadRoots(dir)
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{RootCAs: roots, ServerName: "localhost", Certificates: []tls.Certificate{pair}}
	c, err := tls.Dial("tcp", addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := pingEcho(c, 10*time.Second); err != nil {
		t.Error(err)
	}
	if cs := c.ConnectionState(); len(cs.PeerCertificates) == 0 || cs.PeerCertificates[0].PublicKeyAlgorithm.String() != "RSA" {
		t.Errorf("--cert server-rsa: the server presented %v", cs.PeerCertificates)
	}
	c.Close()
	cfg.Certificates = nil
	if c, err := tls.Dial("tcp", addr, cfg); err == nil {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Error("--verify: a client without a certificate was served")
		}
		c.Close()
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d, want 0\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("baseline-server did not stop when its context was cancelled")
	}
}
