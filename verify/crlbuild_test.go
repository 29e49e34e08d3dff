package verify

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
)

// OIDs of the CRL extensions the tests build.
var (
	oidCRLNumber       = asn1.ObjectIdentifier{2, 5, 29, 20}
	oidDeltaCRL        = asn1.ObjectIdentifier{2, 5, 29, 27}
	oidIDP             = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidFreshestCRL     = asn1.ObjectIdentifier{2, 5, 29, 46}
	oidAKID            = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidReasonCode      = asn1.ObjectIdentifier{2, 5, 29, 21}
	oidCertIssuer      = asn1.ObjectIdentifier{2, 5, 29, 29}
	oidECDSAWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSAWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidSHA256WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
)

// crlSpec is a CRL for the tests, encoded by hand so that every field can
// be wrong: buildCRL signs it with the signer's key (SHA-256).
type crlSpec struct {
	// number is the CRL number; nil leaves the extension out.
	number *big.Int
	// numberCritical marks the CRL number critical.
	numberCritical bool
	// noAKID leaves the authority key identifier out (by default it is
	// the signer's subject key identifier).
	noAKID bool
	// thisUpdate, nextUpdate: zero thisUpdate means baseTime-2h and
	// nextUpdate baseTime+24h; noNext leaves nextUpdate out.
	thisUpdate, nextUpdate time.Time
	noNext                 bool
	entries                []pkix.RevokedCertificate
	// exts are further CRL extensions.
	exts []pkix.Extension
	// issuer is the DER issuer name; nil: the signer's subject.
	issuer []byte
	// innerAlg, outerAlg replace the tbsCertList and outer signature
	// algorithms (the signature is still SHA-256 with the signer's key).
	innerAlg, outerAlg *pkix.AlgorithmIdentifier
	// corrupt flips a bit of the signature.
	corrupt bool
}

type tbsCRL struct {
	Version    int
	Signature  pkix.AlgorithmIdentifier
	Issuer     asn1.RawValue
	ThisUpdate time.Time
	NextUpdate time.Time                 `asn1:"optional"`
	Revoked    []pkix.RevokedCertificate `asn1:"optional"`
	Extensions []pkix.Extension          `asn1:"tag:0,optional,explicit"`
}

type certList struct {
	TBS       asn1.RawValue
	Algorithm pkix.AlgorithmIdentifier
	Signature asn1.BitString
}

// revokedEntry is a CRL entry revoking serial at baseTime-3h with the
// given reason code (-1: none) and extensions.
func revokedEntry(serial *big.Int, reason int, exts ...pkix.Extension) pkix.RevokedCertificate {
	if reason >= 0 {
		v, _ := asn1.Marshal(asn1.Enumerated(reason))
		exts = append([]pkix.Extension{{Id: oidReasonCode, Value: v}}, exts...)
	}
	return pkix.RevokedCertificate{SerialNumber: serial, RevocationTime: baseTime.Add(-3 * time.Hour).UTC(), Extensions: exts}
}

// sigAlgOf is the signature algorithm the signer's key signs with.
func sigAlgOf(signer *minipki.Cert) pkix.AlgorithmIdentifier {
	if _, ok := signer.Key.Public().(interface{ Size() int }); ok { // RSA
		return pkix.AlgorithmIdentifier{Algorithm: oidSHA256WithRSA, Parameters: asn1.NullRawValue}
	}
	return pkix.AlgorithmIdentifier{Algorithm: oidECDSAWithSHA256}
}

func buildCRL(t testing.TB, signer *minipki.Cert, s crlSpec) []byte {
	t.Helper()
	alg := sigAlgOf(signer)
	tbs := tbsCRL{Version: 1, Signature: alg, ThisUpdate: s.thisUpdate, NextUpdate: s.nextUpdate, Revoked: s.entries}
	if tbs.ThisUpdate.IsZero() {
		tbs.ThisUpdate, tbs.NextUpdate = baseTime.Add(-2*time.Hour), baseTime.Add(24*time.Hour)
	}
	tbs.ThisUpdate, tbs.NextUpdate = tbs.ThisUpdate.UTC(), tbs.NextUpdate.UTC()
	if s.noNext {
		tbs.NextUpdate = time.Time{} // encoding/asn1 leaves a zero optional field out
	}
	if s.innerAlg != nil {
		tbs.Signature = *s.innerAlg
	}
	issuer := s.issuer
	if issuer == nil {
		issuer = signer.Cert.RawSubject
	}
	tbs.Issuer = asn1.RawValue{FullBytes: issuer}
	if !s.noAKID {
		v := must[[]byte](t)(asn1.Marshal(struct {
			ID []byte `asn1:"tag:0,optional"`
		}{signer.Cert.SubjectKeyId}))
		tbs.Extensions = append(tbs.Extensions, pkix.Extension{Id: oidAKID, Value: v})
	}
	if s.number != nil {
		v := must[[]byte](t)(asn1.Marshal(s.number))
		tbs.Extensions = append(tbs.Extensions, pkix.Extension{Id: oidCRLNumber, Critical: s.numberCritical, Value: v})
	}
	tbs.Extensions = append(tbs.Extensions, s.exts...)
	tbsDER := must[[]byte](t)(asn1.Marshal(tbs))
	h := sha256.Sum256(tbsDER)
	sig := must[[]byte](t)(signer.Key.Sign(rand.Reader, h[:], crypto.SHA256))
	if s.corrupt {
		sig[len(sig)-1] ^= 1
	}
	outer := alg
	if s.outerAlg != nil {
		outer = *s.outerAlg
	}
	return must[[]byte](t)(asn1.Marshal(certList{TBS: asn1.RawValue{FullBytes: tbsDER}, Algorithm: outer, Signature: asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)}}))
}

// ext returns a CRL extension with a DER value.
func ext(t testing.TB, id asn1.ObjectIdentifier, critical bool, v any) pkix.Extension {
	return pkix.Extension{Id: id, Critical: critical, Value: must[[]byte](t)(asn1.Marshal(v))}
}
