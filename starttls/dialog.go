package starttls

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// maxLine bounds one line of a text protocol's reply, maxReply a whole
// multi-line reply, XMPP features or a binary packet: a server that sends
// more is not speaking the protocol.
const (
	maxLine  = 4096
	maxReply = 64 << 10
)

// dialog is one running dialogue.
type dialog struct {
	conn  net.Conn
	proto string
	opts  Options
	// deadline is the context's deadline (zero: none).
	deadline time.Time
}

// fail builds the *Error of a step; reply is what the server answered.
func (d *dialog) fail(step string, reply []string, err error) error {
	return &Error{Protocol: d.proto, Step: step, Reply: strings.Join(reply, " | "), Err: err}
}

// refused is fail with ErrRefused and a detail.
func (d *dialog) refused(step string, reply []string, format string, a ...any) error {
	detail := fmt.Sprintf(format, a...)
	return d.fail(step, reply, fmt.Errorf("%w: %s", ErrRefused, detail))
}

// send writes s in one write.
func (d *dialog) send(step, s string) error {
	if _, err := io.WriteString(d.conn, s); err != nil {
		return d.fail(step, nil, fmt.Errorf("sending %q: %w", strings.TrimSpace(s), err))
	}
	return nil
}

// sendBytes writes b in one write.
func (d *dialog) sendBytes(step string, b []byte) error {
	if _, err := d.conn.Write(b); err != nil {
		return d.fail(step, nil, fmt.Errorf("sending: %w", err))
	}
	return nil
}

// errClosed is the cause when the server closed before answering.
var errClosed = errors.New("server closed the connection")

// readFull reads exactly len(b) bytes.
func (d *dialog) readFull(step string, b []byte) error {
	if _, err := io.ReadFull(d.conn, b); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return d.fail(step, nil, errClosed)
		}
		return d.fail(step, nil, err)
	}
	return nil
}

// readLine reads one line ending in "\n", returned without "\r\n". It
// reads byte by byte: what follows the line may be the TLS handshake.
func (d *dialog) readLine(step string) (string, error) {
	return readLine(d.conn, func(err error) error { return d.fail(step, nil, err) })
}

// readLine reads a line from r; wrap turns a cause into the caller's error.
func readLine(r io.Reader, wrap func(error) error) (string, error) {
	var b []byte
	one := make([]byte, 1)
	for len(b) < maxLine {
		if _, err := io.ReadFull(r, one); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				if len(b) > 0 {
					return "", wrap(fmt.Errorf("%w in the middle of the line %q", errClosed, b))
				}
				return "", wrap(errClosed)
			}
			return "", wrap(err)
		}
		if one[0] == '\n' {
			return strings.TrimSuffix(string(b), "\r"), nil
		}
		b = append(b, one[0])
	}
	return "", wrap(fmt.Errorf("reply line longer than %d bytes", maxLine))
}

// numericReply is a reply of SMTP, LMTP or FTP: a three-digit code on every
// line, "-" after the code on every line but the last.
type numericReply struct {
	code  string
	lines []string
}

// readNumericReply reads one (possibly multi-line) numeric reply.
func (d *dialog) readNumericReply(step string) (numericReply, error) {
	var r numericReply
	total := 0
	for {
		line, err := d.readLine(step)
		if err != nil {
			var se *Error
			if errors.As(err, &se) {
				se.Reply = strings.Join(r.lines, " | ")
			}
			return r, err
		}
		total += len(line)
		r.lines = append(r.lines, line)
		code, last, ok := parseNumericLine(line)
		if !ok {
			return r, d.fail(step, r.lines, fmt.Errorf("malformed reply line %q (want a three-digit code)", line))
		}
		if r.code == "" {
			r.code = code
		} else if code != r.code {
			// RFC 5321 4.2.1 and RFC 959 4.2: every line of a reply
			// carries the code of its first line.
			return r, d.fail(step, r.lines, fmt.Errorf("reply line %q has code %s, the reply began with %s", line, code, r.code))
		}
		if last {
			return r, nil
		}
		if total > maxReply {
			return r, d.fail(step, r.lines[:1], fmt.Errorf("reply longer than %d bytes", maxReply))
		}
	}
}

// parseNumericLine splits "250-PIPELINING" into its code and whether it is
// the reply's last line ("250 ..." or a bare "250").
func parseNumericLine(line string) (code string, last, ok bool) {
	if len(line) < 3 {
		return "", false, false
	}
	for i := 0; i < 3; i++ {
		if line[i] < '0' || line[i] > '9' {
			return "", false, false
		}
	}
	if len(line) == 3 || line[3] == ' ' {
		return line[:3], true, true
	}
	if line[3] == '-' {
		return line[:3], false, true
	}
	return "", false, false
}

// hasWord reports whether the text of some line, after its first skip
// bytes, starts with the word w (case-insensitive).
func hasWord(lines []string, skip int, w string) bool {
	for _, l := range lines {
		if len(l) < skip {
			continue
		}
		f := strings.Fields(l[skip:])
		if len(f) > 0 && strings.EqualFold(f[0], w) {
			return true
		}
	}
	return false
}
