package main

import (
	"bufio"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
)

// fakeStartTLSServer accepts one connection, runs script on the plaintext
// side, and when script says so, upgrades to TLS and echoes until the client
// closes. It returns the address.
func fakeStartTLSServer(t *testing.T, script func(c net.Conn, r *bufio.Reader) (upgrade bool, err error)) string {
	t.Helper()
	p := getNetPKI(t)
	cert, err := tls.LoadX509KeyPair(p.path("server.pem"), p.path("server.key"))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		defer ln.Close()
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		up, err := script(c, r)
		if err != nil || !up {
			done <- err
			return
		}
		if r.Buffered() > 0 {
			done <- fmt.Errorf("client sent %d bytes before the TLS handshake", r.Buffered())
			return
		}
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}})
		_, err = io.Copy(tc, tc)
		tc.Close()
		done <- err
	}()
	t.Cleanup(func() {
		ln.Close()
		if err := <-done; err != nil {
			t.Errorf("fake server: %v", err)
		}
	})
	return ln.Addr().String()
}

func expectLine(r *bufio.Reader, want string) error {
	line, err := r.ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading %q: %w", want, err)
	}
	if !strings.HasPrefix(strings.ToUpper(line), strings.ToUpper(want)) {
		return fmt.Errorf("got %q, want %q", line, want)
	}
	return nil
}

func TestClientStartTLS(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	scripts := map[string]func(c net.Conn, r *bufio.Reader) (bool, error){
		"smtp": func(c net.Conn, r *bufio.Reader) (bool, error) {
			io.WriteString(c, "220-mail.example ESMTP\r\n220 ready\r\n")
			if err := expectLine(r, "EHLO "); err != nil {
				return false, err
			}
			io.WriteString(c, "250-mail.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
			if err := expectLine(r, "STARTTLS"); err != nil {
				return false, err
			}
			io.WriteString(c, "220 go ahead\r\n")
			return true, nil
		},
		"imap": func(c net.Conn, r *bufio.Reader) (bool, error) {
			io.WriteString(c, "* OK IMAP4rev1 ready\r\n")
			line, err := r.ReadString('\n')
			if err != nil {
				return false, err
			}
			tag, _, _ := strings.Cut(line, " ")
			io.WriteString(c, "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n"+tag+" OK done\r\n")
			line, err = r.ReadString('\n')
			if err != nil {
				return false, err
			}
			tag, cmd, _ := strings.Cut(strings.TrimSpace(line), " ")
			if cmd != "STARTTLS" {
				return false, fmt.Errorf("got %q", line)
			}
			io.WriteString(c, tag+" OK Begin TLS negotiation now\r\n")
			return true, nil
		},
		"ftp": func(c net.Conn, r *bufio.Reader) (bool, error) {
			io.WriteString(c, "220 FTP ready\r\n")
			if err := expectLine(r, "AUTH TLS"); err != nil {
				return false, err
			}
			io.WriteString(c, "234 AUTH TLS OK\r\n")
			return true, nil
		},
		"postgres": func(c net.Conn, r *bufio.Reader) (bool, error) {
			var msg [8]byte
			if _, err := io.ReadFull(r, msg[:]); err != nil {
				return false, err
			}
			if binary.BigEndian.Uint32(msg[:4]) != 8 || binary.BigEndian.Uint32(msg[4:]) != 80877103 {
				return false, fmt.Errorf("not an SSLRequest: %x", msg)
			}
			c.Write([]byte{'S'})
			return true, nil
		},
	}
	for proto, script := range scripts {
		addr := fakeStartTLSServer(t, script)
		r := sslstreamIn(t, p.dir, strings.NewReader("ping over "+proto), "client", addr, "--starttls", proto,
			"--ca-file", "ca.pem", "--verify", "required", "--server-name", "server.example")
		wantCode(t, r, 0)
		if r.stdout != "ping over "+proto {
			t.Errorf("%s: stdout %q", proto, r.stdout)
		}
		wantSummary(t, r, map[string]string{"Verify return code": "0 (ok)"})
	}
}

func TestClientStartTLSRefused(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	for _, tc := range []struct {
		proto  string
		script func(c net.Conn, r *bufio.Reader) (bool, error)
		want   string
	}{
		{"smtp", func(c net.Conn, r *bufio.Reader) (bool, error) {
			io.WriteString(c, "220 ready\r\n")
			if err := expectLine(r, "EHLO"); err != nil {
				return false, err
			}
			io.WriteString(c, "250-mail.example\r\n250 PIPELINING\r\n")
			return false, nil
		}, "does not offer STARTTLS"},
		{"smtp", func(c net.Conn, r *bufio.Reader) (bool, error) {
			io.WriteString(c, "554 go away\r\n")
			return false, nil
		}, "554 go away"},
		{"postgres", func(c net.Conn, r *bufio.Reader) (bool, error) {
			var msg [8]byte
			if _, err := io.ReadFull(r, msg[:]); err != nil {
				return false, err
			}
			c.Write([]byte{'N'})
			return false, nil
		}, "does not accept SSL"},
		{"ftp", func(c net.Conn, r *bufio.Reader) (bool, error) {
			io.WriteString(c, "220 FTP ready\r\n")
			if err := expectLine(r, "AUTH TLS"); err != nil {
				return false, err
			}
			io.WriteString(c, "500 no\r\n")
			return false, nil
		}, "500 no"},
		{"imap", func(c net.Conn, r *bufio.Reader) (bool, error) {
			io.WriteString(c, "* BYE busy\r\n")
			return false, nil
		}, "BYE"},
	} {
		addr := fakeStartTLSServer(t, tc.script)
		r := sslstreamIn(t, p.dir, nil, "client", addr, "--starttls", tc.proto)
		wantCode(t, r, 1)
		wantContains(t, tc.proto, r.stderr, "starttls "+tc.proto)
		wantContains(t, tc.proto, r.stderr, tc.want)
	}
}

// TestClientStartTLSOpenSSLSpelling: s_client -starttls xmpp -xmpphost
// NAME reaches the library's dialogue with the name, and lmtp's LHLO
// carries -name.
func TestClientStartTLSOpenSSLSpelling(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	xmpp := fakeStartTLSServer(t, func(c net.Conn, r *bufio.Reader) (bool, error) {
		hdr, err := r.ReadString('>')
		if err != nil {
			return false, err
		}
		if !strings.Contains(hdr, "xmlns='jabber:client' to='chat.example'") {
			return false, fmt.Errorf("stream header %q", hdr)
		}
		io.WriteString(c, "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0' xmlns='jabber:client'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>")
		if _, err := r.ReadString('>'); err != nil {
			return false, err
		}
		io.WriteString(c, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
		return true, nil
	})
	r := sslstreamIn(t, p.dir, strings.NewReader("ping over xmpp"), "s_client", "-connect", xmpp, "-starttls", "xmpp", "-xmpphost", "chat.example",
		"-CAfile", "ca.pem", "-verify_return_error", "-servername", "server.example", "-quiet", "-no_ign_eof")
	wantCode(t, r, 0)
	if r.stdout != "ping over xmpp" {
		t.Errorf("xmpp: stdout %q\n%s", r.stdout, r)
	}
	lmtp := fakeStartTLSServer(t, func(c net.Conn, r *bufio.Reader) (bool, error) {
		io.WriteString(c, "220 lmtp.example LMTP ready\r\n")
		if err := expectLine(r, "LHLO client.example\r\n"); err != nil {
			return false, err
		}
		io.WriteString(c, "250-lmtp.example\r\n250 STARTTLS\r\n")
		if err := expectLine(r, "STARTTLS"); err != nil {
			return false, err
		}
		io.WriteString(c, "454 4.7.0 TLS not available\r\n")
		return false, nil
	})
	r = sslstreamIn(t, p.dir, nil, "s_client", "-connect", lmtp, "-starttls", "lmtp", "-name", "client.example")
	wantCode(t, r, exitError)
	wantContains(t, "lmtp", r.stderr, `starttls lmtp: STARTTLS: server refused: reply code 454, want 220 (server replied "454 4.7.0 TLS not available")`)
}
