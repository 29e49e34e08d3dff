package sslstream

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testnet"
)

// writeAtomic replaces path's content in one rename.
func writeAtomic(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Error(err)
		return
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Error(err)
	}
}

// reloadServer accepts connections for sctx until the test ends: each is
// handshaken, one byte echoed, closed.
func reloadServer(t *testing.T, sctx *ServerContext) string {
	t.Helper()
	return testnet.Serve(t, func(conn net.Conn) {
		s, err := sctx.Server(conn, nil)
		if err != nil {
			conn.Close()
			return
		}
		defer s.Close()
		// Long enough for TestReloadUnderLoad's early connection, which
		// waits through all the reloads (seconds on a loaded machine)
		// before it sends its byte.
		s.SetDeadline(time.Now().Add(2 * time.Minute))
		buf := make([]byte, 1)
		if _, err := io.ReadFull(s, buf); err == nil {
			s.Write(buf)
			s.Flush()
		}
	})
}

// ping makes one connection and returns the server certificate's CN.
func ping(cctx *ClientContext, addr string) (string, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	c, err := cctx.Client(conn, nil)
	if err != nil {
		conn.Close()
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte{'x'}); err != nil {
		return "", err
	}
	buf := make([]byte, 1)
	if _, err := io.ReadFull(c, buf); err != nil {
		return "", err
	}
	pc, err := c.PeerCertificate()
	if err != nil || pc == nil {
		return "", fmt.Errorf("no peer certificate: %v", err)
	}
	return pc.X509().Subject.CommonName, nil
}

type certPair struct{ cert, key []byte }

func leafPair(t *testing.T, p *pkiFiles, cn string) certPair {
	t.Helper()
	l, err := p.inter.Leaf(cn, minipki.DNS("localhost"), minipki.IP("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	return certPair{l.ChainPEM(), l.KeyPEM()}
}

func TestReloadUnderLoad(t *testing.T) {
	t.Parallel()
	p := pki(t)
	a, b := leafPair(t, p, "server A"), leafPair(t, p, "server B")
	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeAtomic(t, certPath, a.cert)
	writeAtomic(t, keyPath, a.key)
	sctx, err := NewServerContext(Settings{Certificate: certPath, Key: keyPath})
	if err != nil {
		t.Fatal(err)
	}
	cctx, err := NewClientContext(Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired})
	if err != nil {
		t.Fatal(err)
	}
	addr := reloadServer(t, sctx)

	// An established connection made before any reload.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	early, err := cctx.Client(conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer early.Close()
	early.SetDeadline(time.Now().Add(20 * time.Second))
	if err := early.Handshake(); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var ok, failed atomic.Int64
	var seenA, seenB atomic.Int64
	var firstErr atomic.Pointer[error]
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				cn, err := ping(cctx, addr)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, &err)
					continue
				}
				ok.Add(1)
				switch cn {
				case "server A":
					seenA.Add(1)
				case "server B":
					seenB.Add(1)
				}
			}
		}()
	}
	var reloads, rejected int
	for i := 0; i < 20; i++ {
		time.Sleep(100 * time.Millisecond)
		next := a
		if i%2 == 0 {
			next = b
		}
		if i == 9 {
			// A broken certificate file: rejected, the last good one stays.
			writeAtomic(t, certPath, []byte("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"))
			err := sctx.Reload()
			if err == nil || !strings.Contains(err.Error(), certPath) {
				t.Errorf("reload of a broken certificate: %v, want an error naming %s", err, certPath)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("reload error %T is not an *Error inside", err)
			}
			rejected++
			continue
		}
		// Key first then certificate: in between, the pair does not
		// match and a reload would be rejected; we reload after both.
		writeAtomic(t, keyPath, next.key)
		writeAtomic(t, certPath, next.cert)
		if err := sctx.Reload(); err != nil {
			t.Errorf("reload %d: %v", i, err)
		}
		reloads++
	}
	cancel()
	wg.Wait()
	t.Logf("%d handshakes succeeded (%d with certificate A, %d with B), %d failed; %d reloads, %d rejected; generation %d",
		ok.Load(), seenA.Load(), seenB.Load(), failed.Load(), reloads, rejected, sctx.Generation())
	if failed.Load() != 0 {
		t.Errorf("%d handshakes failed during reloads; first: %v", failed.Load(), *firstErr.Load())
	}
	if seenA.Load() == 0 || seenB.Load() == 0 || ok.Load() < 20 {
		t.Errorf("too few handshakes or one certificate never served: A %d, B %d", seenA.Load(), seenB.Load())
	}
	if sctx.Generation() != uint64(reloads) {
		t.Errorf("generation %d after %d successful reloads", sctx.Generation(), reloads)
	}
	// The established connection still works, with the first certificate.
	if _, err := early.Write([]byte{'y'}); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1)
	if _, err := io.ReadFull(early, buf); err != nil || buf[0] != 'y' {
		t.Fatalf("established connection after reloads: %q %v", buf, err)
	}
	if pc, _ := early.PeerCertificate(); pc.X509().Subject.CommonName != "server A" {
		t.Errorf("established connection's certificate changed to %s", pc)
	}
}

func TestWatchReloadsOnChange(t *testing.T) {
	t.Parallel()
	p := pki(t)
	a, b := leafPair(t, p, "watch A"), leafPair(t, p, "watch B")
	dir := t.TempDir()
	combo := filepath.Join(dir, "server.pem")
	writeAtomic(t, combo, append(append([]byte(nil), a.cert...), a.key...))
	sctx, err := NewServerContext(Settings{Certificate: combo})
	if err != nil {
		t.Fatal(err)
	}
	cctx, err := NewClientContext(Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired})
	if err != nil {
		t.Fatal(err)
	}
	addr := reloadServer(t, sctx)
	reloaded := make(chan []string, 10)
	errs := make(chan error, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- sctx.Watch(ctx, WatchOptions{Interval: 20 * time.Millisecond,
			OnReload: func(c []string) { reloaded <- c },
			OnError:  func(err error) { errs <- err }})
	}()
	defer func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Watch returned %v", err)
		}
	}()
	time.Sleep(50 * time.Millisecond)
	writeAtomic(t, combo, append(append([]byte(nil), b.cert...), b.key...))
	select {
	case c := <-reloaded:
		if len(c) != 1 || c[0] != combo {
			t.Errorf("changed files %v", c)
		}
	case err := <-errs:
		t.Fatalf("watch error: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("no reload within 5s of the change")
	}
	if cn, err := ping(cctx, addr); err != nil || cn != "watch B" {
		t.Errorf("after the change: %q %v, want watch B", cn, err)
	}
	writeAtomic(t, combo, []byte("garbage"))
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), "previous configuration stays") {
			t.Errorf("watch error %v", err)
		}
	case <-reloaded:
		t.Fatal("a garbage certificate was loaded")
	case <-time.After(5 * time.Second):
		t.Fatal("no error within 5s of the broken file")
	}
	if cn, err := ping(cctx, addr); err != nil || cn != "watch B" {
		t.Errorf("after a broken file: %q %v, want the last good watch B", cn, err)
	}
}

func TestClientContextUpdate(t *testing.T) {
	t.Parallel()
	p := pki(t)
	sctx, err := NewServerContext(p.serverSettings())
	if err != nil {
		t.Fatal(err)
	}
	addr := reloadServer(t, sctx)
	cs := Settings{CAFile: p.otherCAFile, ServerName: "localhost", Verify: VerifyRequired}
	cctx, err := NewClientContext(cs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ping(cctx, addr); err == nil {
		t.Fatal("unknown CA accepted")
	}
	bad := cs
	bad.CAFile = filepath.Join(t.TempDir(), "missing.pem")
	if err := cctx.Update(bad); err == nil || !strings.Contains(err.Error(), "missing.pem") {
		t.Errorf("update with a missing CA file: %v", err)
	}
	if got := cctx.Settings().CAFile; got != p.otherCAFile {
		t.Errorf("failed update changed the settings to %s", got)
	}
	cs.CAFile = p.caFile
	if err := cctx.Update(cs); err != nil {
		t.Fatal(err)
	}
	if _, err := ping(cctx, addr); err != nil {
		t.Errorf("after updating the CA file: %v", err)
	}
	if err := cctx.Reload(); err != nil || cctx.Generation() != 2 {
		t.Errorf("reload: %v, generation %d", err, cctx.Generation())
	}
}

// ServerContext.TLSConfig (for net/http and others) follows reloads: the
// configuration is chosen per ClientHello.
func TestTLSConfigFollowsReload(t *testing.T) {
	t.Parallel()
	p := pki(t)
	a, b := leafPair(t, p, "export A"), leafPair(t, p, "export B")
	combo := filepath.Join(t.TempDir(), "server.pem")
	writeAtomic(t, combo, append(append([]byte(nil), a.cert...), a.key...))
	sctx, err := NewServerContext(Settings{Certificate: combo})
	if err != nil {
		t.Fatal(err)
	}
	cfg := sctx.TLSConfig()
	cctx, err := NewClientContext(Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired})
	if err != nil {
		t.Fatal(err)
	}
	serve := func() string {
		cc, sc := connPair(t, "tcp")
		c, err := cctx.Client(cc, nil)
		if err != nil {
			t.Fatal(err)
		}
		s := tls.Server(sc, cfg)
		cerr, serr := both(t, c.Handshake, s.Handshake)
		if cerr != nil || serr != nil {
			t.Fatal(cerr, serr)
		}
		pc, _ := c.PeerCertificate()
		return pc.X509().Subject.CommonName
	}
	if cn := serve(); cn != "export A" {
		t.Fatalf("before reload: %s", cn)
	}
	writeAtomic(t, combo, append(append([]byte(nil), b.cert...), b.key...))
	if err := sctx.Reload(); err != nil {
		t.Fatal(err)
	}
	if cn := serve(); cn != "export B" {
		t.Errorf("the exported config still serves %s after a reload", cn)
	}
}

// Watch sees a CA directory change: a CA linked into the directory later
// is trusted after the reload.
func TestWatchCADirectory(t *testing.T) {
	t.Parallel()
	p := pki(t)
	dir := t.TempDir()
	cctx, err := NewClientContext(Settings{CADirectory: dir, ServerName: "localhost", Verify: VerifyRequired})
	if err != nil {
		t.Fatal(err)
	}
	sctx, err := NewServerContext(p.serverSettings())
	if err != nil {
		t.Fatal(err)
	}
	addr := reloadServer(t, sctx)
	if _, err := ping(cctx, addr); err == nil {
		t.Fatal("empty CA directory trusted the server")
	}
	ctx, cancel := context.WithCancel(context.Background())
	reloaded := make(chan []string, 1)
	done := make(chan error, 1)
	go func() {
		done <- cctx.Watch(ctx, WatchOptions{Interval: 20 * time.Millisecond, OnReload: func(c []string) {
			// A write may be seen as more than one change: never block the
			// watcher, or the deferred cancel waits for it forever.
			select {
			case reloaded <- c:
			default:
			}
		}})
	}()
	defer func() { cancel(); <-done }()
	time.Sleep(50 * time.Millisecond)
	h, err := subjectHash(p.root.Cert.RawSubject)
	if err != nil {
		t.Fatal(err)
	}
	writeAtomic(t, filepath.Join(dir, h+".0"), p.root.CertPEM())
	select {
	case c := <-reloaded:
		t.Logf("changed: %v", c)
	case <-time.After(5 * time.Second):
		t.Fatal("CA directory change not picked up within 5s")
	}
	if _, err := ping(cctx, addr); err != nil {
		t.Errorf("after adding the root to the CA directory: %v", err)
	}
}
