package sslstream

import (
	"errors"
	"net"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// failingWrites is a connection whose writes fail once broken is set, as
// a socket's do after the peer reset it.
type failingWrites struct {
	net.Conn
	broken atomic.Bool
}

func (c *failingWrites) Write(p []byte) (int, error) {
	if c.broken.Load() {
		return 0, &net.OpError{Op: "write", Net: "tcp", Err: syscall.EPIPE}
	}
	return c.Conn.Write(p)
}

// TestReadAfterFailedFlushReturnsThePeersAlert: TLS 1.3 lets the client
// finish its handshake before the server judges its certificate. When the
// server then refuses it, the client's buffered data cannot be sent; the
// first Read reports that, and the next one the server's alert, which says
// why (as SSL_read does after a failed SSL_write). Writes fail from then on.
func TestReadAfterFailedFlushReturnsThePeersAlert(t *testing.T) {
	t.Parallel()
	p := pki(t)
	cc, sc := connPair(t, "tcp")
	fc := &failingWrites{Conn: cc}
	srvDone := make(chan error, 1)
	go func() {
		s, err := Server(sc, Settings{Certificate: p.serverCert, Key: p.serverKey, CAFile: p.caFile, Verify: VerifyRequired})
		if err != nil {
			srvDone <- err
			return
		}
		s.SetDeadline(time.Now().Add(10 * time.Second))
		srvDone <- s.Handshake() // fails: no client certificate; sends the alert
		s.Close()
	}()
	c, err := Client(fc, Settings{Method: "tlsv1.3", CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if err := c.Handshake(); err != nil {
		t.Fatalf("client handshake: %v", err)
	}
	if err := <-srvDone; err == nil {
		t.Fatal("the server accepted a client without a certificate")
	}
	fc.broken.Store(true)
	if n, err := c.Write([]byte("request\n")); n != 8 || err != nil {
		t.Fatalf("buffered write: %d, %v", n, err)
	}
	_, err = c.Read(make([]byte, 16))
	if !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("first read: %v, want the failed flush (EPIPE)", err)
	}
	_, err = c.Read(make([]byte, 16))
	var e *Error
	if !errors.As(err, &e) || !e.HasCode(CodeTLSv13AlertCertificateRequired) {
		t.Fatalf("second read: %v, want the server's alert: tlsv13 alert certificate required (0A00045C)", err)
	}
	if _, err := c.Write([]byte("more")); !errors.Is(err, syscall.EPIPE) {
		t.Errorf("write after the failure: %v, want the first write error again", err)
	}
	if err := c.Flush(); !errors.Is(err, syscall.EPIPE) {
		t.Errorf("flush after the failure: %v, want the first write error again", err)
	}
}
