package sslstream

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"strings"
)

// The renegotiation setting: whether a client follows a TLS 1.2 server's
// request to renegotiate (HelloRequest), as a server does that asks for a
// client certificate only once it knows what the client wants (openssl
// s_server's "R" command, IIS and Apache per-directory client
// authentication). Servers never renegotiate and refuse a client's
// renegotiation, as crypto/tls always does. TLS 1.3 has no
// renegotiation.

// Renegotiation is the renegotiation setting's value.
type Renegotiation int

const (
	// RenegotiateNever (the zero value, the default) fails the session
	// with alert no_renegotiation when the server asks to renegotiate.
	RenegotiateNever Renegotiation = iota
	// RenegotiateOnce follows the server's first request only.
	RenegotiateOnce
	// RenegotiateFreely follows every request of the server.
	RenegotiateFreely
)

// String returns the setting value: "never", "once" or "freely".
func (r Renegotiation) String() string {
	switch r {
	case RenegotiateNever:
		return "never"
	case RenegotiateOnce:
		return "once"
	case RenegotiateFreely:
		return "freely"
	}
	return fmt.Sprintf("Renegotiation(%d)", int(r))
}

// ParseRenegotiation parses "never" (also ""), "once" or "freely".
func ParseRenegotiation(s string) (Renegotiation, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "never":
		return RenegotiateNever, nil
	case "once":
		return RenegotiateOnce, nil
	case "freely":
		return RenegotiateFreely, nil
	}
	return 0, fmt.Errorf("renegotiation %q: allowed values are never, once, freely", s)
}

// tlsRenegotiation maps r onto crypto/tls, checking it for a role.
func (r Renegotiation) tlsRenegotiation(server bool) (tls.RenegotiationSupport, error) {
	switch {
	case r < RenegotiateNever || r > RenegotiateFreely:
		return 0, fmt.Errorf("renegotiation %d: allowed values are RenegotiateNever, RenegotiateOnce, RenegotiateFreely", int(r))
	case server && r != RenegotiateNever:
		return 0, fmt.Errorf("renegotiation %q: a client setting; a server never renegotiates and refuses a client's renegotiation (crypto/tls)", r)
	case r == RenegotiateOnce:
		return tls.RenegotiateOnceAsClient, nil
	case r == RenegotiateFreely:
		return tls.RenegotiateFreelyAsClient, nil
	}
	return tls.RenegotiateNever, nil
}

// setRenegotiation checks r for c's role and records it.
func (c *config) setRenegotiation(r Renegotiation) error {
	if _, err := r.tlsRenegotiation(c.server); err != nil {
		return settingsError("settings", err)
	}
	c.reneg = r
	return nil
}

// Renegotiation returns the stream's renegotiation setting.
func (s *Stream) Renegotiation() Renegotiation { return s.cfg.reneg }

// Renegotiated reports whether the server has renegotiated the session
// since the first handshake (a TLS 1.2 client stream under renegotiation
// once or freely): the tls-unique channel binding changed. It is false
// for server streams, TLS 1.3 and before the handshake.
func (s *Stream) Renegotiated() bool {
	first := s.firstUnique.Load()
	if first == nil || len(*first) == 0 {
		return false
	}
	return !bytes.Equal(*first, s.conn.ConnectionState().TLSUnique)
}

// noteFirstHandshake records the first handshake's tls-unique.
func (s *Stream) noteFirstHandshake() {
	if s.server || s.firstUnique.Load() != nil {
		return
	}
	u := bytes.Clone(s.conn.ConnectionState().TLSUnique) // crypto/tls's slice changes with the next handshake
	s.firstUnique.CompareAndSwap(nil, &u)
}
