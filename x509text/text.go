package x509text

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// NameFormat selects how the issuer and subject names are printed, as
// openssl's -nameopt does.
type NameFormat int

const (
	// OneLine is openssl's default: `C = DE, O = "Foo, Inc.", CN = x`.
	OneLine NameFormat = iota
	// RFC2253 is -nameopt RFC2253: `CN=x,O=Foo\, Inc.,C=DE` (reversed order).
	RFC2253
	// Compat is -nameopt compat, the form of X509_print (openssl s_server
	// -www prints a client's certificate so): X509_NAME_oneline's
	// "/C=DE/O=Foo" cut at each '/' that starts a one- or two-letter
	// upper-case type, `C=DE, O=Foo`.
	Compat
)

// Options changes the rendering. The zero value is openssl's default.
type Options struct {
	// Names is the form of the Issuer and Subject lines.
	Names NameFormat
	// Extensions, when not nil, selects the extensions printed (as
	// `openssl x509 -ext NAMES -text` shows only those); nil prints all.
	Extensions func(id asn1.ObjectIdentifier) bool
	// Aux, when not nil, is the trust information of a TRUSTED CERTIFICATE
	// block, printed after the signature as openssl does.
	Aux *Aux
	// Omit leaves parts out, as openssl's -certopt no_* options do.
	Omit Part
	// Unknown is how extensions that are not decoded are shown
	// (-certopt ext_default, ext_error, ext_dump).
	Unknown UnknownMode
}

// Part is a set of parts of the -text output.
type Part uint

// The parts -certopt can leave out.
const (
	PartHeader     Part = 1 << iota // "Certificate:" and "Data:" (no_header)
	PartVersion                     // no_version
	PartSerial                      // no_serial
	PartSigName                     // the signature algorithm of the TBS part (no_signame)
	PartIssuer                      // no_issuer
	PartValidity                    // no_validity
	PartSubject                     // no_subject
	PartPubKey                      // no_pubkey
	PartIDs                         // issuer and subject unique IDs (no_ids)
	PartExtensions                  // no_extensions
	PartSigDump                     // the signature at the end (no_sigdump)
	PartAux                         // trust settings (no_aux)
)

// UnknownMode says how an extension that is not decoded is printed.
type UnknownMode int

const (
	// UnknownRaw prints the raw value with non-printable bytes as '.'
	// (openssl's default).
	UnknownRaw UnknownMode = iota
	// UnknownError prints "<Not Supported>", or "<Parse Error>" for a
	// known type that does not decode (-certopt ext_error).
	UnknownError
	// UnknownDump prints a hex and ASCII dump (-certopt ext_dump).
	UnknownDump
)

// Text returns what `openssl x509 -text -noout` prints for c.
func Text(c *x509.Certificate, o Options) string {
	var b strings.Builder
	t := parseTBS(c)
	show := func(p Part) bool { return o.Omit&p == 0 }
	if show(PartHeader) {
		b.WriteString("Certificate:\n    Data:\n")
	}
	if show(PartVersion) {
		v := c.Version - 1
		if t.ok {
			v = t.version
		}
		if v >= 0 && v <= 2 {
			fmt.Fprintf(&b, "        Version: %d (0x%x)\n", v+1, v)
		} else {
			fmt.Fprintf(&b, "        Version: Unknown (%d)\n", v)
		}
	}
	if show(PartSerial) {
		b.WriteString("        Serial Number:")
		b.WriteString(serialText(c.SerialNumber, 12))
		b.WriteString("\n")
	}
	if show(PartSigName) {
		b.WriteString("    ")
		writeSigAlg(&b, t.tbsSigAlg, nil)
	}
	if show(PartIssuer) {
		b.WriteString("        Issuer: " + Name(c.RawIssuer, o.Names) + "\n")
	}
	if show(PartValidity) {
		b.WriteString("        Validity\n            Not Before: " + Time(c.NotBefore))
		b.WriteString("\n            Not After : " + Time(c.NotAfter) + "\n")
	}
	if show(PartSubject) {
		b.WriteString("        Subject: " + Name(c.RawSubject, o.Names) + "\n")
	}
	if show(PartPubKey) {
		writePublicKey(&b, c.RawSubjectPublicKeyInfo)
	}
	if show(PartIDs) && t.issuerUID != nil {
		b.WriteString("        Issuer Unique ID: ")
		b.WriteString(hexDump(t.issuerUID, 18, 12))
	}
	if show(PartIDs) && t.subjectUID != nil {
		b.WriteString("        Subject Unique ID: ")
		b.WriteString(hexDump(t.subjectUID, 18, 12))
	}
	var exts []string
	for _, e := range c.Extensions {
		if show(PartExtensions) && (o.Extensions == nil || o.Extensions(e.Id)) {
			exts = append(exts, extension(e.Id, e.Critical, e.Value, 12, o.Unknown))
		}
	}
	if len(exts) > 0 {
		b.WriteString("        X509v3 extensions:\n")
		b.WriteString(strings.Join(exts, ""))
	}
	if show(PartSigDump) {
		sig := c.Signature
		writeSigAlg(&b, t.sigAlg, &sig)
	}
	if show(PartAux) && o.Aux != nil {
		b.WriteString(o.Aux.text())
	}
	return b.String()
}

// Time formats a certificate time as openssl does: "Jan  2 15:04:05 2006 GMT".
func Time(t time.Time) string {
	return t.UTC().Format("Jan _2 15:04:05 2006 GMT")
}

// Serial formats a serial number as `openssl x509 -serial` does: upper-case
// hex of the magnitude with an even number of digits, "-" before a negative
// one.
func Serial(n *big.Int) string {
	if n == nil {
		return ""
	}
	mag := new(big.Int).Abs(n).Bytes()
	s := "00"
	if len(mag) > 0 {
		s = fmt.Sprintf("%X", mag)
	}
	if n.Sign() < 0 {
		return "-" + s
	}
	return s
}

// serialText is the -text form: decimal and hex on the same line when the
// number fits 64 bits, else the bytes in hex on a line of their own.
func serialText(n *big.Int, indent int) string {
	if n == nil {
		return " (Empty)"
	}
	if n.IsInt64() {
		v := n.Int64()
		if v < 0 {
			return fmt.Sprintf(" %d (-0x%x)", v, new(big.Int).Neg(n))
		}
		return fmt.Sprintf(" %d (0x%x)", v, v)
	}
	neg := ""
	if n.Sign() < 0 {
		neg = " (Negative)"
	}
	mag := new(big.Int).Abs(n).Bytes()
	parts := make([]string, len(mag))
	for i, c := range mag {
		parts[i] = fmt.Sprintf("%02x", c)
	}
	return "\n" + strings.Repeat(" ", indent) + neg + strings.Join(parts, ":")
}

// tbsInfo is what Text reads from the raw certificate beyond x509.Certificate.
type tbsInfo struct {
	ok                    bool
	version               int
	tbsSigAlg, sigAlg     []byte // AlgorithmIdentifier elements
	issuerUID, subjectUID []byte // bit string contents (without unused-bits byte)
}

func parseTBS(c *x509.Certificate) tbsInfo {
	var t tbsInfo
	in := cryptobyte.String(c.Raw)
	var cert, tbs cryptobyte.String
	if !in.ReadASN1(&cert, cbasn1.SEQUENCE) || !cert.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return t
	}
	var sigAlg cryptobyte.String
	if cert.ReadASN1Element(&sigAlg, cbasn1.SEQUENCE) {
		t.sigAlg = sigAlg
	}
	var verWrap cryptobyte.String
	var hasVer bool
	if !tbs.ReadOptionalASN1(&verWrap, &hasVer, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return t
	}
	if hasVer {
		var v int64
		if !verWrap.ReadASN1Int64WithTag(&v, cbasn1.INTEGER) || v < -1<<31 || v > 1<<31 {
			return t
		}
		t.version = int(v)
	}
	var skip, alg cryptobyte.String
	if !tbs.ReadASN1Element(&skip, cbasn1.INTEGER) || !tbs.ReadASN1Element(&alg, cbasn1.SEQUENCE) {
		return t
	}
	t.tbsSigAlg = alg
	for i := 0; i < 4; i++ { // issuer, validity, subject, spki
		if !tbs.ReadAnyASN1Element(&skip, nil) {
			return t
		}
	}
	for !tbs.Empty() {
		var body cryptobyte.String
		var tag cbasn1.Tag
		if !tbs.ReadAnyASN1(&body, &tag) {
			break
		}
		switch tag {
		case cbasn1.Tag(1).ContextSpecific():
			if len(body) > 0 {
				t.issuerUID = append([]byte{}, body[1:]...)
			}
		case cbasn1.Tag(2).ContextSpecific():
			if len(body) > 0 {
				t.subjectUID = append([]byte{}, body[1:]...)
			}
		}
	}
	if t.sigAlg == nil {
		t.sigAlg = alg
	}
	t.ok = true
	return t
}

// hexDump is OpenSSL's dump of bytes: lower-case hex separated by ':',
// perLine bytes a line, each line indented; it ends with a newline.
func hexDump(b []byte, perLine, indent int) string {
	var sb strings.Builder
	pad := strings.Repeat(" ", indent)
	for i, c := range b {
		if i%perLine == 0 {
			if i > 0 {
				sb.WriteByte('\n')
			}
			sb.WriteString(pad)
		}
		fmt.Fprintf(&sb, "%02x", c)
		if i != len(b)-1 {
			sb.WriteByte(':')
		}
	}
	sb.WriteByte('\n')
	return sb.String()
}

// colonHex is upper-case hex separated by ':' (key identifiers, serials in
// extensions).
func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(parts, ":")
}

// algorithm splits an AlgorithmIdentifier element into its OID and the
// parameters element (nil when absent).
func algorithm(elem []byte) (asn1.ObjectIdentifier, []byte, bool) {
	in := cryptobyte.String(elem)
	var seq cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1ObjectIdentifier(&oid) {
		return nil, nil, false
	}
	if seq.Empty() {
		return oid, nil, true
	}
	var params cryptobyte.String
	if !seq.ReadAnyASN1Element(&params, nil) {
		return oid, nil, true
	}
	return oid, params, true
}

const oidRSAPSS = "1.2.840.113549.1.1.10"

// writeSigAlg prints "    Signature Algorithm: NAME" and, with sig, the
// signature value; RSASSA-PSS parameters are spelled out as openssl does.
func writeSigAlg(b *strings.Builder, elem []byte, sig *[]byte) {
	oid, params, ok := algorithm(elem)
	name := "<invalid>"
	if ok {
		name = oidText(oid)
	}
	b.WriteString("    Signature Algorithm: ")
	b.WriteString(name)
	if sig != nil {
		b.WriteString("\n    Signature Value:")
	}
	if ok && oid.String() == oidRSAPSS {
		b.WriteString("        \n")
		b.WriteString(pssParams(params, 8))
		if sig != nil {
			b.WriteString(hexDump(*sig, 18, 8))
		}
		return
	}
	b.WriteString("\n")
	if sig == nil {
		return
	}
	if ok && strings.HasPrefix(name, "dsa") {
		if text, ok := dsaSignature(*sig); ok {
			b.WriteString(text)
			return
		}
	}
	b.WriteString(hexDump(*sig, 18, 8))
}

// pssParams prints RSASSA-PSS-params: hash, mask generation, salt length
// and trailer field, with "(default)" for absent ones.
func pssParams(params []byte, indent int) string {
	pad := strings.Repeat(" ", indent)
	in := cryptobyte.String(params)
	var seq cryptobyte.String
	if params == nil || !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return pad + "(INVALID PSS PARAMETERS)\n"
	}
	hash, mgf, mgfHash := "sha1 (default)", "mgf1", "sha1 (default)"
	salt, trailer := "0x14 (default)", "0x01 (default)"
	var field cryptobyte.String
	var has bool
	if seq.ReadOptionalASN1(&field, &has, cbasn1.Tag(0).Constructed().ContextSpecific()) && has {
		if oid, _, ok := algorithm(field); ok {
			hash = oidText(oid)
		}
	}
	if seq.ReadOptionalASN1(&field, &has, cbasn1.Tag(1).Constructed().ContextSpecific()) && has {
		if oid, p, ok := algorithm(field); ok {
			mgf = oidText(oid)
			if h, _, ok := algorithm(p); ok {
				mgfHash = oidText(h)
			} else {
				mgfHash = "INVALID"
			}
		}
	}
	if seq.ReadOptionalASN1(&field, &has, cbasn1.Tag(2).Constructed().ContextSpecific()) && has {
		var n big.Int
		if field.ReadASN1Integer(&n) {
			salt = "0x" + Serial(&n)
		}
	}
	if seq.ReadOptionalASN1(&field, &has, cbasn1.Tag(3).Constructed().ContextSpecific()) && has {
		var n big.Int
		if field.ReadASN1Integer(&n) {
			trailer = "0x" + Serial(&n)
		}
	}
	return pad + "Hash Algorithm: " + hash + "\n" +
		pad + "Mask Algorithm: " + mgf + " with " + mgfHash + "\n" +
		pad + " Salt Length: " + salt + "\n" +
		pad + "Trailer Field: " + trailer + "\n"
}

// writePublicKey prints the Subject Public Key Info block.
func writePublicKey(b *strings.Builder, spki []byte) {
	b.WriteString("        Subject Public Key Info:\n")
	in := cryptobyte.String(spki)
	var seq, algElem cryptobyte.String
	var bits asn1.BitString
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1Element(&algElem, cbasn1.SEQUENCE) ||
		!seq.ReadASN1BitString(&bits) {
		b.WriteString("            Public Key Algorithm: <invalid>\n            Unable to load Public Key\n")
		return
	}
	oid, params, _ := algorithm(algElem)
	b.WriteString("            Public Key Algorithm: ")
	b.WriteString(oidText(oid))
	b.WriteString("\n")
	key := bits.Bytes
	switch oid.String() {
	case "1.2.840.113549.1.1.1":
		if writeRSAKey(b, key) {
			return
		}
	case "1.2.840.10045.2.1":
		var curve asn1.ObjectIdentifier
		p := cryptobyte.String(params)
		if p.ReadASN1ObjectIdentifier(&curve) {
			if n, ok := curveBits[curve.String()]; ok {
				fmt.Fprintf(b, "                Public-Key: (%d bit)\n                pub:\n", n)
				b.WriteString(hexDump(key, 15, 20))
				b.WriteString("                ASN1 OID: " + oidText(curve) + "\n")
				if nist, ok := nistCurves[curve.String()]; ok {
					b.WriteString("                NIST CURVE: " + nist + "\n")
				}
				return
			}
		}
	case "1.2.840.10040.4.1":
		if writeDSAKey(b, params, key) {
			return
		}
	case "1.3.101.112", "1.3.101.113", "1.3.101.110", "1.3.101.111":
		fmt.Fprintf(b, "                %s Public-Key:\n                pub:\n", oidText(oid))
		b.WriteString(hexDump(key, 15, 20))
		return
	}
	b.WriteString("            Unable to load Public Key\n")
}

// writeRSAKey prints an RSAPublicKey; false if it does not decode.
func writeRSAKey(b *strings.Builder, key []byte) bool {
	in := cryptobyte.String(key)
	var seq cryptobyte.String
	n, e := new(big.Int), new(big.Int)
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1Integer(n) || !seq.ReadASN1Integer(e) ||
		n.Sign() <= 0 || e.Sign() < 0 {
		return false
	}
	fmt.Fprintf(b, "                Public-Key: (%d bit)\n", n.BitLen())
	b.WriteString(bnPrint("Modulus:", n, 16))
	b.WriteString(bnPrint("Exponent:", e, 16))
	return true
}

// bnPrint prints a non-negative big number as OpenSSL's ASN1_bn_print
// (label includes its colon and any padding): on one line as decimal and
// hex when it fits 64 bits, else as a hex dump (with a leading 00 byte when
// the top bit is set).
func bnPrint(label string, n *big.Int, indent int) string {
	pad := strings.Repeat(" ", indent)
	if n.Sign() == 0 {
		return pad + label + " 0\n"
	}
	if n.BitLen() <= 64 {
		return fmt.Sprintf("%s%s %s (0x%s)\n", pad, label, n.String(), n.Text(16))
	}
	mag := n.Bytes()
	if mag[0]&0x80 != 0 {
		mag = append([]byte{0}, mag...)
	}
	return pad + label + "\n" + hexDump(mag, 15, indent+4)
}

// writeDSAKey prints a DSA public key and its domain parameters; false if
// they do not decode.
func writeDSAKey(b *strings.Builder, params, key []byte) bool {
	in := cryptobyte.String(params)
	var seq cryptobyte.String
	p, q, g, y := new(big.Int), new(big.Int), new(big.Int), new(big.Int)
	k := cryptobyte.String(key)
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1Integer(p) || !seq.ReadASN1Integer(q) ||
		!seq.ReadASN1Integer(g) || !seq.Empty() || !k.ReadASN1Integer(y) || !k.Empty() ||
		p.Sign() < 0 || q.Sign() < 0 || g.Sign() < 0 || y.Sign() < 0 {
		return false
	}
	fmt.Fprintf(b, "                Public-Key: (%d bit)\n", p.BitLen())
	b.WriteString(bnPrint("pub: ", y, 16))
	b.WriteString(bnPrint("P:   ", p, 16))
	b.WriteString(bnPrint("Q:   ", q, 16))
	b.WriteString(bnPrint("G:   ", g, 16))
	return true
}

// dsaSignature prints a DSA signature as its r and s; false if it is not
// a Dss-Sig-Value.
func dsaSignature(sig []byte) (string, bool) {
	in := cryptobyte.String(sig)
	var seq cryptobyte.String
	r, s := new(big.Int), new(big.Int)
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1Integer(r) || !seq.ReadASN1Integer(s) ||
		!seq.Empty() || !in.Empty() || r.Sign() < 0 || s.Sign() < 0 {
		return "", false
	}
	return bnPrint("r:   ", r, 8) + bnPrint("s:   ", s, 8), true
}

// SignatureAlgorithmName is the name -text prints for the certificate's
// signature algorithm (sha256WithRSAEncryption, ecdsa-with-SHA256,
// ED25519, rsassaPss, or the dotted OID).
func SignatureAlgorithmName(c *x509.Certificate) string {
	t := parseTBS(c)
	if oid, _, ok := algorithm(t.sigAlg); ok {
		return oidText(oid)
	}
	return "<invalid>"
}

// PublicKeyBits returns the subjectPublicKey BIT STRING's bytes (what OCSP
// hashes for the key).
func PublicKeyBits(c *x509.Certificate) []byte {
	in := cryptobyte.String(c.RawSubjectPublicKeyInfo)
	var seq, alg cryptobyte.String
	var bits asn1.BitString
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1Element(&alg, cbasn1.SEQUENCE) ||
		!seq.ReadASN1BitString(&bits) {
		return nil
	}
	return bits.Bytes
}

// PublicKeyInfo returns the public key algorithm as -text names it and the
// key size in bits as "Public-Key: (N bit)" gives it (0 when unknown).
func PublicKeyInfo(c *x509.Certificate) (string, int) {
	in := cryptobyte.String(c.RawSubjectPublicKeyInfo)
	var seq, algElem cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1Element(&algElem, cbasn1.SEQUENCE) {
		return "<invalid>", 0
	}
	oid, params, _ := algorithm(algElem)
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return oidText(oid), k.N.BitLen()
	}
	if oid.String() == "1.2.840.10045.2.1" {
		var curve asn1.ObjectIdentifier
		p := cryptobyte.String(params)
		if p.ReadASN1ObjectIdentifier(&curve) {
			return oidText(oid), curveBits[curve.String()]
		}
	}
	switch oid.String() {
	case "1.2.840.10040.4.1":
		in := cryptobyte.String(params)
		var seq cryptobyte.String
		p := new(big.Int)
		if in.ReadASN1(&seq, cbasn1.SEQUENCE) && seq.ReadASN1Integer(p) {
			return oidText(oid), p.BitLen()
		}
	case "1.3.101.112", "1.3.101.110":
		return oidText(oid), 256
	case "1.3.101.113":
		return oidText(oid), 456
	}
	return oidText(oid), 0
}

// Modulus is what `openssl x509 -modulus` prints in hex: the modulus of an
// RSA key or the public value of a DSA key; false for other keys.
func Modulus(c *x509.Certificate) (*big.Int, bool) {
	in := cryptobyte.String(c.RawSubjectPublicKeyInfo)
	var seq, algElem cryptobyte.String
	var bits asn1.BitString
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1Element(&algElem, cbasn1.SEQUENCE) ||
		!seq.ReadASN1BitString(&bits) {
		return nil, false
	}
	oid, _, _ := algorithm(algElem)
	key := cryptobyte.String(bits.Bytes)
	n := new(big.Int)
	switch oid.String() {
	case "1.2.840.113549.1.1.1":
		var rsaSeq cryptobyte.String
		if key.ReadASN1(&rsaSeq, cbasn1.SEQUENCE) && rsaSeq.ReadASN1Integer(n) {
			return n, true
		}
	case "1.2.840.10040.4.1":
		if key.ReadASN1Integer(n) {
			return n, true
		}
	}
	return nil, false
}
