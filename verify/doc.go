// Package verify verifies X.509 certificate chains the way OpenSSL 3.0's
// X509_verify_cert does, and reports the outcome with OpenSSL's numeric
// codes and texts (X509_V_ERR_*, X509_verify_cert_error_string).
//
// It does not use crypto/x509's Certificate.Verify: the first error, its
// depth and the list of problems must be OpenSSL's, and they depend on
// OpenSSL's order of checks, which is reproduced here.
//
// # Order of checks
//
// Verify runs the steps of OpenSSL's verify_chain in order. A callback that
// accepts an error lets OpenSSL continue to the next check, so one chain can
// have several problems; Verify records them all (Result.AllProblems), then
// derives what the different OpenSSL callers see.
//
//  1. Chain building (build_chain, trusted-first): from the leaf, look for
//     the issuer among the trust anchors (Options.Trust, queried by issuer
//     name: ca-file then ca-directory), else among the untrusted
//     certificates (Options.Intermediates), and repeat. A candidate issuer
//     must have the issuer's name (canonical comparison), fit the subject's
//     authority key identifier and have a key of the signature algorithm's
//     type, and neither may have an extension OpenSSL cannot decode; among several, the first valid at the verification time wins,
//     else the one expiring last (no other candidate is tried when a later
//     check fails, as in OpenSSL 3.0). A self-signed untrusted certificate
//     is replaced by an identical trusted one. The chain is trusted once a
//     trusted certificate passes X509_check_trust for the purpose: a
//     self-signed one without trust settings, or any one whose trust
//     settings (TRUSTED CERTIFICATE, TrustSettingsSource) trust it for the
//     purpose's use (or any trusted one with PartialChain). One whose
//     settings reject the use, or trust it for other uses only, is 28
//     certificate rejected. Errors: 22 chain too long (at depth MaxDepth+1), 18
//     self-signed leaf, 19 self-signed certificate in chain, 20 unable to
//     get local issuer, 2 unable to get issuer (a trusted certificate
//     whose issuer is missing).
//  2. Extensions (check_extensions), for each certificate from the leaf
//     up: 34 unhandled critical extension, 40 proxy certificate (unless
//     Options.AllowProxyCerts), 79 invalid CA (an issuer that is not a CA
//     by basicConstraints, or whose keyUsage lacks keyCertSign; the trust
//     anchor may also be a v1 root), 37 invalid non-CA (a CA that issued
//     a proxy), the strict checks (below), 26 purpose (Options.Purpose:
//     extended key usage, Netscape cert type and key usage as OpenSSL
//     3.0's nine purposes check them, the issuer of a proxy as a leaf; a
//     trusted certificate's explicit trust for the purpose passes, its
//     explicit rejection fails), 25 path length (the proxies below add to
//     the allowance), 38 proxy path length (pCPathLenConstraint).
//  3. Authentication level (check_auth_level), when Options.AuthLevel is
//     set: issuer keys too weak (67, the trust anchor's included),
//     signature digests below the trust anchor too weak (68). The leaf's
//     key (66) is checked before step 1. RSA keys are rated by NIST SP
//     800-56B's estimate as OpenSSL 3.0 rates them (a 2000-bit key reaches
//     112 bits).
//  4. Identity (check_id): 62 host name mismatch or 64 IP address mismatch
//     for Options.Hostname, with OpenSSL's rules: DNS subjectAltNames, a
//     wildcard only as the whole or the start/end of the first label of a
//     name with at least three labels, never in an IDNA label; the
//     commonName only when the certificate has no DNS subjectAltName.
//  5. Revocation (check_revocation) when Options.CRLCheck is set: for the
//     leaf (CRLPeer) or every certificate including the root (CRLAll), the
//     best CRL of the certificate's issuer (matching name, authority key
//     identifier, scope, times; newest first) from Options.CRLs (with
//     Options.CRLFileFirst the first source alone first, as openssl
//     verify searches its -CRLfile CRLs before the store, and the others
//     only when it has no fully valid CRL: a CRL there must score at
//     least as well and cover a reason the first did not, so an expired
//     CRL of the file is kept over a current one of a CA directory): 3 no CRL,
//     35 issuer lacks cRLSign, 44 different scope, 11 / 12 CRL not yet
//     valid / expired, 8 CRL signature failure, 36 unhandled critical CRL
//     extension, 23 revoked. Options.CRLPolicy may let 3, 11 and 12 pass
//     (allowed, or within a grace period, or for the trust anchor); an
//     allowed problem is not recorded at all. With Options.UseDeltas, a
//     delta CRL of the chosen CRL (get_delta_sk: same issuer, authority
//     key identifier and issuing distribution point, base number at most
//     the CRL's number, own number above it; only when the certificate
//     or the CRL has a freshest CRL extension) is checked too (times only
//     when the base's are not current, as OpenSSL does, and a current
//     delta hides the base's expiry; signature, 36)
//     and consulted first: its removeFromCRL entry un-revokes. Without
//     Options.ExtendedCRL a delta CRL also counts as a complete CRL (as in
//     OpenSSL); with it, a delta alone is no CRL, indirect CRLs (entries
//     matched to the certificate issuer named by their certificateIssuer
//     extension) and CRLs for some reasons only are used. A CRL whose
//     tbsCertList names another signature algorithm than the outer one is
//     verified with the outer one (OpenSSL does not compare them for
//     CRLs); an issuing distribution point that does not decode is
//     ignored, as OpenSSL ignores it.
//  6. Signatures and times (internal_verify), from the top of the chain
//     down: 21 unable to verify the first certificate (a lone untrusted
//     leaf, reached only when continuing past 20), 32 issuer keyUsage
//     without keyCertSign (39 without digitalSignature for the issuer of
//     a proxy), 7 signature failure, 9 not yet valid, 10
//     expired (OpenSSL 3.0 counts the notAfter second as expired). The
//     self-signature of the top certificate is checked only with
//     Options.CheckSelfSignature (-check_ss_sig); Options.NoCheckTime
//     (-no_check_time, unless Options.Time is set) skips 9 and 10, the CRL
//     times 11 and 12, and the validity preference of chain building.
//  7. Name constraints (check_name_constraints): first 72 proxy subject
//     name violation (a proxy's subject must be its issuer name plus one
//     commonName RDN); then, for each certificate below a constrained CA
//     (self-issued intermediates excepted), at the depth of the
//     constrained certificate: its subject (as a
//     directoryName: the constraint's canonical form a prefix of the
//     subject's), its emailAddress attributes (53 unless IA5String), every
//     subjectAltName and, for a leaf without DNS names, commonNames that
//     look like host names (53 for an embedded NUL). A name is matched
//     only against constraints of its own type: 47 when none of the
//     permitted ones matches, 48 when an excluded one does, 49 for a
//     constraint with a minimum other than 0 or a maximum, 51 for a
//     constraint of a type OpenSSL cannot match (otherName with the same
//     type-id, x400Address, ediPartyName, registeredID), 53 for a name it
//     cannot read (an email without '@', a URI without "scheme://host",
//     an IP address or IP constraint of the wrong length). An
//     SmtpUTF8Mailbox otherName is matched against rfc822Name constraints
//     as OpenSSL 3.0 does it: the constraint's A-labels turned into
//     U-labels (1 unspecified when that fails), the whole constraint
//     compared with the host part, so that neither a mailbox constraint
//     nor one with a leading '.' matches an ordinary address (3.0's
//     nc_email_eai; later OpenSSL versions fix both). OpenSSL 3.0 never
//     reports 52 here; our strict mode does, for DNS constraints that are
//     not host names.
//  8. Certificate policies (check_policy), when Options.PolicyCheck or
//     any other policy option is set: OpenSSL 3.0's X509_policy_check
//     (RFC 5280 6.1's valid policy tree, bounded to 1000 nodes): 42 for
//     each certificate below the trust anchor with a malformed or
//     inconsistent policy extension, 43 when an explicit policy is
//     required and none of Options.Policies is valid, 17 (Problem.Aborted,
//     no callback) when the tree outgrows its bound.
//
// A proxy certificate (RFC 3820: a proxyCertInfo extension) that is also a
// CA, or has a subject or issuer alternative name, or whose proxyCertInfo
// does not decode, is one whose extensions OpenSSL cannot cache
// (EXFLAG_INVALID): it never links in a chain. The policy language
// (id-ppl-inheritAll, id-ppl-independent, id-ppl-anyLanguage or another)
// and the policy are decoded and otherwise ignored, as by OpenSSL.
//
// # What the callers see
//
// Result.Code and Result.Depth are the first problem: what a TLS handshake
// under verify optional or required fails with (OpenSSL stops at the first
// error). Result.Problems is what `openssl verify` prints: its callback
// continues past expired certificates, a self-signed leaf, invalid CA,
// path length, purpose, CRL validity times, unhandled critical extensions
// and the -x509_strict conformance errors (Continuable), and stops at any
// other. Result.FinalCode is what s_client's "Verify return code" shows,
// whose callback continues past everything: the last problem (for a lone
// leaf whose issuer is unknown, 21 after 20).
//
// # Strict mode
//
// Options.Strict (the x509-strict setting) adds OpenSSL's -x509_strict
// checks, which OpenSSL's default mode skips: 79 for a trust anchor that is
// not a CA by basicConstraints, 80 pathLen on a non-CA, 81 pathLen without
// keyCertSign, 89 CA basicConstraints not critical, 92 CA without keyUsage,
// 82 keyCertSign on a non-CA, 83 empty issuer, 84 empty subject, 88 empty
// subject with a non-critical subjectAltName, 87 empty subjectAltName, 78
// inconsistent signature algorithms, 90 / 91 critical authority / subject
// key identifier, 85 missing authority key identifier, 86 missing subject
// key identifier, 93 extensions in a non-v3 certificate. Strict mode then
// adds rules OpenSSL has no flag for, checked after all of OpenSSL's so
// that a chain openssl verify -x509_strict refuses fails with the same
// first error, ours following it in Result.AllProblems (extraStrict in
// strict.go has the full list): positive serial numbers of
// at most 20 octets, version 3 except for a self-signed anchor, RSA keys of
// 2048+ bits and no DSA, critical name and policy constraints only in CAs,
// valid DNS syntax in subjectAltNames and DNS constraints, and for the leaf
// the CA/Browser Forum profile (not a CA, a subjectAltName, an extended key
// usage without anyExtendedKeyUsage, a commonName among the
// subjectAltNames). Host names are matched without the commonName fallback
// and without partial-label wildcards, the peer name must itself satisfy
// the chain's name constraints, a CRL must carry a CRL number, and the
// notAfter second counts as valid (RFC 5280) where OpenSSL 3.0 counts it as
// expired.
//
// Strict mode also builds the chain differently when it has a choice.
// OpenSSL 3.0 picks one issuer per step (the first candidate whose name,
// authority key identifier and key type fit and that is valid now) and
// keeps it even when the chain then fails a later check; the default mode
// does the same. In strict mode, when the chain so built has any problem
// (name constraints, purpose, basic constraints, path length, key usage,
// signature, validity, no trust anchor, ...), the other candidate issuers,
// trusted and untrusted, are tried depth-first, trusted ones first, and
// the first chain up to a trust anchor that passes every check is the
// result. When none does, the result is that of the first chain, so the
// problems reported do not change. The search is bounded: at most 8
// candidates per certificate, 100 issuer choices in all, no path longer
// than the verify depth; a CRL issuer's own chain is not searched. On the
// x509-limbo suite strict mode passes 188 of the 198 SERVER cases
// (testdata/limbo-strict-failures.md lists the others and why).
//
// # Performance
//
// A Pool remembers the outcome of the signature checks made while it was
// the first trust source (keyed by a hash of the issuer key and the signed
// certificate, so a hit is exact): a client that verifies the same server
// chain on every connection does the public-key work once. A Pool also
// computes what the checks need to know about its anchors once, when it is
// made, and names are compared as OpenSSL compares them without building
// their canonical forms, so that a chain seen for the first time costs
// about what crypto/x509 spends on it (the signature checks, the same for
// both, are nearly all of it) and allocates less. The benchmarks compare
// Verify with x509.Certificate.Verify on the same chain, with and without
// that cache.
//
// Without Strict the behaviour is OpenSSL-compatible; the differential
// tests compare it with the local `openssl verify` on generated chains.
package verify
