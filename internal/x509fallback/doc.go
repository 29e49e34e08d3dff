// Package x509fallback reads the X.509 certificates crypto/x509 refuses but
// OpenSSL 3.0 loads, so that they still get OpenSSL's verdict instead of a
// load error: EC keys with explicit curve parameters, curves Go does not
// know (SM2), certificate policies extensions Go cannot decode, and other
// certificates whose outer structure is sound.
//
// Parse builds an *x509.Certificate with what can be read (the raw fields,
// names, serial, validity, extensions and the extensions the verify engine
// relies on, the public key where Go can represent it) and an Info with
// what the certificate alone cannot say: why Go refused it and what its key
// and signature algorithms really are. ParsePublicKey and
// ParseSignatureAlgorithm read the key and the signature algorithm of any
// certificate (RSASSA-PSS parameters, RSA-PSS keys, the X.500 "rsa" key
// OID, RSA keys too small for crypto/rsa), for the verify engine.
//
// The reading is bounded: inputs over MaxSize bytes are refused, every list
// has a maximum length, and nothing recurses on the input.
package x509fallback
