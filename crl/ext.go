package crl

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// IDP is a parsed issuing distribution point extension (RFC 5280 5.2.5),
// the fields OpenSSL's CRL checks use.
type IDP struct {
	// HasDistributionPoint is true when the distributionPoint field is
	// present; DistributionPoint is its raw DER (the [0] element).
	HasDistributionPoint bool
	DistributionPoint    []byte
	OnlyUserCerts        bool
	OnlyCACerts          bool
	OnlyAttributeCerts   bool
	IndirectCRL          bool
	// OnlySomeReasons holds the onlySomeReasons field when HasReasons is
	// true: bit 1<<n is set when ReasonFlags bit n is (RFC 5280 numbering:
	// 1 keyCompromise, 2 cACompromise, 3 affiliationChanged, 4 superseded,
	// 5 cessationOfOperation, 6 certificateHold, 7 privilegeWithdrawn,
	// 8 aACompromise; 0 is unused), the same numbers as reason codes.
	HasReasons      bool
	OnlySomeReasons uint16
	// Critical is the extension's critical flag.
	Critical bool
}

// Invalid reports whether OpenSSL marks the CRL invalid for this IDP: more
// than one of the onlyContains... flags set.
func (p *IDP) Invalid() bool {
	n := 0
	for _, b := range []bool{p.OnlyUserCerts, p.OnlyCACerts, p.OnlyAttributeCerts} {
		if b {
			n++
		}
	}
	return n > 1
}

var (
	oidIDP   = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidDelta = asn1.ObjectIdentifier{2, 5, 29, 27}
)

// rawExtension returns the value of the CRL extension of type oid.
func (c *CRL) rawExtension(oid asn1.ObjectIdentifier) (value []byte, critical, ok bool) {
	for _, e := range c.List.Extensions {
		if e.Id.Equal(oid) {
			return e.Value, e.Critical, true
		}
	}
	return nil, false, false
}

// IssuingDistributionPoint returns the CRL's issuing distribution point
// extension, or nil when it has none. A malformed extension is an error
// (OpenSSL then treats the CRL as invalid).
func (c *CRL) IssuingDistributionPoint() (*IDP, error) {
	v, critical, ok := c.rawExtension(oidIDP)
	if !ok {
		return nil, nil
	}
	p := &IDP{Critical: critical}
	s := cryptobyte.String(v)
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !s.Empty() {
		return nil, fmt.Errorf("crl: %s: malformed issuing distribution point", c.Source)
	}
	ctx := func(n int) cbasn1.Tag { return cbasn1.Tag(n).ContextSpecific() }
	if seq.PeekASN1Tag(ctx(0).Constructed()) {
		var dp cryptobyte.String
		if !seq.ReadASN1Element(&dp, ctx(0).Constructed()) {
			return nil, fmt.Errorf("crl: %s: malformed issuing distribution point name", c.Source)
		}
		p.HasDistributionPoint, p.DistributionPoint = true, dp
	}
	readBool := func(tag cbasn1.Tag, out *bool) error {
		if !seq.PeekASN1Tag(tag) {
			return nil
		}
		var v cryptobyte.String
		if !seq.ReadASN1(&v, tag) || len(v) != 1 {
			return fmt.Errorf("crl: %s: malformed issuing distribution point flag", c.Source)
		}
		*out = v[0] != 0
		return nil
	}
	if err := readBool(ctx(1), &p.OnlyUserCerts); err != nil {
		return nil, err
	}
	if err := readBool(ctx(2), &p.OnlyCACerts); err != nil {
		return nil, err
	}
	if seq.PeekASN1Tag(ctx(3)) {
		var bits cryptobyte.String
		if !seq.ReadASN1(&bits, ctx(3)) || len(bits) < 1 || len(bits) > 3 || bits[0] > 7 {
			return nil, fmt.Errorf("crl: %s: malformed onlySomeReasons", c.Source)
		}
		var mask uint16
		for i, b := range bits[1:] {
			for k := 0; k < 8; k++ {
				if b&(0x80>>k) != 0 {
					mask |= 1 << (8*i + k)
				}
			}
		}
		p.HasReasons, p.OnlySomeReasons = true, mask
	}
	if err := readBool(ctx(4), &p.IndirectCRL); err != nil {
		return nil, err
	}
	if err := readBool(ctx(5), &p.OnlyAttributeCerts); err != nil {
		return nil, err
	}
	if !seq.Empty() {
		return nil, fmt.Errorf("crl: %s: malformed issuing distribution point: unexpected field", c.Source)
	}
	return p, nil
}

// DeltaCRLIndicator returns the base CRL number of a delta CRL, or nil when
// the CRL is not a delta CRL.
func (c *CRL) DeltaCRLIndicator() (*big.Int, error) {
	v, _, ok := c.rawExtension(oidDelta)
	if !ok {
		return nil, nil
	}
	s := cryptobyte.String(v)
	n := new(big.Int)
	if !s.ReadASN1Integer(n) || !s.Empty() {
		return nil, errors.New("crl: " + c.Source + ": malformed delta CRL indicator")
	}
	return n, nil
}
