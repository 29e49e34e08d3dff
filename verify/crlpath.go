package verify

import (
	"bytes"
	"time"
)

// CRL issuers off the chain (Options.ExtendedCRL): OpenSSL's crl_akid_check
// looks for a CRL's issuer among the untrusted certificates when it is not
// in the chain (a CA that signs its CRLs with another key, under the same
// name), and check_crl_path then verifies that certificate's own chain,
// which must end at the same trust anchor (check_crl_chain).

// untrustedCRLIssuer returns the first untrusted certificate with the CRL's
// issuer name that fits its authority key identifier.
func (e *engine) untrustedCRLIssuer(rawIssuer []byte, akid *certInfo) *certInfo {
	for _, c := range e.opts.Intermediates {
		if c == nil {
			continue
		}
		ci := e.info.get(c)
		if !sameName(ci.c.RawSubject, ci.subjectValid, rawIssuer, true) {
			continue
		}
		if checkAKID(ci, akid) == OK {
			return ci
		}
	}
	return nil
}

// ownProblems returns the problems of the chain itself, without those of
// CRL issuer chains.
func ownProblems(all []Problem) []Problem {
	n := 0
	for _, p := range all {
		if !p.CRLPath {
			n++
		}
	}
	if n == len(all) {
		return all
	}
	out := make([]Problem, 0, n)
	for _, p := range all {
		if !p.CRLPath {
			out = append(out, p)
		}
	}
	return out
}

// checkCRLPath is check_crl_path: verify issuer's chain with the same
// options. Its problems are recorded (CRLPath set) up to the first one
// openssl verify's callback does not continue past, which ends that
// verification; it succeeds when there was none and the chain ends at
// this chain's trust anchor. A CRL issuer chain does not get CRL issuer
// chains of its own (OpenSSL refuses the recursion).
func (e *engine) checkCRLPath(issuer *certInfo) bool {
	if e.crlPath {
		return false
	}
	sub := &engine{opts: e.opts, crlPath: true, sigs: e.sigs, maxDepth: e.maxDepth}
	sub.info = &sub.infoStore
	sub.info.init(e.opts.Trust)
	sub.now = e.now
	if sub.now.IsZero() {
		sub.now = time.Now().Truncate(time.Second)
	}
	sub.run(issuer.c)
	ok := true
	for _, p := range sub.problems {
		p.CRLPath = true
		e.problems = append(e.problems, p)
		if !continuable[p.Code] {
			ok = false
			break
		}
	}
	if !ok || len(sub.chain) == 0 || len(e.chain) == 0 {
		return false
	}
	return bytes.Equal(sub.chain[len(sub.chain)-1].c.Raw, e.chain[len(e.chain)-1].c.Raw)
}
