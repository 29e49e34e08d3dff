package x509text

import (
	"encoding/asn1"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Aux is what OpenSSL's TRUSTED CERTIFICATE PEM blocks add after the
// certificate (X509_CERT_AUX): the purposes it is trusted and rejected for,
// an alias and a key identifier.
type Aux struct {
	Trust, Reject       []asn1.ObjectIdentifier
	HasTrust, HasReject bool
	Alias               string
	HasAlias            bool
	KeyID               []byte
}

// ParseAux decodes the X509_CERT_AUX bytes that follow the certificate in a
// TRUSTED CERTIFICATE block.
func ParseAux(der []byte) (*Aux, bool) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil, false
	}
	a := &Aux{}
	readOIDs := func(s cryptobyte.String) ([]asn1.ObjectIdentifier, bool) {
		var out []asn1.ObjectIdentifier
		for !s.Empty() {
			var oid asn1.ObjectIdentifier
			if !s.ReadASN1ObjectIdentifier(&oid) {
				return nil, false
			}
			out = append(out, oid)
		}
		return out, true
	}
	var body cryptobyte.String
	var ok bool
	if seq.PeekASN1Tag(cbasn1.SEQUENCE) {
		if !seq.ReadASN1(&body, cbasn1.SEQUENCE) {
			return nil, false
		}
		if a.Trust, ok = readOIDs(body); !ok {
			return nil, false
		}
		a.HasTrust = true
	}
	if seq.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		if !seq.ReadASN1(&body, cbasn1.Tag(0).Constructed().ContextSpecific()) {
			return nil, false
		}
		if a.Reject, ok = readOIDs(body); !ok {
			return nil, false
		}
		a.HasReject = true
	}
	if seq.PeekASN1Tag(cbasn1.UTF8String) {
		if !seq.ReadASN1(&body, cbasn1.UTF8String) {
			return nil, false
		}
		a.Alias, a.HasAlias = string(body), true
	}
	if seq.PeekASN1Tag(cbasn1.OCTET_STRING) {
		if !seq.ReadASN1(&body, cbasn1.OCTET_STRING) {
			return nil, false
		}
		a.KeyID = append([]byte{}, body...)
	}
	return a, true
}

// text is X509_aux_print at indent 0, which -text appends.
func (a *Aux) text() string {
	var sb strings.Builder
	list := func(oids []asn1.ObjectIdentifier) string {
		parts := make([]string, len(oids))
		for i, o := range oids {
			parts[i] = oidText(o)
		}
		return strings.Join(parts, ", ")
	}
	if a.HasTrust {
		sb.WriteString("Trusted Uses:\n  " + list(a.Trust) + "\n")
	} else {
		sb.WriteString("No Trusted Uses.\n")
	}
	if a.HasReject {
		sb.WriteString("Rejected Uses:\n  " + list(a.Reject) + "\n")
	} else {
		sb.WriteString("No Rejected Uses.\n")
	}
	if a.HasAlias {
		sb.WriteString("Alias: " + cstr([]byte(a.Alias)) + "\n")
	}
	if a.KeyID != nil {
		sb.WriteString("Key Id: " + colonHex(a.KeyID) + "\n")
	}
	return sb.String()
}
