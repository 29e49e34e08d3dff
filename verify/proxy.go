package verify

import (
	"bytes"
	"encoding/asn1"
	"github.com/sslstream/sslstream/internal/dercheck"

	"github.com/sslstream/sslstream/dn"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// RFC 3820 proxy certificates, as OpenSSL 3.0 treats them.
//
// x509v3_cache_extensions marks a certificate with a proxyCertInfo
// extension a proxy (EXFLAG_PROXY) and keeps its pCPathLenConstraint; a
// proxy that is also a CA or carries a subject or issuer alternative name,
// and a proxyCertInfo that does not decode, make the certificate invalid.
// check_extensions then refuses proxies unless allowed (40), counts the
// proxy path length (38) and wants a non-CA after a proxy (37);
// internal_verify wants digitalSignature in the key usage of a proxy's
// issuer (39); check_name_constraints wants the proxy's subject to be its
// issuer's name with one commonName added (72). The policy language and
// policy are decoded but never evaluated.

var (
	oidIssuerAltName = asn1.ObjectIdentifier{2, 5, 29, 18}
	oidCommonNameDER = []byte{0x55, 0x04, 0x03} // 2.5.4.3, content octets
)

// parseProxyCertInfo decodes a ProxyCertInfoExtension (RFC 3820 3.8):
//
//	SEQUENCE { pCPathLenConstraint INTEGER OPTIONAL,
//	           proxyPolicy SEQUENCE { policyLanguage OBJECT IDENTIFIER,
//	                                  policy OCTET STRING OPTIONAL } }
//
// It returns the path length constraint (-1 when absent, and, as
// ASN1_INTEGER_get answers, when it does not fit in 64 bits) and whether
// the value decodes as OpenSSL decodes it: bytes after the outer SEQUENCE
// are ignored, as X509V3_EXT_d2i ignores them.
func parseProxyCertInfo(v []byte) (pathLen int64, ok bool) {
	in := cryptobyte.String(v)
	var seq, policy cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return -1, false
	}
	pathLen = -1
	if seq.PeekASN1Tag(cbasn1.INTEGER) {
		var raw cryptobyte.String
		if !seq.ReadASN1(&raw, cbasn1.INTEGER) {
			return -1, false
		}
		n, valid := derInt64(raw)
		if !valid {
			return -1, false
		}
		pathLen = n
	}
	if !seq.ReadASN1(&policy, cbasn1.SEQUENCE) || !seq.Empty() {
		return -1, false
	}
	var oid cryptobyte.String
	if !policy.ReadASN1(&oid, cbasn1.OBJECT_IDENTIFIER) || !dercheck.ValidOID(oid) {
		return -1, false
	}
	// The policy, primitive or (BER, which OpenSSL also takes) constructed.
	for _, tag := range []cbasn1.Tag{cbasn1.OCTET_STRING, cbasn1.OCTET_STRING.Constructed()} {
		if policy.PeekASN1Tag(tag) {
			var s cryptobyte.String
			if !policy.ReadASN1(&s, tag) {
				return -1, false
			}
			break
		}
	}
	if !policy.Empty() {
		return -1, false
	}
	return pathLen, true
}

// derInt64 reads the content octets of a DER INTEGER: valid reports a
// minimal encoding; the value is -1 when it does not fit in an int64.
func derInt64(b []byte) (n int64, valid bool) {
	if !dercheck.MinimalInteger(b) {
		return 0, false
	}
	if len(b) > 8 {
		return -1, true
	}
	if b[0]&0x80 != 0 {
		n = -1
	}
	for _, c := range b {
		n = n<<8 | int64(c)
	}
	return n, true
}

// nameEntry is one attribute of a Name and the RDN it belongs to.
type nameEntry struct {
	set int
	oid cryptobyte.String
}

// nameEntries lists the attributes of a DER Name in order, each with its
// RDN's index (X509_NAME_ENTRY_set), and the raw RDN elements; ok is false
// when the Name does not decode.
func nameEntries(der []byte) (entries []nameEntry, rdns []cryptobyte.String, ok bool) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, nil, false
	}
	for i := 0; !seq.Empty(); i++ {
		var rdn, set cryptobyte.String
		if !seq.ReadASN1Element(&rdn, cbasn1.SET) {
			return nil, nil, false
		}
		whole := rdn
		if !whole.ReadASN1(&set, cbasn1.SET) {
			return nil, nil, false
		}
		rdns = append(rdns, rdn)
		for !set.Empty() {
			var atv, oid cryptobyte.String
			if !set.ReadASN1(&atv, cbasn1.SEQUENCE) || !atv.ReadASN1(&oid, cbasn1.OBJECT_IDENTIFIER) {
				return nil, nil, false
			}
			entries = append(entries, nameEntry{set: i, oid: oid})
		}
	}
	return entries, rdns, true
}

// proxySubjectOK is the proxy subject rule of check_name_constraints (RFC
// 3820 3.4): the subject has at least two attributes, exactly one more
// than the issuer name, the last one a commonName in an RDN of its own,
// and without it the subject equals the issuer name (X509_NAME_cmp).
func proxySubjectOK(ci *certInfo) bool {
	subj, rdns, ok := nameEntries(ci.c.RawSubject)
	if !ok || len(subj) < 2 {
		return false
	}
	iss, _, ok := nameEntries(ci.c.RawIssuer)
	if !ok || len(subj) != len(iss)+1 {
		return false
	}
	last, prev := subj[len(subj)-1], subj[len(subj)-2]
	if last.set == prev.set {
		return false // the commonName shares an RDN
	}
	if !bytes.Equal(last.oid, oidCommonNameDER) {
		return false
	}
	// The subject without the RDN of its last attribute, encoded again
	// from its attributes as OpenSSL does (an empty RDN leaves no trace).
	used := make([]bool, len(rdns))
	for _, e := range subj {
		used[e.set] = true
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for i, r := range rdns {
			if used[i] && i != last.set {
				b.AddBytes(r)
			}
		}
	})
	base, err := b.Bytes()
	if err != nil {
		return false
	}
	return dn.Equal(base, ci.c.RawIssuer)
}
