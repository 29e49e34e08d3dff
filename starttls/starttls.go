// Package starttls runs the plaintext part of the protocols that upgrade a
// connection to TLS in the middle (SMTP's STARTTLS, IMAP's STARTTLS, FTP's
// AUTH TLS, PostgreSQL's SSLRequest, ...), up to the point where the TLS
// handshake starts, as `openssl s_client -starttls PROTOCOL` does:
//
//	raw, _ := net.Dial("tcp", "mail.example.com:25")
//	conn, err := starttls.Negotiate(ctx, raw, "smtp", starttls.Options{})
//	if err != nil { ... }          // *starttls.Error: protocol, step, server's answer
//	st, err := cctx.Client(conn, nil) // then the TLS handshake
//
// Every dialogue reads the server's replies byte by byte, so nothing that
// belongs to the TLS session is consumed: the connection Negotiate returns is
// the one it was given, ready to be wrapped.
//
// The dialogues are those of OpenSSL 3.0's s_client, with two differences
// that make failures clearer: where s_client sends its upgrade command and
// starts the handshake whatever the server answered, Negotiate checks the
// answer and returns an *Error quoting it (a refused SMTP STARTTLS, "454 TLS
// not available", is reported as such rather than as a TLS record error); and
// where s_client reads one chunk of data and hopes it holds the whole reply,
// Negotiate reads whole lines, packets or elements. An IRC server's lines
// without a numeric (NOTICE, PING) are skipped, where s_client gives up.
package starttls

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Options tune the dialogues; the zero value does what s_client does.
type Options struct {
	// Name is the host name the client announces where a protocol asks
	// for one: SMTP's EHLO and LMTP's LHLO (default "mail.example.com", as
	// s_client), the XMPP stream's to= (default Host). s_client's -name.
	Name string
	// Host is the server's host name, the default of XMPP's to=.
	Host string
	// IRCTimeout bounds the wait for an IRC server's answer to STARTTLS
	// (many servers that do not support it say nothing); default 8s, as
	// s_client.
	IRCTimeout time.Duration
}

// Error is a dialogue that did not reach the TLS handshake.
type Error struct {
	// Protocol is the protocol's name, as given to Negotiate.
	Protocol string
	// Step is what was under way: "greeting", "EHLO", "STARTTLS", ...
	Step string
	// Reply is what the server answered, lines joined with " | "; empty
	// when it answered nothing (closed, timed out).
	Reply string
	// Err is the underlying cause.
	Err error
}

// Error says which protocol, which step, and what the server answered.
func (e *Error) Error() string {
	msg := fmt.Sprintf("starttls %s: %s: %v", e.Protocol, e.Step, e.Err)
	if e.Reply != "" {
		msg += fmt.Sprintf(" (server replied %q)", e.Reply)
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrRefused is the cause of an *Error when the server answered the upgrade
// request (or the capability query before it) with a refusal.
var ErrRefused = errors.New("server refused")

// dialogue is one protocol's plaintext part.
type dialogue func(d *dialog) error

// lookup returns proto's dialogue.
func lookup(proto string) (dialogue, bool) {
	switch proto {
	case "smtp":
		return smtpDialogue("EHLO"), true
	case "lmtp":
		return smtpDialogue("LHLO"), true
	case "pop3":
		return pop3Dialogue, true
	case "imap":
		return imapDialogue, true
	case "ftp":
		return ftpDialogue, true
	case "xmpp":
		return xmppDialogue("client"), true
	case "xmpp-server":
		return xmppDialogue("server"), true
	case "telnet":
		return telnetDialogue, true
	case "irc":
		return ircDialogue, true
	case "postgres":
		return postgresDialogue, true
	case "mysql":
		return mysqlDialogue, true
	case "nntp":
		return nntpDialogue, true
	case "sieve":
		return sieveDialogue, true
	case "ldap":
		return ldapDialogue, true
	}
	return nil, false
}

// Protocols returns the names Negotiate accepts, sorted: those of
// `openssl s_client -starttls` (OpenSSL 3.0) that work over TCP.
func Protocols() []string {
	return []string{"ftp", "imap", "irc", "ldap", "lmtp", "mysql", "nntp", "pop3", "postgres", "sieve", "smtp", "telnet", "xmpp", "xmpp-server"}
}

// Negotiate runs proto's plaintext dialogue on conn and returns conn, ready
// for the TLS handshake. ctx bounds the dialogue (its deadline becomes the
// connection's, and cancelling it interrupts a blocked read); the
// connection's deadline is cleared again on success. A failed dialogue
// returns an *Error; the caller closes conn.
func Negotiate(ctx context.Context, conn net.Conn, proto string, opts Options) (net.Conn, error) {
	run, ok := lookup(proto)
	if !ok {
		return nil, fmt.Errorf("starttls: unknown protocol %q (known: %s)", proto, strings.Join(Protocols(), ", "))
	}
	if conn == nil {
		return nil, &Error{Protocol: proto, Step: "start", Err: errors.New("no connection")}
	}
	if err := ctx.Err(); err != nil {
		return nil, &Error{Protocol: proto, Step: "start", Err: err}
	}
	d := &dialog{conn: conn, proto: proto, opts: opts}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
		d.deadline = dl
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	err := run(d)
	if !stop() || ctx.Err() != nil {
		// Cancelled: the deadline in the past may have caused err.
		if err == nil {
			err = &Error{Protocol: proto, Step: "start", Err: ctx.Err()}
		} else {
			var se *Error
			if errors.As(err, &se) && !errors.Is(se.Err, ctx.Err()) {
				se.Err = fmt.Errorf("%w (%v)", ctx.Err(), se.Err)
			}
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	return conn, nil
}
