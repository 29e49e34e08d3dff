// Package x509text renders an X.509 certificate as OpenSSL 3.0's
// `openssl x509 -text -noout` prints it, byte for byte for the certificates
// real CAs issue: RSA, ECDSA (P-224, P-256, P-384, P-521), Ed25519, Ed448
// and DSA keys; PKCS#1 v1.5, RSASSA-PSS, ECDSA, EdDSA and DSA signatures; version 1 and 3
// certificates; and the common extensions (basic constraints, key usage,
// extended key usage, key identifiers, alternative names, certificate
// policies, CRL distribution points, authority and subject information
// access, name constraints, policy mappings and constraints, inhibit any
// policy, TLS feature, OCSP no-check, private key usage period, CRL number,
// delta CRL indicator, certificate issuer, the Netscape comment, URL and
// certificate type extensions, CT precertificate SCT lists and poison). An
// extension it does not decode is printed as OpenSSL prints one it does not
// know: by default its raw value with each byte outside printable ASCII
// shown as '.'; Options.Unknown selects openssl's -certopt ext_error and
// ext_dump forms instead, and Options.Omit its no_* options. The trust
// settings of OpenSSL's TRUSTED CERTIFICATE blocks (ParseAux) are printed
// after the signature as openssl does.
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
