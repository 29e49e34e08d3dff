// Package rawtls writes and reads TLS handshake bytes by hand, for tests
// that must send what no TLS library sends (a legacy_version above TLS 1.2
// without supported_versions, 1-byte records, a 64 KiB ClientHello) and
// see exactly what a server answers: the alert bytes or the ServerHello's
// version and suite, and how the connection ends.
package rawtls

import (
	"crypto/ecdh"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"syscall"
	"time"
)

// Record content types (RFC 8446 §5.1).
const (
	ChangeCipherSpec byte = 20
	Alert            byte = 21
	Handshake        byte = 22
	ApplicationData  byte = 23
)

// Extension types used by Hello.
const (
	ExtServerName          uint16 = 0
	ExtSupportedGroups     uint16 = 10
	ExtECPointFormats      uint16 = 11
	ExtSignatureAlgorithms uint16 = 13
	ExtALPN                uint16 = 16
	ExtPadding             uint16 = 21
	ExtExtendedMasterSec   uint16 = 23
	ExtSupportedVersions   uint16 = 43
	ExtKeyShare            uint16 = 51
	ExtRenegotiationInfo   uint16 = 0xff01
)

// Extension is one raw ClientHello extension.
type Extension struct {
	Type uint16
	Data []byte
}

// Hello describes a ClientHello. The zero value of a field leaves the
// corresponding extension out; Marshal fills nothing in by itself except
// the random, a fresh key share for each of KeyShares and, when
// Compression is nil, the null compression method.
type Hello struct {
	LegacyVersion     uint16
	SessionID         []byte
	CipherSuites      []uint16
	Compression       []byte
	ServerName        string
	SupportedVersions []uint16 // nil: no supported_versions extension
	Groups            []tls.CurveID
	KeyShares         []tls.CurveID // X25519, P-256, P-384 or P-521
	SigAlgs           []tls.SignatureScheme
	PointFormats      bool
	ExtendedMaster    bool
	RenegotiationInfo []byte // nil: absent; empty: the initial handshake's
	ALPN              []string
	Extra             []Extension // appended after the others, in order
	// PadTo, when larger than the message Marshal would make, adds a
	// padding extension (RFC 7685) so the handshake message (header
	// included) is exactly PadTo bytes; Marshal fails if impossible.
	PadTo int
}

// Modern is a ClientHello like a TLS 1.3 client's: TLS 1.3 and 1.2, the
// usual suites, X25519 and P-256 with an X25519 key share.
func Modern() *Hello {
	return &Hello{
		LegacyVersion:     tls.VersionTLS12,
		SessionID:         make([]byte, 32),
		CipherSuites:      []uint16{tls.TLS_AES_128_GCM_SHA256, tls.TLS_AES_256_GCM_SHA384, tls.TLS_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384},
		SupportedVersions: []uint16{tls.VersionTLS13, tls.VersionTLS12},
		Groups:            []tls.CurveID{tls.X25519, tls.CurveP256},
		KeyShares:         []tls.CurveID{tls.X25519},
		SigAlgs:           []tls.SignatureScheme{tls.ECDSAWithP256AndSHA256, tls.PSSWithSHA256, tls.PKCS1WithSHA256, tls.ECDSAWithP384AndSHA384, tls.PSSWithSHA384, tls.PKCS1WithSHA384},
		PointFormats:      true,
		ExtendedMaster:    true,
		RenegotiationInfo: []byte{},
	}
}

// Legacy is a TLS 1.2 client's ClientHello (no supported_versions, no key
// share) with the given legacy_version.
func Legacy(version uint16) *Hello {
	h := Modern()
	h.LegacyVersion = version
	h.SupportedVersions = nil
	h.KeyShares = nil
	h.CipherSuites = h.CipherSuites[3:]
	return h
}

func u16(b []byte, v int) []byte { return binary.BigEndian.AppendUint16(b, uint16(v)) }

func u24(b []byte, v int) []byte { return append(b, byte(v>>16), byte(v>>8), byte(v)) }

func vec16(b, data []byte) []byte { return append(u16(b, len(data)), data...) }

func publicKey(g tls.CurveID) ([]byte, error) {
	var c ecdh.Curve
	switch g {
	case tls.X25519:
		c = ecdh.X25519()
	case tls.CurveP256:
		c = ecdh.P256()
	case tls.CurveP384:
		c = ecdh.P384()
	case tls.CurveP521:
		c = ecdh.P521()
	default:
		return nil, fmt.Errorf("rawtls: no key share for group %v", g)
	}
	k, err := c.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return k.PublicKey().Bytes(), nil
}

// Marshal returns the ClientHello handshake message (type, 24-bit length,
// body), not yet in records.
func (h *Hello) Marshal() ([]byte, error) {
	var exts []Extension
	if h.ServerName != "" {
		name := append([]byte{0}, vec16(nil, []byte(h.ServerName))...)
		exts = append(exts, Extension{ExtServerName, vec16(nil, name)})
	}
	if h.SupportedVersions != nil {
		var v []byte
		for _, x := range h.SupportedVersions {
			v = u16(v, int(x))
		}
		exts = append(exts, Extension{ExtSupportedVersions, append([]byte{byte(len(v))}, v...)})
	}
	if h.Groups != nil {
		var v []byte
		for _, g := range h.Groups {
			v = u16(v, int(g))
		}
		exts = append(exts, Extension{ExtSupportedGroups, vec16(nil, v)})
	}
	if h.KeyShares != nil {
		var v []byte
		for _, g := range h.KeyShares {
			pub, err := publicKey(g)
			if err != nil {
				return nil, err
			}
			v = vec16(u16(v, int(g)), pub)
		}
		exts = append(exts, Extension{ExtKeyShare, vec16(nil, v)})
	}
	if h.SigAlgs != nil {
		var v []byte
		for _, s := range h.SigAlgs {
			v = u16(v, int(s))
		}
		exts = append(exts, Extension{ExtSignatureAlgorithms, vec16(nil, v)})
	}
	if h.PointFormats {
		exts = append(exts, Extension{ExtECPointFormats, []byte{1, 0}})
	}
	if h.ExtendedMaster {
		exts = append(exts, Extension{ExtExtendedMasterSec, nil})
	}
	if h.RenegotiationInfo != nil {
		exts = append(exts, Extension{ExtRenegotiationInfo, append([]byte{byte(len(h.RenegotiationInfo))}, h.RenegotiationInfo...)})
	}
	if h.ALPN != nil {
		var v []byte
		for _, p := range h.ALPN {
			v = append(append(v, byte(len(p))), p...)
		}
		exts = append(exts, Extension{ExtALPN, vec16(nil, v)})
	}
	exts = append(exts, h.Extra...)

	body := u16(nil, int(h.LegacyVersion))
	var random [32]byte
	if _, err := rand.Read(random[:]); err != nil {
		return nil, err
	}
	body = append(body, random[:]...)
	body = append(append(body, byte(len(h.SessionID))), h.SessionID...)
	var cs []byte
	for _, s := range h.CipherSuites {
		cs = u16(cs, int(s))
	}
	body = vec16(body, cs)
	comp := h.Compression
	if comp == nil {
		comp = []byte{0}
	}
	body = append(append(body, byte(len(comp))), comp...)
	var eb []byte
	for _, e := range exts {
		eb = vec16(u16(eb, int(e.Type)), e.Data)
	}
	// A padding extension adds 4 bytes of header plus its data.
	if size := 4 + len(body) + 2 + len(eb); h.PadTo > size {
		pad := h.PadTo - size - 4
		if pad < 0 {
			pad = 0 // an empty padding extension: 4 bytes, 0-3 too many
		}
		eb = vec16(u16(eb, int(ExtPadding)), make([]byte, pad))
	}
	if len(eb) > 0xffff || len(cs) > 0xffff {
		return nil, errors.New("rawtls: ClientHello too large for its length fields")
	}
	if len(exts) > 0 || h.PadTo > 0 {
		body = vec16(body, eb)
	}
	msg := u24([]byte{1}, len(body))
	return append(msg, body...), nil
}

// MustMarshal is Marshal for hellos known to be valid; it returns nil on
// error (tests compare against nil).
func (h *Hello) MustMarshal() []byte {
	b, err := h.Marshal()
	if err != nil {
		return nil
	}
	return b
}

// Record frames data as one record of type typ with record version
// version. The length is data's (it may exceed what TLS allows).
func Record(typ byte, version uint16, data []byte) []byte {
	r := u16([]byte{typ}, int(version))
	return vec16(r, data)
}

// Records splits data into records of at most size bytes each (size >= 1).
func Records(typ byte, version uint16, data []byte, size int) []byte {
	var out []byte
	for len(data) > 0 {
		n := min(size, len(data))
		out = append(out, Record(typ, version, data[:n])...)
		data = data[n:]
	}
	return out
}

// Reply is what a server answered, as far as the reader could follow
// plaintext records.
type Reply struct {
	// ServerHello is set when a ServerHello (not a HelloRetryRequest)
	// arrived; Version is the version it selected (its supported_versions
	// if present, else its legacy_version) and Suite its cipher suite.
	ServerHello bool
	HRR         bool
	Version     uint16
	Suite       uint16
	// Alert is the description of the first plaintext alert received, or
	// -1; AlertLevel its level.
	Alert      int
	AlertLevel int
	// End is how the reading ended: "eof" (the server closed), "reset",
	// "open" (still open when the read window ended) or "garbage" (bytes
	// that are no TLS record).
	End string
	// Bytes counts what was received.
	Bytes int
}

// Outcome is the comparable summary of a Reply: the alert or the
// negotiated version and suite, and how the connection ended.
func (r Reply) Outcome() string {
	var s string
	switch {
	case r.Alert >= 0:
		s = fmt.Sprintf("alert %d (%s)", r.Alert, AlertName(r.Alert))
		if r.ServerHello {
			s = fmt.Sprintf("ServerHello %s %s, then %s", tls.VersionName(r.Version), tls.CipherSuiteName(r.Suite), s)
		}
	case r.HRR:
		s = fmt.Sprintf("HelloRetryRequest %s", tls.CipherSuiteName(r.Suite))
	case r.ServerHello:
		s = fmt.Sprintf("ServerHello %s %s", tls.VersionName(r.Version), tls.CipherSuiteName(r.Suite))
	default:
		s = "no answer"
	}
	return s + "; " + r.End
}

// AlertName names an alert description (RFC 8446 §6).
func AlertName(d int) string {
	names := map[int]string{0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
		40: "handshake_failure", 42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked",
		45: "certificate_expired", 46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca",
		49: "access_denied", 50: "decode_error", 51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security",
		80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled", 109: "missing_extension",
		110: "unsupported_extension", 112: "unrecognized_name", 116: "certificate_required", 120: "no_application_protocol"}
	if n, ok := names[d]; ok {
		return n
	}
	return fmt.Sprintf("alert%d", d)
}

var hrrRandom = []byte{0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C}

// ReadReply reads what the server sends on conn until it closes, sends
// something that is no TLS record, or window passes without a byte after
// the first (5 windows before it; then End is "open"), at most until the
// overall deadline of 10 windows. A
// TLS 1.2 server's flight ends at its ServerHelloDone: End is "open" then.
func ReadReply(conn net.Conn, window time.Duration) Reply { return readReply(conn, window, false) }

// ReadServerHello is ReadReply that stops (End "hello") as soon as a
// ServerHello or HelloRetryRequest has arrived.
func ReadServerHello(conn net.Conn, window time.Duration) Reply { return readReply(conn, window, true) }

func readReply(conn net.Conn, window time.Duration, stopAtHello bool) Reply {
	r := Reply{Alert: -1, AlertLevel: -1}
	var buf []byte
	var hs []byte // plaintext handshake bytes
	plain := true
	end := time.Now().Add(10 * window)
	chunk := make([]byte, 4096)
	for {
		wait := window
		if r.Bytes == 0 {
			// A loaded machine may take a while to compute the first
			// answer: waiting for it is not the same as idling after it.
			wait = 5 * window
		}
		d := time.Now().Add(wait)
		if d.After(end) {
			d = end
		}
		_ = conn.SetReadDeadline(d)
		n, err := conn.Read(chunk)
		buf = append(buf, chunk[:n]...)
		r.Bytes += n
		for len(buf) >= 5 && plain {
			typ := buf[0]
			if typ < 20 || typ > 24 || buf[1] != 3 {
				r.End = "garbage"
				return r
			}
			l := int(buf[3])<<8 | int(buf[4])
			if len(buf) < 5+l {
				break
			}
			data := buf[5 : 5+l]
			switch typ {
			case Alert:
				if len(data) == 2 && r.Alert < 0 {
					r.AlertLevel, r.Alert = int(data[0]), int(data[1])
				}
			case Handshake:
				hs = append(hs, data...)
				r.parseServerHello(hs)
				if stopAtHello && (r.ServerHello || r.HRR) {
					r.End = "hello"
					return r
				}
				if helloDone(hs) {
					// A TLS 1.2 server's flight is complete: it waits
					// for the client now.
					r.End = "open"
					return r
				}
			case ApplicationData:
				plain = r.Version != tls.VersionTLS13 // TLS 1.3 alerts are encrypted from here
			}
			buf = buf[5+l:]
		}
		if err != nil {
			var ne net.Error
			switch {
			case errors.Is(err, io.EOF):
				r.End = "eof"
			case errors.Is(err, syscall.ECONNRESET):
				r.End = "reset"
			case errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded):
				r.End = "open"
			default:
				r.End = err.Error()
			}
			return r
		}
	}
}

func (r *Reply) parseServerHello(hs []byte) {
	if r.ServerHello || r.HRR || len(hs) < 4 || hs[0] != 2 {
		return
	}
	l := int(hs[1])<<16 | int(hs[2])<<8 | int(hs[3])
	if len(hs) < 4+l || l < 38 {
		return
	}
	b := hs[4 : 4+l]
	r.Version = binary.BigEndian.Uint16(b)
	hrr := slices.Equal(b[2:34], hrrRandom)
	b = b[34:]
	sid := int(b[0])
	if len(b) < 1+sid+3 {
		return
	}
	b = b[1+sid:]
	r.Suite = binary.BigEndian.Uint16(b)
	b = b[3:]
	if len(b) >= 2 {
		b = b[2:]
		for len(b) >= 4 {
			typ, el := binary.BigEndian.Uint16(b), int(binary.BigEndian.Uint16(b[2:]))
			if len(b) < 4+el {
				break
			}
			if typ == ExtSupportedVersions && el == 2 {
				r.Version = binary.BigEndian.Uint16(b[4:])
			}
			b = b[4+el:]
		}
	}
	r.HRR, r.ServerHello = hrr, !hrr
}

// helloDone reports whether the plaintext handshake bytes hs hold a
// ServerHelloDone (the end of a TLS 1.2 server's first flight).
func helloDone(hs []byte) bool {
	for len(hs) >= 4 {
		l := int(hs[1])<<16 | int(hs[2])<<8 | int(hs[3])
		if len(hs) < 4+l {
			return false
		}
		if hs[0] == 14 {
			return true
		}
		hs = hs[4+l:]
	}
	return false
}

// OfferedSuites returns the cipher suites of the ClientHello carried by the
// handshake records at the start of data (nil if there is none).
func OfferedSuites(data []byte) []uint16 {
	var hs []byte
	for len(data) >= 5 {
		l := int(data[3])<<8 | int(data[4])
		if len(data) < 5+l {
			break
		}
		if data[0] == Handshake {
			hs = append(hs, data[5:5+l]...)
		}
		data = data[5+l:]
	}
	if len(hs) < 4+35 || hs[0] != 1 {
		return nil
	}
	b := hs[4+34:]
	sid := int(b[0])
	if len(b) < 1+sid+2 {
		return nil
	}
	b = b[1+sid:]
	n := int(binary.BigEndian.Uint16(b))
	if len(b) < 2+n {
		return nil
	}
	var out []uint16
	for i := 2; i+1 < 2+n; i += 2 {
		out = append(out, binary.BigEndian.Uint16(b[i:]))
	}
	return out
}

// ParseReply is ReadReply over bytes already received (End is "eof" when
// they run out).
func ParseReply(b []byte) Reply { return readReply(&bytesConn{b: b}, time.Second, false) }

// bytesConn is a net.Conn that reads b and then io.EOF.
type bytesConn struct {
	net.Conn // nil: only Read and SetReadDeadline are used
	b        []byte
}

func (c *bytesConn) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.b)
	c.b = c.b[n:]
	return n, nil
}

func (c *bytesConn) SetReadDeadline(time.Time) error { return nil }
