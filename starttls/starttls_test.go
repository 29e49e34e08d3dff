package starttls

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testproc"
)

// TestMain fails the run when a test leaves a goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// pki is the test server's certificate and the CA that issued it.
type pki struct {
	cert   tls.Certificate
	roots  *x509.CertPool
	caFile string
}

var (
	pkiOnce sync.Once
	pkiVal  *pki
	pkiErr  error
)

func getPKI(t *testing.T) *pki {
	t.Helper()
	pkiOnce.Do(func() {
		f := minipki.New()
		ca, err := f.Root("StartTLS Test CA")
		if err != nil {
			pkiErr = err
			return
		}
		leaf, err := ca.Leaf("server.example", minipki.DNS("server.example"))
		if err != nil {
			pkiErr = err
			return
		}
		cert, err := tls.X509KeyPair(leaf.CertPEM(), leaf.KeyPEM())
		if err != nil {
			pkiErr = err
			return
		}
		dir, err := os.MkdirTemp("", "starttls-test-")
		if err != nil {
			pkiErr = err
			return
		}
		caFile := filepath.Join(dir, "ca.pem")
		if err := os.WriteFile(caFile, ca.CertPEM(), 0o600); err != nil {
			pkiErr = err
			return
		}
		roots := x509.NewCertPool()
		roots.AddCert(ca.Cert)
		pkiVal = &pki{cert: cert, roots: roots, caFile: caFile}
	})
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return pkiVal
}

// script is a fake server's plaintext part: it answers what the client
// sends, as a real server would, and returns nil when the TLS handshake is
// to follow, errNoUpgrade when the server refused.
type script func(c net.Conn, r *bufio.Reader) error

var (
	errNoUpgrade = errors.New("no upgrade")
	// errCloseNow closes the connection at once, without waiting for the
	// client to go.
	errCloseNow = errors.New("close now")
)

// session is what a fake server saw of one connection.
type session struct {
	// sent is every byte the client sent before the TLS handshake.
	sent []byte
	// tlsOK is true when the TLS handshake after the dialogue succeeded.
	tlsOK bool
	err   error
}

// fakeServer serves script on 127.0.0.1 to each connection until the test
// ends; each connection's session is sent on the returned channel.
func fakeServer(t *testing.T, s script) (string, <-chan session) {
	t.Helper()
	p := getPKI(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan session, 4)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(20 * time.Second))
				var rec bytes.Buffer
				r := bufio.NewReader(io.TeeReader(c, &rec))
				err := s(c, r)
				ses := session{err: err}
				early := rec.Bytes()[rec.Len()-r.Buffered():]
				// Only a MySQL client sends its ClientHello without waiting
				// for an answer; anything else read ahead is a client
				// sending what the dialogue did not expect.
				if err == nil && len(early) > 0 && !bytes.HasPrefix(early, []byte{0x16, 0x03}) {
					ses.err = fmt.Errorf("client sent %d bytes the dialogue did not expect: %q", len(early), early)
				}
				ses.sent = append([]byte(nil), rec.Bytes()[:rec.Len()-len(early)]...)
				if ses.err == nil {
					tc := tls.Server(bufferedConn{c, io.MultiReader(bytes.NewReader(append([]byte(nil), early...)), c)}, &tls.Config{Certificates: []tls.Certificate{p.cert}})
					if herr := tc.Handshake(); herr != nil {
						ses.err = fmt.Errorf("TLS handshake: %w", herr)
					} else {
						ses.tlsOK = true
						_, _ = io.Copy(tc, tc)
					}
				}
				if errors.Is(ses.err, errCloseNow) {
					ses.err = nil
				}
				if errors.Is(ses.err, errNoUpgrade) {
					ses.err = nil
					// Let the client read the refusal before the close.
					_, _ = io.Copy(io.Discard, r)
				}
				out <- ses
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return ln.Addr().String(), out
}

// bufferedConn reads from r: what the dialogue read ahead, then the
// connection.
type bufferedConn struct {
	net.Conn
	r io.Reader
}

func (b bufferedConn) Read(p []byte) (int, error) { return b.r.Read(p) }

// expect reads one line and checks it is want (with its line ending).
func expect(r *bufio.Reader, want string) error {
	line, err := r.ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading %q: %w (got %q)", want, err, line)
	}
	if line != want {
		return fmt.Errorf("got %q, want %q", line, want)
	}
	return nil
}

func write(c net.Conn, s string) error {
	_, err := io.WriteString(c, s)
	return err
}

// expectBytes reads len(want) bytes and checks them.
func expectBytes(r *bufio.Reader, want []byte) error {
	got := make([]byte, len(want))
	if _, err := io.ReadFull(r, got); err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("got % x, want % x", got, want)
	}
	return nil
}

// Real servers' dialogues, byte for byte as they send them (Postfix,
// Dovecot, vsftpd, Prosody, INN, Pigeonhole, OpenLDAP, MySQL 8, ...).
var (
	postfixGreeting = "220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n"
	postfixEHLO     = "250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n"
)

func smtpServer(hello string) script {
	return func(c net.Conn, r *bufio.Reader) error {
		if err := write(c, postfixGreeting); err != nil {
			return err
		}
		if err := expect(r, hello+" mail.example.com\r\n"); err != nil {
			return err
		}
		if err := write(c, postfixEHLO); err != nil {
			return err
		}
		if err := expect(r, "STARTTLS\r\n"); err != nil {
			return err
		}
		return write(c, "220 2.0.0 Ready to start TLS\r\n")
	}
}

func pop3Server(c net.Conn, r *bufio.Reader) error {
	if err := write(c, "+OK Dovecot (Debian) ready.\r\n"); err != nil {
		return err
	}
	if err := expect(r, "STLS\r\n"); err != nil {
		return err
	}
	return write(c, "+OK Begin TLS negotiation now.\r\n")
}

const dovecotCaps = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED"

func imapServer(c net.Conn, r *bufio.Reader) error {
	if err := write(c, "* OK [CAPABILITY "+dovecotCaps+"] Dovecot (Debian) ready.\r\n"); err != nil {
		return err
	}
	if err := expect(r, ". CAPABILITY\r\n"); err != nil {
		return err
	}
	if err := write(c, "* CAPABILITY "+dovecotCaps+"\r\n. OK Pre-login capabilities listed, post-login capabilities have more.\r\n"); err != nil {
		return err
	}
	if err := expect(r, ". STARTTLS\r\n"); err != nil {
		return err
	}
	return write(c, ". OK Begin TLS negotiation now.\r\n")
}

func ftpServer(c net.Conn, r *bufio.Reader) error {
	if err := write(c, "220-Welcome to the example FTP service.\r\n220-Be nice.\r\n220 (vsFTPd 3.0.3)\r\n"); err != nil {
		return err
	}
	if err := expect(r, "AUTH TLS\r\n"); err != nil {
		return err
	}
	return write(c, "234 Proceed with negotiation.\r\n")
}

func xmppServer(ns string) script {
	return func(c net.Conn, r *bufio.Reader) error {
		want := "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:" + ns + "' to='127.0.0.1' version='1.0'>"
		if err := expectBytes(r, []byte(want)); err != nil {
			return err
		}
		if err := write(c, "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xml:lang='en' id='0b8c5e9c-3f1a-4d1e-9a53-0f1f7e3a2b10' from='127.0.0.1' version='1.0' xmlns='jabber:"+ns+"'>"); err != nil {
			return err
		}
		if err := write(c, "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>"); err != nil {
			return err
		}
		if err := expectBytes(r, []byte("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")); err != nil {
			return err
		}
		return write(c, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
	}
}

func telnetServer(c net.Conn, r *bufio.Reader) error {
	if _, err := c.Write([]byte{255, 253, 46}); err != nil {
		return err
	}
	if err := expectBytes(r, []byte{255, 251, 46, 255, 250, 46, 1, 255, 240}); err != nil {
		return err
	}
	_, err := c.Write([]byte{255, 250, 46, 1, 255, 240})
	return err
}

func ircServer(c net.Conn, r *bufio.Reader) error {
	if err := expect(r, "STARTTLS\r\n"); err != nil {
		return err
	}
	return write(c, ":irc.example.net 670 * :STARTTLS successful, proceed with TLS handshake\r\n")
}

func postgresServer(c net.Conn, r *bufio.Reader) error {
	if err := expectBytes(r, []byte{0, 0, 0, 8, 4, 210, 22, 47}); err != nil {
		return err
	}
	_, err := c.Write([]byte{'S'})
	return err
}

// mysqlGreeting is a MySQL 8.0 Initial Handshake packet with CLIENT_SSL
// (caps lower 0xffff) or without it (0xf7ff).
func mysqlGreeting(ssl bool) []byte {
	var p []byte
	p = append(p, 10)
	p = append(p, "8.0.36\x00"...)
	p = append(p, 0x0b, 0, 0, 0)       // connection id
	p = append(p, "Q\x1b;\x02Jx)c"...) // auth-plugin-data part 1
	p = append(p, 0)                   // filler
	caps := uint16(0xffff)
	if !ssl {
		caps &^= 0x0800
	}
	p = binary.LittleEndian.AppendUint16(p, caps)
	p = append(p, 0xff)                              // character set
	p = append(p, 0x02, 0x00)                        // status
	p = append(p, 0xff, 0xdf)                        // caps upper
	p = append(p, 21)                                // auth-plugin-data length
	p = append(p, make([]byte, 10)...)               // reserved
	p = append(p, "\x1c\x0ba\x14W,}\x04fH{P\x00"...) // auth-plugin-data part 2
	p = append(p, "caching_sha2_password\x00"...)
	hdr := []byte{byte(len(p)), byte(len(p) >> 8), byte(len(p) >> 16), 0}
	return append(hdr, p...)
}

func mysqlServer(c net.Conn, r *bufio.Reader) error {
	if _, err := c.Write(mysqlGreeting(true)); err != nil {
		return err
	}
	req := make([]byte, 36)
	if _, err := io.ReadFull(r, req); err != nil {
		return err
	}
	if req[0] != 32 || req[1] != 0 || req[2] != 0 || req[3] != 1 {
		return fmt.Errorf("SSL request header % x, want 20 00 00 01", req[:4])
	}
	if binary.LittleEndian.Uint32(req[4:])&0x0800 == 0 {
		return fmt.Errorf("SSL request without CLIENT_SSL: % x", req)
	}
	return nil
}

func nntpServer(c net.Conn, r *bufio.Reader) error {
	if err := write(c, "200 news.example.com InterNetNews NNRP server INN 2.6.4 ready (posting ok)\r\n"); err != nil {
		return err
	}
	if err := expect(r, "CAPABILITIES\r\n"); err != nil {
		return err
	}
	if err := write(c, "101 Capability list:\r\nVERSION 2\r\nIMPLEMENTATION INN 2.6.4\r\nAUTHINFO\r\nHDR\r\nLIST ACTIVE ACTIVE.TIMES COUNTS DISTRIB.PATS HEADERS MODERATORS MOTD NEWSGROUPS OVERVIEW.FMT SUBSCRIPTIONS\r\nNEWNEWS\r\nOVER\r\nPOST\r\nREADER\r\nSTARTTLS\r\n.\r\n"); err != nil {
		return err
	}
	if err := expect(r, "STARTTLS\r\n"); err != nil {
		return err
	}
	return write(c, "382 Begin TLS negotiation now\r\n")
}

const pigeonholeCaps = "\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"SIEVE\" \"fileinto reject envelope encoded-character vacation subaddress comparator-i;ascii-numeric relational regex imap4flags copy include variables body enotify environment mailbox date index ihave duplicate mime foreverypart extracttext\"\r\n\"NOTIFY\" \"mailto\"\r\n\"SASL\" \"\"\r\n\"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\nOK \"Dovecot (Debian) Pigeonhole ready.\"\r\n"

func sieveServer(c net.Conn, r *bufio.Reader) error {
	if err := write(c, pigeonholeCaps); err != nil {
		return err
	}
	if err := expect(r, "STARTTLS\r\n"); err != nil {
		return err
	}
	return write(c, "OK \"Begin TLS negotiation now.\"\r\n")
}

// ldapRequest is the StartTLS ExtendedRequest with message ID 1.
var ldapRequest = append([]byte{0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16}, "1.3.6.1.4.1.1466.20037"...)

// ldapResponse is OpenLDAP's ExtendedResponse with resultCode rc.
func ldapResponse(rc byte, diag string) []byte {
	op := []byte{0x0a, 0x01, rc, 0x04, 0x00, 0x04, byte(len(diag))}
	op = append(op, diag...)
	if rc == 0 {
		op = append(op, 0x8a, 0x16)
		op = append(op, "1.3.6.1.4.1.1466.20037"...)
	}
	msg := append([]byte{0x02, 0x01, 0x01, 0x78, byte(len(op))}, op...)
	return append([]byte{0x30, byte(len(msg))}, msg...)
}

func ldapServer(c net.Conn, r *bufio.Reader) error {
	if err := expectBytes(r, ldapRequest); err != nil {
		return err
	}
	_, err := c.Write(ldapResponse(0, ""))
	return err
}

// servers are the faithful fake servers, one per protocol.
func servers() map[string]script {
	return map[string]script{
		"smtp":        smtpServer("EHLO"),
		"lmtp":        smtpServer("LHLO"),
		"pop3":        pop3Server,
		"imap":        imapServer,
		"ftp":         ftpServer,
		"xmpp":        xmppServer("client"),
		"xmpp-server": xmppServer("server"),
		"telnet":      telnetServer,
		"irc":         ircServer,
		"postgres":    postgresServer,
		"mysql":       mysqlServer,
		"nntp":        nntpServer,
		"sieve":       sieveServer,
		"ldap":        ldapServer,
	}
}

// negotiateAndHandshake dials addr, runs Negotiate and a TLS handshake.
func negotiateAndHandshake(t *testing.T, addr, proto string, opts Options) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	conn, err := Negotiate(ctx, raw, proto, opts)
	if err != nil {
		return err
	}
	tc := tls.Client(conn, &tls.Config{RootCAs: getPKI(t).roots, ServerName: "server.example"})
	if err := tc.HandshakeContext(ctx); err != nil {
		return fmt.Errorf("TLS handshake: %w", err)
	}
	if _, err := io.WriteString(tc, "ping"); err != nil {
		return err
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(tc, buf); err != nil || string(buf) != "ping" {
		return fmt.Errorf("echo after TLS: %q, %v", buf, err)
	}
	return tc.Close()
}

func TestProtocolsCoverServers(t *testing.T) {
	t.Parallel()
	s := servers()
	if len(s) != len(Protocols()) {
		t.Fatalf("%d fake servers for %d protocols", len(s), len(Protocols()))
	}
	for _, p := range Protocols() {
		if _, ok := s[p]; !ok {
			t.Errorf("no fake server for %s", p)
		}
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	for proto, s := range servers() {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			addr, sessions := fakeServer(t, s)
			err := negotiateAndHandshake(t, addr, proto, Options{Host: "127.0.0.1"})
			if err != nil {
				t.Fatal(err)
			}
			ses := <-sessions
			if ses.err != nil || !ses.tlsOK {
				t.Fatalf("server: %v (TLS done: %v)", ses.err, ses.tlsOK)
			}
		})
	}
}

// TestNegotiateAgainstOpenSSL runs `openssl s_client -starttls PROTO`
// against each fake server: the dialogue the fake server plays is one
// openssl accepts, and for every protocol but mysql (whose capability
// flags are our own) our client sends the very bytes openssl sends.
func TestNegotiateAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	bin := testproc.Require(t, "openssl")
	p := getPKI(t)
	for proto, s := range servers() {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			addr, sessions := fakeServer(t, s)
			cmd := exec.Command(bin, "s_client", "-starttls", proto, "-connect", addr, "-CAfile", p.caFile,
				"-servername", "server.example", "-verify_return_error", "-brief")
			proc := testproc.Start(t, cmd, nil, true)
			if !proc.Wait(30 * time.Second) {
				t.Fatalf("openssl did not finish:\n%s", proc)
			}
			theirs := <-sessions
			if theirs.err != nil || !theirs.tlsOK {
				t.Fatalf("openssl s_client -starttls %s: server saw %v (TLS done: %v)\n%s", proto, theirs.err, theirs.tlsOK, proc)
			}
			if !strings.Contains(proc.Stderr.String(), "Verification: OK") {
				t.Errorf("openssl did not verify:\n%s", proc)
			}
			if err := negotiateAndHandshake(t, addr, proto, Options{Host: "127.0.0.1"}); err != nil {
				t.Fatal(err)
			}
			ours := <-sessions
			if ours.err != nil || !ours.tlsOK {
				t.Fatalf("server: %v", ours.err)
			}
			if proto == "mysql" {
				if !bytes.Equal(ours.sent[:4], theirs.sent[:4]) {
					t.Errorf("mysql SSL request header: ours % x, openssl % x", ours.sent[:4], theirs.sent[:4])
				}
				return
			}
			if !bytes.Equal(ours.sent, theirs.sent) {
				t.Errorf("%s: we sent %q, openssl sent %q", proto, ours.sent, theirs.sent)
			}
		})
	}
}

func TestNegotiateRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		proto, name string
		s           script
		want        []string
	}{
		{"smtp", "STARTTLS refused", func(c net.Conn, r *bufio.Reader) error {
			write(c, postfixGreeting)
			r.ReadString('\n')
			write(c, "250-mail.example.com\r\n250 PIPELINING\r\n")
			r.ReadString('\n')
			write(c, "454 4.7.0 TLS not available due to local problem\r\n")
			return errNoUpgrade
		}, []string{"starttls smtp: STARTTLS", "454 4.7.0 TLS not available", "does not offer STARTTLS in its EHLO reply", "250 PIPELINING"}},
		{"smtp", "greeting 554", func(c net.Conn, r *bufio.Reader) error {
			write(c, "554 5.7.1 You are not welcome here\r\n")
			return errNoUpgrade
		}, []string{"starttls smtp: greeting", "554 5.7.1 You are not welcome here", "want 220"}},
		{"lmtp", "LHLO 500", func(c net.Conn, r *bufio.Reader) error {
			write(c, "220 lmtp ready\r\n")
			r.ReadString('\n')
			write(c, "500 5.5.1 Unknown command\r\n")
			return errNoUpgrade
		}, []string{"starttls lmtp: LHLO", "500 5.5.1 Unknown command"}},
		{"pop3", "STLS -ERR", func(c net.Conn, r *bufio.Reader) error {
			write(c, "+OK POP3 ready\r\n")
			r.ReadString('\n')
			write(c, "-ERR Unknown command: STLS\r\n")
			return errNoUpgrade
		}, []string{"starttls pop3: STLS", "-ERR Unknown command: STLS"}},
		{"imap", "BYE", func(c net.Conn, r *bufio.Reader) error {
			write(c, "* BYE Too many connections\r\n")
			return errNoUpgrade
		}, []string{"starttls imap: greeting", "* BYE Too many connections"}},
		{"imap", "STARTTLS BAD", func(c net.Conn, r *bufio.Reader) error {
			write(c, "* OK ready\r\n")
			r.ReadString('\n')
			write(c, "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n. OK done\r\n")
			r.ReadString('\n')
			write(c, ". BAD Unknown command\r\n")
			return errNoUpgrade
		}, []string{"starttls imap: STARTTLS", ". BAD Unknown command", "does not announce STARTTLS"}},
		{"ftp", "AUTH TLS 500", func(c net.Conn, r *bufio.Reader) error {
			write(c, "220 FTP ready\r\n")
			r.ReadString('\n')
			write(c, "530 Please login with USER and PASS.\r\n")
			return errNoUpgrade
		}, []string{"starttls ftp: AUTH TLS", "530 Please login with USER and PASS.", "want 234"}},
		{"xmpp", "no starttls feature", func(c net.Conn, r *bufio.Reader) error {
			r.ReadString('>')
			write(c, "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0' xmlns='jabber:client'><stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>")
			return errNoUpgrade
		}, []string{"starttls xmpp: stream features", "no <starttls", "PLAIN"}},
		{"xmpp", "failure", func(c net.Conn, r *bufio.Reader) error {
			r.ReadString('>')
			write(c, "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0' xmlns='jabber:client'><stream:features><starttls xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/></stream:features>")
			r.ReadString('>')
			write(c, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>")
			return errNoUpgrade
		}, []string{"starttls xmpp: starttls", "<failure", "want <proceed/>"}},
		{"telnet", "WONT", func(c net.Conn, r *bufio.Reader) error {
			c.Write([]byte{255, 251, 1}) // IAC WILL ECHO
			return errNoUpgrade
		}, []string{"starttls telnet: DO START_TLS", "ff fb 01"}},
		{"irc", "421", func(c net.Conn, r *bufio.Reader) error {
			r.ReadString('\n')
			write(c, ":irc.example.net NOTICE * :*** Looking up your hostname...\r\n:irc.example.net 421 * STARTTLS :Unknown command\r\n")
			return errNoUpgrade
		}, []string{"starttls irc: STARTTLS", "421 * STARTTLS :Unknown command", "not supported"}},
		{"irc", "691", func(c net.Conn, r *bufio.Reader) error {
			r.ReadString('\n')
			write(c, ":irc.example.net 691 * :STARTTLS failed (TLS not configured)\r\n")
			return errNoUpgrade
		}, []string{"starttls irc: STARTTLS", "691", "ERR_STARTTLS"}},
		{"postgres", "N", func(c net.Conn, r *bufio.Reader) error {
			io.ReadFull(r, make([]byte, 8))
			c.Write([]byte{'N'})
			return errNoUpgrade
		}, []string{"starttls postgres: SSLRequest", `"N"`, "does not accept SSL"}},
		{"mysql", "no CLIENT_SSL", func(c net.Conn, r *bufio.Reader) error {
			c.Write(mysqlGreeting(false))
			return errNoUpgrade
		}, []string{"starttls mysql: initial handshake", "8.0.36", "does not support SSL"}},
		{"mysql", "error packet", func(c net.Conn, r *bufio.Reader) error {
			msg := "Host '10.0.0.7' is not allowed to connect to this MySQL server"
			p := append([]byte{0xff, 0x6a, 0x04}, msg...)
			c.Write(append([]byte{byte(len(p)), 0, 0, 0}, p...))
			return errNoUpgrade
		}, []string{"starttls mysql: initial handshake", "error 1130", "is not allowed to connect"}},
		{"nntp", "580", func(c net.Conn, r *bufio.Reader) error {
			write(c, "200 news ready\r\n")
			r.ReadString('\n')
			write(c, "101 Capability list:\r\nVERSION 2\r\nREADER\r\n.\r\n")
			r.ReadString('\n')
			write(c, "580 Can not initiate TLS negotiation\r\n")
			return errNoUpgrade
		}, []string{"starttls nntp: STARTTLS", "580 Can not initiate TLS negotiation", "does not list STARTTLS"}},
		{"sieve", "NO", func(c net.Conn, r *bufio.Reader) error {
			write(c, "\"IMPLEMENTATION\" \"Example\"\r\n\"SASL\" \"PLAIN\"\r\nOK \"ready\"\r\n")
			r.ReadString('\n')
			write(c, "NO \"TLS support not configured\"\r\n")
			return errNoUpgrade
		}, []string{"starttls sieve: STARTTLS", `NO \"TLS support not configured\"`, `does not list "STARTTLS"`}},
		{"ldap", "unavailable", func(c net.Conn, r *bufio.Reader) error {
			io.ReadFull(r, make([]byte, len(ldapRequest)))
			c.Write(ldapResponse(52, "TLS not configured"))
			return errNoUpgrade
		}, []string{"starttls ldap: StartTLS response", "resultCode 52 (unavailable): TLS not configured"}},
		{"smtp", "closed", func(c net.Conn, r *bufio.Reader) error {
			return errCloseNow
		}, []string{"starttls smtp: greeting", "server closed the connection"}},
	} {
		t.Run(tc.proto+" "+tc.name, func(t *testing.T) {
			t.Parallel()
			addr, sessions := fakeServer(t, tc.s)
			err := negotiateAndHandshake(t, addr, tc.proto, Options{})
			if err == nil {
				t.Fatal("Negotiate succeeded")
			}
			var se *Error
			if !errors.As(err, &se) || se.Protocol != tc.proto {
				t.Fatalf("error %v (%T) is not an *Error for %s", err, err, tc.proto)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if ses := <-sessions; ses.err != nil {
				t.Errorf("server: %v", ses.err)
			}
		})
	}
}

func TestNegotiateIRCSilence(t *testing.T) {
	t.Parallel()
	addr, sessions := fakeServer(t, func(c net.Conn, r *bufio.Reader) error {
		r.ReadString('\n')
		return errNoUpgrade // says nothing, waits for the client to go
	})
	err := negotiateAndHandshake(t, addr, "irc", Options{IRCTimeout: 200 * time.Millisecond})
	if err == nil || !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "no answer within 200ms") {
		t.Fatalf("err = %v", err)
	}
	<-sessions
}

func TestNegotiateContext(t *testing.T) {
	t.Parallel()
	addr, sessions := fakeServer(t, func(c net.Conn, r *bufio.Reader) error {
		return errNoUpgrade // no greeting at all
	})
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = Negotiate(ctx, raw, "smtp", Options{})
	raw.Close()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	<-sessions
	if _, err := Negotiate(context.Background(), nil, "smtp", Options{}); err == nil || !strings.Contains(err.Error(), "no connection") {
		t.Errorf("nil conn: %v", err)
	}
	if _, err := Negotiate(context.Background(), nil, "gopher", Options{}); err == nil || !strings.Contains(err.Error(), `unknown protocol "gopher"`) || !strings.Contains(err.Error(), "smtp") {
		t.Errorf("unknown protocol: %v", err)
	}
}

// TestNegotiateIRCSkipsNotices: a real IRC server talks before answering
// (hostname lookup notices, PING); those lines are skipped (s_client
// would give up at the first).
func TestNegotiateIRCSkipsNotices(t *testing.T) {
	t.Parallel()
	addr, sessions := fakeServer(t, func(c net.Conn, r *bufio.Reader) error {
		if err := write(c, ":irc.example.net NOTICE * :*** Looking up your hostname...\r\nPING :4F1A2B3C\r\n"); err != nil {
			return err
		}
		if err := expect(r, "STARTTLS\r\n"); err != nil {
			return err
		}
		return write(c, ":irc.example.net NOTICE * :*** Found your hostname\r\n:irc.example.net 670 * :STARTTLS successful, proceed with TLS handshake\r\n")
	})
	if err := negotiateAndHandshake(t, addr, "irc", Options{}); err != nil {
		t.Fatal(err)
	}
	if ses := <-sessions; ses.err != nil || !ses.tlsOK {
		t.Fatalf("server: %v", ses.err)
	}
}
