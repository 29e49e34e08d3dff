package x509text

import (
	"crypto/x509"
	"strings"
	"testing"
)

// FuzzText renders whatever DER crypto/x509 accepts: Text, Name and
// Extension must never panic, and Text keeps its frame.
func FuzzText(f *testing.F) {
	for _, der := range goCerts(f) {
		f.Add(der)
		// Truncated and bit-flipped variants reach the decoders' error paths.
		f.Add(der[:len(der)/2])
		flipped := append([]byte(nil), der...)
		flipped[len(flipped)/3] ^= 0x40
		f.Add(flipped)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return
		}
		for _, o := range []Options{{}, {Names: RFC2253}} {
			s := Text(c, o)
			if !strings.HasPrefix(s, "Certificate:\n    Data:\n") || !strings.HasSuffix(s, "\n") {
				t.Fatalf("Text lost its frame:\n%s", s)
			}
		}
		for _, e := range c.Extensions {
			if s := Extension(e.Id, e.Critical, e.Value, 0); !strings.HasSuffix(s, "\n") {
				t.Fatalf("Extension %s: %q", e.Id, s)
			}
		}
		Name(c.RawSubject, RFC2253)
		slashName(c.RawIssuer)
		PublicKeyInfo(c)
		SignatureAlgorithmName(c)
	})
}

// FuzzExtension feeds arbitrary values to the decoder of every extension
// the package knows (crypto/x509 checks few of them): no panic, and the
// result keeps its frame whatever the bytes.
func FuzzExtension(f *testing.F) {
	for _, der := range goCerts(f) {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range c.Extensions {
			f.Add(e.Value)
		}
	}
	f.Add([]byte{0x30, 0x00})
	f.Add([]byte{0x05, 0x00})
	oids := knownExtensionOIDs()
	f.Fuzz(func(t *testing.T, value []byte) {
		for _, id := range oids {
			s := Extension(id, true, value, 4)
			if !strings.HasPrefix(s, "    ") || !strings.HasSuffix(s, "\n") {
				t.Fatalf("Extension %s: %q", id, s)
			}
		}
		// The other decoders that read raw bytes: names, public keys,
		// RSASSA-PSS parameters, trust settings.
		Name(value, RFC2253)
		Name(value, OneLine)
		slashName(value)
		truncatedSlashName(value)
		pssParams(value, 8)
		var b strings.Builder
		writePublicKey(&b, value)
		writeSigAlg(&b, value, &value)
		if a, ok := ParseAux(value); ok {
			_ = a.text()
		}
	})
}
