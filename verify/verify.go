package verify

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/dn"
)

// Purpose is the purpose a chain is verified for (OpenSSL's -purpose).
type Purpose int

const (
	// PurposeAny checks no purpose (openssl verify without -purpose).
	PurposeAny Purpose = iota
	// PurposeSSLServer is OpenSSL's "sslserver": a TLS server certificate.
	PurposeSSLServer
	// PurposeSSLClient is OpenSSL's "sslclient": a TLS client certificate.
	PurposeSSLClient
	// PurposeNSSSLServer is OpenSSL's "nssslserver": sslserver, and a
	// leaf whose keyUsage allows key encipherment.
	PurposeNSSSLServer
	// PurposeSMIMESign is OpenSSL's "smimesign": an S/MIME signing
	// certificate (emailProtection; digitalSignature or nonRepudiation).
	PurposeSMIMESign
	// PurposeSMIMEEncrypt is OpenSSL's "smimeencrypt": an S/MIME
	// encryption certificate (emailProtection; keyEncipherment).
	PurposeSMIMEEncrypt
	// PurposeCRLSign is OpenSSL's "crlsign": a CRL signer (cRLSign).
	PurposeCRLSign
	// PurposeOCSPHelper is OpenSSL's "ocsphelper": the CAs must be CAs,
	// the leaf is not checked.
	PurposeOCSPHelper
	// PurposeTimestampSign is OpenSSL's "timestampsign": a time stamping
	// authority (only a critical timeStamping extended key usage).
	PurposeTimestampSign
)

// String returns OpenSSL's name of the purpose ("any" for PurposeAny).
func (p Purpose) String() string {
	for _, n := range purposeNames {
		if n.p == p {
			return n.name
		}
	}
	return fmt.Sprintf("Purpose(%d)", int(p))
}

// CRLMode says which certificates are checked against CRLs.
type CRLMode int

const (
	// CRLNone checks no CRL.
	CRLNone CRLMode = iota
	// CRLPeer checks the leaf (openssl -crl_check).
	CRLPeer
	// CRLAll checks every certificate of the chain, the root included
	// (openssl -crl_check_all).
	CRLAll
)

// String returns the setting's name: "none", "peer" or "all".
func (m CRLMode) String() string {
	switch m {
	case CRLNone:
		return "none"
	case CRLPeer:
		return "peer"
	case CRLAll:
		return "all"
	}
	return fmt.Sprintf("CRLMode(%d)", int(m))
}

// CRLSource answers which CRLs an issuer name has. A *crl.Store (crl-file)
// and a cadir.Dir (ca-directory) implement it.
type CRLSource interface {
	CRLs(rawIssuer []byte) ([]*crl.CRL, error)
}

// Options are the inputs of one verification.
type Options struct {
	// Trust are the trust anchor sources: the Pool of ca-file, then the
	// cadir.Dir of ca-directory, queried by issuer name in that order.
	Trust []IssuerSource
	// TrustSettings names the settings that hold Trust in the advice of
	// Result.Hint ("add the root to ca-file/ca-directory"); empty means
	// "ca-file/ca-directory". A verifier whose anchors come from other
	// settings (sslstream's verify-ca-file, verify-ca-directory) names
	// those.
	TrustSettings string
	// Intermediates are untrusted certificates that may complete the chain:
	// the peer's chain after its leaf, or the --untrusted file.
	Intermediates []*x509.Certificate
	// CRLs are the CRL sources, consulted in order.
	CRLs []CRLSource
	// CRLFileFirst makes the first CRL source the verification's own
	// CRLs, as openssl verify's -CRLfile (X509_STORE_CTX_set0_crls): they
	// are searched on their own first, and the other sources (the store:
	// CA directories) only when none of them is fully valid, for a CRL
	// that scores at least as well and adds reasons (so an expired CRL of
	// the file is kept over a current one of the directory). Without it
	// all sources are searched together, as s_client and s_server do,
	// which add their -CRLfile CRLs to the store.
	CRLFileFirst bool
	// CRLCheck selects the certificates checked against CRLs.
	CRLCheck CRLMode
	// CRLPolicy relaxes what CRLCheck does about missing, expired and not
	// yet valid CRLs; the zero value is OpenSSL's behaviour.
	CRLPolicy CRLPolicy
	// MaxDepth is OpenSSL's verify depth: the most intermediate CA
	// certificates allowed between the leaf and the trust anchor. A chain
	// that needs more fails with code 22 at depth MaxDepth+1. Negative
	// means no limit of the caller's: OpenSSL's built-in default of 100
	// applies, which also bounds the work a hostile chain can cause.
	MaxDepth int
	// Time is the verification time; zero means now.
	Time time.Time
	// Hostname is checked against the leaf (code 62); an IP literal is
	// checked against its IP addresses instead (code 64). "" checks nothing.
	Hostname string
	// Purpose is checked on every certificate of the chain (code 26), and
	// selects the use the trust settings of the anchors are consulted for
	// (code 28), as OpenSSL's -purpose does.
	Purpose Purpose
	// PartialChain accepts a trusted certificate that is not self-signed as
	// the end of the chain (X509_V_FLAG_PARTIAL_CHAIN).
	PartialChain bool
	// Strict adds the checks of OpenSSL's -x509_strict and further RFC 5280
	// and CA/Browser Forum rules, and, unlike OpenSSL, backtracks: when the
	// chain built fails a check, other candidate issuers are tried and the
	// first chain that passes every check is the result, within bounds
	// (see the package documentation).
	Strict bool
	// AuthLevel is OpenSSL's authentication security level (-auth_level;
	// a TLS connection uses the context's security level, 1 by default
	// in OpenSSL 3.0): 0 checks nothing; from 1 to 5, keys must offer at
	// least 80, 112, 128, 192, 256 bits of security (codes 66 for the leaf,
	// 67 for CAs) and signatures, except the trust anchor's, a digest of
	// that strength (68: SHA-1 counts 63 bits, MD5 39).
	AuthLevel int
	// CheckSelfSignature also verifies the signature of a self-signed
	// certificate at the top of the chain, the trust anchor's own
	// (openssl -check_ss_sig): a bad self-signature is 7 at its depth.
	// OpenSSL, and Verify by default, skip it.
	CheckSelfSignature bool
	// NoCheckTime skips the validity periods of certificates and CRLs
	// (openssl -no_check_time): no 9, 10, 11 or 12, and every candidate
	// issuer counts as currently valid. As in OpenSSL, it has no effect
	// when Time is set (-attime wins).
	NoCheckTime bool
	// UseDeltas combines a delta CRL with its base CRL (openssl
	// -use_deltas; see the package documentation). Without it delta CRLs
	// are not used as deltas.
	UseDeltas bool
	// ExtendedCRL enables OpenSSL's extended CRL support (openssl
	// -extended_crl): indirect CRLs, CRLs limited to some reasons, and
	// CRLs signed by another certificate of the CA, whose own chain is
	// then verified.
	ExtendedCRL bool
	// AllowProxyCerts accepts RFC 3820 proxy certificates (openssl
	// -allow_proxy_certs), under OpenSSL's rules: a proxy is issued by an
	// end entity or another proxy whose key usage, if any, allows
	// digitalSignature (39); its pCPathLenConstraint bounds the proxies
	// below it (38); its subject is its issuer's name plus one commonName
	// (72). Without it a proxy certificate in the chain fails with 40.
	// The chain of a CRL's issuer never accepts proxies.
	AllowProxyCerts bool
	// PolicyCheck checks certificate policies as OpenSSL 3.0's
	// X509_policy_check does (openssl -policy_check): after every other
	// check, a certificate whose certificatePolicies, policyMappings,
	// policyConstraints or inhibitAnyPolicy extension is malformed or
	// breaks RFC 5280's rules fails with 42 at its depth, and when an
	// explicit policy is required (by ExplicitPolicy or a
	// requireExplicitPolicy constraint) a chain without a valid policy
	// acceptable to Policies fails with 43. Policies, ExplicitPolicy,
	// InhibitAnyPolicy and InhibitPolicyMapping each imply it. A policy
	// tree that would hold more than OpenSSL's 1000 nodes (CVE-2023-0464)
	// stops the verification with 17 ("out of memory"), as OpenSSL does.
	PolicyCheck bool
	// Policies is the user's initial policy set (openssl -policy, each
	// OID once); empty means anyPolicy. As in OpenSSL, it only decides
	// anything when an explicit policy is required.
	Policies []x509.OID
	// ExplicitPolicy requires a valid policy (openssl -explicit_policy).
	ExplicitPolicy bool
	// InhibitAnyPolicy does not let anyPolicy match (openssl -inhibit_any).
	InhibitAnyPolicy bool
	// InhibitPolicyMapping ignores policy mappings (openssl -inhibit_map).
	InhibitPolicyMapping bool
}

// Problem is one error found in the chain, as `openssl verify` prints it.
type Problem struct {
	// Code is the OpenSSL verification code, Depth the position in the
	// built chain (0 = leaf) of the certificate it concerns.
	Code, Depth int
	// Text is Text(Code).
	Text string
	// Subject is the one-line subject of the certificate concerned ("" when
	// none).
	Subject string
	// CRLPath is true for a problem of the chain of a CRL's issuer,
	// verified on its own under ExtendedCRL (Depth is in that chain);
	// openssl verify prints it with a "[CRL path] " prefix.
	CRLPath bool
	// Aborted is true for an error that ended the verification without
	// OpenSSL's verify callback (X509_verify_cert returned -1: code 17
	// when the policy tree outgrew its bound). openssl verify prints no
	// error line for it, only its final "verification failed" line.
	Aborted bool
}

// String formats the problem as `openssl verify` does.
func (p Problem) String() string {
	prefix := ""
	if p.CRLPath {
		prefix = "[CRL path] "
	}
	return fmt.Sprintf("%serror %d at %d depth lookup: %s", prefix, p.Code, p.Depth, p.Text)
}

// Result is the outcome of Verify.
type Result struct {
	// Code and Depth are the first error and its depth (0, 0 when the chain
	// verifies): what a handshake under verify optional/required fails with.
	Code, Depth int
	// FinalCode is what OpenSSL's SSL_get_verify_result reports when a
	// callback lets verification continue past every error (as s_client
	// does): the last error found, 0 when none.
	FinalCode int
	// Problems are the errors in the order `openssl verify` prints them:
	// it continues past some errors (expired, self-signed leaf, invalid CA,
	// path length, purpose, CRL times, unhandled critical extension, ...)
	// and stops at the first other one.
	Problems []Problem
	// Chain is the chain as built, leaf first (as far as it could be built).
	Chain []*x509.Certificate
	// Sent is the leaf followed by Options.Intermediates, as supplied.
	Sent []*x509.Certificate
	// TrustSource names the source of the trust anchor, "" when none was
	// found.
	TrustSource string
	// CRLsUsed are the Source names of the CRLs consulted.
	CRLsUsed []string
	// Hint is one line of advice about the usual mistakes, "" when the chain
	// verifies.
	Hint string
	// PolicyTree is what openssl verify prints of the valid policy tree
	// (its policies_print) after error 43 and, under -policy_print, before
	// the OK of a chain that verified: "Require explicit Policy: True" or
	// "False", then the authority and user policy sets, each policy with
	// its criticality and qualifiers. "" when policies were not checked or
	// the check failed otherwise (42, 17).
	PolicyTree string

	// all holds every problem found when continuing past every error.
	all []Problem
}

// OK reports whether the chain verified (Code 0).
func (r *Result) OK() bool { return r != nil && r.Code == OK }

// Text returns Text(r.Code).
func (r *Result) Text() string {
	if r == nil {
		return Text(OK)
	}
	return Text(r.Code)
}

// AllProblems returns every problem found when verification continues past
// every error (as under s_client's callback); FinalCode is the last one's.
func (r *Result) AllProblems() []Problem {
	if r == nil {
		return nil
	}
	return append([]Problem(nil), r.all...)
}

// Text returns OpenSSL 3.0's X509_verify_cert_error_string text for code,
// e.g. Text(20) == "unable to get local issuer certificate".
func Text(code int) string {
	if code >= 0 && code < len(codeTexts) && codeTexts[code] != "" {
		return codeTexts[code]
	}
	return "unknown certificate verification error"
}

// continuable lists the codes past which `openssl verify` (its callback in
// apps/verify.c) continues, found by experiment with OpenSSL 3.0.
var continuable = map[int]bool{
	CertHasExpired:                  true,
	DepthZeroSelfSignedCert:         true,
	InvalidCA:                       true,
	InvalidNonCA:                    true,
	PathLengthExceeded:              true,
	CRLHasExpired:                   true,
	CRLNotYetValid:                  true,
	UnhandledCriticalExtension:      true,
	InvalidPurpose:                  true,
	NoExplicitPolicy:                true,
	PathlenInvalidForNonCA:          true,
	PathlenWithoutKUKeyCertSign:     true,
	CABasicConstraintsNotCritical:   true,
	CACertMissingKeyUsage:           true,
	KUKeyCertSignInvalidForNonCA:    true,
	IssuerNameEmpty:                 true,
	SubjectNameEmpty:                true,
	EmptySubjectSANNotCritical:      true,
	EmptySubjectAltName:             true,
	SignatureAlgorithmInconsistency: true,
	AuthorityKeyIdentifierCritical:  true,
	SubjectKeyIdentifierCritical:    true,
	MissingAuthorityKeyIdentifier:   true,
	MissingSubjectKeyIdentifier:     true,
	ExtensionsRequireVersion3:       true,
}

// Continuable reports whether `openssl verify` continues after printing an
// error with this code (true for expired, self-signed leaf, invalid CA,
// path length, purpose, CRL validity times, unhandled critical extension
// and the -x509_strict conformance errors).
func Continuable(code int) bool { return continuable[code] }

// defaultDepth is OpenSSL's default verify depth (X509_VERIFY_PARAM
// "default"), used when Options.MaxDepth is negative.
const defaultDepth = 100

// engine is the state of one verification, as X509_STORE_CTX is OpenSSL's.
type engine struct {
	opts         *Options
	now          time.Time
	info         *infoCache
	chain        []*certInfo
	numUntrusted int
	maxDepth     int
	problems     []Problem
	trustSource  string
	anchorSrc    anchorSources
	crlsUsed     []string
	sigs         *sigCache // the first trusted Pool's, if any
	crlPath      bool      // verifying the chain of a CRL's issuer
	policyTree   string    // Result.PolicyTree

	// Storage for the usual short chain, so that one allocation holds
	// the state of a whole verification.
	infoStore infoCache
	chainBuf  [4]*certInfo
}

// report records a problem at depth (with the certificate concerned) and
// continues, as a callback that accepts every error does.
func (e *engine) report(code, depth int, ci *certInfo) {
	p := Problem{Code: code, Depth: depth, Text: Text(code)}
	if ci != nil {
		p.Subject = dn.String(ci.c.RawSubject)
	}
	e.problems = append(e.problems, p)
}

// Verify verifies leaf as OpenSSL 3.0's X509_verify_cert does with the
// given options, and reports every problem it finds. It never panics and
// never returns nil; a nil leaf or nil opts yields an "unspecified" result.
func Verify(leaf *x509.Certificate, opts *Options) (res *Result) {
	defer func() {
		if r := recover(); r != nil {
			// A malformed certificate must not take the caller down.
			res = &Result{}
			res.Code, res.Depth, res.FinalCode = Unspecified, 0, Unspecified
			res.Problems = []Problem{{Code: Unspecified, Text: Text(Unspecified)}}
			res.all = res.Problems
			res.Hint = fmt.Sprintf("internal error while verifying: %v", r)
		}
	}()
	return verify(leaf, opts)
}

// newEngine is the state of a verification with opts, before the chain.
func newEngine(opts *Options) *engine {
	e := &engine{opts: opts}
	e.info = &e.infoStore
	e.info.init(opts.Trust)
	e.now = opts.Time
	if e.now.IsZero() {
		e.now = time.Now()
	}
	e.now = e.now.Truncate(time.Second) // OpenSSL compares whole seconds
	for _, src := range opts.Trust {
		if p, ok := src.(*Pool); ok && p != nil {
			e.sigs = p.sigs
			break
		}
	}
	e.maxDepth = defaultDepth + 1
	if opts.MaxDepth >= 0 {
		e.maxDepth = opts.MaxDepth + 1
	}
	return e
}

// verify is Verify without the panic guard (the fuzz target calls it, so
// that a panic is a finding).
func verify(leaf *x509.Certificate, opts *Options) *Result {
	res := &Result{}
	if leaf == nil || opts == nil {
		p := Problem{Code: Unspecified, Text: Text(Unspecified)}
		res.Code, res.FinalCode = Unspecified, Unspecified
		res.Problems, res.all = []Problem{p}, []Problem{p}
		res.Hint = "no certificate to verify"
		return res
	}
	e := newEngine(opts)
	// Sent and Chain share one array.
	certs := make([]*x509.Certificate, 0, 2*(1+len(opts.Intermediates))+1)
	res.Sent = append(certs, leaf)
	res.Sent = append(res.Sent, opts.Intermediates...)
	res.Sent = res.Sent[:len(res.Sent):len(res.Sent)]

	e.run(leaf)
	if opts.Strict && len(e.problems) > 0 {
		// Strict mode only: OpenSSL keeps the chain its builder made.
		if alt := e.backtrack(); alt != nil {
			e = alt
		}
	}

	res.all = e.problems
	res.Chain = certs[len(res.Sent):len(res.Sent)]
	for _, ci := range e.chain {
		res.Chain = append(res.Chain, ci.c)
	}
	res.TrustSource = e.trustSource
	res.PolicyTree = e.policyTree
	res.CRLsUsed = e.crlsUsed
	if own := ownProblems(e.problems); len(own) > 0 {
		first := own[0]
		res.Code, res.Depth = first.Code, first.Depth
		res.FinalCode = own[len(own)-1].Code
	}
	if len(e.problems) > 0 {
		for i, p := range e.problems {
			if !continuable[p.Code] && !p.CRLPath {
				res.Problems = e.problems[: i+1 : i+1]
				break
			}
		}
		if res.Problems == nil {
			res.Problems = e.problems
		}
	}
	res.Hint = hint(res, opts, e.now)
	return res
}

// run is X509_verify_cert's verify_chain with a callback that continues
// past every error.
func (e *engine) run(leaf *x509.Certificate) {
	e.chain = append(e.chainBuf[:0], e.info.get(leaf))
	e.numUntrusted = 1
	if !e.keyLevelOK(e.chain[0]) {
		e.report(EEKeyTooSmall, 0, e.chain[0])
	}
	e.buildChain()
	e.checkChain()
}

// checkChain makes every check of X509_verify_cert's verify_chain after
// build_chain, on the chain built.
func (e *engine) checkChain() {
	e.checkExtensions()
	e.checkAuthLevel()
	e.checkID()
	e.checkRevocation()
	e.internalVerify()
	before := len(e.problems)
	e.checkNameConstraints()
	if e.opts.policyChecking() {
		// OpenSSL's error depth at this point: 0 from the end of
		// internal_verify, or that of the last name constraints error.
		depth := 0
		if len(e.problems) > before {
			depth = e.problems[len(e.problems)-1].Depth
		}
		if !e.checkPolicy(depth) {
			return
		}
	}
	if e.opts.Strict {
		// After every check OpenSSL makes: when openssl verify
		// -x509_strict fails too, the first error is the same.
		e.extraStrictChecks()
	}
}

// trustedIssuer is X509_STORE_CTX_get1_issuer over the trust sources: the
// first candidate that issued x and is valid now, else the one that expires
// last.
func (e *engine) trustedIssuer(x *certInfo) *certInfo {
	var best *certInfo
	for _, src := range e.opts.Trust {
		if src == nil {
			continue
		}
		cands, err := src.Issuers(x.c.RawIssuer)
		if err != nil {
			continue
		}
		for _, c := range cands {
			if c == nil {
				continue
			}
			e.anchorSrc.note(c, src)
			ci := e.info.get(c)
			if !checkIssued(x, ci) {
				continue
			}
			if e.timeValid(ci) {
				return ci
			}
			if best == nil || ci.c.NotAfter.After(best.c.NotAfter) {
				best = ci
			}
		}
	}
	return best
}

// exactTrusted finds x itself among the trust anchors (lookup_cert_match).
func (e *engine) exactTrusted(x *certInfo) *certInfo {
	for _, src := range e.opts.Trust {
		if src == nil {
			continue
		}
		cands, err := src.Issuers(x.c.RawSubject)
		if err != nil {
			continue
		}
		for _, c := range cands {
			if c != nil && bytes.Equal(c.Raw, x.c.Raw) {
				e.anchorSrc.note(c, src)
				return e.info.get(c)
			}
		}
	}
	return nil
}

// checkIssued is OpenSSL's check_issued (ossl_x509_likely_issued): names
// match, the authority key identifier fits and the signature algorithm
// suits the issuer's key. The signature itself is checked later.
func checkIssued(subject, issuer *certInfo) bool {
	if subject.invalid || issuer.invalid {
		// OpenSSL cannot cache the extensions of either (EXFLAG_INVALID),
		// so it never links them.
		return false
	}
	if !sameName(subject.c.RawIssuer, subject.issuerValid, issuer.c.RawSubject, issuer.subjectValid) {
		return false
	}
	if checkAKID(issuer, subject) != OK {
		return false
	}
	return sigAlgMatches(issuer, subject)
}

// timeValid is ossl_x509_check_cert_time without callback.
func (e *engine) timeValid(ci *certInfo) bool {
	return e.skipTimes() || !e.now.Before(ci.c.NotBefore) && !e.expired(ci)
}

// expired: OpenSSL 3.0 counts the notAfter second itself as expired; RFC
// 5280 (strict mode) counts it as valid.
func (e *engine) expired(ci *certInfo) bool {
	if e.opts.Strict {
		return e.now.After(ci.c.NotAfter)
	}
	return !e.now.Before(ci.c.NotAfter)
}

func (e *engine) inChain(c *x509.Certificate) bool {
	for _, ci := range e.chain {
		if ci.c == c || bytes.Equal(ci.c.Raw, c.Raw) {
			return true
		}
	}
	return false
}

// untrustedIssuer is get0_best_issuer_sk over the remaining untrusted
// certificates, skipping those already in the chain.
func (e *engine) untrustedIssuer(pool []*x509.Certificate, x *certInfo) int {
	best := -1
	for i, c := range pool {
		if c == nil {
			continue
		}
		if !(x.selfIssued && len(e.chain) == 1) && e.inChain(c) {
			continue
		}
		ci := e.info.get(c)
		if !checkIssued(x, ci) {
			continue
		}
		if e.timeValid(ci) {
			return i
		}
		if best < 0 || ci.c.NotAfter.After(pool[best].NotAfter) {
			best = i
		}
	}
	return best
}

// checkTrust is OpenSSL's check_trust: is the chain anchored at or above
// position n? A trusted certificate anchors it when X509_check_trust says
// so (a self-signed one without trust settings, or one explicitly trusted
// for the purpose); an explicitly rejected one is reported (28) and, the
// callback continuing, leaves the chain untrusted.
func (e *engine) checkTrust(n int) int {
	num := len(e.chain)
	for i := n; i < num; i++ {
		switch e.checkTrustOf(e.chain[i], false) {
		case trustTrusted:
			e.noteAnchor(e.chain[i])
			return trustTrusted
		case trustRejected:
			e.report(CertRejected, i, e.chain[i])
			return trustUntrusted
		}
	}
	if n < num {
		if e.opts.PartialChain {
			e.noteAnchor(e.chain[num-1])
			return trustTrusted
		}
		return trustUntrusted
	}
	if n == num && e.opts.PartialChain {
		if m := e.exactTrusted(e.chain[0]); m != nil {
			if e.checkTrustOf(m, false) == trustRejected {
				e.report(CertRejected, 0, e.chain[0])
				return trustUntrusted
			}
			e.chain[0] = m
			e.numUntrusted = 0
			e.noteAnchor(m)
			return trustTrusted
		}
	}
	return trustUntrusted
}

func (e *engine) noteAnchor(ci *certInfo) {
	if e.trustSource == "" {
		if src, ok := e.anchorSrc.of(ci.c); ok {
			e.trustSource = sourceName(src)
		}
	}
}

// buildChain is OpenSSL 3.0's build_chain in its default trusted-first mode.
func (e *engine) buildChain() {
	untrusted := append([]*x509.Certificate(nil), e.opts.Intermediates...)
	searchUntrusted := len(untrusted) > 0
	searchTrusted := true
	trust := trustUntrusted

	for searchTrusted || searchUntrusted {
		num := len(e.chain)
		if searchTrusted {
			curr := e.chain[num-1]
			var issuer *certInfo
			if num <= e.maxDepth {
				issuer = e.trustedIssuer(curr)
			}
			ok := issuer != nil
			selfSigned := false
			if ok {
				selfSigned = curr.selfSigned
				if !selfSigned {
					e.chain = append(e.chain, issuer)
					selfSigned = issuer.selfSigned
				} else if !bytes.Equal(curr.c.Raw, issuer.c.Raw) {
					ok = false // self-signed untrusted mimic of an anchor
				} else {
					num--
					e.numUntrusted = num
					e.chain[num] = issuer
				}
				if ok {
					searchUntrusted = false
					trust = e.checkTrust(num)
					if trust != trustUntrusted {
						break
					}
					if !selfSigned {
						continue
					}
				}
			}
			if !searchUntrusted {
				break
			}
		}
		if searchUntrusted {
			num = len(e.chain)
			curr := e.chain[num-1]
			idx := -1
			if !curr.selfSigned && num <= e.maxDepth {
				idx = e.untrustedIssuer(untrusted, curr)
			}
			if idx < 0 {
				searchUntrusted = false
				searchTrusted = true
				continue
			}
			c := untrusted[idx]
			untrusted = append(untrusted[:idx:idx], untrusted[idx+1:]...)
			e.chain = append(e.chain, e.info.get(c))
			e.numUntrusted++
		}
	}

	num := len(e.chain)
	if num <= e.maxDepth && trust == trustUntrusted && num == e.numUntrusted {
		trust = e.checkTrust(num)
	}
	if trust == trustTrusted {
		return
	}
	if num > e.maxDepth {
		e.report(CertChainTooLong, num-1, e.chain[num-1])
	}
	top := e.chain[num-1]
	switch {
	case top.selfSigned && !top.invalid && num == 1:
		e.report(DepthZeroSelfSignedCert, num-1, top)
	case top.selfSigned && !top.invalid:
		e.report(SelfSignedCertInChain, num-1, top)
	case e.numUntrusted < num:
		e.report(UnableToGetIssuerCert, num-1, top)
	default:
		e.report(UnableToGetIssuerCertLocally, num-1, top)
	}
}

// checkCA is X509_check_ca: 0 not a CA, 1 a CA by basic constraints, 3 a
// self-signed version 1 root, 4 keyUsage with keyCertSign only, 5 a
// Netscape CA.
func checkCA(ci *certInfo) int {
	if ci.invalid {
		return 0 // its extensions do not decode
	}
	if ci.kuPresent && ci.ku&x509.KeyUsageCertSign == 0 {
		return 0
	}
	if ci.bcPresent {
		if ci.ca {
			return 1
		}
		return 0
	}
	if ci.c.Version == 1 && ci.selfSigned {
		return 3
	}
	if ci.kuPresent {
		return 4
	}
	if ci.nsPresent && ci.ns&nsAnyCA != 0 {
		return 5
	}
	return 0
}

func checkSSLCA(ci *certInfo) bool {
	r := checkCA(ci)
	if r == 0 {
		return false
	}
	return r != 5 || ci.ns&nsSSLCA != 0
}

// checkExtensions is OpenSSL's check_extensions (plus strict mode).
func (e *engine) checkExtensions() {
	num := len(e.chain)
	mustBeCA := -1
	plen, proxyPathLen := int64(0), int64(0)
	strict := e.opts.Strict
	allowProxy := e.opts.AllowProxyCerts && !e.crlPath
	for i, x := range e.chain {
		if x.unhandledCritical {
			e.report(UnhandledCriticalExtension, i, x)
		}
		if x.proxy && !allowProxy {
			e.report(ProxyCertificatesNotAllowed, i, x)
		}
		ret := checkCA(x)
		switch mustBeCA {
		case -1:
			if strict && ret != 1 && ret != 0 {
				e.report(InvalidCA, i, x)
			}
		case 0:
			if ret != 0 {
				e.report(InvalidNonCA, i, x)
			}
		default:
			if ret == 0 || ((i+1 < num || strict) && ret != 1) {
				e.report(InvalidCA, i, x)
			}
		}
		if num > 1 && x.key.ExplicitCurve {
			// check_curve, in every mode since OpenSSL 3.0.
			e.report(ECKeyExplicitParams, i, x)
		}
		if strict && num > 1 {
			e.strictChecks(i, x)
		}
		if e.opts.Purpose != PurposeAny && !e.purposeOK(i, x, mustBeCA > 0) {
			e.report(InvalidPurpose, i, x)
		}
		// Proxies below count towards plen, but so much more path
		// length is allowed (OpenSSL's arithmetic, with its quirk: a
		// pCPathLenConstraint resets the proxy count to its value).
		if i > 1 && x.pathLen != -1 && plen > x.pathLen+proxyPathLen {
			e.report(PathLengthExceeded, i, x)
		}
		if i > 0 && !x.selfIssued {
			plen++
		}
		// After a proxy comes another proxy or the end entity that
		// issued it; after anything else a CA.
		if x.proxy {
			if x.pcPathLen != -1 {
				if proxyPathLen > x.pcPathLen {
					e.report(ProxyPathLengthExceeded, i, x)
				}
				proxyPathLen = x.pcPathLen
			}
			proxyPathLen++
			mustBeCA = 0
		} else {
			mustBeCA = 1
		}
	}
}

// checkID is OpenSSL's check_id: host name or IP address of the leaf.
func (e *engine) checkID() {
	h := e.opts.Hostname
	if h == "" {
		return
	}
	leaf := e.chain[0]
	if ip := parseIPLiteral(h); ip != nil {
		if !matchIP(leaf, ip) {
			e.report(IPAddressMismatch, 0, leaf)
		}
		return
	}
	if !matchHost(leaf, h, e.opts.Strict) {
		e.report(HostnameMismatch, 0, leaf)
	}
}

// parseIPLiteral returns the 4- or 16-byte form of an IP literal (brackets
// around IPv6 allowed), nil when s is not one.
func parseIPLiteral(s string) []byte {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.' || c == ':') {
			return nil // a host name: spare ParseIP's error
		}
	}
	ip := net.ParseIP(s)
	if ip == nil {
		return nil
	}
	if v4 := ip.To4(); v4 != nil && !strings.Contains(s, ":") {
		return v4
	}
	return ip.To16()
}

// internalVerify is OpenSSL's internal_verify: signatures and validity
// times from the top of the chain down.
func (e *engine) internalVerify() {
	n := len(e.chain) - 1
	xi := e.chain[n]
	xs := xi
	if !(checkIssued(xi, xi)) && !e.opts.PartialChain {
		if n > 0 {
			n--
			xs = e.chain[n]
		} else {
			e.report(UnableToVerifyLeafSignature, 0, xi)
		}
	}
	for n >= 0 {
		if xs != xi || e.checkSelfSig(xi) {
			issuerDepth := n + 1
			if xs == xi {
				issuerDepth = n
			}
			// ossl_x509_signing_allowed: a proxy's issuer signs with
			// digitalSignature, a certificate's issuer with keyCertSign.
			if !(xs == xi && !xi.ca) && xi.kuPresent {
				if xs.proxy && xi.ku&x509.KeyUsageDigitalSignature == 0 {
					e.report(KeyUsageNoDigitalSignature, issuerDepth, xi)
				} else if !xs.proxy && xi.ku&x509.KeyUsageCertSign == 0 {
					e.report(KeyUsageNoCertSign, issuerDepth, xi)
				}
			}
			if !xi.pubKeyOK {
				e.report(UnableToDecodeIssuerPublicKey, issuerDepth, xi)
			} else if !e.sigs.check(xi.c, xs.c, func() bool {
				return checkCertSignature(xi, xs)
			}) {
				e.report(CertSignatureFailure, n, xs)
			}
		}
		e.checkTime(xs, n)
		n--
		if n >= 0 {
			xi = xs
			xs = e.chain[n]
		}
	}
}

// checkTime reports 9 / 10 for a certificate outside its validity period
// (OpenSSL 3.0 treats the notAfter second itself as expired).
func (e *engine) checkTime(ci *certInfo, depth int) {
	if e.skipTimes() {
		return
	}
	if e.now.Before(ci.c.NotBefore) {
		e.report(CertNotYetValid, depth, ci)
	}
	if e.expired(ci) {
		e.report(CertHasExpired, depth, ci)
	}
}
