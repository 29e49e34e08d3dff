package x509fallback

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/asn1"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// KeyAlgorithm is a public key algorithm as OpenSSL tells them apart.
type KeyAlgorithm uint8

const (
	// KeyUnknown is a key algorithm not listed here, or a key that does
	// not decode.
	KeyUnknown KeyAlgorithm = iota
	// KeyRSA is an RSA key: rsaEncryption or the X.500 "rsa" OID
	// 2.5.8.1.1, which OpenSSL reads as RSA.
	KeyRSA
	// KeyRSAPSS is an RSA key restricted to RSASSA-PSS (id-RSASSA-PSS).
	KeyRSAPSS
	// KeyEC is an elliptic curve key (id-ecPublicKey) on a named or an
	// explicitly given curve other than SM2.
	KeyEC
	// KeySM2 is an id-ecPublicKey key on the SM2 curve.
	KeySM2
	// KeyDSA is a DSA key.
	KeyDSA
	// KeyEd25519 is an Ed25519 key.
	KeyEd25519
)

var (
	oidRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSAX500    = asn1.ObjectIdentifier{2, 5, 8, 1, 1}
	oidRSAPSS     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidECKey      = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidDSA        = asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}
	oidEd25519    = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidCurveSM2   = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 301}
	oidCurveP224  = asn1.ObjectIdentifier{1, 3, 132, 0, 33}
	oidCurveP256  = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	oidCurveP384  = asn1.ObjectIdentifier{1, 3, 132, 0, 34}
	oidCurveP521  = asn1.ObjectIdentifier{1, 3, 132, 0, 35}
	oidPrimeField = asn1.ObjectIdentifier{1, 2, 840, 10045, 1, 1}
)

// derECKey is the content octets of id-ecPublicKey's DER encoding.
const derECKey = "\x2a\x86\x48\xce\x3d\x02\x01"

// maxRSABits bounds the RSA moduli read (OpenSSL's own limit is 16384
// bits for verification).
const maxRSABits = 16384

// Key is a subject public key as read from a SubjectPublicKeyInfo.
type Key struct {
	// Algorithm is the key algorithm, OID its algorithm identifier.
	Algorithm KeyAlgorithm
	// ExplicitCurve is set for an EC key whose parameters give the curve
	// explicitly rather than by name.
	ExplicitCurve bool
	// SecurityBits is OpenSSL's estimate of the key's strength in bits
	// for keys whose size is known without Public (the SM2 curve), 0
	// otherwise.
	SecurityBits int32
	OID          asn1.ObjectIdentifier
	// Curve is the curve of an EC key, nil when it is none Go implements.
	Curve elliptic.Curve
	// Public is the key as crypto/x509 represents it (*rsa.PublicKey,
	// *ecdsa.PublicKey, ed25519.PublicKey), nil when it cannot be. An
	// RSA-PSS or "rsa"-OID key is an *rsa.PublicKey.
	Public any
	// PSS are the restrictions of an RSA-PSS key, nil when it has none.
	PSS *Signature
	// Point is the encoded point of an SM2 key, when it is on the curve.
	Point []byte
}

// ParsePublicKey reads a DER SubjectPublicKeyInfo. It never fails: what
// cannot be read is left zero (Algorithm KeyUnknown, Public nil).
func ParsePublicKey(spki []byte) Key {
	var k Key
	if len(spki) > MaxSize {
		return k
	}
	in := cryptobyte.String(spki)
	var seq, alg cryptobyte.String
	var bits asn1.BitString
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!seq.ReadASN1BitString(&bits) || !seq.Empty() {
		return k
	}
	var oid asn1.ObjectIdentifier
	if !alg.ReadASN1ObjectIdentifier(&oid) {
		return k
	}
	k.OID = oid
	params := alg // what follows the OID
	keyBytes := bits.RightAlign()
	switch {
	case oid.Equal(oidRSA), oid.Equal(oidRSAX500):
		k.Algorithm = KeyRSA
		if pub := parseRSAKey(keyBytes); pub != nil {
			k.Public = pub
		}
	case oid.Equal(oidRSAPSS):
		k.Algorithm = KeyRSAPSS
		if !params.Empty() {
			s := parsePSSParams(params)
			k.PSS = &s
		}
		if pub := parseRSAKey(keyBytes); pub != nil {
			k.Public = pub
		}
	case oid.Equal(oidECKey):
		k.Algorithm = KeyEC
		parseECKey(&k, params, keyBytes)
	case oid.Equal(oidDSA):
		k.Algorithm = KeyDSA
	case oid.Equal(oidEd25519):
		k.Algorithm = KeyEd25519
		if len(keyBytes) == ed25519.PublicKeySize {
			k.Public = ed25519.PublicKey(append([]byte(nil), keyBytes...))
		}
	}
	return k
}

// ExplicitECParameters reports whether spki is an EC key whose curve is
// given by explicit parameters. It reads no more than the algorithm
// identifier.
func ExplicitECParameters(spki []byte) bool {
	in := cryptobyte.String(spki)
	var seq, alg cryptobyte.String
	var oid cryptobyte.String
	// The content octets are compared as they are (a verifier calls this
	// for every EC certificate; decoding the OID would allocate). Only
	// the one DER encoding of id-ecPublicKey matches, as a decoded
	// comparison would find.
	return in.ReadASN1(&seq, cbasn1.SEQUENCE) && seq.ReadASN1(&alg, cbasn1.SEQUENCE) &&
		alg.ReadASN1(&oid, cbasn1.OBJECT_IDENTIFIER) && string(oid) == derECKey &&
		alg.PeekASN1Tag(cbasn1.SEQUENCE)
}

func parseRSAKey(der []byte) *rsa.PublicKey {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	n, e := new(big.Int), new(big.Int)
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1Integer(n) || !seq.ReadASN1Integer(e) || !seq.Empty() {
		return nil
	}
	if n.Sign() <= 0 || n.BitLen() > maxRSABits || e.Sign() <= 0 || !e.IsInt64() || e.Int64() > 1<<31-1 {
		return nil
	}
	return &rsa.PublicKey{N: n, E: int(e.Int64())}
}

func parseECKey(k *Key, params cryptobyte.String, point []byte) {
	var curveOID asn1.ObjectIdentifier
	switch {
	case params.PeekASN1Tag(cbasn1.OBJECT_IDENTIFIER):
		if !params.ReadASN1ObjectIdentifier(&curveOID) {
			return
		}
		switch {
		case curveOID.Equal(oidCurveSM2):
			k.Algorithm = KeySM2
			k.SecurityBits = 128
			if _, ok := sm2Point(point); ok {
				k.Point = append([]byte(nil), point...)
			}
			return
		case curveOID.Equal(oidCurveP224):
			k.Curve = elliptic.P224()
		case curveOID.Equal(oidCurveP256):
			k.Curve = elliptic.P256()
		case curveOID.Equal(oidCurveP384):
			k.Curve = elliptic.P384()
		case curveOID.Equal(oidCurveP521):
			k.Curve = elliptic.P521()
		default:
			return
		}
	case params.PeekASN1Tag(cbasn1.SEQUENCE):
		k.ExplicitCurve = true
		var seq cryptobyte.String
		if !params.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return
		}
		k.Curve = namedFromExplicit(seq)
		if k.Curve == nil {
			return
		}
	default:
		return
	}
	if pub, err := ecdsa.ParseUncompressedPublicKey(k.Curve, point); err == nil {
		k.Public = pub
	}
}

// namedFromExplicit returns the named curve whose parameters the
// ECParameters contents s give, nil when they are no curve Go implements.
func namedFromExplicit(s cryptobyte.String) elliptic.Curve {
	var field, curve cryptobyte.String
	var version int64
	var a, b, base []byte
	p, n := new(big.Int), new(big.Int)
	var ft asn1.ObjectIdentifier
	if !s.ReadASN1Integer(&version) || !s.ReadASN1(&field, cbasn1.SEQUENCE) ||
		!field.ReadASN1ObjectIdentifier(&ft) || !ft.Equal(oidPrimeField) || !field.ReadASN1Integer(p) ||
		!s.ReadASN1(&curve, cbasn1.SEQUENCE) ||
		!curve.ReadASN1Bytes(&a, cbasn1.OCTET_STRING) || !curve.ReadASN1Bytes(&b, cbasn1.OCTET_STRING) ||
		!s.ReadASN1Bytes(&base, cbasn1.OCTET_STRING) || !s.ReadASN1Integer(n) {
		return nil
	}
	for _, c := range []elliptic.Curve{elliptic.P224(), elliptic.P256(), elliptic.P384(), elliptic.P521()} {
		cp := c.Params()
		if cp.P.Cmp(p) != 0 || cp.N.Cmp(n) != 0 {
			continue
		}
		aWant := new(big.Int).Sub(cp.P, big.NewInt(3))
		if new(big.Int).SetBytes(a).Cmp(aWant) != 0 || new(big.Int).SetBytes(b).Cmp(cp.B) != 0 {
			continue
		}
		size := (cp.BitSize + 7) / 8
		if len(base) != 1+2*size || base[0] != 4 ||
			new(big.Int).SetBytes(base[1:1+size]).Cmp(cp.Gx) != 0 ||
			new(big.Int).SetBytes(base[1+size:]).Cmp(cp.Gy) != 0 {
			continue
		}
		return c
	}
	return nil
}
