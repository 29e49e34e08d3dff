package verify

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sslstream/sslstream/dn"
)

// hint returns one line of advice for the usual mistakes behind r.Code.
func hint(r *Result, opts *Options, now time.Time) string {
	if r.Code == OK {
		return ""
	}
	var at *Problem
	for i := range r.Problems {
		if !r.Problems[i].CRLPath { // a CRL issuer chain's problem is not r.Code's
			at = &r.Problems[i]
			break
		}
	}
	subj := ""
	if at != nil {
		subj = at.Subject
	}
	certAt := func(d int) string {
		if d >= 0 && d < len(r.Chain) {
			return dn.String(r.Chain[d].RawSubject)
		}
		return subj
	}
	issuerAt := func(d int) string {
		if d >= 0 && d < len(r.Chain) {
			return dn.String(r.Chain[d].RawIssuer)
		}
		return ""
	}
	stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }
	where := opts.trustSettings()
	switch r.Code {
	case UnableToGetIssuerCertLocally, UnableToVerifyLeafSignature:
		return missingIssuerHint(r, opts)
	case UnableToGetIssuerCert:
		return fmt.Sprintf("the trust store holds %q but not the root %q above it: add the root to %s (or accept partial chains)", certAt(r.Depth), issuerAt(r.Depth), where)
	case SelfSignedCertInChain:
		return fmt.Sprintf("the root %q sent by the peer is not trusted: add it to %s if you trust it", certAt(r.Depth), where)
	case DepthZeroSelfSignedCert:
		return fmt.Sprintf("the certificate %q is self-signed: trust it explicitly by putting it in %s, or use a CA-issued certificate", certAt(0), where)
	case CertHasExpired, CertNotYetValid:
		if r.Depth < len(r.Chain) {
			c := r.Chain[r.Depth]
			what := "expired"
			if r.Code == CertNotYetValid {
				what = "is not yet valid"
			}
			return fmt.Sprintf("%q %s: valid from %s to %s, verification time %s (check the clocks)", dn.String(c.RawSubject), what, stamp(c.NotBefore), stamp(c.NotAfter), stamp(now))
		}
	case HostnameMismatch, IPAddressMismatch:
		if len(r.Chain) > 0 {
			c := r.Chain[0]
			// Names come from the peer: quoted, so that control
			// characters cannot forge log lines.
			var names []string
			for _, n := range c.DNSNames {
				names = append(names, strconv.Quote(n))
			}
			for _, ip := range c.IPAddresses {
				names = append(names, ip.String())
			}
			if len(names) == 0 && c.Subject.CommonName != "" {
				names = append(names, "CN "+strconv.Quote(c.Subject.CommonName))
			}
			return fmt.Sprintf("the certificate is for %s, not for %q: connect with one of those names or fix server-name", strings.Join(names, ", "), opts.Hostname)
		}
	case CRLHasExpired, CRLNotYetValid:
		return fmt.Sprintf("the CRL for %q is out of date (verification time %s): fetch a current CRL", subj, stamp(now))
	case UnableToGetCRL:
		return fmt.Sprintf("no CRL from the issuer %q of %q: add it to crl-file/ca-directory or lower crl-check", issuerAt(r.Depth), certAt(r.Depth))
	case CertRevoked:
		return fmt.Sprintf("%q has been revoked by its CA", subj)
	case CertChainTooLong:
		return fmt.Sprintf("the chain needs more intermediates than max-depth %d allows: raise max-depth", opts.MaxDepth)
	case CertRejected:
		return fmt.Sprintf("the trust settings of %q (a TRUSTED CERTIFICATE in the trust store) reject it for %s, or trust it only for other uses: rewrite it with openssl x509 -trustout -addtrust, or use a plain CERTIFICATE", subj, opts.Purpose)
	case InvalidPurpose:
		return fmt.Sprintf("%q is not allowed for %s (extended key usage)", subj, opts.Purpose)
	case InvalidCA:
		return fmt.Sprintf("%q is used as a CA but is not marked as one (basicConstraints CA:TRUE)", subj)
	case EEKeyTooSmall, CAKeyTooSmall:
		return fmt.Sprintf("the key of %q is too weak for security level %d: reissue it with a larger key (RSA 2048+, or ECDSA)", subj, opts.AuthLevel)
	case CAMDTooWeak:
		return fmt.Sprintf("%q is signed with a digest too weak for security level %d (SHA-1 or MD5): reissue it with SHA-256 or lower the level (@SECLEVEL=0)", subj, opts.AuthLevel)
	case PermittedViolation, ExcludedViolation:
		return fmt.Sprintf("a name of %q is outside what a CA above it may issue for (name constraints): the certificate was issued by the wrong CA", subj)
	case PathLengthExceeded:
		return fmt.Sprintf("%q allows fewer CAs below it (pathLenConstraint) than this chain has", subj)
	case KeyUsageNoCertSign:
		return fmt.Sprintf("%q signed a certificate but its key usage does not allow certificate signing", subj)
	case UnhandledCriticalExtension:
		return fmt.Sprintf("%q has a critical extension OpenSSL does not understand, so it must be refused", subj)
	case CRLPathValidationError:
		return fmt.Sprintf("the CRL for %q is signed by another certificate of its issuer, whose own chain does not verify to the same trust anchor (see the [CRL path] errors)", subj)
	case ProxyCertificatesNotAllowed:
		return fmt.Sprintf("%q is an RFC 3820 proxy certificate: accept proxies with allow-proxy-certs (openssl -allow_proxy_certs) if you mean to", subj)
	case ProxyPathLengthExceeded:
		return fmt.Sprintf("the proxy %q allows fewer proxies below it (pCPathLenConstraint) than this chain has", subj)
	case ProxySubjectNameViolation:
		return fmt.Sprintf("the subject of the proxy %q must be its issuer's name %q plus one commonName", subj, issuerAt(r.Depth))
	case KeyUsageNoDigitalSignature:
		return fmt.Sprintf("%q signed a proxy certificate but its key usage does not allow digitalSignature", subj)
	case InvalidNonCA:
		return fmt.Sprintf("%q issued a proxy certificate but is a CA: proxies are issued by end entities or other proxies", subj)
	case InvalidPolicyExtension:
		return fmt.Sprintf("the certificate policy extensions of %q are malformed or inconsistent (a repeated policy, a mapping to or from anyPolicy, an empty mapping list or policy constraint, a negative count): reissue it", subj)
	case NoExplicitPolicy:
		if len(opts.Policies) == 0 && opts.ExplicitPolicy {
			return "an explicit policy is required but no acceptable policy was given: name the policies the chain must have (policy setting, openssl -policy), or do not require one"
		}
		return "an explicit policy is required (by explicit-policy or a CA's requireExplicitPolicy constraint) and no acceptable policy is valid through the whole chain: check the certificatePolicies of every certificate and the policies asked for"
	case OutOfMem:
		if len(r.Problems) > 0 && r.Problems[len(r.Problems)-1].Aborted {
			return "the chain's certificate policies and mappings make a policy tree of more than 1000 nodes, which OpenSSL refuses (CVE-2023-0464): the chain is hostile or badly built"
		}
	case CertSignatureFailure:
		return fmt.Sprintf("the signature of %q does not verify: the certificate is corrupt or was issued by a different key of the same name", subj)
	}
	return fmt.Sprintf("verification failed at depth %d (%s): %s", r.Depth, subj, Text(r.Code))
}

// missingIssuerHint explains codes 20 and 21: the issuer of the top
// certificate found is neither among those sent nor trusted. Whether that
// issuer is an intermediate the peer should have sent or a root missing
// from the trust store cannot be known from its name, so the hint covers
// both, unless the trust store holds a certificate of that name which did
// not issue it (another key, key identifier or key usage: a re-keyed CA or
// another CA of the same name).
func missingIssuerHint(r *Result, opts *Options) string {
	where := opts.trustSettings()
	if r.Depth < 0 || r.Depth >= len(r.Chain) {
		return fmt.Sprintf("verification failed at depth %d: %s", r.Depth, Text(r.Code))
	}
	c := r.Chain[r.Depth]
	subj, iss := dn.String(c.RawSubject), dn.String(c.RawIssuer)
	if trustHoldsName(opts, c.RawIssuer) {
		return fmt.Sprintf("%s holds a certificate named %q, but it did not issue %q (a different key, key identifier or key usage): the CA was re-keyed or %q comes from another CA of the same name; add the CA certificate that issued it", where, iss, subj, subj)
	}
	advice := fmt.Sprintf("if %q is a root you trust, add it to %s; if it is an intermediate CA, the peer must send it along (and its root must be trusted)", iss, where)
	if r.Depth == 0 && len(opts.Intermediates) == 0 {
		return fmt.Sprintf("the peer sent only its own certificate %q, issued by %q, which is not in %s either: %s", subj, iss, where, advice)
	}
	return fmt.Sprintf("%q was issued by %q, which is neither sent by the peer nor in %s: %s", subj, iss, where, advice)
}

// trustHoldsName reports whether a trust source has a certificate whose
// subject is rawName (lookup errors count as no).
func trustHoldsName(opts *Options, rawName []byte) bool {
	for _, src := range opts.Trust {
		if src == nil {
			continue
		}
		if cs, err := src.Issuers(rawName); err == nil && len(cs) > 0 {
			return true
		}
	}
	return false
}

// trustSettings names the settings that hold the trust anchors, for hints.
func (o *Options) trustSettings() string {
	if o.TrustSettings != "" {
		return o.TrustSettings
	}
	return "ca-file/ca-directory"
}
