package verify

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/internal/minipki"
)

// runDifferential asks `openssl verify` and Verify about each case and
// requires the same problems (code, depth, text, subject), the same first
// error and the same outcome (openssl's exit status: runBoth checks that it
// fits its output).
func runDifferential(t *testing.T, cases map[string]func(t *testing.T) opensslCase) {
	t.Helper()
	needOpenSSL(t)
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tc := build(t)
			want, got, res := runBoth(t, tc)
			t.Logf("openssl verify: %v", want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("problems differ from openssl verify (-openssl +ours):\n%s", diff)
			}
			if len(want) > 0 {
				if res.Code != want[0].Code || res.Depth != want[0].Depth {
					t.Errorf("Code/Depth = %d/%d, openssl's first error %d/%d", res.Code, res.Depth, want[0].Code, want[0].Depth)
				}
			} else if !res.OK() || res.FinalCode != 0 {
				t.Errorf("openssl verified the chain, we got code %d final %d", res.Code, res.FinalCode)
			}
		})
	}
}

// checkTimeCases are -check_ss_sig and -no_check_time.
func checkTimeCases(t *testing.T) map[string]func(t *testing.T) opensslCase {
	f := newFactory()
	cases := map[string]func(t *testing.T) opensslCase{}
	add := func(name string, fn func(t *testing.T) opensslCase) { cases[name] = fn }
	base := func(t *testing.T, rootOpts, interOpts, leafOpts []minipki.Option) pki {
		return newPKI(t, f, "leaf.example.com", rootOpts, interOpts, leafOpts)
	}
	ss := func(c opensslCase) opensslCase { c.checkSS = true; return c }
	nct := func(c opensslCase) opensslCase { c.noCheckTime = true; return c }
	badRoot := func(t *testing.T, opts ...minipki.Option) opensslCase {
		p := base(t, opts, nil, nil)
		c := p.std()
		c.trusted = []*x509.Certificate{badSig(t, p.root.Cert)}
		return c
	}

	add("check_ss_sig good chain", func(t *testing.T) opensslCase { return ss(base(t, nil, nil, nil).std()) })
	add("check_ss_sig good RSA root", func(t *testing.T) opensslCase {
		return ss(base(t, []minipki.Option{minipki.RSA()}, nil, nil).std())
	})
	add("root bad self-signature without check_ss_sig", func(t *testing.T) opensslCase { return badRoot(t) })
	add("check_ss_sig root bad self-signature", func(t *testing.T) opensslCase { return ss(badRoot(t)) })
	add("check_ss_sig RSA root bad self-signature", func(t *testing.T) opensslCase { return ss(badRoot(t, minipki.RSA())) })
	add("check_ss_sig root bad self-signature and expired leaf", func(t *testing.T) opensslCase {
		p := base(t, nil, nil, []minipki.Option{minipki.Expired()})
		c := p.std()
		c.trusted = []*x509.Certificate{badSig(t, p.root.Cert)}
		return ss(c)
	})
	add("check_ss_sig root bad self-signature sent untrusted too", func(t *testing.T) opensslCase {
		c := ss(badRoot(t))
		c.untrusted = append(c.untrusted, c.trusted[0])
		return c
	})
	add("check_ss_sig root without keyCertSign", func(t *testing.T) opensslCase {
		return ss(base(t, []minipki.Option{minipki.KeyUsage(x509.KeyUsageDigitalSignature | x509.KeyUsageCRLSign)}, nil, nil).std())
	})
	add("check_ss_sig trusted self-signed leaf bad signature", func(t *testing.T) opensslCase {
		l := badSig(t, must[*minipki.Cert](t)(f.SelfSigned("self.example.com")).Cert)
		return ss(opensslCase{leaf: l, trusted: []*x509.Certificate{l}, depth: -1})
	})
	add("check_ss_sig untrusted self-signed leaf bad signature", func(t *testing.T) opensslCase {
		l := badSig(t, must[*minipki.Cert](t)(f.SelfSigned("self.example.com")).Cert)
		return ss(opensslCase{leaf: l, depth: -1})
	})
	add("check_ss_sig self-signed leaf with keyUsage digitalSignature", func(t *testing.T) opensslCase {
		l := must[*minipki.Cert](t)(f.SelfSigned("self.example.com", minipki.KeyUsage(x509.KeyUsageDigitalSignature))).Cert
		return ss(opensslCase{leaf: l, trusted: []*x509.Certificate{l}, depth: -1})
	})
	add("check_ss_sig partial chain anchor not self-signed", func(t *testing.T) opensslCase {
		p := base(t, nil, nil, nil)
		return ss(opensslCase{leaf: p.leaf.Cert, trusted: []*x509.Certificate{p.inter.Cert}, partial: true, depth: -1})
	})
	add("check_ss_sig bad self-signature of an untrusted self-signed root", func(t *testing.T) opensslCase {
		c := ss(badRoot(t))
		c.untrusted = append(c.untrusted, c.trusted[0])
		c.trusted = nil
		return c
	})

	add("no_check_time good chain", func(t *testing.T) opensslCase { return nct(base(t, nil, nil, nil).std()) })
	add("no_check_time expired leaf", func(t *testing.T) opensslCase {
		return nct(base(t, nil, nil, []minipki.Option{minipki.Expired()}).std())
	})
	add("no_check_time not yet valid intermediate", func(t *testing.T) opensslCase {
		return nct(base(t, nil, []minipki.Option{minipki.NotYetValid()}, nil).std())
	})
	add("no_check_time with attime still checks", func(t *testing.T) opensslCase {
		c := nct(base(t, nil, nil, []minipki.Option{minipki.Expired()}).std())
		c.at = baseTime
		return c
	})
	add("no_check_time expired CRL", func(t *testing.T) opensslCase {
		p := base(t, nil, nil, nil)
		c := nct(p.std())
		c.crlMode = CRLPeer
		c.crls = [][]byte{must[[]byte](t)(p.inter.CRL(nil, baseTime.Add(-48*time.Hour), baseTime.Add(-24*time.Hour)))}
		return c
	})
	add("no_check_time CRL not yet valid revokes", func(t *testing.T) opensslCase {
		p := base(t, nil, nil, nil)
		c := nct(p.std())
		c.crlMode = CRLPeer
		c.crls = [][]byte{must[[]byte](t)(p.inter.CRL([]*big.Int{p.leaf.Cert.SerialNumber}, time.Now().Add(48*time.Hour), time.Now().Add(96*time.Hour)))}
		return c
	})
	add("no_check_time first of two roots of the same key", func(t *testing.T) opensslCase {
		p := base(t, nil, nil, nil)
		old := must[*minipki.Cert](t)(f.Root("Test Root CA", minipki.WithKey(p.root.Key), minipki.Expired(), minipki.PathLen(0)))
		c := nct(p.std())
		c.trusted = []*x509.Certificate{old.Cert, p.root.Cert}
		return c
	})
	add("no_check_time and check_ss_sig root bad self-signature", func(t *testing.T) opensslCase { return nct(ss(badRoot(t))) })
	return cases
}

// TestDifferentialCheckSSSigNoCheckTime compares -check_ss_sig and
// -no_check_time with openssl verify.
func TestDifferentialCheckSSSigNoCheckTime(t *testing.T) {
	runDifferential(t, checkTimeCases(t))
}

// crlMismatchCases: CRLs whose signature, algorithm, issuer or extensions
// are wrong.
func crlMismatchCases(t *testing.T) map[string]func(t *testing.T) opensslCase {
	f := newFactory()
	cases := map[string]func(t *testing.T) opensslCase{}
	add := func(name string, fn func(t *testing.T) opensslCase) { cases[name] = fn }
	one := big.NewInt(1)
	// peer verifies the usual chain with -crl_check and the leaf's CRL as
	// spec describes it, signed by the intermediate unless signer is set.
	peer := func(t *testing.T, p pki, signer *minipki.Cert, s crlSpec) opensslCase {
		c := p.std()
		c.crlMode = CRLPeer
		if signer == nil {
			signer = p.inter
		}
		c.crls = [][]byte{buildCRL(t, signer, s)}
		return c
	}
	std := func(t *testing.T) pki { return newPKI(t, f, "leaf.example.com", nil, nil, nil) }
	rsaInter := func(t *testing.T) pki {
		return newPKI(t, f, "leaf.example.com", nil, []minipki.Option{minipki.RSA()}, nil)
	}
	alg := func(oid asn1.ObjectIdentifier, params ...asn1.RawValue) *pkix.AlgorithmIdentifier {
		a := &pkix.AlgorithmIdentifier{Algorithm: oid}
		if len(params) > 0 {
			a.Parameters = params[0]
		}
		return a
	}
	revokeLeaf := func(p pki) []pkix.RevokedCertificate {
		return []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, -1)}
	}

	add("crl hand-built good", func(t *testing.T) opensslCase { return peer(t, std(t), nil, crlSpec{number: one}) })
	add("crl hand-built revokes", func(t *testing.T) opensslCase {
		p := std(t)
		return peer(t, p, nil, crlSpec{number: one, entries: revokeLeaf(p)})
	})
	add("crl hand-built RSA good", func(t *testing.T) opensslCase { return peer(t, rsaInter(t), nil, crlSpec{number: one}) })
	add("crl signature corrupt", func(t *testing.T) opensslCase { return peer(t, std(t), nil, crlSpec{number: one, corrupt: true}) })
	add("crl signature corrupt RSA", func(t *testing.T) opensslCase {
		return peer(t, rsaInter(t), nil, crlSpec{number: one, corrupt: true})
	})
	add("crl signature corrupt and revoked", func(t *testing.T) opensslCase {
		p := std(t)
		return peer(t, p, nil, crlSpec{number: one, corrupt: true, entries: revokeLeaf(p)})
	})
	add("crl inner algorithm differs from outer", func(t *testing.T) opensslCase {
		return peer(t, std(t), nil, crlSpec{number: one, innerAlg: alg(oidECDSAWithSHA384)})
	})
	add("crl outer algorithm differs from inner", func(t *testing.T) opensslCase {
		return peer(t, std(t), nil, crlSpec{number: one, outerAlg: alg(oidECDSAWithSHA384)})
	})
	add("crl unknown signature algorithm", func(t *testing.T) opensslCase {
		u := alg(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 7})
		return peer(t, std(t), nil, crlSpec{number: one, innerAlg: u, outerAlg: u})
	})
	add("crl RSA algorithm for an ECDSA key", func(t *testing.T) opensslCase {
		a := alg(oidSHA256WithRSA, asn1.NullRawValue)
		return peer(t, std(t), nil, crlSpec{number: one, innerAlg: a, outerAlg: a})
	})
	add("crl ECDSA algorithm for an RSA key", func(t *testing.T) opensslCase {
		a := alg(oidECDSAWithSHA256)
		return peer(t, rsaInter(t), nil, crlSpec{number: one, innerAlg: a, outerAlg: a})
	})
	add("crl issuer name of another CA", func(t *testing.T) opensslCase {
		p := std(t)
		return peer(t, p, nil, crlSpec{number: one, issuer: p.root.Cert.RawSubject})
	})
	add("crl signed by another key, same name, no AKID", func(t *testing.T) opensslCase {
		p := std(t)
		other := must[*minipki.Cert](t)(p.root.Intermediate("Test Intermediate CA"))
		return peer(t, p, other, crlSpec{number: one, noAKID: true, entries: revokeLeaf(p)})
	})
	add("crl signed by another key, same name, its AKID", func(t *testing.T) opensslCase {
		p := std(t)
		other := must[*minipki.Cert](t)(p.root.Intermediate("Test Intermediate CA"))
		return peer(t, p, other, crlSpec{number: one, entries: revokeLeaf(p)})
	})
	add("crl without AKID", func(t *testing.T) opensslCase {
		p := std(t)
		return peer(t, p, nil, crlSpec{number: one, noAKID: true, entries: revokeLeaf(p)})
	})
	add("crl without CRL number", func(t *testing.T) opensslCase { return peer(t, std(t), nil, crlSpec{}) })
	add("crl without nextUpdate", func(t *testing.T) opensslCase { return peer(t, std(t), nil, crlSpec{number: one, noNext: true}) })
	add("crl critical CRL number", func(t *testing.T) opensslCase {
		return peer(t, std(t), nil, crlSpec{number: one, numberCritical: true})
	})
	add("crl critical unknown extension and revoked", func(t *testing.T) opensslCase {
		p := std(t)
		return peer(t, p, nil, crlSpec{number: one, entries: revokeLeaf(p), exts: []pkix.Extension{{Id: oidUnknownExt, Critical: true, Value: []byte{5, 0}}}})
	})
	add("crl critical freshest CRL", func(t *testing.T) opensslCase {
		return peer(t, std(t), nil, crlSpec{number: one, exts: []pkix.Extension{{Id: oidFreshestCRL, Critical: true, Value: []byte{0x30, 0}}}})
	})
	add("crl non-critical unknown extension", func(t *testing.T) opensslCase {
		return peer(t, std(t), nil, crlSpec{number: one, exts: []pkix.Extension{{Id: oidUnknownExt, Value: []byte{5, 0}}}})
	})
	add("crl critical unknown entry extension", func(t *testing.T) opensslCase {
		p := std(t)
		return peer(t, p, nil, crlSpec{number: one, entries: []pkix.RevokedCertificate{revokedEntry(big.NewInt(7), -1, pkix.Extension{Id: oidUnknownExt, Critical: true, Value: []byte{5, 0}})}})
	})
	add("crl critical certificate issuer entry extension", func(t *testing.T) opensslCase {
		p := std(t)
		gn := must[[]byte](t)(asn1.Marshal([]asn1.RawValue{{Class: 2, Tag: 4, IsCompound: true, Bytes: p.inter.Cert.RawSubject}}))
		return peer(t, p, nil, crlSpec{number: one, entries: []pkix.RevokedCertificate{revokedEntry(big.NewInt(7), -1, pkix.Extension{Id: oidCertIssuer, Critical: true, Value: gn})}})
	})
	add("crl issuer without cRLSign, revoked", func(t *testing.T) opensslCase {
		p := newPKI(t, f, "leaf.example.com", nil, []minipki.Option{minipki.KeyUsage(x509.KeyUsageCertSign)}, nil)
		return peer(t, p, nil, crlSpec{number: one, entries: revokeLeaf(p)})
	})
	add("crl issuer without cRLSign, bad signature", func(t *testing.T) opensslCase {
		p := newPKI(t, f, "leaf.example.com", nil, []minipki.Option{minipki.KeyUsage(x509.KeyUsageCertSign)}, nil)
		return peer(t, p, nil, crlSpec{number: one, corrupt: true})
	})
	add("crl IDP only user and only CA", func(t *testing.T) opensslCase {
		return peer(t, std(t), nil, crlSpec{number: one, exts: []pkix.Extension{{Id: oidIDP, Critical: true, Value: []byte{0x30, 6, 0x81, 1, 0xff, 0x82, 1, 0xff}}}})
	})
	add("crl IDP malformed", func(t *testing.T) opensslCase {
		return peer(t, std(t), nil, crlSpec{number: one, exts: []pkix.Extension{{Id: oidIDP, Critical: true, Value: []byte{0x30, 3, 0x81, 1}}}})
	})
	add("crl expired and badly signed", func(t *testing.T) opensslCase {
		return peer(t, std(t), nil, crlSpec{number: one, corrupt: true, thisUpdate: baseTime.Add(-48 * time.Hour), nextUpdate: baseTime.Add(-24 * time.Hour)})
	})
	add("crl_check_all root CRL badly signed", func(t *testing.T) opensslCase {
		p := std(t)
		c := peer(t, p, nil, crlSpec{number: one})
		c.crlMode = CRLAll
		c.crls = append(c.crls, buildCRL(t, p.root, crlSpec{number: one, corrupt: true}))
		return c
	})
	return cases
}

// TestDifferentialCRLMismatches compares CRL signature, algorithm, issuer
// and extension problems with openssl verify.
func TestDifferentialCRLMismatches(t *testing.T) {
	runDifferential(t, crlMismatchCases(t))
}

// TestCRLInnerAlgorithmMismatch: a CRL whose tbsCertList names another
// signature algorithm than the outer one loads (crypto/x509 alone refuses
// it), is verified with the outer algorithm as OpenSSL does, and is not
// used at all in strict mode (RFC 5280 5.1.1.2; a deliberate difference).
func TestCRLInnerAlgorithmMismatch(t *testing.T) {
	t.Parallel()
	p := newPKI(t, newFactory(), "leaf.example.com", nil, nil, nil)
	der := buildCRL(t, p.inter, crlSpec{number: big.NewInt(1), innerAlg: &pkix.AlgorithmIdentifier{Algorithm: oidECDSAWithSHA384},
		entries: []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, -1)}})
	cs, err := crl.Parse(der, "mismatch.crl")
	if err != nil {
		t.Fatal(err)
	}
	if !cs[0].AlgorithmMismatch || cs[0].List.SignatureAlgorithm != x509.ECDSAWithSHA256 {
		t.Fatalf("AlgorithmMismatch %v, SignatureAlgorithm %v; want true, the outer ECDSA-SHA256", cs[0].AlgorithmMismatch, cs[0].List.SignatureAlgorithm)
	}
	c := p.std()
	opts := &Options{Trust: []IssuerSource{NewPool(c.trusted)}, Intermediates: c.untrusted, Time: baseTime, MaxDepth: -1,
		CRLCheck: CRLPeer, CRLs: []CRLSource{crl.NewStore(cs...)}}
	if r := Verify(c.leaf, opts); r.Code != CertRevoked {
		t.Errorf("default mode: code %d, want %d (the CRL is used)", r.Code, CertRevoked)
	}
	opts.Strict = true
	if r := Verify(c.leaf, opts); r.Code != UnableToGetCRL {
		t.Errorf("strict mode: code %d, want %d (the CRL is refused)", r.Code, UnableToGetCRL)
	}
}
