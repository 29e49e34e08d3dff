package sslstream

import (
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
)

// features is the resolved, immutable form of the settings beyond
// OpenSSL's in a config.
type features struct {
	alpn   []string
	keylog io.Writer    // nil = no key log
	trace  *slog.Logger // nil = no trace
	crl    CRLPolicy
}

// setFeatures resolves the settings beyond OpenSSL's into c.feat and t
// (the config's fresh tls.Config).
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
