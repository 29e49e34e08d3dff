package verify

import (
	"bytes"
	"crypto/x509/pkix"
	"encoding/asn1"

	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/dn"
)

// Delta CRLs (Options.UseDeltas), as OpenSSL 3.0 combines them with their
// base CRL: get_delta_sk, check_delta_base and crl_extension_match.
//
// Without UseDeltas a delta CRL is not combined with anything, but it is
// not refused either: unless ExtendedCRL is set, OpenSSL scores it as a
// complete CRL of its issuer, so a delta newer than the base is the CRL
// that counts (the differential tests show it). With ExtendedCRL, a delta
// is never taken for a complete CRL.

var (
	oidExtFreshestCRL = asn1.ObjectIdentifier{2, 5, 29, 46}
	oidExtAKID        = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidExtIDP         = asn1.ObjectIdentifier{2, 5, 29, 28}
)

// isDelta reports whether c has a (decodable) delta CRL indicator.
func isDelta(c *crl.CRL) bool {
	n, err := c.DeltaCRLIndicator()
	return err == nil && n != nil
}

// hasFreshest reports whether the extensions hold a freshestCRL
// extension (EXFLAG_FRESHEST).
func hasFreshest(exts []pkix.Extension) bool {
	for _, e := range exts {
		if e.Id.Equal(oidExtFreshestCRL) {
			return true
		}
	}
	return false
}

// deltaFor is get_delta_sk: the first CRL of list that is a delta of base,
// when UseDeltas is set and the certificate or the base CRL points at
// delta CRLs (freshestCRL).
func (e *engine) deltaFor(i int, base *crl.CRL, list []*crl.CRL) *crl.CRL {
	if !e.opts.UseDeltas {
		return nil
	}
	if !hasFreshest(e.chain[i].c.Extensions) && !hasFreshest(base.List.Extensions) {
		return nil
	}
	for _, d := range list {
		if d != nil && d.List != nil && checkDeltaBase(d, base) {
			return d
		}
	}
	return nil
}

// checkDeltaBase is check_delta_base: delta is a delta CRL of the same
// issuer, authority key identifier and issuing distribution point as base,
// its base CRL number at most base's number and its own number above it.
func checkDeltaBase(delta, base *crl.CRL) bool {
	baseNum, err := delta.DeltaCRLIndicator()
	if err != nil || baseNum == nil || base.List.Number == nil || delta.List.Number == nil {
		return false
	}
	if !dn.Equal(base.List.RawIssuer, delta.List.RawIssuer) {
		return false
	}
	if !crlExtensionMatch(delta, base, oidExtAKID) || !crlExtensionMatch(delta, base, oidExtIDP) {
		return false
	}
	if baseNum.Cmp(base.List.Number) > 0 {
		return false
	}
	return delta.List.Number.Cmp(base.List.Number) > 0
}

// crlExtensionMatch is crl_extension_match: both CRLs lack the extension,
// or both have it once with the same encoded value.
func crlExtensionMatch(a, b *crl.CRL, id asn1.ObjectIdentifier) bool {
	va, okA := onlyExtension(a, id)
	vb, okB := onlyExtension(b, id)
	if !okA || !okB {
		return false
	}
	if va == nil || vb == nil {
		return va == nil && vb == nil
	}
	return bytes.Equal(va, vb)
}

// onlyExtension returns the value of c's extension id (nil when absent);
// ok is false when it occurs more than once.
func onlyExtension(c *crl.CRL, id asn1.ObjectIdentifier) (value []byte, ok bool) {
	n := 0
	for _, x := range c.List.Extensions {
		if x.Id.Equal(id) {
			n++
			value = x.Value
			if value == nil {
				value = []byte{}
			}
		}
	}
	return value, n <= 1
}

// checkDeltaCRL is check_crl for the delta CRL: the checks of the issuer
// and scope were made for the base; the validity times are checked only
// when the base's were not current (OpenSSL consults the base's time
// score, not the delta's), then the signature, with the base's issuer.
func (e *engine) checkDeltaCRL(i int, cand *crlCandidate) {
	x := e.chain[i]
	issuer := cand.issuer
	if issuer == nil {
		return
	}
	d := cand.delta
	if cand.score&scoreTime == 0 {
		for _, code := range e.crlTimeCodes(d) {
			if !e.crlAllowed(code, i, d) {
				e.report(code, i, x)
			}
		}
	}
	if !issuer.pubKeyOK {
		e.report(UnableToDecodeIssuerPublicKey, i, x)
		return
	}
	l := d.List
	if !e.sigs.checkCRL(issuer.c, d, func() bool {
		return checkSignatureBy(issuer, l.SignatureAlgorithm, l.Raw, l.RawTBSRevocationList, l.Signature) == nil
	}) {
		e.report(CRLSignatureFailure, i, x)
	}
}
