package x509fallback

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"math"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// SignatureKind is the scheme of a signature algorithm.
type SignatureKind uint8

const (
	// SigUnknown is a signature algorithm not listed here.
	SigUnknown SignatureKind = iota
	// SigRSAPKCS1 is RSASSA-PKCS1-v1_5.
	SigRSAPKCS1
	// SigRSAPSS is RSASSA-PSS.
	SigRSAPSS
	// SigECDSA is ECDSA.
	SigECDSA
	// SigDSA is DSA.
	SigDSA
	// SigEd25519 is Ed25519.
	SigEd25519
	// SigSM2 is SM2 with SM3.
	SigSM2
)

// Signature is a signature AlgorithmIdentifier as read.
type Signature struct {
	// Kind is the scheme, OID the algorithm identifier's OID.
	Kind SignatureKind
	// OK is false when the parameters do not decode, or name a digest or
	// mask generation function not listed here.
	OK  bool
	OID asn1.ObjectIdentifier
	// Hash is the message digest (0 for Ed25519 and SM2, and when
	// unknown); MGFHash the MGF1 digest of RSASSA-PSS.
	Hash, MGFHash crypto.Hash
	// SaltLength and Trailer are the RSASSA-PSS salt length and trailer
	// field (20 and 1 when absent).
	SaltLength, Trailer int32
}

var (
	oidSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA224 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 4}
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidMGF1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
)

var sigAlgs = []struct {
	oid  asn1.ObjectIdentifier
	kind SignatureKind
	hash crypto.Hash
	goID x509.SignatureAlgorithm
}{
	// MD2 is no digest Go has: such signatures fit RSA keys but never
	// verify, as in OpenSSL 3.0.
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 2}, SigRSAPKCS1, 0, x509.MD2WithRSA},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 4}, SigRSAPKCS1, crypto.MD5, x509.MD5WithRSA},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}, SigRSAPKCS1, crypto.SHA1, x509.SHA1WithRSA},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}, SigRSAPKCS1, crypto.SHA256, x509.SHA256WithRSA},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}, SigRSAPKCS1, crypto.SHA384, x509.SHA384WithRSA},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}, SigRSAPKCS1, crypto.SHA512, x509.SHA512WithRSA},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 14}, SigRSAPKCS1, crypto.SHA224, x509.UnknownSignatureAlgorithm},
	{oidRSAPSS, SigRSAPSS, 0, x509.UnknownSignatureAlgorithm},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}, SigECDSA, crypto.SHA1, x509.ECDSAWithSHA1},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 1}, SigECDSA, crypto.SHA224, x509.UnknownSignatureAlgorithm},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}, SigECDSA, crypto.SHA256, x509.ECDSAWithSHA256},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}, SigECDSA, crypto.SHA384, x509.ECDSAWithSHA384},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}, SigECDSA, crypto.SHA512, x509.ECDSAWithSHA512},
	{asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 3}, SigDSA, crypto.SHA1, x509.DSAWithSHA1},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 3, 2}, SigDSA, crypto.SHA256, x509.DSAWithSHA256},
	{oidEd25519, SigEd25519, 0, x509.PureEd25519},
	{asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 501}, SigSM2, 0, x509.UnknownSignatureAlgorithm},
}

// ParseSignatureAlgorithm reads a DER AlgorithmIdentifier of a signature.
// It never fails: what cannot be read is SigUnknown or has OK false.
func ParseSignatureAlgorithm(algID []byte) Signature {
	var s Signature
	if len(algID) > MaxSize {
		return s
	}
	in := cryptobyte.String(algID)
	var seq cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() || !seq.ReadASN1ObjectIdentifier(&oid) {
		return s
	}
	s.OID = oid
	for _, a := range sigAlgs {
		if !a.oid.Equal(oid) {
			continue
		}
		if a.kind == SigRSAPSS {
			return parsePSSParams(seq)
		}
		s.Kind, s.Hash, s.OK = a.kind, a.hash, true
		return s
	}
	return s
}

// goSignatureAlgorithm is crypto/x509's name of s, Unknown when it has
// none (RSASSA-PSS is named only with the parameters crypto/x509 accepts).
func goSignatureAlgorithm(s Signature) x509.SignatureAlgorithm {
	if !s.OK {
		return x509.UnknownSignatureAlgorithm
	}
	if s.Kind == SigRSAPSS {
		if s.MGFHash != s.Hash || s.Trailer != 1 || int(s.SaltLength) != s.Hash.Size() {
			return x509.UnknownSignatureAlgorithm
		}
		switch s.Hash {
		case crypto.SHA256:
			return x509.SHA256WithRSAPSS
		case crypto.SHA384:
			return x509.SHA384WithRSAPSS
		case crypto.SHA512:
			return x509.SHA512WithRSAPSS
		}
		return x509.UnknownSignatureAlgorithm
	}
	for _, a := range sigAlgs {
		if a.oid.Equal(s.OID) {
			return a.goID
		}
	}
	return x509.UnknownSignatureAlgorithm
}

func hashOf(oid asn1.ObjectIdentifier) crypto.Hash {
	switch {
	case oid.Equal(oidSHA1):
		return crypto.SHA1
	case oid.Equal(oidSHA224):
		return crypto.SHA224
	case oid.Equal(oidSHA256):
		return crypto.SHA256
	case oid.Equal(oidSHA384):
		return crypto.SHA384
	case oid.Equal(oidSHA512):
		return crypto.SHA512
	}
	return 0
}

// readHashAlg reads a digest AlgorithmIdentifier (parameters absent or
// NULL).
func readHashAlg(s cryptobyte.String) crypto.Hash {
	var seq cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !s.Empty() || !seq.ReadASN1ObjectIdentifier(&oid) {
		return 0
	}
	if !seq.Empty() && (!seq.SkipASN1(cbasn1.NULL) || !seq.Empty()) {
		return 0
	}
	return hashOf(oid)
}

// parsePSSParams reads what follows the id-RSASSA-PSS OID in an
// AlgorithmIdentifier: RSASSA-PSS-params or nothing.
func parsePSSParams(rest cryptobyte.String) Signature {
	s := Signature{Kind: SigRSAPSS, OID: oidRSAPSS, Hash: crypto.SHA1, MGFHash: crypto.SHA1, SaltLength: 20, Trailer: 1}
	if rest.Empty() {
		s.OK = true
		return s
	}
	var p cryptobyte.String
	if !rest.ReadASN1(&p, cbasn1.SEQUENCE) || !rest.Empty() {
		return s
	}
	var h, mgf, salt, trailer cryptobyte.String
	var hasH, hasM, hasS, hasT bool
	if !p.ReadOptionalASN1(&h, &hasH, cbasn1.Tag(0).ContextSpecific().Constructed()) ||
		!p.ReadOptionalASN1(&mgf, &hasM, cbasn1.Tag(1).ContextSpecific().Constructed()) ||
		!p.ReadOptionalASN1(&salt, &hasS, cbasn1.Tag(2).ContextSpecific().Constructed()) ||
		!p.ReadOptionalASN1(&trailer, &hasT, cbasn1.Tag(3).ContextSpecific().Constructed()) || !p.Empty() {
		return s
	}
	if hasH {
		if s.Hash = readHashAlg(h); s.Hash == 0 {
			return s
		}
	}
	if hasM {
		var seq cryptobyte.String
		var oid asn1.ObjectIdentifier
		if !mgf.ReadASN1(&seq, cbasn1.SEQUENCE) || !mgf.Empty() || !seq.ReadASN1ObjectIdentifier(&oid) || !oid.Equal(oidMGF1) {
			return s
		}
		if s.MGFHash = readHashAlg(seq); s.MGFHash == 0 {
			return s
		}
	}
	if hasS {
		var n int64
		if !salt.ReadASN1Integer(&n) || !salt.Empty() || n < 0 || n > 1<<16 {
			return s
		}
		s.SaltLength = int32(n)
	}
	if hasT {
		var n int64
		if !trailer.ReadASN1Integer(&n) || !trailer.Empty() || n < math.MinInt32 || n > math.MaxInt32 {
			return s // not 1: the parameters are refused either way
		}
		s.Trailer = int32(n)
	}
	s.OK = s.Trailer == 1
	return s
}
