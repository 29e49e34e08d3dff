package sslstream

import (
	"bufio"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/testproc"
)

func TestRenegotiationSetting(t *testing.T) {
	t.Parallel()
	var s Settings
	for in, want := range map[string]Renegotiation{"never": RenegotiateNever, "": RenegotiateNever, "once": RenegotiateOnce, "Freely": RenegotiateFreely} {
		if err := s.Set("renegotiation", in); err != nil || s.Renegotiation != want {
			t.Errorf("renegotiation %q: %v %v", in, s.Renegotiation, err)
		}
	}
	if err := s.Set("renegotiation", "always"); err == nil || !strings.Contains(err.Error(), "never, once, freely") {
		t.Errorf("bad value: %v", err)
	}
	var o Overrides
	if err := o.Set("renegotiation", "once"); err != nil || o.Renegotiation == nil || *o.Renegotiation != RenegotiateOnce {
		t.Errorf("override: %v", err)
	}
	p := pki(t)
	ss := p.serverSettings()
	ss.Renegotiation = RenegotiateOnce
	if _, err := NewServerContext(ss); err == nil || !strings.Contains(err.Error(), "renegotiation") {
		t.Errorf("server with renegotiation once: %v", err)
	}
	if _, err := NewClientContext(Settings{Renegotiation: 7}); err == nil {
		t.Error("renegotiation 7 accepted")
	}
}

// openssl s_server -tls1_2 asks for a client certificate by renegotiating
// when told "R" on its input: a client under renegotiation once follows
// and the session goes on; under never the session ends.
func TestRenegotiationAgainstOpenSSLServer(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	for _, mode := range []Renegotiation{RenegotiateOnce, RenegotiateNever} {
		srv := startSServer(t, "-tls1_2", "-cert", p.serverCert, "-cert_chain", p.interAsCAFile, "-key", p.serverKey, "-naccept", "1")
		cctx, err := NewClientContext(Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired,
			Certificate: p.clientCert, Key: p.clientKey})
		if err != nil {
			t.Fatal(err)
		}
		conn, err := net.Dial("tcp", srv.addr)
		if err != nil {
			t.Fatal(err)
		}
		m := mode
		c, err := cctx.Client(conn, &Overrides{Renegotiation: &m})
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(15 * time.Second))
		if err := c.Handshake(); err != nil {
			t.Fatal(err)
		}
		if c.Renegotiated() {
			t.Error("Renegotiated() before any renegotiation")
		}
		if _, err := io.WriteString(c, "before\n"); err != nil {
			t.Fatal(err)
		}
		if err := c.Flush(); err != nil {
			t.Fatal(err)
		}
		if out := srv.output("before"); !strings.Contains(out, "before") {
			t.Fatalf("s_server did not get our data:\n%s", out)
		}
		lines := make(chan string, 4)
		errs := make(chan error, 1)
		go func() {
			r := bufio.NewReader(c)
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					errs <- err
					return
				}
				lines <- l
			}
		}()
		io.WriteString(srv.out.Stdin(), "R\n")
		if mode == RenegotiateNever {
			select {
			case err := <-errs:
				if !strings.Contains(err.Error(), "renegotiation") {
					t.Errorf("never: read error %v, want one about renegotiation", err)
				}
			case l := <-lines:
				t.Errorf("never: read %q, want the session to end", l)
			case <-time.After(10 * time.Second):
				t.Error("never: the session survived the server's renegotiation")
			}
			c.Close()
			continue
		}
		out := srv.output("SSL_do_handshake -> 1")
		if !strings.Contains(out, "SSL_do_handshake -> 1") || !strings.Contains(out, "CN = client.example") {
			t.Fatalf("once: s_server did not renegotiate and get our certificate:\n%s", out)
		}
		io.WriteString(srv.out.Stdin(), "after\n")
		select {
		case l := <-lines:
			if l != "after\n" {
				t.Errorf("once: read %q", l)
			}
		case err := <-errs:
			t.Fatalf("once: session ended: %v\n%s", err, srv.out)
		case <-time.After(10 * time.Second):
			t.Fatal("once: no data after the renegotiation")
		}
		if !c.Renegotiated() {
			t.Error("once: Renegotiated() = false after the renegotiation")
		}
		if code, _ := c.VerifyResult(); code != 0 {
			t.Errorf("once: verify result %d after the renegotiation", code)
		}
		c.Close()
		<-errs
	}
}

// Our server refuses an OpenSSL client's renegotiation (s_client's "R").
func TestServerRefusesClientRenegotiation(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	sctx, err := NewServerContext(p.serverSettings())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		s, _ := sctx.Server(conn, nil)
		defer s.Close()
		s.SetDeadline(time.Now().Add(10 * time.Second))
		_, err = io.Copy(s, s)
		done <- err
	}()
	defer ln.Close()
	// s_client renegotiates on a read of stdin that is "R\n" alone.
	sc := testproc.Start(t, exec.Command("openssl", "s_client", "-connect", ln.Addr().String(), "-tls1_2", "-CAfile", p.caFile), []byte("hi\n"), false)
	if !sc.WaitForText("hi\n", 10*time.Second) {
		t.Fatalf("no echo:\n%s", sc)
	}
	io.WriteString(sc.Stdin(), "R\n")
	err = <-done
	sc.Stdin().Close()
	sc.Wait(10 * time.Second)
	out := sc.Output.String()
	if !strings.Contains(out, "RENEGOTIATING") || !strings.Contains(out, "alert unexpected message") {
		t.Errorf("s_client's renegotiation was not refused with unexpected_message:\n%s", out)
	}
	if err == nil || !strings.Contains(err.Error(), "unexpected message") {
		t.Errorf("server: %v, want the refused renegotiation", err)
	}
}
