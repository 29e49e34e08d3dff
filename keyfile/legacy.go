package keyfile

import (
	"crypto"
	"crypto/aes"
	"crypto/des"
	"crypto/md5"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
)

// Legacy OpenSSL PEM encryption ("Proc-Type: 4,ENCRYPTED" with a DEK-Info
// header), written by "openssl rsa -traditional -aes128" and old tools.
//
// The key is derived with OpenSSL's EVP_BytesToKey (MD5, one iteration, the
// first 8 bytes of the IV as salt); the body is CBC-encrypted with PKCS#7
// padding. We implement it ourselves rather than call the deprecated
// x509.DecryptPEMBlock so that the derived key and the plaintext can be
// cleared, the error distinguishes a wrong password from corrupt data, and
// the package stays free of deprecated API.

var legacyCiphers = map[string]pbeCipher{
	"DES-CBC":      {"DES-CBC", 8, des.NewCipher},
	"DES-EDE3-CBC": {"DES-EDE3-CBC", 24, des.NewTripleDESCipher},
	"AES-128-CBC":  {"AES-128-CBC", 16, aes.NewCipher},
	"AES-192-CBC":  {"AES-192-CBC", 24, aes.NewCipher},
	"AES-256-CBC":  {"AES-256-CBC", 32, aes.NewCipher},
}

// evpBytesToKey derives size bytes from password and salt as OpenSSL's
// EVP_BytesToKey with MD5 and count 1: D_1 = MD5(pw||salt),
// D_i = MD5(D_{i-1}||pw||salt), key = D_1||D_2||... truncated.
func evpBytesToKey(password, salt []byte, size int) []byte {
	out := make([]byte, 0, size+md5.Size)
	var prev []byte
	for len(out) < size {
		h := md5.New()
		h.Write(prev)
		h.Write(password)
		h.Write(salt)
		prev = h.Sum(out[len(out):])
		out = out[:len(out)+md5.Size]
	}
	clear(out[size:cap(out)])
	return out[:size]
}

func (p parser) parseLegacyEncrypted(b pemBlock, name, password string) (crypto.Signer, error) {
	what := fmt.Sprintf("%q block at line %d: legacy encrypted PEM key", b.Type, b.Line)
	if !strings.EqualFold(strings.ReplaceAll(b.Headers["Proc-Type"], " ", ""), "4,ENCRYPTED") {
		return nil, newErr(name, ErrUnsupported, nil, fmt.Sprintf("%s: unsupported Proc-Type %q", what, b.Headers["Proc-Type"]))
	}
	algo, ivHex, ok := strings.Cut(b.Headers["DEK-Info"], ",")
	if !ok {
		return nil, newErr(name, nil, nil, what+": malformed DEK-Info header")
	}
	algo = strings.ToUpper(strings.TrimSpace(algo))
	ciph, ok := legacyCiphers[algo]
	if !ok {
		return nil, newErr(name, ErrUnsupported, nil, fmt.Sprintf("%s: unsupported cipher %q in DEK-Info", what, algo))
	}
	iv, err := hex.DecodeString(strings.TrimSpace(ivHex))
	if err != nil || len(iv) < 8 {
		return nil, newErr(name, nil, nil, what+": malformed IV in DEK-Info header")
	}
	if password == "" {
		return nil, newErr(name, ErrPasswordRequired, nil, what+" needs certificate-password")
	}
	key := evpBytesToKey([]byte(password), iv[:8], ciph.keySize)
	defer clear(key)
	plain, err := cbcDecrypt(ciph, key, iv, b.Bytes)
	if err == errBadPadding {
		return nil, newErr(name, ErrBadPassword, nil, what+": wrong certificate-password (bad padding after decryption)")
	}
	if err != nil {
		return nil, newErr(name, nil, err, what+": "+ciph.name)
	}
	defer clear(plain)
	// The structure decides between a wrong password (the decrypted bytes
	// are not DER of the expected shape) and a key Go cannot use.
	badPassword := newErr(name, ErrBadPassword, nil, what+": wrong certificate-password (decrypted data is not a key)")
	var k crypto.Signer
	switch b.Type {
	case pemPKCS1:
		if !rsaKeyShape(plain) {
			return nil, badPassword
		}
		k, err = x509.ParsePKCS1PrivateKey(plain)
	case pemSEC1:
		if !ecKeyShape(plain) {
			return nil, badPassword
		}
		k, err = x509.ParseECPrivateKey(plain)
	default:
		if !isPKCS8(plain) {
			return nil, badPassword
		}
		return parsePKCS8(plain, name, what)
	}
	if err != nil {
		return nil, newErr(name, nil, err, what+": decrypted, but not a valid key")
	}
	return asSigner(k, name, what)
}
