package verify

import (
	"bytes"
	"crypto"
	//lint:ignore SA1019 OpenSSL verifies DSA signatures; so must we.
	"crypto/dsa"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"

	"github.com/sslstream/sslstream/internal/x509fallback"
)

var errBadSignature = errors.New("verify: signature does not verify")

// checkSignature verifies signature over signed with issuer's key, as
// OpenSSL's X509_verify does: besides what crypto/x509 accepts, DSA and
// MD5-with-RSA signatures, which OpenSSL 3.0 still verifies.
func checkSignature(issuer *x509.Certificate, algo x509.SignatureAlgorithm, signed, signature []byte) error {
	switch algo {
	case x509.DSAWithSHA1, x509.DSAWithSHA256:
		pub, ok := issuer.PublicKey.(*dsa.PublicKey)
		if !ok {
			return errBadSignature
		}
		var sig struct{ R, S *big.Int }
		if rest, err := asn1.Unmarshal(signature, &sig); err != nil || len(rest) != 0 || sig.R == nil || sig.S == nil {
			return errBadSignature
		}
		var digest []byte
		if algo == x509.DSAWithSHA1 {
			h := sha1.Sum(signed)
			digest = h[:]
		} else {
			h := sha256.Sum256(signed)
			digest = h[:]
		}
		if !dsa.Verify(pub, digest, sig.R, sig.S) {
			return errBadSignature
		}
		return nil
	case x509.MD5WithRSA:
		pub, ok := issuer.PublicKey.(*rsa.PublicKey)
		if !ok {
			return errBadSignature
		}
		h := md5.Sum(signed)
		return rsa.VerifyPKCS1v15(pub, crypto.MD5, h[:], signature)
	}
	return issuer.CheckSignature(algo, signed, signature)
}

// checkSignatureBy is checkSignature of a CRL (raw, its DER) with
// issuer's key as OpenSSL reads it: keys crypto/x509 does not represent
// (RSA-PSS, the "rsa" OID), RSA keys below crypto/rsa's 1024-bit minimum,
// which OpenSSL 3.0 still verifies with, and signature algorithms
// crypto/x509 does not name (RSASSA-PSS with other parameters, SHA-224)
// are verified by x509fallback.
func checkSignatureBy(issuer *certInfo, algo x509.SignatureAlgorithm, raw, signed, signature []byte) error {
	if algo != x509.UnknownSignatureAlgorithm && goVerifies(issuer) {
		return checkSignature(issuer.c, algo, signed, signature)
	}
	s, ok := x509fallback.SignatureOf(algo)
	if !ok {
		alg, found := x509fallback.OuterSignatureAlgorithm(raw)
		if !found {
			return errBadSignature
		}
		s = x509fallback.ParseSignatureAlgorithm(alg)
	}
	return x509fallback.VerifySignature(issuer.key, s, signed, signature)
}

// goVerifies reports whether crypto/x509 verifies signatures with
// issuer's key.
func goVerifies(issuer *certInfo) bool {
	switch k := issuer.c.PublicKey.(type) {
	case nil:
		return false
	case *rsa.PublicKey:
		return k.N.BitLen() >= 1024
	}
	return true
}

// checkCertSignature is X509_verify(subject, issuer's key): the signature
// algorithm inside the TBSCertificate must be the outer one, and the
// signature verify under it, whatever parameters RSASSA-PSS has.
func checkCertSignature(issuer, subject *certInfo) bool {
	c := subject.c
	outer, inner, ok := x509fallback.SignatureAlgorithms(c.Raw)
	if !ok || !bytes.Equal(outer, inner) {
		return false
	}
	if c.SignatureAlgorithm != x509.UnknownSignatureAlgorithm && goVerifies(issuer) {
		return checkSignature(issuer.c, c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
	}
	return x509fallback.VerifySignature(issuer.key, subject.sig, c.RawTBSCertificate, c.Signature) == nil
}
