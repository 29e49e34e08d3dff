package main

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/cipherlist"
	"github.com/sslstream/sslstream/x509text"
)

// maxHelloRecord bounds what a helloConn records: the ClientHello's
// records (a ClientHello fits in a few; a hostile one is cut off).
const maxHelloRecord = 64 << 10

// helloConn records the first bytes a client sends, for --www to list
// the cipher suites the ClientHello offered (crypto/tls does not keep
// them after the handshake).
type helloConn struct {
	net.Conn
	mu  sync.Mutex
	buf []byte
}

// Read reads and records up to maxHelloRecord bytes.
func (c *helloConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	if room := maxHelloRecord - len(c.buf); room > 0 && n > 0 {
		c.buf = append(c.buf, p[:min(n, room)]...)
	}
	c.mu.Unlock()
	return n, err
}

// hello returns what the recorded bytes say of the ClientHello (ok is
// false when they do not hold a whole one) and lets the record go.
func (c *helloConn) hello() (h clientHello, ok bool) {
	c.mu.Lock()
	raw := c.buf
	c.buf = nil // no longer needed: the handshake is over
	c.mu.Unlock()
	return parseClientHello(raw)
}

// wwwSuite is one line of the server's list on the status page.
type wwwSuite struct {
	id       uint16
	protocol string
	name     string
}

// wwwSuites is the server's list of suites: TLS 1.3 first, then the TLS
// <= 1.2 suites its cipher string selects, in OpenSSL's names.
func wwwSuites(settings sslstream.Settings) []wwwSuite {
	var out []wwwSuite
	suites13 := "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"
	if settings.Ciphersuites != "" {
		suites13 = settings.Ciphersuites
	}
	byName := map[string]uint16{}
	for _, s := range tls.CipherSuites() {
		byName[s.Name] = s.ID
	}
	for _, name := range strings.Split(suites13, ":") {
		if id, ok := byName[name]; ok {
			out = append(out, wwwSuite{id, "TLSv1.3", name})
		}
	}
	if l, err := cipherlist.Compile(settings.Ciphers); err == nil {
		for _, s := range l.Negotiable() {
			p := s.Protocol
			if p == "TLSv1" {
				p = "TLSv1.0" // as SSL_CIPHER_get_version says it
			}
			out = append(out, wwwSuite{s.ID, p, s.Name})
		}
	}
	return out
}

// wwwHello is what --www keeps of a connection's ClientHello: the
// parsed hello (ok false when the recorded bytes held none) and when the
// handshake ended.
type wwwHello struct {
	h  clientHello
	ok bool
	at time.Time
}

// wwwPage answers a "GET" with the status page of openssl s_server -www:
// the server's suites, those it shares with the client, the client's
// signature algorithms and groups and those shared, the session, the
// server's handshake counters and the client's certificate. What
// crypto/tls does not expose is printed as s_server prints it for an
// empty value (the session's secret, the session ID of a new session);
// docs/INTEROP.md lists each difference.
func (s *server) wwwPage(st *sslstream.Stream, hello *wwwHello) error {
	r := bufio.NewReaderSize(st, maxRequestLine)
	line, err := r.ReadSlice('\n')
	if err != nil && !(err == io.EOF && len(line) > 0) && err != bufio.ErrBufferFull {
		return echoError(err)
	}
	if !bytes.HasPrefix(line, []byte("GET ")) {
		return nil // s_server answers nothing else either: close
	}
	var b bytes.Buffer
	b.WriteString("HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n")
	b.WriteString("<HTML><BODY BGCOLOR=\"#ffffff\">\n<pre>\n\n")
	b.WriteString("sslstream server\n")
	cs := st.ConnectionState()
	settings := s.ctx.Settings()
	var h clientHello
	haveHello := hello != nil && hello.ok
	if haveHello {
		h = hello.h
	}
	if haveHello && h.secureRenegotiation(cs.Version) || !haveHello && cs.Version == tls.VersionTLS13 {
		b.WriteString("Secure Renegotiation IS supported\n")
	} else {
		b.WriteString("Secure Renegotiation IS NOT supported\n")
	}
	b.WriteString("Ciphers supported in s_server binary\n")
	ours := wwwSuites(settings)
	for i, su := range ours {
		fmt.Fprintf(&b, "%-11s:%-25s", su.protocol, su.name)
		if i%2 == 1 {
			b.WriteString(" \n")
		} else {
			b.WriteString(" ")
		}
	}
	if len(ours)%2 == 1 {
		b.WriteString("\n")
	}
	b.WriteString("---\n")
	// s_server has the client's suites, hence this block, after a full
	// handshake and a TLS 1.3 resumption only.
	if haveHello && (!cs.DidResume || cs.Version == tls.VersionTLS13) {
		supported := map[uint16]string{}
		for _, su := range ours {
			supported[su.id] = su.name
		}
		var common []string
		for _, id := range h.suites {
			if name, ok := supported[id]; ok {
				common = append(common, name)
			}
		}
		b.WriteString("Ciphers common between both SSL end points:\n")
		for i, name := range common {
			switch {
			case i == len(common)-1:
				b.WriteString(name + "\n")
			case (i+1)%3 == 0:
				fmt.Fprintf(&b, "%-26s\n", name)
			default:
				fmt.Fprintf(&b, "%-26s ", name)
			}
		}
		serverPref := settings.PreferServerCipherOrder == nil || *settings.PreferServerCipherOrder
		var peerKey crypto.PublicKey
		if c, err := st.PeerCertificate(); err == nil && c != nil && !cs.DidResume {
			peerKey = c.X509().PublicKey
		}
		b.WriteString(wwwSigGroupLines(h, cs.Version, cs.DidResume, serverPref, settings.Groups, peerKey))
		b.WriteString("---\n")
	}
	fmt.Fprintln(&b, sessionLine(st))
	b.WriteString(wwwSession(st, h, hello, settings))
	b.WriteString("---\n")
	if s.stats != nil {
		b.WriteString(s.stats.lines())
	}
	b.WriteString("---\n")
	if c, err := st.PeerCertificate(); err == nil && c != nil {
		b.WriteString("Client certificate\n")
		b.WriteString(x509text.Text(c.X509(), x509text.Options{Names: x509text.Compat}))
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.X509().Raw}))
	} else {
		b.WriteString("no client certificate available\n")
	}
	b.WriteString("</pre></BODY></HTML>\r\n\r\n")
	if _, err := st.Write(b.Bytes()); err != nil {
		return echoError(err)
	}
	return echoError(st.Flush())
}

// wwwSession is the SSL-Session block (ssl/ssl_txt.c SSL_SESSION_print)
// for this server's session: the session ID is the one the ServerHello
// carried (TLS <= 1.2: the client's, echoed on resumption, none on a full
// handshake; TLS 1.3: none, where OpenSSL shows an ID of its own that is
// sent nowhere but inside its ticket); no session ID context; the secret
// is not exposed by crypto/tls and is printed empty; no PSK or SRP; the
// start time is the handshake's (a TLS 1.2 resumption's, the session's
// full handshake, from its ticket); the timeout is the session ticket
// lifetime; crypto/tls agrees to the extended master secret whenever a
// TLS 1.2 client offers it, and accepts no early data.
func wwwSession(st *sslstream.Stream, h clientHello, hello *wwwHello, settings sslstream.Settings) string {
	cs := st.ConnectionState()
	var b strings.Builder
	b.WriteString("SSL-Session:\n")
	fmt.Fprintf(&b, "    Protocol  : %s\n", sslstream.ProtocolName(cs.Version))
	fmt.Fprintf(&b, "    Cipher    : %s\n", cipherName(cs.CipherSuite))
	id := ""
	if cs.Version <= tls.VersionTLS12 && cs.DidResume {
		id = fmt.Sprintf("%X", h.sessionID)
	}
	fmt.Fprintf(&b, "    Session-ID: %s\n", id)
	b.WriteString("    Session-ID-ctx: \n")
	if cs.Version == tls.VersionTLS13 {
		b.WriteString("    Resumption PSK: \n")
	} else {
		b.WriteString("    Master-Key: \n")
	}
	b.WriteString("    PSK identity: None\n    PSK identity hint: None\n    SRP username: None\n")
	// OpenSSL keeps a TLS 1.2 session's time on resumption; a TLS 1.3
	// resumption starts a new session.
	at := time.Now()
	if hello != nil {
		at = hello.at
	}
	if start := st.SessionStart(); !start.IsZero() && cs.Version <= tls.VersionTLS12 {
		at = start
	}
	fmt.Fprintf(&b, "    Start Time: %d\n", at.Unix())
	lifetime := settings.SessionTicketLifetime
	if lifetime <= 0 {
		lifetime = sslstream.DefaultSessionTicketLifetime
	}
	fmt.Fprintf(&b, "    Timeout   : %d (sec)\n", int64(lifetime/time.Second))
	code, text := st.VerifyResult()
	fmt.Fprintf(&b, "    Verify return code: %d (%s)\n", code, text)
	ems := "no"
	if cs.Version <= tls.VersionTLS12 && h.ems {
		ems = "yes"
	}
	fmt.Fprintf(&b, "    Extended master secret: %s\n", ems)
	if cs.Version == tls.VersionTLS13 {
		b.WriteString("    Max Early Data: 0\n")
	}
	return b.String()
}
