package sslstream

import "github.com/sslstream/sslstream/verify"

// CRLAction is what a CRLPolicy does with one kind of CRL problem
// (verify.CRLAction).
type CRLAction = verify.CRLAction

const (
	// CRLFail (the zero value) keeps the problem, as OpenSSL does: under
	// verify optional or required the handshake fails.
	CRLFail = verify.CRLFail
	// CRLAllow ignores the problem.
	CRLAllow = verify.CRLAllow
	// CRLGrace ignores the problem while the CRL is within
	// CRLPolicy.Grace of its validity period.
	CRLGrace = verify.CRLGrace
)

// CRLPolicy says what to do, when CRLs are checked (crl-check peer or
// all), about a CRL that is missing, expired or not yet valid
// (verify.CRLPolicy). The zero value is OpenSSL's behaviour. The
// verification applies it while checking, so VerifyResult, VerifyReport
// and the handshake decision all see the same relaxed result.
type CRLPolicy = verify.CRLPolicy

// ParseCRLAction parses "fail" (also ""), "allow" or "grace".
func ParseCRLAction(s string) (CRLAction, error) { return verify.ParseCRLAction(s) }
