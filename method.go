package sslstream

import (
	"crypto/tls"
	"fmt"
	"strings"
)

// Method is a parsed method setting: the range of protocol versions a
// context may negotiate.
type Method struct {
	// Min and Max are crypto/tls version numbers (tls.VersionTLS10 ...
	// tls.VersionTLS13), Min <= Max.
	Min, Max uint16
	// Note explains an adjustment made while parsing (for example that
	// "sslv3+" starts at TLS 1.0 because SSLv3 cannot be offered), or is "".
	Note string
	name string
}

// String returns the method as it was written, or "tlsv1+" for the default.
func (m Method) String() string {
	if m.name == "" {
		return "tlsv1+"
	}
	return m.name
}

// DefaultMethod is the default method, "tlsv1+" (TLS 1.0 to 1.3; TLS 1.0 and
// 1.1 negotiate only with @SECLEVEL=0 in the cipher string, as in OpenSSL 3.0).
const DefaultMethod = "tlsv1+"

// versionNames are the single-version method names, oldest first; the index
// is the version's rank (0 = SSLv2).
var versionNames = []string{"sslv2", "sslv3", "tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3"}

var rankVersion = []uint16{0, 0, tls.VersionTLS10, tls.VersionTLS11, tls.VersionTLS12, tls.VersionTLS13}

const allowedMethods = "sslv2, sslv3, tlsv1, tlsv1.1, tlsv1.2, tlsv1.3, sslv3+, tlsv1+, tlsv1.1+, tlsv1.2+, tlsv1.3+, sslv23, or a list of contiguous single versions such as \"tlsv1.2,tlsv1.3\""

func rankOf(name string) int {
	for i, n := range versionNames {
		if n == name {
			return i
		}
	}
	return -1
}

// ParseMethod parses a method setting . The empty string is the
// default, "tlsv1+". Single versions, "X+" forms, "sslv23" and lists of
// contiguous single versions separated by commas, colons or spaces are
// accepted. SSLv2 and SSLv3 cannot be offered: a method that needs them
// alone is an error; where later versions remain they are dropped and
// Method.Note says so.
func ParseMethod(s string) (Method, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "" {
		name = DefaultMethod
	}
	bad := func(why string) (Method, error) {
		return Method{}, fmt.Errorf("method %q: %s (allowed: %s)", s, why, allowedMethods)
	}
	lo, hi := -1, -1
	switch {
	case name == "sslv23":
		lo, hi = rankOf("sslv3"), len(versionNames)-1
	case strings.HasSuffix(name, "+") && !strings.ContainsAny(name, ",: \t"):
		r := rankOf(strings.TrimSuffix(name, "+"))
		if r < 0 || r == rankOf("sslv2") {
			// There is no "sslv2+": the X+ names run from sslv3+ to tlsv1.3+.
			return bad("unknown method")
		}
		lo, hi = r, len(versionNames)-1
	default:
		parts := strings.FieldsFunc(name, func(r rune) bool { return r == ',' || r == ':' || r == ' ' || r == '\t' })
		seen := make([]bool, len(versionNames))
		for _, p := range parts {
			r := rankOf(p)
			if r < 0 {
				if strings.HasSuffix(p, "+") || p == "sslv23" {
					return bad(fmt.Sprintf("%q cannot be part of a list", p))
				}
				return bad(fmt.Sprintf("unknown version %q", p))
			}
			if seen[r] {
				return bad(fmt.Sprintf("%q listed twice", p))
			}
			seen[r] = true
			if lo < 0 || r < lo {
				lo = r
			}
			if r > hi {
				hi = r
			}
		}
		if lo < 0 {
			return bad("no version given")
		}
		for r := lo; r <= hi; r++ {
			if !seen[r] {
				return bad(fmt.Sprintf("the list must be contiguous, but %s is missing between %s and %s", versionNames[r], versionNames[lo], versionNames[hi]))
			}
		}
	}
	m := Method{name: name}
	tls10 := rankOf("tlsv1")
	if hi < tls10 {
		what := "SSLv3"
		if hi == 0 {
			what = "SSLv2"
		}
		if lo == 0 && hi == 1 {
			what = "SSLv2 and SSLv3"
		}
		return bad(fmt.Sprintf("%s cannot be offered: it is insecure and neither crypto/tls nor OpenSSL 3.0 implements it; use tlsv1.2+ (or tlsv1+ for old peers)", what))
	}
	if lo < tls10 {
		m.Note = fmt.Sprintf("method %q: SSLv2/SSLv3 cannot be offered; using TLS 1.0 and later", name)
		lo = tls10
	}
	m.Min, m.Max = rankVersion[lo], rankVersion[hi]
	return m, nil
}

// effectiveRange applies OpenSSL 3.0's security level rule: TLS 1.0 and 1.1
// need security level 0. It returns ok=false when no version remains.
func (m Method) effectiveRange(secLevel int) (lo, hi uint16, ok bool) {
	lo, hi = m.Min, m.Max
	if secLevel > 0 && lo < tls.VersionTLS12 {
		lo = tls.VersionTLS12
	}
	return lo, hi, lo <= hi
}

// ProtocolName returns OpenSSL's name for a TLS protocol version
// ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"), as s_client's "Protocol:" line
// prints it; other values are shown in hex.
func ProtocolName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLSv1"
	case tls.VersionTLS11:
		return "TLSv1.1"
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS13:
		return "TLSv1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}
