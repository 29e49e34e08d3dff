package verify

import (
	"crypto/x509"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/internal/minipki"
)

// checkConsistent fails the test unless every view of r agrees with
// r.AllProblems(): the first problem gives Code and Depth, the last one
// FinalCode, Problems is a prefix ending at the first problem openssl
// verify stops at, and Hint is set exactly when Code is not 0.
func checkConsistent(t *testing.T, r *Result) {
	t.Helper()
	all := r.AllProblems()
	if len(all) == 0 {
		if r.Code != OK || r.Depth != 0 || r.FinalCode != OK || len(r.Problems) != 0 || r.Hint != "" {
			t.Errorf("no problems but Code %d Depth %d FinalCode %d Problems %v Hint %q", r.Code, r.Depth, r.FinalCode, r.Problems, r.Hint)
		}
		return
	}
	if r.Code != all[0].Code || r.Depth != all[0].Depth {
		t.Errorf("Code %d Depth %d, first of AllProblems %v", r.Code, r.Depth, all[0])
	}
	if r.FinalCode != all[len(all)-1].Code {
		t.Errorf("FinalCode %d, last of AllProblems %v", r.FinalCode, all[len(all)-1])
	}
	if len(r.Problems) == 0 || len(r.Problems) > len(all) || !reflect.DeepEqual(r.Problems, all[:len(r.Problems)]) {
		t.Errorf("Problems %v not a prefix of AllProblems %v", r.Problems, all)
	}
	if r.Hint == "" {
		t.Errorf("Code %d without a hint", r.Code)
	}
}

// TestCRLPolicyInVerify applies each CRL policy inside Verify and checks
// the codes it leaves and that the Result agrees with itself: a problem the
// policy allows is in no part of it.
func TestCRLPolicyInVerify(t *testing.T) {
	t.Parallel()
	f := newFactory()
	now := f.Now
	p := newPKI(t, f, "crl.example", nil, nil, nil)
	expiredLeaf := must[*minipki.Cert](t)(p.inter.Leaf("expired.example", minipki.Expired()))
	crlOf := func(issuer *minipki.Cert, this, next time.Time, revoked ...*big.Int) []*crl.CRL {
		der := must[[]byte](t)(issuer.CRL(revoked, this, next))
		return must[[]*crl.CRL](t)(crl.Parse(der, fmt.Sprintf("crl of %s", issuer.Cert.Subject.CommonName)))
	}
	good := func(c *minipki.Cert) []*crl.CRL { return crlOf(c, now.Add(-time.Hour), now.Add(24*time.Hour)) }
	expired := crlOf(p.inter, now.Add(-48*time.Hour), now.Add(-time.Hour))
	future := crlOf(p.inter, now.Add(time.Hour), now.Add(48*time.Hour))
	expiredRevoked := crlOf(p.inter, now.Add(-48*time.Hour), now.Add(-time.Hour), p.leaf.Cert.SerialNumber)
	expiredRoot := crlOf(p.root, now.Add(-48*time.Hour), now.Add(-time.Hour))
	pool := NewPool([]*x509.Certificate{p.root.Cert})

	cases := []struct {
		name    string
		leaf    *minipki.Cert
		trust   []IssuerSource
		crls    [][]*crl.CRL
		mode    CRLMode
		policy  CRLPolicy
		want    []int // codes of AllProblems, in order
		wantTop int   // Result.Code
	}{
		{"good CRL", p.leaf, nil, [][]*crl.CRL{good(p.inter)}, CRLPeer, CRLPolicy{}, nil, OK},
		{"missing fails", p.leaf, nil, nil, CRLPeer, CRLPolicy{}, []int{UnableToGetCRL}, UnableToGetCRL},
		{"missing allowed", p.leaf, nil, nil, CRLPeer, CRLPolicy{Missing: CRLAllow}, nil, OK},
		{"expired fails", p.leaf, nil, [][]*crl.CRL{expired}, CRLPeer, CRLPolicy{}, []int{CRLHasExpired}, CRLHasExpired},
		{"expired allowed", p.leaf, nil, [][]*crl.CRL{expired}, CRLPeer, CRLPolicy{Expired: CRLAllow}, nil, OK},
		{"expired within grace", p.leaf, nil, [][]*crl.CRL{expired}, CRLPeer, CRLPolicy{Expired: CRLGrace, Grace: time.Hour}, nil, OK},
		{"expired beyond grace", p.leaf, nil, [][]*crl.CRL{expired}, CRLPeer, CRLPolicy{Expired: CRLGrace, Grace: time.Hour - time.Second}, []int{CRLHasExpired}, CRLHasExpired},
		{"expired allowed, not-yet-valid policy irrelevant", p.leaf, nil, [][]*crl.CRL{expired}, CRLPeer, CRLPolicy{NotYetValid: CRLAllow}, []int{CRLHasExpired}, CRLHasExpired},
		{"not yet valid fails", p.leaf, nil, [][]*crl.CRL{future}, CRLPeer, CRLPolicy{}, []int{CRLNotYetValid}, CRLNotYetValid},
		{"not yet valid within grace", p.leaf, nil, [][]*crl.CRL{future}, CRLPeer, CRLPolicy{NotYetValid: CRLGrace, Grace: 2 * time.Hour}, nil, OK},
		{"not yet valid beyond grace", p.leaf, nil, [][]*crl.CRL{future}, CRLPeer, CRLPolicy{NotYetValid: CRLGrace, Grace: time.Minute}, []int{CRLNotYetValid}, CRLNotYetValid},
		{"revocation is never relaxed", p.leaf, nil, [][]*crl.CRL{expiredRevoked}, CRLPeer, CRLPolicy{Expired: CRLAllow}, []int{CertRevoked}, CertRevoked},
		{"other problems stay", expiredLeaf, nil, [][]*crl.CRL{expired}, CRLPeer, CRLPolicy{Expired: CRLAllow}, []int{CertHasExpired}, CertHasExpired},
		{"crl-check all, root CRL expired", p.leaf, nil, [][]*crl.CRL{good(p.inter), expiredRoot}, CRLAll, CRLPolicy{},
			[]int{CRLHasExpired, CRLHasExpired}, CRLHasExpired},
		{"skip trust anchor", p.leaf, nil, [][]*crl.CRL{good(p.inter), expiredRoot}, CRLAll, CRLPolicy{SkipTrustAnchor: true},
			[]int{CRLHasExpired}, CRLHasExpired},
		// The root's CRL covers the intermediate too: only the root is excused.
		{"skip trust anchor does not excuse the intermediate", p.leaf, nil, [][]*crl.CRL{good(p.inter)}, CRLAll, CRLPolicy{SkipTrustAnchor: true},
			[]int{UnableToGetCRL}, UnableToGetCRL},
		{"skip trust anchor needs an anchor", p.leaf, []IssuerSource{}, [][]*crl.CRL{good(p.root)}, CRLAll, CRLPolicy{SkipTrustAnchor: true},
			[]int{UnableToGetIssuerCertLocally, UnableToGetCRL, UnableToGetCRL}, UnableToGetIssuerCertLocally},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			trust := tc.trust
			if trust == nil {
				trust = []IssuerSource{pool}
			}
			var srcs []CRLSource
			for _, l := range tc.crls {
				srcs = append(srcs, crl.NewStore(l...))
			}
			opts := &Options{Trust: trust, Intermediates: []*x509.Certificate{p.inter.Cert}, CRLs: srcs,
				CRLCheck: tc.mode, CRLPolicy: tc.policy, MaxDepth: -1, Time: now}
			r := Verify(tc.leaf.Cert, opts)
			var got []int
			for _, pr := range r.AllProblems() {
				got = append(got, pr.Code)
			}
			if !reflect.DeepEqual(got, tc.want) || r.Code != tc.wantTop {
				t.Errorf("Code %d, AllProblems %v; want %d, %v", r.Code, r.AllProblems(), tc.wantTop, tc.want)
			}
			checkConsistent(t, r)
		})
	}
}

// TestCRLPolicyValidate rejects the policies Verify cannot apply as given.
func TestCRLPolicyValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p    CRLPolicy
		want string // "" = valid
	}{
		{CRLPolicy{}, ""},
		{CRLPolicy{Missing: CRLAllow, Expired: CRLGrace, NotYetValid: CRLGrace, Grace: time.Hour, SkipTrustAnchor: true}, ""},
		{CRLPolicy{Expired: 7}, "crl-expired"},
		{CRLPolicy{NotYetValid: -1}, "crl-not-yet-valid"},
		{CRLPolicy{Missing: CRLGrace}, "crl-missing"},
		{CRLPolicy{Grace: -time.Second}, "crl-grace"},
	} {
		err := tc.p.Validate()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: error %v, want one naming %q", tc.p, err, tc.want)
		}
	}
	for _, s := range []string{"", "fail", " Allow ", "GRACE"} {
		a, err := ParseCRLAction(s)
		if err != nil || !strings.EqualFold(strings.TrimSpace(s), a.String()) && s != "" {
			t.Errorf("ParseCRLAction(%q) = %v, %v", s, a, err)
		}
	}
	if _, err := ParseCRLAction("sometimes"); err == nil {
		t.Error(`ParseCRLAction("sometimes") accepted`)
	}
}
