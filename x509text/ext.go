package x509text

import (
	"bytes"
	"encoding/asn1"
	"fmt"
	"math/big"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/sslstream/sslstream/dn"
)

// Extension returns one extension as `openssl x509 -text` prints it at
// indent: the name line ("X509v3 Basic Constraints: critical"), then the
// decoded value indented four more, then a newline. `openssl x509 -ext`
// prints the same at indent 0.
func Extension(id asn1.ObjectIdentifier, critical bool, value []byte, indent int) string {
	return extension(id, critical, value, indent, UnknownRaw)
}

func extension(id asn1.ObjectIdentifier, critical bool, value []byte, indent int, mode UnknownMode) string {
	var sb strings.Builder
	sb.WriteString(strings.Repeat(" ", indent))
	sb.WriteString(oidText(id))
	sb.WriteString(": ")
	if critical {
		sb.WriteString("critical")
	}
	sb.WriteString("\n")
	body, ok := extensionBody(id.String(), value, indent+4)
	if !ok {
		pad := strings.Repeat(" ", indent+4)
		known := decoded[id.String()]
		switch {
		case mode == UnknownError && known:
			body = pad + "<Parse Error>"
		case mode == UnknownError:
			body = pad + "<Not Supported>"
		case mode == UnknownDump:
			body = dump(value, indent+4)
		default:
			body = pad + stringPrint(value)
		}
	}
	sb.WriteString(body)
	sb.WriteString("\n")
	return sb.String()
}

// stringPrint is OpenSSL's ASN1_STRING_print: the bytes, with each one
// outside printable ASCII (other than CR and LF) shown as '.'.
func stringPrint(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c > '~' || (c < ' ' && c != '\n' && c != '\r') {
			c = '.'
		}
		out[i] = c
	}
	return string(out)
}

// cstr is a value as C's "%.*s" prints it: up to the first NUL.
func cstr(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// valueList prints name:value items as X509V3_EXT_val_prn: joined by ", "
// or, multiline, one a line; an empty list is "<EMPTY>".
func valueList(items []string, pad string, multiline bool) string {
	if len(items) == 0 {
		return pad + "<EMPTY>\n"
	}
	if multiline {
		return pad + strings.Join(items, "\n"+pad)
	}
	return pad + strings.Join(items, ", ")
}

// extensionBody decodes and prints an extension value at indent; false
// when the type is unknown or the value does not decode.
func extensionBody(oid string, v []byte, indent int) (string, bool) {
	pad := strings.Repeat(" ", indent)
	in := cryptobyte.String(v)
	switch oid {
	case oidSubjectKeyID:
		var oct cryptobyte.String
		if !in.ReadASN1(&oct, cbasn1.OCTET_STRING) || !in.Empty() {
			return "", false
		}
		return pad + colonHex(oct), true
	case oidAuthorityKeyID:
		items, ok := authorityKeyID(in)
		if !ok {
			return "", false
		}
		return valueList(items, pad, true), true
	case oidBasicConstraints:
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
			return "", false
		}
		ca := false
		if seq.PeekASN1Tag(cbasn1.BOOLEAN) && !seq.ReadASN1Boolean(&ca) {
			return "", false
		}
		items := []string{"CA:FALSE"}
		if ca {
			items[0] = "CA:TRUE"
		}
		if !seq.Empty() {
			n := new(big.Int)
			if !seq.ReadASN1Integer(n) {
				return "", false
			}
			items = append(items, "pathlen:"+intText(n))
		}
		if !seq.Empty() {
			return "", false
		}
		return valueList(items, pad, false), true
	case oidKeyUsage, oidNSCertType:
		var bits asn1.BitString
		if !in.ReadASN1BitString(&bits) || !in.Empty() {
			return "", false
		}
		names := keyUsageNames
		if oid == oidNSCertType {
			names = nsCertTypeNames
		}
		var items []string
		for i, n := range names {
			if bits.At(i) == 1 {
				items = append(items, n)
			}
		}
		return valueList(items, pad, false), true
	case oidExtKeyUsage:
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
			return "", false
		}
		var items []string
		for !seq.Empty() {
			var o asn1.ObjectIdentifier
			if !seq.ReadASN1ObjectIdentifier(&o) {
				return "", false
			}
			items = append(items, oidText(o))
		}
		return valueList(items, pad, false), true
	case oidSubjectAltName, oidIssuerAltName, oidCertIssuer:
		names, ok := readGeneralNames(&in)
		if !ok || !in.Empty() {
			return "", false
		}
		items, ok := i2vNames(names)
		if !ok {
			return "", false
		}
		return valueList(items, pad, false), true
	case oidAuthorityInfo, oidSubjectInfo:
		items, ok := accessDescriptions(in)
		if !ok {
			return "", false
		}
		return valueList(items, pad, true), true
	case oidCertPolicies:
		return policies(in, indent)
	case oidCRLDistPoints, oidFreshestCRL:
		return distPoints(in, indent)
	case oidNameConstraints:
		return nameConstraints(in, indent)
	case oidPolicyMappings:
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
			return "", false
		}
		var items []string
		for !seq.Empty() {
			var m cryptobyte.String
			var a, b asn1.ObjectIdentifier
			if !seq.ReadASN1(&m, cbasn1.SEQUENCE) || !m.ReadASN1ObjectIdentifier(&a) ||
				!m.ReadASN1ObjectIdentifier(&b) || !m.Empty() {
				return "", false
			}
			items = append(items, oidText(a)+":"+oidText(b))
		}
		return valueList(items, pad, false), true
	case oidPolicyConstr:
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
			return "", false
		}
		var items []string
		for i, label := range []string{"Require Explicit Policy", "Inhibit Policy Mapping"} {
			var f cryptobyte.String
			var has bool
			if !seq.ReadOptionalASN1(&f, &has, cbasn1.Tag(i).ContextSpecific()) {
				return "", false
			}
			if has {
				n, ok := integerBody(f)
				if !ok {
					return "", false
				}
				items = append(items, label+":"+intText(n))
			}
		}
		if !seq.Empty() {
			return "", false
		}
		return valueList(items, pad, false), true
	case oidInhibitAnyPolicy, oidCRLNumber, oidDeltaCRL:
		n := new(big.Int)
		if !in.ReadASN1Integer(n) || !in.Empty() {
			return "", false
		}
		return pad + intText(n), true
	case oidTLSFeature:
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
			return "", false
		}
		var items []string
		for !seq.Empty() {
			n := new(big.Int)
			if !seq.ReadASN1Integer(n) {
				return "", false
			}
			switch {
			case n.IsInt64() && n.Int64() == 5:
				items = append(items, "status_request")
			case n.IsInt64() && n.Int64() == 17:
				items = append(items, "status_request_v2")
			default:
				items = append(items, intText(n))
			}
		}
		return valueList(items, pad, false), true
	case oidOCSPNoCheck:
		var null cryptobyte.String
		if !in.ReadASN1(&null, cbasn1.NULL) || !in.Empty() || len(null) != 0 {
			return "", false
		}
		return "", true
	case oidCTPoison:
		var null cryptobyte.String
		if !in.ReadASN1(&null, cbasn1.NULL) || !in.Empty() || len(null) != 0 {
			return "", false
		}
		return pad + "NULL", true
	case oidNSComment, "2.16.840.1.113730.1.2", "2.16.840.1.113730.1.3", "2.16.840.1.113730.1.4",
		"2.16.840.1.113730.1.7", "2.16.840.1.113730.1.8", "2.16.840.1.113730.1.12":
		var s cryptobyte.String
		if !in.ReadASN1(&s, cbasn1.IA5String) || !in.Empty() {
			return "", false
		}
		return pad + cstr(s), true
	case oidSCTList:
		return sctList(in, indent)
	case oidPrivKeyUsage:
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
			return "", false
		}
		var nb, na cryptobyte.String
		var hasNB, hasNA bool
		if !seq.ReadOptionalASN1(&nb, &hasNB, cbasn1.Tag(0).ContextSpecific()) ||
			!seq.ReadOptionalASN1(&na, &hasNA, cbasn1.Tag(1).ContextSpecific()) || !seq.Empty() {
			return "", false
		}
		out := pad
		if hasNB {
			t, ok := generalizedTime(nb)
			if !ok {
				return "", false
			}
			out += "Not Before: " + t
			if hasNA {
				out += ", "
			}
		}
		if hasNA {
			t, ok := generalizedTime(na)
			if !ok {
				return "", false
			}
			out += "Not After: " + t
		}
		return out, true
	}
	return "", false
}

var keyUsageNames = []string{"Digital Signature", "Non Repudiation", "Key Encipherment",
	"Data Encipherment", "Key Agreement", "Certificate Sign", "CRL Sign", "Encipher Only", "Decipher Only"}

var nsCertTypeNames = []string{"SSL Client", "SSL Server", "S/MIME", "Object Signing", "Unused",
	"SSL CA", "S/MIME CA", "Object Signing CA"}

var reasonNames = []string{"Unused", "Key Compromise", "CA Compromise", "Affiliation Changed",
	"Superseded", "Cessation Of Operation", "Certificate Hold", "Privilege Withdrawn", "AA Compromise"}

// intText is OpenSSL's i2s_ASN1_INTEGER: decimal below 128 bits, else 0x
// and upper-case hex.
func intText(n *big.Int) string {
	if new(big.Int).Abs(n).BitLen() < 128 {
		return n.String()
	}
	if n.Sign() < 0 {
		return "-0x" + Serial(new(big.Int).Neg(n))
	}
	return "0x" + Serial(n)
}

// integerBody decodes the content octets of an INTEGER (for implicitly
// tagged ones).
func integerBody(b []byte) (*big.Int, bool) {
	if len(b) == 0 || len(b) > 1 && (b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0) {
		return nil, false
	}
	n := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return n, true
}

func authorityKeyID(in cryptobyte.String) ([]string, bool) {
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, false
	}
	var keyID, issuer, serial cryptobyte.String
	var hasKey, hasIssuer, hasSerial bool
	if !seq.ReadOptionalASN1(&keyID, &hasKey, cbasn1.Tag(0).ContextSpecific()) ||
		!seq.ReadOptionalASN1(&issuer, &hasIssuer, cbasn1.Tag(1).Constructed().ContextSpecific()) ||
		!seq.ReadOptionalASN1(&serial, &hasSerial, cbasn1.Tag(2).ContextSpecific()) || !seq.Empty() {
		return nil, false
	}
	var items []string
	if hasKey {
		if hasIssuer || hasSerial {
			items = append(items, "keyid:"+colonHex(keyID))
		} else {
			items = append(items, colonHex(keyID))
		}
	}
	if hasIssuer {
		names, ok := readGeneralNamesBody(issuer)
		if !ok {
			return nil, false
		}
		more, ok := i2vNames(names)
		if !ok {
			return nil, false
		}
		items = append(items, more...)
	}
	if hasSerial {
		n, ok := integerBody(serial)
		if !ok {
			return nil, false
		}
		mag := new(big.Int).Abs(n).Bytes()
		if len(mag) == 0 {
			mag = []byte{0}
		}
		items = append(items, "serial:"+colonHex(mag))
	}
	if items == nil {
		return nil, false
	}
	return items, true
}

func accessDescriptions(in cryptobyte.String) ([]string, bool) {
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, false
	}
	items := []string{}
	for !seq.Empty() {
		var ad cryptobyte.String
		var method asn1.ObjectIdentifier
		if !seq.ReadASN1(&ad, cbasn1.SEQUENCE) || !ad.ReadASN1ObjectIdentifier(&method) {
			return nil, false
		}
		g, ok := readGeneralName(&ad)
		if !ok || !ad.Empty() {
			return nil, false
		}
		s, ok := g.i2v()
		if !ok {
			return nil, false
		}
		items = append(items, oidText(method)+" - "+s)
	}
	return items, true
}

// policies prints certificatePolicies as OpenSSL 3.0 does.
func policies(in cryptobyte.String, indent int) (string, bool) {
	pad := strings.Repeat(" ", indent)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return "", false
	}
	var sb strings.Builder
	for i := 0; !seq.Empty(); i++ {
		var pi cryptobyte.String
		var id asn1.ObjectIdentifier
		if !seq.ReadASN1(&pi, cbasn1.SEQUENCE) || !pi.ReadASN1ObjectIdentifier(&id) {
			return "", false
		}
		if i > 0 {
			sb.WriteString("\n")
		}
		sb.WriteString(pad + "Policy: " + oidText(id))
		if pi.Empty() {
			continue
		}
		var quals cryptobyte.String
		if !pi.ReadASN1(&quals, cbasn1.SEQUENCE) || !pi.Empty() {
			return "", false
		}
		sb.WriteString("\n")
		text, ok := qualifiers(quals, pad+"  ")
		if !ok {
			return "", false
		}
		sb.WriteString(text)
	}
	return sb.String(), true
}

// qualifiers prints the contents of a SEQUENCE OF PolicyQualifierInfo as
// OpenSSL 3.0's print_qualifiers does, each at pad, lines joined by "\n".
func qualifiers(quals cryptobyte.String, qpad string) (string, bool) {
	var sb strings.Builder
	for j := 0; !quals.Empty(); j++ {
		var q cryptobyte.String
		var qid asn1.ObjectIdentifier
		if !quals.ReadASN1(&q, cbasn1.SEQUENCE) || !q.ReadASN1ObjectIdentifier(&qid) {
			return "", false
		}
		if j > 0 {
			sb.WriteString("\n")
		}
		switch qid.String() {
		case "1.3.6.1.5.5.7.2.1":
			var s cryptobyte.String
			if !q.ReadASN1(&s, cbasn1.IA5String) || !q.Empty() {
				return "", false
			}
			sb.WriteString(qpad + "CPS: " + cstr(s))
		case "1.3.6.1.5.5.7.2.2":
			text, ok := userNotice(q, qpad+"  ")
			if !ok {
				return "", false
			}
			sb.WriteString(qpad + "User Notice:\n" + text)
		default:
			sb.WriteString(qpad + "Unknown Qualifier: " + oidText(qid))
		}
	}
	return sb.String(), true
}

// PolicyQualifiers prints the qualifiers of a policy, the DER of its
// SEQUENCE OF PolicyQualifierInfo, as OpenSSL 3.0 does under a policy
// (X509_POLICY_NODE_print): each line at indent spaces, ending in a
// newline. False when der is not such a sequence.
func PolicyQualifiers(der []byte, indent int) (string, bool) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return "", false
	}
	text, ok := qualifiers(seq, strings.Repeat(" ", indent))
	if !ok {
		return "", false
	}
	if text == "" {
		return "", true
	}
	return text + "\n", true
}

// displayText reads a DisplayText (any string type).
func displayText(in *cryptobyte.String) (string, bool) {
	var s cryptobyte.String
	var tag cbasn1.Tag
	if !in.ReadAnyASN1(&s, &tag) {
		return "", false
	}
	switch tag {
	case cbasn1.IA5String, cbasn1.UTF8String, cbasn1.Tag(26), cbasn1.Tag(30):
		return cstr(s), true
	}
	return "", false
}

func userNotice(q cryptobyte.String, pad string) (string, bool) {
	var un cryptobyte.String
	if !q.ReadASN1(&un, cbasn1.SEQUENCE) || !q.Empty() {
		return "", false
	}
	var sb strings.Builder
	hasRef := false
	if un.PeekASN1Tag(cbasn1.SEQUENCE) {
		hasRef = true
		var ref, nums cryptobyte.String
		if !un.ReadASN1(&ref, cbasn1.SEQUENCE) {
			return "", false
		}
		org, ok := displayText(&ref)
		if !ok || !ref.ReadASN1(&nums, cbasn1.SEQUENCE) || !ref.Empty() {
			return "", false
		}
		var list []string
		for !nums.Empty() {
			n := new(big.Int)
			if !nums.ReadASN1Integer(n) {
				return "", false
			}
			list = append(list, intText(n))
		}
		plural := ""
		if len(list) > 1 {
			plural = "s"
		}
		sb.WriteString(pad + "Organization: " + org + "\n")
		sb.WriteString(pad + "Number" + plural + ": " + strings.Join(list, ", "))
	}
	if !un.Empty() {
		text, ok := displayText(&un)
		if !ok || !un.Empty() {
			return "", false
		}
		if hasRef {
			sb.WriteString("\n")
		}
		sb.WriteString(pad + "Explicit Text: " + text)
	}
	return sb.String(), true
}

// distPoints prints cRLDistributionPoints (and freshestCRL) as OpenSSL
// 3.0 does, including its missing newline after a list of full names.
func distPoints(in cryptobyte.String, indent int) (string, bool) {
	pad := strings.Repeat(" ", indent)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return "", false
	}
	var sb strings.Builder
	for i := 0; !seq.Empty(); i++ {
		var dp cryptobyte.String
		if !seq.ReadASN1(&dp, cbasn1.SEQUENCE) {
			return "", false
		}
		if i > 0 {
			sb.WriteString("\n")
		}
		var name, reasons, issuer cryptobyte.String
		var hasName, hasReasons, hasIssuer bool
		if !dp.ReadOptionalASN1(&name, &hasName, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
			!dp.ReadOptionalASN1(&reasons, &hasReasons, cbasn1.Tag(1).ContextSpecific()) ||
			!dp.ReadOptionalASN1(&issuer, &hasIssuer, cbasn1.Tag(2).Constructed().ContextSpecific()) ||
			!dp.Empty() {
			return "", false
		}
		if hasName {
			var body cryptobyte.String
			var tag cbasn1.Tag
			if !name.ReadAnyASN1(&body, &tag) || !name.Empty() {
				return "", false
			}
			switch tag {
			case cbasn1.Tag(0).Constructed().ContextSpecific():
				names, ok := readGeneralNamesBody(body)
				if !ok {
					return "", false
				}
				sb.WriteString(pad + "Full Name:\n")
				sb.WriteString(printNames(names, pad+"  "))
			case cbasn1.Tag(1).Constructed().ContextSpecific():
				// A relative name: the RDN's attributes as a one-line name.
				var b cryptobyte.Builder
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(body) })
				})
				der, err := b.Bytes()
				if err != nil {
					return "", false
				}
				sb.WriteString(pad + "Relative Name:\n" + pad + "  " + dn.String(der))
			default:
				return "", false
			}
		}
		if hasReasons {
			if len(reasons) == 0 {
				return "", false
			}
			var list []string
			for i, n := range reasonNames {
				if bitAt(reasons[1:], i) {
					list = append(list, n)
				}
			}
			sb.WriteString(pad + "Reasons:\n" + pad + "  ")
			if len(list) == 0 {
				sb.WriteString("<EMPTY>\n")
			} else {
				sb.WriteString(strings.Join(list, ", ") + "\n")
			}
		}
		if hasIssuer {
			names, ok := readGeneralNamesBody(issuer)
			if !ok {
				return "", false
			}
			sb.WriteString(pad + "CRL Issuer:\n")
			sb.WriteString(printNames(names, pad+"  "))
		}
	}
	return sb.String(), true
}

// printNames prints general names one a line, without a newline after the
// last (OpenSSL 3.0's print_gens).
func printNames(names []generalName, pad string) string {
	parts := make([]string, len(names))
	for i, g := range names {
		parts[i] = pad + g.print()
	}
	return strings.Join(parts, "\n")
}

func nameConstraints(in cryptobyte.String, indent int) (string, bool) {
	pad := strings.Repeat(" ", indent)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return "", false
	}
	var trees [2]cryptobyte.String
	var has [2]bool
	for i := range trees {
		if !seq.ReadOptionalASN1(&trees[i], &has[i], cbasn1.Tag(i).Constructed().ContextSpecific()) {
			return "", false
		}
	}
	if !seq.Empty() {
		return "", false
	}
	var sb strings.Builder
	for i, label := range []string{"Permitted", "Excluded"} {
		if !has[i] {
			continue
		}
		if i == 1 && has[0] {
			sb.WriteString("\n")
		}
		var lines []string
		t := trees[i]
		for !t.Empty() {
			var st cryptobyte.String
			if !t.ReadASN1(&st, cbasn1.SEQUENCE) {
				return "", false
			}
			g, ok := readGeneralName(&st)
			if !ok {
				return "", false
			}
			// minimum and maximum are not printed.
			if g.tag == 7 {
				lines = append(lines, pad+"  IP:"+ncIP(g.body))
			} else {
				lines = append(lines, pad+"  "+g.print())
			}
		}
		if len(lines) > 0 {
			sb.WriteString(pad + label + ":\n")
			sb.WriteString(strings.Join(lines, "\n"))
		}
	}
	return sb.String(), true
}

// ncIP prints a name constraint's address and mask: "10.0.0.0/255.0.0.0".
func ncIP(b []byte) string {
	n := len(b)
	l1 := n
	switch {
	case n >= 16:
		l1 = 16
	case n >= 4:
		l1 = 4
	}
	return ipText(b[:l1]) + "/" + ipText(b[l1:])
}

// ipText is OpenSSL's ipaddr_to_asc.
func ipText(b []byte) string {
	switch len(b) {
	case 4:
		return fmt.Sprintf("%d.%d.%d.%d", b[0], b[1], b[2], b[3])
	case 16:
		parts := make([]string, 8)
		for i := range parts {
			parts[i] = fmt.Sprintf("%X", int(b[2*i])<<8|int(b[2*i+1]))
		}
		return strings.Join(parts, ":")
	}
	return fmt.Sprintf("<invalid length=%d>", len(b))
}

// bitAt reports whether bit i (0 = most significant of the first byte) of
// a bit string's bytes is set.
func bitAt(b []byte, i int) bool {
	return i/8 < len(b) && b[i/8]&(0x80>>(i%8)) != 0
}

// generalizedTime prints the content of a GeneralizedTime as OpenSSL does.
func generalizedTime(b []byte) (string, bool) {
	t, err := time.Parse("20060102150405Z0700", string(b))
	if err != nil {
		return "", false
	}
	return Time(t), true
}

// decoded are the extension types extensionBody decodes, for telling a
// value that does not decode from a type that is not supported.
var decoded = map[string]bool{
	oidSubjectKeyID: true, oidAuthorityKeyID: true, oidBasicConstraints: true, oidKeyUsage: true,
	oidNSCertType: true, oidExtKeyUsage: true, oidSubjectAltName: true, oidIssuerAltName: true,
	oidCertIssuer: true, oidAuthorityInfo: true, oidSubjectInfo: true, oidCertPolicies: true,
	oidCRLDistPoints: true, oidFreshestCRL: true, oidNameConstraints: true, oidPolicyMappings: true,
	oidPolicyConstr: true, oidInhibitAnyPolicy: true, oidCRLNumber: true, oidDeltaCRL: true,
	oidTLSFeature: true, oidOCSPNoCheck: true, oidCTPoison: true, oidNSComment: true,
	"2.16.840.1.113730.1.2": true, "2.16.840.1.113730.1.3": true, "2.16.840.1.113730.1.4": true,
	"2.16.840.1.113730.1.7": true, "2.16.840.1.113730.1.8": true, "2.16.840.1.113730.1.12": true,
	oidSCTList: true, oidPrivKeyUsage: true,
}

// dump is OpenSSL's BIO_dump_indent: rows of offset, hex bytes (a '-'
// after the eighth) and the bytes as ASCII, fewer a row the deeper the
// indent; each row ends with a newline.
func dump(b []byte, indent int) string {
	if indent > 128 {
		indent = 128
	}
	less := indent
	if less > 6 {
		less = 6
	}
	width := 16 - (indent-less+3)/4
	if width < 1 { // OpenSSL's formula goes negative past indent 66
		width = 1
	}
	pad := strings.Repeat(" ", indent)
	var sb strings.Builder
	for row := 0; row*width < len(b); row++ {
		fmt.Fprintf(&sb, "%s%04x - ", pad, row*width)
		for j := 0; j < width; j++ {
			k := row*width + j
			if k >= len(b) {
				sb.WriteString("   ")
				continue
			}
			sep := byte(' ')
			if j == 7 {
				sep = '-'
			}
			fmt.Fprintf(&sb, "%02x%c", b[k], sep)
		}
		sb.WriteString("  ")
		for j := 0; j < width && row*width+j < len(b); j++ {
			c := b[row*width+j]
			if c < ' ' || c > '~' {
				c = '.'
			}
			sb.WriteByte(c)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}
