package sslstream

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"

	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/verify"
)

// The security level (@SECLEVEL=n in the ciphers setting; 1 without it,
// as upstream OpenSSL 3.0) holds for the endpoint's own certificates as
// libssl holds them to it, not only for the peer's chain (verifier.go):
//
//   - When a certificate is loaded (SSL_CTX_use_certificate,
//     SSL_CTX_use_certificate_chain_file, SSL_CTX_set1_chain), at the
//     context's level: the leaf's key must reach the level ("ee key too
//     small"), the key of every CA certificate after it in the
//     certificate file or in the certificate-chain file too ("ca key too
//     small"), and the signature of each of them ("ca md too weak"),
//     except a self-signed certificate's. A failure is an error at
//     creation, as s_server and s_client fail at startup. The chain
//     build-chain makes is checked so too (SSL_CTX_build_cert_chain).
//   - When the certificate is sent (ssl_add_cert_chain), at the
//     connection's level: the whole chain as sent, leaf first, with the
//     same rules. This is where the chain built from the trust settings
//     (autochain.go) is rated, and where a ciphers override that raises
//     the level of one connection counts. A failure fails the handshake
//     with an internal_error alert, as OpenSSL's does; a client fails it
//     only when the server asks for its certificate.

// OpenSSL 3.0 reasons of the security level checks of own certificates.
const (
	reasonCAKeyTooSmall = 397 // "ca key too small"
	reasonCAMDTooWeak   = 398 // "ca md too weak"
	reasonEEKeyTooSmall = 399 // "ee key too small"
)

// ownLink is one certificate of an own chain, rated for security levels.
type ownLink struct {
	cert *x509.Certificate
	str  verify.Strength
}

// ownChain is one of the endpoint's certificates as it is sent, rated
// once when the context is made.
type ownChain struct {
	file  string    // the certificate setting's file
	links []ownLink // leaf first
	// auto is the index of the first certificate the automatic chain
	// added (autochain.go), 0 when it added none.
	auto int
	// passes is the highest security level (0 to 5) the whole chain
	// reaches, so a handshake at that level or below checks nothing.
	passes int
}

// newOwnLink rates c.
func newOwnLink(c *x509.Certificate) ownLink {
	return ownLink{cert: c, str: verify.CertificateStrength(c)}
}

// fails returns the OpenSSL reason that l, as the leaf (ee) or a CA
// certificate of an own chain, fails security level level with, 0 when it
// passes: its key first, then its signature, which a self-signed
// certificate's is exempt from.
func (l ownLink) fails(ee bool, level int) uint32 {
	want := verify.LevelBits(level)
	switch {
	case l.str.KeyBits < want && ee:
		return reasonEEKeyTooSmall
	case l.str.KeyBits < want:
		return reasonCAKeyTooSmall
	case !l.str.SelfSigned && l.str.SignatureBits < want:
		return reasonCAMDTooWeak
	}
	return 0
}

// problem describes why l fails level with reason.
func (l ownLink) problem(reason uint32, level int) string {
	want := verify.LevelBits(level)
	if reason == reasonCAMDTooWeak {
		alg := "its signature algorithm"
		if a := l.cert.SignatureAlgorithm; a != x509.UnknownSignatureAlgorithm {
			alg = "signature " + a.String()
		}
		return fmt.Sprintf("%s is too weak for security level %d (%d security bits; the level needs %d: reissue it signed with %s)",
			alg, level, l.str.SignatureBits, want, levelDigests(level))
	}
	return fmt.Sprintf("%s is too small for security level %d (%d security bits; the level needs %d: %s)",
		keyDescription(l.cert), level, l.str.KeyBits, want, levelKeys(level))
}

// keyDescription names c's key as the messages show it: "RSA 1024-bit
// key", "ECDSA P-256 key".
func keyDescription(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d-bit key", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name + " key"
	case ed25519.PublicKey:
		return "Ed25519 key"
	}
	if a := c.PublicKeyAlgorithm; a != x509.UnknownPublicKeyAlgorithm {
		return a.String() + " key"
	}
	return "key"
}

// levelKeys says which keys reach level, for the messages.
func levelKeys(level int) string {
	switch {
	case level <= 1:
		return "RSA 1024 bits or more, ECDSA or Ed25519"
	case level == 2:
		return "RSA 2048 bits or more, ECDSA or Ed25519"
	case level == 3:
		return "RSA 3072 bits or more, ECDSA P-256 or larger, or Ed25519"
	case level == 4:
		return "RSA 7680 bits or more, or ECDSA P-384 or larger"
	}
	return "RSA 15360 bits or more, or ECDSA P-521"
}

// levelDigests says which signature digests reach level, for the messages.
func levelDigests(level int) string {
	switch {
	case level <= 3:
		return "SHA-256 or better"
	case level == 4:
		return "SHA-384 or better"
	}
	return "SHA-512"
}

// checkLoadedCertificate is the check of a certificate as it is loaded
// (SSL_CTX_use_certificate, then SSL_CTX_add0_chain_cert for the rest of
// the file): cert's leaf, and the CA certificates after it in file, at
// the context's level. The error names file.
func checkLoadedCertificate(cert *tls.Certificate, file string, level int) error {
	if level <= 0 || cert.Leaf == nil {
		return nil
	}
	if err := checkLoaded("load certificate", "certificate "+file, newOwnLink(cert.Leaf), true, level); err != nil {
		return err
	}
	for i, der := range cert.Certificate[1:] {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			continue // not rated: OpenSSL would not have read it either
		}
		where := fmt.Sprintf("certificate %s: CA certificate %d of its chain (%s)", file, i+1, dn.String(c.RawSubject))
		if err := checkLoaded("load certificate", where, newOwnLink(c), false, level); err != nil {
			return err
		}
	}
	return nil
}

// checkLoadedChain is the check of the certificate-chain setting's
// certificates (SSL_CTX_set1_chain): CA certificates, at the context's
// level. The error names file.
func checkLoadedChain(chain []*x509.Certificate, file string, level int) error {
	if level <= 0 {
		return nil
	}
	for i, c := range chain {
		where := fmt.Sprintf("certificate chain %s: CA certificate %d (%s)", file, i+1, dn.String(c.RawSubject))
		if err := checkLoaded("load certificate chain", where, newOwnLink(c), false, level); err != nil {
			return err
		}
	}
	return nil
}

// checkBuiltChains is the check of the chains build-chain made
// (SSL_CTX_build_cert_chain checks the CA certificates of the chain it
// builds, trust anchor included, and fails): certs' certificates after
// the leaf, at the context's level. Each error names the certificate's
// file (certFiles alike). Nothing is checked without build.
func checkBuiltChains(certs []tls.Certificate, certFiles []string, build bool, level int) error {
	if !build || level <= 0 {
		return nil
	}
	for i := range certs {
		if i >= len(certFiles) {
			break
		}
		for j, der := range certs[i].Certificate[1:] {
			c, err := x509.ParseCertificate(der)
			if err != nil {
				continue
			}
			where := fmt.Sprintf("certificate %s: CA certificate %d of the chain build-chain made for it (%s)", certFiles[i], j+1, dn.String(c.RawSubject))
			if err := checkLoaded("build certificate chain", where, newOwnLink(c), false, level); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkLoaded returns the creation error for l, described by where, when
// it fails level.
func checkLoaded(what, where string, l ownLink, ee bool, level int) error {
	if r := l.fails(ee, level); r != 0 {
		return settingsError(what, fmt.Errorf("%s: %s", where, l.problem(r, level)), r)
	}
	return nil
}

// chainLengths returns how many certificates each of certs holds, to tell
// afterwards what the automatic chain added.
func chainLengths(certs []tls.Certificate) []int {
	n := make([]int, len(certs))
	for i := range certs {
		n[i] = len(certs[i].Certificate)
	}
	return n
}

// rateOwnChains rates the endpoint's certificates as they will be sent:
// certs, loaded from files (one per certificate), held loaded[i]
// certificates each before the automatic chain completed them.
func rateOwnChains(certs []tls.Certificate, files []string, loaded []int) []*ownChain {
	var out []*ownChain
	for i := range certs {
		cert := &certs[i]
		if cert.Leaf == nil || i >= len(files) || i >= len(loaded) {
			continue
		}
		oc := &ownChain{file: files[i], links: []ownLink{newOwnLink(cert.Leaf)}}
		for j, der := range cert.Certificate[1:] {
			c, err := x509.ParseCertificate(der)
			if err != nil {
				continue
			}
			if j+1 >= loaded[i] && oc.auto == 0 {
				oc.auto = len(oc.links)
			}
			oc.links = append(oc.links, newOwnLink(c))
		}
		for oc.passes < 5 {
			if _, r := oc.firstFailure(oc.passes + 1); r != 0 {
				break
			}
			oc.passes++
		}
		out = append(out, oc)
	}
	return out
}

// failure is the handshake's error when the chain fails level
// (ssl_security_cert_chain: the leaf, then each CA certificate in the
// order sent), nil when it passes.
func (oc *ownChain) failure(level int) error {
	i, r := oc.firstFailure(level)
	if r == 0 {
		return nil
	}
	l := oc.links[i]
	where := "certificate " + oc.file
	switch {
	case oc.auto > 0 && i >= oc.auto:
		where += fmt.Sprintf(": CA certificate %d of the chain built for it from the trust settings (%s)", i, dn.String(l.cert.RawSubject))
	case i > 0:
		where += fmt.Sprintf(": CA certificate %d of its chain (%s)", i, dn.String(l.cert.RawSubject))
	}
	return newError("handshake", fmt.Errorf("%s: %s", where, l.problem(r, level)), r)
}

// firstFailure returns the index of the first certificate of the chain
// that fails level and the reason, or reason 0 when all pass.
func (oc *ownChain) firstFailure(level int) (int, uint32) {
	for i, l := range oc.links {
		if r := l.fails(i == 0, level); r != 0 {
			return i, r
		}
	}
	return 0, 0
}

// ownChainError is the error sending cert, one of the context's
// certificates, fails the handshake with at the connection's security
// level, nil when it may be sent.
func (c *config) ownChainError(cert *tls.Certificate) error {
	if cert == nil || cert.Leaf == nil {
		return nil
	}
	for _, oc := range c.own {
		if oc.links[0].cert == cert.Leaf {
			if c.secLevel <= oc.passes {
				return nil
			}
			return oc.failure(c.secLevel)
		}
	}
	return nil
}

// clientCertificate is a client's GetClientCertificate: the certificate
// chosen as OpenSSL chooses it (openSSLClientCertificate), refused with the
// handshake's error when its chain does not reach the connection's
// security level. In TLS 1.2 crypto/tls then sends internal_error, as
// OpenSSL does, before anything else of the client's flight. In TLS 1.3 it
// would send no alert at all, so the certificate is returned with a key
// that refuses to sign (refusedKey): crypto/tls sends the Certificate
// message (OpenSSL sends none), then fails to sign its CertificateVerify
// and sends internal_error.
func (c *config) clientCertificate(cert *tls.Certificate) func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	pick := openSSLClientCertificate(cert)
	return func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
		got, err := pick(cri)
		if err != nil || got != cert {
			return got, err
		}
		err = c.ownChainError(cert)
		if err == nil {
			return got, nil
		}
		if signer, ok := cert.PrivateKey.(crypto.Signer); ok && cri.Version == tls.VersionTLS13 {
			refused := *cert
			refused.PrivateKey = refusedKey{pub: signer.Public(), err: err}
			return &refused, nil
		}
		return nil, err
	}
}

// refusedKey stands in for the private key of a TLS 1.3 client
// certificate whose chain falls short of the connection's security level
// (clientCertificate): it refuses to sign with err, the handshake's error.
type refusedKey struct {
	pub crypto.PublicKey
	err error
}

// Public returns the certificate's public key.
func (k refusedKey) Public() crypto.PublicKey { return k.pub }

// Sign refuses, with the security level's error.
func (k refusedKey) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) { return nil, k.err }

// noteRefusal wraps a client stream's GetClientCertificate (nil: send none)
// so that the error of a certificate refused for its security level
// (refusedKey) is the stream's handshake error, rather than crypto/tls's
// text about a failed signature.
func (s *Stream) noteRefusal(next func(*tls.CertificateRequestInfo) (*tls.Certificate, error)) func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	if next == nil {
		return nil
	}
	return func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
		cert, err := next(cri)
		if cert != nil {
			if k, ok := cert.PrivateKey.(refusedKey); ok {
				var e *Error
				if errors.As(k.err, &e) {
					s.hsErr.CompareAndSwap(nil, e)
				}
			}
		}
		return cert, err
	}
}

// refuseCertificate makes server config t fail the handshake with err
// when crypto/tls asks for the certificate, with an internal_error
// alert, as OpenSSL fails when it writes its Certificate message.
func refuseCertificate(t *tls.Config, err error) {
	t.Certificates = nil
	t.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return nil, err }
}
