package x509fallback

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Bounds of what Parse reads.
const (
	// MaxSize is the largest certificate read, in bytes.
	MaxSize = 1 << 20
	// maxExtensions, maxNames, maxListItems bound the extensions, the
	// general names of one extension, and the items of other lists.
	maxExtensions = 512
	maxNames      = 4096
	maxListItems  = 1024
	// maxRDNs bounds the attributes of a distinguished name.
	maxRDNs = 1024
)

// Info is what Parse learnt beyond the *x509.Certificate.
type Info struct {
	// GoError is why crypto/x509 refused the certificate.
	GoError error
	// Key is the subject public key as read.
	Key Key
	// Signature is the certificate's (outer) signature algorithm.
	Signature Signature
	// PolicyInvalid: a certificate policies extension that does not
	// decode (OpenSSL's EXFLAG_INVALID_POLICY).
	PolicyInvalid bool
}

// ParseCertificate is x509.ParseCertificate, and Parse for what it
// refuses: a certificate OpenSSL loads is returned, with crypto/x509's
// error only when Parse cannot read it either.
func ParseCertificate(der []byte) (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err == nil {
		return c, nil
	}
	if fc, _, ferr := parse(der, err); ferr == nil {
		return fc, nil
	}
	return nil, err
}

// ParseCertificates is x509.ParseCertificates with ParseCertificate's
// fallback for each certificate of the concatenation. When a certificate
// reads with neither, the error is crypto/x509's.
func ParseCertificates(der []byte) ([]*x509.Certificate, error) {
	certs, goErr := x509.ParseCertificates(der)
	if goErr == nil {
		return certs, nil
	}
	var out []*x509.Certificate
	s := cryptobyte.String(der)
	for !s.Empty() {
		var elem cryptobyte.String
		if !s.ReadASN1Element(&elem, cbasn1.SEQUENCE) {
			return nil, goErr
		}
		c, err := x509.ParseCertificate(elem)
		if err != nil {
			if c, _, err = parse(elem, err); err != nil {
				return nil, goErr
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// Parse reads a DER certificate crypto/x509 may refuse. The certificate's
// outer structure (TBSCertificate, signature algorithm, signature) and the
// TBSCertificate's fields up to the public key must be sound; extensions
// that do not decode are kept in Extensions and reported through Info
// (certificate policies) or left unread.
func Parse(der []byte) (*x509.Certificate, *Info, error) {
	_, goErr := x509.ParseCertificate(der)
	return parse(der, goErr)
}

func parse(der []byte, goErr error) (c *x509.Certificate, info *Info, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, info, err = nil, nil, fmt.Errorf("x509fallback: certificate does not decode: %v", r)
		}
	}()
	if len(der) > MaxSize {
		return nil, nil, fmt.Errorf("x509fallback: certificate of %d bytes exceeds the limit of %d", len(der), MaxSize)
	}
	bad := func(what string) (*x509.Certificate, *Info, error) {
		return nil, nil, fmt.Errorf("x509fallback: malformed %s", what)
	}
	info = &Info{GoError: goErr}
	c = &x509.Certificate{}
	in := cryptobyte.String(der)
	var cert, tbs, tbsElem, outerAlg, innerAlg cryptobyte.String
	if !in.ReadASN1Element(&cert, cbasn1.SEQUENCE) || !in.Empty() {
		return bad("certificate")
	}
	c.Raw = append([]byte(nil), cert...)
	cert = cryptobyte.String(c.Raw)
	if !cert.ReadASN1(&cert, cbasn1.SEQUENCE) || !cert.ReadASN1Element(&tbsElem, cbasn1.SEQUENCE) ||
		!cert.ReadASN1Element(&outerAlg, cbasn1.SEQUENCE) {
		return bad("certificate")
	}
	var sig asn1.BitString
	if !cert.ReadASN1BitString(&sig) || !cert.Empty() {
		return bad("signature")
	}
	c.RawTBSCertificate = tbsElem
	c.Signature = sig.RightAlign()
	info.Signature = ParseSignatureAlgorithm(outerAlg)
	c.SignatureAlgorithm = goSignatureAlgorithm(info.Signature)

	if !tbsElem.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return bad("tbsCertificate")
	}
	c.Version = 1
	if tbs.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific().Constructed()) {
		var v cryptobyte.String
		var n int64
		if !tbs.ReadASN1(&v, cbasn1.Tag(0).ContextSpecific().Constructed()) || !v.ReadASN1Integer(&n) || !v.Empty() || n < 0 || n > 2 {
			return bad("version")
		}
		c.Version = int(n) + 1
	}
	serial := new(big.Int)
	if !tbs.ReadASN1Integer(serial) {
		return bad("serial number")
	}
	c.SerialNumber = serial
	if !tbs.ReadASN1Element(&innerAlg, cbasn1.SEQUENCE) {
		return bad("signature algorithm")
	}
	var issuer, validity, subject, spki cryptobyte.String
	if !tbs.ReadASN1Element(&issuer, cbasn1.SEQUENCE) {
		return bad("issuer")
	}
	c.RawIssuer = issuer
	if !tbs.ReadASN1(&validity, cbasn1.SEQUENCE) {
		return bad("validity")
	}
	var ok bool
	if c.NotBefore, ok = readTime(&validity); !ok {
		return bad("notBefore")
	}
	if c.NotAfter, ok = readTime(&validity); !ok || !validity.Empty() {
		return bad("notAfter")
	}
	if !tbs.ReadASN1Element(&subject, cbasn1.SEQUENCE) {
		return bad("subject")
	}
	c.RawSubject = subject
	if !tbs.ReadASN1Element(&spki, cbasn1.SEQUENCE) {
		return bad("subjectPublicKeyInfo")
	}
	c.RawSubjectPublicKeyInfo = spki
	fillName(&c.Issuer, issuer)
	fillName(&c.Subject, subject)
	info.Key = ParsePublicKey(spki)
	c.PublicKey = info.Key.Public
	switch info.Key.Algorithm {
	case KeyRSA:
		if info.Key.OID.Equal(oidRSA) {
			c.PublicKeyAlgorithm = x509.RSA
		} else {
			c.PublicKey = nil // crypto/x509 does not know the OID
		}
	case KeyEC:
		if c.PublicKey != nil {
			c.PublicKeyAlgorithm = x509.ECDSA
		}
	case KeyEd25519:
		if c.PublicKey != nil {
			c.PublicKeyAlgorithm = x509.Ed25519
		}
	default:
		c.PublicKey = nil
	}
	// Unique identifiers, then extensions.
	for _, tag := range []cbasn1.Tag{cbasn1.Tag(1).ContextSpecific(), cbasn1.Tag(2).ContextSpecific()} {
		if !tbs.SkipOptionalASN1(tag) {
			return bad("unique identifier")
		}
	}
	if tbs.PeekASN1Tag(cbasn1.Tag(3).ContextSpecific().Constructed()) {
		var wrap, exts cryptobyte.String
		if !tbs.ReadASN1(&wrap, cbasn1.Tag(3).ContextSpecific().Constructed()) || !wrap.ReadASN1(&exts, cbasn1.SEQUENCE) || !wrap.Empty() {
			return bad("extensions")
		}
		for !exts.Empty() {
			if len(c.Extensions) == maxExtensions {
				return bad("extensions (too many)")
			}
			var ext cryptobyte.String
			var e pkix.Extension
			if !exts.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1ObjectIdentifier(&e.Id) {
				return bad("extension")
			}
			if ext.PeekASN1Tag(cbasn1.BOOLEAN) && !ext.ReadASN1Boolean(&e.Critical) {
				return bad("extension")
			}
			var val cryptobyte.String
			if !ext.ReadASN1(&val, cbasn1.OCTET_STRING) || !ext.Empty() {
				return bad("extension")
			}
			e.Value = val
			c.Extensions = append(c.Extensions, e)
			readExtension(c, info, e)
		}
	}
	if !tbs.Empty() {
		return bad("tbsCertificate (trailing data)")
	}
	return c, info, nil
}

func readTime(s *cryptobyte.String) (time.Time, bool) {
	var t time.Time
	switch {
	case s.PeekASN1Tag(cbasn1.UTCTime):
		return t, s.ReadASN1UTCTime(&t)
	case s.PeekASN1Tag(cbasn1.GeneralizedTime):
		return t, s.ReadASN1GeneralizedTime(&t)
	}
	return t, false
}

// fillName sets n from the DER Name raw, leaving it empty when it does not
// decode.
func fillName(n *pkix.Name, raw []byte) {
	s := cryptobyte.String(raw)
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return
	}
	var rdns pkix.RDNSequence
	count := 0
	for !seq.Empty() {
		var set cryptobyte.String
		if !seq.ReadASN1(&set, cbasn1.SET) {
			return
		}
		var rdn pkix.RelativeDistinguishedNameSET
		for !set.Empty() {
			if count++; count > maxRDNs {
				return
			}
			var atv, val cryptobyte.String
			var tv pkix.AttributeTypeAndValue
			var tag cbasn1.Tag
			if !set.ReadASN1(&atv, cbasn1.SEQUENCE) || !atv.ReadASN1ObjectIdentifier(&tv.Type) || !atv.ReadAnyASN1(&val, &tag) {
				return
			}
			switch tag {
			case cbasn1.UTF8String, cbasn1.PrintableString, cbasn1.IA5String, cbasn1.T61String:
				tv.Value = string(val)
			default:
				tv.Value = []byte(val)
			}
			rdn = append(rdn, tv)
		}
		rdns = append(rdns, rdn)
	}
	n.FillFromRDNSequence(&rdns)
}

var (
	oidExtSKID     = asn1.ObjectIdentifier{2, 5, 29, 14}
	oidExtKU       = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidExtSAN      = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidExtBC       = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidExtPolicies = asn1.ObjectIdentifier{2, 5, 29, 32}
	oidExtAKID     = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidExtEKU      = asn1.ObjectIdentifier{2, 5, 29, 37}
)

var ekuOIDs = []struct {
	oid asn1.ObjectIdentifier
	u   x509.ExtKeyUsage
}{
	{asn1.ObjectIdentifier{2, 5, 29, 37, 0}, x509.ExtKeyUsageAny},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}, x509.ExtKeyUsageServerAuth},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 2}, x509.ExtKeyUsageClientAuth},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 3}, x509.ExtKeyUsageCodeSigning},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 4}, x509.ExtKeyUsageEmailProtection},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}, x509.ExtKeyUsageTimeStamping},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 9}, x509.ExtKeyUsageOCSPSigning},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 113730, 4, 1}, x509.ExtKeyUsageNetscapeServerGatedCrypto},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 10, 3, 3}, x509.ExtKeyUsageMicrosoftServerGatedCrypto},
}

// readExtension fills the fields of c an extension gives, as far as it
// decodes; the verify engine reads the extensions itself for the rest.
func readExtension(c *x509.Certificate, info *Info, e pkix.Extension) {
	v := cryptobyte.String(e.Value)
	switch {
	case e.Id.Equal(oidExtBC):
		var seq cryptobyte.String
		if !v.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return
		}
		c.BasicConstraintsValid = true
		c.MaxPathLen = -1
		if seq.PeekASN1Tag(cbasn1.BOOLEAN) && !seq.ReadASN1Boolean(&c.IsCA) {
			return
		}
		var n int64
		if seq.PeekASN1Tag(cbasn1.INTEGER) && seq.ReadASN1Integer(&n) && n >= 0 && n < 1<<31 {
			c.MaxPathLen = int(n)
			c.MaxPathLenZero = n == 0
		}
	case e.Id.Equal(oidExtKU):
		var bits asn1.BitString
		if !v.ReadASN1BitString(&bits) {
			return
		}
		var ku int
		for i := 0; i < 9; i++ {
			if bits.At(i) != 0 {
				ku |= 1 << uint(i)
			}
		}
		c.KeyUsage = x509.KeyUsage(ku)
	case e.Id.Equal(oidExtEKU):
		var seq cryptobyte.String
		if !v.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return
		}
		for n := 0; !seq.Empty() && n < maxListItems; n++ {
			var oid asn1.ObjectIdentifier
			if !seq.ReadASN1ObjectIdentifier(&oid) {
				return
			}
			known := false
			for _, k := range ekuOIDs {
				if k.oid.Equal(oid) {
					c.ExtKeyUsage = append(c.ExtKeyUsage, k.u)
					known = true
					break
				}
			}
			if !known {
				c.UnknownExtKeyUsage = append(c.UnknownExtKeyUsage, oid)
			}
		}
	case e.Id.Equal(oidExtSKID):
		var id []byte
		if v.ReadASN1Bytes(&id, cbasn1.OCTET_STRING) && v.Empty() {
			c.SubjectKeyId = id
		}
	case e.Id.Equal(oidExtAKID):
		var seq, id cryptobyte.String
		var has bool
		if v.ReadASN1(&seq, cbasn1.SEQUENCE) && seq.ReadOptionalASN1(&id, &has, cbasn1.Tag(0).ContextSpecific()) && has {
			c.AuthorityKeyId = []byte(id)
		}
	case e.Id.Equal(oidExtSAN):
		readSAN(c, v)
	case e.Id.Equal(oidExtPolicies):
		pols, ok := readPolicies(v)
		if !ok {
			info.PolicyInvalid = true
			return
		}
		c.PolicyIdentifiers = pols
	}
}

func readSAN(c *x509.Certificate, v cryptobyte.String) {
	var seq cryptobyte.String
	if !v.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return
	}
	for n := 0; !seq.Empty() && n < maxNames; n++ {
		var val cryptobyte.String
		var tag cbasn1.Tag
		if !seq.ReadAnyASN1(&val, &tag) {
			return
		}
		switch tag {
		case cbasn1.Tag(1).ContextSpecific():
			c.EmailAddresses = append(c.EmailAddresses, string(val))
		case cbasn1.Tag(2).ContextSpecific():
			c.DNSNames = append(c.DNSNames, string(val))
		case cbasn1.Tag(6).ContextSpecific():
			if u, err := url.Parse(string(val)); err == nil {
				c.URIs = append(c.URIs, u)
			}
		case cbasn1.Tag(7).ContextSpecific():
			if len(val) == net.IPv4len || len(val) == net.IPv6len {
				c.IPAddresses = append(c.IPAddresses, net.IP(append([]byte(nil), val...)))
			}
		}
	}
}

// readPolicies decodes certificatePolicies as OpenSSL's
// d2i_CERTIFICATEPOLICIES does: a SEQUENCE of PolicyInformation, each a
// policy OID and optionally a SEQUENCE of qualifiers (each a SEQUENCE
// starting with an OID). The qualifiers' contents are not examined.
func readPolicies(v cryptobyte.String) ([]asn1.ObjectIdentifier, bool) {
	var seq cryptobyte.String
	if !v.ReadASN1(&seq, cbasn1.SEQUENCE) || !v.Empty() {
		return nil, false
	}
	var out []asn1.ObjectIdentifier
	for !seq.Empty() {
		if len(out) == maxListItems {
			return nil, false
		}
		var pi cryptobyte.String
		var oid asn1.ObjectIdentifier
		if !seq.ReadASN1(&pi, cbasn1.SEQUENCE) || !pi.ReadASN1ObjectIdentifier(&oid) {
			return nil, false
		}
		if !pi.Empty() {
			var quals cryptobyte.String
			if !pi.ReadASN1(&quals, cbasn1.SEQUENCE) || !pi.Empty() {
				return nil, false
			}
			for !quals.Empty() {
				var q cryptobyte.String
				var qid asn1.ObjectIdentifier
				if !quals.ReadASN1(&q, cbasn1.SEQUENCE) || !q.ReadASN1ObjectIdentifier(&qid) {
					return nil, false
				}
			}
		}
		out = append(out, oid)
	}
	return out, true
}

// PolicyInvalid reports whether the value of a certificate policies
// extension fails to decode as OpenSSL decodes it.
func PolicyInvalid(value []byte) bool {
	_, ok := readPolicies(cryptobyte.String(value))
	return !ok
}
