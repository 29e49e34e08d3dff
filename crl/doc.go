// Package crl loads certificate revocation lists (PEM with one or more
// "X509 CRL" blocks, or DER) and answers "is this serial revoked?" in
// constant time, also for CRLs with millions of entries.
//
// A parsed CRL keeps the standard library's *x509.RevocationList for
// everything outside the list of revoked certificates (raw TBS bytes,
// signature algorithm and value, issuer, thisUpdate, nextUpdate, CRL
// extensions with their critical flags, CRL number, authority key
// identifier), and its own compact hash index over the revoked entries,
// which refers into the CRL's DER instead of materialising one
// x509.RevocationListEntry per entry. Lookup builds the entry (serial,
// revocation time, reason code, entry extensions) on demand.
//
// IssuingDistributionPoint, DeltaCRLIndicator, CriticalEntryExtensions and
// UnhandledCriticalExtension decode what OpenSSL's CRL checks look at.
//
// This package checks structure only. Verifying the CRL's signature (over
// List.RawTBSRevocationList with the issuer's key), its times, its issuer and
// its critical extensions is the verification engine's job (package verify).
//
// Store groups CRLs by issuer name with OpenSSL's name comparison
// (dn.Equal), for the verification engine.
package crl
