package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/cipherlist"
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

// hello returns the ClientHello's cipher suites and whether it offered
// secure renegotiation (the extension or the SCSV), from the recorded
// bytes; ok is false when they do not hold a whole ClientHello.
func (c *helloConn) hello() (suites []uint16, secureReneg, ok bool) {
	c.mu.Lock()
	raw := c.buf
	c.buf = nil // no longer needed: the handshake is over
	c.mu.Unlock()
	// The handshake message, joined from its records.
	var msg []byte
	for len(raw) >= 5 && raw[0] == 22 {
		n := int(binary.BigEndian.Uint16(raw[3:5]))
		if len(raw) < 5+n {
			break
		}
		msg = append(msg, raw[5:5+n]...)
		raw = raw[5+n:]
		if len(msg) >= 4 && len(msg) >= 4+int(msg[1])<<16|int(msg[2])<<8|int(msg[3]) {
			break
		}
	}
	if len(msg) < 4 || msg[0] != 1 {
		return nil, false, false
	}
	body := msg[4:]
	// version(2) random(32) session_id<1> cipher_suites<2> ...
	if len(body) < 35 {
		return nil, false, false
	}
	body = body[34:]
	sid := int(body[0])
	if len(body) < 1+sid+2 {
		return nil, false, false
	}
	body = body[1+sid:]
	n := int(binary.BigEndian.Uint16(body))
	if len(body) < 2+n || n%2 != 0 {
		return nil, false, false
	}
	for i := 2; i < 2+n; i += 2 {
		id := binary.BigEndian.Uint16(body[i:])
		if id == 0x00ff {
			secureReneg = true
		}
		suites = append(suites, id)
	}
	body = body[2+n:]
	// compression_methods<1> extensions<2>
	if len(body) >= 1 && len(body) >= 1+int(body[0]) {
		body = body[1+int(body[0]):]
		if len(body) >= 2 {
			ext := body[2:]
			for len(ext) >= 4 {
				typ, l := binary.BigEndian.Uint16(ext), int(binary.BigEndian.Uint16(ext[2:]))
				if len(ext) < 4+l {
					break
				}
				if typ == 0xff01 {
					secureReneg = true
				}
				ext = ext[4+l:]
			}
		}
	}
	return suites, secureReneg, true
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

// wwwPage answers a "GET" with the status page of openssl s_server -www:
// the server's suites, those it shares with the client, the protocol,
// suite and verify result of the connection, and the client's
// certificate. Lines s_server prints from OpenSSL internals crypto/tls
// does not expose (signature algorithms and groups offered, session ID,
// resumption secret, the session cache's counters) are left out.
func (s *server) wwwPage(st *sslstream.Stream, hc *helloConn) error {
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
	var offered []uint16
	reneg, haveHello := false, false
	if hc != nil {
		offered, reneg, haveHello = hc.hello()
	}
	if reneg || cs.Version == tls.VersionTLS13 {
		b.WriteString("Secure Renegotiation IS supported\n")
	} else {
		b.WriteString("Secure Renegotiation IS NOT supported\n")
	}
	b.WriteString("Ciphers supported in s_server binary\n")
	ours := wwwSuites(s.ctx.Settings())
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
	if haveHello {
		supported := map[uint16]string{}
		for _, su := range ours {
			supported[su.id] = su.name
		}
		var common []string
		for _, id := range offered {
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
		b.WriteString("---\n")
	}
	fmt.Fprintln(&b, sessionLine(st))
	code, text := st.VerifyResult()
	fmt.Fprintf(&b, "SSL-Session:\n    Protocol  : %s\n    Cipher    : %s\n    Verify return code: %d (%s)\n---\n",
		sslstream.ProtocolName(cs.Version), cipherName(cs.CipherSuite), code, text)
	if c, err := st.PeerCertificate(); err == nil && c != nil {
		b.WriteString("Client certificate\n")
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
