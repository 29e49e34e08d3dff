package sslstream

import (
	"log/slog"
	"net"
	"strconv"
)

// wireConn is the one wrapper between a stream's tls.Conn and the
// connection it was given. Until the handshake ends it follows the TLS
// record framing of both directions (wireParser), for two uses:
//
//   - phase.go: how many bytes the peer sent, so that a stalled handshake
//     can say what it was waiting for, and a plaintext alert the peer sent
//     during the handshake (an OpenSSL 3.0 TLS 1.3 client that rejects our
//     certificate sends its alert unencrypted; crypto/tls, expecting
//     handshake encryption by then, reports only "bad record MAC");
//   - the trace feature: every record and handshake message by name, like
//     `openssl s_client -msg` at the level of message names (plaintext
//     handshake messages by name, encrypted records by content type and
//     length).
//
// After the handshake it only passes bytes through.
type wireConn struct {
	net.Conn
	s       *Stream
	in, out wireParser
}

// init makes c the wrapper of conn for stream s (c is a field of s).
func (c *wireConn) init(s *Stream, conn net.Conn) {
	*c = wireConn{Conn: conn, s: s, in: wireParser{dir: "received"}, out: wireParser{dir: "sent"}}
}

func (c *wireConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && c.s.ph.phase.Load() != phaseDone {
		c.s.ph.read.Add(int64(n))
		c.in.feed(p[:n], c.emit(), c.plainAlert)
	}
	return n, err
}

func (c *wireConn) Write(p []byte) (int, error) {
	if emit := c.emit(); emit != nil {
		c.out.feed(p, emit, nil)
	}
	return c.Conn.Write(p)
}

// emit returns the trace's message callback, nil when the stream is not
// traced or its trace has ended.
func (c *wireConn) emit() func(dir, what string, length int) {
	if c.s.trace == nil || c.s.trace.ended.Load() {
		return nil
	}
	return c.traceMessage
}

func (c *wireConn) traceMessage(dir, what string, length int) {
	c.s.trace.begin(c.s)
	c.s.trace.record(c.s, "message", slog.String("dir", dir), slog.String("type", what), slog.Int("length", length))
}

// plainAlert records the description of a plaintext alert the peer sent.
func (c *wireConn) plainAlert(desc byte) { c.s.ph.plainAlert.Store(int32(desc) + 1) }

// wireParser follows one direction's records and, inside plaintext
// handshake records, the handshake messages (which may span records). It
// reports each record or message to emit and each 2-byte alert record (a
// plaintext alert: encrypted alerts travel as application data in TLS 1.3
// and are longer in TLS 1.2) to alert; either may be nil. Headers split
// across reads are gathered in fixed arrays, and names are made only for
// emit: an untraced handshake pays for the framing alone.
type wireParser struct {
	dir       string
	hdr       [5]byte // partial record header
	nhdr      uint8
	typ       byte    // current record's content type
	encrypted bool    // after ChangeCipherSpec, or TLS 1.3 after ServerHello/ClientHello pair
	inAlert   bool    // the current record is a 2-byte alert
	hs        [4]byte // partial handshake message header
	nhs       uint8
	alert     [2]byte // the alert's bytes so far
	nalert    uint8
	left      int // body bytes of the current record still to come
	hsLeft    int // handshake body bytes still to come
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
// (non-handshake or encrypted) or per plaintext handshake message, and
// each plaintext alert's description.
func (w *wireParser) feed(p []byte, emit func(dir, what string, length int), alert func(desc byte)) {
	for len(p) > 0 {
		if w.left == 0 {
			if w.nhdr, p = gather(w.hdr[:], w.nhdr, p); int(w.nhdr) < len(w.hdr) {
				return
			}
			w.nhdr = 0
			w.typ = w.hdr[0]
			w.left = int(w.hdr[3])<<8 | int(w.hdr[4])
			w.inAlert = w.typ == 21 && w.left == 2
			w.nalert = 0
			switch {
			case w.typ == 20:
				if emit != nil {
					emit(w.dir, "ChangeCipherSpec", w.left)
				}
			case w.typ == 23 && !w.encrypted:
				// TLS 1.3: everything after the hellos is encrypted.
				w.encrypted = true
				fallthrough
			case w.typ != 22 || w.encrypted:
				if emit != nil {
					emit(w.dir, "encrypted "+name(contentTypes, w.typ, "record")+" record", w.left)
				}
			}
			if w.left == 0 {
				continue
			}
		}
		n := min(w.left, len(p))
		body := p[:n]
		p = p[n:]
		w.left -= n
		if w.inAlert {
			if w.nalert, _ = gather(w.alert[:], w.nalert, body); w.nalert == 2 && alert != nil {
				alert(w.alert[1])
			}
		}
		if w.typ == 22 && !w.encrypted {
			w.feedHandshake(body, emit)
		}
		if w.left == 0 && w.typ == 20 {
			w.encrypted = true // TLS 1.2: Finished and later are encrypted
		}
	}
}

// gather copies bytes from p into buf after its first n (a header split
// across reads) until buf is full, returning the new count and the rest
// of p.
func gather(buf []byte, n uint8, p []byte) (uint8, []byte) {
	k := copy(buf[n:], p)
	return n + uint8(k), p[k:]
}

func (w *wireParser) feedHandshake(b []byte, emit func(dir, what string, length int)) {
	for len(b) > 0 {
		if w.hsLeft == 0 {
			if w.nhs, b = gather(w.hs[:], w.nhs, b); int(w.nhs) < len(w.hs) {
				return
			}
			w.nhs = 0
			w.hsLeft = int(w.hs[1])<<16 | int(w.hs[2])<<8 | int(w.hs[3])
			if emit != nil {
				emit(w.dir, name(handshakeTypes, w.hs[0], "handshake message"), w.hsLeft)
			}
			continue
		}
		n := min(w.hsLeft, len(b))
		b = b[n:]
		w.hsLeft -= n
	}
}
