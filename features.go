package sslstream

import (
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// Features are the settings beyond OpenSSL's that Settings embeds: ALPN,
// session resumption, the key log, the handshake trace and the CRL policy.
// The zero value turns on session resumption (as OpenSSL does) and nothing
// else. docs/FEATURES.md has an example of each.
type Features struct {
	// ALPN lists the application protocols, most preferred first (setting
	// "alpn", a comma list such as "h2,http/1.1"). A client offers them; a
	// server picks the first of its own that the client offers and, when
	// the client offers protocols and none matches, fails the handshake
	// with alert no_application_protocol, as OpenSSL's s_server does (one
	// exception, from crypto/tls: a client offering http/1.1 to a server
	// with h2 but not http/1.1 gets no ALPN instead). Empty = no ALPN.
	// Stream.NegotiatedProtocol reports the outcome.
	ALPN []string

	// SessionTickets turns session resumption on or off (setting
	// "session-tickets"). A server issues session tickets unless it is
	// false (nil = on, as in OpenSSL); its ticket key survives Reload. A
	// client keeps a session cache per context only when it is true (nil
	// = off: an OpenSSL client resumes only when the application hands it
	// a saved session) and then offers the cached session on the next
	// connection to the same server name (or address). A resumed
	// handshake reports the same verify result as the original: the
	// peer's chain, kept in the session, is verified again.
	//
	// With a client cache, a TLS 1.3 server sends its tickets after the
	// client's Finished; over an unbuffered transport such as net.Pipe a
	// client that writes before it reads then waits for the server, which
	// waits to send the ticket. TCP sockets are unaffected.
	SessionTickets *bool

	// KeyLog is a file to which the TLS secrets of every connection are
	// appended in the NSS key log format that Wireshark reads (setting
	// "keylog"). It decrypts every recorded connection: for debugging
	// only. The file is created with mode 0600 and opened for each line,
	// so it may be rotated or deleted at any time.
	KeyLog string
	// KeyLogFromEnv uses the file named by the SSLKEYLOGFILE environment
	// variable when KeyLog is "" (setting "keylog-from-env"). Off by
	// default: a variable in the environment alone never makes this
	// library write secrets.
	KeyLogFromEnv bool
	// KeyLogWriter receives the key log lines too (not settable by name).
	// Writes are serialized per context.
	KeyLogWriter io.Writer

	// Trace logs a structured record of each handshake phase with its
	// timing (setting "trace"): ClientHello sent or received, certificate
	// chosen, peer certificate verified with the result, handshake done
	// with version, suite, ALPN protocol and resumption, or failed. Records
	// go to TraceLogger, or to slog.Default() when TraceLogger is nil.
	Trace bool
	// TraceLogger receives the trace records; setting it turns Trace on.
	TraceLogger *slog.Logger

	// CRLPolicy relaxes CRL checking (see CRLPolicy).
	CRLPolicy CRLPolicy
}

// set handles the feature settings of Settings.Set; handled is false for
// names that are not feature settings.
func (f *Features) set(name, value string) (handled bool, err error) {
	switch name {
	case "alpn":
		p, err := parseALPN(value)
		if err != nil {
			return true, err
		}
		f.ALPN = p
	case "session-tickets":
		b, err := parseBool(name, value)
		if err != nil {
			return true, err
		}
		f.SessionTickets = &b
	case "keylog":
		f.KeyLog = value
	case "keylog-from-env":
		b, err := parseBool(name, value)
		if err != nil {
			return true, err
		}
		f.KeyLogFromEnv = b
	case "trace":
		b, err := parseBool(name, value)
		if err != nil {
			return true, err
		}
		f.Trace = b
	case "crl-missing", "crl-expired", "crl-not-yet-valid":
		a, err := ParseCRLAction(value)
		if err != nil {
			return true, fmt.Errorf("%s: %w", name, err)
		}
		switch name {
		case "crl-missing":
			if a == CRLGrace {
				return true, fmt.Errorf("crl-missing %q: allowed values are fail, allow (a grace period needs a CRL's dates)", value)
			}
			f.CRLPolicy.Missing = a
		case "crl-expired":
			f.CRLPolicy.Expired = a
		default:
			f.CRLPolicy.NotYetValid = a
		}
	case "crl-grace":
		d, err := time.ParseDuration(strings.TrimSpace(value))
		if err != nil || d < 0 {
			return true, fmt.Errorf("crl-grace %q: want a duration >= 0 such as 36h or 90m", value)
		}
		f.CRLPolicy.Grace = d
	case "crl-skip-trust-anchor":
		b, err := parseBool(name, value)
		if err != nil {
			return true, err
		}
		f.CRLPolicy.SkipTrustAnchor = b
	default:
		return false, nil
	}
	return true, nil
}

// parseALPN parses the alpn setting: a comma list of protocol names; ""
// or "none" is no protocol.
func parseALPN(value string) ([]string, error) {
	v := strings.TrimSpace(value)
	if v == "" || strings.EqualFold(v, "none") {
		return nil, nil
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" || len(p) > 255 {
			return nil, fmt.Errorf("alpn %q: each protocol name must be 1 to 255 bytes, separated by commas (\"h2,http/1.1\")", value)
		}
		out = append(out, p)
	}
	return out, nil
}

// features is the resolved, immutable form of Features in a config.
type features struct {
	alpn   []string
	keylog io.Writer    // nil = no key log
	trace  *slog.Logger // nil = no trace
	crl    CRLPolicy
}

// setFeatures resolves s.Features into c.feat and t (the config's fresh
// tls.Config).
func (c *config) setFeatures(s Settings, t *tls.Config) error {
	f := &features{crl: s.CRLPolicy}
	if err := f.crl.Validate(); err != nil {
		return settingsError("settings", err)
	}
	for _, p := range s.ALPN {
		if p == "" || len(p) > 255 {
			return settingsError("settings", fmt.Errorf("alpn %q: each protocol name must be 1 to 255 bytes", p))
		}
	}
	f.alpn = append([]string(nil), s.ALPN...)
	t.NextProtos = f.alpn

	if c.server {
		t.SessionTicketsDisabled = s.SessionTickets != nil && !*s.SessionTickets
	} else if s.SessionTickets != nil && *s.SessionTickets {
		t.ClientSessionCache = tls.NewLRUClientSessionCache(0)
	}

	path := s.KeyLog
	if path == "" && s.KeyLogFromEnv {
		path = os.Getenv("SSLKEYLOGFILE")
	}
	var ws []io.Writer
	if path != "" {
		w, err := openKeyLog(path)
		if err != nil {
			return settingsError("settings", err)
		}
		ws = append(ws, w)
	}
	if s.KeyLogWriter != nil {
		ws = append(ws, s.KeyLogWriter)
	}
	if len(ws) > 0 {
		f.keylog = &lockedWriter{w: io.MultiWriter(ws...)}
		t.KeyLogWriter = f.keylog
	}

	switch {
	case s.TraceLogger != nil:
		f.trace = s.TraceLogger
	case s.Trace:
		f.trace = slog.Default()
	}
	c.feat = f
	return nil
}

// overrideALPN applies an Overrides.ALPN value to n, a copy with its own
// tls.Config.
func (n *config) overrideALPN(value string) error {
	p, err := parseALPN(value)
	if err != nil {
		return settingsError("settings", err)
	}
	f := *n.feat
	f.alpn = p
	n.feat = &f
	n.tls.NextProtos = p
	return nil
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// keyLogFile appends each write to a file, opening it each time.
type keyLogFile string

// openKeyLog checks that the key log file can be created or appended to.
func openKeyLog(path string) (keyLogFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return "", fmt.Errorf("keylog %q: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("keylog %q: %w", path, err)
	}
	return keyLogFile(path), nil
}

func (k keyLogFile) Write(p []byte) (int, error) {
	f, err := os.OpenFile(string(k), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return 0, fmt.Errorf("keylog %q: %w", string(k), err)
	}
	n, err := f.Write(p)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("keylog %q: %w", string(k), err)
	}
	return n, nil
}

// NegotiatedProtocol returns the application protocol agreed by ALPN, or
// "" when none was (or before the handshake). It does not start the
// handshake.
func (s *Stream) NegotiatedProtocol() string { return s.conn.ConnectionState().NegotiatedProtocol }

// Resumed reports whether the handshake resumed an earlier session
// (abbreviated handshake, SSL_session_reused). It does not start the
// handshake.
func (s *Stream) Resumed() bool { return s.conn.ConnectionState().DidResume }

// CRLsUsed returns the CRLs consulted when the peer's chain was verified
// (their sources, such as "crl-file /etc/crl.pem"), or nil when there was
// no CRL check, no peer certificate or no handshake yet.
func (s *Stream) CRLsUsed() []string {
	if r := s.VerifyReport(); r != nil {
		return append([]string(nil), r.CRLsUsed...)
	}
	return nil
}

// FeatureSettingNames returns the names of the feature settings that
// Settings.Set accepts beyond the SPEC's (for command-line flags); of
// these only "alpn" can be overridden per connection.
func FeatureSettingNames() []string { return append([]string(nil), featureSettingNames...) }

var featureSettingNames = []string{
	"alpn", "session-tickets", "keylog", "keylog-from-env", "trace",
	"crl-missing", "crl-expired", "crl-not-yet-valid", "crl-grace", "crl-skip-trust-anchor",
}
