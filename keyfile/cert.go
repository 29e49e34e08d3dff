package keyfile

import (
	"crypto/x509"
	"fmt"
	"os"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// PEM block types holding certificates, as OpenSSL accepts them.
const (
	pemCert        = "CERTIFICATE"
	pemCertOld     = "X509 CERTIFICATE"
	pemCertTrusted = "TRUSTED CERTIFICATE"
)

func isCertPEMType(t string) bool {
	return t == pemCert || t == pemCertOld || t == pemCertTrusted
}

// LoadCertificates reads every certificate of a PEM bundle or a DER file
// (ca-file, untrusted certificates). PEM blocks of other types (keys, CRLs,
// parameters) and text between blocks are skipped, as OpenSSL does; a file
// with no certificate is an error wrapping ErrNoCertificate.
func LoadCertificates(path string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, newErr(path, nil, err, "cannot read certificate file")
	}
	return ParseCertificates(data, path)
}

// ParseCertificates is LoadCertificates on bytes; name is used in error
// messages only. data is PEM (blocks CERTIFICATE, X509 CERTIFICATE or
// TRUSTED CERTIFICATE) or one or more concatenated DER certificates.
func ParseCertificates(data []byte, name string) ([]*x509.Certificate, error) {
	if len(data) == 0 {
		return nil, newErr(name, ErrNoCertificate, nil, "empty file")
	}
	if isPEM(data) {
		blocks, err := scanPEM(data)
		if err != nil {
			return nil, newErr(name, nil, err, "cannot read certificates")
		}
		defer zeroBlocks(blocks) // the file may also hold a key
		return certsFromPEMBlocks(blocks, name)
	}
	if isPKCS12(data) {
		return nil, newErr(name, ErrNoCertificate, nil, "this is a PKCS#12 file, not a PEM or DER certificate list")
	}
	certs, err := x509.ParseCertificates(data)
	if err != nil {
		return nil, newErr(name, nil, err, "neither PEM nor valid DER certificate data")
	}
	if len(certs) == 0 {
		return nil, newErr(name, ErrNoCertificate, nil, "no certificate found")
	}
	return certs, nil
}

// certsFromPEMBlocks parses the certificate blocks, in order.
func certsFromPEMBlocks(blocks []pemBlock, name string) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for _, b := range blocks {
		if !isCertPEMType(b.Type) {
			continue
		}
		der := b.Bytes
		if b.Type == pemCertTrusted {
			// OpenSSL's X509_AUX form: the certificate followed by trust
			// settings (X509_CERT_AUX). We keep the certificate and ignore
			// the trust settings.
			s := cryptobyte.String(der)
			var elem cryptobyte.String
			if !s.ReadASN1Element(&elem, cbasn1.SEQUENCE) {
				return nil, newErr(name, nil, nil, fmt.Sprintf("%q block at line %d: malformed certificate", b.Type, b.Line))
			}
			der = elem
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, newErr(name, nil, err, fmt.Sprintf("%q block at line %d: invalid certificate", b.Type, b.Line))
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, newErr(name, ErrNoCertificate, nil, fmt.Sprintf("no certificate found (PEM blocks: %s)", pemTypes(blocks)))
	}
	return certs, nil
}
