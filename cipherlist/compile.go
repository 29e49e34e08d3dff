package cipherlist

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// DefaultSecLevel is the security level of upstream OpenSSL 3.0 when the
// cipher string has no @SECLEVEL=n. Debian and Ubuntu build OpenSSL with
// OPENSSL_TLS_SECURITY_LEVEL=2, so their `openssl` defaults to 2; List.SecLevelSet
// tells the caller whether the string chose a level explicitly.
const DefaultSecLevel = 1

// defaultRules is what OpenSSL 3.0 expands a leading "DEFAULT" to.
const defaultRules = "ALL:!COMPLEMENTOFDEFAULT:!eNULL"

// maxIgnored bounds List.Ignored so that huge inputs cannot make it grow
// without limit.
const maxIgnored = 32

// List is the result of compiling a cipher string.
type List struct {
	// Suites are the TLS <= 1.2 suites in OpenSSL order (the full OpenSSL
	// table, including suites Go cannot speak).
	Suites []Suite
	// SecLevel is the level from @SECLEVEL=n, or DefaultSecLevel when absent.
	SecLevel int
	// SecLevelSet reports that the string contained a valid @SECLEVEL=n.
	SecLevelSet bool
	// SuiteB is the Suite B keyword ("SUITEB128", "SUITEB128ONLY",
	// "SUITEB128C2", "SUITEB192") the string started with, or "". OpenSSL
	// then replaces the whole string with the Suite B suites and restricts
	// curves and signature algorithms; this package only models the suites.
	SuiteB string
	// Ignored lists (at most 32) elements OpenSSL silently skips: unknown
	// words, and "+" combinations that cannot match any suite.
	Ignored []string
}

// Error describes a cipher string OpenSSL rejects.
type Error struct {
	String string // the cipher string (possibly shortened for display)
	Elem   string // the offending element, "" when the string as a whole selects nothing
	Offset int    // byte offset of Elem in the string, -1 when Elem is ""
	Reason string // what is wrong

	noMatch bool
}

func (e *Error) Error() string {
	if e.Elem == "" && e.Offset < 0 {
		return fmt.Sprintf("cipher string %s: %s", quoteShort(e.String), e.Reason)
	}
	return fmt.Sprintf("cipher string %s: element %s at offset %d: %s",
		quoteShort(e.String), quoteShort(e.Elem), e.Offset, e.Reason)
}

// ErrNoMatch is wrapped by the error of a cipher string that selects no
// TLS <= 1.2 suite (OpenSSL's "no cipher match").
var ErrNoMatch = errors.New("no cipher match")

// Unwrap lets errors.Is(err, ErrNoMatch) recognise an empty selection.
func (e *Error) Unwrap() error {
	if e.noMatch {
		return ErrNoMatch
	}
	return nil
}

const errNoMatchReason = "selects no cipher suite (OpenSSL: no cipher match)"

func quoteShort(s string) string {
	const max = 80
	if len(s) <= max {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:max]) + fmt.Sprintf("...(%d bytes)", len(s))
}

// pattern is a selection rule: the fields OpenSSL's ssl_cipher_apply_rule
// compares. A zero field does not constrain.
type pattern struct {
	hasID      bool
	id         uint16
	mkey       uint32
	auth       uint32
	enc        uint32
	mac        uint32
	minVersion uint16
	strength   uint32
}

func (p *pattern) matches(s *Suite) bool {
	if p.hasID && p.id != s.ID {
		return false
	}
	if p.mkey != 0 && p.mkey&s.mkey == 0 {
		return false
	}
	if p.auth != 0 && p.auth&s.auth == 0 {
		return false
	}
	if p.enc != 0 && p.enc&s.enc == 0 {
		return false
	}
	if p.mac != 0 && p.mac&s.mac == 0 {
		return false
	}
	if p.minVersion != 0 && p.minVersion != s.minVersion {
		return false
	}
	if p.strength&strengthStrongMask != 0 && p.strength&strengthStrongMask&s.strength == 0 {
		return false
	}
	if p.strength&strengthDefaultMask != 0 && p.strength&strengthDefaultMask&s.strength == 0 {
		return false
	}
	return true
}

// combine narrows p by one term of a "+" chain, as OpenSSL does. It
// returns false when the chain can no longer match anything.
func (p *pattern) combine(t *pattern, isSuite bool) bool {
	narrow := func(cur *uint32, v uint32) bool {
		if v == 0 {
			return true
		}
		if *cur == 0 {
			*cur = v
			return true
		}
		*cur &= v
		return *cur != 0
	}
	if !narrow(&p.mkey, t.mkey) || !narrow(&p.auth, t.auth) ||
		!narrow(&p.enc, t.enc) || !narrow(&p.mac, t.mac) {
		return false
	}
	if ts := t.strength & strengthStrongMask; ts != 0 {
		if p.strength&strengthStrongMask != 0 {
			p.strength &= ts | ^strengthStrongMask
			if p.strength&strengthStrongMask == 0 {
				return false
			}
		} else {
			// OpenSSL assigns here, dropping a "default" class set by an
			// earlier term (COMPLEMENTOFDEFAULT+HIGH == HIGH).
			p.strength = ts
		}
	}
	if td := t.strength & strengthDefaultMask; td != 0 {
		if p.strength&strengthDefaultMask != 0 {
			p.strength &= td | ^strengthDefaultMask
			if p.strength&strengthDefaultMask == 0 {
				return false
			}
		} else {
			p.strength |= td
		}
	}
	// Only the last term decides whether one explicit suite is meant; the
	// protocol version of an explicit suite never joins the pattern.
	p.hasID, p.id = isSuite, t.id
	if !isSuite && t.minVersion != 0 {
		if p.minVersion != 0 && p.minVersion != t.minVersion {
			return false
		}
		p.minVersion = t.minVersion
	}
	return true
}

type alias struct {
	name string
	pat  pattern
}

// aliases are the group names OpenSSL 3.0 accepts with its default provider,
// in OpenSSL's lookup order. Names whose algorithms the default provider
// lacks (RC4, SEED, IDEA, RC2, GOST*) are unknown to OpenSSL there and
// therefore ignored, as here.
var aliases = [...]alias{
	{"ALL", pattern{enc: ^encNULL}},
	{"COMPLEMENTOFALL", pattern{enc: encNULL}},
	{"COMPLEMENTOFDEFAULT", pattern{strength: strengthNotDefault}},

	{"kRSA", pattern{mkey: kRSA}},
	{"kEDH", pattern{mkey: kDHE}},
	{"kDHE", pattern{mkey: kDHE}},
	{"DH", pattern{mkey: kDHE}},
	{"kEECDH", pattern{mkey: kECDHE}},
	{"kECDHE", pattern{mkey: kECDHE}},
	{"ECDH", pattern{mkey: kECDHE}},
	{"kPSK", pattern{mkey: kPSK}},
	{"kRSAPSK", pattern{mkey: kRSAPSK}},
	{"kECDHEPSK", pattern{mkey: kECDHEPSK}},
	{"kDHEPSK", pattern{mkey: kDHEPSK}},
	{"kSRP", pattern{mkey: kSRP}},

	{"aRSA", pattern{auth: aRSA}},
	{"aDSS", pattern{auth: aDSS}},
	{"DSS", pattern{auth: aDSS}},
	{"aNULL", pattern{auth: aNULL}},
	{"aECDSA", pattern{auth: aECDSA}},
	{"ECDSA", pattern{auth: aECDSA}},
	{"aPSK", pattern{auth: aPSK}},
	{"aSRP", pattern{auth: aSRP}},

	{"EDH", pattern{mkey: kDHE, auth: ^aNULL}},
	{"DHE", pattern{mkey: kDHE, auth: ^aNULL}},
	{"EECDH", pattern{mkey: kECDHE, auth: ^aNULL}},
	{"ECDHE", pattern{mkey: kECDHE, auth: ^aNULL}},
	{"NULL", pattern{enc: encNULL}},
	{"RSA", pattern{mkey: kRSA, auth: aRSA}},
	{"ADH", pattern{mkey: kDHE, auth: aNULL}},
	{"AECDH", pattern{mkey: kECDHE, auth: aNULL}},
	{"PSK", pattern{mkey: kPSK | kRSAPSK | kECDHEPSK | kDHEPSK}},
	{"SRP", pattern{mkey: kSRP}},

	{"3DES", pattern{enc: enc3DES}},
	{"eNULL", pattern{enc: encNULL}},
	{"AES128", pattern{enc: encAES128 | encAES128GCM | encAES128CCM | encAES128CCM8}},
	{"AES256", pattern{enc: encAES256 | encAES256GCM | encAES256CCM | encAES256CCM8}},
	{"AES", pattern{enc: encAES}},
	{"AESGCM", pattern{enc: encAESGCM}},
	{"AESCCM", pattern{enc: encAES128CCM | encAES256CCM | encAES128CCM8 | encAES256CCM8}},
	{"AESCCM8", pattern{enc: encAES128CCM8 | encAES256CCM8}},
	{"CAMELLIA128", pattern{enc: encCAMELLIA128}},
	{"CAMELLIA256", pattern{enc: encCAMELLIA256}},
	{"CAMELLIA", pattern{enc: encCAMELLIA}},
	{"CHACHA20", pattern{enc: encCHACHA20POLY1305}},
	{"ARIA", pattern{enc: encARIA}},
	{"ARIAGCM", pattern{enc: encARIA}},
	{"ARIA128", pattern{enc: encARIA128GCM}},
	{"ARIA256", pattern{enc: encARIA256GCM}},
	{"CBC", pattern{enc: encCBC}},

	{"MD5", pattern{mac: macMD5}},
	{"SHA1", pattern{mac: macSHA1}},
	{"SHA", pattern{mac: macSHA1}},
	{"SHA256", pattern{mac: macSHA256}},
	{"SHA384", pattern{mac: macSHA384}},

	{"SSLv3", pattern{minVersion: verSSL3}},
	{"TLSv1", pattern{minVersion: verTLS1}},
	{"TLSv1.0", pattern{minVersion: verTLS1}},
	{"TLSv1.2", pattern{minVersion: verTLS12}},

	{"LOW", pattern{strength: strengthLow}},
	{"MEDIUM", pattern{strength: strengthMedium}},
	{"HIGH", pattern{strength: strengthHigh}},
	{"FIPS", pattern{enc: ^encNULL, strength: strengthFIPS}},

	{"EDH-DSS-DES-CBC3-SHA", pattern{mkey: kDHE, auth: aDSS, enc: enc3DES, mac: macSHA1, strength: strengthHigh | strengthFIPS}},
	{"EDH-RSA-DES-CBC3-SHA", pattern{mkey: kDHE, auth: aRSA, enc: enc3DES, mac: macSHA1, strength: strengthHigh | strengthFIPS}},
}

// AliasNames returns the group names the compiler knows, in OpenSSL's
// lookup order (suite names are looked up before them).
func AliasNames() []string {
	out := make([]string, len(aliases))
	for i := range aliases {
		out[i] = aliases[i].name
	}
	return out
}

// term is what a word of a cipher string names: a suite or an alias.
type term struct {
	pat     pattern
	isSuite bool
}

// compiled holds immutable data derived once from the tables.
type compiled struct {
	terms map[string]term
	base  []uint8 // OpenSSL's preference order before any user rule
}

var data = sync.OnceValue(func() *compiled {
	c := &compiled{terms: make(map[string]term, len(table)+len(aliases))}
	for i := range aliases {
		if _, dup := c.terms[aliases[i].name]; !dup {
			c.terms[aliases[i].name] = term{pat: aliases[i].pat}
		}
	}
	// Suite names are looked up first in OpenSSL; they win over aliases.
	for i := range table {
		s := &table[i]
		c.terms[s.Name] = term{isSuite: true, pat: pattern{
			id: s.ID, mkey: s.mkey, auth: s.auth, enc: s.enc, mac: s.mac,
			minVersion: s.minVersion, strength: s.strength,
		}}
	}
	c.base = baseOrder()
	return c
})

// state is the ordered, partly active suite list rules operate on
// (OpenSSL's CIPHER_ORDER linked list).
type state struct {
	order  []uint8 // indices into table, head first; killed suites are absent
	active [len(table)]bool
	tmp    []uint8
}

type ruleKind int

const (
	ruleAdd  ruleKind = iota // word: append matching inactive suites at the end
	ruleKill                 // !word: remove for good
	ruleDel                  // -word: deactivate, move to the front
	ruleOrd                  // +word: move matching active suites to the end
	ruleBump                 // internal: move matching active suites to the front
)

// apply runs one rule. bits >= 0 selects by strength bits instead of p.
func (st *state) apply(p *pattern, rule ruleKind, bits int) {
	// First pass, read-only: which suites does the rule act on? Most
	// repeated or redundant elements act on none and cost no rewrite.
	var acts [len(table)]bool
	n := 0
	for _, i := range st.order {
		var m bool
		if bits >= 0 {
			m = table[i].Bits == bits
		} else {
			m = p.matches(&table[i])
		}
		switch rule {
		case ruleAdd:
			m = m && !st.active[i]
		case ruleOrd, ruleDel, ruleBump:
			m = m && st.active[i]
		}
		if m {
			acts[i] = true
			n++
		}
	}
	if n == 0 {
		return
	}
	moved := st.tmp[:0]
	kept := st.order[:0]
	for _, i := range st.order {
		if acts[i] {
			moved = append(moved, i)
		} else {
			kept = append(kept, i)
		}
	}
	switch rule {
	case ruleAdd, ruleOrd:
		// Acted-on suites go to the end, keeping their relative order.
		for _, i := range moved {
			st.active[i] = true
		}
		st.order = append(kept, moved...)
	case ruleDel, ruleBump:
		// Acted-on suites go to the front, keeping their relative order.
		if rule == ruleDel {
			for _, i := range moved {
				st.active[i] = false
			}
		}
		st.order = st.order[:len(moved)+len(kept)]
		copy(st.order[len(moved):], kept)
		copy(st.order, moved)
	case ruleKill:
		for _, i := range moved {
			st.active[i] = false
		}
		st.order = kept
	}
	st.tmp = moved[:0]
}

// strengthSort orders the active suites by descending strength bits,
// keeping the current order within equal strength (OpenSSL's @STRENGTH).
func (st *state) strengthSort() {
	var used [257]bool
	maxBits := 0
	for _, i := range st.order {
		if st.active[i] {
			b := table[i].Bits
			used[b] = true
			if b > maxBits {
				maxBits = b
			}
		}
	}
	for b := maxBits; b >= 0; b-- {
		if used[b] {
			st.apply(nil, ruleOrd, b)
		}
	}
}

// baseOrder computes OpenSSL 3.0's built-in preference order, the order every
// cipher string starts from (all suites inactive).
func baseOrder() []uint8 {
	st := &state{order: make([]uint8, 0, len(table)), tmp: make([]uint8, 0, len(table))}
	// OpenSSL walks its id-sorted table from the highest code point down.
	for i := len(table) - 1; i >= 0; i-- {
		st.order = append(st.order, uint8(i))
	}
	all := &pattern{}
	st.apply(&pattern{mkey: kECDHE, auth: aECDSA}, ruleAdd, -1)
	st.apply(&pattern{mkey: kECDHE}, ruleAdd, -1)
	st.apply(&pattern{mkey: kECDHE}, ruleDel, -1)
	st.apply(&pattern{enc: encAESGCM}, ruleAdd, -1)
	st.apply(&pattern{enc: encCHACHA20POLY1305}, ruleAdd, -1)
	st.apply(&pattern{enc: encAES ^ encAESGCM}, ruleAdd, -1)
	st.apply(all, ruleAdd, -1)
	st.apply(&pattern{mac: macMD5}, ruleOrd, -1)
	st.apply(&pattern{auth: aNULL}, ruleOrd, -1)
	st.apply(&pattern{mkey: kRSA}, ruleOrd, -1)
	st.apply(&pattern{mkey: kPSK}, ruleOrd, -1)
	st.strengthSort()
	st.apply(&pattern{minVersion: verTLS12}, ruleBump, -1)
	st.apply(&pattern{mac: macAEAD}, ruleBump, -1)
	st.apply(&pattern{mkey: kDHE | kECDHE}, ruleBump, -1)
	st.apply(&pattern{mkey: kDHE | kECDHE, mac: macAEAD}, ruleBump, -1)
	st.apply(all, ruleDel, -1)
	return st.order
}

func isSep(c byte) bool { return c == ':' || c == ' ' || c == ';' || c == ',' }

func isWordChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '='
}

type compiler struct {
	st   state
	list *List
	d    *compiled
	full string // the whole string, for errors
}

func (c *compiler) fail(elem string, off int, reason string) error {
	return &Error{String: c.full, Elem: elem, Offset: off, Reason: reason}
}

func (c *compiler) ignore(elem string) {
	if len(c.list.Ignored) < maxIgnored {
		if len(elem) > 80 {
			elem = elem[:80] + "..."
		}
		c.list.Ignored = append(c.list.Ignored, elem)
	}
}

// process runs a rule string through OpenSSL's grammar. base is the offset
// of rules within the caller's string, or -1 for built-in rules.
func (c *compiler) process(rules string, base int) error {
	i := 0
	for i < len(rules) {
		start := i
		ch := rules[i]
		rule := ruleAdd
		special := false
		switch ch {
		case '-':
			rule = ruleDel
			i++
		case '+':
			rule = ruleOrd
			i++
		case '!':
			rule = ruleKill
			i++
		case '@':
			special = true
			i++
		}
		if isSep(ch) {
			i++
			continue
		}

		var p pattern
		found := false
		var word string
		for {
			ws := i
			for i < len(rules) && isWordChar(rules[i]) {
				i++
			}
			if i == ws {
				bad := "end of string"
				if i < len(rules) {
					bad = strconv.QuoteRune(rune(rules[i]))
					if rules[i] >= 0x80 {
						bad = fmt.Sprintf("byte 0x%02x", rules[i])
					}
				}
				return c.fail(rules[start:min(i+1, len(rules))], base+start,
					fmt.Sprintf("expected a cipher name, alias or command, found %s (OpenSSL: invalid command)", bad))
			}
			word = rules[ws:i]
			if special {
				break
			}
			multi := i < len(rules) && rules[i] == '+'
			if multi {
				i++
			}
			t, ok := c.d.terms[word]
			found = ok && p.combine(&t.pat, t.isSuite)
			if !found || !multi {
				break
			}
		}

		switch {
		case special:
			switch {
			case word == "STRENGTH":
				c.st.strengthSort()
			case len(word) == 10 && strings.HasPrefix(word, "SECLEVEL="):
				level := int(word[9]) - '0'
				if level < 0 || level > 5 {
					return c.fail("@"+word, base+start, "security level must be 0 to 5 (OpenSSL: invalid command)")
				}
				c.list.SecLevel = level
				c.list.SecLevelSet = true
			default:
				return c.fail("@"+word, base+start, "unknown command; OpenSSL knows @STRENGTH and @SECLEVEL=n (OpenSSL: invalid command)")
			}
			for i < len(rules) && !isSep(rules[i]) {
				i++
			}
		case found:
			c.st.apply(&p, rule, -1)
		default:
			for i < len(rules) && !isSep(rules[i]) {
				i++
			}
			if base >= 0 {
				c.ignore(rules[start:i])
			}
		}
	}
	return nil
}

// Compile compiles an OpenSSL cipher string. "" means "DEFAULT". Invalid or
// selecting nothing -> error naming the string and, where possible, the
// offending element. The error is an *Error; a string selecting nothing
// also matches errors.Is(err, ErrNoMatch).
func Compile(s string) (*List, error) {
	d := data()
	c := &compiler{d: d, full: s, list: &List{SecLevel: DefaultSecLevel}}
	c.st.order = append(make([]uint8, 0, len(table)), d.base...)
	c.st.tmp = make([]uint8, 0, len(table))

	rules, base := s, 0
	if rules == "" {
		rules, base = "DEFAULT", -1
	}
	for _, sb := range [...]struct{ prefix, rules string }{
		{"SUITEB128ONLY", "ECDHE-ECDSA-AES128-GCM-SHA256"},
		{"SUITEB128C2", "ECDHE-ECDSA-AES256-GCM-SHA384"},
		{"SUITEB128", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384"},
		{"SUITEB192", "ECDHE-ECDSA-AES256-GCM-SHA384"},
	} {
		if strings.HasPrefix(rules, sb.prefix) {
			c.list.SuiteB = sb.prefix
			rules, base = sb.rules, -1
			break
		}
	}
	if strings.HasPrefix(rules, "DEFAULT") {
		if err := c.process(defaultRules, -1); err != nil {
			return nil, err // cannot happen: the built-in rules are valid
		}
		rules = rules[len("DEFAULT"):]
		if base >= 0 {
			base += len("DEFAULT")
		}
		if strings.HasPrefix(rules, ":") {
			rules = rules[1:]
			if base >= 0 {
				base++
			}
		}
	}
	if err := c.process(rules, base); err != nil {
		return nil, err
	}
	for _, i := range c.st.order {
		if c.st.active[i] {
			c.list.Suites = append(c.list.Suites, table[i])
		}
	}
	if len(c.list.Suites) == 0 {
		reason := errNoMatchReason
		if len(c.list.Ignored) > 0 {
			reason += "; unknown or impossible elements skipped: " + quoteShort(strings.Join(c.list.Ignored, " "))
		}
		return nil, &Error{String: c.full, Offset: -1, Reason: reason, noMatch: true}
	}
	return c.list, nil
}

// Names returns the OpenSSL names of l.Suites, in order.
func (l *List) Names() []string {
	out := make([]string, len(l.Suites))
	for i := range l.Suites {
		out[i] = l.Suites[i].Name
	}
	return out
}

// String returns the OpenSSL names of l.Suites joined by ":", as
// `openssl ciphers` prints them (without the TLS 1.3 suites).
func (l *List) String() string { return strings.Join(l.Names(), ":") }

// Negotiable returns the suites of l Go can negotiate, in order.
func (l *List) Negotiable() []Suite {
	var out []Suite
	for _, s := range l.Suites {
		if s.Go {
			out = append(out, s)
		}
	}
	return out
}

// IDs returns the IANA ids of Negotiable(), for tls.Config.CipherSuites.
func (l *List) IDs() []uint16 {
	var out []uint16
	for _, s := range l.Suites {
		if s.Go {
			out = append(out, s.ID)
		}
	}
	return out
}

// ForVersions keeps the suites usable with a protocol range (as
// `openssl ciphers -s -tls1_2` etc. does): those whose minimum version is at
// most max and whose maximum version is at least min. min and max are
// tls.VersionTLS10..tls.VersionTLS13 constants; the result may have no
// suites (for example for a TLS 1.3-only range). The other fields are copied.
func (l *List) ForVersions(min, max uint16) *List {
	out := *l
	out.Suites = nil
	out.Ignored = append([]string(nil), l.Ignored...)
	for _, s := range l.Suites {
		if s.minVersion <= max && s.MaxVersion() >= min {
			out.Suites = append(out.Suites, s)
		}
	}
	return &out
}

// ParseCiphersuites parses a TLS 1.3 ciphersuites string: a colon list of
// TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256,
// TLS_AES_128_CCM_SHA256 and TLS_AES_128_CCM_8_SHA256. "" gives OpenSSL's
// default three (TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:
// TLS_AES_128_GCM_SHA256).
//
// Differences from OpenSSL, on purpose: an unknown name is an error naming it
// (OpenSSL skips unknown names), and "" means the default rather than "no TLS
// 1.3". As in OpenSSL, blanks around names and empty elements are ignored
// and names are case-sensitive; a repeated name is kept once.
//
// The two CCM suites are accepted because OpenSSL knows them, but crypto/tls
// cannot negotiate them: they come back with Go == false. A list with no
// suite crypto/tls can negotiate is an error.
func ParseCiphersuites(s string) ([]Suite, error) {
	if s == "" {
		return append([]Suite(nil), tls13Table[:3]...), nil
	}
	var out []Suite
	goCount := 0
	for _, elem := range strings.Split(s, ":") {
		name := strings.Trim(elem, " \t\r\n")
		if name == "" {
			continue
		}
		var found *Suite
		for i := range tls13Table {
			if tls13Table[i].Name == name {
				found = &tls13Table[i]
				break
			}
		}
		if found == nil {
			hint := ""
			if _, ok := ByName(name); ok {
				hint = " (a TLS <= 1.2 suite: put it in the ciphers setting)"
			}
			return nil, fmt.Errorf("ciphersuites %s: unknown TLS 1.3 suite %s%s; known: %s",
				quoteShort(s), quoteShort(name), hint, tls13Names())
		}
		dup := false
		for _, o := range out {
			if o.ID == found.ID {
				dup = true
			}
		}
		if !dup {
			out = append(out, *found)
			if found.Go {
				goCount++
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("ciphersuites %s: names no TLS 1.3 suite", quoteShort(s))
	}
	if goCount == 0 {
		return nil, fmt.Errorf("ciphersuites %s: selects only suites crypto/tls cannot negotiate (%s)",
			quoteShort(s), strings.Join(suiteNames(out), ", "))
	}
	return out, nil
}

func tls13Names() string {
	return strings.Join(suiteNames(tls13Table[:]), ", ")
}

func suiteNames(s []Suite) []string {
	out := make([]string, len(s))
	for i := range s {
		out[i] = s[i].Name
	}
	return out
}

// ForSecLevel keeps the suites OpenSSL 3.0's default security callback
// allows at the given level, as `openssl ciphers -s -psk -srp` lists them:
// from level 1 no anonymous (aNULL) suites and no suite weaker than the
// level's minimum (80, 112, 128, 192, 256 bits for levels 1 to 5, so no
// eNULL); from level 3 only forward-secret key exchange (ECDHE, DHE,
// ECDHE-PSK, DHE-PSK); from level 4 no SHA-1 MAC. Level 0 keeps everything.
func (l *List) ForSecLevel(level int) *List {
	out := *l
	out.Suites = nil
	out.Ignored = append([]string(nil), l.Ignored...)
	for _, s := range l.Suites {
		if secLevelAllows(&s, level) {
			out.Suites = append(out.Suites, s)
		}
	}
	return &out
}

func secLevelAllows(s *Suite, level int) bool {
	if level <= 0 {
		return true
	}
	minBits := [...]int{0, 80, 112, 128, 192, 256}[min(level, 5)]
	if s.Bits < minBits || s.auth&aNULL != 0 {
		return false
	}
	if level >= 3 && s.minVersion != verTLS13 && s.mkey&(kDHE|kECDHE|kDHEPSK|kECDHEPSK) == 0 {
		return false
	}
	if level >= 4 && s.mac == macSHA1 {
		return false
	}
	return true
}
