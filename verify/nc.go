package verify

import (
	"bytes"
	"encoding/asn1"

	"github.com/sslstream/sslstream/dn"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// oidEmailAddress is PKCS #9's emailAddress name attribute.
var oidEmailAddress = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}

// oidSmtpUTF8Mailbox is id-on-SmtpUTF8Mailbox, the otherName of an
// internationalized mail address (RFC 8398).
var oidSmtpUTF8Mailbox = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 8, 9}

// nameCheckMax bounds names x constraints, as OpenSSL's NAME_CHECK_MAX.
const nameCheckMax = 1 << 20

// checkNameConstraints is OpenSSL's check_name_constraints: every
// certificate below a CA with name constraints (self-issued intermediates
// excepted) must satisfy them.
func (e *engine) checkNameConstraints() {
	num := len(e.chain)
	for i := num - 1; i >= 0; i-- {
		x := e.chain[i]
		if i != 0 && x.selfIssued {
			continue
		}
		if x.proxy && !proxySubjectOK(x) {
			e.report(ProxySubjectNameViolation, i, x)
		}
		for j := num - 1; j > i; j-- {
			nc := e.chain[j].nc
			if nc == nil {
				continue
			}
			rv := ncCheck(x, nc)
			if rv == OK && i == 0 && !hasSANType(x, genDNS) {
				rv = ncCheckCN(x, nc)
			}
			if rv != OK {
				e.report(rv, i, x)
			}
		}
	}
	// Strict mode: the peer name itself must satisfy every name constraint
	// above the leaf, so that a wildcard cannot stand for an excluded name.
	if h := e.opts.Hostname; e.opts.Strict && h != "" {
		g := generalName{typ: genDNS, value: []byte(h)}
		if ip := parseIPLiteral(h); ip != nil {
			g = generalName{typ: genIP, value: ip}
		}
		for j := num - 1; j > 0; j-- {
			if nc := e.chain[j].nc; nc != nil {
				if rv := ncMatch(g, nc); rv != OK {
					e.report(rv, 0, e.chain[0])
					return
				}
			}
		}
	}
}

func hasSANType(x *certInfo, typ int) bool {
	for _, g := range x.sans {
		if g.typ == typ {
			return true
		}
	}
	return false
}

// ncCheck is NAME_CONSTRAINTS_check.
func ncCheck(x *certInfo, nc *nameConstraints) int {
	attrs, err := dn.Parse(x.c.RawSubject)
	if err != nil {
		return UnsupportedNameSyntax
	}
	names := len(attrs) + len(x.sans)
	cons := len(nc.permitted) + len(nc.excluded)
	if names > 0 && cons > nameCheckMax/names {
		return Unspecified
	}
	if len(attrs) > 0 {
		if r := ncMatch(generalName{typ: genDir, value: x.c.RawSubject}, nc); r != OK {
			return r
		}
		for _, a := range attrs {
			if !a.OID.Equal(oidEmailAddress) {
				continue
			}
			if a.Tag != 22 { // IA5String
				return UnsupportedNameSyntax
			}
			if r := ncMatch(generalName{typ: genEmail, value: []byte(a.Value)}, nc); r != OK {
				return r
			}
		}
	}
	for _, g := range x.sans {
		if r := ncMatch(g, nc); r != OK {
			return r
		}
	}
	return OK
}

// ncCheckCN is NAME_CONSTRAINTS_check_CN: commonNames that look like DNS
// names are checked as DNS names.
func ncCheckCN(x *certInfo, nc *nameConstraints) int {
	attrs, err := dn.Parse(x.c.RawSubject)
	if err != nil {
		return UnsupportedNameSyntax
	}
	for _, a := range attrs {
		if a.Type != "CN" {
			continue
		}
		v := []byte(a.Value)
		for len(v) > 0 && v[len(v)-1] == 0 {
			v = v[:len(v)-1]
		}
		if bytes.IndexByte(v, 0) >= 0 {
			return UnsupportedNameSyntax
		}
		if !looksLikeDNS(v) {
			continue
		}
		if r := ncMatch(generalName{typ: genDNS, value: v}, nc); r != OK {
			return r
		}
	}
	return OK
}

// looksLikeDNS is the syntax test of OpenSSL's cn2dnsid: letters, digits,
// '_', inner '-' and '.', at least two labels.
func looksLikeDNS(v []byte) bool {
	isDNS := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if isAlnum(c) || c == '_' {
			continue
		}
		if i > 0 && i < len(v)-1 {
			if c == '-' {
				continue
			}
			if c == '.' && v[i+1] != '.' && v[i-1] != '-' && v[i+1] != '-' {
				isDNS = true
				continue
			}
		}
		return false
	}
	return isDNS
}

// ncMatch is OpenSSL's nc_match.
func ncMatch(g generalName, nc *nameConstraints) int {
	// An SmtpUTF8Mailbox otherName is matched against rfc822Name
	// constraints (RFC 8398 section 6); OpenSSL calls this the effective
	// type.
	typ := g.typ
	if typ == genOther && g.oid.Equal(oidSmtpUTF8Mailbox) {
		typ = genEmail
	}
	match := 0
	for _, sub := range nc.permitted {
		if typ != sub.base.typ || (typ == genOther && !g.oid.Equal(sub.base.oid)) {
			continue
		}
		if !minMaxValid(sub) {
			return SubtreeMinMax
		}
		if match == 2 {
			continue
		}
		if match == 0 {
			match = 1
		}
		r := ncMatchSingle(g, sub.base)
		if r == OK {
			match = 2
		} else if r != PermittedViolation {
			return r
		}
	}
	if match == 1 {
		return PermittedViolation
	}
	for _, sub := range nc.excluded {
		if typ != sub.base.typ || (typ == genOther && !g.oid.Equal(sub.base.oid)) {
			continue
		}
		if !minMaxValid(sub) {
			return SubtreeMinMax
		}
		r := ncMatchSingle(g, sub.base)
		if r == OK {
			return ExcludedViolation
		} else if r != PermittedViolation {
			return r
		}
	}
	return OK
}

func minMaxValid(s subtree) bool {
	return !s.maxPresent && (!s.minPresent || s.min == 0)
}

func ncMatchSingle(g, base generalName) int {
	switch g.typ {
	case genOther:
		if g.oid.Equal(oidSmtpUTF8Mailbox) && base.typ == genEmail {
			return ncEmailEAI(g.value, base.value)
		}
		return UnsupportedConstraintType
	case genDir:
		return ncDN(g.value, base.value)
	case genDNS:
		return ncDNS(g.value, base.value)
	case genEmail:
		return ncEmail(g.value, base.value)
	case genURI:
		return ncURI(g.value, base.value)
	case genIP:
		return ncIP(g.value, base.value)
	}
	return UnsupportedConstraintType
}

// ncDN: the base's canonical encoding must be a prefix of the name's.
func ncDN(name, base []byte) int {
	cn, err1 := dn.Canonical(name)
	cb, err2 := dn.Canonical(base)
	if err1 != nil || err2 != nil {
		return UnsupportedNameSyntax
	}
	if len(cb) > len(cn) || !bytes.Equal(cn[:len(cb)], cb) {
		return PermittedViolation
	}
	return OK
}

func ia5EqualFold(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func ncDNS(dns, base []byte) int {
	if len(base) == 0 {
		return OK
	}
	if len(dns) < len(base) {
		return PermittedViolation
	}
	tail := dns
	if len(dns) > len(base) {
		tail = dns[len(dns)-len(base):]
		if base[0] != '.' && dns[len(dns)-len(base)-1] != '.' {
			return PermittedViolation
		}
	}
	if !ia5EqualFold(base, tail) {
		return PermittedViolation
	}
	return OK
}

func ncEmail(eml, base []byte) int {
	baseAt := bytes.LastIndexByte(base, '@')
	emlAt := bytes.LastIndexByte(eml, '@')
	if emlAt < 0 {
		return UnsupportedNameSyntax
	}
	if baseAt < 0 && len(base) > 0 && base[0] == '.' {
		if len(eml) > len(base) && ia5EqualFold(base, eml[len(eml)-len(base):]) {
			return OK
		}
		return PermittedViolation
	}
	baseHost := base
	if baseAt >= 0 {
		if baseAt != 0 {
			if baseAt != emlAt {
				return PermittedViolation
			}
			if bytes.IndexByte(base[:baseAt], 0) >= 0 || bytes.IndexByte(eml[:emlAt], 0) >= 0 {
				return UnsupportedNameSyntax
			}
			if !bytes.Equal(base[:baseAt], eml[:emlAt]) {
				return PermittedViolation
			}
		}
		baseHost = base[baseAt+1:]
	}
	if !ia5EqualFold(baseHost, eml[emlAt+1:]) {
		return PermittedViolation
	}
	return OK
}

func ncURI(uri, base []byte) int {
	p := bytes.IndexByte(uri, ':')
	if p < 0 || len(uri)-p < 3 || uri[p+1] != '/' || uri[p+2] != '/' {
		return UnsupportedNameSyntax
	}
	host := uri[p+3:]
	if q := bytes.IndexByte(host, ':'); q >= 0 {
		host = host[:q]
	} else if q := bytes.IndexByte(host, '/'); q >= 0 {
		host = host[:q]
	}
	if len(host) == 0 {
		return UnsupportedNameSyntax
	}
	if len(base) > 0 && base[0] == '.' {
		if len(host) > len(base) && ia5EqualFold(host[len(host)-len(base):], base) {
			return OK
		}
		return PermittedViolation
	}
	if !ia5EqualFold(host, base) {
		return PermittedViolation
	}
	return OK
}

func ncIP(ip, base []byte) int {
	if len(base) != 8 && len(base) != 32 {
		return UnsupportedNameSyntax
	}
	if len(ip) != 4 && len(ip) != 16 {
		return UnsupportedNameSyntax
	}
	if len(ip)*2 != len(base) {
		return PermittedViolation
	}
	mask := base[len(ip):]
	for i := range ip {
		if ip[i]&mask[i] != base[i]&mask[i] {
			return PermittedViolation
		}
	}
	return OK
}

// ncEmailEAI is OpenSSL 3.0's nc_email_eai: an SmtpUTF8Mailbox (the
// otherName's content, type-id and [0] value) against an rfc822Name
// constraint whose A-labels are first turned into U-labels. As in OpenSSL
// 3.0, the whole constraint is taken for the host part (a constraint
// naming a mailbox never matches) and a leading '.' stays in front of the
// converted constraint, which then has two.
func ncEmailEAI(other, base []byte) int {
	if bytes.IndexByte(base, 0) >= 0 {
		return UnsupportedNameSyntax
	}
	s := cryptobyte.String(other)
	var oid asn1.ObjectIdentifier
	var wrapped, val cryptobyte.String
	var tag cbasn1.Tag
	if !s.ReadASN1ObjectIdentifier(&oid) || !s.ReadASN1(&wrapped, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!wrapped.ReadAnyASN1(&val, &tag) || tag != cbasn1.UTF8String {
		return UnsupportedNameSyntax
	}
	eml := []byte(val)
	at := bytes.LastIndexByte(eml, '@')
	if at < 0 {
		return UnsupportedNameSyntax
	}
	if len(base) > 0 && base[0] == '.' {
		ulabel, ok := a2ulabel(base, ulabelSize-1)
		if !ok {
			return Unspecified
		}
		ulabel = append([]byte{'.'}, ulabel...)
		if len(eml) > len(ulabel) && ia5EqualFold(ulabel, eml[len(eml)-len(ulabel):]) {
			return OK
		}
		return PermittedViolation
	}
	ulabel, ok := a2ulabel(base, ulabelSize)
	if !ok {
		return Unspecified
	}
	if !ia5EqualFold(ulabel, eml[at+1:]) {
		return PermittedViolation
	}
	return OK
}
