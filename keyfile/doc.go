// Package keyfile loads certificates, private keys and PKCS#12 files for
// sslstream: the settings certificate, key, certificate-password and
// ca-file.
//
// # Entry points
//
//   - LoadKeyPair / ParseKeyPair: the own certificate chain and private key,
//     as a tls.Certificate with Leaf set; the key must match the leaf.
//   - LoadCertificates / ParseCertificates: every certificate of a CA bundle
//     (ca-file) or of an untrusted-certificates file.
//   - ParsePrivateKey: one private key, as a crypto.Signer.
//
// # Formats and detection
//
// Formats are detected by content, never by file name:
//
//  1. If the data contains "-----BEGIN ", it is PEM. Every block is decoded
//     in order with OpenSSL's syntax rules (checked against openssl 3.0):
//     text outside blocks (such as the output of "openssl x509 -text") is
//     ignored; a leading UTF-8 byte order mark is skipped; lines may end in
//     LF or CRLF and trailing blanks do not count; BEGIN and END lines start
//     in the first column; headers ("Name: value") must be followed by one
//     blank line, and a single blank line may follow BEGIN; blanks inside
//     base64 lines are ignored, but a blank line among them is an error.
//     A block with no END line, a mismatched END line, malformed headers or
//     invalid base64 makes the whole file invalid, whatever its type, as in
//     OpenSSL; so does a certificate block with headers.
//  2. Otherwise, if it is DER of the shape of a PKCS#12 PFX
//     (SEQUENCE { INTEGER 3, ContentInfo data|signedData, ... }), it is
//     PKCS#12, whatever its extension (.p12, .pfx or none).
//  3. Otherwise it is DER: one or more concatenated certificates, or a
//     private key whose structure selects the format (EncryptedPrivateKeyInfo,
//     PKCS#8 PrivateKeyInfo, PKCS#1 RSAPrivateKey, SEC1 ECPrivateKey).
//
// Certificate PEM blocks: CERTIFICATE, X509 CERTIFICATE (the old label) and
// TRUSTED CERTIFICATE (OpenSSL's X509_AUX format: the certificate followed by
// trust settings, X509_CERT_AUX, which must decode as in OpenSSL).
// LoadTrustedCertificates keeps the trust settings (trusted and rejected
// uses, alias) alongside each certificate (TrustedCertificate), for the
// verifier to honour as OpenSSL does; LoadCertificates drops them.
// In a bundle (LoadCertificates), PEM blocks of other types are skipped as
// OpenSSL's -CAfile reader (PEM_X509_INFO_read_bio) skips them: CRL and
// unencrypted private-key blocks must still be well-formed DER (OpenSSL
// decodes them and refuses the whole file otherwise), other labels (PUBLIC
// KEY, EC PARAMETERS, ENCRYPTED PRIVATE KEY, unknown ones) are not looked
// at. A file without any certificate is an error (ErrNoCertificate). In a certificate chain file the first
// certificate is the leaf and the others follow in file order, as with
// SSL_CTX_use_certificate_chain_file; the chain is not reordered or
// verified here. Certificates are decoded by crypto/x509; what it refuses
// but OpenSSL reads (EC keys with explicit curve parameters, SM2 keys,
// certificate policies it cannot decode, a negative serial number) is read
// by a bounded fallback parser that fills what it can of the
// *x509.Certificate (see docs/PORTING.md, "Certificates crypto/x509
// refuses"). A certificate neither reads fails the file, naming the block
// and crypto/x509's reason.
//
// Private key PEM blocks: PRIVATE KEY (PKCS#8), ENCRYPTED PRIVATE KEY
// (encrypted PKCS#8), RSA PRIVATE KEY (PKCS#1) and EC PRIVATE KEY (SEC1),
// the latter two optionally with legacy "Proc-Type: 4,ENCRYPTED" encryption.
// The first key block of the file is used; EC PARAMETERS blocks (written by
// "openssl ecparam -genkey") and certificates are skipped, so a PEM file may
// hold the key before or after the certificates. DSA and OpenSSH keys are
// refused with ErrUnsupported.
//
// Key algorithms: RSA, ECDSA (P-256, P-384, P-521) and Ed25519, the ones
// Go's crypto/tls signs with. ECDSA P-224, Ed448, X25519, X448, DSA, DH,
// RSA-PSS restricted keys and SM2 are refused with ErrUnsupported naming the
// algorithm, as are RSA keys Go will not sign with (under 1024 bits, unless
// GODEBUG=rsa1024min=0). DescribeKey names a key the way the messages do.
//
// # Encryption
//
// Encrypted PKCS#8 (RFC 5958 / RFC 8018 PBES2): key derivation PBKDF2 (PRF
// hmacWithSHA1, -SHA224, -SHA256, -SHA384, -SHA512, -SHA512-224,
// -SHA512-256) or scrypt; ciphers AES-128/192/256-CBC, DES-EDE3-CBC and
// DES-CBC. That covers "openssl pkey -aes256", "openssl pkcs8 -topk8 -v2
// <cipher> [-v2prf ...]" and "-scrypt". The older schemes of "openssl pkcs8
// -topk8 -v1 ..." are read too: PKCS#12 PBE with 3-key or 2-key 3DES
// (PBE-SHA1-3DES, PBE-SHA1-2DES; the password as a BMPString, as OpenSSL
// converts it) and PKCS#5 v1.5 PBES1 with DES (PBE-MD5-DES, PBE-SHA1-DES).
// RC2 and RC4 schemes are refused with ErrUnsupported and a hint to
// re-encrypt. Work is bounded (PBKDF2 and PBE at most 10,000,000
// iterations, scrypt at most 128 MiB and p <= 64; OpenSSL 3.0 itself
// stops at 32 MiB) so that a hostile file cannot stall a program. PKCS#12
// files are checked the same way before go-pkcs12 sees them.
//
// Legacy PEM encryption ("openssl rsa -traditional -aes128", "-des3",
// "openssl ec -aes256"): DEK-Info ciphers DES-CBC, DES-EDE3-CBC,
// AES-128-CBC, AES-192-CBC and AES-256-CBC, key from OpenSSL's
// EVP_BytesToKey (MD5, one round, the first 8 IV bytes as salt). This is our
// own implementation rather than the deprecated x509.DecryptPEMBlock, so the
// derived key and plaintext can be cleared and wrong passwords reported as
// such.
//
// PKCS#12 files are decoded with software.sslmate.com/src/go-pkcs12
// (DecodeChain), which reads both OpenSSL 3's default files (PBES2
// AES-256-CBC, PBKDF2, SHA-256 MAC) and "-legacy" ones (RC2-40 and 3DES,
// SHA-1 MAC). The certificate whose public key matches the private key comes
// first, the other certificates follow in file order. When the key setting
// is also given, its key is used instead of the PKCS#12 key. A file without
// a MAC needs no password and any password given is ignored. Known
// limitations of go-pkcs12: a PKCS#12 file without a private key
// ("-nokeys") cannot be read at all (ErrNoKey), nor can a password-encrypted
// file without a MAC ("-nomac", ErrUnsupported), nor files with more than
// one key or more than two authenticated-safe entries.
//
// # Passwords and errors
//
// The password (certificate-password) is used only for encrypted data and
// ignored otherwise, as OpenSSL does. An encrypted key or PKCS#12 file
// without a password gives ErrPasswordRequired; a password that fails the
// PKCS#12 MAC, the CBC padding check or the structure check of the decrypted
// key gives ErrBadPassword (with legacy PEM and PBES2 the padding or the
// structure is the only check there is, so a damaged ciphertext also looks
// like a wrong password). A key that is not the leaf's gives ErrKeyMismatch,
// naming both key types ("certificate is ECDSA P-256, key is RSA 2048").
// Every error is an *Error naming the file and what is wrong; errors never
// contain the password or key bytes.
//
// All functions are safe for concurrent use; the package has no state.
//
// # Clearing secrets
//
// Best effort only: decrypted key bytes, derived symmetric keys, decoded PEM
// blocks of non-certificate types and the buffers LoadKeyPair reads key
// material into are zeroed once the key is parsed. Go cannot guarantee more:
// the parsed key itself (big.Int, ecdsa, ed25519 values) lives on until
// garbage-collected, the GC may have copied buffers, strings (the password)
// are immutable, and go-pkcs12 does not clear its own buffers. The Parse
// functions never modify the caller's slices.
package keyfile
