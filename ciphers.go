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
	var best uint16
	for _, v := range clientVersions(hello) {
		if v >= lo && v <= hi && v > best {
			best = v
		}
	}
	return best
}

// clientVersions returns the versions the client offers, as crypto/tls
// reads them (see negotiatedVersion).
func clientVersions(hello *tls.ClientHelloInfo) []uint16 {
	const extensionSupportedVersions = 43 // RFC 8446 §4.2
	if slices.Contains(hello.Extensions, extensionSupportedVersions) {
		return hello.SupportedVersions
	}
	var out []uint16
	for _, v := range hello.SupportedVersions {
		if v <= tls.VersionTLS12 {
			out = append(out, v)
		}
	}
	return out
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
	// Both lists are short (tens of suites): a scan of the other list per
	// suite costs less than building a set of it for every handshake.
	first, other := c.tls.CipherSuites, offered
	if !c.preferServer {
		first, other = offered, c.tls.CipherSuites
	}
	for _, id := range first {
		if slices.Contains(other, id) && ok(id) {
			return id, true
		}
	}
	return 0, false
}

func (c *config) allowed13(id uint16) bool {
	for _, x := range c.suites13 {
		if x == id {
			return true
		}
	}
	return false
}
