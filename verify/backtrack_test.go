package verify

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/internal/minipki"
)

// twinGraph is a leaf whose issuer ("Twin CA") exists twice with the same
// key: a bad twin, through which the chain fails a check, and a good one
// issued by the trusted root.
type twinGraph struct {
	root, good, bad, leaf *minipki.Cert
	extra                 []*x509.Certificate // other untrusted certificates
	purpose               Purpose
	failsWith             int // the code openssl reports for the bad twin
}

// twinGraphs are the bad twins strict mode must route around: one excluded
// by name constraints, one with the wrong extended key usage, one whose
// own issuer has expired, one cross-signed by a root nobody trusts.
func twinGraphs(t *testing.T) map[string]twinGraph {
	f := newFactory()
	root := must[*minipki.Cert](t)(f.Root("Backtrack Root"))
	good := must[*minipki.Cert](t)(root.Intermediate("Twin CA"))
	leaf := must[*minipki.Cert](t)(good.Leaf("leaf.example.com"))
	twin := func(parent *minipki.Cert, opts ...minipki.Option) *minipki.Cert {
		return must[*minipki.Cert](t)(parent.Intermediate("Twin CA", append([]minipki.Option{minipki.WithKey(good.Key)}, opts...)...))
	}
	g := func(bad *minipki.Cert, code int) twinGraph {
		return twinGraph{root: root, good: good, bad: bad, leaf: leaf, failsWith: code}
	}
	nc := g(twin(root, nameConstraintsOpt(nil, []string{"leaf.example.com"}, nil)), ExcludedViolation)
	eku := g(twin(root, minipki.ExtKeyUsage(x509.ExtKeyUsageClientAuth)), InvalidPurpose)
	eku.purpose = PurposeSSLServer
	old := must[*minipki.Cert](t)(root.Intermediate("Old CA", minipki.Expired()))
	expired := g(twin(old), CertHasExpired)
	expired.extra = []*x509.Certificate{old.Cert}
	other := must[*minipki.Cert](t)(f.Root("Other Root"))
	cross := g(twin(other), UnableToGetIssuerCertLocally)
	return map[string]twinGraph{
		"name constraints": nc, "purpose": eku, "expired issuer above": expired, "cross-signed": cross,
	}
}

// case_ is the graph as a verification: the twins (bad one first when
// badFirst) untrusted, or, when trusted, in the trust store beside the
// root (then "expired" and "cross-signed" keep their issuers untrusted).
func (g twinGraph) case_(badFirst, trusted bool) opensslCase {
	pair := []*x509.Certificate{g.good.Cert, g.bad.Cert}
	if badFirst {
		pair = []*x509.Certificate{g.bad.Cert, g.good.Cert}
	}
	tc := opensslCase{leaf: g.leaf.Cert, depth: -1, purpose: g.purpose, host: "leaf.example.com"}
	tc.untrusted = append(tc.untrusted, g.extra...)
	if trusted {
		tc.trusted = append(pair, g.root.Cert)
	} else {
		tc.untrusted = append(tc.untrusted, pair...)
		tc.trusted = []*x509.Certificate{g.root.Cert}
	}
	return tc
}

// TestStrictBacktracksToTheGoodIssuer: with a bad twin first, openssl
// verify keeps it and fails, and the default mode fails the same way; strict
// mode tries the other twin and accepts the chain through it (a deliberate
// difference: openssl verify -x509_strict fails too). With the good twin
// first everyone accepts the chain.
func TestStrictBacktracksToTheGoodIssuer(t *testing.T) {
	needOpenSSL(t)
	for name, g := range twinGraphs(t) {
		for _, badFirst := range []bool{true, false} {
			for _, trusted := range []bool{false, true} {
				if trusted && (name == "expired issuer above" || name == "cross-signed") {
					continue // trusted twins would anchor the chain themselves
				}
				sub := name
				if badFirst {
					sub += ", bad twin first"
				}
				if trusted {
					sub += ", twins trusted"
				}
				t.Run(sub, func(t *testing.T) {
					t.Parallel()
					tc := g.case_(badFirst, trusted)
					want, got, _ := runBoth(t, tc)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("default mode differs from openssl verify (-openssl +ours):\n%s", diff)
					}
					if badFirst != (len(want) > 0) || badFirst && want[0].Code != g.failsWith {
						t.Errorf("openssl verify printed %v (bad twin first: %v); want %d first when it is", want, badFirst, g.failsWith)
					}
					tc.strict = true
					want, got, res := runBoth(t, tc)
					if badFirst != (len(want) > 0) {
						t.Errorf("openssl verify -x509_strict printed %v (bad twin first: %v)", want, badFirst)
					}
					if len(got) != 0 || !res.OK() {
						t.Fatalf("strict mode: %v, want the chain through the good twin", got)
					}
					if len(res.Chain) != 3 || !res.Chain[1].Equal(g.good.Cert) || !res.Chain[2].Equal(g.root.Cert) {
						t.Errorf("strict mode built %s, want leaf, good twin, root", chainNames(res.Chain))
					}
				})
			}
		}
	}
}

func chainNames(chain []*x509.Certificate) string {
	var b bytes.Buffer
	for i, c := range chain {
		if i > 0 {
			b.WriteString(" -> ")
		}
		fmt.Fprintf(&b, "%s (serial %s)", c.Subject.CommonName, c.SerialNumber)
	}
	return b.String()
}

// TestStrictBacktrackKeepsTheFirstChainsProblems: when no other chain
// passes either, strict mode reports the problems of the chain OpenSSL's
// builder made, as if there were no alternatives; its first error is
// openssl verify -x509_strict's.
func TestStrictBacktrackKeepsTheFirstChainsProblems(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	gs := twinGraphs(t)
	nc, eku := gs["name constraints"], gs["purpose"]
	// Two bad twins and no good one.
	tc := opensslCase{leaf: nc.leaf.Cert, depth: -1, purpose: PurposeSSLServer, strict: true,
		untrusted: []*x509.Certificate{nc.bad.Cert, eku.bad.Cert}, trusted: []*x509.Certificate{nc.root.Cert}}
	want, got, res := runBoth(t, tc)
	if len(want) == 0 || len(got) == 0 || got[0] != want[0] {
		t.Fatalf("strict mode: %v, openssl verify -x509_strict: %v; want the same first error", got, want)
	}
	alone := Verify(tc.leaf, &Options{Trust: []IssuerSource{NewPool(tc.trusted)}, Intermediates: tc.untrusted[:1],
		MaxDepth: -1, Time: baseTime, Purpose: PurposeSSLServer, Strict: true})
	if diff := cmp.Diff(alone.AllProblems(), res.AllProblems()); diff != "" {
		t.Errorf("problems differ from those of the first twin alone (-alone +both):\n%s", diff)
	}
	if len(res.Chain) < 2 || !res.Chain[1].Equal(nc.bad.Cert) {
		t.Errorf("chain %s, want the first twin's", chainNames(res.Chain))
	}
}

// lookAlikes issues n CA certificates named cn by parent, all with the
// same subject key identifier (so each fits a child's authority key
// identifier) and, when key is set, the same key.
func lookAlikes(t *testing.T, parent *minipki.Cert, cn string, n int, opts ...minipki.Option) []*minipki.Cert {
	skid := []byte("look-alike " + cn)
	out := make([]*minipki.Cert, n)
	for i := range out {
		o := append([]minipki.Option{minipki.Template(func(c *x509.Certificate) { c.SubjectKeyId = skid })}, opts...)
		out[i] = must[*minipki.Cert](t)(parent.Intermediate(cn, o...))
	}
	return out
}

// TestStrictBacktrackIsBounded: hostile pools of certificates with the
// same names finish quickly, within the search's bounds, with the first
// chain's problems, whose first error is openssl verify -x509_strict's.
func TestStrictBacktrackIsBounded(t *testing.T) {
	needOpenSSL(t)
	f := newFactory()
	root := must[*minipki.Cert](t)(f.Root("Hostile Root"))
	missing := must[*minipki.Cert](t)(f.Root("Missing Root"))

	// layers: levels of 12 look-alikes sharing a key, each level issued
	// by the one above; certs issued by anchor sit on top.
	layers := func(anchor *minipki.Cert, levels int, leafOpts ...minipki.Option) (*x509.Certificate, []*x509.Certificate) {
		parent := anchor
		var pool []*x509.Certificate
		for l := levels; l >= 1; l-- {
			key := must[*ecdsa.PrivateKey](t)(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
			level := lookAlikes(t, parent, fmt.Sprintf("Level %d", l), 12, minipki.WithKey(key))
			for _, c := range level {
				pool = append(pool, c.Cert)
			}
			parent = level[0]
		}
		return must[*minipki.Cert](t)(parent.Leaf("leaf.example.com", leafOpts...)).Cert, pool
	}
	type hostile struct {
		leaf *x509.Certificate
		pool []*x509.Certificate
	}
	cases := map[string]func() hostile{
		// 12^8 paths, every one ending below a root nobody trusts.
		"dead ends": func() hostile {
			leaf, pool := layers(missing, 8)
			return hostile{leaf, pool}
		},
		// Every path reaches the root, and every chain fails (the leaf's
		// signature is bad whatever the issuer).
		"failing chains": func() hostile {
			leaf, pool := layers(root, 6, minipki.BadSignature())
			return hostile{leaf, pool}
		},
		// 300 look-alike issuers with their own keys before the real one,
		// which is beyond the candidates tried.
		"flat": func() hostile {
			real := must[*minipki.Cert](t)(root.Intermediate("Flat CA",
				minipki.Template(func(c *x509.Certificate) { c.SubjectKeyId = []byte("look-alike Flat CA") })))
			var pool []*x509.Certificate
			for _, c := range lookAlikes(t, root, "Flat CA", 300) {
				pool = append(pool, c.Cert)
			}
			pool = append(pool, real.Cert)
			return hostile{must[*minipki.Cert](t)(real.Leaf("leaf.example.com")).Cert, pool}
		},
	}
	for name, mk := range cases {
		h := mk()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts := &Options{Trust: []IssuerSource{NewPool([]*x509.Certificate{root.Cert})}, Intermediates: h.pool,
				MaxDepth: -1, Time: baseTime, Strict: true}
			start := time.Now()
			res := Verify(h.leaf, opts)
			elapsed := time.Since(start)
			if res.OK() {
				t.Fatalf("a hostile chain verified: %s", chainNames(res.Chain))
			}
			if elapsed > 5*time.Second {
				t.Errorf("strict verification took %v", elapsed)
			}
			// The search itself, without the first chain's checks.
			e := newEngine(opts)
			e.run(h.leaf)
			first := append([]Problem(nil), e.problems...)
			s := e.newPathSearch()
			s.extend(1)
			if s.found != nil || s.steps > backtrackBudget || s.chains > backtrackBudget {
				t.Errorf("search: found %v, %d issuer choices, %d chains checked; bound %d", s.found != nil, s.steps, s.chains, backtrackBudget)
			}
			if name != "flat" && s.steps != backtrackBudget {
				t.Errorf("search stopped after %d issuer choices, before its budget of %d", s.steps, backtrackBudget)
			}
			if name == "failing chains" && s.chains == 0 {
				t.Error("no complete chain was checked")
			}
			if diff := cmp.Diff(first, res.AllProblems()); diff != "" {
				t.Errorf("problems are not the first chain's (-first +result):\n%s", diff)
			}
			t.Logf("%s: %v, %d issuer choices, %d chains checked, %d certificates", name, elapsed, s.steps, s.chains, len(h.pool))
			want, got, _ := runBoth(t, opensslCase{leaf: h.leaf, untrusted: h.pool, trusted: []*x509.Certificate{root.Cert}, depth: -1, strict: true})
			if len(want) == 0 || len(got) == 0 || got[0] != want[0] {
				t.Errorf("strict mode: %v, openssl verify -x509_strict: %v; want the same first error", got, want)
			}
		})
	}
}

// TestStrictBacktrackSkipsLookAlikeSelfSigned: untrusted self-signed
// certificates with an issuer's name are never tried (they cannot lead to
// a trust anchor), and the good chain is still found behind them.
func TestStrictBacktrackSkipsLookAlikeSelfSigned(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	f := newFactory()
	root := must[*minipki.Cert](t)(f.Root("Real Root"))
	good := must[*minipki.Cert](t)(root.Intermediate("Shared CA"))
	leaf := must[*minipki.Cert](t)(good.Leaf("leaf.example.com"))
	bad := must[*minipki.Cert](t)(root.Intermediate("Shared CA", minipki.WithKey(good.Key), nameConstraintsOpt([]string{"other.example"}, nil, nil)))
	var pool []*x509.Certificate
	for i := 0; i < 20; i++ {
		ss := must[*minipki.Cert](t)(f.Root("Shared CA", minipki.WithKey(good.Key), minipki.Serial(big.NewInt(int64(5000+i))),
			minipki.Subject(pkix.Name{CommonName: "Shared CA"})))
		pool = append(pool, ss.Cert)
	}
	pool = append(pool, bad.Cert, good.Cert)
	tc := opensslCase{leaf: leaf.Cert, untrusted: pool, trusted: []*x509.Certificate{root.Cert}, depth: -1}
	want, got, _ := runBoth(t, tc)
	if len(want) == 0 {
		t.Fatal("openssl verify accepted the chain: it keeps the first fitting issuer, a self-signed look-alike")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default mode differs from openssl verify (-openssl +ours):\n%s", diff)
	}
	tc.strict = true
	if _, got, res := runBoth(t, tc); len(got) != 0 || len(res.Chain) != 3 || !res.Chain[1].Equal(good.Cert) {
		t.Errorf("strict mode: %v, chain %s; want leaf, good CA, root", got, chainNames(res.Chain))
	}
}
