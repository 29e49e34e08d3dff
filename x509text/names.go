package x509text

import (
	"encoding/asn1"
	"fmt"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/sslstream/sslstream/dn"
)

// rawAttr is one attribute of a name as encoded.
type rawAttr struct {
	oid   asn1.ObjectIdentifier
	value []byte // content octets
	elem  []byte // the whole value element, tag and length included
	set   int    // index of the RDN it belongs to
}

// parseRawName decodes a DER Name into its attributes without converting
// the values.
func parseRawName(der []byte) ([]rawAttr, bool) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil, false
	}
	var out []rawAttr
	for set := 0; !seq.Empty(); set++ {
		var rdn cryptobyte.String
		if !seq.ReadASN1(&rdn, cbasn1.SET) {
			return nil, false
		}
		for !rdn.Empty() {
			var atv, elem cryptobyte.String
			var a rawAttr
			if !rdn.ReadASN1(&atv, cbasn1.SEQUENCE) || !atv.ReadASN1ObjectIdentifier(&a.oid) ||
				!atv.ReadAnyASN1Element(&elem, nil) {
				return nil, false
			}
			a.elem = elem
			var tag cbasn1.Tag
			if !elem.ReadAnyASN1(&atv, &tag) {
				return nil, false
			}
			a.value = atv
			a.set = set
			out = append(out, a)
		}
	}
	return out, true
}

// Name prints a DER name in the form f.
func Name(der []byte, f NameFormat) string {
	switch f {
	case RFC2253:
		return rfc2253(der)
	case Compat:
		return compatName(der)
	}
	return dn.String(der)
}

// compatName is X509_NAME_print: the slash form without its first '/',
// each later '/' that is followed by one or two upper-case letters and
// '=' written as ", " (so "/emailAddress=" stays as it is, and an escaped
// "\/CN=" inside a value is cut too, as OpenSSL cuts it).
func compatName(der []byte) string {
	b := slashName(der)
	if b == "" || b == "<invalid name>" {
		return b
	}
	s := b[1:]
	var sb strings.Builder
	upper := func(i int) bool { return i < len(s) && s[i] >= 'A' && s[i] <= 'Z' }
	at := func(i int, c byte) bool { return i < len(s) && s[i] == c }
	for i := 0; i < len(s); i++ {
		if s[i] == '/' && upper(i+1) && (at(i+2, '=') || (upper(i+2) && at(i+3, '='))) {
			sb.WriteString(", ")
			continue
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

// rfc2253 is -nameopt RFC2253: the attributes in reverse order, "," between
// RDNs and "+" within one, RFC 2253 escapes with backslashes, control and
// non-ASCII bytes as \XX, and attributes of a type OpenSSL does not know as
// "#" and the hex of their DER value.
func rfc2253(der []byte) string {
	attrs, err := dn.Parse(der)
	raw, ok := parseRawName(der)
	if err != nil || !ok || len(raw) != len(attrs) {
		return dn.String(der)
	}
	var sb strings.Builder
	for i := len(attrs) - 1; i >= 0; i-- {
		a := attrs[i]
		if i < len(attrs)-1 {
			if attrs[i+1].MultiValued {
				sb.WriteByte('+')
			} else {
				sb.WriteByte(',')
			}
		}
		sb.WriteString(a.Type)
		sb.WriteByte('=')
		if a.Type == a.OID.String() || strings.HasPrefix(a.Value, "#") && isDumpTag(a.Tag) {
			sb.WriteByte('#')
			sb.WriteString(fmt.Sprintf("%X", raw[i].elem))
			continue
		}
		sb.WriteString(escape2253(a.Value))
	}
	return sb.String()
}

// isDumpTag reports whether values of the tag are dumped rather than
// printed as strings.
func isDumpTag(tag int) bool {
	switch tag {
	case 12, 18, 19, 20, 22, 26, 28, 30:
		return false
	}
	return true
}

func escape2253(v string) string {
	var sb strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case strings.IndexByte(",+\"\\<>;", c) >= 0:
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case (c == ' ' || c == '#') && i == 0, c == ' ' && i == len(v)-1:
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c < 0x20 || c == 0x7f || c >= 0x80:
			fmt.Fprintf(&sb, "\\%02X", c)
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

// slashName is OpenSSL's X509_NAME_oneline, used for directory names in
// subjectAltName, issuerAltName, authorityKeyIdentifier and access
// descriptions: "/C=DE/O=Foo/CN=a+OU=b", the value bytes as encoded, '/'
// and '+' escaped with a backslash and bytes outside printable ASCII as \xXX.
func slashName(der []byte) string {
	pieces, ok := slashPieces(der)
	if !ok {
		return "<invalid name>"
	}
	return strings.Join(pieces, "")
}

// slashPieces is slashName's "/type=value" pieces.
func slashPieces(der []byte) ([]string, bool) {
	attrs, ok := parseRawName(der)
	if !ok {
		return nil, false
	}
	pieces := make([]string, 0, len(attrs))
	prev := -1
	for _, a := range attrs {
		var sb strings.Builder
		if a.set == prev {
			sb.WriteByte('+')
		} else {
			sb.WriteByte('/')
		}
		prev = a.set
		sb.WriteString(dn.ShortName(a.oid))
		sb.WriteByte('=')
		for _, c := range a.value {
			switch {
			case c < ' ' || c > '~':
				fmt.Fprintf(&sb, "\\x%02X", c)
			case c == '/' || c == '+':
				sb.WriteByte('\\')
				sb.WriteByte(c)
			default:
				sb.WriteByte(c)
			}
		}
		pieces = append(pieces, sb.String())
	}
	return pieces, true
}
