package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/testnet"
	"github.com/sslstream/sslstream/internal/testproc"
)

// TestServerInProcess runs `sslstream server --echo` inside the test process
// (so that go test -race sees its goroutines), serves several clients at
// once, then stops it by cancelling its context as SIGTERM would. --trace
// and --reload-interval run along (the goroutine leak check in TestMain
// sees a watcher that outlives the server).
func TestServerInProcess(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr, stdout testproc.Buffer
	e := &env{ctx: ctx, stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
	done := make(chan int, 1)
	go func() {
		done <- run(e, []string{"server", "--listen", "127.0.0.1:0", "--certificate", p.path("server-all.pem"),
			"--verify", "optional", "--ca-file", p.path("client-ca.pem"), "--echo",
			// The trace writes to stderr from every handshake, concurrently
			// with the connection lines; the watcher must end with the server.
			"--trace", "--reload-interval", "20ms"})
	}()
	var addr string
	re := regexp.MustCompile(`Listening on (\S+)`)
	deadline := time.Now().Add(10 * time.Second)
	for addr == "" {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", stderr.String())
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	caPEM, err := os.ReadFile(p.path("ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	clientCert, err := tls.LoadX509KeyPair(p.path("client.pem"), p.path("client.key"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cfg := &tls.Config{RootCAs: roots, ServerName: "server.example"}
			if i%2 == 0 {
				cfg.Certificates = []tls.Certificate{clientCert}
			}
			c, err := tls.Dial("tcp", addr, cfg)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			msg := fmt.Sprintf("client %d says hello", i)
			if _, err := io.WriteString(c, msg); err != nil {
				errs <- err
				return
			}
			buf := make([]byte, len(msg))
			if _, err := io.ReadFull(c, buf); err != nil || string(buf) != msg {
				errs <- fmt.Errorf("client %d: echo %q, %v", i, buf, err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// One more client left open: the stop must close it.
	open, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: roots, ServerName: "server.example"})
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	for strings.Count(stderr.String(), "Connection from") < 9 {
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatalf("server did not log 9 connections:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("server exit %d:\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("server did not stop:\n%s", stderr.String())
	}
	out := stderr.String()
	if n := strings.Count(out, "Client certificate subject: CN = client.example, Verify return code: 0 (ok)"); n != 4 {
		t.Errorf("%d summary lines with the client certificate, want 4:\n%s", n, out)
	}
	if n := strings.Count(out, "Client certificate subject: (none)"); n != 5 {
		t.Errorf("%d summary lines without a client certificate, want 5:\n%s", n, out)
	}
	wantContains(t, "server log", out, "Stopping")
	if n := strings.Count(out, `msg="tls handshake done" role=server`); n != 9 {
		t.Errorf("%d trace records of a finished handshake, want 9:\n%s", n, out)
	}
	// The open connection got close_notify: reading it ends with EOF.
	open.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := open.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("read from a connection the server closed: %v, want EOF", err)
	}
}

// TestClientReportsAlertAfterHandshake: under TLS 1.3 a server refuses a
// client certificate after the client's handshake has completed, with an
// alert and a close. The client must report that alert and exit 1 (as
// s_client does), also when its write to the closed connection fails first
// (connection reset, broken pipe): that used to end the session silently
// with exit 0, the alert left unread. The summary line is held back until
// the server has gone, so that the client's copying starts with both the
// alert and the reset waiting; which one of its goroutines sees its error
// first is then a coin toss, hence several runs.
func TestClientReportsAlertAfterHandshake(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	cert, err := tls.LoadX509KeyPair(p.path("server.pem"), p.path("server.key"))
	if err != nil {
		t.Fatal(err)
	}
	gone := make(chan struct{}, 1)
	addr := testnet.Serve(t, func(c net.Conn) {
		defer func() {
			select {
			case gone <- struct{}{}:
			default: // a run that did not wait has failed already
			}
		}()
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		s := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAnyClientCert,
			MinVersion: tls.VersionTLS13,
			VerifyPeerCertificate: func([][]byte, [][]*x509.Certificate) error {
				return errors.New("not this client")
			}})
		if s.Handshake() == nil {
			t.Error("the server accepted the client")
		}
		// Reset rather than FIN: the client's next write fails at once.
		c.(*net.TCPConn).SetLinger(0)
	})
	for i := 0; i < 20; i++ {
		var stdout, stderr testproc.Buffer
		e := &env{ctx: context.Background(), stdin: strings.NewReader("some data the server will never read\n"),
			stdout: &stdout, stderr: &heldWriter{w: &stderr, until: gone}}
		code := run(e, []string{"client", addr, "--certificate", p.path("client.pem"), "--key", p.path("client.key"),
			"--ca-file", p.path("ca.pem"), "--verify", "required", "--server-name", "server.example"})
		if code != exitError || !strings.Contains(stderr.String(), "SSL routines::sslv3 alert bad certificate") {
			t.Fatalf("run %d: exit %d, want 1 with the server's alert on stderr:\n%s", i, code, stderr.String())
		}
	}
}

// heldWriter holds its first write back until a value arrives on until,
// then a little longer for the network to deliver what came with it.
type heldWriter struct {
	w     io.Writer
	until chan struct{}
	once  sync.Once
}

// Write waits the first time, then writes to w.
func (h *heldWriter) Write(p []byte) (int, error) {
	h.once.Do(func() {
		select {
		case <-h.until:
			time.Sleep(50 * time.Millisecond)
		case <-time.After(10 * time.Second):
		}
	})
	return h.w.Write(p)
}
