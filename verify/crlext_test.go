package verify

import (
	"crypto/x509"
	"math/big"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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
