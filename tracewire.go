package sslstream

import (
	"log/slog"
	"net"
	"strconv"
)

// traceConn reports the TLS records and handshake messages that cross the
// connection until the handshake ends, like `openssl s_client -msg` at the
// level of message names: plaintext handshake messages by name, records
// that are encrypted by content type and length.
type traceConn struct {
	net.Conn
	s       *Stream
	t       *streamTrace
	in, out wireParser
}

// wrap returns conn itself when t is nil, else a tracing connection.
func (t *streamTrace) wrap(s *Stream, conn net.Conn) net.Conn {
	if t == nil {
		return conn
	}
	return &traceConn{Conn: conn, s: s, t: t, in: wireParser{dir: "received"}, out: wireParser{dir: "sent"}}
}

func (c *traceConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.t.ended.Load() {
		c.in.feed(p[:n], c.emit)
	}
	return n, err
}

func (c *traceConn) Write(p []byte) (int, error) {
	if !c.t.ended.Load() {
		c.out.feed(p, c.emit)
	}
	return c.Conn.Write(p)
}

func (c *traceConn) emit(dir, what string, length int) {
	c.t.begin(c.s)
	c.t.record(c.s, "message", slog.String("dir", dir), slog.String("type", what), slog.Int("length", length))
}

// wireParser follows one direction's records and, inside plaintext
// handshake records, the handshake messages (which may span records).
type wireParser struct {
	dir       string
	hdr       []byte // partial record header
	left      int    // body bytes of the current record still to come
	typ       byte   // current record's content type
	encrypted bool   // after ChangeCipherSpec, or TLS 1.3 after ServerHello/ClientHello pair
	hs        []byte // partial handshake message header
	hsLeft    int    // handshake body bytes still to come
}

var contentTypes = map[byte]string{20: "ChangeCipherSpec", 21: "Alert", 22: "Handshake", 23: "ApplicationData"}

var handshakeTypes = map[byte]string{
	0: "HelloRequest", 1: "ClientHello", 2: "ServerHello", 4: "NewSessionTicket", 5: "EndOfEarlyData",
	8: "EncryptedExtensions", 11: "Certificate", 12: "ServerKeyExchange", 13: "CertificateRequest",
	14: "ServerHelloDone", 15: "CertificateVerify", 16: "ClientKeyExchange", 20: "Finished",
	24: "KeyUpdate", 254: "MessageHash",
}

func name(m map[byte]string, b byte, what string) string {
	if n, ok := m[b]; ok {
		return n
	}
	return what + " type " + strconv.Itoa(int(b))
}

// feed consumes bytes of this direction and emits one event per record
// (non-handshake or encrypted) or per plaintext handshake message.
func (w *wireParser) feed(p []byte, emit func(dir, what string, length int)) {
	for len(p) > 0 {
		if w.left == 0 {
			var full bool
			if w.hdr, p, full = gather(w.hdr, p, 5); !full {
				return
			}
			w.typ = w.hdr[0]
			w.left = int(w.hdr[3])<<8 | int(w.hdr[4])
			w.hdr = w.hdr[:0]
			switch {
			case w.typ == 20:
				emit(w.dir, "ChangeCipherSpec", w.left)
			case w.typ == 23 && !w.encrypted:
				// TLS 1.3: everything after the hellos is encrypted.
				w.encrypted = true
				fallthrough
			case w.typ != 22 || w.encrypted:
				emit(w.dir, "encrypted "+name(contentTypes, w.typ, "record")+" record", w.left)
			}
			if w.left == 0 {
				continue
			}
		}
		n := w.left
		if n > len(p) {
			n = len(p)
		}
		body := p[:n]
		p = p[n:]
		w.left -= n
		if w.typ == 22 && !w.encrypted {
			w.feedHandshake(body, emit)
		}
		if w.left == 0 && w.typ == 20 {
			w.encrypted = true // TLS 1.2: Finished and later are encrypted
		}
	}
}

// gather moves bytes from p to buf until buf holds size bytes (a header
// split across writes), returning both and whether buf is complete.
func gather(buf, p []byte, size int) ([]byte, []byte, bool) {
	need := min(size-len(buf), len(p))
	return append(buf, p[:need]...), p[need:], len(buf)+need == size
}

func (w *wireParser) feedHandshake(b []byte, emit func(dir, what string, length int)) {
	for len(b) > 0 {
		if w.hsLeft == 0 {
			var full bool
			if w.hs, b, full = gather(w.hs, b, 4); !full {
				return
			}
			w.hsLeft = int(w.hs[1])<<16 | int(w.hs[2])<<8 | int(w.hs[3])
			emit(w.dir, name(handshakeTypes, w.hs[0], "handshake message"), w.hsLeft)
			w.hs = w.hs[:0]
			continue
		}
		n := w.hsLeft
		if n > len(b) {
			n = len(b)
		}
		b = b[n:]
		w.hsLeft -= n
	}
}
