package verify

import (
	//lint:ignore SA1019 DSA key strength is rated as OpenSSL rates it.
	"crypto/dsa"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
)

// minBits are the security bits each authentication level requires.
var minBits = [...]int{80, 112, 128, 192, 256}

func (e *engine) levelBits() int {
	l := e.opts.AuthLevel
	if l <= 0 {
		return 0
	}
	if l > len(minBits) {
		l = len(minBits)
	}
	return minBits[l-1]
}

// keyLevelOK is OpenSSL's check_key_level.
func (e *engine) keyLevelOK(ci *certInfo) bool {
	want := e.levelBits()
	return want == 0 || keySecurityBits(ci.c) >= want
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
		if i > 0 && keySecurityBits(ci.c) < want {
			e.report(CAKeyTooSmall, i, ci)
		}
		if i < num-1 && sigSecurityBits(ci.c.SignatureAlgorithm) < want {
			e.report(CAMDTooWeak, i, ci)
		}
	}
}

// keySecurityBits approximates EVP_PKEY_get_security_bits: RSA and DSA by
// modulus size (NIST SP 800-57 steps), elliptic curves by half the order
// size.
func keySecurityBits(c *x509.Certificate) int {
	ffc := func(n int) int {
		switch {
		case n >= 15360:
			return 256
		case n >= 7680:
			return 192
		case n >= 3072:
			return 128
		case n >= 2048:
			return 112
		case n >= 1024:
			return 80
		}
		return 0
	}
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return ffc(k.N.BitLen())
	case *dsa.PublicKey:
		return ffc(k.P.BitLen())
	case *ecdsa.PublicKey:
		return k.Curve.Params().N.BitLen() / 2
	case ed25519.PublicKey:
		return 128
	}
	return 0
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
