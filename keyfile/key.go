package keyfile

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// PEM block types holding private keys.
const (
	pemPKCS8          = "PRIVATE KEY"
	pemPKCS8Encrypted = "ENCRYPTED PRIVATE KEY"
	pemPKCS1          = "RSA PRIVATE KEY"
	pemSEC1           = "EC PRIVATE KEY"
	pemAny            = "ANY PRIVATE KEY"
)

// unsupportedKeyPEM names PEM key types that are recognised but not usable.
var unsupportedKeyPEM = map[string]string{
	"DSA PRIVATE KEY":     "DSA keys are not supported by Go's crypto/tls",
	"OPENSSH PRIVATE KEY": "OpenSSH private keys are not supported; convert with ssh-keygen -p -m PKCS8",
}

func isKeyPEMType(t string) bool {
	switch t {
	case pemPKCS8, pemPKCS8Encrypted, pemPKCS1, pemSEC1, pemAny:
		return true
	}
	return false
}

// limits bounds the work done for password-based key derivation, so that a
// hostile file cannot make a parser run for hours or allocate gigabytes.
type limits struct {
	maxPBKDF2Iter   int
	maxScryptMemory int // 128*N*r bytes
	maxScryptP      int
	maxPKCS12Iter   int
}

// defaultLimits returns limits far above what OpenSSL, Java or Windows
// write (OpenSSL 3.0: PBKDF2 2048 iterations, scrypt N=16384 r=8 p=1, and
// it refuses scrypt above 32 MiB itself).
func defaultLimits() limits {
	return limits{
		maxPBKDF2Iter:   10_000_000,
		maxScryptMemory: 128 << 20,
		maxScryptP:      64,
		maxPKCS12Iter:   10_000_000,
	}
}

// parser carries the settings of one parse.
type parser struct {
	lim limits
}

// ParsePrivateKey decodes one private key in any supported format, PEM or
// DER: PKCS#1 (RSA), PKCS#8 (RSA, ECDSA, Ed25519), SEC1 (EC), encrypted
// PKCS#8 (PBES2), legacy "Proc-Type: 4,ENCRYPTED" PEM, or the key of a
// PKCS#12 file. In a PEM file the first private-key block is used and other
// blocks (certificates, EC PARAMETERS, ...) are skipped. name is used in error
// messages only. password is used only if the key is encrypted.
func ParsePrivateKey(data []byte, name string, password string) (crypto.Signer, error) {
	p := parser{lim: defaultLimits()}
	return p.parsePrivateKey(data, name, password)
}

func (p parser) parsePrivateKey(data []byte, name, password string) (crypto.Signer, error) {
	if len(data) == 0 {
		return nil, newErr(name, ErrNoKey, nil, "empty file")
	}
	if isPEM(data) {
		blocks, err := scanPEM(data)
		if err != nil {
			return nil, newErr(name, nil, err, "cannot read key")
		}
		defer zeroBlocks(blocks)
		return p.keyFromPEMBlocks(blocks, name, password)
	}
	if isPKCS12(data) {
		key, _, err := p.decodePKCS12(data, name, password)
		return key, err
	}
	return p.parseDERKey(data, name, password)
}

// keyFromPEMBlocks returns the first private key among blocks.
func (p parser) keyFromPEMBlocks(blocks []pemBlock, name, password string) (crypto.Signer, error) {
	for _, b := range blocks {
		if isKeyPEMType(b.Type) {
			return p.parsePEMKeyBlock(b, name, password)
		}
	}
	for _, b := range blocks {
		if msg, ok := unsupportedKeyPEM[b.Type]; ok && msg != "" {
			return nil, newErr(name, ErrUnsupported, nil, fmt.Sprintf("%q block at line %d: %s", b.Type, b.Line, msg))
		}
	}
	return nil, newErr(name, ErrNoKey, nil, fmt.Sprintf("no private key found (PEM blocks: %s)", pemTypes(blocks)))
}

func (p parser) parsePEMKeyBlock(b pemBlock, name, password string) (crypto.Signer, error) {
	where := fmt.Sprintf("%q block at line %d", b.Type, b.Line)
	if b.Headers["Proc-Type"] != "" || b.Headers["DEK-Info"] != "" {
		return p.parseLegacyEncrypted(b, name, password)
	}
	switch b.Type {
	case pemPKCS8Encrypted:
		return p.parseEncryptedPKCS8(b.Bytes, name, where, password)
	case pemPKCS1:
		k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
		if err != nil {
			return nil, newErr(name, nil, err, where+": invalid PKCS#1 RSA private key")
		}
		return asSigner(k, name, where)
	case pemSEC1:
		k, err := x509.ParseECPrivateKey(b.Bytes)
		if err != nil {
			return nil, newErr(name, nil, err, where+": invalid SEC1 EC private key")
		}
		return asSigner(k, name, where)
	default: // PRIVATE KEY, ANY PRIVATE KEY
		return p.parseDERKey(b.Bytes, name, password)
	}
}

// parseDERKey detects the DER key format: encrypted PKCS#8, PKCS#8, PKCS#1
// or SEC1.
func (p parser) parseDERKey(der []byte, name, password string) (crypto.Signer, error) {
	if isEncryptedPKCS8(der) {
		return p.parseEncryptedPKCS8(der, name, "DER", password)
	}
	if isPKCS8(der) {
		return parsePKCS8(der, name, "PKCS#8 key")
	}
	if rsaKeyShape(der) {
		k, err := x509.ParsePKCS1PrivateKey(der)
		if err != nil {
			return nil, newErr(name, nil, err, "invalid PKCS#1 RSA private key")
		}
		return asSigner(k, name, "PKCS#1 key")
	}
	if ecKeyShape(der) {
		k, err := x509.ParseECPrivateKey(der)
		if err != nil {
			return nil, newErr(name, nil, err, "invalid SEC1 EC private key")
		}
		return asSigner(k, name, "SEC1 key")
	}
	return nil, newErr(name, ErrNoKey, nil, "not a private key: neither PEM nor a DER PKCS#8, PKCS#1 or SEC1 key")
}

// isPKCS8 reports whether der has the outer shape of a PrivateKeyInfo:
// SEQUENCE { INTEGER version, SEQUENCE { OID, ... }, OCTET STRING, ... }.
func isPKCS8(der []byte) bool {
	_, ok := pkcs8AlgorithmOID(der)
	return ok
}

// pkcs8AlgorithmOID returns the key algorithm of a PrivateKeyInfo.
func pkcs8AlgorithmOID(der []byte) (asn1.ObjectIdentifier, bool) {
	s := cryptobyte.String(der)
	var seq, alg cryptobyte.String
	var version int64
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !s.Empty() ||
		!seq.ReadASN1Integer(&version) || (version != 0 && version != 1) ||
		!seq.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) ||
		!seq.PeekASN1Tag(cbasn1.OCTET_STRING) {
		return nil, false
	}
	return oid, true
}

// Key algorithm OIDs with friendly names for error messages.
var keyAlgorithmNames = map[string]string{
	"1.2.840.113549.1.1.1":  "RSA",
	"1.2.840.113549.1.1.10": "RSA-PSS",
	"1.2.840.10045.2.1":     "EC",
	"1.2.840.10040.4.1":     "DSA",
	"1.2.840.10046.2.1":     "DH (X9.42)",
	"1.2.840.113549.1.3.1":  "DH",
	"1.3.101.110":           "X25519",
	"1.3.101.111":           "X448",
	"1.3.101.112":           "Ed25519",
	"1.3.101.113":           "Ed448",
	"1.2.156.10197.1.301":   "SM2",
}

// parsePKCS8 parses an unencrypted PrivateKeyInfo and checks that the key can
// sign.
func parsePKCS8(der []byte, name, what string) (crypto.Signer, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		if oid, ok := pkcs8AlgorithmOID(der); ok {
			if alg, known := keyAlgorithmNames[oid.String()]; known && alg != "RSA" && alg != "EC" && alg != "Ed25519" {
				return nil, newErr(name, ErrUnsupported, nil, fmt.Sprintf("%s: %s keys are not supported by Go's crypto/tls", what, alg))
			}
			if _, known := keyAlgorithmNames[oid.String()]; !known {
				return nil, newErr(name, ErrUnsupported, nil, fmt.Sprintf("%s: unsupported key algorithm %s", what, oid))
			}
		}
		return nil, newErr(name, nil, err, "invalid "+what)
	}
	return asSigner(k, name, what)
}

func asSigner(k any, name, what string) (crypto.Signer, error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 1024 {
			// Go refuses to sign with such keys unless GODEBUG=rsa1024min=0;
			// a trial signature honours that setting exactly.
			if _, err := k.Sign(rand.Reader, make([]byte, sha256.Size), crypto.SHA256); err != nil {
				return nil, newErr(name, ErrUnsupported, err, fmt.Sprintf("%s: RSA %d key cannot sign", what, k.N.BitLen()))
			}
		}
		return k, nil
	case *ecdsa.PrivateKey:
		if k.Curve == elliptic.P224() {
			return nil, newErr(name, ErrUnsupported, nil, what+": ECDSA P-224 keys cannot sign TLS handshakes in Go's crypto/tls")
		}
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	case *ecdh.PrivateKey:
		return nil, newErr(name, ErrUnsupported, nil, fmt.Sprintf("%s: %s keys cannot sign and cannot serve as a TLS certificate key", what, curveName(k.Curve())))
	}
	return nil, newErr(name, ErrUnsupported, nil, fmt.Sprintf("%s: unsupported key type %T", what, k))
}

func curveName(c ecdh.Curve) string {
	switch c {
	case ecdh.X25519():
		return "X25519"
	case ecdh.P256():
		return "ECDH P-256"
	case ecdh.P384():
		return "ECDH P-384"
	case ecdh.P521():
		return "ECDH P-521"
	}
	return "ECDH"
}

// DescribeKey names the type and size of a public or private key as the
// package's error messages do: "RSA 2048", "ECDSA P-256", "Ed25519".
func DescribeKey(k any) string {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return DescribeKey(&k.PublicKey)
	case *ecdsa.PrivateKey:
		return DescribeKey(&k.PublicKey)
	case ed25519.PrivateKey:
		return "Ed25519"
	case *rsa.PublicKey:
		if k.N == nil {
			return "RSA"
		}
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case *ecdsa.PublicKey:
		if k.Curve == nil {
			return "ECDSA"
		}
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	case *ecdh.PublicKey:
		return curveName(k.Curve())
	case nil:
		return "none"
	}
	return fmt.Sprintf("%T", k)
}

// keyMatches reports whether pub is the public half of key.
func keyMatches(pub crypto.PublicKey, key crypto.Signer) bool {
	eq, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(pub)
}
