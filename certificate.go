package sslstream

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/sslstream/sslstream/dn"
)

// Certificate is a read-only view of an X.509 certificate with Allegro CL's
// x509-certificate accessors. It is safe for concurrent use.
type Certificate struct {
	c       *x509.Certificate
	issuer  []dn.Attribute
	subject []dn.Attribute
	sans    []AltName
}

// AltName is one subject alternative name: Type is "DNS", "IP Address",
// "email", "URI", "DirName", "othername" or "Registered ID" (OpenSSL's
// words); Value is as OpenSSL prints it.
type AltName struct {
	Type, Value string
}

// NewCertificate wraps an *x509.Certificate in the accessor view.
func NewCertificate(c *x509.Certificate) *Certificate { return newCertificate(c) }

func newCertificate(c *x509.Certificate) *Certificate {
	cert := &Certificate{c: c}
	cert.issuer, _ = dn.Parse(c.RawIssuer)
	cert.subject, _ = dn.Parse(c.RawSubject)
	for _, e := range c.Extensions {
		if e.Id.Equal(oidSubjectAltName) {
			cert.sans = parseAltNames(e.Value)
		}
	}
	return cert
}

var oidSubjectAltName = asn1.ObjectIdentifier{2, 5, 29, 17}

// Version returns "v1", "v2" or "v3".
func (c *Certificate) Version() string { return fmt.Sprintf("v%d", c.c.Version) }

// SerialNumber returns a copy of the serial number.
func (c *Certificate) SerialNumber() *big.Int { return new(big.Int).Set(c.c.SerialNumber) }

// Issuer returns the issuer name as ordered attributes with OpenSSL short
// names (CN, O, OU, L, ST, C, ...). The slice is a copy.
func (c *Certificate) Issuer() []dn.Attribute { return append([]dn.Attribute(nil), c.issuer...) }

// Subject returns the subject name as ordered attributes with OpenSSL
// short names. The slice is a copy.
func (c *Certificate) Subject() []dn.Attribute { return append([]dn.Attribute(nil), c.subject...) }

// IssuerString returns the issuer in OpenSSL 3.0's one-line form
// ("C = DE, O = Example, CN = Example CA").
func (c *Certificate) IssuerString() string { return dn.String(c.c.RawIssuer) }

// SubjectString returns the subject in OpenSSL 3.0's one-line form.
func (c *Certificate) SubjectString() string { return dn.String(c.c.RawSubject) }

// NotBefore returns the start of the validity period.
func (c *Certificate) NotBefore() time.Time { return c.c.NotBefore }

// NotAfter returns the end of the validity period.
func (c *Certificate) NotAfter() time.Time { return c.c.NotAfter }

// SubjectAltNames returns the subject alternative names in the order of
// the extension. The slice is a copy.
func (c *Certificate) SubjectAltNames() []AltName { return append([]AltName(nil), c.sans...) }

// X509 returns the underlying certificate; do not modify it.
func (c *Certificate) X509() *x509.Certificate { return c.c }

// String returns the subject's one-line form.
func (c *Certificate) String() string { return c.SubjectString() }

// parseAltNames reads a GeneralNames SEQUENCE keeping its order. Entries
// that cannot be read are skipped; an unreadable extension gives nil.
func parseAltNames(der []byte) []AltName {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil
	}
	var out []AltName
	for !seq.Empty() {
		var v cryptobyte.String
		var tag cbasn1.Tag
		if !seq.ReadAnyASN1(&v, &tag) {
			break
		}
		switch tag {
		case cbasn1.Tag(1).ContextSpecific():
			out = append(out, AltName{"email", string(v)})
		case cbasn1.Tag(2).ContextSpecific():
			out = append(out, AltName{"DNS", string(v)})
		case cbasn1.Tag(6).ContextSpecific():
			out = append(out, AltName{"URI", string(v)})
		case cbasn1.Tag(7).ContextSpecific():
			out = append(out, AltName{"IP Address", formatIP(v)})
		case cbasn1.Tag(4).ContextSpecific().Constructed():
			var name cryptobyte.String
			val := "<unsupported>"
			if v.ReadASN1Element(&name, cbasn1.SEQUENCE) {
				val = strings.ReplaceAll(dn.String(name), " = ", "=")
			}
			out = append(out, AltName{"DirName", val})
		case cbasn1.Tag(0).ContextSpecific().Constructed():
			out = append(out, AltName{"othername", "<unsupported>"})
		case cbasn1.Tag(8).ContextSpecific():
			var oid asn1.ObjectIdentifier
			val := "<unsupported>"
			if full, err := asn1.Marshal(asn1.RawValue{Tag: 6, Bytes: v}); err == nil {
				if _, err := asn1.Unmarshal(full, &oid); err == nil {
					val = oid.String()
				}
			}
			out = append(out, AltName{"Registered ID", val})
		}
	}
	return out
}

// formatIP prints an address as OpenSSL 3.0 does: dotted quad for IPv4,
// eight upper-case hex groups without compression for IPv6.
func formatIP(b []byte) string {
	switch len(b) {
	case net.IPv4len:
		return net.IP(b).String()
	case net.IPv6len:
		parts := make([]string, 8)
		for i := range parts {
			parts[i] = fmt.Sprintf("%X", uint16(b[2*i])<<8|uint16(b[2*i+1]))
		}
		return strings.Join(parts, ":")
	}
	return "<invalid>"
}
