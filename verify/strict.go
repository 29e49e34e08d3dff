package verify

import (
	"bytes"
	//lint:ignore SA1019 DSA keys are refused in strict mode.
	"crypto/dsa"
	"crypto/rsa"
	"crypto/x509"
	"net"
	"strings"

	"github.com/sslstream/sslstream/dn"
)

// strictChecks are the RFC 5280 conformance checks of OpenSSL's
// -x509_strict (X509_V_FLAG_X509_STRICT) for chain position i, done only for
// chains of more than one certificate. As in OpenSSL 3.0, every CA needs a
// keyUsage extension (92), the self-signed trust anchor included: a root
// made by `openssl req -x509` with the default configuration has none.
func (e *engine) strictChecks(i int, x *certInfo) {
	num := len(e.chain)
	if x.pathLen != -1 {
		if !x.ca {
			e.report(PathlenInvalidForNonCA, i, x)
		}
		if !x.kuPresent || x.ku&x509.KeyUsageCertSign == 0 {
			e.report(PathlenWithoutKUKeyCertSign, i, x)
		}
	}
	if x.ca && x.bcPresent && !x.bcCritical {
		e.report(CABasicConstraintsNotCritical, i, x)
	}
	if x.ca {
		if !x.kuPresent {
			e.report(CACertMissingKeyUsage, i, x)
		}
	} else if x.kuPresent && x.ku&x509.KeyUsageCertSign != 0 {
		e.report(KUKeyCertSignInvalidForNonCA, i, x)
	}
	if emptyName(x.c.RawIssuer) {
		e.report(IssuerNameEmpty, i, x)
	}
	subjEmpty := emptyName(x.c.RawSubject)
	if (x.ca || (x.kuPresent && x.ku&x509.KeyUsageCRLSign != 0) || !x.sanPresent) && subjEmpty {
		e.report(SubjectNameEmpty, i, x)
	}
	if subjEmpty && x.sanPresent && !x.sanCritical {
		e.report(EmptySubjectSANNotCritical, i, x)
	}
	if x.sanPresent && len(x.sans) == 0 {
		e.report(EmptySubjectAltName, i, x)
	}
	if sigAlgInconsistent(x.c) {
		e.report(SignatureAlgorithmInconsistency, i, x)
	}
	if x.akidPresent && x.akidCritical {
		e.report(AuthorityKeyIdentifierCritical, i, x)
	}
	if x.skidPresent && x.skidCritical {
		e.report(SubjectKeyIdentifierCritical, i, x)
	}
	if x.c.Version >= 3 {
		if i+1 < num && !x.akidPresent && !x.selfSigned {
			e.report(MissingAuthorityKeyIdentifier, i, x)
		}
		if x.ca && !x.skidPresent {
			e.report(MissingSubjectKeyIdentifier, i, x)
		}
	} else if len(x.c.Extensions) > 0 {
		e.report(ExtensionsRequireVersion3, i, x)
	}
}

// emptyName reports whether a DER Name has no attributes.
func emptyName(raw []byte) bool {
	// An empty SEQUENCE is 30 00.
	return len(raw) == 2 && raw[0] == 0x30 && raw[1] == 0
}

// extraStrictChecks runs extraStrict over the chain, leaf first. It runs
// after all of OpenSSL's checks, so that a chain that openssl verify
// -x509_strict refuses fails here with the same first error, and our own
// rules only decide the result when OpenSSL finds nothing.
func (e *engine) extraStrictChecks() {
	for i, x := range e.chain {
		e.extraStrict(i, x)
	}
}

// extraStrict holds the checks strict mode adds to OpenSSL's -x509_strict:
// RFC 5280 profile rules OpenSSL does not enforce and the CA/Browser Forum
// baseline requirements for TLS server certificates. They run for every
// chain position, trust anchor included where the rule concerns it.
//
//   - serial numbers must be positive and at most 20 octets (41);
//   - only a self-signed trust anchor may be a version 1 or 2 certificate
//     (41);
//   - RSA keys of at least 2048 bits, a multiple of 8; no DSA keys (66 for
//     the leaf, 67 for CAs);
//   - name constraints only in CA certificates and marked critical; DNS
//     name constraints must be host or domain names without a leading
//     period (52); policy constraints marked critical (41);
//   - DNS names in subjectAltName must be valid host names (letters,
//     digits, inner hyphens, at most a whole-label "*" wildcard first) (53);
//   - a leaf below a CA must not be a CA, must have a subjectAltName, not
//     critical when the subject is not empty, an extended key usage
//     extension, not critical, without anyExtendedKeyUsage (41 / 26);
//   - its commonName, if any, must be one of its subjectAltName values of
//     the same kind when it has any: byte for byte among the DNS names, or
//     the canonical textual form of an IP address (41);
//   - a trust anchor must not carry an extended key usage (26); a
//     self-signed one with an authority key identifier must have only a
//     key identifier, equal to its subject key identifier (41); the serial
//     number rule does not apply to a self-issued trust anchor;
func (e *engine) extraStrict(i int, x *certInfo) {
	num := len(e.chain)
	c := x.c
	top := i == num-1
	if !(top && x.selfIssued) && (c.SerialNumber == nil || c.SerialNumber.Sign() <= 0 || serialOctets(c) > 20) {
		e.report(InvalidExtension, i, x)
	}
	if c.Version < 3 && !(top && x.selfSigned) {
		e.report(InvalidExtension, i, x)
	}
	keyCode := CAKeyTooSmall
	if i == 0 {
		keyCode = EEKeyTooSmall
	}
	switch k := x.key.Public.(type) { // RSA-PSS and "rsa"-OID keys too
	case *rsa.PublicKey:
		if b := k.N.BitLen(); b < 2048 || b%8 != 0 {
			e.report(keyCode, i, x)
		}
	case *dsa.PublicKey:
		e.report(keyCode, i, x)
	}
	if x.nc != nil {
		if !x.ca || !x.ncCritical {
			e.report(InvalidExtension, i, x)
		}
		for _, list := range [][]subtree{x.nc.permitted, x.nc.excluded} {
			for _, s := range list {
				if s.base.typ == genDNS && len(s.base.value) > 0 && !validDNSName(s.base.value, false) {
					e.report(UnsupportedConstraintSyntax, i, x)
				}
			}
		}
	}
	if x.pcPresent && !x.pcCritical {
		e.report(InvalidExtension, i, x)
	}
	for _, g := range x.sans {
		if g.typ == genDNS && !validDNSName(g.value, true) {
			e.report(UnsupportedNameSyntax, i, x)
			break
		}
	}
	if i == 0 && num > 1 {
		if x.ca {
			e.report(InvalidExtension, i, x)
		}
		if !x.sanPresent || (x.sanCritical && !emptyName(c.RawSubject)) {
			e.report(InvalidExtension, i, x)
		}
		if !x.ekuPresent || x.ekuAny || x.ekuCritical {
			e.report(InvalidPurpose, i, x)
		}
		if !cnInSAN(x) {
			e.report(InvalidExtension, i, x)
		}
	}
	if top && num > 1 {
		if x.ekuPresent {
			e.report(InvalidPurpose, i, x)
		}
		if x.selfIssued && x.akidPresent && (!x.akidKeyIDPresent || x.akidIssuer != nil || x.akidSerial != nil ||
			!x.skidPresent || !bytes.Equal(x.akidKeyID, c.SubjectKeyId)) {
			e.report(InvalidExtension, i, x)
		}
	}
}

// serialOctets is the length of the serial number's DER content.
func serialOctets(c *x509.Certificate) int {
	b := c.SerialNumber.Bytes()
	n := len(b)
	if n == 0 || b[0]&0x80 != 0 {
		n++
	}
	return n
}

// validDNSName checks host name syntax: dot-separated labels of letters,
// digits and inner hyphens; a leading "*" label when wildcard is allowed.
func validDNSName(v []byte, wildcard bool) bool {
	if len(v) == 0 || len(v) > 253 {
		return false
	}
	labels := bytes.Split(v, []byte("."))
	for i, l := range labels {
		if i == 0 && wildcard && len(labels) > 2 && bytes.Equal(l, []byte("*")) {
			continue
		}
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, ch := range l {
			if !isAlnum(ch) && ch != '-' {
				return false
			}
		}
	}
	return true
}

// cnInSAN reports whether every commonName of the leaf is one of its
// subjectAltName values of the same kind: a DNS name byte for byte, or an
// IP address (a commonName made of hex digits, dots, colons and "x") in
// its canonical textual form. A kind the subjectAltName lacks is not
// checked.
func cnInSAN(x *certInfo) bool {
	attrs, err := dn.Parse(x.c.RawSubject)
	if err != nil {
		return false
	}
	for _, a := range attrs {
		if a.Type != "CN" {
			continue
		}
		wantType := genDNS
		if ipLike(a.Value) {
			wantType = genIP
		}
		have, found := false, false
		for _, g := range x.sans {
			if g.typ != wantType {
				continue
			}
			have = true
			switch g.typ {
			case genDNS:
				found = found || string(g.value) == a.Value
			case genIP:
				if len(g.value) == 4 || len(g.value) == 16 {
					found = found || net.IP(g.value).String() == a.Value
				}
			}
		}
		if have && !found {
			return false
		}
	}
	return true
}

// ipLike reports whether s looks like an IP address in some notation.
func ipLike(s string) bool {
	if net.ParseIP(s) != nil {
		return true
	}
	digit, sep := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c == '.' || c == ':':
			sep = true
		case c == 'x' || c == 'X' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'):
		default:
			return false
		}
	}
	return digit && (sep || strings.HasPrefix(strings.ToLower(s), "0x"))
}
