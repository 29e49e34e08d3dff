package verify

import (
	"fmt"
	"strings"
	"time"

	"github.com/sslstream/sslstream/crl"
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

// ParseCRLAction parses "fail" (also ""), "allow" or "grace", ignoring case
// and surrounding spaces.
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

// CRLPolicy says what to do, when CRLs are checked (Options.CRLCheck peer
// or all), about a CRL that is missing, expired or not yet valid. The zero
// value is OpenSSL's behaviour: each is a verification error (codes 3, 12
// and 11). Verify applies the policy where it finds those problems: a
// problem the policy allows is not recorded at all, so every part of the
// Result (Code, Depth, FinalCode, Problems, AllProblems, Hint) agrees.
// Revocation itself (code 23), bad CRL signatures (8) and every other CRL
// problem are never relaxed.
type CRLPolicy struct {
	// Missing (setting "crl-missing": fail or allow) applies to "unable to
	// get certificate CRL" (3). CRLGrace is not allowed: there are no
	// dates to measure a grace period from.
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
	// problems for the trust anchor at the top of a trusted chain, which
	// under CRLAll otherwise needs a CRL issued by itself.
	SkipTrustAnchor bool
}

// Validate reports a policy Verify cannot apply as given: an action other
// than CRLFail, CRLAllow and CRLGrace, CRLGrace for Missing, or a negative
// Grace. (Verify itself treats an unknown action as CRLFail.)
func (p CRLPolicy) Validate() error {
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

// crlAllowed reports whether the policy lets Verify pass over code (3, 11
// or 12) at chain position i; l is the CRL whose dates are wrong (nil for
// a missing CRL).
func (e *engine) crlAllowed(code, i int, l *crl.CRL) bool {
	p := &e.opts.CRLPolicy
	var a CRLAction
	switch code {
	case UnableToGetCRL:
		a = p.Missing
	case CRLHasExpired:
		a = p.Expired
	case CRLNotYetValid:
		a = p.NotYetValid
	default:
		return false
	}
	if p.SkipTrustAnchor && i == len(e.chain)-1 && e.anchored() {
		return true
	}
	switch a {
	case CRLAllow:
		return true
	case CRLGrace:
		if l == nil || l.List == nil || p.Grace < 0 {
			return false
		}
		switch code {
		case CRLHasExpired:
			return !l.List.NextUpdate.IsZero() && e.now.Sub(l.List.NextUpdate) <= p.Grace
		case CRLNotYetValid:
			return l.List.ThisUpdate.Sub(e.now) <= p.Grace
		}
	}
	return false
}

// anchored reports whether chain building reached a trust anchor: none of
// the problems recorded so far says otherwise.
func (e *engine) anchored() bool {
	for _, pr := range e.problems {
		switch pr.Code {
		case UnableToGetIssuerCert, UnableToGetIssuerCertLocally, DepthZeroSelfSignedCert,
			SelfSignedCertInChain, CertChainTooLong, CertUntrusted, CertRejected:
			return false
		}
	}
	return len(e.chain) > 0
}
