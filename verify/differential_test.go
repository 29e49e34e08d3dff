package verify

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/internal/minipki"
)

// must fails the test on error.
func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// pki is a root, an intermediate and a leaf.
type pki struct {
	root, inter, leaf *minipki.Cert
}

func newPKI(t testing.TB, f *minipki.Factory, host string, rootOpts, interOpts, leafOpts []minipki.Option) pki {
	root := must[*minipki.Cert](t)(f.Root("Test Root CA", rootOpts...))
	inter := must[*minipki.Cert](t)(root.Intermediate("Test Intermediate CA", interOpts...))
	leaf := must[*minipki.Cert](t)(inter.Leaf(host, leafOpts...))
	return pki{root, inter, leaf}
}

// std is the usual case: leaf verified with the intermediate untrusted and
// the root trusted.
func (p pki) std() opensslCase {
	return opensslCase{leaf: p.leaf.Cert, untrusted: []*x509.Certificate{p.inter.Cert}, trusted: []*x509.Certificate{p.root.Cert}, depth: -1}
}

var oidUnknownExt = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}

func unknownCritical() minipki.Option {
	return minipki.Extra(pkix.Extension{Id: oidUnknownExt, Critical: true, Value: []byte{0x05, 0x00}})
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// badSig returns c with a corrupted signature.
func badSig(t testing.TB, c *x509.Certificate) *x509.Certificate {
	t.Helper()
	return must[*x509.Certificate](t)(x509.ParseCertificate(corrupt(c.Raw)))
}

// corrupt flips a bit of a DER signature (the last byte of the encoding).
func corrupt(der []byte) []byte {
	out := append([]byte(nil), der...)
	out[len(out)-1] ^= 0x01
	return out
}

// nameConstraints returns an option adding a critical name constraints
// extension.
func nameConstraintsOpt(permDNS, exclDNS []string, permIP []*net.IPNet) minipki.Option {
	return minipki.Template(func(c *x509.Certificate) {
		c.PermittedDNSDomainsCritical = true
		c.PermittedDNSDomains = permDNS
		c.ExcludedDNSDomains = exclDNS
		c.PermittedIPRanges = permIP
	})
}

// depthChain is a chain with n intermediates: leaf, intermediates (the
// untrusted ones) and root.
func depthChain(t testing.TB, f *minipki.Factory, n int) (leaf *x509.Certificate, inters []*x509.Certificate, root *x509.Certificate) {
	certs := must[[]*minipki.Cert](t)(f.Chain("deep.example.com", n))
	for _, c := range certs[1 : len(certs)-1] {
		inters = append(inters, c.Cert)
	}
	return certs[0].Cert, inters, certs[len(certs)-1].Cert
}

func differentialCases(t *testing.T) map[string]func(t *testing.T) opensslCase {
	f := newFactory()
	cases := map[string]func(t *testing.T) opensslCase{}
	add := func(name string, fn func(t *testing.T) opensslCase) { cases[name] = fn }
	base := func(t *testing.T, leafOpts ...minipki.Option) pki {
		return newPKI(t, f, "leaf.example.com", nil, nil, leafOpts)
	}
	crlTimes := func() (time.Time, time.Time) { return baseTime.Add(-2 * time.Hour), baseTime.Add(24 * time.Hour) }

	add("good ECDSA", func(t *testing.T) opensslCase { return base(t).std() })
	add("good RSA", func(t *testing.T) opensslCase {
		return newPKI(t, f, "rsa.example.com", []minipki.Option{minipki.RSA()}, []minipki.Option{minipki.RSA()}, []minipki.Option{minipki.RSA()}).std()
	})
	add("good mixed RSA root ECDSA leaf", func(t *testing.T) opensslCase {
		return newPKI(t, f, "mix.example.com", []minipki.Option{minipki.RSA()}, nil, nil).std()
	})
	add("missing intermediate", func(t *testing.T) opensslCase {
		c := base(t).std()
		c.untrusted = nil
		return c
	})
	add("no trust anchor", func(t *testing.T) opensslCase {
		c := base(t).std()
		c.trusted = nil
		return c
	})
	add("root sent but untrusted", func(t *testing.T) opensslCase {
		p := base(t)
		c := p.std()
		c.untrusted = append(c.untrusted, p.root.Cert)
		c.trusted = nil
		return c
	})
	add("root sent and trusted", func(t *testing.T) opensslCase {
		p := base(t)
		c := p.std()
		c.untrusted = append(c.untrusted, p.root.Cert)
		return c
	})
	add("self-signed leaf", func(t *testing.T) opensslCase {
		ss := must[*minipki.Cert](t)(f.SelfSigned("self.example.com"))
		return opensslCase{leaf: ss.Cert, depth: -1}
	})
	add("self-signed leaf trusted", func(t *testing.T) opensslCase {
		ss := must[*minipki.Cert](t)(f.SelfSigned("self.example.com"))
		return opensslCase{leaf: ss.Cert, trusted: []*x509.Certificate{ss.Cert}, depth: -1}
	})
	add("self-signed leaf expired", func(t *testing.T) opensslCase {
		ss := must[*minipki.Cert](t)(f.SelfSigned("self.example.com", minipki.Expired()))
		return opensslCase{leaf: ss.Cert, depth: -1}
	})
	add("trusted intermediate without root", func(t *testing.T) opensslCase {
		p := base(t)
		return opensslCase{leaf: p.leaf.Cert, trusted: []*x509.Certificate{p.inter.Cert}, depth: -1}
	})
	add("trusted intermediate partial chain", func(t *testing.T) opensslCase {
		p := base(t)
		return opensslCase{leaf: p.leaf.Cert, trusted: []*x509.Certificate{p.inter.Cert}, depth: -1, partial: true}
	})
	add("trusted leaf partial chain", func(t *testing.T) opensslCase {
		p := base(t)
		return opensslCase{leaf: p.leaf.Cert, trusted: []*x509.Certificate{p.leaf.Cert}, depth: -1, partial: true}
	})
	add("intermediate in CAfile", func(t *testing.T) opensslCase {
		p := base(t)
		return opensslCase{leaf: p.leaf.Cert, trusted: []*x509.Certificate{p.inter.Cert, p.root.Cert}, depth: -1}
	})
	add("expired leaf", func(t *testing.T) opensslCase { return base(t, minipki.Expired()).std() })
	add("expired leaf RSA", func(t *testing.T) opensslCase {
		return newPKI(t, f, "rsa.example.com", nil, nil, []minipki.Option{minipki.RSA(), minipki.Expired()}).std()
	})
	add("expired intermediate", func(t *testing.T) opensslCase {
		return newPKI(t, f, "leaf.example.com", nil, []minipki.Option{minipki.Expired()}, nil).std()
	})
	add("expired root", func(t *testing.T) opensslCase {
		return newPKI(t, f, "leaf.example.com", []minipki.Option{minipki.Expired()}, nil, nil).std()
	})
	add("expired everything", func(t *testing.T) opensslCase {
		e := []minipki.Option{minipki.Expired()}
		return newPKI(t, f, "leaf.example.com", e, e, e).std()
	})
	add("not yet valid leaf", func(t *testing.T) opensslCase { return base(t, minipki.NotYetValid()).std() })
	add("not yet valid intermediate", func(t *testing.T) opensslCase {
		return newPKI(t, f, "leaf.example.com", nil, []minipki.Option{minipki.NotYetValid()}, nil).std()
	})
	add("expires exactly at attime", func(t *testing.T) opensslCase {
		return base(t, minipki.Validity(baseTime.Add(-time.Hour), baseTime)).std()
	})
	add("valid from exactly attime", func(t *testing.T) opensslCase {
		return base(t, minipki.Validity(baseTime, baseTime.Add(time.Hour))).std()
	})
	add("bad signature leaf", func(t *testing.T) opensslCase {
		c := base(t).std()
		c.leaf = badSig(t, c.leaf)
		return c
	})
	add("bad signature intermediate", func(t *testing.T) opensslCase {
		c := base(t).std()
		c.untrusted[0] = badSig(t, c.untrusted[0])
		return c
	})
	add("bad signature and expired leaf", func(t *testing.T) opensslCase {
		c := base(t, minipki.Expired()).std()
		c.leaf = badSig(t, c.leaf)
		return c
	})
	add("bad signature RSA leaf", func(t *testing.T) opensslCase {
		c := newPKI(t, f, "rsa.example.com", nil, []minipki.Option{minipki.RSA()}, nil).std()
		c.leaf = badSig(t, c.leaf)
		return c
	})
	add("extra unrelated intermediates", func(t *testing.T) opensslCase {
		p := base(t)
		other := newPKI(t, f, "other.example.com", nil, nil, nil)
		c := p.std()
		c.untrusted = []*x509.Certificate{other.inter.Cert, other.leaf.Cert, p.inter.Cert, other.root.Cert}
		return c
	})
	for _, n := range [][2]int{{0, 0}, {1, 0}, {1, 1}, {2, 0}, {2, 1}, {2, 2}, {3, 1}, {3, 2}, {3, 3}, {4, 4}, {5, 3}, {5, 5}, {6, 10}, {10, 9}, {10, 10}} {
		inters, depth := n[0], n[1]
		add(fmt.Sprintf("depth %d intermediates verify_depth %d", inters, depth), func(t *testing.T) opensslCase {
			leaf, in, root := depthChain(t, f, inters)
			return opensslCase{leaf: leaf, untrusted: in, trusted: []*x509.Certificate{root}, depth: depth}
		})
	}
	add("depth 100 intermediates OpenSSL default depth", func(t *testing.T) opensslCase {
		leaf, in, root := depthChain(t, f, 100)
		return opensslCase{leaf: leaf, untrusted: in, trusted: []*x509.Certificate{root}, depth: -1}
	})
	add("depth limit with untrusted root", func(t *testing.T) opensslCase {
		leaf, in, root := depthChain(t, f, 3)
		return opensslCase{leaf: leaf, untrusted: append(in, root), depth: 2}
	})
	add("pathlen 0 exceeded", func(t *testing.T) opensslCase {
		root := must[*minipki.Cert](t)(f.Root("PL Root"))
		i1 := must[*minipki.Cert](t)(root.Intermediate("PL Int 1", minipki.PathLen(0)))
		i2 := must[*minipki.Cert](t)(i1.Intermediate("PL Int 2"))
		leaf := must[*minipki.Cert](t)(i2.Leaf("pl.example.com"))
		return opensslCase{leaf: leaf.Cert, untrusted: []*x509.Certificate{i2.Cert, i1.Cert}, trusted: []*x509.Certificate{root.Cert}, depth: -1}
	})
	add("pathlen 1 ok", func(t *testing.T) opensslCase {
		root := must[*minipki.Cert](t)(f.Root("PL Root"))
		i1 := must[*minipki.Cert](t)(root.Intermediate("PL Int 1", minipki.PathLen(1)))
		i2 := must[*minipki.Cert](t)(i1.Intermediate("PL Int 2"))
		leaf := must[*minipki.Cert](t)(i2.Leaf("pl.example.com"))
		return opensslCase{leaf: leaf.Cert, untrusted: []*x509.Certificate{i2.Cert, i1.Cert}, trusted: []*x509.Certificate{root.Cert}, depth: -1}
	})
	add("pathlen 0 on root exceeded", func(t *testing.T) opensslCase {
		return newPKI(t, f, "leaf.example.com", []minipki.Option{minipki.PathLen(0)}, nil, nil).std()
	})
	add("non-CA intermediate", func(t *testing.T) opensslCase {
		return newPKI(t, f, "leaf.example.com", nil, []minipki.Option{minipki.Template(func(c *x509.Certificate) { c.IsCA = false })}, nil).std()
	})
	add("intermediate without certSign", func(t *testing.T) opensslCase {
		return newPKI(t, f, "leaf.example.com", nil, []minipki.Option{minipki.KeyUsage(x509.KeyUsageDigitalSignature | x509.KeyUsageCRLSign)}, nil).std()
	})
	add("intermediate without basic constraints", func(t *testing.T) opensslCase {
		return newPKI(t, f, "leaf.example.com", nil, []minipki.Option{minipki.Template(func(c *x509.Certificate) {
			c.IsCA = false
			c.BasicConstraintsValid = false
		})}, nil).std()
	})
	add("purpose sslserver ok", func(t *testing.T) opensslCase {
		c := base(t).std()
		c.purpose = PurposeSSLServer
		return c
	})
	add("purpose sslclient ok", func(t *testing.T) opensslCase {
		c := base(t).std()
		c.purpose = PurposeSSLClient
		return c
	})
	add("purpose sslserver on client cert", func(t *testing.T) opensslCase {
		c := base(t, minipki.ExtKeyUsage(x509.ExtKeyUsageClientAuth)).std()
		c.purpose = PurposeSSLServer
		return c
	})
	add("purpose sslclient on server cert", func(t *testing.T) opensslCase {
		c := base(t, minipki.ExtKeyUsage(x509.ExtKeyUsageServerAuth)).std()
		c.purpose = PurposeSSLClient
		return c
	})
	add("purpose sslserver intermediate EKU clientAuth", func(t *testing.T) opensslCase {
		c := newPKI(t, f, "leaf.example.com", nil, []minipki.Option{minipki.ExtKeyUsage(x509.ExtKeyUsageClientAuth)}, nil).std()
		c.purpose = PurposeSSLServer
		return c
	})
	add("purpose sslserver leaf keyUsage certSign only", func(t *testing.T) opensslCase {
		c := base(t, minipki.KeyUsage(x509.KeyUsageCertSign)).std()
		c.purpose = PurposeSSLServer
		return c
	})
	add("purpose sslserver anyExtendedKeyUsage", func(t *testing.T) opensslCase {
		c := base(t, minipki.ExtKeyUsage(x509.ExtKeyUsageAny)).std()
		c.purpose = PurposeSSLServer
		return c
	})
	add("unknown critical extension leaf", func(t *testing.T) opensslCase { return base(t, unknownCritical()).std() })
	add("unknown critical extension intermediate", func(t *testing.T) opensslCase {
		return newPKI(t, f, "leaf.example.com", nil, []minipki.Option{unknownCritical()}, nil).std()
	})
	add("critical freshest CRL leaf", func(t *testing.T) opensslCase {
		return base(t, minipki.Extra(pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 46}, Critical: true, Value: []byte{0x30, 0x00}})).std()
	})
	add("critical OCSP no-check leaf", func(t *testing.T) opensslCase {
		return base(t, minipki.Extra(pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}, Critical: true, Value: []byte{0x05, 0x00}})).std()
	})
	add("critical issuer alt name leaf", func(t *testing.T) opensslCase {
		return base(t, minipki.Extra(pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 18}, Critical: true, Value: []byte{0x30, 0x05, 0x82, 0x03, 'a', '.', 'b'}})).std()
	})
	add("critical certificate policies leaf", func(t *testing.T) opensslCase {
		return base(t, minipki.Template(func(c *x509.Certificate) { c.PolicyIdentifiers = []asn1.ObjectIdentifier{{2, 23, 140, 1, 2, 1}} }),
			minipki.Extra(pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 32}, Critical: true, Value: []byte{0x30, 0x08, 0x30, 0x06, 0x06, 0x04, 0x67, 0x81, 0x0c, 0x01}})).std()
	})
	add("unknown critical extension and expired", func(t *testing.T) opensslCase {
		return base(t, unknownCritical(), minipki.Expired()).std()
	})
	for _, h := range []struct {
		name, host string
		opts       []minipki.Option
	}{
		{"hostname match", "leaf.example.com", nil},
		{"hostname case", "LEAF.Example.COM", nil},
		{"hostname mismatch", "other.example.com", nil},
		{"wildcard match", "a.example.com", []minipki.Option{minipki.DNS("*.example.com")}},
		{"wildcard two labels", "a.b.example.com", []minipki.Option{minipki.DNS("*.example.com")}},
		{"wildcard bare domain", "example.com", []minipki.Option{minipki.DNS("*.example.com")}},
		{"wildcard too short", "a.com", []minipki.Option{minipki.DNS("*.com")}},
		{"partial wildcard", "foo1.example.com", []minipki.Option{minipki.DNS("foo*.example.com")}},
		{"ip match", "192.0.2.7", []minipki.Option{minipki.IP("192.0.2.7")}},
		{"ip mismatch", "192.0.2.8", []minipki.Option{minipki.IP("192.0.2.7")}},
		{"ipv6 match", "2001:db8::1", []minipki.Option{minipki.IP("2001:db8::1")}},
		{"ip not in dns names", "192.0.2.9", []minipki.Option{minipki.DNS("192.0.2.9")}},
	} {
		add(h.name, func(t *testing.T) opensslCase {
			c := base(t, h.opts...).std()
			c.host = h.host
			return c
		})
	}
	add("CN fallback without SAN", func(t *testing.T) opensslCase {
		c := base(t, minipki.Template(func(c *x509.Certificate) { c.DNSNames = nil })).std()
		c.host = "leaf.example.com"
		return c
	})
	add("no CN fallback with DNS SAN", func(t *testing.T) opensslCase {
		c := base(t, minipki.Template(func(c *x509.Certificate) { c.DNSNames = []string{"alt.example.com"} })).std()
		c.host = "leaf.example.com"
		return c
	})
	add("CN fallback with only IP SAN", func(t *testing.T) opensslCase {
		c := base(t, minipki.Template(func(c *x509.Certificate) { c.DNSNames = nil }), minipki.IP("192.0.2.1")).std()
		c.host = "leaf.example.com"
		return c
	})
	ncInter := func(t *testing.T, host string, nc minipki.Option, leafOpts ...minipki.Option) opensslCase {
		return newPKI(t, f, host, nil, []minipki.Option{nc}, leafOpts).std()
	}
	add("name constraints permitted ok", func(t *testing.T) opensslCase {
		return ncInter(t, "a.example.com", nameConstraintsOpt([]string{"example.com"}, nil, nil))
	})
	add("name constraints permitted violation", func(t *testing.T) opensslCase {
		return ncInter(t, "a.example.org", nameConstraintsOpt([]string{"example.com"}, nil, nil))
	})
	add("name constraints excluded violation", func(t *testing.T) opensslCase {
		return ncInter(t, "bad.example.com", nameConstraintsOpt(nil, []string{"bad.example.com"}, nil))
	})
	add("name constraints CN checked without SAN", func(t *testing.T) opensslCase {
		return ncInter(t, "a.example.org", nameConstraintsOpt([]string{"example.com"}, nil, nil),
			minipki.Template(func(c *x509.Certificate) { c.DNSNames = nil }))
	})
	add("name constraints IP violation", func(t *testing.T) opensslCase {
		_, n, _ := net.ParseCIDR("10.0.0.0/8")
		return ncInter(t, "192.0.2.1", nameConstraintsOpt(nil, nil, []*net.IPNet{n}))
	})
	add("name constraints IP ok", func(t *testing.T) opensslCase {
		_, n, _ := net.ParseCIDR("10.0.0.0/8")
		return ncInter(t, "10.1.2.3", nameConstraintsOpt(nil, nil, []*net.IPNet{n}))
	})
	// CRLs.
	crlCase := func(t *testing.T, mode CRLMode, revokeLeaf bool, leafCRL, interCRL, rootCRL bool, mutate func([]byte) []byte, tu, nu time.Time) opensslCase {
		p := base(t)
		c := p.std()
		c.crlMode = mode
		if tu.IsZero() {
			tu, nu = crlTimes()
		}
		if leafCRL {
			var serials []*big.Int
			if revokeLeaf {
				serials = append(serials, p.leaf.Cert.SerialNumber)
			}
			der := must[[]byte](t)(p.inter.CRL(serials, tu, nu))
			if mutate != nil {
				der = mutate(der)
			}
			c.crls = append(c.crls, der)
		}
		if interCRL {
			c.crls = append(c.crls, must[[]byte](t)(p.root.CRL(nil, baseTime.Add(-time.Hour), baseTime.Add(time.Hour))))
		}
		if rootCRL {
			_ = rootCRL // the root's CRL is the same as the intermediate's: issued by the root
		}
		return c
	}
	add("crl_check good", func(t *testing.T) opensslCase {
		return crlCase(t, CRLPeer, false, true, false, false, nil, time.Time{}, time.Time{})
	})
	add("crl_check revoked", func(t *testing.T) opensslCase {
		return crlCase(t, CRLPeer, true, true, false, false, nil, time.Time{}, time.Time{})
	})
	add("crl_check missing", func(t *testing.T) opensslCase {
		return crlCase(t, CRLPeer, false, false, false, false, nil, time.Time{}, time.Time{})
	})
	add("crl_check expired CRL", func(t *testing.T) opensslCase {
		return crlCase(t, CRLPeer, false, true, false, false, nil, baseTime.Add(-48*time.Hour), baseTime.Add(-24*time.Hour))
	})
	add("crl_check expired CRL revoked", func(t *testing.T) opensslCase {
		return crlCase(t, CRLPeer, true, true, false, false, nil, baseTime.Add(-48*time.Hour), baseTime.Add(-24*time.Hour))
	})
	add("crl_check not yet valid CRL", func(t *testing.T) opensslCase {
		return crlCase(t, CRLPeer, false, true, false, false, nil, baseTime.Add(time.Hour), baseTime.Add(48*time.Hour))
	})
	add("crl_check badly signed CRL", func(t *testing.T) opensslCase {
		return crlCase(t, CRLPeer, false, true, false, false, corrupt, time.Time{}, time.Time{})
	})
	add("crl_check_all missing CA CRLs", func(t *testing.T) opensslCase {
		return crlCase(t, CRLAll, false, true, false, false, nil, time.Time{}, time.Time{})
	})
	add("crl_check_all complete", func(t *testing.T) opensslCase {
		return crlCase(t, CRLAll, false, true, true, false, nil, time.Time{}, time.Time{})
	})
	add("crl_check_all revoked intermediate", func(t *testing.T) opensslCase {
		p := base(t)
		c := p.std()
		c.crlMode = CRLAll
		tu, nu := crlTimes()
		c.crls = [][]byte{must[[]byte](t)(p.inter.CRL(nil, tu, nu)), must[[]byte](t)(p.root.CRL([]*big.Int{p.inter.Cert.SerialNumber}, tu, nu))}
		return c
	})
	add("crl_check CRL from other CA same name", func(t *testing.T) opensslCase {
		p := base(t)
		other := newPKI(t, f, "leaf.example.com", nil, nil, nil)
		c := p.std()
		c.crlMode = CRLPeer
		tu, nu := crlTimes()
		c.crls = [][]byte{must[[]byte](t)(other.inter.CRL([]*big.Int{p.leaf.Cert.SerialNumber}, tu, nu))}
		return c
	})
	add("crl_check_all partial chain", func(t *testing.T) opensslCase {
		p := base(t)
		tu, nu := crlTimes()
		return opensslCase{leaf: p.leaf.Cert, trusted: []*x509.Certificate{p.inter.Cert}, partial: true, depth: -1, crlMode: CRLAll,
			crls: [][]byte{must[[]byte](t)(p.inter.CRL(nil, tu, nu)), must[[]byte](t)(p.root.CRL(nil, tu, nu))}}
	})
	add("crl_check partial chain leaf trusted", func(t *testing.T) opensslCase {
		p := base(t)
		tu, nu := crlTimes()
		return opensslCase{leaf: p.leaf.Cert, trusted: []*x509.Certificate{p.leaf.Cert}, partial: true, depth: -1, crlMode: CRLPeer,
			crls: [][]byte{must[[]byte](t)(p.inter.CRL([]*big.Int{p.leaf.Cert.SerialNumber}, tu, nu))}}
	})
	add("crl_check two CRLs newest wins", func(t *testing.T) opensslCase {
		p := base(t)
		c := p.std()
		c.crlMode = CRLPeer
		c.crls = [][]byte{
			must[[]byte](t)(p.inter.CRL(nil, baseTime.Add(-3*time.Hour), baseTime.Add(time.Hour))),
			must[[]byte](t)(p.inter.CRL([]*big.Int{p.leaf.Cert.SerialNumber}, baseTime.Add(-2*time.Hour), baseTime.Add(time.Hour))),
		}
		return c
	})
	add("crl_check expired CRL and current CRL", func(t *testing.T) opensslCase {
		p := base(t)
		c := p.std()
		c.crlMode = CRLPeer
		c.crls = [][]byte{
			must[[]byte](t)(p.inter.CRL([]*big.Int{p.leaf.Cert.SerialNumber}, baseTime.Add(-3*time.Hour), baseTime.Add(-time.Hour))),
			must[[]byte](t)(p.inter.CRL(nil, baseTime.Add(-4*time.Hour), baseTime.Add(time.Hour))),
		}
		return c
	})
	// Hashed CA directory.
	add("capath good", func(t *testing.T) opensslCase {
		c := base(t).std()
		c.capath = true
		return c
	})
	add("capath missing root", func(t *testing.T) opensslCase {
		p := base(t)
		other := newPKI(t, f, "x", nil, nil, nil)
		c := p.std()
		c.capath = true
		c.trusted = []*x509.Certificate{other.root.Cert}
		return c
	})
	add("capath two roots same name", func(t *testing.T) opensslCase {
		p := base(t)
		other := newPKI(t, f, "x", nil, nil, nil)
		c := p.std()
		c.capath = true
		c.trusted = []*x509.Certificate{other.root.Cert, p.root.Cert}
		return c
	})
	add("capath with CRL revoked", func(t *testing.T) opensslCase {
		p := base(t)
		c := p.std()
		c.capath = true
		c.crlMode = CRLPeer
		tu, nu := crlTimes()
		c.dirCRLs = [][]byte{must[[]byte](t)(p.inter.CRL([]*big.Int{p.leaf.Cert.SerialNumber}, tu, nu))}
		return c
	})
	add("capath crl_check_all", func(t *testing.T) opensslCase {
		p := base(t)
		c := p.std()
		c.capath = true
		c.crlMode = CRLAll
		tu, nu := crlTimes()
		c.dirCRLs = [][]byte{must[[]byte](t)(p.inter.CRL(nil, tu, nu)), must[[]byte](t)(p.root.CRL(nil, tu, nu))}
		return c
	})
	add("combined expired, hostname and purpose", func(t *testing.T) opensslCase {
		c := base(t, minipki.Expired(), minipki.ExtKeyUsage(x509.ExtKeyUsageClientAuth)).std()
		c.host = "nope.example.com"
		c.purpose = PurposeSSLServer
		return c
	})
	sha1 := minipki.Template(func(c *x509.Certificate) { c.SignatureAlgorithm = x509.SHA1WithRSA })
	withLevel := func(c opensslCase, l int) opensslCase {
		c.authLevel = l
		return c
	}
	rsaKey1024 := func(t *testing.T) minipki.Option {
		k := must[*rsa.PrivateKey](t)(rsa.GenerateKey(rand.Reader, 1024))
		return minipki.WithKey(k)
	}
	add("auth_level 1 good", func(t *testing.T) opensslCase { return withLevel(base(t).std(), 1) })
	add("auth_level 1 SHA-1 leaf signature", func(t *testing.T) opensslCase {
		return withLevel(newPKI(t, f, "leaf.example.com", nil, []minipki.Option{minipki.RSA()}, []minipki.Option{sha1}).std(), 1)
	})
	add("auth_level 1 SHA-1 intermediate signature", func(t *testing.T) opensslCase {
		return withLevel(newPKI(t, f, "leaf.example.com", []minipki.Option{minipki.RSA()}, []minipki.Option{sha1}, nil).std(), 1)
	})
	add("auth_level 1 SHA-1 root self-signature", func(t *testing.T) opensslCase {
		return withLevel(newPKI(t, f, "leaf.example.com", []minipki.Option{minipki.RSA(), sha1}, nil, nil).std(), 1)
	})
	add("auth_level 2 RSA-1024 leaf", func(t *testing.T) opensslCase {
		return withLevel(newPKI(t, f, "leaf.example.com", nil, nil, []minipki.Option{rsaKey1024(t)}).std(), 2)
	})
	add("auth_level 2 RSA-1024 intermediate", func(t *testing.T) opensslCase {
		return withLevel(newPKI(t, f, "leaf.example.com", nil, []minipki.Option{rsaKey1024(t)}, nil).std(), 2)
	})
	add("auth_level 1 RSA-1024 chain", func(t *testing.T) opensslCase {
		return withLevel(newPKI(t, f, "leaf.example.com", nil, []minipki.Option{rsaKey1024(t)}, []minipki.Option{rsaKey1024(t)}).std(), 1)
	})
	add("auth_level 3 RSA-2048 leaf", func(t *testing.T) opensslCase {
		return withLevel(newPKI(t, f, "leaf.example.com", nil, nil, []minipki.Option{minipki.RSA()}).std(), 3)
	})
	add("auth_level 4 P-256 chain", func(t *testing.T) opensslCase { return withLevel(base(t).std(), 4) })
	bcNonCritical := minipki.Template(func(c *x509.Certificate) {
		c.BasicConstraintsValid = false
		c.ExtraExtensions = append(c.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 19}, Value: []byte{0x30, 0x03, 0x01, 0x01, 0xff}})
	})
	leafPathLen := minipki.Extra(pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 19}, Value: []byte{0x30, 0x03, 0x02, 0x01, 0x00}})
	strictly := func(c opensslCase) opensslCase {
		c.strict = true
		return c
	}
	add("strict CA basic constraints not critical", func(t *testing.T) opensslCase {
		return strictly(newPKI(t, f, "leaf.example.com", nil, []minipki.Option{bcNonCritical}, nil).std())
	})
	add("default CA basic constraints not critical", func(t *testing.T) opensslCase {
		return newPKI(t, f, "leaf.example.com", nil, []minipki.Option{bcNonCritical}, nil).std()
	})
	add("strict leaf pathlen without CA", func(t *testing.T) opensslCase {
		return strictly(base(t, leafPathLen).std())
	})
	add("default leaf pathlen without CA", func(t *testing.T) opensslCase { return base(t, leafPathLen).std() })
	add("strict leaf keyCertSign", func(t *testing.T) opensslCase {
		return strictly(base(t, minipki.KeyUsage(x509.KeyUsageDigitalSignature|x509.KeyUsageCertSign)).std())
	})
	add("strict expired leaf", func(t *testing.T) opensslCase { return strictly(base(t, minipki.Expired()).std()) })
	// CRL extensions and scope.
	idp := func(v ...byte) pkix.Extension {
		return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 28}, Critical: true, Value: append([]byte{0x30, byte(len(v))}, v...)}
	}
	crlWith := func(t *testing.T, p pki, issuer *minipki.Cert, entries []x509.RevocationListEntry, ext ...pkix.Extension) []byte {
		tu, nu := crlTimes()
		tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: tu, NextUpdate: nu, RevokedCertificateEntries: entries, ExtraExtensions: ext}
		cp := *issuer.Cert // Go refuses to sign with a key usage lacking cRLSign; OpenSSL must see it
		cp.KeyUsage |= x509.KeyUsageCRLSign
		return must[[]byte](t)(x509.CreateRevocationList(rand.Reader, tmpl, &cp, issuer.Key))
	}
	add("crl unhandled critical extension", func(t *testing.T) opensslCase {
		p := base(t)
		c := p.std()
		c.crlMode = CRLPeer
		c.crls = [][]byte{crlWith(t, p, p.inter, nil, pkix.Extension{Id: oidUnknownExt, Critical: true, Value: []byte{0x05, 0x00}})}
		return c
	})
	add("crl issuer without cRLSign", func(t *testing.T) opensslCase {
		p := newPKI(t, f, "leaf.example.com", nil, []minipki.Option{minipki.KeyUsage(x509.KeyUsageCertSign)}, nil)
		c := p.std()
		c.crlMode = CRLPeer
		c.crls = [][]byte{crlWith(t, p, p.inter, nil)}
		return c
	})
	add("crl only CA certs for a leaf", func(t *testing.T) opensslCase {
		p := base(t)
		c := p.std()
		c.crlMode = CRLPeer
		c.crls = [][]byte{crlWith(t, p, p.inter, nil, idp(0x82, 0x01, 0xff))}
		return c
	})
	add("crl only user certs for an intermediate", func(t *testing.T) opensslCase {
		p := base(t)
		c := p.std()
		c.crlMode = CRLAll
		c.crls = [][]byte{crlWith(t, p, p.inter, nil), crlWith(t, p, p.root, nil, idp(0x81, 0x01, 0xff))}
		return c
	})
	add("crl remove from CRL entry", func(t *testing.T) opensslCase {
		p := base(t)
		c := p.std()
		c.crlMode = CRLPeer
		c.crls = [][]byte{crlWith(t, p, p.inter, []x509.RevocationListEntry{{SerialNumber: p.leaf.Cert.SerialNumber, RevocationTime: baseTime.Add(-3 * time.Hour), ReasonCode: 8}})}
		return c
	})
	add("crl revoked with reason keyCompromise", func(t *testing.T) opensslCase {
		p := base(t)
		c := p.std()
		c.crlMode = CRLPeer
		c.crls = [][]byte{crlWith(t, p, p.inter, []x509.RevocationListEntry{{SerialNumber: p.leaf.Cert.SerialNumber, RevocationTime: baseTime.Add(-3 * time.Hour), ReasonCode: 1}})}
		return c
	})
	dpURI := func(uri string) []byte {
		// DistributionPointName [0] { fullName [0] { URI [6] } }
		u := append([]byte{0x86, byte(len(uri))}, uri...)
		full := append([]byte{0xa0, byte(len(u))}, u...)
		return append([]byte{0xa0, byte(len(full))}, full...)
	}
	leafDP := func(uri string) minipki.Option {
		return minipki.Template(func(c *x509.Certificate) { c.CRLDistributionPoints = []string{uri} })
	}
	add("crl distribution point matches IDP", func(t *testing.T) opensslCase {
		p := newPKI(t, f, "leaf.example.com", nil, nil, []minipki.Option{leafDP("http://crl.example.com/a.crl")})
		c := p.std()
		c.crlMode = CRLPeer
		c.crls = [][]byte{crlWith(t, p, p.inter, nil, idp(dpURI("http://crl.example.com/a.crl")...))}
		return c
	})
	add("crl distribution point differs from IDP", func(t *testing.T) opensslCase {
		p := newPKI(t, f, "leaf.example.com", nil, nil, []minipki.Option{leafDP("http://crl.example.com/a.crl")})
		c := p.std()
		c.crlMode = CRLPeer
		c.crls = [][]byte{crlWith(t, p, p.inter, nil, idp(dpURI("http://crl.example.com/b.crl")...))}
		return c
	})
	add("expired and valid intermediate of the same key", func(t *testing.T) opensslCase {
		p := base(t)
		old := must[*minipki.Cert](t)(p.root.Intermediate("Test Intermediate CA", minipki.WithKey(p.inter.Key), minipki.Expired()))
		c := p.std()
		c.untrusted = []*x509.Certificate{old.Cert, p.inter.Cert}
		return c
	})
	add("only an expired intermediate of the same key", func(t *testing.T) opensslCase {
		p := base(t)
		old := must[*minipki.Cert](t)(p.root.Intermediate("Test Intermediate CA", minipki.WithKey(p.inter.Key), minipki.Expired()))
		c := p.std()
		c.untrusted = []*x509.Certificate{old.Cert}
		return c
	})
	add("expired and valid root of the same key in CAfile", func(t *testing.T) opensslCase {
		p := base(t)
		old := must[*minipki.Cert](t)(f.Root("Test Root CA", minipki.WithKey(p.root.Key), minipki.Expired()))
		c := p.std()
		c.trusted = []*x509.Certificate{old.Cert, p.root.Cert}
		return c
	})
	add("untrusted root mimic with another key", func(t *testing.T) opensslCase {
		p := base(t)
		fake := must[*minipki.Cert](t)(f.Root("Test Root CA"))
		c := p.std()
		c.untrusted = append(c.untrusted, fake.Cert)
		return c
	})
	ncOpt := func(fn func(c *x509.Certificate)) minipki.Option {
		return minipki.Template(func(c *x509.Certificate) {
			c.PermittedDNSDomainsCritical = true
			fn(c)
		})
	}
	add("name constraints email permitted ok", func(t *testing.T) opensslCase {
		return ncInter(t, "a.example.com", ncOpt(func(c *x509.Certificate) { c.PermittedEmailAddresses = []string{"example.com"} }), minipki.Email("x@example.com"))
	})
	add("name constraints email violation", func(t *testing.T) opensslCase {
		return ncInter(t, "a.example.com", ncOpt(func(c *x509.Certificate) { c.PermittedEmailAddresses = []string{"example.com"} }), minipki.Email("x@example.org"))
	})
	add("name constraints email subdomain form", func(t *testing.T) opensslCase {
		return ncInter(t, "a.example.com", ncOpt(func(c *x509.Certificate) { c.PermittedEmailAddresses = []string{".example.com"} }), minipki.Email("x@mail.example.com"))
	})
	add("name constraints URI violation", func(t *testing.T) opensslCase {
		return ncInter(t, "a.example.com", ncOpt(func(c *x509.Certificate) { c.PermittedURIDomains = []string{"example.com"} }),
			minipki.Template(func(c *x509.Certificate) { c.URIs = append(c.URIs, mustURL("https://www.example.org/x")) }))
	})
	add("name constraints URI ok", func(t *testing.T) opensslCase {
		return ncInter(t, "a.example.com", ncOpt(func(c *x509.Certificate) { c.PermittedURIDomains = []string{"example.com"} }),
			minipki.Template(func(c *x509.Certificate) { c.URIs = append(c.URIs, mustURL("https://example.com:8443/x")) }))
	})
	add("name constraints excluded IP", func(t *testing.T) opensslCase {
		_, n, _ := net.ParseCIDR("192.0.2.0/24")
		return ncInter(t, "192.0.2.5", ncOpt(func(c *x509.Certificate) { c.ExcludedIPRanges = []*net.IPNet{n} }))
	})
	add("name constraints on the root", func(t *testing.T) opensslCase {
		return newPKI(t, f, "a.example.org", []minipki.Option{nameConstraintsOpt([]string{"example.com"}, nil, nil)}, nil, nil).std()
	})
	add("name constraints DNS leading dot", func(t *testing.T) opensslCase {
		return ncInter(t, "a.example.com", nameConstraintsOpt([]string{".example.com"}, nil, nil))
	})
	add("name constraints DNS exact domain with leading dot", func(t *testing.T) opensslCase {
		return ncInter(t, "example.com", nameConstraintsOpt([]string{".example.com"}, nil, nil))
	})
	// What `openssl req -x509` and `openssl x509 -req` make with their
	// defaults (opensslMadeChain): openssl verify accepts it. Strict mode:
	// TestStrictFirstErrorIsOpenSSLs.
	add("openssl-made v1 leaf, root without keyUsage", opensslMadeChain)
	add("strict good chain", func(t *testing.T) opensslCase {
		c := base(t).std()
		c.strict = true
		return c
	})
	return cases
}

// TestDifferentialOpenSSL builds each chain, asks `openssl verify` and
// Verify, and requires the same problems (code, depth, text, subject).
func TestDifferentialOpenSSL(t *testing.T) {
	needOpenSSL(t)
	cases := differentialCases(t)
	if len(cases) < 60 {
		t.Fatalf("only %d differential cases", len(cases))
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tc := build(t)
			want, got, res := runBoth(t, tc)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("problems differ from openssl verify (-openssl +ours):\n%s", diff)
			}
			if len(want) > 0 {
				if res.Code != want[0].Code || res.Depth != want[0].Depth {
					t.Errorf("Code/Depth = %d/%d, openssl's first error %d/%d", res.Code, res.Depth, want[0].Code, want[0].Depth)
				}
				if res.Hint == "" {
					t.Errorf("no hint for code %d", res.Code)
				}
			} else if !res.OK() || res.FinalCode != 0 || res.Hint != "" {
				t.Errorf("openssl verified the chain, we got code %d final %d hint %q", res.Code, res.FinalCode, res.Hint)
			}
		})
	}
}
