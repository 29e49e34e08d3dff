package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
)

// maxLine bounds one line of a plaintext protocol exchange.
const maxLine = 4096

// startTLS runs the plaintext part of a protocol up to the point where the
// TLS handshake starts. It reads byte by byte so that nothing belonging to
// the TLS session is consumed.
func startTLS(conn net.Conn, proto string) error {
	switch proto {
	case "smtp":
		return startSMTP(conn)
	case "imap":
		return startIMAP(conn)
	case "ftp":
		return startFTP(conn)
	case "postgres":
		return startPostgres(conn)
	}
	return fmt.Errorf("unknown protocol %q", proto)
}

// readLine reads one line ending in \n, without the line ending.
func readLine(r io.Reader) (string, error) {
	var b []byte
	one := make([]byte, 1)
	for len(b) < maxLine {
		if _, err := io.ReadFull(r, one); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return "", fmt.Errorf("server closed the connection (after %q)", string(b))
			}
			return "", err
		}
		if one[0] == '\n' {
			return strings.TrimRight(string(b), "\r"), nil
		}
		b = append(b, one[0])
	}
	return "", fmt.Errorf("line longer than %d bytes", maxLine)
}

// readReply reads a (possibly multi-line, "250-...") SMTP/FTP reply and
// returns its code and lines.
func readReply(r io.Reader) (string, []string, error) {
	var lines []string
	for {
		line, err := readLine(r)
		if err != nil {
			return "", lines, err
		}
		lines = append(lines, line)
		if len(line) < 3 {
			return "", lines, fmt.Errorf("malformed reply %q", line)
		}
		if len(line) == 3 || line[3] == ' ' {
			return line[:3], lines, nil
		}
	}
}

func expect(r io.Reader, code, what string) ([]string, error) {
	got, lines, err := readReply(r)
	if err != nil {
		return lines, fmt.Errorf("%s: %w", what, err)
	}
	if got != code {
		return lines, fmt.Errorf("%s: server replied %q, want %s", what, strings.Join(lines, " | "), code)
	}
	return lines, nil
}

func startSMTP(c net.Conn) error {
	if _, err := expect(c, "220", "greeting"); err != nil {
		return err
	}
	if _, err := io.WriteString(c, "EHLO sslstream.invalid\r\n"); err != nil {
		return err
	}
	lines, err := expect(c, "250", "EHLO")
	if err != nil {
		return err
	}
	found := false
	for _, l := range lines {
		if len(l) > 4 && strings.EqualFold(strings.TrimSpace(l[4:]), "STARTTLS") {
			found = true
		}
	}
	if !found {
		return errors.New("server does not offer STARTTLS in its EHLO reply")
	}
	if _, err := io.WriteString(c, "STARTTLS\r\n"); err != nil {
		return err
	}
	_, err = expect(c, "220", "STARTTLS")
	return err
}

func startFTP(c net.Conn) error {
	if _, err := expect(c, "220", "greeting"); err != nil {
		return err
	}
	if _, err := io.WriteString(c, "AUTH TLS\r\n"); err != nil {
		return err
	}
	_, err := expect(c, "234", "AUTH TLS")
	return err
}

func startIMAP(c net.Conn) error {
	greet, err := readLine(c)
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	if !strings.HasPrefix(strings.ToUpper(greet), "* OK") {
		return fmt.Errorf("greeting: %q, want * OK", greet)
	}
	if _, err := io.WriteString(c, "a1 CAPABILITY\r\n"); err != nil {
		return err
	}
	found := false
	for {
		line, err := readLine(c)
		if err != nil {
			return fmt.Errorf("CAPABILITY: %w", err)
		}
		if strings.Contains(strings.ToUpper(line), "STARTTLS") && strings.HasPrefix(line, "* ") {
			found = true
		}
		if strings.HasPrefix(line, "a1 ") {
			if !strings.HasPrefix(strings.ToUpper(line), "A1 OK") {
				return fmt.Errorf("CAPABILITY: %q", line)
			}
			break
		}
	}
	if !found {
		return errors.New("server does not announce STARTTLS")
	}
	if _, err := io.WriteString(c, "a2 STARTTLS\r\n"); err != nil {
		return err
	}
	for {
		line, err := readLine(c)
		if err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
		if strings.HasPrefix(line, "a2 ") {
			if !strings.HasPrefix(strings.ToUpper(line), "A2 OK") {
				return fmt.Errorf("STARTTLS: %q", line)
			}
			return nil
		}
	}
}

// postgresSSLRequest is the SSLRequest message: length 8, code 80877103.
func startPostgres(c net.Conn) error {
	var msg [8]byte
	binary.BigEndian.PutUint32(msg[0:], 8)
	binary.BigEndian.PutUint32(msg[4:], 80877103)
	if _, err := c.Write(msg[:]); err != nil {
		return err
	}
	var resp [1]byte
	if _, err := io.ReadFull(c, resp[:]); err != nil {
		return fmt.Errorf("SSLRequest: %w", err)
	}
	switch resp[0] {
	case 'S':
		return nil
	case 'N':
		return errors.New("server refused SSL (SSLRequest answered N)")
	}
	return fmt.Errorf("SSLRequest: unexpected answer %q", resp[0])
}
