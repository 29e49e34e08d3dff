package verify

import (
	"crypto/x509"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/internal/minipki"
)

// TestIssuerChoiceDoesNotBacktrack: OpenSSL 3.0 builds the chain
// trusted-first and keeps the first suitable issuer (right name, key
// identifier and key type, valid now); when a later check (name
// constraints, purpose, path length) fails, it does not try another
// candidate of the same name and key (its alternative-chains search only
// runs when trusted-first is off, which openssl 3.0 cannot be told). Nor do
// we: the problems are openssl's, whatever the order of the candidates.
func TestIssuerChoiceDoesNotBacktrack(t *testing.T) {
	needOpenSSL(t)
	f := newFactory()
	type twin struct {
		name string
		opt  minipki.Option
		host string
		p    Purpose
	}
	twins := []twin{
		{"name constraints", nameConstraintsOpt([]string{"other.example"}, nil, nil), "leaf.example.com", PurposeAny},
		{"purpose", minipki.ExtKeyUsage(x509.ExtKeyUsageClientAuth), "leaf.example.com", PurposeSSLServer},
		{"path length", minipki.PathLen(0), "leaf.example.com", PurposeAny},
		{"expired", minipki.Expired(), "leaf.example.com", PurposeAny},
	}
	for _, tw := range twins {
		for _, badFirst := range []bool{true, false} {
			for _, trusted := range []bool{false, true} {
				name := tw.name
				if badFirst {
					name += ", failing twin first"
				}
				if trusted {
					name += ", twins trusted"
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					root := must[*minipki.Cert](t)(f.Root("Twin Root"))
					good := must[*minipki.Cert](t)(root.Intermediate("Twin CA"))
					var badOpts []minipki.Option
					badOpts = append(badOpts, minipki.WithKey(good.Key), tw.opt)
					bad := must[*minipki.Cert](t)(root.Intermediate("Twin CA", badOpts...))
					mid := good
					if tw.name == "path length" {
						// The twins are one level further up, above a
						// second intermediate, so pathLen 0 matters.
						mid = must[*minipki.Cert](t)(good.Intermediate("Below Twin"))
					}
					leaf := must[*minipki.Cert](t)(mid.Leaf(tw.host))
					pair := []*x509.Certificate{good.Cert, bad.Cert}
					if badFirst {
						pair = []*x509.Certificate{bad.Cert, good.Cert}
					}
					tc := opensslCase{leaf: leaf.Cert, depth: -1, purpose: tw.p}
					if mid != good {
						tc.untrusted = []*x509.Certificate{mid.Cert}
					}
					if trusted {
						tc.trusted = append(pair, root.Cert)
						tc.partial = false
					} else {
						tc.untrusted = append(tc.untrusted, pair...)
						tc.trusted = []*x509.Certificate{root.Cert}
					}
					want, got, _ := runBoth(t, tc)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("problems differ from openssl verify (-openssl +ours):\n%s", diff)
					}
					// The premise: openssl keeps the failing twin when it
					// comes first (an expired one is passed over).
					if failing := badFirst && tw.name != "expired"; failing != (len(want) > 0) {
						t.Errorf("openssl printed %v with the failing twin first: %v", want, badFirst)
					}
				})
			}
		}
	}
}
