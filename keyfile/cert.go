package keyfile

import (
	"crypto/x509"
	"fmt"

	"github.com/sslstream/sslstream/internal/x509fallback"
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
	data, err := readLimited(path)
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
		return certsFromPEMBlocks(blocks, name, true)
	}
	if isPKCS12(data) {
		return nil, newErr(name, ErrNoCertificate, nil, "this is a PKCS#12 file, not a PEM or DER certificate list")
	}
	certs, err := x509fallback.ParseCertificates(data)
	if err != nil {
		return nil, newErr(name, nil, err, "neither PEM nor valid DER certificate data")
	}
	if len(certs) == 0 {
		return nil, newErr(name, ErrNoCertificate, nil, "no certificate found")
	}
	return certs, nil
}

// certsFromPEMBlocks parses the certificate blocks, in order. With caFile,
// the other blocks are checked as OpenSSL's CA-file reader checks them;
// otherwise (certificate chain files, read by OpenSSL with
// PEM_read_bio_X509) they are skipped unread.
func certsFromPEMBlocks(blocks []pemBlock, name string, caFile bool) ([]*x509.Certificate, error) {
	tcs, err := trustedFromPEMBlocks(blocks, name, caFile)
	if err != nil {
		return nil, err
	}
	certs := make([]*x509.Certificate, len(tcs))
	for i, tc := range tcs {
		certs[i] = tc.Cert
	}
	return certs, nil
}

// trustedFromPEMBlocks is certsFromPEMBlocks keeping the trust settings of
// TRUSTED CERTIFICATE blocks.
func trustedFromPEMBlocks(blocks []pemBlock, name string, caFile bool) ([]TrustedCertificate, error) {
	var certs []TrustedCertificate
	for _, b := range blocks {
		if !isCertPEMType(b.Type) {
			if reason := caFileBlockProblem(b); caFile && reason != "" {
				return nil, newErr(name, nil, nil, fmt.Sprintf("%q block at line %d: %s", b.Type, b.Line, reason))
			}
			continue
		}
		if len(b.Headers) > 0 {
			// OpenSSL accepts only Proc-Type encryption headers, and no
			// encrypted certificates.
			return nil, newErr(name, nil, nil, fmt.Sprintf("%q block at line %d: certificate with PEM headers", b.Type, b.Line))
		}
		der := b.Bytes
		var trust *TrustSettings
		if b.Type == pemCertTrusted {
			// OpenSSL's X509_AUX form: the certificate followed by trust
			// settings (X509_CERT_AUX), which must decode.
			var err error
			der, trust, err = SplitTrustedCertificate(der)
			if err != nil {
				return nil, newErr(name, nil, err, fmt.Sprintf("%q block at line %d", b.Type, b.Line))
			}
		} else {
			// OpenSSL's d2i_X509 reads the certificate and ignores what
			// follows it in the block.
			s := cryptobyte.String(der)
			var elem cryptobyte.String
			if s.ReadASN1Element(&elem, cbasn1.SEQUENCE) {
				der = elem
			}
		}
		c, err := x509fallback.ParseCertificate(der)
		if err != nil {
			return nil, newErr(name, nil, err, fmt.Sprintf("%q block at line %d: invalid certificate", b.Type, b.Line))
		}
		certs = append(certs, TrustedCertificate{Cert: c, Trust: trust})
	}
	if len(certs) == 0 {
		return nil, newErr(name, ErrNoCertificate, nil, fmt.Sprintf("no certificate found (PEM blocks: %s)", pemTypes(blocks)))
	}
	return certs, nil
}

// caFileBlockProblem mirrors OpenSSL's CA-file reader
// (PEM_X509_INFO_read_bio), which besides certificates decodes CRLs and
// unencrypted RSA, DSA, EC and PKCS#8 private keys, and rejects the whole
// file when one of them does not decode; other block types (PUBLIC KEY, EC
// PARAMETERS, ENCRYPTED PRIVATE KEY, unknown labels) are skipped unread.
// We check the DER structure as OpenSSL's decoders do (not the key's
// mathematics, which they do not check either). It returns "" when the block
// is fine to skip.
func caFileBlockProblem(b pemBlock) string {
	if b.Headers["Proc-Type"] != "" {
		return "" // legacy-encrypted key: OpenSSL keeps it undecoded
	}
	ok := true
	switch b.Type {
	case "X509 CRL":
		ok = crlShape(b.Bytes)
	case pemPKCS1:
		ok = rsaKeyShape(b.Bytes)
	case pemSEC1:
		ok = ecKeyShape(b.Bytes)
	case "DSA PRIVATE KEY":
		ok = integerSequenceShape(b.Bytes, 6)
	case pemPKCS8:
		ok = pkcs8Shape(b.Bytes)
	}
	if !ok {
		return "malformed " + b.Type + " (OpenSSL rejects the whole file)"
	}
	return ""
}

func crlShape(der []byte) bool {
	s := cryptobyte.String(der)
	var seq, tbs, alg cryptobyte.String
	return s.ReadASN1(&seq, cbasn1.SEQUENCE) && s.Empty() &&
		seq.ReadASN1(&tbs, cbasn1.SEQUENCE) && seq.ReadASN1(&alg, cbasn1.SEQUENCE) &&
		seq.SkipASN1(cbasn1.BIT_STRING) && seq.Empty()
}

// integerSequenceShape: SEQUENCE { n INTEGERs, ... }.
func integerSequenceShape(der []byte, n int) bool {
	s := cryptobyte.String(der)
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !s.Empty() {
		return false
	}
	for i := 0; i < n; i++ {
		if !seq.SkipASN1(cbasn1.INTEGER) {
			return false
		}
	}
	return true
}

// rsaKeyShape: RSAPrivateKey, version and eight INTEGERs.
func rsaKeyShape(der []byte) bool { return integerSequenceShape(der, 9) }

// ecKeyShape: ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET
// STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL }.
func ecKeyShape(der []byte) bool {
	s := cryptobyte.String(der)
	var seq cryptobyte.String
	return s.ReadASN1(&seq, cbasn1.SEQUENCE) && s.Empty() &&
		seq.SkipASN1(cbasn1.INTEGER) && seq.SkipASN1(cbasn1.OCTET_STRING)
}

// pkcs8Shape: a PrivateKeyInfo whose inner key has the shape of its
// algorithm (RSA and EC checked; other algorithms accepted).
func pkcs8Shape(der []byte) bool {
	oid, ok := pkcs8AlgorithmOID(der)
	if !ok {
		return false
	}
	s := cryptobyte.String(der)
	var seq, inner cryptobyte.String
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.SkipASN1(cbasn1.INTEGER) ||
		!seq.SkipASN1(cbasn1.SEQUENCE) || !seq.ReadASN1(&inner, cbasn1.OCTET_STRING) {
		return false
	}
	switch keyAlgorithmNames[oid.String()] {
	case "RSA", "RSA-PSS":
		return rsaKeyShape(inner)
	case "EC":
		return ecKeyShape(inner)
	}
	return true
}
