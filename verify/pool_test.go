package verify

import (
	"crypto/x509"
	"testing"

	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/internal/minipki"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// rawName encodes a Name of one commonName with the given value tag.
func rawName(t *testing.T, tag cbasn1.Tag, value []byte) []byte {
	t.Helper()
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier([]int{2, 5, 4, 3})
				b.AddASN1(tag, func(b *cryptobyte.Builder) { b.AddBytes(value) })
			})
		})
	})
	der, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestPoolIssuers: the Pool finds anchors under OpenSSL's name comparison,
// finds a name without canonical form only by its own bytes, and filters a
// bucket whose names differ.
func TestPoolIssuers(t *testing.T) {
	t.Parallel()
	f := newFactory()
	withName := func(raw []byte) *x509.Certificate {
		return must[*minipki.Cert](t)(f.Root("x", minipki.Template(func(c *x509.Certificate) { c.RawSubject = raw }))).Cert
	}
	utf8Name := rawName(t, cbasn1.UTF8String, []byte("Example Root"))
	printable := rawName(t, cbasn1.PrintableString, []byte("  example   ROOT "))
	other := rawName(t, cbasn1.UTF8String, []byte("Other Root"))
	// UTF-16 surrogates are not UCS-2: no canonical form. crypto/x509
	// refuses to parse such a name, so the certificate is made by hand.
	odd := rawName(t, cbasn1.Tag(30), []byte{0xd8, 0x3d, 0xde, 0x00})
	a, b := withName(utf8Name), withName(other)
	o := &x509.Certificate{Raw: []byte("odd certificate"), RawSubject: odd, RawIssuer: odd}
	if dn.Valid(odd) || !dn.Valid(utf8Name) {
		t.Fatal("test names are not what they should be")
	}
	p := NewPool([]*x509.Certificate{a, b, o, a})
	if p.Len() != 3 {
		t.Errorf("Len %d, want 3 (the duplicate kept once)", p.Len())
	}
	for _, tc := range []struct {
		name string
		raw  []byte
		want []*x509.Certificate
	}{
		{"same bytes", utf8Name, []*x509.Certificate{a}},
		{"other spelling", printable, []*x509.Certificate{a}},
		{"other name", other, []*x509.Certificate{b}},
		{"no canonical form, same bytes", odd, []*x509.Certificate{o}},
		{"unknown", rawName(t, cbasn1.UTF8String, []byte("nobody")), nil},
		{"malformed", []byte{0x30, 0x01}, nil},
	} {
		got, err := p.Issuers(tc.raw)
		if err != nil || len(got) != len(tc.want) || (len(got) == 1 && got[0] != tc.want[0]) {
			t.Errorf("%s: Issuers = %d certificates (%v), want %d", tc.name, len(got), err, len(tc.want))
		}
	}
	// A bucket holding two different names (as a hash collision would):
	// lookups keep only the matching one.
	ka, _ := dn.CanonicalHash(utf8Name)
	p.bySubj[ka] = []*x509.Certificate{b, a, b}
	p.mixed[ka] = true
	for _, tc := range []struct {
		raw  []byte
		want *x509.Certificate
	}{{utf8Name, a}, {printable, a}} {
		got, _ := p.Issuers(tc.raw)
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("mixed bucket: Issuers(%x) = %d certificates, want the one", tc.raw, len(got))
		}
	}
}
