package keyfile

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"hash"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/crypto/scrypt"
)

// Encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo) with PBES2 (RFC 8018).
// Our own decoder on the standard library and x/crypto/scrypt: it bounds the
// KDF cost, never panics on malformed parameters, checks the CBC padding and
// tells a wrong password from an unsupported scheme.

var (
	oidPBES2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
)

// pbeSchemeNames names non-PBES2 password-based schemes for error messages.
var pbeSchemeNames = map[string]string{
	"1.2.840.113549.1.5.1":    "pbeWithMD2AndDES-CBC (PKCS#5 v1.5)",
	"1.2.840.113549.1.5.3":    "pbeWithMD5AndDES-CBC (PKCS#5 v1.5)",
	"1.2.840.113549.1.5.4":    "pbeWithMD2AndRC2-CBC (PKCS#5 v1.5)",
	"1.2.840.113549.1.5.6":    "pbeWithMD5AndRC2-CBC (PKCS#5 v1.5)",
	"1.2.840.113549.1.5.10":   "pbeWithSHA1AndDES-CBC (PKCS#5 v1.5)",
	"1.2.840.113549.1.5.11":   "pbeWithSHA1AndRC2-CBC (PKCS#5 v1.5)",
	"1.2.840.113549.1.12.1.1": "pbeWithSHAAnd128BitRC4 (PKCS#12 PBE)",
	"1.2.840.113549.1.12.1.2": "pbeWithSHAAnd40BitRC4 (PKCS#12 PBE)",
	"1.2.840.113549.1.12.1.3": "pbeWithSHAAnd3-KeyTripleDES-CBC (PKCS#12 PBE)",
	"1.2.840.113549.1.12.1.4": "pbeWithSHAAnd2-KeyTripleDES-CBC (PKCS#12 PBE)",
	"1.2.840.113549.1.12.1.5": "pbeWithSHAAnd128BitRC2-CBC (PKCS#12 PBE)",
	"1.2.840.113549.1.12.1.6": "pbeWithSHAAnd40BitRC2-CBC (PKCS#12 PBE)",
}

// prfs maps HMAC OIDs (RFC 8018 B.1) to hash constructors.
var prfs = map[string]struct {
	name string
	h    func() hash.Hash
}{
	"1.2.840.113549.2.7":  {"hmacWithSHA1", sha1.New},
	"1.2.840.113549.2.8":  {"hmacWithSHA224", sha256.New224},
	"1.2.840.113549.2.9":  {"hmacWithSHA256", sha256.New},
	"1.2.840.113549.2.10": {"hmacWithSHA384", sha512.New384},
	"1.2.840.113549.2.11": {"hmacWithSHA512", sha512.New},
	"1.2.840.113549.2.12": {"hmacWithSHA512-224", sha512.New512_224},
	"1.2.840.113549.2.13": {"hmacWithSHA512-256", sha512.New512_256},
}

// pbeCipher describes a CBC cipher usable in PBES2 (RFC 8018 B.2).
type pbeCipher struct {
	name    string
	keySize int
	newBlk  func([]byte) (cipher.Block, error)
}

var pbeCiphers = map[string]pbeCipher{
	"2.16.840.1.101.3.4.1.2":  {"AES-128-CBC", 16, aes.NewCipher},
	"2.16.840.1.101.3.4.1.22": {"AES-192-CBC", 24, aes.NewCipher},
	"2.16.840.1.101.3.4.1.42": {"AES-256-CBC", 32, aes.NewCipher},
	"1.2.840.113549.3.7":      {"DES-EDE3-CBC", 24, des.NewTripleDESCipher},
	"1.3.14.3.2.7":            {"DES-CBC", 8, des.NewCipher},
}

type encryptedPrivateKeyInfo struct {
	Algorithm     pkix.AlgorithmIdentifier
	EncryptedData []byte
}

type pbes2Params struct {
	KeyDerivationFunc pkix.AlgorithmIdentifier
	EncryptionScheme  pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt           []byte
	IterationCount int
	KeyLength      int                      `asn1:"optional"`
	PRF            pkix.AlgorithmIdentifier `asn1:"optional"`
}

type scryptParams struct {
	Salt                     []byte
	CostParameter            int
	BlockSize                int
	ParallelizationParameter int
	KeyLength                int `asn1:"optional"`
}

// isEncryptedPKCS8 reports whether der has the shape of an
// EncryptedPrivateKeyInfo: SEQUENCE { SEQUENCE { OID, ... }, OCTET STRING }.
func isEncryptedPKCS8(der []byte) bool {
	s := cryptobyte.String(der)
	var seq, alg cryptobyte.String
	var oid asn1.ObjectIdentifier
	var data cryptobyte.String
	return s.ReadASN1(&seq, cbasn1.SEQUENCE) && s.Empty() &&
		seq.ReadASN1(&alg, cbasn1.SEQUENCE) && alg.ReadASN1ObjectIdentifier(&oid) &&
		seq.ReadASN1(&data, cbasn1.OCTET_STRING) && seq.Empty()
}

// parseEncryptedPKCS8 decrypts and parses an EncryptedPrivateKeyInfo.
func (p parser) parseEncryptedPKCS8(der []byte, name, where, password string) (crypto.Signer, error) {
	what := "encrypted PKCS#8 key"
	if where != "" && where != "DER" {
		what = where + ": " + what
	}
	var epki encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &epki); err != nil || len(rest) != 0 {
		return nil, newErr(name, nil, err, what+": malformed EncryptedPrivateKeyInfo")
	}
	if s, ok := pbe1Schemes[epki.Algorithm.Algorithm.String()]; ok {
		if password == "" {
			return nil, newErr(name, ErrPasswordRequired, nil, what+" needs certificate-password")
		}
		key, iv, err := p.pbe1KeyIV(s, epki.Algorithm.Parameters.FullBytes, password)
		if err != nil {
			return nil, newErr(name, kindOf(err), err, what)
		}
		defer clear(key)
		return p.decryptPKCS8(s.cipher, key, iv, epki.EncryptedData, name, what)
	}
	if !epki.Algorithm.Algorithm.Equal(oidPBES2) {
		scheme := pbeSchemeNames[epki.Algorithm.Algorithm.String()]
		if scheme == "" {
			scheme = "algorithm " + epki.Algorithm.Algorithm.String()
		}
		return nil, newErr(name, ErrUnsupported, nil, fmt.Sprintf("%s: encryption scheme %s is not supported (re-encrypt with openssl pkcs8 -topk8 -v2 aes-256-cbc)", what, scheme))
	}
	if password == "" {
		return nil, newErr(name, ErrPasswordRequired, nil, what+" needs certificate-password")
	}
	var params pbes2Params
	if rest, err := asn1.Unmarshal(epki.Algorithm.Parameters.FullBytes, &params); err != nil || len(rest) != 0 {
		return nil, newErr(name, nil, err, what+": malformed PBES2 parameters")
	}
	ciph, ok := pbeCiphers[params.EncryptionScheme.Algorithm.String()]
	if !ok {
		return nil, newErr(name, ErrUnsupported, nil, fmt.Sprintf("%s: unsupported PBES2 cipher %s", what, params.EncryptionScheme.Algorithm))
	}
	var iv []byte
	if rest, err := asn1.Unmarshal(params.EncryptionScheme.Parameters.FullBytes, &iv); err != nil || len(rest) != 0 {
		return nil, newErr(name, nil, err, what+": malformed "+ciph.name+" IV")
	}
	key, err := p.deriveKey(params.KeyDerivationFunc, []byte(password), ciph.keySize)
	if err != nil {
		return nil, newErr(name, kindOf(err), err, what)
	}
	defer clear(key)
	return p.decryptPKCS8(ciph, key, iv, epki.EncryptedData, name, what)
}

// decryptPKCS8 decrypts the PrivateKeyInfo and parses it.
func (p parser) decryptPKCS8(ciph pbeCipher, key, iv, data []byte, name, what string) (crypto.Signer, error) {
	plain, err := cbcDecrypt(ciph, key, iv, data)
	if err == errBadPadding {
		return nil, newErr(name, ErrBadPassword, nil, what+": wrong certificate-password (bad padding after decryption)")
	}
	if err != nil {
		return nil, newErr(name, nil, err, what+": "+ciph.name)
	}
	defer clear(plain)
	if !isPKCS8(plain) {
		return nil, newErr(name, ErrBadPassword, nil, what+": wrong certificate-password (decrypted data is not a key)")
	}
	return parsePKCS8(plain, name, what)
}

type kdfError struct {
	kind error
	msg  string
}

func (e *kdfError) Error() string { return e.msg }

func kindOf(err error) error {
	if e, ok := err.(*kdfError); ok {
		return e.kind
	}
	return nil
}

// deriveKey runs PBKDF2 or scrypt as described by kdf.
func (p parser) deriveKey(kdf pkix.AlgorithmIdentifier, password []byte, size int) ([]byte, error) {
	switch {
	case kdf.Algorithm.Equal(oidPBKDF2):
		var kp pbkdf2Params
		if rest, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &kp); err != nil || len(rest) != 0 {
			return nil, &kdfError{nil, "malformed PBKDF2 parameters"}
		}
		if kp.IterationCount < 1 || kp.IterationCount > p.lim.maxPBKDF2Iter {
			return nil, &kdfError{ErrUnsupported, fmt.Sprintf("PBKDF2 iteration count %d outside 1..%d", kp.IterationCount, p.lim.maxPBKDF2Iter)}
		}
		if kp.KeyLength != 0 && kp.KeyLength != size {
			return nil, &kdfError{nil, fmt.Sprintf("PBKDF2 key length %d does not fit the cipher (%d)", kp.KeyLength, size)}
		}
		prf := prfs["1.2.840.113549.2.7"] // default hmacWithSHA1
		if len(kp.PRF.Algorithm) > 0 {
			var ok bool
			if prf, ok = prfs[kp.PRF.Algorithm.String()]; !ok {
				return nil, &kdfError{ErrUnsupported, "unsupported PBKDF2 PRF " + kp.PRF.Algorithm.String()}
			}
		}
		// crypto/pbkdf2 refuses empty passwords in FIPS mode only; the
		// password is never empty here.
		key, err := pbkdf2.Key(prf.h, string(password), kp.Salt, kp.IterationCount, size)
		if err != nil {
			return nil, &kdfError{nil, "PBKDF2: " + err.Error()}
		}
		return key, nil
	case kdf.Algorithm.Equal(oidScrypt):
		var sp scryptParams
		if rest, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &sp); err != nil || len(rest) != 0 {
			return nil, &kdfError{nil, "malformed scrypt parameters"}
		}
		n, r, pp := sp.CostParameter, sp.BlockSize, sp.ParallelizationParameter
		if n < 2 || n&(n-1) != 0 || r < 1 || pp < 1 || pp > p.lim.maxScryptP ||
			r > p.lim.maxScryptMemory/128 || n > p.lim.maxScryptMemory/(128*r) {
			return nil, &kdfError{ErrUnsupported, fmt.Sprintf("scrypt parameters N=%d r=%d p=%d outside the supported range (memory at most %d MiB, p at most %d)", n, r, pp, p.lim.maxScryptMemory>>20, p.lim.maxScryptP)}
		}
		if sp.KeyLength != 0 && sp.KeyLength != size {
			return nil, &kdfError{nil, fmt.Sprintf("scrypt key length %d does not fit the cipher (%d)", sp.KeyLength, size)}
		}
		key, err := scrypt.Key(password, sp.Salt, n, r, pp, size)
		if err != nil {
			return nil, &kdfError{ErrUnsupported, "scrypt: " + err.Error()}
		}
		return key, nil
	}
	return nil, &kdfError{ErrUnsupported, "unsupported key derivation function " + kdf.Algorithm.String()}
}

var errBadPadding = &kdfError{ErrBadPassword, "bad padding"}

// cbcDecrypt decrypts ciphertext and removes the PKCS#7 padding. It returns
// errBadPadding when the padding is wrong, which with a well-formed file
// means the password is wrong.
func cbcDecrypt(c pbeCipher, key, iv, ciphertext []byte) ([]byte, error) {
	blk, err := c.newBlk(key)
	if err != nil {
		return nil, err
	}
	bs := blk.BlockSize()
	if len(iv) != bs {
		return nil, fmt.Errorf("IV is %d bytes, want %d", len(iv), bs)
	}
	if len(ciphertext) == 0 || len(ciphertext)%bs != 0 {
		return nil, fmt.Errorf("encrypted data is %d bytes, not a positive multiple of %d", len(ciphertext), bs)
	}
	plain := make([]byte, len(ciphertext))
	cipher.NewCBCDecrypter(blk, iv).CryptBlocks(plain, ciphertext)
	n := int(plain[len(plain)-1])
	ok := n >= 1 && n <= bs
	if ok {
		for _, b := range plain[len(plain)-n:] {
			ok = ok && int(b) == n
		}
	}
	if !ok {
		clear(plain)
		return nil, errBadPadding
	}
	return plain[:len(plain)-n], nil
}
