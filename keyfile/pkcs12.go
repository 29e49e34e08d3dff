package keyfile

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"software.sslmate.com/src/go-pkcs12"
)

var (
	oidPKCS7Data       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidPKCS7SignedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
)

// isPKCS12 detects a PKCS#12 PFX by content: a DER
// SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data|signedData, ... }, ... }.
// The file extension plays no part.
func isPKCS12(der []byte) bool {
	_, ok := pkcs12MacIterations(der)
	return ok
}

// pkcs12MacIterations checks the outer PFX shape and returns the MAC's
// iteration count (0 when the file has no MAC).
func pkcs12MacIterations(der []byte) (int64, bool) {
	s := cryptobyte.String(der)
	var pfx, authSafe cryptobyte.String
	var version int64
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&pfx, cbasn1.SEQUENCE) ||
		!pfx.ReadASN1Integer(&version) || version != 3 ||
		!pfx.ReadASN1(&authSafe, cbasn1.SEQUENCE) || !authSafe.ReadASN1ObjectIdentifier(&oid) ||
		!(oid.Equal(oidPKCS7Data) || oid.Equal(oidPKCS7SignedData)) {
		return 0, false
	}
	if pfx.Empty() {
		return 0, true
	}
	var mac, digestInfo, salt cryptobyte.String
	iter := int64(1)
	if !pfx.ReadASN1(&mac, cbasn1.SEQUENCE) ||
		!mac.ReadASN1(&digestInfo, cbasn1.SEQUENCE) || !mac.ReadASN1(&salt, cbasn1.OCTET_STRING) {
		return 0, true // malformed MAC: let the decoder report it
	}
	if !mac.Empty() && !mac.ReadASN1Int64WithTag(&iter, cbasn1.INTEGER) {
		iter = -1
	}
	return iter, true
}

// decodePKCS12 decodes a PKCS#12 file with go-pkcs12 and returns the key and
// the certificates, the one matching the key first, the others in file
// order.
func (p parser) decodePKCS12(data []byte, name, password string) (key crypto.Signer, certs []*x509.Certificate, err error) {
	if iter, _ := pkcs12MacIterations(data); iter < 0 || iter > int64(p.lim.maxPKCS12Iter) {
		return nil, nil, newErr(name, ErrUnsupported, nil, fmt.Sprintf("PKCS#12 MAC iteration count %d outside 1..%d", iter, p.lim.maxPKCS12Iter))
	}
	if iter := maxKDFIterations(data, 0); iter > int64(p.lim.maxPKCS12Iter) {
		return nil, nil, newErr(name, ErrUnsupported, nil, fmt.Sprintf("PKCS#12 key derivation iteration count %d above %d", iter, p.lim.maxPKCS12Iter))
	}
	var (
		k    any
		leaf *x509.Certificate
		cas  []*x509.Certificate
	)
	decode := func(pw string) {
		// go-pkcs12 is third-party code fed untrusted input: keep any panic
		// from crossing our API.
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("PKCS#12 decoder failed on malformed input: %v", r)
			}
		}()
		k, leaf, cas, err = pkcs12.DecodeChain(data, pw)
	}
	decode(password)
	if err != nil && password != "" && strings.Contains(err.Error(), "no MAC in data") {
		// A file without integrity protection needs no password; like
		// OpenSSL, ignore the one given.
		firstErr := err
		decode("")
		if err != nil {
			return nil, nil, newErr(name, ErrUnsupported, firstErr, "PKCS#12 file without MAC (integrity check) but encrypted with a password: go-pkcs12 cannot read it")
		}
	}
	if err != nil {
		return nil, nil, pkcs12Error(name, password, err)
	}
	key, err = asSigner(k, name, "PKCS#12 key")
	if err != nil {
		return nil, nil, err
	}
	certs = append([]*x509.Certificate{leaf}, cas...)
	for i, c := range certs {
		if keyMatches(c.PublicKey, key) {
			if i > 0 {
				certs = append(append([]*x509.Certificate{c}, certs[:i]...), certs[i+1:]...)
			}
			break
		}
	}
	return key, certs, nil
}

func pkcs12Error(name, password string, err error) error {
	var ni pkcs12.NotImplementedError
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword), errors.Is(err, pkcs12.ErrDecryption):
		if password == "" {
			return newErr(name, ErrPasswordRequired, nil, "PKCS#12 file is protected and needs certificate-password")
		}
		return newErr(name, ErrBadPassword, nil, "PKCS#12 file: wrong certificate-password (integrity check failed)")
	case errors.As(err, &ni):
		return newErr(name, ErrUnsupported, err, "PKCS#12 file uses an unsupported feature")
	case strings.Contains(err.Error(), "private key missing"):
		return newErr(name, ErrNoKey, nil, "PKCS#12 file holds no private key")
	case strings.Contains(err.Error(), "certificate missing"):
		return newErr(name, ErrNoCertificate, nil, "PKCS#12 file holds no certificate")
	}
	return newErr(name, nil, err, "invalid PKCS#12 file")
}

// maxKDFIterations returns the largest iteration count of the
// password-based parameters in a DER structure: every
// SEQUENCE { OCTET STRING salt, INTEGER iterations, ... } (PKCS#12 PBE,
// PBES2/PBKDF2 and PBMAC1 parameters all have this shape), looking inside
// constructed values and DER-encoded OCTET STRINGs up to a fixed depth.
// go-pkcs12 does not bound the cost of its key derivations; this check lets
// us refuse a hostile file before handing it over. Counts that do not fit
// 31 bits are reported as 1<<31.
func maxKDFIterations(der []byte, depth int) int64 {
	const maxDepth = 16
	if depth > maxDepth {
		return 0
	}
	var max int64
	s := cryptobyte.String(der)
	for !s.Empty() {
		var elem cryptobyte.String
		var tag cbasn1.Tag
		if !s.ReadAnyASN1(&elem, &tag) {
			return max
		}
		if tag == cbasn1.SEQUENCE {
			e := elem
			var salt, iter cryptobyte.String
			if e.ReadASN1(&salt, cbasn1.OCTET_STRING) && e.ReadASN1(&iter, cbasn1.INTEGER) {
				var n int64
				if len(iter) > 4 {
					n = 1 << 31
				} else {
					for _, b := range iter {
						n = n<<8 | int64(b)
					}
				}
				if n > max {
					max = n
				}
			}
		}
		if tag&0x20 != 0 || tag == cbasn1.OCTET_STRING { // constructed, or may hold DER
			if n := maxKDFIterations(elem, depth+1); n > max {
				max = n
			}
		}
	}
	return max
}
