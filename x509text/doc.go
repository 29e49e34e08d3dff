// Package x509text renders an X.509 certificate as OpenSSL 3.0's
// `openssl x509 -text -noout` prints it, byte for byte for the certificates
// real CAs issue: RSA, ECDSA (P-224, P-256, P-384, P-521) and Ed25519 keys;
// PKCS#1 v1.5, RSASSA-PSS, ECDSA and Ed25519 signatures; version 1 and 3
// certificates; and the common extensions (basic constraints, key usage,
// extended key usage, key identifiers, alternative names, certificate
// policies, CRL distribution points, authority and subject information
// access, name constraints, policy mappings and constraints, inhibit any
// policy, TLS feature, OCSP no-check, Netscape comment and certificate type,
// CT precertificate SCTs and poison). An extension it does not know is
// printed as OpenSSL prints one it does not know: its raw value with each
// byte outside printable ASCII shown as '.'.
//
// The format was learnt from the output of openssl 3.0 on many certificates
// (the package's tests compare against the local openssl); no OpenSSL code
// is used. Text never fails and never panics on a certificate that
// crypto/x509 parsed: a part it cannot decode is printed the way OpenSSL
// falls back for it.
//
// Names: Name prints a DER name in the forms of openssl's -nameopt: the
// default one-line form (`C = DE, O = "Foo, Inc.", CN = example.com`, the
// package dn's form) and RFC 2253 (`CN=example.com,O=Foo\, Inc.,C=DE`).
// Inside extensions OpenSSL prints directory names in fixed forms whatever
// -nameopt says; so does this package.
package x509text
