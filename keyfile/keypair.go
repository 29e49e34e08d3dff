package keyfile

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"fmt"

	"github.com/sslstream/sslstream/internal/x509fallback"
)

// LoadKeyPair loads the own certificate chain and private key (settings
// certificate, key and certificate-password).
//
// certPath is a PEM file (the chain, leaf first; it may also hold the key),
// a DER certificate, or a PKCS#12 file (detected by content, whatever its
// extension). keyPath is a PEM or DER private key in any format
// ParsePrivateKey reads; "" means the key is read from certPath. password
// decrypts an encrypted key or the PKCS#12 file and is ignored otherwise.
//
// The returned certificate has Leaf set. A missing password for an encrypted
// key gives an error wrapping ErrPasswordRequired, a wrong one
// ErrBadPassword, a key that does not belong to the leaf ErrKeyMismatch.
func LoadKeyPair(certPath, keyPath, password string) (tls.Certificate, error) {
	certData, err := readLimited(certPath)
	if err != nil {
		return tls.Certificate{}, newErr(certPath, nil, err, "cannot read certificate file")
	}
	var keyData []byte
	if keyPath != "" {
		keyData, err = readLimited(keyPath)
		if err != nil {
			return tls.Certificate{}, newErr(keyPath, nil, err, "cannot read key file")
		}
		defer clear(keyData)
	}
	if isPEM(certData) {
		// Parsed certificates reference decoded copies, never this buffer,
		// so it can be cleared in case it holds the key.
		defer clear(certData)
	}
	return ParseKeyPair(certData, certPath, keyData, keyPath, password)
}

// ParseKeyPair is LoadKeyPair on bytes; the names are used in error
// messages only. keyData == nil together with keyName == "" means the key is
// taken from certData. ParseKeyPair does not modify its arguments.
func ParseKeyPair(certData []byte, certName string, keyData []byte, keyName string, password string) (tls.Certificate, error) {
	p := parser{lim: defaultLimits()}
	return p.parseKeyPair(certData, certName, keyData, keyName, password)
}

func (p parser) parseKeyPair(certData []byte, certName string, keyData []byte, keyName string, password string) (tls.Certificate, error) {
	keyFromCert := keyData == nil && keyName == ""
	var (
		certs []*x509.Certificate
		key   crypto.Signer
		err   error
	)
	switch {
	case len(certData) == 0:
		return tls.Certificate{}, newErr(certName, ErrNoCertificate, nil, "empty file")
	case isPEM(certData):
		blocks, err := scanPEM(certData)
		if err != nil {
			return tls.Certificate{}, newErr(certName, nil, err, "cannot read certificate")
		}
		defer zeroBlocks(blocks)
		if certs, err = certsFromPEMBlocks(blocks, certName, false); err != nil {
			return tls.Certificate{}, err
		}
		if keyFromCert {
			key, err = p.keyFromPEMBlocks(blocks, certName, password)
			if err != nil {
				if e, ok := err.(*Error); ok && e.Kind == ErrNoKey {
					e.Reason += "; give the key setting or put the key in the certificate file"
				}
				return tls.Certificate{}, err
			}
		}
	case isPKCS12(certData):
		key, certs, err = p.decodePKCS12(certData, certName, password)
		if err != nil {
			return tls.Certificate{}, err
		}
		if !keyFromCert {
			key = nil // the key setting wins over the PKCS#12 key
		}
	default:
		certs, err = x509fallback.ParseCertificates(certData)
		if err != nil {
			return tls.Certificate{}, newErr(certName, nil, err, "neither PEM, PKCS#12 nor valid DER certificate data")
		}
		if len(certs) == 0 {
			return tls.Certificate{}, newErr(certName, ErrNoCertificate, nil, "no certificate found")
		}
		if keyFromCert {
			return tls.Certificate{}, newErr(certName, ErrNoKey, nil, "a DER certificate file cannot hold the key; give the key setting")
		}
	}
	if key == nil {
		if key, err = p.parsePrivateKey(keyData, keyName, password); err != nil {
			return tls.Certificate{}, err
		}
	}
	leaf := certs[0]
	if !keyMatches(leaf.PublicKey, key) {
		kn := keyName
		if keyFromCert {
			kn = certName
		}
		return tls.Certificate{}, newErr(kn, ErrKeyMismatch, nil, fmt.Sprintf(
			"key does not match the certificate's public key (certificate %s is %s, key is %s)",
			certName, DescribeKey(leaf.PublicKey), DescribeKey(key)))
	}
	out := tls.Certificate{PrivateKey: key, Leaf: leaf}
	for _, c := range certs {
		out.Certificate = append(out.Certificate, c.Raw)
	}
	return out, nil
}
