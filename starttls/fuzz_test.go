package starttls

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// scriptedConn is a net.Conn whose peer "sends" a fixed byte string and
// swallows whatever is written.
type scriptedConn struct {
	net.Conn // nil: only the methods below are used
	r        *bytes.Reader
}

func (s *scriptedConn) Read(p []byte) (int, error)       { return s.r.Read(p) }
func (s *scriptedConn) Write(p []byte) (int, error)      { return len(p), nil }
func (s *scriptedConn) SetDeadline(time.Time) error      { return nil }
func (s *scriptedConn) SetReadDeadline(time.Time) error  { return nil }
func (s *scriptedConn) SetWriteDeadline(time.Time) error { return nil }

// FuzzNegotiate feeds arbitrary server bytes to every protocol's dialogue:
// no panic, no hang, and a failure is always an *Error naming the
// protocol.
func FuzzNegotiate(f *testing.F) {
	f.Add(uint8(0), []byte(postfixGreeting+postfixEHLO+"220 go\r\n"))
	f.Add(uint8(1), []byte("* OK ready\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\n. OK done\r\n. OK go\r\n"))
	f.Add(uint8(2), []byte(":irc 670 * :go\r\n"))
	f.Add(uint8(3), ldapResponse(0, ""))
	f.Add(uint8(3), ldapResponse(52, "no"))
	f.Add(uint8(5), mysqlGreeting(true))
	f.Add(uint8(6), []byte("200 hi\r\n101 caps\r\nSTARTTLS\r\n.\r\n382 go\r\n"))
	f.Add(uint8(9), []byte(pigeonholeCaps+"OK go\r\n"))
	f.Add(uint8(12), []byte("<stream:stream><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features><proceed/>"))
	f.Add(uint8(11), []byte{255, 253, 46, 255, 250, 46, 1, 255, 240})
	f.Add(uint8(8), []byte("S"))
	f.Add(uint8(0), []byte("220-a\r\n220 b\r\n250-x\r\n250 y\r\n454 no\r\n"))
	protos := Protocols()
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		proto := protos[int(which)%len(protos)]
		c := &scriptedConn{r: bytes.NewReader(data)}
		conn, err := Negotiate(context.Background(), c, proto, Options{IRCTimeout: time.Millisecond})
		if err == nil {
			if conn != c {
				t.Fatalf("%s: success returned another conn", proto)
			}
			return
		}
		var se *Error
		if !errors.As(err, &se) || se.Protocol != proto {
			t.Fatalf("%s: error %v is not an *Error for the protocol", proto, err)
		}
	})
}

// FuzzParseLDAPExtendedResponse: no panic; a successful parse of a
// message we build round-trips the result code.
func FuzzParseLDAPExtendedResponse(f *testing.F) {
	f.Add(ldapResponse(0, ""))
	f.Add(ldapResponse(53, "unwilling"))
	f.Add([]byte{0x30, 0x84, 0, 0, 0, 5})
	f.Fuzz(func(t *testing.T, msg []byte) {
		code, _, err := parseLDAPExtendedResponse(msg)
		if err == nil && code < 0 {
			t.Fatalf("negative code %d", code)
		}
	})
}

// FuzzParseMySQLHandshake: no panic on any payload.
func FuzzParseMySQLHandshake(f *testing.F) {
	f.Add(mysqlGreeting(true)[4:])
	f.Add(mysqlGreeting(false)[4:])
	f.Add([]byte{0xff, 0x6a, 0x04, '#', '2', '8', '0', '0', '0', 'x'})
	f.Fuzz(func(t *testing.T, p []byte) {
		hs, err := parseMySQLHandshake(p)
		if err == nil && hs.errMsg == "" && (len(p) == 0 || p[0] != 10) {
			t.Fatalf("accepted a packet of protocol %v", p[:1])
		}
	})
}

// FuzzReadNumericReply feeds arbitrary server bytes to the SMTP/LMTP/FTP
// reply reader: no panic, never a read past the reply's last line, and a
// reply that came back whole has its code on every line.
func FuzzReadNumericReply(f *testing.F) {
	for _, s := range []string{
		"220 ready\r\n", "220-a\r\n220-b\r\n220 c\r\n", "250-x\n250 STARTTLS\n", "2\r\n", "",
		"554 no\r\nEXTRA", "220", "220-\r\n", "234 AUTH TLS OK\r\n\x16\x03\x01",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		d := &dialog{conn: &scriptedConn{r: r}, proto: "smtp"}
		rep, err := d.readNumericReply("test")
		if err != nil {
			return
		}
		if len(rep.code) != 3 || len(rep.lines) == 0 {
			t.Fatalf("readNumericReply(%q) = %+v", data, rep)
		}
		for _, l := range rep.lines {
			if !strings.HasPrefix(l, rep.code) {
				t.Fatalf("readNumericReply(%q): line %q lacks code %s", data, l, rep.code)
			}
		}
		consumed := len(data) - r.Len()
		if i := bytes.LastIndexByte(data[:consumed], '\n'); i != consumed-1 {
			t.Fatalf("readNumericReply(%q) read past the end of the reply (consumed %d)", data, consumed)
		}
	})
}
