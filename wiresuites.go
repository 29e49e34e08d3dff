package sslstream

import (
	"strings"

	"github.com/sslstream/sslstream/cipherlist"
)

// What a cipher string selects and what goes on the wire differ in one
// way: the suites crypto/tls implements without countermeasures are held
// back unless the string names them or lowers the security level to 0.
// Those are the CBC suites with HMAC-SHA256 (ECDHE-ECDSA-AES128-SHA256,
// ECDHE-RSA-AES128-SHA256, AES128-SHA256): crypto/tls has no Lucky13
// countermeasures for them (its CBC-SHA1 code has). The RSA key exchange
// suites, which crypto/tls also lists as insecure, stay offered as OpenSSL
// offers them: they lack forward secrecy, but crypto/tls decrypts the
// premaster secret with Bleichenbacher countermeasures (constant-time
// unpadding, a random secret on failure), and OpenSSL's DEFAULT keeps them
// for servers that speak nothing else. `sslstream ciphers` keeps listing
// what the string selects, as `openssl ciphers` does.

// SuiteNotOffered is a suite a cipher string selects that is not offered
// on the wire, with the reason.
type SuiteNotOffered struct {
	// Name is the OpenSSL name ("ECDHE-RSA-AES128-SHA256").
	Name string
	// ID is the IANA code point.
	ID uint16
	// Reason says why it is held back and how to offer it.
	Reason string
}

// reasonNoLucky13 is the reason a CBC-SHA256 suite is not offered.
const reasonNoLucky13 = "crypto/tls implements CBC with HMAC-SHA256 without Lucky13 countermeasures; name the suite in the ciphers setting or add @SECLEVEL=0 to offer it"

// heldBack reports whether s is a suite crypto/tls implements without
// countermeasures: CBC with HMAC-SHA256.
func heldBack(s *cipherlist.Suite) bool {
	return s.Go && s.Mac == "SHA256" && strings.HasPrefix(s.Enc, "AES(")
}

// namedSuites returns the suite names a cipher string names on their own
// as elements that add or order suites ("X" or "+X", not "-X", "!X" or a
// combination "X+Y"), which is how a string asks for a held-back suite.
func namedSuites(ciphers string) map[string]bool {
	out := map[string]bool{}
	for _, e := range strings.FieldsFunc(ciphers, func(r rune) bool { return r == ':' || r == ' ' || r == ';' || r == ',' }) {
		if e = strings.TrimPrefix(e, "+"); isSuiteName(e) {
			out[e] = true
		}
	}
	return out
}

func isSuiteName(e string) bool {
	if e == "" || e[0] == '-' || e[0] == '!' || e[0] == '@' {
		return false
	}
	_, ok := cipherlist.ByName(e)
	return ok
}

// heldBackIDs returns the suites of l (compiled from ciphers) that are not
// offered on the wire, in l's order, with the reason.
func heldBackIDs(l *cipherlist.List, ciphers string) []SuiteNotOffered {
	if l.SecLevel == 0 {
		return nil
	}
	var named map[string]bool
	var out []SuiteNotOffered
	for i := range l.Suites {
		s := &l.Suites[i]
		if !heldBack(s) {
			continue
		}
		if named == nil {
			named = namedSuites(ciphers)
		}
		if !named[s.Name] {
			out = append(out, SuiteNotOffered{Name: s.Name, ID: s.ID, Reason: reasonNoLucky13})
		}
	}
	return out
}

// isHeld reports whether id is among c's held-back suites.
func (c *config) isHeld(id uint16) bool {
	for _, h := range c.held {
		if h.ID == id {
			return true
		}
	}
	return false
}

// notOffered is the part of c.held usable at the config's versions.
func (c *config) notOffered() []SuiteNotOffered {
	var out []SuiteNotOffered
	for _, h := range c.held {
		if g, ok := goSuites[h.ID]; ok && g.usable(c.tls.MinVersion, c.tls.MaxVersion) {
			out = append(out, h)
		}
	}
	return out
}

// WireSuites compiles an OpenSSL cipher string ("" = DEFAULT) and returns
// the TLS <= 1.2 suites it selects that this library offers on the wire,
// in order, and those it selects that crypto/tls could negotiate but that
// are held back (CBC-SHA256, without Lucky13 countermeasures in
// crypto/tls), with the reason. Naming a held-back suite in the string
// ("DEFAULT:ECDHE-RSA-AES128-SHA256") or "@SECLEVEL=0" offers it.
func WireSuites(ciphers string) (offered []cipherlist.Suite, notOffered []SuiteNotOffered, err error) {
	l, err := cipherlist.Compile(ciphers)
	if err != nil {
		return nil, nil, err
	}
	held := heldBackIDs(l, ciphers)
	for _, s := range l.Negotiable() {
		h := false
		for _, x := range held {
			h = h || x.ID == s.ID
		}
		if !h {
			offered = append(offered, s)
		}
	}
	return offered, held, nil
}

// SuitesNotOffered returns the suites the stream's ciphers setting
// selects that are not offered on the wire (see WireSuites), or nil.
func (s *Stream) SuitesNotOffered() []SuiteNotOffered { return s.cfg.notOffered() }

// SuitesNotOffered returns the suites the context's ciphers setting
// selects that are not offered on the wire (see WireSuites), or nil.
func (c *ClientContext) SuitesNotOffered() []SuiteNotOffered { return c.cfg().notOffered() }

// SuitesNotOffered returns the suites the context's ciphers setting
// selects that are not offered on the wire (see WireSuites), or nil.
func (c *ServerContext) SuitesNotOffered() []SuiteNotOffered { return c.cfg().notOffered() }
