package keyfile

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"github.com/sslstream/sslstream/internal/dercheck"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// TrustSettings are the trust settings OpenSSL stores after a certificate
// in a TRUSTED CERTIFICATE block (its X509_CERT_AUX, written by
// `openssl x509 -trustout -addtrust / -addreject / -setalias`). The
// verifier honours Trusted and Rejected as OpenSSL's X509_check_trust does;
// Alias and KeyID are informational.
type TrustSettings struct {
	// Trusted are the uses the certificate is trusted for (-addtrust),
	// extended key usage OIDs such as serverAuth or anyExtendedKeyUsage;
	// nil when the list is absent. A list that is present, even empty,
	// means "trusted for these uses only" (OpenSSL then rejects the
	// others).
	Trusted []asn1.ObjectIdentifier
	// Rejected are the uses the certificate must not be trusted for
	// (-addreject); a rejection wins over a trust for the same use.
	Rejected []asn1.ObjectIdentifier
	// Alias is the friendly name (-setalias), "" when absent.
	Alias string
	// KeyID is the key identifier OpenSSL keeps with the certificate (set
	// when it comes from a PKCS#12 file), nil when absent.
	KeyID []byte
}

// IsTrusted reports whether use is among the trusted uses.
func (s *TrustSettings) IsTrusted(use asn1.ObjectIdentifier) bool {
	return s != nil && containsOID(s.Trusted, use)
}

// IsRejected reports whether use is among the rejected uses.
func (s *TrustSettings) IsRejected(use asn1.ObjectIdentifier) bool {
	return s != nil && containsOID(s.Rejected, use)
}

func containsOID(list []asn1.ObjectIdentifier, oid asn1.ObjectIdentifier) bool {
	for _, o := range list {
		if o.Equal(oid) {
			return true
		}
	}
	return false
}

// TrustedCertificate is a certificate and the trust settings its file gave
// it.
type TrustedCertificate struct {
	// Cert is the certificate.
	Cert *x509.Certificate
	// Trust are its trust settings; nil when the file gave none (a
	// CERTIFICATE block, a DER file, or a TRUSTED CERTIFICATE block with
	// nothing after the certificate).
	Trust *TrustSettings
}

// maxTrustOIDs bounds the trust and reject lists of one certificate; real
// files have a handful.
const maxTrustOIDs = 256

// errAux is the cause of every trust settings decoding failure.
var errAux = errors.New("malformed trust settings (X509_CERT_AUX)")

// ParseTrustSettings decodes OpenSSL's X509_CERT_AUX structure:
//
//	SEQUENCE {
//	  trust   SEQUENCE OF OBJECT IDENTIFIER OPTIONAL,
//	  reject  [0] IMPLICIT SEQUENCE OF OBJECT IDENTIFIER OPTIONAL,
//	  alias   UTF8String OPTIONAL,
//	  keyid   OCTET STRING OPTIONAL,
//	  other   [1] IMPLICIT SEQUENCE OF AlgorithmIdentifier OPTIONAL }
//
// der must hold exactly one such SEQUENCE. An error means OpenSSL refuses
// the certificate too.
func ParseTrustSettings(der []byte) (*TrustSettings, error) {
	s := cryptobyte.String(der)
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !s.Empty() {
		return nil, fmt.Errorf("%w: not one DER SEQUENCE", errAux)
	}
	ts := &TrustSettings{}
	readOIDs := func(list cryptobyte.String, what string) ([]asn1.ObjectIdentifier, error) {
		out := []asn1.ObjectIdentifier{}
		for !list.Empty() {
			if len(out) == maxTrustOIDs {
				return nil, fmt.Errorf("%w: more than %d %s uses", errAux, maxTrustOIDs, what)
			}
			var raw cryptobyte.String
			if !list.ReadASN1(&raw, cbasn1.OBJECT_IDENTIFIER) || !dercheck.ValidOID(raw) {
				return nil, fmt.Errorf("%w: bad object identifier in the %s list", errAux, what)
			}
			var oid asn1.ObjectIdentifier
			elem := cryptobyte.NewBuilder(nil)
			elem.AddASN1(cbasn1.OBJECT_IDENTIFIER, func(b *cryptobyte.Builder) { b.AddBytes(raw) })
			der, err := elem.Bytes()
			if enc := cryptobyte.String(der); err != nil || !enc.ReadASN1ObjectIdentifier(&oid) {
				// Well formed, but an arc too large for Go: OpenSSL
				// accepts it, and it can match no use it checks.
				continue
			}
			out = append(out, oid)
		}
		return out, nil
	}
	var err error
	if seq.PeekASN1Tag(cbasn1.SEQUENCE) {
		var list cryptobyte.String
		seq.ReadASN1(&list, cbasn1.SEQUENCE)
		if ts.Trusted, err = readOIDs(list, "trusted"); err != nil {
			return nil, err
		}
	}
	if tag := cbasn1.Tag(0).ContextSpecific().Constructed(); seq.PeekASN1Tag(tag) {
		var list cryptobyte.String
		seq.ReadASN1(&list, tag)
		if ts.Rejected, err = readOIDs(list, "rejected"); err != nil {
			return nil, err
		}
	}
	if seq.PeekASN1Tag(cbasn1.UTF8String) {
		var alias cryptobyte.String
		seq.ReadASN1(&alias, cbasn1.UTF8String)
		if !utf8.Valid(alias) {
			return nil, fmt.Errorf("%w: alias is not UTF-8", errAux)
		}
		ts.Alias = string(alias)
	}
	if seq.PeekASN1Tag(cbasn1.OCTET_STRING) {
		var kid cryptobyte.String
		seq.ReadASN1(&kid, cbasn1.OCTET_STRING)
		ts.KeyID = append([]byte{}, kid...)
	}
	if tag := cbasn1.Tag(1).ContextSpecific().Constructed(); seq.PeekASN1Tag(tag) {
		var other cryptobyte.String
		seq.ReadASN1(&other, tag)
		for !other.Empty() {
			var alg cryptobyte.String
			var oid asn1.ObjectIdentifier
			if !other.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) {
				return nil, fmt.Errorf("%w: bad algorithm identifier in the other list", errAux)
			}
		}
	}
	if !seq.Empty() {
		return nil, fmt.Errorf("%w: unexpected data after the known fields", errAux)
	}
	return ts, nil
}

// SplitTrustedCertificate splits the contents of a TRUSTED CERTIFICATE
// block (OpenSSL's d2i_X509_AUX input) into the certificate's DER and its
// trust settings (nil when nothing follows the certificate). Bytes after
// the trust settings are ignored, as OpenSSL ignores them.
func SplitTrustedCertificate(der []byte) (certDER []byte, trust *TrustSettings, err error) {
	s := cryptobyte.String(der)
	var cert cryptobyte.String
	if !s.ReadASN1Element(&cert, cbasn1.SEQUENCE) {
		return nil, nil, errors.New("malformed certificate")
	}
	if s.Empty() {
		return cert, nil, nil
	}
	var aux cryptobyte.String
	if !s.ReadASN1Element(&aux, cbasn1.SEQUENCE) {
		return nil, nil, fmt.Errorf("%w: not a DER SEQUENCE after the certificate", errAux)
	}
	trust, err = ParseTrustSettings(aux)
	if err != nil {
		return nil, nil, err
	}
	return cert, trust, nil
}

// LoadTrustedCertificates is LoadCertificates keeping the trust settings
// of TRUSTED CERTIFICATE blocks, as OpenSSL's CA-file reader does (for
// ca-file and the verify command's --trusted). CERTIFICATE and X509
// CERTIFICATE blocks and DER files give certificates without trust
// settings. A TRUSTED CERTIFICATE block whose trust settings do not decode
// makes the whole file an error, as in OpenSSL.
func LoadTrustedCertificates(path string) ([]TrustedCertificate, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, newErr(path, nil, err, "cannot read certificate file")
	}
	return ParseTrustedCertificates(data, path)
}

// ParseTrustedCertificates is LoadTrustedCertificates on bytes; name is
// used in error messages only.
func ParseTrustedCertificates(data []byte, name string) ([]TrustedCertificate, error) {
	if len(data) == 0 || !isPEM(data) {
		certs, err := ParseCertificates(data, name)
		if err != nil {
			return nil, err
		}
		out := make([]TrustedCertificate, len(certs))
		for i, c := range certs {
			out[i] = TrustedCertificate{Cert: c}
		}
		return out, nil
	}
	blocks, err := scanPEM(data)
	if err != nil {
		return nil, newErr(name, nil, err, "cannot read certificates")
	}
	defer zeroBlocks(blocks)
	return trustedFromPEMBlocks(blocks, name, true)
}

// Marshal encodes the settings as OpenSSL's X509_CERT_AUX (the bytes a
// TRUSTED CERTIFICATE block holds after the certificate). Nil lists are
// left out; empty ones are written empty.
func (s *TrustSettings) Marshal() ([]byte, error) {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		if s.Trusted != nil {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				for _, o := range s.Trusted {
					b.AddASN1ObjectIdentifier(o)
				}
			})
		}
		if s.Rejected != nil {
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				for _, o := range s.Rejected {
					b.AddASN1ObjectIdentifier(o)
				}
			})
		}
		if s.Alias != "" {
			b.AddASN1(cbasn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(s.Alias)) })
		}
		if s.KeyID != nil {
			b.AddASN1OctetString(s.KeyID)
		}
	})
	der, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("keyfile: encoding trust settings: %w", err)
	}
	return der, nil
}
