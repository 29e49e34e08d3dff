package verify

import (
	"crypto"
	//lint:ignore SA1019 DSA key strength is rated as OpenSSL rates it.
	"crypto/dsa"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"

	"github.com/sslstream/sslstream/internal/x509fallback"
)

// minBits are the security bits each authentication level requires.
var minBits = [...]int{80, 112, 128, 192, 256}

func (e *engine) levelBits() int { return LevelBits(e.opts.AuthLevel) }

// keyLevelOK is OpenSSL's check_key_level.
func (e *engine) keyLevelOK(ci *certInfo) bool {
	want := e.levelBits()
	return want == 0 || keySecurityBits(ci) >= want
}

// checkAuthLevel is OpenSSL's check_auth_level: issuer keys (67) and the
// signature digests of every certificate but the trust anchor (68).
func (e *engine) checkAuthLevel() {
	want := e.levelBits()
	if want == 0 {
		return
	}
	num := len(e.chain)
	for i, ci := range e.chain {
		if i > 0 && keySecurityBits(ci) < want {
			e.report(CAKeyTooSmall, i, ci)
		}
		if i < num-1 && certSigSecurityBits(ci) < want {
			e.report(CAMDTooWeak, i, ci)
		}
	}
}

// keySecurityBits is EVP_PKEY_get_security_bits as OpenSSL 3.0 rates the
// keys (see rsaSecurityBits, dsaSecurityBits), elliptic curves by half the
// order size, Ed25519 128.
func keySecurityBits(ci *certInfo) int {
	switch k := ci.key.Public.(type) {
	case *rsa.PublicKey:
		return rsaSecurityBits(k.N.BitLen())
	case *dsa.PublicKey:
		return dsaSecurityBits(k.P.BitLen(), k.Q.BitLen())
	case *ecdsa.PublicKey:
		return k.Curve.Params().N.BitLen() / 2
	case ed25519.PublicKey:
		return 128
	}
	return int(ci.key.SecurityBits)
}

// certSigSecurityBits is sigSecurityBits for a certificate's signature,
// also when crypto/x509 does not name its algorithm (RSASSA-PSS with other
// parameters, SM2 with SM3): OpenSSL rates it by its digest.
func certSigSecurityBits(ci *certInfo) int {
	if a := ci.c.SignatureAlgorithm; a != x509.UnknownSignatureAlgorithm {
		return sigSecurityBits(a)
	}
	if !ci.sig.OK {
		return 0
	}
	switch ci.sig.Kind {
	case x509fallback.SigSM2, x509fallback.SigEd25519:
		return 128
	}
	switch ci.sig.Hash {
	case crypto.MD5:
		return 39
	case crypto.SHA1:
		return 63
	case crypto.SHA224:
		return 112
	case crypto.SHA256:
		return 128
	case crypto.SHA384:
		return 192
	case crypto.SHA512:
		return 256
	}
	return 0
}

// rsaSecurityBits rates an RSA modulus of n bits. OpenSSL 3.0 estimates
// the strength with the formula of NIST SP 800-56B rev 2 appendix D (in
// fixed-point arithmetic, rounded to a multiple of 8), so that for example
// a 2000-bit key reaches level 2 and a 2800-bit key level 3. Only whether a
// key reaches the levels' thresholds matters here; the smallest moduli that
// reach them under openssl 3.0 were measured (TestAuthLevelRSABoundaries
// checks them against openssl): 920, 1963, 2671, 6947 and 13914 bits.
func rsaSecurityBits(n int) int {
	switch {
	case n >= 13914:
		return 256
	case n >= 6947:
		return 192
	case n >= 2671:
		return 128
	case n >= 1963:
		return 112
	case n >= 920:
		return 80
	}
	return 0
}

// dsaSecurityBits is BN_security_bits(L, N), which OpenSSL 3.0 uses for
// DSA: by the size of p in NIST SP 800-57 steps, at most half the size of
// q.
func dsaSecurityBits(l, n int) int {
	var bits int
	switch {
	case l >= 15360:
		bits = 256
	case l >= 7680:
		bits = 192
	case l >= 3072:
		bits = 128
	case l >= 2048:
		bits = 112
	case l >= 1024:
		bits = 80
	default:
		return 0
	}
	if n/2 < 80 {
		return 0
	}
	return min(bits, n/2)
}

// sigSecurityBits is the strength X509_get_signature_info gives a
// signature algorithm: half the digest size, 63 for SHA-1, 39 for MD5.
func sigSecurityBits(a x509.SignatureAlgorithm) int {
	switch a {
	case x509.MD2WithRSA:
		return 0
	case x509.MD5WithRSA:
		return 39
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1:
		return 63
	case x509.SHA256WithRSA, x509.SHA256WithRSAPSS, x509.ECDSAWithSHA256, x509.DSAWithSHA256, x509.PureEd25519:
		return 128
	case x509.SHA384WithRSA, x509.SHA384WithRSAPSS, x509.ECDSAWithSHA384:
		return 192
	case x509.SHA512WithRSA, x509.SHA512WithRSAPSS, x509.ECDSAWithSHA512:
		return 256
	}
	return 0
}
