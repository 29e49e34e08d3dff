package sslstream

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"slices"
	"strings"
)

// goSuite is what this package needs to know about a crypto/tls suite.
type goSuite struct {
	name     string
	versions []uint16
	ecdsa    bool // needs an ECDSA (or Ed25519) certificate key
}

func (g goSuite) usable(lo, hi uint16) bool {
	for _, v := range g.versions {
		if v >= lo && v <= hi && v < tls.VersionTLS13 {
			return true
		}
	}
	return false
}

func (g goSuite) speaks(v uint16) bool {
	for _, x := range g.versions {
		if x == v {
			return true
		}
	}
	return false
}

// goSuites indexes crypto/tls's TLS <= 1.2 suites (secure and insecure) by
// id. It is built once and never modified.
var goSuites = func() map[uint16]goSuite {
	m := make(map[uint16]goSuite)
	for _, list := range [][]*tls.CipherSuite{tls.CipherSuites(), tls.InsecureCipherSuites()} {
		for _, s := range list {
			if len(s.SupportedVersions) == 1 && s.SupportedVersions[0] == tls.VersionTLS13 {
				continue
			}
			m[s.ID] = goSuite{name: s.Name, versions: s.SupportedVersions, ecdsa: strings.Contains(s.Name, "_ECDSA_")}
		}
	}
	return m
}()

// keyIsECDSA reports whether the certificate's key signs for ECDSA suites.
func keyIsECDSA(cert *tls.Certificate) (ecdsaKey, rsaKey bool) {
	switch cert.PrivateKey.(type) {
	case *ecdsa.PrivateKey, ed25519.PrivateKey:
		return true, false
	case *rsa.PrivateKey:
		return false, true
	}
	if cert.Leaf != nil {
		switch cert.Leaf.PublicKey.(type) {
		case *ecdsa.PublicKey, ed25519.PublicKey:
			return true, false
		case *rsa.PublicKey:
			return false, true
		}
	}
	return false, false
}

// negotiatedVersion predicts the version crypto/tls will pick for hello
// within [lo, hi]: the highest version both sides support (0 if none).
// Like crypto/tls (RFC 8446 §4.2.1, D.1), it takes the client's versions
// from the supported_versions extension when the client sent one, and
// otherwise from legacy_version capped at TLS 1.2: a legacy_version above
// TLS 1.2 without supported_versions ((3,4), (4,1), (254,254)) negotiates
// TLS 1.2. ClientHelloInfo.SupportedVersions alone cannot tell the two
// apart, since crypto/tls fills it from legacy_version when the extension
// is absent; ClientHelloInfo.Extensions says whether it was sent.
func negotiatedVersion(hello *tls.ClientHelloInfo, lo, hi uint16) uint16 {
	const extensionSupportedVersions = 43 // RFC 8446 §4.2
	legacy := !slices.Contains(hello.Extensions, extensionSupportedVersions)
	var best uint16
	for _, v := range hello.SupportedVersions {
		if legacy && v > tls.VersionTLS12 {
			continue
		}
		if v >= lo && v <= hi && v > best {
			best = v
		}
	}
	return best
}

// chooseSuite emulates OpenSSL's cipher selection for TLS <= 1.2: among
// the suites both sides offer that the certificate's key can serve at
// version v, the first in the server's order when the server's preference
// wins, else the first in the client's order.
func (c *config) chooseSuite(offered []uint16, v uint16, cert *tls.Certificate) (uint16, bool) {
	ec, rs := keyIsECDSA(cert)
	ok := func(id uint16) bool {
		g, known := goSuites[id]
		if !known || !g.speaks(v) {
			return false
		}
		if g.ecdsa {
			return ec
		}
		return rs
	}
	ours := make(map[uint16]bool, len(c.tls.CipherSuites))
	for _, id := range c.tls.CipherSuites {
		ours[id] = true
	}
	theirs := make(map[uint16]bool, len(offered))
	for _, id := range offered {
		theirs[id] = true
	}
	first, other := c.tls.CipherSuites, theirs
	if !c.preferServer {
		first, other = offered, ours
	}
	for _, id := range first {
		if other[id] && ok(id) {
			return id, true
		}
	}
	return 0, false
}

// pickCertificate returns the certificate crypto/tls would choose for hello
// among the server's: the first that supports the ClientHello (names, key
// type), else the first.
func (c *config) pickCertificate(hello *tls.ClientHelloInfo) *tls.Certificate {
	certs := c.tls.Certificates
	if len(certs) == 0 {
		return nil
	}
	if len(certs) > 1 {
		for i := range certs {
			if hello.SupportsCertificate(&certs[i]) == nil {
				return &certs[i]
			}
		}
	}
	return &certs[0]
}

// serverConfigFor is the per-ClientHello configuration of a server: the
// context's tls.Config with our verification bound to stream s (nil for
// TLSConfig users) and, for TLS <= 1.2, only the suite OpenSSL would pick.
func (c *config) serverConfigFor(hello *tls.ClientHelloInfo, s *Stream) *tls.Config {
	t := c.tls.Clone()
	t.VerifyConnection = c.verifyClient(s) // handshake_server.go
	cert := c.pickCertificate(hello)
	if cert == nil {
		return t
	}
	if len(t.Certificates) > 1 {
		t.Certificates = []tls.Certificate{*cert}
	}
	v := negotiatedVersion(hello, c.tls.MinVersion, c.tls.MaxVersion)
	if v != 0 && v < tls.VersionTLS13 {
		if id, ok := c.chooseSuite(hello.CipherSuites, v, cert); ok {
			t.CipherSuites = []uint16{id}
		}
	}
	return t
}

// configForClient is the GetConfigForClient of a server: serverConfigFor,
// except when TLS 1.3 will be negotiated and the client offers none of the
// ciphersuites setting's suites. OpenSSL refuses such a client before its
// ServerHello with handshake_failure (40), also when the client could do
// TLS 1.2. An error returned here would make crypto/tls send
// internal_error (80) instead, so the configuration returned then makes
// crypto/tls refuse by itself, with handshake_failure, right after its
// TLS 1.3 cipher choice: TLS 1.3 only, and no key exchange group that any
// client can share. The stream's handshake error (s may be nil for
// TLSConfig users, who get crypto/tls's own error) still says why: OpenSSL's
// "no shared cipher" and the suites allowed.
func (c *config) configForClient(hello *tls.ClientHelloInfo, s *Stream) (*tls.Config, error) {
	if negotiatedVersion(hello, c.tls.MinVersion, c.tls.MaxVersion) == tls.VersionTLS13 &&
		!slices.ContainsFunc(hello.CipherSuites, c.allowed13) {
		t := c.serverConfigFor(hello, s)
		t.MinVersion = tls.VersionTLS13
		// crypto/tls keeps only the groups it implements that are also in
		// CurvePreferences: none here, so it answers "no key exchanges
		// supported by both client and server" with handshake_failure.
		t.CurvePreferences = []tls.CurveID{0xffff}
		if s != nil {
			// Recorded first, so Handshake returns it rather than
			// crypto/tls's text about key exchanges.
			s.hsErr.CompareAndSwap(nil, classify("handshake", &suiteFailure{allowed: c.ciphersuitesString(), server: true, noneOffered: true}, nil))
		}
		return t, nil
	}
	return c.serverConfigFor(hello, s), nil
}

func (c *config) allowed13(id uint16) bool {
	for _, x := range c.suites13 {
		if x == id {
			return true
		}
	}
	return false
}
