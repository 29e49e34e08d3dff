package sslstream

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestListenAndDial: a ServerContext's Listener hands out server streams
// with the listener's overrides, and ClientContext.Dial returns a client
// stream whose handshake is done and whose certificate was checked against
// the host of the address (as tls.Dial does).
func TestListenAndDial(t *testing.T) {
	t.Parallel()
	p := pki(t)
	sctx, err := NewServerContext(p.serverSettings())
	if err != nil {
		t.Fatal(err)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := sctx.NewListener(inner, &Overrides{Method: "tlsv1.2"})
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		line, err := bufio.NewReader(c).ReadString('\n')
		if err == nil {
			_, err = io.WriteString(c, strings.ToUpper(line))
		}
		if err == nil {
			err = c.(*Stream).Flush()
		}
		done <- err
	}()
	cctx, err := NewClientContext(Settings{CAFile: p.caFile, Verify: VerifyRequired})
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	s, err := cctx.DialContext(context.Background(), "tcp", net.JoinHostPort("localhost", port))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if cs := s.ConnectionState(); !cs.HandshakeComplete || cs.Version != 0x0303 {
		t.Errorf("after Dial: handshake complete %v, version %x; want a done TLS 1.2 handshake (the listener's override)", cs.HandshakeComplete, cs.Version)
	}
	if got := s.CipherName(); got != "ECDHE-ECDSA-AES256-GCM-SHA384" && !strings.HasPrefix(got, "ECDHE-ECDSA-") {
		t.Errorf("CipherName() = %q, want OpenSSL's name of an ECDHE-ECDSA suite", got)
	}
	if s.NetConn() == nil || s.NetConn().RemoteAddr().String() != s.RemoteAddr().String() {
		t.Errorf("NetConn() = %v, want the wrapped connection", s.NetConn())
	}
	io.WriteString(s, "hello\n")
	line, err := bufio.NewReader(s).ReadString('\n')
	if err != nil || line != "HELLO\n" {
		t.Errorf("echo: %q, %v", line, err)
	}
	if err := <-done; err != nil {
		t.Errorf("server: %v", err)
	}

	// The host of the address is checked: an IP not in the certificate
	// fails with 64, a name not in it with 62.
	for _, tc := range []struct {
		host string
		code int
	}{{"127.0.0.2", 64}, {"wrong.example", 62}} {
		go func() {
			c, err := ln.Accept()
			if err == nil {
				c.(*Stream).Handshake()
				c.Close()
			}
		}()
		c2, err := NewClientContext(Settings{CAFile: p.caFile, Verify: VerifyRequired, ServerName: tc.host})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, err = c2.DialContext(ctx, "tcp", ln.Addr().String())
		cancel()
		var e *Error
		if !errors.As(err, &e) || e.VerifyResult != tc.code {
			t.Errorf("Dial with server-name %s: %v, want an *Error with verify result %d", tc.host, err, tc.code)
		}
	}
}

// TestUseAfterClose: Read and Flush after Close return net.ErrClosed, like
// Write, without running a handshake.
func TestUseAfterClose(t *testing.T) {
	t.Parallel()
	for _, server := range []bool{false, true} {
		c, peer := net.Pipe()
		defer peer.Close()
		var s *Stream
		var err error
		if server {
			s, err = Server(c, pki(t).serverSettings())
		} else {
			s, err = Client(c, Settings{})
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
			t.Errorf("server=%v: Read after Close: %v, want net.ErrClosed", server, err)
		}
		if err := s.Flush(); !errors.Is(err, net.ErrClosed) {
			t.Errorf("server=%v: Flush after Close: %v, want net.ErrClosed", server, err)
		}
		if _, err := s.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
			t.Errorf("server=%v: Write after Close: %v, want net.ErrClosed", server, err)
		}
		if s.CipherName() != "" {
			t.Errorf("CipherName before any handshake = %q", s.CipherName())
		}
	}
}
