package keyfile

import (
	"crypto/des"
	"crypto/md5"
	"crypto/sha1"
	"encoding/asn1"
	"fmt"
	"hash"
	"unicode/utf16"
)

// Older password-based schemes for encrypted PKCS#8, still written by
// "openssl pkcs8 -topk8 -v1 ALG" and by Java and Windows tools:
//
//   - PKCS#12 PBE (RFC 7292 appendix B): pbeWithSHAAnd3-KeyTripleDES-CBC and
//     pbeWithSHAAnd2-KeyTripleDES-CBC, key and IV from the PKCS#12 KDF with
//     SHA-1 over the BMPString password;
//   - PBES1 (RFC 8018 §6.1): pbeWithMD5AndDES-CBC and pbeWithSHA1AndDES-CBC,
//     key and IV from PBKDF1.
//
// The RC2 and RC4 variants are refused (no RC2/RC4 in the standard library;
// they are weak and rare).

type pbeParams struct {
	Salt       []byte
	Iterations int
}

type pbe1Scheme struct {
	pkcs12  bool             // PKCS#12 KDF, else PBKDF1
	h       func() hash.Hash // PBKDF1 hash (PKCS#12 KDF uses SHA-1)
	keySize int              // cipher key bytes
	twoKey  bool             // 2-key 3DES: K1 K2 K1
	cipher  pbeCipher
}

var des3 = pbeCipher{"DES-EDE3-CBC", 24, des.NewTripleDESCipher}
var des1 = pbeCipher{"DES-CBC", 8, des.NewCipher}

var pbe1Schemes = map[string]pbe1Scheme{
	"1.2.840.113549.1.12.1.3": {pkcs12: true, keySize: 24, cipher: des3},
	"1.2.840.113549.1.12.1.4": {pkcs12: true, keySize: 16, twoKey: true, cipher: des3},
	"1.2.840.113549.1.5.3":    {h: md5.New, keySize: 8, cipher: des1},
	"1.2.840.113549.1.5.10":   {h: sha1.New, keySize: 8, cipher: des1},
}

// pbe1KeyIV derives the cipher key and IV.
func (p parser) pbe1KeyIV(s pbe1Scheme, params []byte, password string) (key, iv []byte, err error) {
	var pp pbeParams
	if rest, err := asn1.Unmarshal(params, &pp); err != nil || len(rest) != 0 {
		return nil, nil, &kdfError{nil, "malformed PBE parameters"}
	}
	if pp.Iterations < 1 || pp.Iterations > p.lim.maxPBKDF2Iter {
		return nil, nil, &kdfError{ErrUnsupported, fmt.Sprintf("PBE iteration count %d outside 1..%d", pp.Iterations, p.lim.maxPBKDF2Iter)}
	}
	if !s.pkcs12 {
		dk := pbkdf1(s.h, []byte(password), pp.Salt, pp.Iterations)
		defer clear(dk)
		return append([]byte(nil), dk[:8]...), append([]byte(nil), dk[8:16]...), nil
	}
	pw := bmpPassword(password)
	defer clear(pw)
	key = pkcs12KDF(pw, pp.Salt, pp.Iterations, 1, s.keySize)
	if s.twoKey {
		key = append(key, key[:8]...)
	}
	iv = pkcs12KDF(pw, pp.Salt, pp.Iterations, 2, 8)
	return key, iv, nil
}

// pbkdf1 is RFC 8018 §5.1 with a 16-byte output (DES key and IV).
func pbkdf1(newHash func() hash.Hash, password, salt []byte, iter int) []byte {
	h := newHash()
	h.Write(password)
	h.Write(salt)
	t := h.Sum(nil)
	for i := 1; i < iter; i++ {
		h.Reset()
		h.Write(t)
		t = h.Sum(t[:0])
	}
	return t
}

// bmpPassword encodes password as a NUL-terminated big-endian UTF-16
// string, as PKCS#12 requires (OpenSSL converts UTF-8 passwords so).
func bmpPassword(password string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(password)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return append(out, 0, 0)
}

// pkcs12KDF is the key derivation of RFC 7292 appendix B.2 with SHA-1
// (u = 20, v = 64).
func pkcs12KDF(password, salt []byte, iter int, id byte, size int) []byte {
	const u, v = sha1.Size, 64
	fill := func(src []byte) []byte {
		if len(src) == 0 {
			return nil
		}
		out := make([]byte, v*((len(src)+v-1)/v))
		for i := range out {
			out[i] = src[i%len(src)]
		}
		return out
	}
	d := make([]byte, v)
	for i := range d {
		d[i] = id
	}
	sp := append(fill(salt), fill(password)...)
	defer clear(sp)
	var out []byte
	h := sha1.New()
	for len(out) < size {
		h.Reset()
		h.Write(d)
		h.Write(sp)
		a := h.Sum(nil)
		for j := 1; j < iter; j++ {
			h.Reset()
			h.Write(a)
			a = h.Sum(a[:0])
		}
		out = append(out, a...)
		if len(out) >= size {
			break
		}
		// I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of S||P,
		// where B is A repeated to v bytes.
		b := make([]byte, v)
		for i := range b {
			b[i] = a[i%u]
		}
		for j := 0; j < len(sp); j += v {
			carry := 1
			for k := v - 1; k >= 0; k-- {
				s := int(sp[j+k]) + int(b[k]) + carry
				sp[j+k] = byte(s)
				carry = s >> 8
			}
		}
	}
	clear(out[size:])
	return out[:size]
}
