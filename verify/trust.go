package verify

import (
	"crypto/x509"
	"encoding/asn1"

	"github.com/sslstream/sslstream/keyfile"
)

// TrustSettingsSource is implemented by trust sources that know the trust
// settings (TRUSTED CERTIFICATE blocks) of their certificates: a Pool made
// by NewTrustedPool, and a cadir.Dir. Verify honours them as OpenSSL 3.0's
// X509_check_trust does; certificates of other sources have none.
type TrustSettingsSource interface {
	// TrustSettings returns the settings of c, a certificate the source
	// returned from Issuers, or nil when it has none.
	TrustSettings(c *x509.Certificate) *keyfile.TrustSettings
}

// Outcomes of X509_check_trust.
const (
	trustUntrusted = iota
	trustTrusted
	trustRejected
)

// trustKind is the trust id OpenSSL derives from the purpose
// (X509_PURPOSE_get_trust): how X509_check_trust judges an anchor.
type trustKind int

const (
	trustDefault   trustKind = iota // no purpose, or "any": anyExtendedKeyUsage
	trustCompat                     // crlsign, ocsphelper: self-signed only
	trustOneOIDAny                  // the purpose's OID, or anyExtendedKeyUsage
)

var (
	oidAnyEKU       = asn1.ObjectIdentifier{2, 5, 29, 37, 0}
	oidServerAuth   = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}
	oidClientAuth   = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 2}
	oidEmailProtect = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 4}
	oidTimeStamping = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
)

// trustFor returns the trust id of a purpose and, for trustOneOIDAny, the
// use it asks for.
func trustFor(p Purpose) (trustKind, asn1.ObjectIdentifier) {
	switch p {
	case PurposeSSLClient:
		return trustOneOIDAny, oidClientAuth
	case PurposeSSLServer, PurposeNSSSLServer:
		return trustOneOIDAny, oidServerAuth
	case PurposeSMIMESign, PurposeSMIMEEncrypt:
		return trustOneOIDAny, oidEmailProtect
	case PurposeTimestampSign:
		return trustOneOIDAny, oidTimeStamping
	case PurposeCRLSign, PurposeOCSPHelper:
		return trustCompat, nil
	}
	return trustDefault, oidAnyEKU
}

// trustSettingsOf returns the trust settings the trust source of ci gave
// it (nil for an untrusted certificate or a source without settings).
func (e *engine) trustSettingsOf(ci *certInfo) *keyfile.TrustSettings {
	src, ok := e.anchorSrc.of(ci.c)
	if !ok {
		return nil
	}
	if ts, ok := src.(TrustSettingsSource); ok {
		return ts.TrustSettings(ci.c)
	}
	return nil
}

// checkTrustOf is X509_check_trust for a trusted certificate with the trust
// id of Options.Purpose. noSSCompat is X509_TRUST_NO_SS_COMPAT: a
// self-signed certificate without explicit trust is then not trusted.
func (e *engine) checkTrustOf(ci *certInfo, noSSCompat bool) int {
	kind, use := trustFor(e.opts.Purpose)
	compat := func() int {
		// X509_check_purpose(x, -1, 0) fails for a certificate whose
		// extensions do not decode: never trusted this way.
		if !noSSCompat && ci.selfSigned && !ci.invalid {
			return trustTrusted
		}
		return trustUntrusted
	}
	if kind == trustCompat {
		return compat() // trust settings are not consulted
	}
	okAny := kind == trustOneOIDAny
	matches := func(o asn1.ObjectIdentifier) bool { return o.Equal(use) || okAny && o.Equal(oidAnyEKU) }
	if ts := e.trustSettingsOf(ci); ts != nil {
		for _, o := range ts.Rejected {
			if matches(o) {
				return trustRejected
			}
		}
		if ts.Trusted != nil {
			for _, o := range ts.Trusted {
				if matches(o) {
					return trustTrusted
				}
			}
			// Explicit trust for other uses only: rejected for this
			// one (and no blanket trust of a self-signed certificate).
			return trustRejected
		}
	}
	return compat()
}

// NewTrustedPool is NewNamedPool for certificates with the trust settings
// their file gave them (keyfile.LoadTrustedCertificates). Of exact
// duplicates the first is kept with its settings, as OpenSSL's store keeps
// the first.
func NewTrustedPool(name string, certs []keyfile.TrustedCertificate) *Pool {
	plain := make([]*x509.Certificate, 0, len(certs))
	for _, tc := range certs {
		plain = append(plain, tc.Cert)
	}
	p := NewNamedPool(name, plain)
	kept := make(map[*x509.Certificate]bool, len(p.certs))
	for _, c := range p.certs {
		kept[c] = true
	}
	for _, tc := range certs {
		if tc.Trust == nil || !kept[tc.Cert] {
			continue
		}
		if p.trust == nil {
			p.trust = make(map[*x509.Certificate]*keyfile.TrustSettings)
		}
		if _, dup := p.trust[tc.Cert]; !dup {
			p.trust[tc.Cert] = tc.Trust
		}
	}
	return p
}

// TrustSettings returns the trust settings of c, a certificate of the pool,
// nil when it has none.
func (p *Pool) TrustSettings(c *x509.Certificate) *keyfile.TrustSettings {
	if p == nil {
		return nil
	}
	return p.trust[c]
}
