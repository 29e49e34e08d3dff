package verify

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
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
			if own := ownProblems(want); len(own) > 0 {
				if res.Code != own[0].Code || res.Depth != own[0].Depth {
					t.Errorf("Code/Depth = %d/%d, openssl's first error %d/%d", res.Code, res.Depth, own[0].Code, own[0].Depth)
				}
				if res.Hint == "" {
					t.Errorf("no hint for code %d", res.Code)
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
	add("crl expired in CRL file, older expired CRL in CA directory", func(t *testing.T) opensslCase {
		p := std(t)
		c := p.std()
		c.crlMode = CRLPeer
		c.capath = true
		c.crls = [][]byte{buildCRL(t, p.inter, crlSpec{number: one, thisUpdate: baseTime.Add(-5 * time.Hour), nextUpdate: baseTime.Add(-time.Hour)})}
		c.dirCRLs = [][]byte{buildCRL(t, p.inter, crlSpec{number: one, thisUpdate: baseTime.Add(-6 * time.Hour), nextUpdate: baseTime.Add(-2 * time.Hour), entries: revokeLeaf(p)})}
		return c
	})
	add("crl of another issuer in CRL file, current CRL in CA directory", func(t *testing.T) opensslCase {
		p := std(t)
		c := p.std()
		c.crlMode = CRLPeer
		c.capath = true
		c.crls = [][]byte{buildCRL(t, p.root, crlSpec{number: one})}
		c.dirCRLs = [][]byte{buildCRL(t, p.inter, crlSpec{number: one, thisUpdate: baseTime.Add(-6 * time.Hour), entries: revokeLeaf(p)})}
		return c
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

// freshestExt is a freshestCRL extension (certificate or CRL) pointing at
// one URI.
func freshestExt(uri string) pkix.Extension {
	u := append([]byte{0x86, byte(len(uri))}, uri...)
	full := append([]byte{0xa0, byte(len(u))}, u...)
	dpn := append([]byte{0xa0, byte(len(full))}, full...)
	dp := append([]byte{0x30, byte(len(dpn))}, dpn...)
	return pkix.Extension{Id: oidFreshestCRL, Value: append([]byte{0x30, byte(len(dp))}, dp...)}
}

// deltaCases are -use_deltas (and delta CRLs without it).
func deltaCases(t *testing.T) map[string]func(t *testing.T) opensslCase {
	f := newFactory()
	cases := map[string]func(t *testing.T) opensslCase{}
	add := func(name string, fn func(t *testing.T) opensslCase) { cases[name] = fn }
	fresh := freshestExt("http://crl.example.com/delta.crl")
	n := func(i int64) *big.Int { return big.NewInt(i) }
	deltaInd := func(t testing.TB, base int64) pkix.Extension { return ext(t, oidDeltaCRL, true, n(base)) }
	// dc builds a case: the usual chain (leaf with a freshestCRL
	// extension when leafFresh), -crl_check, the CRLs of the
	// intermediate given by specs, -use_deltas when use.
	dc := func(t *testing.T, use, leafFresh bool, specs func(p pki) []crlSpec) opensslCase {
		var leafOpts []minipki.Option
		if leafFresh {
			leafOpts = append(leafOpts, minipki.Extra(fresh))
		}
		p := newPKI(t, f, "leaf.example.com", nil, nil, leafOpts)
		c := p.std()
		c.crlMode = CRLPeer
		c.useDeltas = use
		for _, s := range specs(p) {
			c.crls = append(c.crls, buildCRL(t, p.inter, s))
		}
		return c
	}
	base := func(num int64, entries ...pkix.RevokedCertificate) crlSpec {
		return crlSpec{number: n(num), entries: entries, exts: []pkix.Extension{fresh}}
	}
	delta := func(t testing.TB, num, of int64, entries ...pkix.RevokedCertificate) crlSpec {
		return crlSpec{number: n(num), entries: entries, thisUpdate: baseTime.Add(-time.Hour), nextUpdate: baseTime.Add(2 * time.Hour),
			exts: []pkix.Extension{deltaInd(t, of)}}
	}
	rev := func(p pki, reason int) pkix.RevokedCertificate { return revokedEntry(p.leaf.Cert.SerialNumber, reason) }
	for _, use := range []bool{false, true} {
		pre := "use_deltas "
		if !use {
			pre = "no use_deltas "
		}
		add(pre+"delta revokes", func(t *testing.T) opensslCase {
			return dc(t, use, false, func(p pki) []crlSpec { return []crlSpec{base(1), delta(t, 2, 1, rev(p, 1))} })
		})
		add(pre+"delta revokes, delta first", func(t *testing.T) opensslCase {
			return dc(t, use, false, func(p pki) []crlSpec { return []crlSpec{delta(t, 2, 1, rev(p, 1)), base(1)} })
		})
		add(pre+"delta older than base revokes", func(t *testing.T) opensslCase {
			return dc(t, use, false, func(p pki) []crlSpec {
				d := delta(t, 2, 1, rev(p, 1))
				d.thisUpdate = baseTime.Add(-3 * time.Hour)
				return []crlSpec{base(1), d}
			})
		})
		add(pre+"delta alone", func(t *testing.T) opensslCase {
			return dc(t, use, false, func(p pki) []crlSpec { return []crlSpec{delta(t, 2, 1, rev(p, 1))} })
		})
		add(pre+"delta removeFromCRL of a base entry", func(t *testing.T) opensslCase {
			return dc(t, use, false, func(p pki) []crlSpec {
				b := base(1, rev(p, 6))
				b.thisUpdate = baseTime.Add(-30 * time.Minute) // base newest
				return []crlSpec{b, delta(t, 2, 1, rev(p, 8))}
			})
		})
		add(pre+"base revokes, delta silent", func(t *testing.T) opensslCase {
			return dc(t, use, false, func(p pki) []crlSpec {
				b := base(1, rev(p, 1))
				b.thisUpdate = baseTime.Add(-30 * time.Minute)
				return []crlSpec{b, delta(t, 2, 1)}
			})
		})
	}
	older := func(s crlSpec) crlSpec {
		s.thisUpdate, s.nextUpdate = baseTime.Add(-3*time.Hour), baseTime.Add(time.Hour)
		return s
	}
	_ = older
	add("use_deltas freshest only in the leaf", func(t *testing.T) opensslCase {
		return dc(t, true, true, func(p pki) []crlSpec {
			b := base(1)
			b.exts = nil
			return []crlSpec{b, delta(t, 2, 1, rev(p, 1))}
		})
	})
	add("use_deltas no freshest anywhere", func(t *testing.T) opensslCase {
		return dc(t, true, false, func(p pki) []crlSpec {
			b := base(1)
			b.exts = nil
			b.thisUpdate = baseTime.Add(-30 * time.Minute)
			return []crlSpec{b, delta(t, 2, 1, rev(p, 1))}
		})
	})
	for _, nums := range [][3]int64{{5, 6, 5}, {5, 6, 4}, {5, 6, 6}, {5, 5, 5}, {5, 4, 3}} {
		add(fmt.Sprintf("use_deltas base %d delta %d of %d", nums[0], nums[1], nums[2]), func(t *testing.T) opensslCase {
			return dc(t, true, false, func(p pki) []crlSpec {
				b := base(nums[0])
				b.thisUpdate = baseTime.Add(-30 * time.Minute)
				return []crlSpec{b, delta(t, nums[1], nums[2], rev(p, 1))}
			})
		})
	}
	add("use_deltas base without CRL number", func(t *testing.T) opensslCase {
		return dc(t, true, false, func(p pki) []crlSpec {
			b := base(1)
			b.number = nil
			b.thisUpdate = baseTime.Add(-30 * time.Minute)
			return []crlSpec{b, delta(t, 2, 1, rev(p, 1))}
		})
	})
	add("use_deltas delta with another IDP", func(t *testing.T) opensslCase {
		return dc(t, true, false, func(p pki) []crlSpec {
			b := base(1)
			b.thisUpdate = baseTime.Add(-30 * time.Minute)
			d := delta(t, 2, 1, rev(p, 1))
			d.exts = append(d.exts, pkix.Extension{Id: oidIDP, Critical: true, Value: []byte{0x30, 3, 0x81, 1, 0xff}})
			return []crlSpec{b, d}
		})
	})
	add("use_deltas delta and base with the same IDP", func(t *testing.T) opensslCase {
		return dc(t, true, false, func(p pki) []crlSpec {
			idp := pkix.Extension{Id: oidIDP, Critical: true, Value: []byte{0x30, 3, 0x81, 1, 0xff}}
			b := base(1)
			b.exts = append(b.exts, idp)
			b.thisUpdate = baseTime.Add(-30 * time.Minute)
			d := delta(t, 2, 1, rev(p, 1))
			d.exts = append(d.exts, idp)
			return []crlSpec{b, d}
		})
	})
	add("use_deltas delta without AKID", func(t *testing.T) opensslCase {
		return dc(t, true, false, func(p pki) []crlSpec {
			b := base(1)
			b.thisUpdate = baseTime.Add(-30 * time.Minute)
			d := delta(t, 2, 1, rev(p, 1))
			d.noAKID = true
			return []crlSpec{b, d}
		})
	})
	add("use_deltas delta expired", func(t *testing.T) opensslCase {
		return dc(t, true, false, func(p pki) []crlSpec {
			b := base(1)
			b.thisUpdate = baseTime.Add(-30 * time.Minute)
			d := delta(t, 2, 1, rev(p, 1))
			d.thisUpdate, d.nextUpdate = baseTime.Add(-5*time.Hour), baseTime.Add(-4*time.Hour)
			return []crlSpec{b, d}
		})
	})
	add("use_deltas base expired delta current", func(t *testing.T) opensslCase {
		return dc(t, true, false, func(p pki) []crlSpec {
			b := base(1)
			b.thisUpdate, b.nextUpdate = baseTime.Add(-5*time.Hour), baseTime.Add(-4*time.Hour)
			return []crlSpec{b, delta(t, 2, 1)}
		})
	})
	add("use_deltas base and delta expired", func(t *testing.T) opensslCase {
		return dc(t, true, false, func(p pki) []crlSpec {
			b := base(1)
			b.thisUpdate, b.nextUpdate = baseTime.Add(-5*time.Hour), baseTime.Add(-4*time.Hour)
			d := delta(t, 2, 1)
			d.thisUpdate, d.nextUpdate = baseTime.Add(-4*time.Hour), baseTime.Add(-3*time.Hour)
			return []crlSpec{b, d}
		})
	})
	add("use_deltas delta badly signed", func(t *testing.T) opensslCase {
		return dc(t, true, false, func(p pki) []crlSpec {
			b := base(1)
			b.thisUpdate = baseTime.Add(-30 * time.Minute)
			d := delta(t, 2, 1)
			d.corrupt = true
			return []crlSpec{b, d}
		})
	})
	add("use_deltas delta unhandled critical extension", func(t *testing.T) opensslCase {
		return dc(t, true, false, func(p pki) []crlSpec {
			b := base(1)
			b.thisUpdate = baseTime.Add(-30 * time.Minute)
			d := delta(t, 2, 1)
			d.exts = append(d.exts, pkix.Extension{Id: oidUnknownExt, Critical: true, Value: []byte{5, 0}})
			return []crlSpec{b, d}
		})
	})
	add("use_deltas two deltas, first matching wins", func(t *testing.T) opensslCase {
		return dc(t, true, false, func(p pki) []crlSpec {
			b := base(1)
			b.thisUpdate = baseTime.Add(-30 * time.Minute)
			return []crlSpec{b, delta(t, 2, 1), delta(t, 3, 1, rev(p, 1))}
		})
	})
	add("use_deltas delta of an older base", func(t *testing.T) opensslCase {
		return dc(t, true, false, func(p pki) []crlSpec {
			b := base(3)
			b.thisUpdate = baseTime.Add(-30 * time.Minute)
			return []crlSpec{b, delta(t, 4, 2, rev(p, 1))}
		})
	})
	add("use_deltas in a CA directory", func(t *testing.T) opensslCase {
		c := dc(t, true, false, func(p pki) []crlSpec { return []crlSpec{base(1), delta(t, 2, 1, rev(p, 1))} })
		c.capath, c.dirCRLs, c.crls = true, c.crls, nil
		c.trusted = append(c.trusted, c.untrusted...)
		return c
	})
	add("use_deltas base in CRL file, delta in a CA directory", func(t *testing.T) opensslCase {
		c := dc(t, true, false, func(p pki) []crlSpec {
			b := base(1)
			b.thisUpdate = baseTime.Add(-30 * time.Minute)
			return []crlSpec{b, delta(t, 2, 1, rev(p, 1))}
		})
		c.capath, c.dirCRLs, c.crls = true, c.crls[1:], c.crls[:1]
		return c
	})
	add("use_deltas and extended_crl base expired delta current", func(t *testing.T) opensslCase {
		c := dc(t, true, false, func(p pki) []crlSpec {
			b := base(1)
			b.thisUpdate, b.nextUpdate = baseTime.Add(-5*time.Hour), baseTime.Add(-4*time.Hour)
			return []crlSpec{b, delta(t, 2, 1, rev(p, 1))}
		})
		c.extendedCRL = true
		return c
	})
	add("use_deltas and extended_crl base and delta expired", func(t *testing.T) opensslCase {
		c := dc(t, true, false, func(p pki) []crlSpec {
			b := base(1)
			b.thisUpdate, b.nextUpdate = baseTime.Add(-5*time.Hour), baseTime.Add(-4*time.Hour)
			d := delta(t, 2, 1, rev(p, 1))
			d.thisUpdate, d.nextUpdate = baseTime.Add(-4*time.Hour), baseTime.Add(-3*time.Hour)
			return []crlSpec{b, d}
		})
		c.extendedCRL = true
		return c
	})
	add("use_deltas and extended_crl delta revokes", func(t *testing.T) opensslCase {
		c := dc(t, true, false, func(p pki) []crlSpec { return []crlSpec{base(1), delta(t, 2, 1, rev(p, 1))} })
		c.extendedCRL = true
		return c
	})
	add("use_deltas and extended_crl delta alone", func(t *testing.T) opensslCase {
		c := dc(t, true, false, func(p pki) []crlSpec { return []crlSpec{delta(t, 2, 1, rev(p, 1))} })
		c.extendedCRL = true
		return c
	})
	add("extended_crl delta alone", func(t *testing.T) opensslCase {
		c := dc(t, false, false, func(p pki) []crlSpec { return []crlSpec{delta(t, 2, 1, rev(p, 1))} })
		c.extendedCRL = true
		return c
	})
	return cases
}

// TestDifferentialDeltaCRLs compares delta CRLs, with and without
// -use_deltas, with openssl verify.
func TestDifferentialDeltaCRLs(t *testing.T) {
	runDifferential(t, deltaCases(t))
}

// crlIssuerDP is a CRL distribution points extension with one
// distribution point naming only its CRL issuer (a directory name).
func crlIssuerDP(rawName []byte) pkix.Extension {
	gn := append([]byte{0xa4, byte(len(rawName))}, rawName...)
	iss := append([]byte{0xa2, byte(len(gn))}, gn...)
	dp := append([]byte{0x30, byte(len(iss))}, iss...)
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 31}, Value: append([]byte{0x30, byte(len(dp))}, dp...)}
}

// certIssuerExt is a certificateIssuer entry extension naming rawName.
func certIssuerExt(rawName []byte, critical bool) pkix.Extension {
	gn := append([]byte{0xa4, byte(len(rawName))}, rawName...)
	return pkix.Extension{Id: oidCertIssuer, Critical: critical, Value: append([]byte{0x30, byte(len(gn))}, gn...)}
}

// extendedCases are -extended_crl: indirect CRLs and CRLs for some
// reasons.
func extendedCases(t *testing.T) map[string]func(t *testing.T) opensslCase {
	f := newFactory()
	cases := map[string]func(t *testing.T) opensslCase{}
	add := func(name string, fn func(t *testing.T) opensslCase) { cases[name] = fn }
	one := big.NewInt(1)
	indirectIDP := pkix.Extension{Id: oidIDP, Critical: true, Value: []byte{0x30, 3, 0x84, 1, 0xff}}
	// reasonsIDP limits a CRL to the reasons of the ReasonFlags octet.
	reasonsIDP := func(bits byte) pkix.Extension {
		return pkix.Extension{Id: oidIDP, Critical: true, Value: []byte{0x30, 4, 0x83, 2, 0x00, bits}}
	}
	// chain: the usual chain, the leaf naming the root as its CRL issuer
	// when dpRoot.
	chain := func(t *testing.T, dpRoot bool) pki {
		root := must[*minipki.Cert](t)(f.Root("Test Root CA"))
		inter := must[*minipki.Cert](t)(root.Intermediate("Test Intermediate CA"))
		var opts []minipki.Option
		if dpRoot {
			opts = append(opts, minipki.Extra(crlIssuerDP(root.Cert.RawSubject)))
		}
		leaf := must[*minipki.Cert](t)(inter.Leaf("leaf.example.com", opts...))
		return pki{root, inter, leaf}
	}
	mk := func(t *testing.T, p pki, ext bool, mode CRLMode, crls ...[]byte) opensslCase {
		c := p.std()
		c.crlMode = mode
		c.extendedCRL = ext
		c.crls = crls
		return c
	}
	for _, ext := range []bool{false, true} {
		pre := "extended_crl "
		if !ext {
			pre = "no extended_crl "
		}
		add(pre+"indirect CRL of the root revokes", func(t *testing.T) opensslCase {
			p := chain(t, true)
			return mk(t, p, ext, CRLPeer, buildCRL(t, p.root, crlSpec{number: one, exts: []pkix.Extension{indirectIDP},
				entries: []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, 1, certIssuerExt(p.inter.Cert.RawSubject, true))}}))
		})
		add(pre+"indirect CRL of the root, certificate issuer carried over", func(t *testing.T) opensslCase {
			p := chain(t, true)
			return mk(t, p, ext, CRLPeer, buildCRL(t, p.root, crlSpec{number: one, exts: []pkix.Extension{indirectIDP},
				entries: []pkix.RevokedCertificate{
					revokedEntry(big.NewInt(99999), -1, certIssuerExt(p.inter.Cert.RawSubject, true)),
					revokedEntry(p.leaf.Cert.SerialNumber, -1)}}))
		})
		add(pre+"indirect CRL of the root, entry of the root itself", func(t *testing.T) opensslCase {
			p := chain(t, true)
			return mk(t, p, ext, CRLPeer, buildCRL(t, p.root, crlSpec{number: one, exts: []pkix.Extension{indirectIDP},
				entries: []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, -1)}}))
		})
		add(pre+"indirect CRL of the root, leaf without distribution point", func(t *testing.T) opensslCase {
			p := chain(t, false)
			return mk(t, p, ext, CRLPeer, buildCRL(t, p.root, crlSpec{number: one, exts: []pkix.Extension{indirectIDP},
				entries: []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, -1, certIssuerExt(p.inter.Cert.RawSubject, true))}}))
		})
		add(pre+"indirect CRL of the issuer itself revokes", func(t *testing.T) opensslCase {
			p := chain(t, false)
			return mk(t, p, ext, CRLPeer, buildCRL(t, p.inter, crlSpec{number: one, exts: []pkix.Extension{indirectIDP},
				entries: []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, -1)}}))
		})
		add(pre+"indirect CRL of the issuer, entry of another issuer", func(t *testing.T) opensslCase {
			p := chain(t, false)
			return mk(t, p, ext, CRLPeer, buildCRL(t, p.inter, crlSpec{number: one, exts: []pkix.Extension{indirectIDP},
				entries: []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, -1, certIssuerExt(p.root.Cert.RawSubject, false))}}))
		})
		add(pre+"direct CRL with a certificate issuer entry of another issuer", func(t *testing.T) opensslCase {
			p := chain(t, false)
			return mk(t, p, ext, CRLPeer, buildCRL(t, p.inter, crlSpec{number: one,
				entries: []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, -1, certIssuerExt(p.root.Cert.RawSubject, false))}}))
		})
		add(pre+"CRL for keyCompromise only", func(t *testing.T) opensslCase {
			p := chain(t, false)
			return mk(t, p, ext, CRLPeer, buildCRL(t, p.inter, crlSpec{number: one, exts: []pkix.Extension{reasonsIDP(0x40)}}))
		})
		add(pre+"CRLs for all reasons in two parts", func(t *testing.T) opensslCase {
			p := chain(t, false)
			return mk(t, p, ext, CRLPeer,
				buildCRL(t, p.inter, crlSpec{number: one, exts: []pkix.Extension{reasonsIDP(0x40)}}),
				buildCRL(t, p.inter, crlSpec{number: big.NewInt(2), exts: []pkix.Extension{reasonsIDP(0xbf)}, entries: []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, 5)}}))
		})
		add(pre+"CRL for some reasons and a complete CRL", func(t *testing.T) opensslCase {
			p := chain(t, false)
			return mk(t, p, ext, CRLPeer,
				buildCRL(t, p.inter, crlSpec{number: one, exts: []pkix.Extension{reasonsIDP(0x40)}, entries: []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, 1)}}),
				buildCRL(t, p.inter, crlSpec{number: big.NewInt(2)}))
		})
		// The CA's new key: same name, another certificate, in the
		// untrusted set; the CRL signed with it.
		rollover := func(t *testing.T, rootCRL bool, mode CRLMode, signerOpts ...minipki.Option) opensslCase {
			p := chain(t, false)
			newKey := must[*minipki.Cert](t)(p.root.Intermediate("Test Intermediate CA", signerOpts...))
			c := mk(t, p, ext, mode, buildCRL(t, newKey, crlSpec{number: one, entries: []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, -1)}}))
			if rootCRL {
				c.crls = append(c.crls, buildCRL(t, p.root, crlSpec{number: one}))
			}
			c.untrusted = append(c.untrusted, newKey.Cert)
			return c
		}
		add(pre+"CRL signed by another key of the CA, its chain verifies", func(t *testing.T) opensslCase { return rollover(t, true, CRLPeer) })
		add(pre+"CRL signed by another key of the CA, no CRL for it", func(t *testing.T) opensslCase { return rollover(t, false, CRLPeer) })
		add(pre+"CRL signed by another key of the CA, crl_check_all", func(t *testing.T) opensslCase { return rollover(t, true, CRLAll) })
		add(pre+"CRL signed by another key of the CA, crl_check_all, no root CRL", func(t *testing.T) opensslCase {
			return rollover(t, false, CRLAll)
		})
		add(pre+"CRL signed by another key of the CA, host name checked", func(t *testing.T) opensslCase {
			c := rollover(t, true, CRLPeer)
			c.host = "leaf.example.com"
			return c
		})
		add(pre+"CRL signed by another key of the CA, purpose sslserver", func(t *testing.T) opensslCase {
			c := rollover(t, true, CRLPeer)
			c.purpose = PurposeSSLServer
			return c
		})
		add(pre+"CRL signed by another key of the CA, expired", func(t *testing.T) opensslCase {
			return rollover(t, true, CRLPeer, minipki.Expired())
		})
		add(pre+"CRL signed by another key of the CA, not a CA", func(t *testing.T) opensslCase {
			return rollover(t, true, CRLPeer, minipki.Template(func(c *x509.Certificate) { c.IsCA = false }))
		})
		add(pre+"CRL signed by another key of the CA under another root", func(t *testing.T) opensslCase {
			p := chain(t, false)
			other := must[*minipki.Cert](t)(f.Root("Other Root CA"))
			newKey := must[*minipki.Cert](t)(other.Intermediate("Test Intermediate CA"))
			c := mk(t, p, ext, CRLPeer, buildCRL(t, newKey, crlSpec{number: one, entries: []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, -1)}}),
				buildCRL(t, other, crlSpec{number: one}))
			c.untrusted = append(c.untrusted, newKey.Cert)
			c.trusted = append(c.trusted, other.Cert)
			return c
		})
		add(pre+"plain CRL", func(t *testing.T) opensslCase {
			p := chain(t, false)
			return mk(t, p, ext, CRLAll, buildCRL(t, p.inter, crlSpec{number: one}), buildCRL(t, p.root, crlSpec{number: one}))
		})
	}
	return cases
}

// TestDifferentialExtendedCRL compares -extended_crl with openssl verify.
func TestDifferentialExtendedCRL(t *testing.T) {
	runDifferential(t, extendedCases(t))
}

// FuzzVerifyCRLExtensions verifies a chain against two random CRLs (a base
// and a delta in the fuzz corpus, indirect and reason-limited ones too) under
// every combination of UseDeltas, ExtendedCRL, CheckSelfSignature,
// NoCheckTime and the CRL modes: Verify must not panic, its result must be
// consistent, and problems of a CRL issuer's chain appear only under
// ExtendedCRL.
func FuzzVerifyCRLExtensions(f *testing.F) {
	fac := newFactory()
	root := must[*minipki.Cert](f)(fac.Root("Test Root CA"))
	inter := must[*minipki.Cert](f)(root.Intermediate("Test Intermediate CA"))
	other := must[*minipki.Cert](f)(root.Intermediate("Test Intermediate CA"))
	leaf := must[*minipki.Cert](f)(inter.Leaf("leaf.example.com", minipki.Extra(freshestExt("http://x/d.crl"), crlIssuerDP(root.Cert.RawSubject))))
	rev := []pkix.RevokedCertificate{revokedEntry(leaf.Cert.SerialNumber, 8, certIssuerExt(inter.Cert.RawSubject, true))}
	base := buildCRL(f, inter, crlSpec{number: big.NewInt(1), exts: []pkix.Extension{freshestExt("http://x/d.crl")}})
	delta := buildCRL(f, inter, crlSpec{number: big.NewInt(2), entries: rev, exts: []pkix.Extension{ext(f, oidDeltaCRL, true, big.NewInt(1))}})
	indirect := buildCRL(f, root, crlSpec{number: big.NewInt(3), entries: rev, exts: []pkix.Extension{{Id: oidIDP, Critical: true, Value: []byte{0x30, 3, 0x84, 1, 0xff}}}})
	reasons := buildCRL(f, other, crlSpec{number: big.NewInt(4), entries: rev, exts: []pkix.Extension{{Id: oidIDP, Critical: true, Value: []byte{0x30, 4, 0x83, 2, 0, 0x40}}}})
	f.Add(base, delta, uint8(0xff))
	f.Add(delta, base, uint8(0x0f))
	f.Add(indirect, reasons, uint8(0x3a))
	f.Add(reasons, indirect, uint8(0xc5))
	f.Add(base, []byte{0x30, 0}, uint8(0x81))
	f.Fuzz(func(t *testing.T, a, b []byte, flags uint8) {
		var list []*crl.CRL
		for i, d := range [][]byte{a, b} {
			if cs, err := crl.Parse(d, fmt.Sprintf("fuzz #%d", i)); err == nil {
				list = append(list, cs...)
			}
		}
		opts := &Options{Trust: []IssuerSource{NewPool([]*x509.Certificate{root.Cert})},
			Intermediates: []*x509.Certificate{inter.Cert, other.Cert}, MaxDepth: -1, Time: baseTime,
			CRLs: []CRLSource{crl.NewStore(list...)}, CRLCheck: CRLMode(1 + flags%2),
			UseDeltas: flags&2 != 0, ExtendedCRL: flags&4 != 0, CheckSelfSignature: flags&8 != 0, Strict: flags&32 != 0}
		if flags&16 != 0 {
			opts.Time, opts.NoCheckTime = time.Time{}, true
		}
		res := verify(leaf.Cert, opts)
		if res.OK() != (res.Code == 0) || (res.Code != 0 && len(res.Problems) == 0) {
			t.Fatalf("inconsistent result: code %d problems %v", res.Code, res.Problems)
		}
		for _, p := range res.AllProblems() {
			if p.CRLPath && !opts.ExtendedCRL {
				t.Fatalf("CRL path problem %v without ExtendedCRL", p)
			}
		}
	})
}
