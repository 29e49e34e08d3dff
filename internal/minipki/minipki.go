// Package minipki builds throwaway certificate hierarchies in memory for tests,
// examples, benchmarks and the demo command.
//
// Certificates are issued with ECDSA P-256 keys unless RSA is asked for; the
// RSA key of a Factory is generated once and shared by every certificate that
// asks for RSA, because RSA key generation dominates test time on small
// machines. Nothing here is meant for production use.
package minipki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Factory issues certificates. It is safe for concurrent use. A Factory caches
// one RSA key (created on first use) and numbers serials from 1000 upwards.
type Factory struct {
	// Now is the reference time; certificates are valid from Now-1h to Now+24h
	// unless an option says otherwise. Zero means time.Now() at creation.
	Now time.Time

	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
	rsaErr  error
	serial  atomic.Int64
}

// New returns a Factory whose reference time is now.
func New() *Factory {
	return &Factory{Now: time.Now().Truncate(time.Second)}
}

// RSAKey returns the Factory's shared 2048-bit RSA key.
func (f *Factory) RSAKey() (*rsa.PrivateKey, error) {
	f.rsaOnce.Do(func() {
		f.rsaKey, f.rsaErr = rsa.GenerateKey(rand.Reader, 2048)
	})
	return f.rsaKey, f.rsaErr
}

// Cert is an issued certificate with its private key.
type Cert struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	// Issuer is the certificate that signed this one (nil when self-signed).
	Issuer *Cert
	f      *Factory
}

// DER returns the certificate's DER encoding.
func (c *Cert) DER() []byte { return c.Cert.Raw }

// CertPEM returns the certificate as PEM.
func (c *Cert) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
}

// KeyPEM returns the private key as unencrypted PKCS#8 PEM.
func (c *Cert) KeyPEM() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		// Keys come from this package; every type it makes marshals.
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// ChainPEM returns this certificate followed by its issuers up to, but not
// including, the self-signed root (what a server sends).
func (c *Cert) ChainPEM() []byte {
	var b bytes.Buffer
	for x := c; x != nil; x = x.Issuer {
		if x.Issuer == nil && x != c {
			break
		}
		b.Write(x.CertPEM())
	}
	return b.Bytes()
}

// Option adjusts a certificate template before it is signed.
type Option func(*template)

type template struct {
	x509.Certificate
	rsa    bool
	key    crypto.Signer
	badSig bool // flip a bit of the signature after signing

	expired, notYetValid bool
}

// CA makes the certificate a CA (basicConstraints CA:TRUE, keyCertSign and cRLSign).
func CA() Option {
	return func(t *template) {
		t.IsCA = true
		t.BasicConstraintsValid = true
		t.KeyUsage |= x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
	}
}

// PathLen sets basicConstraints pathLenConstraint (n >= 0).
func PathLen(n int) Option {
	return func(t *template) {
		t.MaxPathLen = n
		t.MaxPathLenZero = n == 0
	}
}

// DNS adds DNS subject alternative names.
func DNS(names ...string) Option {
	return func(t *template) { t.DNSNames = append(t.DNSNames, names...) }
}

// IP adds IP address subject alternative names.
func IP(ips ...string) Option {
	return func(t *template) {
		for _, s := range ips {
			t.IPAddresses = append(t.IPAddresses, net.ParseIP(s))
		}
	}
}

// Email adds email subject alternative names.
func Email(addrs ...string) Option {
	return func(t *template) { t.EmailAddresses = append(t.EmailAddresses, addrs...) }
}

// Validity sets notBefore and notAfter.
func Validity(notBefore, notAfter time.Time) Option {
	return func(t *template) { t.NotBefore, t.NotAfter = notBefore, notAfter }
}

// Expired makes the certificate expire one hour before the Factory's Now.
func Expired() Option {
	return func(t *template) { t.expired = true }
}

// NotYetValid makes the certificate valid only from one day after the Factory's Now.
func NotYetValid() Option {
	return func(t *template) { t.notYetValid = true }
}

// ExtKeyUsage sets the extended key usages (replacing the default).
func ExtKeyUsage(u ...x509.ExtKeyUsage) Option {
	return func(t *template) { t.ExtKeyUsage = u }
}

// KeyUsage replaces the key usage bits.
func KeyUsage(u x509.KeyUsage) Option {
	return func(t *template) { t.KeyUsage = u }
}

// RSA makes the certificate's key the Factory's shared RSA-2048 key.
func RSA() Option { return func(t *template) { t.rsa = true } }

// WithKey uses the given key for the certificate.
func WithKey(k crypto.Signer) Option { return func(t *template) { t.key = k } }

// BadSignature corrupts the certificate's signature (one bit of the
// signature value is flipped after signing), so it does not verify under the
// issuer's public key. (crypto/x509 refuses to sign with a key that does not
// match the parent, so an unrelated signing key cannot be used.)
func BadSignature() Option {
	return func(t *template) { t.badSig = true }
}

// Serial sets the serial number.
func Serial(n *big.Int) Option { return func(t *template) { t.SerialNumber = n } }

// Subject replaces the whole subject name.
func Subject(n pkix.Name) Option { return func(t *template) { t.Subject = n } }

// Extra adds raw extensions (for example an unknown critical extension).
func Extra(ext ...pkix.Extension) Option {
	return func(t *template) { t.ExtraExtensions = append(t.ExtraExtensions, ext...) }
}

// Template gives direct access to the x509 template for anything else.
func Template(fn func(*x509.Certificate)) Option {
	return func(t *template) { fn(&t.Certificate) }
}

// Root issues a self-signed CA certificate named cn.
func (f *Factory) Root(cn string, opts ...Option) (*Cert, error) {
	return f.issue(nil, cn, append([]Option{CA()}, opts...))
}

// SelfSigned issues a self-signed end-entity certificate for cn (also a DNS SAN).
func (f *Factory) SelfSigned(cn string, opts ...Option) (*Cert, error) {
	return f.issue(nil, cn, append([]Option{DNS(cn), ExtKeyUsage(x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)}, opts...))
}

// errNoIssuer is what issuing below a certificate that was never made
// (an earlier step failed) returns.
var errNoIssuer = errors.New("minipki: no issuer (an earlier step failed)")

// Intermediate issues a CA certificate named cn signed by c.
func (c *Cert) Intermediate(cn string, opts ...Option) (*Cert, error) {
	if c == nil {
		return nil, errNoIssuer
	}
	return c.f.issue(c, cn, append([]Option{CA()}, opts...))
}

// Leaf issues an end-entity certificate for cn signed by c, with cn as DNS
// SAN and extended key usages serverAuth and clientAuth, unless options
// replace them.
func (c *Cert) Leaf(cn string, opts ...Option) (*Cert, error) {
	if c == nil {
		return nil, errNoIssuer
	}
	base := []Option{ExtKeyUsage(x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)}
	if net.ParseIP(cn) != nil {
		base = append(base, IP(cn))
	} else {
		base = append(base, DNS(cn))
	}
	return c.f.issue(c, cn, append(base, opts...))
}

func (f *Factory) issue(parent *Cert, cn string, opts []Option) (*Cert, error) {
	now := f.Now
	if now.IsZero() {
		now = time.Now().Truncate(time.Second)
	}
	t := &template{}
	t.SerialNumber = big.NewInt(1000 + f.serial.Add(1))
	t.Subject = pkix.Name{CommonName: cn}
	t.NotBefore = now.Add(-time.Hour)
	t.NotAfter = now.Add(24 * time.Hour)
	t.KeyUsage = x509.KeyUsageDigitalSignature
	for _, o := range opts {
		o(t)
	}
	if t.expired {
		t.NotBefore, t.NotAfter = now.Add(-48*time.Hour), now.Add(-time.Hour)
	}
	if t.notYetValid {
		t.NotBefore, t.NotAfter = now.Add(24*time.Hour), now.Add(72*time.Hour)
	}
	key := t.key
	if key == nil {
		if t.rsa {
			k, err := f.RSAKey()
			if err != nil {
				return nil, fmt.Errorf("minipki: rsa key: %w", err)
			}
			key = k
		} else {
			k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			if err != nil {
				return nil, fmt.Errorf("minipki: ecdsa key: %w", err)
			}
			key = k
		}
	}
	issuerTmpl := &t.Certificate
	signer := key
	if parent != nil {
		issuerTmpl = parent.Cert
		signer = parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, &t.Certificate, issuerTmpl, key.Public(), signer)
	if err != nil {
		return nil, fmt.Errorf("minipki: issue %q: %w", cn, err)
	}
	if t.badSig {
		// The signature BIT STRING ends the certificate: its last byte is
		// part of the signature value.
		der[len(der)-1] ^= 0x01
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("minipki: parse %q: %w", cn, err)
	}
	return &Cert{Cert: cert, Key: key, Issuer: parent, f: f}, nil
}

// Chain issues a root, n intermediates below it and a leaf for host below
// the last intermediate. It returns them leaf first, root last.
func (f *Factory) Chain(host string, n int, opts ...Option) ([]*Cert, error) {
	root, err := f.Root("Test Root CA", opts...)
	if err != nil {
		return nil, err
	}
	out := []*Cert{root}
	cur := root
	for i := 1; i <= n; i++ {
		cur, err = cur.Intermediate(fmt.Sprintf("Test Intermediate CA %d", i), opts...)
		if err != nil {
			return nil, err
		}
		out = append(out, cur)
	}
	leaf, err := cur.Leaf(host, opts...)
	if err != nil {
		return nil, err
	}
	out = append(out, leaf)
	// reverse: leaf first
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Revoked is one entry of a CRL.
type Revoked struct {
	Serial *big.Int
	At     time.Time
}

// CRL issues a CRL signed by c listing the given serials, valid from
// thisUpdate to nextUpdate. It returns the DER encoding.
func (c *Cert) CRL(serials []*big.Int, thisUpdate, nextUpdate time.Time) ([]byte, error) {
	entries := make([]x509.RevocationListEntry, 0, len(serials))
	for _, s := range serials {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: s, RevocationTime: thisUpdate.Add(-time.Minute)})
	}
	tmpl := &x509.RevocationList{
		Number:                    big.NewInt(c.f.serial.Add(1)),
		ThisUpdate:                thisUpdate,
		NextUpdate:                nextUpdate,
		RevokedCertificateEntries: entries,
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, c.Cert, c.Key)
	if err != nil {
		return nil, fmt.Errorf("minipki: CRL of %q: %w", c.Cert.Subject.CommonName, err)
	}
	return der, nil
}

// CRLPEM wraps a DER CRL as PEM.
func CRLPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})
}

// WriteFile writes data to dir/name with mode 0600 and returns the path.
func WriteFile(dir, name string, data ...[]byte) (string, error) {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, bytes.Join(data, nil), 0o600); err != nil {
		return "", fmt.Errorf("minipki: %w", err)
	}
	return p, nil
}

// Steps builds a fixture as a list of steps and keeps the first error:
// a failed step leaves a nil certificate, issuing below it fails too, and
// the caller checks Err once before using the certificates.
type Steps struct {
	Dir string // where File writes
	Err error
}

// Cert records err, if it is the first, and returns c.
func (s *Steps) Cert(c *Cert, err error) *Cert {
	if err != nil && s.Err == nil {
		s.Err = err
	}
	return c
}

// File writes data to Dir/name (see WriteFile) and returns the path; after
// an earlier error it writes nothing.
func (s *Steps) File(name string, data ...[]byte) string {
	if s.Err != nil {
		return ""
	}
	p, err := WriteFile(s.Dir, name, data...)
	s.Err = err
	return p
}

// PEMs concatenates the PEM encodings of certificates.
func PEMs(certs ...*Cert) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		b.Write(c.CertPEM())
	}
	return b.Bytes()
}
