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
//     up: 34 unhandled critical extension, 40 proxy certificate, 79
//     invalid CA (an issuer that is not a CA by basicConstraints, or whose
//     keyUsage lacks keyCertSign; the trust anchor may also be a v1 root),
//     the strict checks (below), 26 purpose (Options.Purpose: extended key
//     usage, Netscape cert type and key usage as OpenSSL 3.0's nine
//     purposes check them; a trusted certificate's explicit trust for the
//     purpose passes, its explicit rejection fails), 25 path length.
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
//     identifier, scope, times; newest first) from Options.CRLs: 3 no CRL,
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
//     without keyCertSign, 7 signature failure, 9 not yet valid, 10
//     expired (OpenSSL 3.0 counts the notAfter second as expired). The
//     self-signature of the top certificate is checked only with
//     Options.CheckSelfSignature (-check_ss_sig); Options.NoCheckTime
//     (-no_check_time, unless Options.Time is set) skips 9 and 10, the CRL
//     times 11 and 12, and the validity preference of chain building.
//  7. Name constraints (check_name_constraints): 47 permitted, 48
//     excluded, 49, 51, 53, checking subject, email attributes,
//     subjectAltNames and, for a leaf without DNS names, commonNames that
//     look like host names.
//  8. Certificate policies (check_policy), when Options.PolicyCheck or
//     any other policy option is set: OpenSSL 3.0's X509_policy_check
//     (RFC 5280 6.1's valid policy tree, bounded to 1000 nodes): 42 for
//     each certificate below the trust anchor with a malformed or
//     inconsistent policy extension, 43 when an explicit policy is
//     required and none of Options.Policies is valid, 17 (Problem.Aborted,
//     no callback) when the tree outgrows its bound.
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
// expired. On the x509-limbo suite strict mode passes 186 of the 198 SERVER
// cases (testdata/limbo-strict-failures.md lists the others and why).
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
