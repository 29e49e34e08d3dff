package verify

import "crypto/x509"

// Strength is how OpenSSL 3.0 rates a certificate for a security level
// (@SECLEVEL=n, SSL_CTX_set_security_level): the same ratings the
// authentication level (Options.AuthLevel) applies to a peer's chain, and
// libssl to the certificates an endpoint sends itself.
type Strength struct {
	// KeyBits is the strength of the certificate's public key in security
	// bits, as EVP_PKEY_get_security_bits gives it: RSA by OpenSSL's
	// estimate after NIST SP 800-56B (a 1024-bit modulus 80, 2048 bits
	// 112, 3072 bits 128), DSA by the size of p, elliptic curves by half
	// the order size, Ed25519 128. 0 for a key OpenSSL cannot rate.
	KeyBits int
	// SignatureBits is the strength of the certificate's signature, as
	// X509_get_signature_info gives it: half the digest size, 63 for
	// SHA-1, 39 for MD5, 128 for Ed25519; 0 when unknown.
	SignatureBits int
	// SelfSigned is OpenSSL's EXFLAG_SS: the issuer is the subject, the
	// authority key identifier (if any) matches the certificate's own and
	// the signature algorithm suits its key (the signature itself is not
	// checked). Security levels do not rate the signature of such a
	// certificate: it is a trust anchor, trusted for itself.
	SelfSigned bool
}

// CertificateStrength rates c as OpenSSL 3.0 does for security levels.
func CertificateStrength(c *x509.Certificate) Strength {
	ci := newCertInfo(c)
	return Strength{
		KeyBits:       keySecurityBits(ci),
		SignatureBits: certSigSecurityBits(ci),
		SelfSigned:    ci.selfSigned,
	}
}

// LevelBits returns the security bits OpenSSL 3.0 requires at security
// level level from keys and signatures: 0 at level 0 (anything goes),
// then 80, 112, 128, 192 and 256 for levels 1 to 5. Levels above 5 count
// as 5.
func LevelBits(level int) int {
	if level <= 0 {
		return 0
	}
	if level > len(minBits) {
		level = len(minBits)
	}
	return minBits[level-1]
}
