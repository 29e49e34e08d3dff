package starttls

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// smtpDialogue is SMTP (RFC 3207) or LMTP (RFC 2033): greeting 220, EHLO or
// LHLO, STARTTLS, 220. Like s_client, STARTTLS is sent even when the EHLO
// reply does not list it; a refusal then says it was not listed.
func smtpDialogue(hello string) dialogue {
	return func(d *dialog) error {
		greet, err := d.readNumericReply("greeting")
		if err != nil {
			return err
		}
		if greet.code != "220" {
			return d.refused("greeting", greet.lines, "reply code %s, want 220", greet.code)
		}
		name := d.opts.Name
		if name == "" {
			name = "mail.example.com"
		}
		if err := d.send(hello, hello+" "+name+"\r\n"); err != nil {
			return err
		}
		caps, err := d.readNumericReply(hello)
		if err != nil {
			return err
		}
		if caps.code != "250" {
			return d.refused(hello, caps.lines, "reply code %s, want 250", caps.code)
		}
		offered := hasWord(caps.lines, 4, "STARTTLS")
		if err := d.send("STARTTLS", "STARTTLS\r\n"); err != nil {
			return err
		}
		r, err := d.readNumericReply("STARTTLS")
		if err == nil && r.code == "220" {
			return nil
		}
		if err == nil {
			err = d.refused("STARTTLS", r.lines, "reply code %s, want 220", r.code)
		}
		if !offered {
			var se *Error
			if errors.As(err, &se) {
				se.Err = fmt.Errorf("%w; the server does not offer STARTTLS in its %s reply %q", se.Err, hello, strings.Join(caps.lines, " | "))
			}
		}
		return err
	}
}

// ftpDialogue is FTP (RFC 4217):
// greeting 220, AUTH TLS, 234.
func ftpDialogue(d *dialog) error {
	greet, err := d.readNumericReply("greeting")
	if err != nil {
		return err
	}
	if greet.code != "220" {
		return d.refused("greeting", greet.lines, "reply code %s, want 220", greet.code)
	}
	if err := d.send("AUTH TLS", "AUTH TLS\r\n"); err != nil {
		return err
	}
	r, err := d.readNumericReply("AUTH TLS")
	if err != nil {
		return err
	}
	if r.code != "234" {
		return d.refused("AUTH TLS", r.lines, "reply code %s, want 234", r.code)
	}
	return nil
}

// pop3Dialogue is POP3 (RFC 2595): greeting +OK, STLS, +OK.
func pop3Dialogue(d *dialog) error {
	greet, err := d.readLine("greeting")
	if err != nil {
		return err
	}
	if !hasPrefixFold(greet, "+OK") {
		return d.refused("greeting", []string{greet}, "want +OK")
	}
	if err := d.send("STLS", "STLS\r\n"); err != nil {
		return err
	}
	r, err := d.readLine("STLS")
	if err != nil {
		return err
	}
	if !hasPrefixFold(r, "+OK") {
		return d.refused("STLS", []string{r}, "want +OK")
	}
	return nil
}

// imapDialogue is IMAP (RFC 3501): greeting "* OK", ". CAPABILITY", ".
// STARTTLS", ". OK". The tag is s_client's ".".
func imapDialogue(d *dialog) error {
	greet, err := d.readLine("greeting")
	if err != nil {
		return err
	}
	if !hasPrefixFold(greet, "* OK") {
		return d.refused("greeting", []string{greet}, "want * OK")
	}
	if err := d.send("CAPABILITY", ". CAPABILITY\r\n"); err != nil {
		return err
	}
	lines, tagged, err := d.readTagged("CAPABILITY")
	if err != nil {
		return err
	}
	offered := false
	for _, l := range lines {
		if hasPrefixFold(l, "* CAPABILITY ") {
			for _, w := range strings.Fields(l)[2:] {
				offered = offered || strings.EqualFold(w, "STARTTLS")
			}
		}
	}
	if !hasPrefixFold(tagged, ". OK") {
		return d.refused("CAPABILITY", append(lines, tagged), "want . OK")
	}
	if err := d.send("STARTTLS", ". STARTTLS\r\n"); err != nil {
		return err
	}
	more, tagged, err := d.readTagged("STARTTLS")
	if err != nil {
		return err
	}
	if !hasPrefixFold(tagged, ". OK") {
		why := "want . OK"
		if !offered {
			why += "; the server does not announce STARTTLS in its CAPABILITY reply"
		}
		return d.refused("STARTTLS", append(more, tagged), "%s", why)
	}
	return nil
}

// readTagged reads untagged lines up to the line tagged ".".
func (d *dialog) readTagged(step string) (untagged []string, tagged string, err error) {
	total := 0
	for {
		line, err := d.readLine(step)
		if err != nil {
			return untagged, "", err
		}
		if strings.HasPrefix(line, ". ") {
			return untagged, line, nil
		}
		total += len(line)
		if total > maxReply {
			return untagged, "", d.fail(step, untagged[:1], fmt.Errorf("reply longer than %d bytes", maxReply))
		}
		untagged = append(untagged, line)
	}
}

// nntpDialogue is NNTP (RFC 4642): greeting 200 or 201, CAPABILITIES (101
// and a list ending in "."), STARTTLS, 382.
func nntpDialogue(d *dialog) error {
	greet, err := d.readLine("greeting")
	if err != nil {
		return err
	}
	if code, _, ok := parseNumericLine(greet); !ok || (code != "200" && code != "201") {
		return d.refused("greeting", []string{greet}, "want 200 or 201")
	}
	if err := d.send("CAPABILITIES", "CAPABILITIES\r\n"); err != nil {
		return err
	}
	first, err := d.readLine("CAPABILITIES")
	if err != nil {
		return err
	}
	offered := false
	if code, _, ok := parseNumericLine(first); ok && code == "101" {
		lines, err := d.readDotList("CAPABILITIES")
		if err != nil {
			return err
		}
		offered = hasWord(lines, 0, "STARTTLS")
	}
	if err := d.send("STARTTLS", "STARTTLS\r\n"); err != nil {
		return err
	}
	r, err := d.readLine("STARTTLS")
	if err != nil {
		return err
	}
	if code, _, ok := parseNumericLine(r); !ok || code != "382" {
		why := "want 382"
		if !offered {
			why += "; the server does not list STARTTLS in its CAPABILITIES"
		}
		return d.refused("STARTTLS", []string{r}, "%s", why)
	}
	return nil
}

// readDotList reads the lines of a multi-line block up to the lone ".".
func (d *dialog) readDotList(step string) ([]string, error) {
	var lines []string
	total := 0
	for {
		line, err := d.readLine(step)
		if err != nil {
			return lines, err
		}
		if line == "." {
			return lines, nil
		}
		total += len(line)
		if total > maxReply {
			return lines, d.fail(step, lines[:1], fmt.Errorf("reply longer than %d bytes", maxReply))
		}
		lines = append(lines, line)
	}
}

// sieveDialogue is ManageSieve (RFC 5804): capability lines in quotes
// ending in OK, STARTTLS, OK.
func sieveDialogue(d *dialog) error {
	var caps []string
	offered := false
	total := 0
	for {
		line, err := d.readLine("greeting")
		if err != nil {
			return err
		}
		if !strings.HasPrefix(line, `"`) {
			if !hasPrefixFold(line, "OK") {
				return d.refused("greeting", append(caps, line), "want OK after the capabilities")
			}
			break
		}
		total += len(line)
		if total > maxReply {
			return d.fail("greeting", caps[:1], fmt.Errorf("reply longer than %d bytes", maxReply))
		}
		caps = append(caps, line)
		offered = offered || hasPrefixFold(line, `"STARTTLS"`)
	}
	if err := d.send("STARTTLS", "STARTTLS\r\n"); err != nil {
		return err
	}
	r, err := d.readLine("STARTTLS")
	if err != nil {
		return err
	}
	if !hasPrefixFold(r, "OK") {
		why := "want OK"
		if !offered {
			why += `; the server does not list "STARTTLS" in its capabilities`
		}
		return d.refused("STARTTLS", []string{r}, "%s", why)
	}
	return nil
}

// ircDialogue is IRC's STARTTLS extension (IRCv3 tls): STARTTLS, then
// numeric 670 (RPL_STARTTLS). 691 (ERR_STARTTLS), or 421/451 naming
// STARTTLS, is a refusal; so is silence for Options.IRCTimeout. Lines that
// carry no numeric (NOTICE, PING) are skipped.
func ircDialogue(d *dialog) error {
	if err := d.send("STARTTLS", "STARTTLS\r\n"); err != nil {
		return err
	}
	wait := d.opts.IRCTimeout
	if wait <= 0 {
		wait = 8 * time.Second
	}
	until := time.Now().Add(wait)
	if !d.deadline.IsZero() && d.deadline.Before(until) {
		until = d.deadline
	}
	_ = d.conn.SetReadDeadline(until)
	var seen []string
	total := 0
	for {
		line, err := d.readLine("STARTTLS")
		if err != nil {
			var se *Error
			if errors.As(err, &se) {
				se.Reply = strings.Join(seen, " | ")
				if isTimeout(err) {
					se.Err = fmt.Errorf("%w: no answer within %v (servers without STARTTLS often say nothing)", ErrRefused, wait)
				}
			}
			return err
		}
		total += len(line)
		if total > maxReply {
			return d.fail("STARTTLS", seen[:1], fmt.Errorf("reply longer than %d bytes", maxReply))
		}
		seen = append(seen, line)
		switch n := ircNumeric(line); {
		case n == 670:
			_ = d.conn.SetReadDeadline(d.deadline)
			return nil
		case n == 691:
			return d.refused("STARTTLS", []string{line}, "ERR_STARTTLS (691)")
		case (n == 421 || n == 451) && strings.Contains(line, "STARTTLS"):
			return d.refused("STARTTLS", []string{line}, "STARTTLS not supported (%d)", n)
		}
	}
}

// ircNumeric returns the numeric of ":server 670 nick :STARTTLS ...", or
// 0 when the second word is not a three-digit number.
func ircNumeric(line string) int {
	f := strings.Fields(line)
	if len(f) < 2 || len(f[1]) != 3 {
		return 0
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
