package sslstream

import (
	"crypto/tls"
	"fmt"
	"strings"
)

// The groups setting: the key exchange groups offered (client) or accepted
// (server), most preferred first, as OpenSSL's -groups / -curves and
// SSL_CTX_set1_groups_list, mapped onto tls.Config.CurvePreferences.

// group is one key exchange group crypto/tls implements.
type group struct {
	id tls.CurveID
	// names are the spellings accepted, the canonical one first; as in
	// OpenSSL they are case-sensitive.
	names []string
	// tempKey is what openssl s_client prints after "Server Temp Key: "
	// for a classic group, "" for a hybrid KEM.
	tempKey string
}

var groups = []group{
	{tls.X25519MLKEM768, []string{"X25519MLKEM768"}, ""},
	{tls.SecP256r1MLKEM768, []string{"SecP256r1MLKEM768"}, ""},
	{tls.SecP384r1MLKEM1024, []string{"SecP384r1MLKEM1024"}, ""},
	{tls.X25519, []string{"X25519", "x25519"}, "X25519, 253 bits"},
	{tls.CurveP256, []string{"P-256", "prime256v1", "secp256r1"}, "ECDH, prime256v1, 256 bits"},
	{tls.CurveP384, []string{"P-384", "secp384r1"}, "ECDH, secp384r1, 384 bits"},
	{tls.CurveP521, []string{"P-521", "secp521r1"}, "ECDH, secp521r1, 521 bits"},
}

// knownElsewhere are groups OpenSSL knows that crypto/tls does not
// implement, for a clearer error.
var knownElsewhere = []string{"x448", "X448", "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192",
	"X448MLKEM1024", "secp224r1", "P-224", "secp256k1", "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1"}

func groupByID(id tls.CurveID) *group {
	for i := range groups {
		if groups[i].id == id {
			return &groups[i]
		}
	}
	return nil
}

func groupNames() string {
	var out []string
	for _, g := range groups {
		out = append(out, strings.Join(g.names, "/"))
	}
	return strings.Join(out, ", ")
}

// ParseGroups parses a groups setting: a colon-separated list of group
// names, most preferred first, as OpenSSL's -groups ("X25519MLKEM768",
// "X25519" or "x25519", "P-256" or "prime256v1" or "secp256r1", "P-384"
// or "secp384r1", "P-521" or "secp521r1", and the hybrids
// "SecP256r1MLKEM768", "SecP384r1MLKEM1024"). Names are case-sensitive, as
// in OpenSSL; a repeated group is kept once. "" is nil: crypto/tls's
// default list. Groups crypto/tls does not implement (x448, ffdhe2048 ...)
// are errors naming the allowed ones.
func ParseGroups(value string) ([]tls.CurveID, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return nil, nil
	}
	var out []tls.CurveID
	for _, e := range strings.Split(v, ":") {
		name := strings.TrimSpace(e)
		var found *group
		for i := range groups {
			for _, n := range groups[i].names {
				if n == name {
					found = &groups[i]
				}
			}
		}
		if found == nil {
			why := "unknown group"
			for _, k := range knownElsewhere {
				if strings.EqualFold(k, name) {
					why = "a group crypto/tls does not implement"
				}
			}
			if name == "" {
				why = "empty element"
			}
			return nil, fmt.Errorf("groups %q: %s %q; allowed (colon-separated, case-sensitive): %s", value, why, name, groupNames())
		}
		dup := false
		for _, id := range out {
			dup = dup || id == found.id
		}
		if !dup {
			out = append(out, found.id)
		}
	}
	return out, nil
}

// checkGroups validates Settings.Groups set directly.
func checkGroups(ids []tls.CurveID) error {
	for _, id := range ids {
		if groupByID(id) == nil {
			return fmt.Errorf("groups: group %d is not one crypto/tls implements; allowed: %s", id, groupNames())
		}
	}
	return nil
}

// GroupName returns the name of a key exchange group as the groups setting
// spells it ("X25519MLKEM768", "X25519", "P-256" ...), "" for 0 (no group:
// RSA key exchange, or no handshake yet), or crypto/tls's name for others.
func GroupName(id tls.CurveID) string {
	if id == 0 {
		return ""
	}
	if g := groupByID(id); g != nil {
		return g.names[0]
	}
	return id.String()
}

// GroupTempKey returns what openssl s_client prints after "Server Temp
// Key: " for a classic group ("X25519, 253 bits", "ECDH, prime256v1, 256
// bits"), or "" for a hybrid KEM (OpenSSL 3.5 prints "Negotiated TLS1.3
// group: X25519MLKEM768" for those) and for 0.
func GroupTempKey(id tls.CurveID) string {
	if g := groupByID(id); g != nil {
		return g.tempKey
	}
	return ""
}

// ImplementedGroups returns the key exchange groups crypto/tls implements,
// in the order crypto/tls prefers them (it does not take the order of
// CurvePreferences as a preference): the hybrid KEMs first, then X25519
// and the NIST curves. The slice is the caller's.
func ImplementedGroups() []tls.CurveID {
	out := make([]tls.CurveID, len(groups))
	for i, g := range groups {
		out[i] = g.id
	}
	return out
}

// GroupIsHybrid reports whether id is one of the hybrid post-quantum KEMs
// crypto/tls implements (X25519MLKEM768, SecP256r1MLKEM768,
// SecP384r1MLKEM1024), which only TLS 1.3 can use; false for a classic
// group and for a group crypto/tls does not implement.
func GroupIsHybrid(id tls.CurveID) bool {
	g := groupByID(id)
	return g != nil && g.tempKey == ""
}

// Group returns the key exchange group the handshake used ("X25519",
// "X25519MLKEM768", "P-256" ...; see GroupName), or "" before the
// handshake and for RSA key exchange. It does not start the handshake.
func (s *Stream) Group() string { return GroupName(s.conn.ConnectionState().CurveID) }

// HelloRetryRequest reports whether the handshake went through a
// HelloRetryRequest (TLS 1.3: the server asked for a key share of another
// group): sent, for a server; received, for a client. It does not start
// the handshake.
func (s *Stream) HelloRetryRequest() bool { return s.conn.ConnectionState().HelloRetryRequest }

// overrideGroups applies an Overrides.Groups value to n.
func (n *config) overrideGroups(value string) error {
	ids, err := ParseGroups(value)
	if err != nil {
		return settingsError("settings", err)
	}
	n.groups = ids
	return nil
}

// groupList joins group names with colons, as the setting is written.
func groupList(ids []tls.CurveID) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = GroupName(id)
	}
	return strings.Join(names, ":")
}
