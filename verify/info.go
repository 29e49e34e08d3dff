package verify

import (
	"bytes"
	//lint:ignore SA1019 OpenSSL verifies DSA signatures; so must we.
	"crypto/dsa"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"math/big"

	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/internal/x509fallback"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// General name types, numbered as in RFC 5280 (and OpenSSL's GEN_*).
const (
	genOther = 0
	genEmail = 1
	genDNS   = 2
	genX400  = 3
	genDir   = 4
	genEDI   = 5
	genURI   = 6
	genIP    = 7
	genRID   = 8
)

// generalName is one GeneralName: its type and its content octets (for a
// directoryName, the DER Name; for otherName, the whole inner value).
type generalName struct {
	typ   int
	value []byte
	oid   asn1.ObjectIdentifier // otherName type-id
}

// subtree is one GeneralSubtree of a name constraints extension.
type subtree struct {
	base       generalName
	minPresent bool
	min        int64
	maxPresent bool
}

// nameConstraints is a parsed name constraints extension.
type nameConstraints struct {
	permitted, excluded []subtree
}

// distPoint is one DistributionPoint of a CRL distribution points extension
// or the distribution point of an issuing distribution point extension.
type distPoint struct {
	hasName   bool
	fullName  []generalName // type 0
	relative  []byte        // type 1: the RDN SET DER
	isRel     bool
	reasons   uint32 // CRLDP_ALL_REASONS when absent
	crlIssuer []generalName
}

// OpenSSL's nsCertType bits.
const (
	nsSSLClient = 0x80
	nsSSLServer = 0x40
	nsAnyCA     = 0x07
	nsSSLCA     = 0x04
)

const allReasons uint32 = 0x807f

// certInfo is what OpenSSL's x509v3_cache_extensions computes for a
// certificate: the flags the verification checks consult.
type certInfo struct {
	c *x509.Certificate

	// The flags come first and together, so that a certInfo (two of which
	// live in every verification's one allocation) has no padding.

	// subjectValid, issuerValid: the names have a canonical form (compare
	// equal to something under OpenSSL's rules), found once per certificate.
	subjectValid, issuerValid bool

	selfIssued bool // EXFLAG_SI
	selfSigned bool // EXFLAG_SS
	invalid    bool // EXFLAG_INVALID: an extension OpenSSL could not decode
	// policyInvalid is EXFLAG_INVALID_POLICY for a certificate whose
	// policy extensions could not be decoded at all; the policy check
	// (policy.go) finds the others itself. It only matters when policies
	// are checked: 42 at the certificate's depth.
	policyInvalid bool

	bcPresent, bcCritical, ca    bool
	kuPresent                    bool
	ekuPresent                   bool
	ekuServer, ekuClient, ekuSGC bool
	nsPresent                    bool
	ns                           byte
	unhandledCritical            bool
	proxy                        bool // EXFLAG_PROXY: a proxyCertInfo that decodes
	akidPresent, akidCritical    bool
	akidKeyIDPresent             bool
	skidPresent, skidCritical    bool
	sanPresent, sanCritical      bool
	ncInvalid, ncCritical        bool
	pcPresent, pcCritical        bool
	ekuCritical, ekuAny          bool
	pubKeyOK                     bool // a key we can verify signatures with

	pathLen   int64 // -1 when absent
	pcPathLen int64 // the proxy's pCPathLenConstraint, -1 when absent
	ku        x509.KeyUsage

	akidKeyID  []byte
	akidIssuer []generalName
	akidSerial *big.Int
	sans       []generalName
	nc         *nameConstraints
	crldp      []distPoint

	// key is the subject public key as OpenSSL reads it, sig the
	// certificate's own signature algorithm (x509fallback reads what
	// crypto/x509 does not represent).
	key x509fallback.Key
	sig x509fallback.Signature
}

// Extensions newCertInfo looks at, by their place in extKind.
const (
	extOther = iota
	extBasicConstraints
	extKeyUsage
	extPolicyConstraints
	extExtKeyUsage
	extNetscapeCertType
	extProxyCertInfo
	extAuthorityKeyID
	extSubjectKeyID
	extSubjectAltName
	extNameConstraints
	extCRLDistributionPoints
	extCertificatePolicies
	extPolicyMappings
	extInhibitAnyPolicy
	extIPAddrBlocks
	extASIdentifiers
	extOCSPNoCheck
	extIssuingDistributionPoint // a CRL extension
)

// extKind names an extension by its OID without converting the OID to a
// string: id-ce (2.5.29.x), id-pe (1.3.6.1.5.5.7.1.x), id-pkix-ocsp-nocheck
// and Netscape's certificate type.
func extKind(id asn1.ObjectIdentifier) int {
	switch {
	case len(id) == 4 && id[0] == 2 && id[1] == 5 && id[2] == 29:
		switch id[3] {
		case 14:
			return extSubjectKeyID
		case 28:
			return extIssuingDistributionPoint
		case 15:
			return extKeyUsage
		case 17:
			return extSubjectAltName
		case 19:
			return extBasicConstraints
		case 30:
			return extNameConstraints
		case 31:
			return extCRLDistributionPoints
		case 32:
			return extCertificatePolicies
		case 33:
			return extPolicyMappings
		case 35:
			return extAuthorityKeyID
		case 36:
			return extPolicyConstraints
		case 37:
			return extExtKeyUsage
		case 54:
			return extInhibitAnyPolicy
		}
	case id.Equal(oidNetscapeCertType):
		return extNetscapeCertType
	case len(id) == 9 && id[:8].Equal(oidPE):
		switch id[8] {
		case 7:
			return extIPAddrBlocks
		case 8:
			return extASIdentifiers
		case 14:
			return extProxyCertInfo
		}
	case id.Equal(oidOCSPNoCheck):
		return extOCSPNoCheck
	}
	return extOther
}

var (
	oidPE               = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1}
	oidOCSPNoCheck      = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}
	oidNetscapeCertType = asn1.ObjectIdentifier{2, 16, 840, 1, 113730, 1, 1}
)

// supportedCritical reports whether OpenSSL 3.0 handles the extension when
// it is critical (X509_supported_extension); any other critical extension
// is "unhandled" (code 34). Every kind but extOther is one.
func supportedCritical(kind int) bool {
	switch kind {
	case extOther, extSubjectKeyID, extAuthorityKeyID, extIssuingDistributionPoint:
		return false
	}
	return true
}

// newCertInfo computes the flags of c.
func newCertInfo(c *x509.Certificate) *certInfo {
	ci := new(certInfo)
	fillCertInfo(ci, c)
	return ci
}

// fillCertInfo computes the flags of c into the zero certInfo ci.
func fillCertInfo(ci *certInfo, c *x509.Certificate) {
	ci.c, ci.pathLen, ci.pcPathLen = c, -1, -1
	ianPresent := false
	ci.subjectValid = dn.Valid(c.RawSubject)
	ci.issuerValid = ci.subjectValid
	if !bytes.Equal(c.RawIssuer, c.RawSubject) {
		ci.issuerValid = dn.Valid(c.RawIssuer)
	}
	ci.key = keyOf(c)
	ci.sig = signatureOf(c)
	switch ci.key.Public.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey, *dsa.PublicKey:
		ci.pubKeyOK = true
	}
	if ci.key.Algorithm == x509fallback.KeySM2 && ci.key.Point != nil {
		ci.pubKeyOK = true
	}
	for _, e := range c.Extensions {
		kind := extKind(e.Id)
		if e.Critical && !supportedCritical(kind) {
			ci.unhandledCritical = true
		}
		switch kind {
		case extBasicConstraints:
			ci.bcPresent, ci.bcCritical = true, e.Critical
			if !ci.parseBC(e.Value) {
				ci.invalid = true
			}
		case extKeyUsage:
			ci.kuPresent = true
			ci.ku = c.KeyUsage
		case extPolicyConstraints:
			ci.pcPresent, ci.pcCritical = true, e.Critical
		case extExtKeyUsage:
			ci.ekuPresent, ci.ekuCritical = true, e.Critical
			for _, u := range c.ExtKeyUsage {
				switch u {
				case x509.ExtKeyUsageServerAuth:
					ci.ekuServer = true
				case x509.ExtKeyUsageClientAuth:
					ci.ekuClient = true
				case x509.ExtKeyUsageAny:
					ci.ekuAny = true
				case x509.ExtKeyUsageNetscapeServerGatedCrypto, x509.ExtKeyUsageMicrosoftServerGatedCrypto:
					ci.ekuSGC = true
				}
			}
		case extNetscapeCertType:
			ci.nsPresent = true
			var bs asn1.BitString
			if rest, err := asn1.Unmarshal(e.Value, &bs); err == nil && len(rest) == 0 {
				if len(bs.Bytes) > 0 {
					ci.ns = bs.Bytes[0]
				}
			} else {
				ci.invalid = true
			}
		case extProxyCertInfo:
			if n, ok := parseProxyCertInfo(e.Value); ok {
				ci.proxy, ci.pcPathLen = true, n
			} else {
				ci.invalid = true
			}
		case extCertificatePolicies:
			if x509fallback.PolicyInvalid(e.Value) {
				ci.policyInvalid = true
			}
		case extAuthorityKeyID:
			ci.akidPresent, ci.akidCritical = true, e.Critical
			if !ci.parseAKID(e.Value) {
				ci.invalid = true
			}
		case extSubjectKeyID:
			ci.skidPresent, ci.skidCritical = true, e.Critical
		case extSubjectAltName:
			ci.sanPresent, ci.sanCritical = true, e.Critical
			names, ok := parseGeneralNames(cryptobyte.String(e.Value), true)
			if !ok {
				ci.invalid = true
			}
			ci.sans = names
		case extNameConstraints:
			ci.ncCritical = e.Critical
			nc, ok := parseNameConstraints(e.Value)
			if !ok {
				ci.ncInvalid = true
				ci.invalid = true
			}
			ci.nc = nc
		case extCRLDistributionPoints:
			dps, ok := parseCRLDP(e.Value)
			if !ok {
				ci.invalid = true
			}
			ci.crldp = dps
		case extOther:
			if e.Id.Equal(oidIssuerAltName) {
				ianPresent = true
			}
		}
	}
	// A proxy may not be a CA nor have alternative names.
	if ci.proxy && (ci.ca || ci.sanPresent || ianPresent) {
		ci.invalid = true
	}
	// EXFLAG_SI / EXFLAG_SS.
	if sameName(c.RawSubject, ci.subjectValid, c.RawIssuer, ci.issuerValid) {
		ci.selfIssued = true
		if checkAKID(ci, ci) == OK && sigAlgMatches(ci, ci) {
			ci.selfSigned = true
		}
	}
}

func (ci *certInfo) parseBC(v []byte) bool {
	in := cryptobyte.String(v)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return false
	}
	if seq.PeekASN1Tag(cbasn1.BOOLEAN) {
		var b bool
		if !seq.ReadASN1Boolean(&b) {
			return false
		}
		ci.ca = b
	}
	if seq.PeekASN1Tag(cbasn1.INTEGER) {
		whole := seq
		var small int64
		if seq.ReadASN1Integer(&small) {
			if small < 0 {
				return false
			}
			ci.pathLen = small
			return seq.Empty()
		}
		seq = whole // beyond int64, or malformed
		var n big.Int
		if !seq.ReadASN1Integer(&n) || n.Sign() < 0 {
			return false
		}
		ci.pathLen = 1 << 62
	}
	return seq.Empty()
}

func (ci *certInfo) parseAKID(v []byte) bool {
	in := cryptobyte.String(v)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return false
	}
	var kid, iss, ser cryptobyte.String
	var hasKid, hasIss, hasSer bool
	if !seq.ReadOptionalASN1(&kid, &hasKid, cbasn1.Tag(0).ContextSpecific()) ||
		!seq.ReadOptionalASN1(&iss, &hasIss, cbasn1.Tag(1).ContextSpecific().Constructed()) ||
		!seq.ReadOptionalASN1(&ser, &hasSer, cbasn1.Tag(2).ContextSpecific()) || !seq.Empty() {
		return false
	}
	if hasKid {
		ci.akidKeyIDPresent = true
		ci.akidKeyID = []byte(kid)
	}
	if hasIss {
		names, ok := parseGeneralNames(iss, false)
		if !ok {
			return false
		}
		ci.akidIssuer = names
		if names == nil {
			ci.akidIssuer = []generalName{}
		}
	}
	if hasSer {
		if len(ser) == 0 {
			return false
		}
		n := new(big.Int).SetBytes(ser)
		if ser[0]&0x80 != 0 {
			n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(len(ser))*8))
		}
		ci.akidSerial = n
	}
	return true
}

// parseGeneralNames reads GeneralNames; when wrapped, in holds the
// SEQUENCE, otherwise its contents.
func parseGeneralNames(in cryptobyte.String, wrapped bool) ([]generalName, bool) {
	seq := in
	if wrapped {
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
			return nil, false
		}
	}
	var out []generalName
	for !seq.Empty() {
		g, ok := readGeneralName(&seq)
		if !ok {
			return out, false
		}
		out = append(out, g)
	}
	return out, true
}

func readGeneralName(s *cryptobyte.String) (generalName, bool) {
	var val cryptobyte.String
	var tag cbasn1.Tag
	if !s.ReadAnyASN1(&val, &tag) {
		return generalName{}, false
	}
	if tag&0xc0 != 0x80 { // context-specific class
		return generalName{}, false
	}
	n := int(tag & 0x1f)
	g := generalName{typ: n, value: []byte(val)}
	switch n {
	case genOther:
		var oid asn1.ObjectIdentifier
		v := val
		if !v.ReadASN1ObjectIdentifier(&oid) {
			return g, false
		}
		g.oid = oid
	case genDir:
		// EXPLICIT: the content is the Name SEQUENCE.
		var name cryptobyte.String
		v := val
		if !v.ReadASN1Element(&name, cbasn1.SEQUENCE) || !v.Empty() {
			return g, false
		}
		g.value = []byte(name)
	case genEmail, genDNS, genURI, genIP, genRID, genX400, genEDI:
	default:
		return g, false
	}
	return g, true
}

func parseNameConstraints(v []byte) (*nameConstraints, bool) {
	in := cryptobyte.String(v)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, false
	}
	nc := &nameConstraints{}
	var perm, excl cryptobyte.String
	var hasP, hasE bool
	if !seq.ReadOptionalASN1(&perm, &hasP, cbasn1.Tag(0).ContextSpecific().Constructed()) ||
		!seq.ReadOptionalASN1(&excl, &hasE, cbasn1.Tag(1).ContextSpecific().Constructed()) || !seq.Empty() {
		return nil, false
	}
	read := func(s cryptobyte.String) ([]subtree, bool) {
		var out []subtree
		for !s.Empty() {
			var st cryptobyte.String
			if !s.ReadASN1(&st, cbasn1.SEQUENCE) {
				return out, false
			}
			g, ok := readGeneralName(&st)
			if !ok {
				return out, false
			}
			sub := subtree{base: g}
			var mn, mx cryptobyte.String
			if !st.ReadOptionalASN1(&mn, &sub.minPresent, cbasn1.Tag(0).ContextSpecific()) ||
				!st.ReadOptionalASN1(&mx, &sub.maxPresent, cbasn1.Tag(1).ContextSpecific()) || !st.Empty() {
				return out, false
			}
			if sub.minPresent {
				n := new(big.Int).SetBytes(mn)
				if n.IsInt64() {
					sub.min = n.Int64()
				} else {
					sub.min = -1
				}
			}
			out = append(out, sub)
		}
		return out, true
	}
	var ok bool
	if hasP {
		if nc.permitted, ok = read(perm); !ok {
			return nc, false
		}
	}
	if hasE {
		if nc.excluded, ok = read(excl); !ok {
			return nc, false
		}
	}
	return nc, true
}

// readDistPointName reads a DistributionPointName ([0] fullName or [1]
// nameRelativeToCRLIssuer) from the contents of its explicit [0] wrapper.
func readDistPointName(s cryptobyte.String, dp *distPoint) bool {
	var val cryptobyte.String
	var tag cbasn1.Tag
	if !s.ReadAnyASN1(&val, &tag) || !s.Empty() {
		return false
	}
	dp.hasName = true
	switch tag {
	case cbasn1.Tag(0).ContextSpecific().Constructed():
		names, ok := parseGeneralNames(val, false)
		dp.fullName = names
		return ok
	case cbasn1.Tag(1).ContextSpecific().Constructed():
		dp.isRel = true
		dp.relative = []byte(val)
		return true
	}
	return false
}

func readReasons(s cryptobyte.String) uint32 {
	// BIT STRING contents: unused-bits byte then the bits.
	if len(s) < 1 {
		return 0
	}
	var r uint32
	if len(s) > 1 {
		r = uint32(s[1])
	}
	if len(s) > 2 {
		r |= uint32(s[2]) << 8
	}
	return r
}

func parseCRLDP(v []byte) ([]distPoint, bool) {
	in := cryptobyte.String(v)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, false
	}
	var out []distPoint
	for !seq.Empty() {
		var d cryptobyte.String
		if !seq.ReadASN1(&d, cbasn1.SEQUENCE) {
			return out, false
		}
		dp := distPoint{reasons: allReasons}
		var name, reasons, issuer cryptobyte.String
		var hasN, hasR, hasI bool
		if !d.ReadOptionalASN1(&name, &hasN, cbasn1.Tag(0).ContextSpecific().Constructed()) ||
			!d.ReadOptionalASN1(&reasons, &hasR, cbasn1.Tag(1).ContextSpecific()) ||
			!d.ReadOptionalASN1(&issuer, &hasI, cbasn1.Tag(2).ContextSpecific().Constructed()) || !d.Empty() {
			return out, false
		}
		if hasN && !readDistPointName(name, &dp) {
			return out, false
		}
		if hasR {
			dp.reasons = readReasons(reasons)
		}
		if hasI {
			names, ok := parseGeneralNames(issuer, false)
			if !ok {
				return out, false
			}
			dp.crlIssuer = names
			if names == nil {
				dp.crlIssuer = []generalName{}
			}
		}
		out = append(out, dp)
	}
	return out, true
}

// checkAKID is X509_check_akid: whether issuer fits subject's authority key
// identifier (OK when subject has none).
func checkAKID(issuer, subject *certInfo) int {
	if !subject.akidPresent {
		return OK
	}
	if subject.akidKeyIDPresent && issuer.skidPresent && !bytes.Equal(subject.akidKeyID, issuer.c.SubjectKeyId) {
		return AKIDSKIDMismatch
	}
	if subject.akidSerial != nil && (issuer.c.SerialNumber == nil || subject.akidSerial.Cmp(issuer.c.SerialNumber) != 0) {
		return AKIDIssuerSerialMismatch
	}
	if subject.akidIssuer != nil {
		for _, g := range subject.akidIssuer {
			if g.typ == genDir {
				if !dn.Equal(g.value, issuer.c.RawIssuer) {
					return AKIDIssuerSerialMismatch
				}
				break
			}
		}
	}
	return OK
}

// keyOf is the subject public key of c: crypto/x509's when it has one
// (an EC key may still have explicit parameters, if x509fallback made c),
// otherwise as x509fallback reads it (RSA-PSS keys, the "rsa" OID, SM2).
func keyOf(c *x509.Certificate) x509fallback.Key {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return x509fallback.Key{Algorithm: x509fallback.KeyRSA, Public: k}
	case *ecdsa.PublicKey:
		return x509fallback.Key{Algorithm: x509fallback.KeyEC, Public: k, Curve: k.Curve,
			ExplicitCurve: x509fallback.ExplicitECParameters(c.RawSubjectPublicKeyInfo)}
	case ed25519.PublicKey:
		return x509fallback.Key{Algorithm: x509fallback.KeyEd25519, Public: k}
	case *dsa.PublicKey:
		return x509fallback.Key{Algorithm: x509fallback.KeyDSA, Public: k}
	}
	return x509fallback.ParsePublicKey(c.RawSubjectPublicKeyInfo)
}

// signatureOf is c's signature algorithm: crypto/x509's when it names
// one, otherwise read from the certificate (RSASSA-PSS with other
// parameters, SM2).
func signatureOf(c *x509.Certificate) x509fallback.Signature {
	if s, ok := x509fallback.SignatureOf(c.SignatureAlgorithm); ok {
		return s
	}
	if outer, _, ok := x509fallback.SignatureAlgorithms(c.Raw); ok {
		return x509fallback.ParseSignatureAlgorithm(outer)
	}
	return x509fallback.Signature{}
}

// sigAlgMatches is check_sig_alg_match: subject's signature algorithm suits
// the issuer's key type (an RSASSA-PSS signature an RSA or RSA-PSS key).
func sigAlgMatches(issuer, subject *certInfo) bool {
	k := issuer.key.Algorithm
	switch subject.sig.Kind {
	case x509fallback.SigRSAPKCS1:
		return k == x509fallback.KeyRSA
	case x509fallback.SigRSAPSS:
		return k == x509fallback.KeyRSA || k == x509fallback.KeyRSAPSS
	case x509fallback.SigECDSA:
		return k == x509fallback.KeyEC
	case x509fallback.SigDSA:
		return k == x509fallback.KeyDSA
	case x509fallback.SigEd25519:
		return k == x509fallback.KeyEd25519
	case x509fallback.SigSM2:
		return k == x509fallback.KeySM2
	}
	return false
}

// sigAlgInconsistent reports whether the outer signatureAlgorithm differs
// from the one inside the TBSCertificate (RFC 5280 4.1.1.2).
func sigAlgInconsistent(c *x509.Certificate) bool {
	in := cryptobyte.String(c.Raw)
	var cert, tbs, outer cryptobyte.String
	if !in.ReadASN1(&cert, cbasn1.SEQUENCE) || !cert.ReadASN1(&tbs, cbasn1.SEQUENCE) ||
		!cert.ReadASN1Element(&outer, cbasn1.SEQUENCE) {
		return false
	}
	// TBS: [0] version OPTIONAL, serial, signature.
	var skip, inner cryptobyte.String
	if tbs.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific().Constructed()) {
		tbs.ReadASN1(&skip, cbasn1.Tag(0).ContextSpecific().Constructed())
	}
	if !tbs.ReadASN1(&skip, cbasn1.INTEGER) || !tbs.ReadASN1Element(&inner, cbasn1.SEQUENCE) {
		return false
	}
	return !bytes.Equal(inner, outer)
}

// sameName is dn.Equal(a, b) for names whose validity (dn.Valid) is known:
// equal bytes need no further look.
func sameName(a []byte, aValid bool, b []byte, bValid bool) bool {
	if bytes.Equal(a, b) {
		return aValid && bValid
	}
	return aValid && bValid && dn.Equal(a, b)
}

// infoCache holds the certInfo of every certificate one Verify call sees.
// The certInfo of a Pool's certificates is computed once, when the Pool is
// made, and shared. The first few live in the cache itself (part of the
// engine's one allocation); a long list of intermediates spills into a map.
type infoCache struct {
	pools   []*Pool
	poolBuf [2]*Pool
	small   [4]infoEntry
	more    map[*x509.Certificate]*certInfo
	slab    [2]certInfo // the first certInfos computed
	nsmall  uint8       // small's entries in use
	nslab   uint8       // slab's entries in use
}

type infoEntry struct {
	c  *x509.Certificate
	ci *certInfo
}

func (m *infoCache) init(trust []IssuerSource) {
	m.pools = m.poolBuf[:0]
	for _, src := range trust {
		if p, ok := src.(*Pool); ok && p != nil {
			m.pools = append(m.pools, p)
		}
	}
}

func (m *infoCache) get(c *x509.Certificate) *certInfo {
	for _, e := range m.small[:m.nsmall] {
		if e.c == c {
			return e.ci
		}
	}
	if ci, ok := m.more[c]; ok {
		return ci
	}
	for _, p := range m.pools {
		if ci, ok := p.infos[c]; ok {
			return ci
		}
	}
	var ci *certInfo
	if int(m.nslab) < len(m.slab) {
		ci = &m.slab[m.nslab]
		m.nslab++
		fillCertInfo(ci, c)
	} else {
		ci = newCertInfo(c)
	}
	if int(m.nsmall) < len(m.small) {
		m.small[m.nsmall] = infoEntry{c, ci}
		m.nsmall++
		return ci
	}
	if m.more == nil {
		m.more = make(map[*x509.Certificate]*certInfo)
	}
	m.more[c] = ci
	return ci
}

func cryptobyteString(b []byte) cryptobyte.String { return cryptobyte.String(b) }
