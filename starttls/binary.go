package starttls

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// xmppDialogue is XMPP (RFC 6120 §5) for a client ("client") or a server
// ("server") stream: the stream header, the server's features with
// <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>, <starttls/>, <proceed/>.
func xmppDialogue(ns string) dialogue {
	return func(d *dialog) error {
		to := d.opts.Name
		if to == "" {
			to = d.opts.Host
		}
		header := "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:" + ns +
			"' to='" + xmlEscape(to) + "' version='1.0'>"
		if err := d.send("stream", header); err != nil {
			return err
		}
		features, err := d.readXML("stream features", func(b []byte) bool {
			return bytes.Contains(b, []byte("</stream:features>")) || bytes.Contains(b, []byte("<stream:features/>")) ||
				bytes.Contains(b, []byte("</stream:error>")) || bytes.Contains(b, []byte("</stream:stream>"))
		})
		if err != nil {
			return err
		}
		if !xmppOffersTLS(features) {
			if i := bytes.Index(features, []byte("<stream:error")); i >= 0 {
				return d.refused("stream features", []string{string(features[i:])}, "stream error")
			}
			return d.refused("stream features", []string{string(features)}, "no <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'> among the stream features")
		}
		if err := d.send("starttls", "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"); err != nil {
			return err
		}
		answer, err := d.readXML("starttls", func(b []byte) bool {
			for _, el := range []string{"<proceed", "<failure", "<stream:error"} {
				if i := bytes.Index(b, []byte(el)); i >= 0 && bytes.HasSuffix(b, []byte(">")) && bytes.IndexByte(b[i:], '>') >= 0 {
					if el != "<stream:error" || bytes.Contains(b[i:], []byte("</stream:error>")) {
						return true
					}
				}
			}
			return false
		})
		if err != nil {
			return err
		}
		if !bytes.Contains(answer, []byte("<proceed")) {
			return d.refused("starttls", []string{string(answer)}, "want <proceed/>")
		}
		return nil
	}
}

// xmppOffersTLS reports whether the features hold the STARTTLS feature,
// with either quote style.
func xmppOffersTLS(features []byte) bool {
	return bytes.Contains(features, []byte("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'")) ||
		bytes.Contains(features, []byte(`<starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls"`))
}

// readXML reads byte by byte until done says the bytes so far hold what is
// wanted; it looks only after each '>'.
func (d *dialog) readXML(step string, done func([]byte) bool) ([]byte, error) {
	var b []byte
	one := make([]byte, 1)
	for len(b) < maxReply {
		if err := d.readFull(step, one); err != nil {
			var se *Error
			if errors.As(err, &se) && len(b) > 0 {
				se.Reply = string(b)
			}
			return b, err
		}
		b = append(b, one[0])
		if one[0] == '>' && done(b) {
			return b, nil
		}
	}
	return b, d.fail(step, nil, fmt.Errorf("no answer in the first %d bytes", maxReply))
}

// xmlEscape escapes s for an attribute in single quotes.
func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", "'", "&apos;", `"`, "&quot;").Replace(s)
}

// telnetDialogue is Telnet's START_TLS option
// (draft-altman-telnet-starttls), exactly as s_client does it: the server
// says IAC DO START_TLS (its first bytes), the client IAC WILL START_TLS
// and IAC SB START_TLS FOLLOWS IAC SE, and the server IAC SB START_TLS
// FOLLOWS IAC SE too.
func telnetDialogue(d *dialog) error {
	telnetDo := [3]byte{255, 253, 46}
	telnetWill := [3]byte{255, 251, 46}
	telnetFollows := [6]byte{255, 250, 46, 1, 255, 240}
	var do [3]byte
	if err := d.readFull("DO START_TLS", do[:]); err != nil {
		return err
	}
	if do != telnetDo {
		return d.refused("DO START_TLS", []string{fmt.Sprintf("% x", do)}, "want IAC DO START_TLS (ff fd 2e)")
	}
	msg := append(telnetWill[:], telnetFollows[:]...)
	if err := d.sendBytes("WILL START_TLS", msg); err != nil {
		return err
	}
	var follows [6]byte
	if err := d.readFull("SB START_TLS FOLLOWS", follows[:]); err != nil {
		return err
	}
	if follows != telnetFollows {
		return d.refused("SB START_TLS FOLLOWS", []string{fmt.Sprintf("% x", follows)}, "want IAC SB START_TLS FOLLOWS IAC SE (ff fa 2e 01 ff f0)")
	}
	return nil
}

// postgresDialogue is PostgreSQL's SSLRequest: length 8, code 80877103;
// the server answers S (go ahead) or N (no SSL).
func postgresDialogue(d *dialog) error {
	var msg [8]byte
	binary.BigEndian.PutUint32(msg[0:], 8)
	binary.BigEndian.PutUint32(msg[4:], 80877103)
	if err := d.sendBytes("SSLRequest", msg[:]); err != nil {
		return err
	}
	var resp [1]byte
	if err := d.readFull("SSLRequest", resp[:]); err != nil {
		return err
	}
	switch resp[0] {
	case 'S':
		return nil
	case 'N':
		return d.refused("SSLRequest", []string{"N"}, "the server does not accept SSL connections")
	case 'E':
		return d.refused("SSLRequest", []string{"E"}, "the server answered with an error message (a server older than SSLRequest?)")
	}
	return d.fail("SSLRequest", []string{fmt.Sprintf("%q", resp[0])}, errors.New("unexpected answer, want S or N"))
}

// MySQL capability flags.
const (
	mysqlLongPassword     = 0x00000001
	mysqlLongFlag         = 0x00000004
	mysqlProtocol41       = 0x00000200
	mysqlSSL              = 0x00000800
	mysqlTransactions     = 0x00002000
	mysqlSecureConnection = 0x00008000
	mysqlMultiResults     = 0x00020000
	mysqlPluginAuth       = 0x00080000
)

// mysqlDialogue is MySQL's SSL upgrade: the server's Initial Handshake
// packet (protocol 10) must have CLIENT_SSL; the client answers with an
// SSL Request packet (sequence number one more than the server's).
func mysqlDialogue(d *dialog) error {
	var hdr [4]byte
	if err := d.readFull("initial handshake", hdr[:]); err != nil {
		return err
	}
	n := int(hdr[0]) | int(hdr[1])<<8 | int(hdr[2])<<16
	if n > maxReply {
		return d.fail("initial handshake", []string{fmt.Sprintf("% x", hdr)}, fmt.Errorf("packet of %d bytes, more than the %d a handshake needs", n, maxReply))
	}
	payload := make([]byte, n)
	if err := d.readFull("initial handshake", payload); err != nil {
		return err
	}
	hs, err := parseMySQLHandshake(payload)
	if err != nil {
		return d.fail("initial handshake", []string{printable(payload, 80)}, err)
	}
	if hs.errMsg != "" {
		return d.refused("initial handshake", []string{hs.errMsg}, "error packet")
	}
	if hs.caps&mysqlSSL == 0 {
		return d.refused("initial handshake", []string{"server version " + hs.version}, "the server does not support SSL (no CLIENT_SSL capability)")
	}
	var req [36]byte
	req[0] = 32 // payload length, 3 bytes little-endian
	req[3] = hdr[3] + 1
	binary.LittleEndian.PutUint32(req[4:], mysqlLongPassword|mysqlLongFlag|mysqlProtocol41|mysqlSSL|mysqlTransactions|mysqlSecureConnection|mysqlMultiResults|mysqlPluginAuth)
	binary.LittleEndian.PutUint32(req[8:], 1<<24) // max packet size
	req[12] = 0x21                                // utf8_general_ci
	return d.sendBytes("SSL request", req[:])
}

// mysqlHandshake is what the dialogue needs from an Initial Handshake.
type mysqlHandshake struct {
	version string
	// caps holds the lower two bytes of the capability flags (the upper
	// two follow later in the packet; CLIENT_SSL is in the lower ones).
	caps uint32
	// errMsg is set when the packet is an error packet (0xff).
	errMsg string
}

// parseMySQLHandshake parses an Initial Handshake packet's payload.
func parseMySQLHandshake(p []byte) (mysqlHandshake, error) {
	var hs mysqlHandshake
	if len(p) == 0 {
		return hs, errors.New("empty packet")
	}
	if p[0] == 0xff {
		if len(p) < 3 {
			return hs, errors.New("truncated error packet")
		}
		code := binary.LittleEndian.Uint16(p[1:3])
		msg := p[3:]
		if len(msg) > 0 && msg[0] == '#' && len(msg) >= 6 {
			msg = msg[6:] // SQL state marker and state
		}
		hs.errMsg = fmt.Sprintf("error %d: %s", code, printable(msg, 200))
		return hs, nil
	}
	if p[0] != 10 {
		return hs, fmt.Errorf("protocol version %d, only 10 is supported", p[0])
	}
	end := bytes.IndexByte(p[1:], 0)
	if end < 0 {
		return hs, errors.New("server version not terminated")
	}
	hs.version = printable(p[1:1+end], 60)
	rest := p[1+end+1:]
	// connection id (4), auth-plugin-data part 1 (8), filler (1), capability flags lower (2)
	if len(rest) < 15 {
		return hs, errors.New("handshake packet too short")
	}
	if rest[12] != 0 {
		return hs, fmt.Errorf("filler byte %#x, want 0", rest[12])
	}
	hs.caps = uint32(binary.LittleEndian.Uint16(rest[13:15]))
	return hs, nil
}

// printable quotes at most max bytes of b for an error message.
func printable(b []byte, max int) string {
	if len(b) > max {
		return fmt.Sprintf("%q...", b[:max])
	}
	return fmt.Sprintf("%q", b)
}

// ldapStartTLSOID is the StartTLS extended operation (RFC 4511 §4.14).
const ldapStartTLSOID = "1.3.6.1.4.1.1466.20037"

// ldapDialogue is LDAP's StartTLS extended operation: an ExtendedRequest
// with message ID 1, an ExtendedResponse whose resultCode is 0 (success).
func ldapDialogue(d *dialog) error {
	oid := []byte(ldapStartTLSOID)
	// LDAPMessage ::= SEQUENCE { messageID 1, [APPLICATION 23] { [0] requestName } }
	req := []byte{0x30, byte(3 + 2 + 2 + len(oid)), 0x02, 0x01, 0x01, 0x77, byte(2 + len(oid)), 0x80, byte(len(oid))}
	req = append(req, oid...)
	if err := d.sendBytes("StartTLS request", req); err != nil {
		return err
	}
	msg, err := d.readBER("StartTLS response")
	if err != nil {
		return err
	}
	code, diag, err := parseLDAPExtendedResponse(msg)
	if err != nil {
		return d.fail("StartTLS response", []string{fmt.Sprintf("% x", msg[:min(len(msg), 32)])}, err)
	}
	if code != 0 {
		reply := fmt.Sprintf("resultCode %d (%s)", code, ldapResultName(code))
		if diag != "" {
			reply += ": " + diag
		}
		return d.refused("StartTLS response", []string{reply}, "want resultCode 0 (success)")
	}
	return nil
}

// readBER reads one BER element (tag, definite length, contents).
func (d *dialog) readBER(step string) ([]byte, error) {
	var hdr [2]byte
	if err := d.readFull(step, hdr[:]); err != nil {
		return nil, err
	}
	msg := hdr[:]
	n := int(hdr[1])
	if hdr[1]&0x80 != 0 {
		k := int(hdr[1] & 0x7f)
		if k == 0 || k > 3 {
			return nil, d.fail(step, []string{fmt.Sprintf("% x", hdr)}, errors.New("unsupported BER length"))
		}
		lb := make([]byte, k)
		if err := d.readFull(step, lb); err != nil {
			return nil, err
		}
		msg = append(msg, lb...)
		n = 0
		for _, b := range lb {
			n = n<<8 | int(b)
		}
	}
	if n > maxReply {
		return nil, d.fail(step, nil, fmt.Errorf("message of %d bytes, more than %d", n, maxReply))
	}
	body := make([]byte, n)
	if err := d.readFull(step, body); err != nil {
		return nil, err
	}
	return append(msg, body...), nil
}

// berElement splits one element off b: its tag, contents and the rest.
func berElement(b []byte) (tag byte, content, rest []byte, err error) {
	if len(b) < 2 {
		return 0, nil, nil, errors.New("truncated BER element")
	}
	tag, n, off := b[0], int(b[1]), 2
	if b[1]&0x80 != 0 {
		k := int(b[1] & 0x7f)
		if k == 0 || k > 3 || len(b) < 2+k {
			return 0, nil, nil, errors.New("bad BER length")
		}
		n = 0
		for _, c := range b[2 : 2+k] {
			n = n<<8 | int(c)
		}
		off = 2 + k
	}
	if n > len(b)-off {
		return 0, nil, nil, errors.New("BER element longer than the message")
	}
	return tag, b[off : off+n], b[off+n:], nil
}

// parseLDAPExtendedResponse returns the resultCode and diagnosticMessage
// of an LDAPMessage holding an ExtendedResponse ([APPLICATION 24]).
func parseLDAPExtendedResponse(msg []byte) (code int, diag string, err error) {
	tag, seq, _, err := berElement(msg)
	if err != nil {
		return 0, "", err
	}
	if tag != 0x30 {
		return 0, "", fmt.Errorf("LDAPMessage tag %#x, want SEQUENCE", tag)
	}
	tag, _, rest, err := berElement(seq) // messageID
	if err != nil {
		return 0, "", err
	}
	if tag != 0x02 {
		return 0, "", fmt.Errorf("messageID tag %#x, want INTEGER", tag)
	}
	tag, op, _, err := berElement(rest)
	if err != nil {
		return 0, "", err
	}
	if tag != 0x78 {
		return 0, "", fmt.Errorf("protocolOp tag %#x, want ExtendedResponse [APPLICATION 24]", tag)
	}
	tag, rc, rest, err := berElement(op)
	if err != nil {
		return 0, "", err
	}
	if tag != 0x0a || len(rc) == 0 || len(rc) > 4 {
		return 0, "", fmt.Errorf("resultCode tag %#x length %d, want ENUMERATED", tag, len(rc))
	}
	for _, c := range rc {
		code = code<<8 | int(c)
	}
	if rc[0]&0x80 != 0 {
		return 0, "", errors.New("negative resultCode")
	}
	if _, _, rest, err = berElement(rest); err != nil { // matchedDN
		return code, "", nil
	}
	if tag, dm, _, err := berElement(rest); err == nil && tag == 0x04 {
		diag = printableText(dm)
	}
	return code, diag, nil
}

// printableText is b with control bytes replaced, at most 200 bytes.
func printableText(b []byte) string {
	if len(b) > 200 {
		b = b[:200]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, string(b))
}

// ldapResultName names the resultCodes a StartTLS request usually gets.
func ldapResultName(code int) string {
	switch code {
	case 0:
		return "success"
	case 1:
		return "operationsError"
	case 2:
		return "protocolError"
	case 8:
		return "strongerAuthRequired"
	case 51:
		return "busy"
	case 52:
		return "unavailable"
	case 53:
		return "unwillingToPerform"
	case 80:
		return "other"
	}
	return "see RFC 4511 §4.1.9"
}
