package sslstream

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sslstream/sslstream/internal/safefile"
)

// Session tickets of a server: this library seals them itself
// (tls.Config.WrapSession and UnwrapSession), with AES-256-GCM under keys
// that rotate, and refuses a ticket older than the session-ticket-lifetime
// setting (OpenSSL's session timeout, 7200 s by default) counted from the
// full handshake that created the session, as OpenSSL counts it. Without a
// key file a context makes its own keys: a new one each lifetime, the older
// ones kept for decryption while they may still hold a valid ticket, kept
// across Reload. With a session-ticket-keys file, several servers that
// share the file resume each other's sessions; the first key seals, every
// key opens, and Reload or Watch picks up a rotated file.

// DefaultSessionTicketLifetime is the default session-ticket-lifetime:
// OpenSSL's default session timeout.
const DefaultSessionTicketLifetime = 7200 * time.Second

// maxTicketKeyFileSize bounds a session-ticket-keys file.
const maxTicketKeyFileSize = 1 << 16

// ticketKey is one key: its public name, sent at the start of each ticket,
// and its AEAD.
type ticketKey struct {
	name    [16]byte
	aead    cipher.AEAD
	created time.Time
}

// newTicketKey derives a key from 32 secret bytes: the name and the
// encryption key are separate hashes of it, so the name reveals nothing.
func newTicketKey(secret []byte, created time.Time) (ticketKey, error) {
	k := ticketKey{created: created}
	n := sha256.Sum256(append([]byte("sslstream session ticket key name\x00"), secret...))
	copy(k.name[:], n[:16])
	e := sha256.Sum256(append([]byte("sslstream session ticket key encryption\x00"), secret...))
	block, err := aes.NewCipher(e[:])
	if err != nil {
		return k, err
	}
	k.aead, err = cipher.NewGCM(block)
	return k, err
}

// ticketKeys are a server context's ticket keys, newest first. Automatic
// keys (file "") rotate; a file's keys are fixed until it is reloaded.
type ticketKeys struct {
	file string

	mu   sync.Mutex
	now  func() time.Time // time.Now; tests move it (guarded by mu)
	keys []ticketKey
}

// clock returns the keys' idea of now.
func (tk *ticketKeys) clock() time.Time {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	return tk.now()
}

// newTicketKeys makes automatic keys (file "") or loads a key file.
func newTicketKeys(file string) (*ticketKeys, error) {
	tk := &ticketKeys{file: file, now: time.Now}
	if file == "" {
		return tk, nil // the first key is made on first use
	}
	data, err := safefile.Read(file, maxTicketKeyFileSize)
	if err != nil {
		return nil, fmt.Errorf("session-ticket-keys %q: %w", file, err)
	}
	secrets, err := parseTicketKeyFile(data)
	if err != nil {
		return nil, fmt.Errorf("session-ticket-keys %q: %w", file, err)
	}
	for _, sec := range secrets {
		k, err := newTicketKey(sec, time.Time{})
		if err != nil {
			return nil, fmt.Errorf("session-ticket-keys %q: %w", file, err)
		}
		tk.keys = append(tk.keys, k)
	}
	return tk, nil
}

// parseTicketKeyFile reads a key file: one key a line, newest first, each
// 32 random bytes written as 64 hex digits (openssl rand -hex 32) or in
// base64 (openssl rand -base64 32); blank lines and lines starting with #
// are skipped.
func parseTicketKeyFile(data []byte) ([][]byte, error) {
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		var key []byte
		var err error
		if len(l) == 64 {
			key, err = hex.DecodeString(l)
		} else {
			key, err = base64.StdEncoding.DecodeString(l)
		}
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("line %d: want 32 random bytes as 64 hex digits (openssl rand -hex 32) or base64 (openssl rand -base64 32)", line)
		}
		out = append(out, key)
	}
	if len(out) == 0 {
		return nil, errors.New("no key: want one key a line, newest first (openssl rand -hex 32)")
	}
	return out, nil
}

// sealing returns the key that seals new tickets, rotating automatic keys
// every lifetime and dropping those that can hold no valid ticket any more
// (made more than two lifetimes ago: one as the sealing key, one for its
// last ticket to expire).
func (tk *ticketKeys) sealing(lifetime time.Duration) (ticketKey, error) {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	if tk.file != "" {
		return tk.keys[0], nil
	}
	now := tk.now()
	if len(tk.keys) == 0 || now.Sub(tk.keys[0].created) >= lifetime {
		var secret [32]byte
		if _, err := rand.Read(secret[:]); err != nil {
			return ticketKey{}, fmt.Errorf("session ticket key: %w", err)
		}
		k, err := newTicketKey(secret[:], now)
		if err != nil {
			return ticketKey{}, err
		}
		tk.keys = append([]ticketKey{k}, tk.keys...)
	}
	keep := tk.keys[:1]
	for _, k := range tk.keys[1:] {
		if now.Sub(k.created) < 2*lifetime {
			keep = append(keep, k)
		}
	}
	tk.keys = keep
	return tk.keys[0], nil
}

// opening returns the key named name, if it is still held.
func (tk *ticketKeys) opening(name []byte) (ticketKey, bool) {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	for _, k := range tk.keys {
		if bytes.Equal(k.name[:], name) {
			return k, true
		}
	}
	return ticketKey{}, false
}

// A ticket is name (16) || nonce (12) || AES-256-GCM(origin (8, Unix
// milliseconds of the full handshake) || crypto/tls's SessionState bytes),
// the name authenticated too.
const ticketHeader = 16 + 12

func (tk *ticketKeys) seal(origin time.Time, state []byte, lifetime time.Duration) ([]byte, error) {
	k, err := tk.sealing(lifetime)
	if err != nil {
		return nil, err
	}
	out := make([]byte, ticketHeader, ticketHeader+8+len(state)+k.aead.Overhead())
	copy(out, k.name[:])
	if _, err := rand.Read(out[16:ticketHeader]); err != nil {
		return nil, fmt.Errorf("session ticket nonce: %w", err)
	}
	plain := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(state)), uint64(origin.UnixMilli()))
	plain = append(plain, state...)
	return k.aead.Seal(out, out[16:ticketHeader], plain, out[:16]), nil
}

// open returns the ticket's origin and state, ok false when the ticket is
// not ours, forged, or sealed with a key no longer held.
func (tk *ticketKeys) open(ticket []byte) (origin time.Time, state []byte, ok bool) {
	if len(ticket) < ticketHeader+8 {
		return time.Time{}, nil, false
	}
	k, found := tk.opening(ticket[:16])
	if !found {
		return time.Time{}, nil, false
	}
	plain, err := k.aead.Open(nil, ticket[16:ticketHeader], ticket[ticketHeader:], ticket[:16])
	if err != nil || len(plain) < 8 {
		return time.Time{}, nil, false
	}
	return time.UnixMilli(int64(binary.BigEndian.Uint64(plain))), plain[8:], true
}

// bindTickets sets the session ticket hooks of one server connection's
// config t. The origin of a resumed session passes from its ticket to the
// tickets issued on the resumed connection, so that resuming again does
// not extend a session beyond its lifetime (OpenSSL keeps a session's
// time on resumption too). The stream s (nil for TLSConfig users) learns
// the origin of the session a ticket held and whether a ticket was
// refused for its age (SessionStart, TicketExpired).
func (c *config) bindTickets(t *tls.Config, s *Stream) {
	if c.tickets == nil || t.SessionTicketsDisabled {
		return
	}
	tk, lifetime := c.tickets, c.ticketLifetime
	// resumed is the origin (Unix ms) of the session the last ticket
	// opened here held, 0 for none: the stream's own (SessionStart), or
	// this connection's for TLSConfig users.
	var resumed *atomic.Int64
	if s != nil {
		resumed = &s.ticketOrigin
	} else {
		resumed = new(atomic.Int64)
	}
	t.UnwrapSession = func(identity []byte, cs tls.ConnectionState) (*tls.SessionState, error) {
		origin, state, ok := tk.open(identity)
		if !ok {
			return nil, nil // a full handshake instead
		}
		if tk.clock().Sub(origin) > lifetime {
			if s != nil {
				s.ticketExpired.Store(true)
			}
			return nil, nil
		}
		ss, err := tls.ParseSessionState(state)
		if err != nil {
			return nil, nil
		}
		c.noteResumed(ss, s) // resume.go
		resumed.Store(origin.UnixMilli())
		return ss, nil
	}
	t.WrapSession = func(cs tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
		c.nameOutcome(ss, s) // resume.go
		state, err := ss.Bytes()
		if err != nil {
			return nil, err
		}
		origin := tk.clock()
		if ms := resumed.Load(); cs.DidResume && ms != 0 {
			origin = time.UnixMilli(ms)
		}
		return tk.seal(origin, state, lifetime)
	}
}

// parseLifetime parses the session-ticket-lifetime setting: whole seconds
// as OpenSSL writes session timeouts ("7200") or a Go duration ("2h").
func parseLifetime(value string) (time.Duration, error) {
	v := strings.TrimSpace(value)
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 && n < 1<<31 {
		return time.Duration(n) * time.Second, nil
	}
	if d, err := time.ParseDuration(v); err == nil && d >= time.Second {
		return d, nil
	}
	return 0, fmt.Errorf("session-ticket-lifetime %q: want seconds (7200) or a duration of at least 1s (2h, 90m)", value)
}

// setTickets resolves the ticket settings of a server into c.
func (c *config) setTickets(s Settings) error {
	if !c.server {
		return nil
	}
	c.ticketLifetime = DefaultSessionTicketLifetime
	if s.SessionTicketLifetime != 0 {
		if s.SessionTicketLifetime < time.Second {
			return settingsError("settings", fmt.Errorf("session-ticket-lifetime %v: want at least 1s", s.SessionTicketLifetime))
		}
		c.ticketLifetime = s.SessionTicketLifetime
	}
	tk, err := newTicketKeys(s.SessionTicketKeys)
	if err != nil {
		return settingsError("load session-ticket-keys", err)
	}
	c.tickets = tk
	return nil
}

// SessionTickets describes a server context's session tickets: the key
// file ("" for the context's own rotating keys), how many keys it holds
// now, and the lifetime of a session.
func (c *ServerContext) SessionTickets() (keyFile string, keys int, lifetime time.Duration) {
	cfg := c.cfg()
	if cfg.tickets == nil {
		return "", 0, 0
	}
	cfg.tickets.mu.Lock()
	defer cfg.tickets.mu.Unlock()
	return cfg.tickets.file, len(cfg.tickets.keys), cfg.ticketLifetime
}

// SessionStart returns, for a server stream whose handshake resumed a
// session from one of the context's tickets, when that session's full
// handshake took place (resuming does not move it; OpenSSL's session
// "Start Time"), and the zero time otherwise. It does not start the
// handshake.
func (s *Stream) SessionStart() time.Time {
	ms := s.ticketOrigin.Load()
	if ms == 0 || !s.conn.ConnectionState().DidResume {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// TicketExpired reports whether the client of a server stream offered a
// ticket of the context's that was refused for being older than the
// session-ticket-lifetime (the handshake was then a full one): what
// OpenSSL counts as a session cache timeout. It does not start the
// handshake.
func (s *Stream) TicketExpired() bool { return s.ticketExpired.Load() }
