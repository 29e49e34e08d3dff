// Package dn reads X.509 distinguished names the way OpenSSL shows them:
// attribute types by OpenSSL's short names (CN, O, OU, C, ...), values
// converted to UTF-8, and the one-line form that OpenSSL 3.0's tools print
// (`C = DE, O = "Foo, Inc.", CN = example.com`).
package dn

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Attribute is one attribute of a name: its type, as OpenSSL's short name
// (or the dotted OID when OpenSSL has no name for it), and its value as UTF-8.
type Attribute struct {
	Type  string
	Value string
	// OID is the attribute type's object identifier.
	OID asn1.ObjectIdentifier
	// Tag is the ASN.1 universal tag of the value (12 UTF8String, 19
	// PrintableString, 22 IA5String, 30 BMPString, ...).
	Tag int
	// MultiValued is true for the second and later attributes of one RDN
	// (printed joined by " + ").
	MultiValued bool
}

// shortNames maps attribute OIDs to OpenSSL's short names.
var shortNames = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.4":                    "SN",
	"2.5.4.5":                    "serialNumber",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.9":                    "street",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.12":                   "title",
	"2.5.4.13":                   "description",
	"2.5.4.15":                   "businessCategory",
	"2.5.4.16":                   "postalAddress",
	"2.5.4.17":                   "postalCode",
	"2.5.4.18":                   "postOfficeBox",
	"2.5.4.20":                   "telephoneNumber",
	"2.5.4.41":                   "name",
	"2.5.4.42":                   "GN",
	"2.5.4.43":                   "initials",
	"2.5.4.44":                   "generationQualifier",
	"2.5.4.45":                   "x500UniqueIdentifier",
	"2.5.4.46":                   "dnQualifier",
	"2.5.4.54":                   "dmdName",
	"2.5.4.65":                   "pseudonym",
	"2.5.4.72":                   "role",
	"2.5.4.97":                   "organizationIdentifier",
	"1.2.840.113549.1.9.1":       "emailAddress",
	"1.2.840.113549.1.9.2":       "unstructuredName",
	"1.2.840.113549.1.9.8":       "unstructuredAddress",
	"0.9.2342.19200300.100.1.1":  "UID",
	"0.9.2342.19200300.100.1.25": "DC",
	"1.3.6.1.4.1.311.60.2.1.1":   "jurisdictionL",
	"1.3.6.1.4.1.311.60.2.1.2":   "jurisdictionST",
	"1.3.6.1.4.1.311.60.2.1.3":   "jurisdictionC",
}

// ShortName returns OpenSSL's short name for an attribute type, or the
// dotted OID when OpenSSL has none.
func ShortName(oid asn1.ObjectIdentifier) string {
	s := oid.String()
	if n, ok := shortNames[s]; ok {
		return n
	}
	return s
}

// Parse decodes a DER Name (the RawSubject or RawIssuer of an
// x509.Certificate) into its attributes, in order.
func Parse(der []byte) ([]Attribute, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, errors.New("dn: malformed name: not a DER SEQUENCE")
	}
	var out []Attribute
	for !seq.Empty() {
		var set cryptobyte.String
		if !seq.ReadASN1(&set, cbasn1.SET) {
			return nil, errors.New("dn: malformed name: RDN is not a SET")
		}
		first := true
		for !set.Empty() {
			var atv cryptobyte.String
			var oid asn1.ObjectIdentifier
			var tag cbasn1.Tag
			var val cryptobyte.String
			if !set.ReadASN1(&atv, cbasn1.SEQUENCE) || !atv.ReadASN1ObjectIdentifier(&oid) ||
				!atv.ReadAnyASN1(&val, &tag) || !atv.Empty() {
				return nil, errors.New("dn: malformed name: bad AttributeTypeAndValue")
			}
			v, err := decodeValue(int(tag), val)
			if err != nil {
				return nil, fmt.Errorf("dn: attribute %s: %w", oid, err)
			}
			out = append(out, Attribute{Type: ShortName(oid), Value: v, OID: oid, Tag: int(tag), MultiValued: !first})
			first = false
		}
	}
	return out, nil
}

// decodeValue converts a string value to UTF-8 as OpenSSL's
// ASN1_STRFLGS_UTF8_CONVERT does. Values of non-string types are shown as
// "#" followed by the hex of their DER encoding (ASN1_STRFLGS_DUMP_UNKNOWN).
func decodeValue(tag int, b []byte) (string, error) {
	switch tag {
	case 12, 19, 22, 26, 18: // UTF8, Printable, IA5, Visible, Numeric
		return string(b), nil
	case 20: // T61String: OpenSSL treats it as Latin-1
		var sb strings.Builder
		for _, c := range b {
			sb.WriteRune(rune(c))
		}
		return sb.String(), nil
	case 30: // BMPString: UCS-2 big endian
		if len(b)%2 != 0 {
			return "", errors.New("odd-length BMPString")
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
		return string(utf16.Decode(u)), nil
	case 28: // UniversalString: UCS-4 big endian
		if len(b)%4 != 0 {
			return "", errors.New("bad-length UniversalString")
		}
		var sb strings.Builder
		for i := 0; i < len(b); i += 4 {
			sb.WriteRune(rune(uint32(b[i])<<24 | uint32(b[i+1])<<16 | uint32(b[i+2])<<8 | uint32(b[i+3])))
		}
		return sb.String(), nil
	default:
		const hexdig = "0123456789ABCDEF"
		var sb strings.Builder
		sb.WriteByte('#')
		// Re-encode tag and length for the dump (short forms suffice for
		// display; long values use the long length form).
		enc := []byte{byte(tag)}
		switch n := len(b); {
		case n < 128:
			enc = append(enc, byte(n))
		case n < 256:
			enc = append(enc, 0x81, byte(n))
		default:
			enc = append(enc, 0x82, byte(n>>8), byte(n))
		}
		enc = append(enc, b...)
		for _, c := range enc {
			sb.WriteByte(hexdig[c>>4])
			sb.WriteByte(hexdig[c&15])
		}
		return sb.String(), nil
	}
}

// OneLine formats attributes as OpenSSL 3.0's command-line tools do
// (XN_FLAG_ONELINE): "type = value" joined by ", " between RDNs and " + "
// within one. A value holding one of , + ; < > or a leading or trailing
// space or leading '#' is put in double quotes; '"' and '\' are escaped with
// a backslash, and control characters and every byte of a non-ASCII
// character are written as \XX.
func OneLine(attrs []Attribute) string {
	var sb strings.Builder
	for i, a := range attrs {
		if i > 0 {
			if a.MultiValued {
				sb.WriteString(" + ")
			} else {
				sb.WriteString(", ")
			}
		}
		sb.WriteString(a.Type)
		sb.WriteString(" = ")
		sb.WriteString(escapeValue(a.Value))
	}
	return sb.String()
}

// String parses a DER name and returns its one-line form; a malformed name
// gives a placeholder naming the problem instead of failing.
func String(der []byte) string {
	attrs, err := Parse(der)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return OneLine(attrs)
}

func escapeValue(v string) string {
	const hexdig = "0123456789ABCDEF"
	if strings.HasPrefix(v, "#") && len(v) > 1 && isHexDump(v[1:]) {
		return v // a DER dump is printed as is
	}
	var sb strings.Builder
	quote := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '"' || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c == ',' || c == '+' || c == ';' || c == '<' || c == '>':
			quote = true
			sb.WriteByte(c)
		case (c == ' ' || c == '#') && i == 0, c == ' ' && i == len(v)-1:
			quote = true
			sb.WriteByte(c)
		case c < 0x20 || c == 0x7f || c >= 0x80:
			sb.WriteByte('\\')
			sb.WriteByte(hexdig[c>>4])
			sb.WriteByte(hexdig[c&15])
		default:
			sb.WriteByte(c)
		}
	}
	if quote {
		return `"` + sb.String() + `"`
	}
	return sb.String()
}

func isHexDump(s string) bool {
	if len(s)%2 != 0 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789ABCDEF", c) {
			return false
		}
	}
	return utf8.ValidString(s)
}
