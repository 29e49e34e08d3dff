package x509fallback

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"errors"
	"hash"
	"math/big"

	// Registered for the digests signatures may name.
	_ "crypto/md5"
	_ "crypto/sha1"
	_ "crypto/sha256"
	_ "crypto/sha512"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// ErrSignature is the error of a signature that does not verify.
var ErrSignature = errors.New("x509fallback: signature does not verify")

// SignatureOf returns the Signature crypto/x509's algorithm a names, ok
// false for x509.UnknownSignatureAlgorithm.
func SignatureOf(a x509.SignatureAlgorithm) (Signature, bool) {
	switch a {
	case x509.SHA256WithRSAPSS:
		return Signature{Kind: SigRSAPSS, OID: oidRSAPSS, Hash: crypto.SHA256, MGFHash: crypto.SHA256, SaltLength: 32, Trailer: 1, OK: true}, true
	case x509.SHA384WithRSAPSS:
		return Signature{Kind: SigRSAPSS, OID: oidRSAPSS, Hash: crypto.SHA384, MGFHash: crypto.SHA384, SaltLength: 48, Trailer: 1, OK: true}, true
	case x509.SHA512WithRSAPSS:
		return Signature{Kind: SigRSAPSS, OID: oidRSAPSS, Hash: crypto.SHA512, MGFHash: crypto.SHA512, SaltLength: 64, Trailer: 1, OK: true}, true
	case x509.UnknownSignatureAlgorithm:
		return Signature{}, false
	}
	for _, s := range sigAlgs {
		if s.goID == a {
			return Signature{Kind: s.kind, OID: s.oid, Hash: s.hash, OK: true}, true
		}
	}
	return Signature{}, false
}

// OuterSignatureAlgorithm returns the DER signature AlgorithmIdentifier of
// a signed structure (a certificate or a CRL: SEQUENCE { tbs, algorithm,
// signature }).
func OuterSignatureAlgorithm(der []byte) ([]byte, bool) {
	in := cryptobyte.String(der)
	var seq, alg cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.SkipASN1(cbasn1.SEQUENCE) || !seq.ReadASN1Element(&alg, cbasn1.SEQUENCE) {
		return nil, false
	}
	return alg, true
}

// SignatureAlgorithms returns the DER signature AlgorithmIdentifiers of a
// certificate: the outer one and the one inside the TBSCertificate.
func SignatureAlgorithms(cert []byte) (outer, inner []byte, ok bool) {
	in := cryptobyte.String(cert)
	var seq, tbs, out, skip, inn cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1(&tbs, cbasn1.SEQUENCE) ||
		!seq.ReadASN1Element(&out, cbasn1.SEQUENCE) {
		return nil, nil, false
	}
	if tbs.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific().Constructed()) &&
		!tbs.ReadASN1(&skip, cbasn1.Tag(0).ContextSpecific().Constructed()) {
		return nil, nil, false
	}
	if !tbs.ReadASN1(&skip, cbasn1.INTEGER) || !tbs.ReadASN1Element(&inn, cbasn1.SEQUENCE) {
		return nil, nil, false
	}
	return out, inn, true
}

// VerifySignature checks signature over signed with key under the
// algorithm sig, as OpenSSL 3.0 verifies it: RSA keys of any size (with
// modular exponentiation here, so also below crypto/rsa's 1024-bit
// minimum), RSASSA-PSS with any digest, MGF1 digest and salt length,
// ECDSA on the curves Go implements, Ed25519, SM2. An RSA-PSS key
// verifies only RSASSA-PSS signatures, and only those its parameters
// allow (same digest and MGF1 digest, a salt at least as long).
func VerifySignature(key Key, sig Signature, signed, signature []byte) error {
	if !sig.OK || sig.Hash == 0 && sig.Kind != SigEd25519 && sig.Kind != SigSM2 {
		return ErrSignature
	}
	var digest []byte
	if sig.Hash != 0 {
		if !sig.Hash.Available() {
			return ErrSignature
		}
		h := sig.Hash.New()
		h.Write(signed)
		digest = h.Sum(nil)
	}
	switch sig.Kind {
	case SigRSAPKCS1:
		pub, ok := key.Public.(*rsa.PublicKey)
		if !ok || pub == nil || key.Algorithm != KeyRSA {
			return ErrSignature
		}
		return verifyPKCS1(pub, sig.Hash, digest, signature)
	case SigRSAPSS:
		pub, ok := key.Public.(*rsa.PublicKey)
		if !ok || pub == nil || key.Algorithm != KeyRSA && key.Algorithm != KeyRSAPSS {
			return ErrSignature
		}
		if r := key.PSS; key.Algorithm == KeyRSAPSS && r != nil &&
			(!r.OK || sig.Hash != r.Hash || sig.MGFHash != r.MGFHash || sig.SaltLength < r.SaltLength) {
			// The key's own parameters restrict its signatures: the
			// same digests, at least its salt length.
			return ErrSignature
		}
		return verifyPSS(pub, sig, digest, signature)
	case SigECDSA:
		pub, ok := key.Public.(*ecdsa.PublicKey)
		if !ok || pub == nil || !ecdsa.VerifyASN1(pub, digest, signature) {
			return ErrSignature
		}
		return nil
	case SigEd25519:
		pub, ok := key.Public.(ed25519.PublicKey)
		if !ok || !ed25519.Verify(pub, signed, signature) {
			return ErrSignature
		}
		return nil
	case SigSM2:
		if key.Algorithm != KeySM2 || !verifySM2(key.Point, signed, signature) {
			return ErrSignature
		}
		return nil
	}
	return ErrSignature
}

// digestInfoPrefix is the DER DigestInfo before the digest, per hash.
var digestInfoPrefix = map[crypto.Hash][]byte{
	crypto.MD5:    {0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10},
	crypto.SHA1:   {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
	crypto.SHA224: {0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c},
	crypto.SHA256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384: {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512: {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
}

// rsaPublic is s^e mod n as a k-byte string, nil when s is not below n.
func rsaPublic(pub *rsa.PublicKey, sig []byte, k int) []byte {
	if pub.N.Sign() <= 0 || pub.E <= 0 {
		return nil
	}
	s := new(big.Int).SetBytes(sig)
	if s.Cmp(pub.N) >= 0 {
		return nil
	}
	m := s.Exp(s, big.NewInt(int64(pub.E)), pub.N)
	return m.FillBytes(make([]byte, k))
}

func verifyPKCS1(pub *rsa.PublicKey, h crypto.Hash, digest, sig []byte) error {
	prefix, ok := digestInfoPrefix[h]
	k := (pub.N.BitLen() + 7) / 8
	tLen := len(prefix) + len(digest)
	if !ok || len(sig) != k || k < tLen+11 {
		return ErrSignature
	}
	em := rsaPublic(pub, sig, k)
	if em == nil {
		return ErrSignature
	}
	want := make([]byte, k)
	want[1] = 1
	for i := 2; i < k-tLen-1; i++ {
		want[i] = 0xff
	}
	copy(want[k-tLen:], prefix)
	copy(want[k-len(digest):], digest)
	if subtle.ConstantTimeCompare(em, want) != 1 {
		return ErrSignature
	}
	return nil
}

func mgf1(h hash.Hash, seed []byte, n int) []byte {
	out := make([]byte, 0, n+h.Size())
	var ctr [4]byte
	for i := uint32(0); len(out) < n; i++ {
		ctr[0], ctr[1], ctr[2], ctr[3] = byte(i>>24), byte(i>>16), byte(i>>8), byte(i)
		h.Reset()
		h.Write(seed)
		h.Write(ctr[:])
		out = h.Sum(out)
	}
	return out[:n]
}

func verifyPSS(pub *rsa.PublicKey, s Signature, digest, sig []byte) error {
	if s.Hash == 0 || !s.MGFHash.Available() {
		return ErrSignature
	}
	modBits := pub.N.BitLen()
	k := (modBits + 7) / 8
	if len(sig) > k {
		return ErrSignature
	}
	m := rsaPublic(pub, sig, k)
	if m == nil {
		return ErrSignature
	}
	emBits := modBits - 1
	emLen := (emBits + 7) / 8
	if emLen < k {
		if m[0] != 0 {
			return ErrSignature
		}
		m = m[1:]
	}
	hLen, sLen := s.Hash.Size(), int(s.SaltLength)
	if emLen < hLen+sLen+2 || m[emLen-1] != 0xbc {
		return ErrSignature
	}
	maskedDB, hh := m[:emLen-hLen-1], m[emLen-hLen-1:emLen-1]
	topMask := byte(0xff >> (8*emLen - emBits))
	if maskedDB[0]&^topMask != 0 {
		return ErrSignature
	}
	db := mgf1(s.MGFHash.New(), hh, len(maskedDB))
	for i := range db {
		db[i] ^= maskedDB[i]
	}
	db[0] &= topMask
	psLen := emLen - hLen - sLen - 2
	for _, b := range db[:psLen] {
		if b != 0 {
			return ErrSignature
		}
	}
	if db[psLen] != 1 {
		return ErrSignature
	}
	salt := db[len(db)-sLen:]
	h := s.Hash.New()
	h.Write(make([]byte, 8))
	h.Write(digest)
	h.Write(salt)
	if !bytes.Equal(h.Sum(nil), hh) {
		return ErrSignature
	}
	return nil
}
