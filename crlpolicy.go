package sslstream

import (
	"fmt"
	"strings"
	"time"

	"github.com/sslstream/sslstream/verify"
)

// CRLAction is what a CRLPolicy does with one kind of CRL problem.
type CRLAction int

const (
	// CRLFail (the zero value) keeps the problem, as OpenSSL does: under
	// verify optional or required the handshake fails.
	CRLFail CRLAction = iota
	// CRLAllow ignores the problem.
	CRLAllow
	// CRLGrace ignores the problem while the CRL is within
	// CRLPolicy.Grace of its validity period (for an expired CRL: its
	// nextUpdate is at most Grace ago; for a CRL not yet valid: its
	// thisUpdate is at most Grace ahead).
	CRLGrace
)

// String returns the setting value: "fail", "allow" or "grace".
func (a CRLAction) String() string {
	switch a {
	case CRLFail:
		return "fail"
	case CRLAllow:
		return "allow"
	case CRLGrace:
		return "grace"
	}
	return fmt.Sprintf("CRLAction(%d)", int(a))
}

// ParseCRLAction parses "fail" (also ""), "allow" or "grace".
func ParseCRLAction(s string) (CRLAction, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "fail":
		return CRLFail, nil
	case "allow":
		return CRLAllow, nil
	case "grace":
		return CRLGrace, nil
	}
	return 0, fmt.Errorf("%q: allowed values are fail, allow, grace", s)
}

// CRLPolicy says what to do, when CRLs are checked (crl-check peer or
// all), about a CRL that is missing, expired or not yet valid. The zero
// value is OpenSSL's behaviour: each is a verification error (codes 3, 12
// and 11). The policy only removes those problems from the verify result
// (VerifyResult, VerifyReport and the handshake decision); revocation
// itself (code 23) and bad CRL signatures are never relaxed.
type CRLPolicy struct {
	// Missing (setting "crl-missing": fail or allow) applies to "unable to
	// get certificate CRL" (3).
	Missing CRLAction
	// Expired (setting "crl-expired": fail, allow or grace) applies to
	// "CRL has expired" (12).
	Expired CRLAction
	// NotYetValid (setting "crl-not-yet-valid": fail, allow or grace)
	// applies to "CRL is not yet valid" (11).
	NotYetValid CRLAction
	// Grace is the tolerance of CRLGrace (setting "crl-grace", a Go
	// duration such as "36h").
	Grace time.Duration
	// SkipTrustAnchor (setting "crl-skip-trust-anchor") ignores the three
	// problems for the trust anchor at the top of the chain, which under
	// crl-check all otherwise needs a CRL issued by itself.
	SkipTrustAnchor bool
}

func (p CRLPolicy) check() error {
	for _, a := range []struct {
		name string
		v    CRLAction
	}{{"crl-missing", p.Missing}, {"crl-expired", p.Expired}, {"crl-not-yet-valid", p.NotYetValid}} {
		if a.v < CRLFail || a.v > CRLGrace {
			return fmt.Errorf("%s %d: allowed values are CRLFail, CRLAllow, CRLGrace", a.name, int(a.v))
		}
	}
	if p.Missing == CRLGrace {
		return fmt.Errorf("crl-missing grace: allowed values are fail, allow (a grace period needs a CRL's dates)")
	}
	if p.Grace < 0 {
		return fmt.Errorf("crl-grace %v: want a duration >= 0", p.Grace)
	}
	return nil
}

func (p CRLPolicy) relaxes() bool {
	return p.Missing != CRLFail || p.Expired != CRLFail || p.NotYetValid != CRLFail || p.SkipTrustAnchor
}

// Verify codes a CRLPolicy handles.
const (
	codeUnableToGetCRL  = 3
	codeCRLNotYetValid  = 11
	codeCRLHasExpired   = 12
	codeSelfSignedLeaf  = 18
	codeSelfSignedChain = 19
	codeNoIssuerLocal   = 20
	codeNoIssuer        = 2
	codeNoLeafVerify    = 21
)

// apply returns r with the problems p allows removed and its codes
// recomputed (r itself when nothing changes). srcs are the context's CRL
// sources, used to find the dates of CRLs for CRLGrace.
func (p CRLPolicy) apply(r *verify.Result, srcs []verify.CRLSource, now time.Time) *verify.Result {
	if r == nil || len(r.Problems) == 0 || !p.relaxes() {
		return r
	}
	if now.IsZero() {
		now = time.Now()
	}
	anchored := len(r.Chain) > 0
	for _, pr := range r.Problems {
		switch pr.Code {
		case codeNoIssuer, codeNoIssuerLocal, codeSelfSignedLeaf, codeSelfSignedChain, codeNoLeafVerify:
			anchored = false
		}
	}
	var kept []verify.Problem
	for _, pr := range r.Problems {
		if !p.allows(pr, r, anchored, srcs, now) {
			kept = append(kept, pr)
		}
	}
	if len(kept) == len(r.Problems) {
		return r
	}
	n := *r
	n.Problems = kept
	n.Code, n.Depth, n.FinalCode = 0, 0, 0
	if len(kept) > 0 {
		n.Code, n.Depth = kept[0].Code, kept[0].Depth
		n.FinalCode = r.FinalCode
		still := false
		for _, k := range kept {
			still = still || k.Code == r.FinalCode
		}
		if !still {
			n.FinalCode = kept[len(kept)-1].Code
		}
	}
	if n.Code == 0 {
		n.Hint = ""
	}
	return &n
}

func (p CRLPolicy) allows(pr verify.Problem, r *verify.Result, anchored bool, srcs []verify.CRLSource, now time.Time) bool {
	var a CRLAction
	switch pr.Code {
	case codeUnableToGetCRL:
		a = p.Missing
	case codeCRLHasExpired:
		a = p.Expired
	case codeCRLNotYetValid:
		a = p.NotYetValid
	default:
		return false
	}
	if p.SkipTrustAnchor && anchored && pr.Depth == len(r.Chain)-1 {
		return true
	}
	switch a {
	case CRLAllow:
		return true
	case CRLGrace:
		if pr.Depth < 0 || pr.Depth >= len(r.Chain) {
			return false
		}
		cert := r.Chain[pr.Depth]
		for _, src := range srcs {
			crls, err := src.CRLs(cert.RawIssuer)
			if err != nil {
				continue
			}
			for _, c := range crls {
				l := c.List
				if l == nil {
					continue
				}
				switch pr.Code {
				case codeCRLHasExpired:
					if !l.NextUpdate.IsZero() && now.After(l.NextUpdate) && now.Sub(l.NextUpdate) <= p.Grace {
						return true
					}
				case codeCRLNotYetValid:
					if now.Before(l.ThisUpdate) && l.ThisUpdate.Sub(now) <= p.Grace {
						return true
					}
				}
			}
		}
	}
	return false
}
