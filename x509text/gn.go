package x509text

import (
	"encoding/asn1"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/sslstream/sslstream/dn"
)

// generalName is one GeneralName: its context tag number and content.
type generalName struct {
	tag  int
	body []byte
}

func readGeneralName(in *cryptobyte.String) (generalName, bool) {
	var body cryptobyte.String
	var tag cbasn1.Tag
	if !in.ReadAnyASN1(&body, &tag) || tag&0xc0 != 0x80 || tag&0x1f > 8 {
		return generalName{}, false
	}
	g := generalName{tag: int(tag & 0x1f), body: body}
	constructed := tag&0x20 != 0
	switch g.tag {
	case 0, 3, 4, 5:
		if !constructed {
			return generalName{}, false
		}
	default:
		if constructed {
			return generalName{}, false
		}
	}
	return g, true
}

// readGeneralNames reads a GeneralNames SEQUENCE.
func readGeneralNames(in *cryptobyte.String) ([]generalName, bool) {
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil, false
	}
	return readGeneralNamesBody(seq)
}

// readGeneralNamesBody reads the content of a GeneralNames.
func readGeneralNamesBody(seq cryptobyte.String) ([]generalName, bool) {
	names := []generalName{}
	for !seq.Empty() {
		g, ok := readGeneralName(&seq)
		if !ok {
			return nil, false
		}
		names = append(names, g)
	}
	return names, true
}

// otherName splits an otherName into its type and value element.
func (g generalName) otherName() (asn1.ObjectIdentifier, cbasn1.Tag, []byte, bool) {
	in := cryptobyte.String(g.body)
	var oid asn1.ObjectIdentifier
	var wrap, val cryptobyte.String
	var tag cbasn1.Tag
	if !in.ReadASN1ObjectIdentifier(&oid) || !in.ReadASN1(&wrap, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!in.Empty() || !wrap.ReadAnyASN1(&val, &tag) || !wrap.Empty() {
		return nil, 0, nil, false
	}
	return oid, tag, val, true
}

// otherNameLabels are the otherName types OpenSSL 3.0 names, with the
// string type each must have.
var otherNameLabels = map[string]struct {
	label string
	tag   cbasn1.Tag
}{
	"1.3.6.1.5.5.7.8.9":      {"SmtpUTF8Mailbox", cbasn1.UTF8String},
	"1.3.6.1.5.5.7.8.5":      {"XmppAddr", cbasn1.UTF8String},
	"1.3.6.1.5.5.7.8.7":      {"SRVName", cbasn1.IA5String},
	"1.3.6.1.4.1.311.20.2.3": {"UPN", cbasn1.UTF8String},
	"1.3.6.1.5.5.7.8.8":      {"NAIRealm", cbasn1.UTF8String},
}

// lenValue is a string value as x509v3_add_len_value takes it: refused when
// it holds a NUL before its last byte.
func lenValue(b []byte) (string, bool) {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == 0 {
			return "", false
		}
	}
	return cstr(b), true
}

// i2v is the name:value form of subjectAltName and friends
// (i2v_GENERAL_NAME).
func (g generalName) i2v() (string, bool) {
	switch g.tag {
	case 0:
		oid, tag, val, ok := g.otherName()
		if !ok {
			return "", false
		}
		if known, ok := otherNameLabels[oid.String()]; ok {
			if tag != known.tag {
				return "", false
			}
			v, ok := lenValue(val)
			if !ok {
				return "", false
			}
			return "othername: " + known.label + ":" + ":" + v, true
		}
		label := "othername: " + oidText(oid) + ":"
		if tag == cbasn1.IA5String || tag == cbasn1.UTF8String {
			if v, ok := lenValue(val); ok {
				return label + ":" + v, true
			}
		}
		return label + ":<unsupported>", true
	case 1, 2, 6:
		v, ok := lenValue(g.body)
		if !ok {
			return "", false
		}
		return map[int]string{1: "email:", 2: "DNS:", 6: "URI:"}[g.tag] + v, true
	case 3:
		return "X400Name:<unsupported>", true
	case 5:
		return "EdiPartyName:<unsupported>", true
	case 4:
		name, ok := g.dirName()
		if !ok {
			return "", false
		}
		return "DirName:" + truncatedSlashName(name), true
	case 7:
		return "IP Address:" + ipText(g.body), true
	case 8:
		oid, ok := g.rid()
		if !ok {
			return "", false
		}
		return "Registered ID:" + oidText(oid), true
	}
	return "", false
}

// print is GENERAL_NAME_print, used by CRL distribution points and name
// constraints.
func (g generalName) print() string {
	switch g.tag {
	case 0:
		oid, tag, val, ok := g.otherName()
		if !ok {
			return "othername:<unsupported>"
		}
		known, ok := otherNameLabels[oid.String()]
		if !ok || tag != known.tag {
			return "othername:<unsupported>"
		}
		return "othername:" + known.label + ":" + cstr(val)
	case 1:
		return "email:" + stringPrint(g.body)
	case 2:
		return "DNS:" + stringPrint(g.body)
	case 6:
		return "URI:" + stringPrint(g.body)
	case 3:
		return "X400Name:<unsupported>"
	case 5:
		return "EdiPartyName:<unsupported>"
	case 4:
		name, ok := g.dirName()
		if !ok {
			return "DirName:<invalid>"
		}
		return "DirName:" + dn.String(name)
	case 7:
		return "IP Address:" + ipText(g.body)
	case 8:
		oid, ok := g.rid()
		if !ok {
			return "Registered ID:<invalid>"
		}
		return "Registered ID:" + oidText(oid)
	}
	return ""
}

func (g generalName) dirName() ([]byte, bool) {
	in := cryptobyte.String(g.body)
	var name cryptobyte.String
	if !in.ReadASN1Element(&name, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, false
	}
	if _, ok := parseRawName(name); !ok {
		return nil, false
	}
	return name, true
}

func (g generalName) rid() (asn1.ObjectIdentifier, bool) {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.OBJECT_IDENTIFIER, func(b *cryptobyte.Builder) { b.AddBytes(g.body) })
	der, err := b.Bytes()
	if err != nil {
		return nil, false
	}
	in := cryptobyte.String(der)
	var oid asn1.ObjectIdentifier
	if !in.ReadASN1ObjectIdentifier(&oid) {
		return nil, false
	}
	return oid, true
}

// truncatedSlashName is slashName limited as OpenSSL's 256-byte buffer
// limits it: whole attributes while they fit in 255 bytes.
func truncatedSlashName(der []byte) string {
	pieces, ok := slashPieces(der)
	if !ok {
		return "<invalid name>"
	}
	out := ""
	for _, p := range pieces {
		if len(out)+len(p) > 255 {
			break
		}
		out += p
	}
	return out
}

// i2vNames is i2v of each name; false if any fails.
func i2vNames(names []generalName) ([]string, bool) {
	items := make([]string, 0, len(names))
	for _, g := range names {
		s, ok := g.i2v()
		if !ok {
			return nil, false
		}
		items = append(items, s)
	}
	return items, true
}
