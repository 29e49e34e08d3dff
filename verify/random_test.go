package verify

import (
	crand "crypto/rand"
	"crypto/x509"
	"fmt"
	"math/big"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/internal/minipki"
)

// randomCase builds a chain whose every certificate may carry a defect
// (expiry, future validity, bad signature, CA flags, key usage, extended
// key usage, unknown critical extension) and verification settings chosen
// by r: the combinations the hand-written cases do not reach.
func randomCase(t *testing.T, f *minipki.Factory, r *rand.Rand) opensslCase {
	defect := func(ca bool) []minipki.Option {
		var o []minipki.Option
		switch r.IntN(12) {
		case 0:
			o = append(o, minipki.Expired())
		case 1:
			o = append(o, minipki.NotYetValid())
		case 2:
			o = append(o, unknownCritical())
		case 3:
			if ca {
				o = append(o, minipki.KeyUsage(x509.KeyUsageDigitalSignature))
			} else {
				o = append(o, minipki.ExtKeyUsage(x509.ExtKeyUsageClientAuth))
			}
		case 4:
			if ca {
				o = append(o, minipki.PathLen(0))
			} else {
				o = append(o, minipki.KeyUsage(x509.KeyUsageCertSign))
			}
		case 5:
			o = append(o, minipki.RSA())
		}
		return o
	}
	n := r.IntN(4)
	root := must[*minipki.Cert](t)(f.Root("Random Root", defect(true)...))
	chain := []*minipki.Cert{root}
	for i := 0; i < n; i++ {
		chain = append(chain, must[*minipki.Cert](t)(chain[len(chain)-1].Intermediate(fmt.Sprintf("Random CA %d", i+1), defect(true)...)))
	}
	leaf := must[*minipki.Cert](t)(chain[len(chain)-1].Leaf("leaf.example.com", defect(false)...))
	tc := opensslCase{leaf: leaf.Cert, depth: -1}
	if r.IntN(8) == 0 {
		tc.leaf = badSig(t, tc.leaf)
	}
	for i := len(chain) - 1; i >= 1; i-- {
		c := chain[i].Cert
		switch r.IntN(10) {
		case 0: // not sent
			continue
		case 1:
			c = badSig(t, c)
		}
		tc.untrusted = append(tc.untrusted, c)
	}
	switch r.IntN(6) {
	case 0: // no anchor, root sent
		tc.untrusted = append(tc.untrusted, root.Cert)
	case 1: // anchor is the first intermediate
		if n > 0 {
			tc.trusted = []*x509.Certificate{chain[1].Cert}
			tc.partial = r.IntN(2) == 0
		} else {
			tc.trusted = []*x509.Certificate{root.Cert}
		}
	default:
		tc.trusted = []*x509.Certificate{root.Cert}
	}
	r.Shuffle(len(tc.untrusted), func(i, j int) { tc.untrusted[i], tc.untrusted[j] = tc.untrusted[j], tc.untrusted[i] })
	if r.IntN(3) == 0 {
		tc.depth = r.IntN(4)
	}
	tc.purpose = Purpose(r.IntN(3))
	switch r.IntN(4) {
	case 0:
		tc.host = "leaf.example.com"
	case 1:
		tc.host = "other.example.com"
	}
	if r.IntN(3) == 0 {
		tc.crlMode = CRLMode(1 + r.IntN(2))
		for i, c := range chain {
			if r.IntN(4) == 0 {
				continue
			}
			var serials []*big.Int
			if r.IntN(3) == 0 {
				if i == len(chain)-1 {
					serials = append(serials, leaf.Cert.SerialNumber)
				} else {
					serials = append(serials, chain[i+1].Cert.SerialNumber)
				}
			}
			tu, nu := baseTime.Add(-time.Hour), baseTime.Add(time.Hour)
			if r.IntN(5) == 0 {
				tu, nu = baseTime.Add(-3*time.Hour), baseTime.Add(-2*time.Hour)
			}
			tc.crls = append(tc.crls, signCRL(t, c, serials, tu, nu))
		}
	}
	tc.strict = r.IntN(5) == 0
	return tc
}

// TestRandomDifferential compares Verify with openssl verify on 60 chains
// with random defects and settings (fixed seed, so failures reproduce).
func TestRandomDifferential(t *testing.T) {
	needOpenSSL(t)
	f := newFactory()
	r := rand.New(rand.NewPCG(2025, randomSeedOffset))
	var mu sync.Mutex
	for i := 0; i < randomCount; i++ {
		mu.Lock()
		seed := r.Uint64()
		mu.Unlock()
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			t.Parallel()
			tc := randomCase(t, f, rand.New(rand.NewPCG(seed, 1)))
			want, got, res := runBoth(t, tc)
			if tc.strict {
				// Strict mode adds checks beyond -x509_strict; compare only
				// chains where openssl finds no problem or we agree.
				if len(want) > 0 && len(got) > 0 && want[0] == got[0] {
					return
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("problems differ from openssl verify (-openssl +ours):\n%s\ncase: %d untrusted, %d trusted, depth %d, purpose %v, host %q, crl %v, partial %v, strict %v",
					diff, len(tc.untrusted), len(tc.trusted), tc.depth, tc.purpose, tc.host, tc.crlMode, tc.partial, tc.strict)
			}
			_ = res
		})
	}
}

// signCRL issues a CRL from issuer even when its key usage lacks cRLSign
// (crypto/x509 refuses; OpenSSL must get to see such CRLs).
func signCRL(t testing.TB, issuer *minipki.Cert, serials []*big.Int, tu, nu time.Time) []byte {
	var entries []x509.RevocationListEntry
	for _, s := range serials {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: s, RevocationTime: tu.Add(-time.Minute)})
	}
	tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: tu, NextUpdate: nu, RevokedCertificateEntries: entries}
	cp := *issuer.Cert
	cp.KeyUsage |= x509.KeyUsageCRLSign
	return must[[]byte](t)(x509.CreateRevocationList(crand.Reader, tmpl, &cp, issuer.Key))
}

// randomCount and randomSeedOffset: 60 cases from a fixed seed by default.
var randomCount, randomSeedOffset = 60, uint64(6)
