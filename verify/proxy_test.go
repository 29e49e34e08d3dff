package verify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// ocert is a certificate made by `openssl req -x509`, with its files.
type ocert struct {
	c              *x509.Certificate
	certPath, keys string
}

// proxyPKI makes certificates with openssl, so that the proxyCertInfo
// extensions are OpenSSL's own encoding of its configuration syntax.
type proxyPKI struct {
	at time.Time // the verification time: an hour after the certificates start
}

func newProxyPKI() *proxyPKI {
	return &proxyPKI{at: time.Now().Add(time.Hour).Truncate(time.Second)}
}

// issue makes a certificate for subj (openssl -subj syntax, "+" joining the
// attributes of one RDN) signed by issuer (self-signed when nil), with the
// extension lines of an openssl configuration section.
func (p *proxyPKI) issue(t testing.TB, subj string, issuer *ocert, exts ...string) *ocert {
	t.Helper()
	dir := t.TempDir()
	key := must[*ecdsa.PrivateKey](t)(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	der := must[[]byte](t)(x509.MarshalPKCS8PrivateKey(key))
	o := &ocert{certPath: filepath.Join(dir, "cert.pem"), keys: filepath.Join(dir, "key.pem")}
	cfg := filepath.Join(dir, "req.cnf")
	for name, data := range map[string][]byte{
		o.keys: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		cfg:    []byte("[req]\ndistinguished_name = dn\n[dn]\n[ext]\n" + strings.Join(exts, "\n") + "\n"),
	} {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	serial := must[*big.Int](t)(rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62)))
	args := []string{"req", "-x509", "-new", "-key", o.keys, "-subj", subj, "-config", cfg, "-extensions", "ext",
		"-days", "2", "-set_serial", serial.String(), "-out", o.certPath}
	if issuer != nil {
		args = append(args, "-CA", issuer.certPath, "-CAkey", issuer.keys)
	}
	opensslOut(t, args...)
	block, _ := pem.Decode(must[[]byte](t)(os.ReadFile(o.certPath)))
	if block == nil {
		t.Fatalf("openssl wrote no certificate for %s", subj)
	}
	o.c = must[*x509.Certificate](t)(x509.ParseCertificate(block.Bytes))
	return o
}

// The extension sections of the proxy tests.
var (
	caExts = []string{"basicConstraints = critical,CA:TRUE", "keyUsage = critical,keyCertSign,cRLSign",
		"subjectKeyIdentifier = hash", "authorityKeyIdentifier = keyid"}
	eeExts = []string{"basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature,keyEncipherment",
		"extendedKeyUsage = clientAuth", "subjectKeyIdentifier = hash", "authorityKeyIdentifier = keyid"}
)

// proxyExts are a proxy's extensions with the proxyCertInfo value pci
// ("language:id-ppl-inheritAll,pathlen:1"), critical, and more lines.
func proxyExts(pci string, more ...string) []string {
	return append([]string{"keyUsage = critical,digitalSignature", "authorityKeyIdentifier = keyid",
		"proxyCertInfo = critical," + pci}, more...)
}

// pathlenPCI is an inheritAll proxyCertInfo with pCPathLenConstraint n
// (none when n < 0).
func pathlenPCI(n int) string {
	if n < 0 {
		return "language:id-ppl-inheritAll"
	}
	return fmt.Sprintf("language:id-ppl-inheritAll,pathlen:%d", n)
}

// proxyCases are the chains of the proxy tests; each is verified with and
// without -allow_proxy_certs.
func proxyCases(t *testing.T) map[string]func(t *testing.T) opensslCase {
	p := newProxyPKI()
	const base = "/O=Proxy Test"
	root := p.issue(t, base+"/CN=Proxy Root", nil, "basicConstraints = critical,CA:TRUE",
		"keyUsage = critical,keyCertSign,cRLSign", "subjectKeyIdentifier = hash")
	ca := p.issue(t, base+"/CN=Proxy CA", root, caExts...)
	ee := p.issue(t, base+"/CN=User", ca, eeExts...)
	const eeName = base + "/CN=User"

	chain := func(leaf *ocert, untrusted ...*ocert) opensslCase {
		tc := opensslCase{leaf: leaf.c, trusted: []*x509.Certificate{root.c}, depth: -1, at: p.at}
		for _, u := range untrusted {
			tc.untrusted = append(tc.untrusted, u.c)
		}
		return tc
	}
	// proxies issues a chain of proxies below issuer (named issuerName),
	// the i-th with pCPathLenConstraint lens[i] (none when < 0), and
	// returns the case with the last as leaf.
	proxies := func(t *testing.T, issuer *ocert, issuerName string, lens ...int) opensslCase {
		var made []*ocert
		cur, name := issuer, issuerName
		for i, n := range lens {
			name = fmt.Sprintf("%s/CN=proxy%d", name, i+1)
			cur = p.issue(t, name, cur, proxyExts(pathlenPCI(n))...)
			made = append(made, cur)
		}
		untrusted := []*ocert{ca}
		if issuer != ca && issuer != root {
			untrusted = append(untrusted, issuer)
		}
		for i := len(made) - 2; i >= 0; i-- {
			untrusted = append(untrusted, made[i])
		}
		return chain(made[len(made)-1], untrusted...)
	}
	one := func(t *testing.T, subj string, exts ...string) opensslCase {
		return chain(p.issue(t, subj, ee, exts...), ee, ca)
	}

	cases := map[string]func(t *testing.T) opensslCase{}
	add := func(name string, fn func(t *testing.T) opensslCase) { cases[name] = fn }

	// No proxy at all: the flag changes nothing.
	add("plain end entity", func(t *testing.T) opensslCase { return chain(ee, ca) })

	// Policy languages, path length constraints, criticality.
	for name, pci := range map[string]string{
		"inheritAll":                        "language:id-ppl-inheritAll",
		"inheritAll pathlen 0":              "language:id-ppl-inheritAll,pathlen:0",
		"inheritAll pathlen 1":              "language:id-ppl-inheritAll,pathlen:1",
		"inheritAll pathlen 10":             "language:id-ppl-inheritAll,pathlen:10",
		"independent":                       "language:id-ppl-independent",
		"independent pathlen 0":             "language:id-ppl-independent,pathlen:0",
		"anyLanguage with policy text":      "language:id-ppl-anyLanguage,pathlen:3,policy:text:AB",
		"anyLanguage with policy hex":       "language:id-ppl-anyLanguage,policy:hex:0102ff",
		"private language with policy text": "language:1.3.6.1.4.1.99999.7,policy:text:grant all",
	} {
		add("one proxy "+name, func(t *testing.T) opensslCase {
			return one(t, eeName+"/CN=proxy", proxyExts(pci)...)
		})
	}
	add("one proxy non-critical proxyCertInfo", func(t *testing.T) opensslCase {
		return one(t, eeName+"/CN=proxy", "keyUsage = critical,digitalSignature",
			"proxyCertInfo = language:id-ppl-inheritAll,pathlen:1")
	})
	add("one proxy without key usage", func(t *testing.T) opensslCase {
		return one(t, eeName+"/CN=proxy", "proxyCertInfo = critical,language:id-ppl-inheritAll")
	})
	add("one proxy with basicConstraints CA:FALSE", func(t *testing.T) opensslCase {
		return one(t, eeName+"/CN=proxy", proxyExts(pathlenPCI(-1), "basicConstraints = critical,CA:FALSE")...)
	})
	add("one proxy with an unknown critical extension", func(t *testing.T) opensslCase {
		return one(t, eeName+"/CN=proxy", proxyExts(pathlenPCI(-1), "1.3.6.1.4.1.99999.1 = critical,DER:0500")...)
	})

	// Chains of proxies against their path length constraints.
	for _, lens := range [][]int{
		{-1, -1}, {0, -1}, {1, -1}, {1, 0}, {-1, 0}, {0, 0}, {5, 0}, {0, 5},
		{-1, -1, -1}, {1, 0, -1}, {2, -1, -1}, {1, -1, -1}, {-1, 0, -1}, {-1, -1, 0}, {2, 1, 0}, {3, 3, 3},
		{-1, -1, -1, -1}, {2, -1, -1, -1},
	} {
		add(fmt.Sprintf("proxy chain pathlens %v", lens), func(t *testing.T) opensslCase {
			return proxies(t, ee, eeName, lens...)
		})
	}

	// CA path length: the proxies below an end entity.
	for _, tc := range []struct {
		caPath int
		lens   []int
	}{{0, []int{-1}}, {0, []int{-1, -1}}, {0, []int{0, -1}}, {0, []int{1, -1}}, {1, []int{-1, -1, -1}}} {
		add(fmt.Sprintf("CA pathlen %d proxies %v", tc.caPath, tc.lens), func(t *testing.T) opensslCase {
			bc := fmt.Sprintf("basicConstraints = critical,CA:TRUE,pathlen:%d", tc.caPath)
			ca0 := p.issue(t, base+"/CN=Short CA", root, append([]string{bc}, caExts[1:]...)...)
			ee0 := p.issue(t, base+"/CN=Short User", ca0, eeExts...)
			c := proxies(t, ee0, base+"/CN=Short User", tc.lens...)
			c.untrusted = append(c.untrusted, ca0.c)
			return c
		})
	}
	add("CA pathlen 0 under another CA, proxy leaf", func(t *testing.T) opensslCase {
		top := p.issue(t, base+"/CN=Top CA", root, append([]string{"basicConstraints = critical,CA:TRUE,pathlen:0"}, caExts[1:]...)...)
		mid := p.issue(t, base+"/CN=Mid CA", top, caExts...)
		user := p.issue(t, base+"/CN=Mid User", mid, eeExts...)
		c := chain(p.issue(t, base+"/CN=Mid User/CN=proxy", user, proxyExts(pathlenPCI(-1))...), user, mid, top)
		return c
	})
	add("-verify_depth 1 with a proxy", func(t *testing.T) opensslCase {
		c := one(t, eeName+"/CN=proxy", proxyExts(pathlenPCI(-1))...)
		c.depth = 1
		return c
	})
	add("-verify_depth 2 with a proxy", func(t *testing.T) opensslCase {
		c := one(t, eeName+"/CN=proxy", proxyExts(pathlenPCI(-1))...)
		c.depth = 2
		return c
	})

	// Purposes: the end entity below a proxy is checked as a leaf.
	for _, pur := range []Purpose{PurposeSSLClient, PurposeSSLServer, PurposeSMIMESign, PurposeCRLSign} {
		add("purpose "+pur.String()+" clientAuth end entity", func(t *testing.T) opensslCase {
			c := one(t, eeName+"/CN=proxy", proxyExts(pathlenPCI(-1))...)
			c.purpose = pur
			return c
		})
	}
	add("purpose sslclient serverAuth end entity", func(t *testing.T) opensslCase {
		srv := p.issue(t, base+"/CN=Server User", ca, "basicConstraints = critical,CA:FALSE",
			"keyUsage = critical,digitalSignature", "extendedKeyUsage = serverAuth", "authorityKeyIdentifier = keyid")
		c := chain(p.issue(t, base+"/CN=Server User/CN=proxy", srv, proxyExts(pathlenPCI(-1))...), srv, ca)
		c.purpose = PurposeSSLClient
		return c
	})
	add("purpose sslclient serverAuth proxy", func(t *testing.T) opensslCase {
		c := one(t, eeName+"/CN=proxy", proxyExts(pathlenPCI(-1), "extendedKeyUsage = serverAuth")...)
		c.purpose = PurposeSSLClient
		return c
	})
	add("purpose sslclient two proxies", func(t *testing.T) opensslCase {
		c := proxies(t, ee, eeName, -1, -1)
		c.purpose = PurposeSSLClient
		return c
	})

	// Key usage of the proxy's issuer.
	for name, ku := range map[string]string{
		"keyEncipherment only":           "keyUsage = critical,keyEncipherment",
		"no key usage":                   "",
		"keyCertSign and digitalSig":     "keyUsage = critical,keyCertSign,digitalSignature",
		"keyCertSign only":               "keyUsage = critical,keyCertSign",
		"nonRepudiation only":            "keyUsage = nonRepudiation",
		"digitalSignature, no basicCons": "keyUsage = critical,digitalSignature",
	} {
		add("issuing end entity "+name, func(t *testing.T) opensslCase {
			exts := []string{"authorityKeyIdentifier = keyid"}
			if !strings.Contains(name, "no basicCons") && !strings.Contains(name, "keyCertSign") {
				exts = append(exts, "basicConstraints = critical,CA:FALSE")
			}
			if ku != "" {
				exts = append(exts, ku)
			}
			user := p.issue(t, base+"/CN=KU User", ca, exts...)
			return chain(p.issue(t, base+"/CN=KU User/CN=proxy", user, proxyExts(pathlenPCI(-1))...), user, ca)
		})
	}
	add("issuing proxy keyEncipherment only", func(t *testing.T) opensslCase {
		p1 := p.issue(t, eeName+"/CN=p1", ee, "keyUsage = critical,keyEncipherment", "authorityKeyIdentifier = keyid",
			"proxyCertInfo = critical,language:id-ppl-inheritAll")
		return chain(p.issue(t, eeName+"/CN=p1/CN=p2", p1, proxyExts(pathlenPCI(-1))...), p1, ee, ca)
	})

	// The proxy subject rule.
	for name, subj := range map[string]string{
		"extra RDN":                   eeName + "/CN=proxy/CN=more",
		"last RDN not CN":             eeName + "/OU=proxy",
		"different base":              "/O=Other/CN=User/CN=proxy",
		"base reordered":              "/CN=User/O=Proxy Test/CN=proxy",
		"CN in the issuer's last RDN": base + "/CN=User+CN=proxy",
		"two-valued last RDN":         eeName + "/CN=a+CN=b",
		"two-valued last RDN OU":      eeName + "/OU=a+CN=b",
		"single RDN":                  "/CN=proxy",
		"base only":                   base + "/CN=Usr",
		"base case folded":            "/O=PROXY  test/CN=user/CN=proxy",
		"serialNumber added":          eeName + "/serialNumber=1234",
		"CN of the issuer repeated":   eeName + "/CN=User",
	} {
		add("subject "+name, func(t *testing.T) opensslCase {
			return one(t, subj, proxyExts(pathlenPCI(-1))...)
		})
	}
	add("subject of intermediate proxy wrong", func(t *testing.T) opensslCase {
		p1 := p.issue(t, eeName+"/OU=p1", ee, proxyExts(pathlenPCI(-1))...)
		return chain(p.issue(t, eeName+"/OU=p1/CN=p2", p1, proxyExts(pathlenPCI(-1))...), p1, ee, ca)
	})
	add("subject of intermediate proxy self-issued", func(t *testing.T) opensslCase {
		p1 := p.issue(t, eeName, ee, append(proxyExts(pathlenPCI(-1)), "subjectKeyIdentifier = hash")...)
		return chain(p.issue(t, eeName+"/CN=p2", p1, proxyExts(pathlenPCI(-1))...), p1, ee, ca)
	})

	// Proxies issued by CAs.
	add("proxy issued by the CA", func(t *testing.T) opensslCase {
		return chain(p.issue(t, base+"/CN=Proxy CA/CN=proxy", ca, proxyExts(pathlenPCI(-1))...), ca)
	})
	add("proxy issued by a CA with digitalSignature", func(t *testing.T) opensslCase {
		dsCA := p.issue(t, base+"/CN=DS CA", root, "basicConstraints = critical,CA:TRUE",
			"keyUsage = critical,keyCertSign,digitalSignature", "authorityKeyIdentifier = keyid")
		return chain(p.issue(t, base+"/CN=DS CA/CN=proxy", dsCA, proxyExts(pathlenPCI(-1))...), dsCA)
	})
	add("proxy issued by the root", func(t *testing.T) opensslCase {
		return chain(p.issue(t, base+"/CN=Proxy Root/CN=proxy", root, proxyExts(pathlenPCI(-1))...))
	})
	add("proxy issued by a self-signed end entity", func(t *testing.T) opensslCase {
		self := p.issue(t, "/O=Self/CN=Self User", nil, "basicConstraints = critical,CA:FALSE",
			"keyUsage = critical,digitalSignature", "subjectKeyIdentifier = hash")
		c := chain(p.issue(t, "/O=Self/CN=Self User/CN=proxy", self, proxyExts(pathlenPCI(-1))...))
		c.trusted = []*x509.Certificate{self.c}
		return c
	})
	add("proxy below a trusted end entity, partial chain", func(t *testing.T) opensslCase {
		c := one(t, eeName+"/CN=proxy", proxyExts(pathlenPCI(-1))...)
		c.untrusted, c.trusted, c.partial = nil, []*x509.Certificate{ee.c}, true
		return c
	})
	add("CA below a proxy", func(t *testing.T) opensslCase {
		p1 := p.issue(t, eeName+"/CN=p1", ee, "keyUsage = critical,digitalSignature,keyCertSign", "authorityKeyIdentifier = keyid",
			"subjectKeyIdentifier = hash", "proxyCertInfo = critical,language:id-ppl-inheritAll")
		leaf := p.issue(t, base+"/CN=Below", p1, eeExts...)
		return chain(leaf, p1, ee, ca)
	})

	add("proxy itself trusted, partial chain", func(t *testing.T) opensslCase {
		c := one(t, eeName+"/CN=proxy", proxyExts(pathlenPCI(-1))...)
		c.untrusted, c.trusted, c.partial = nil, []*x509.Certificate{c.leaf}, true
		return c
	})

	// Name constraints of a CA above the proxies, checked after the proxy
	// subject rule for each certificate.
	for name, tc := range map[string]struct{ nc, subj string }{
		"permitted dirName":               {"permitted;dirName:nc_dir\n[nc_dir]\nO = Proxy Test", "/CN=proxy"},
		"excluded dirName of the proxy":   {"excluded;dirName:nc_dir\n[nc_dir]\nO = Proxy Test\n1.CN = NC User\n2.CN = proxy", "/CN=proxy"},
		"excluded dirName, bad subject":   {"excluded;dirName:nc_dir\n[nc_dir]\nO = Proxy Test\n1.CN = NC User\nOU = proxy", "/OU=proxy"},
		"permitted DNS, proxy has no SAN": {"permitted;DNS:example.com", "/CN=proxy.example.org"},
	} {
		add("name constraints "+name, func(t *testing.T) opensslCase {
			ncCA := p.issue(t, base+"/CN=NC CA", root, append(append([]string(nil), caExts...), "nameConstraints = critical,"+tc.nc)...)
			user := p.issue(t, base+"/CN=NC User", ncCA, "basicConstraints = critical,CA:FALSE",
				"keyUsage = critical,digitalSignature", "authorityKeyIdentifier = keyid")
			return chain(p.issue(t, base+"/CN=NC User"+tc.subj, user, proxyExts(pathlenPCI(-1))...), user, ncCA)
		})
	}

	// Proxies OpenSSL marks invalid.
	for name, extra := range map[string]string{
		"CA:TRUE":           "basicConstraints = critical,CA:TRUE",
		"CA:TRUE pathlen 0": "basicConstraints = CA:TRUE,pathlen:0",
		"subjectAltName":    "subjectAltName = DNS:proxy.example.com",
		"issuerAltName":     "issuerAltName = DNS:ee.example.com",
	} {
		add("invalid proxy leaf with "+name, func(t *testing.T) opensslCase {
			return one(t, eeName+"/CN=proxy", proxyExts(pathlenPCI(-1), extra)...)
		})
	}
	add("invalid intermediate proxy with CA:TRUE", func(t *testing.T) opensslCase {
		p1 := p.issue(t, eeName+"/CN=p1", ee, proxyExts(pathlenPCI(-1), "basicConstraints = critical,CA:TRUE",
			"subjectKeyIdentifier = hash")...)
		return chain(p.issue(t, eeName+"/CN=p1/CN=p2", p1, proxyExts(pathlenPCI(-1))...), p1, ee, ca)
	})

	// proxyCertInfo values openssl's syntax cannot write.
	for name, der := range map[string]string{
		"negative pathlen":                "300f0201fe300a06082b06010505071501",
		"huge pathlen":                    "30170209010000000000000000300a06082b06010505071501",
		"non-minimal pathlen":             "3010020200013" + "00a06082b06010505071501",
		"trailing bytes":                  "300c300a06082b060105050715010500",
		"not a sequence":                  "0500",
		"empty":                           "3000",
		"missing policy":                  "3003020101",
		"extra element in policy":         "300e300c06082b060105050715010500",
		"extra element after policy":      "300e300a06082b060105050715010500",
		"constructed policy OCTET STRING": "3010300e06082b0601050507150124020400",
		"bad policy language OID":         "3006300406028001",
	} {
		add("raw proxyCertInfo "+name, func(t *testing.T) opensslCase {
			return one(t, eeName+"/CN=proxy", "keyUsage = critical,digitalSignature", "authorityKeyIdentifier = keyid",
				"1.3.6.1.5.5.7.1.14 = critical,DER:"+der)
		})
	}
	return cases
}

// TestProxyCertificatesDifferential verifies chains with RFC 3820 proxy
// certificates made by openssl, with and without -allow_proxy_certs, and
// requires openssl verify's problems (code, depth, text, subject) and
// outcome; with -allow_proxy_certs -x509_strict, openssl's first error.
func TestProxyCertificatesDifferential(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	cases := proxyCases(t)
	if 2*len(cases) < 60 {
		t.Fatalf("only %d proxy cases", 2*len(cases))
	}
	t.Logf("%d chains, %d differential cases (and %d under -x509_strict)", len(cases), 2*len(cases), len(cases))
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tc := build(t)
			for _, allow := range []bool{false, true} {
				t.Run(fmt.Sprintf("allow=%v", allow), func(t *testing.T) {
					tc.allowProxy = allow
					compareWithOpenSSL(t, tc)
				})
			}
			// Strict mode adds rules of its own (a proxy leaf has no
			// subjectAltName, so it always fails them, deliberately), but
			// where openssl -x509_strict fails the first error is its.
			t.Run("allow=true/strict", func(t *testing.T) {
				tc.allowProxy, tc.strict = true, true
				want, _, res := runBoth(t, tc)
				if own := ownProblems(want); len(own) > 0 && (res.Code != own[0].Code || res.Depth != own[0].Depth) {
					t.Errorf("Code/Depth = %d/%d, openssl -x509_strict's first error %d/%d", res.Code, res.Depth, own[0].Code, own[0].Depth)
				}
			})
		})
	}
}

// compareWithOpenSSL requires Verify's problems and outcome to be openssl
// verify's.
func compareWithOpenSSL(t *testing.T, tc opensslCase) {
	t.Helper()
	want, got, res := runBoth(t, tc)
	t.Logf("openssl verify: %v", want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems differ from openssl verify (-openssl +ours):\n%s", diff)
	}
	if own := ownProblems(want); len(own) > 0 {
		if res.Code != own[0].Code || res.Depth != own[0].Depth {
			t.Errorf("Code/Depth = %d/%d, openssl's first error %d/%d", res.Code, res.Depth, own[0].Code, own[0].Depth)
		}
		if res.Hint == "" {
			t.Errorf("no hint for code %d", res.Code)
		}
		if res.Code == ProxyCertificatesNotAllowed && !strings.Contains(res.Hint, "allow-proxy-certs") {
			t.Errorf("hint %q does not name allow-proxy-certs", res.Hint)
		}
	} else if !res.OK() || res.FinalCode != 0 {
		t.Errorf("openssl verified the chain, we got code %d final %d", res.Code, res.FinalCode)
	}
}

// FuzzProxyCertInfo feeds random bytes to the proxyCertInfo parser and to
// the proxy subject rule as subject and issuer names.
func FuzzProxyCertInfo(f *testing.F) {
	for _, s := range []string{"300f0201fe300a06082b06010505071501", "300c300a06082b060105050715010500", "3000"} {
		b, _ := hex.DecodeString(s)
		f.Add(b, b)
	}
	f.Add([]byte{0x30, 0x00}, []byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, v, w []byte) {
		if n, ok := parseProxyCertInfo(v); !ok && n != -1 {
			t.Fatalf("failed parse returned path length %d", n)
		}
		proxySubjectOK(&certInfo{c: &x509.Certificate{RawSubject: v, RawIssuer: w}})
		proxySubjectOK(&certInfo{c: &x509.Certificate{RawSubject: w, RawIssuer: v}})
	})
}
