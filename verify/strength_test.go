package verify

import (
	"crypto/x509"
	"testing"

	"github.com/sslstream/sslstream/internal/minipki"
)

// TestCertificateStrength: keys and signatures are rated as the
// authentication level rates them (TestAuthLevelDifferential checks those
// against openssl), self-signed certificates are told apart, and the
// levels' thresholds.
func TestCertificateStrength(t *testing.T) {
	t.Parallel()
	sharedKeys(t)
	f := newFactory()
	sha1 := minipki.Template(func(c *x509.Certificate) { c.SignatureAlgorithm = x509.ECDSAWithSHA1 })
	root, err := f.Root("Root")
	if err != nil {
		t.Fatal(err)
	}
	sha1Root, err := f.Root("SHA-1 Root", sha1)
	if err != nil {
		t.Fatal(err)
	}
	weakLeaf, err := root.Leaf("weak.example", minipki.WithKey(rsa1024))
	if err != nil {
		t.Fatal(err)
	}
	sha1Leaf, err := root.Leaf("sha1.example", sha1)
	if err != nil {
		t.Fatal(err)
	}
	p384Leaf, err := root.Leaf("p384.example", minipki.WithKey(p384Key))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		cert *minipki.Cert
		want Strength
	}{
		{"P-256 root", root, Strength{KeyBits: 128, SignatureBits: 128, SelfSigned: true}},
		{"SHA-1 root", sha1Root, Strength{KeyBits: 128, SignatureBits: 63, SelfSigned: true}},
		{"RSA-1024 leaf", weakLeaf, Strength{KeyBits: 80, SignatureBits: 128}},
		{"SHA-1 leaf", sha1Leaf, Strength{KeyBits: 128, SignatureBits: 63}},
		{"P-384 leaf", p384Leaf, Strength{KeyBits: 192, SignatureBits: 128}},
	} {
		if got := CertificateStrength(c.cert.Cert); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	for level, want := range []int{0, 80, 112, 128, 192, 256, 256} {
		if got := LevelBits(level); got != want {
			t.Errorf("LevelBits(%d) = %d, want %d", level, got, want)
		}
	}
	if got := LevelBits(-1); got != 0 {
		t.Errorf("LevelBits(-1) = %d, want 0", got)
	}
}
