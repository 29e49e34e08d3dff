package sslstream

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
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
func negotiatedVersion(hello *tls.ClientHelloInfo, lo, hi uint16) uint16 {
	var best uint16
	for _, v := range hello.SupportedVersions {
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

// configForClient is the GetConfigForClient of a server: it refuses a
// ClientHello at once when TLS 1.3 will be negotiated and the client offers
// none of the ciphersuites setting's suites (as OpenSSL refuses before its
// ServerHello, instead of after the client's Finished as the post-handshake
// check must), and otherwise returns serverConfigFor.
func (c *config) configForClient(hello *tls.ClientHelloInfo, s *Stream) (*tls.Config, error) {
	if negotiatedVersion(hello, c.tls.MinVersion, c.tls.MaxVersion) == tls.VersionTLS13 {
		offered := false
		for _, id := range hello.CipherSuites {
			if c.allowed13(id) {
				offered = true
				break
			}
		}
		if !offered {
			return nil, &suiteFailure{allowed: c.ciphersuitesString(), server: true, noneOffered: true}
		}
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
