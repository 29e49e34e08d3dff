package dn

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/sslstream/sslstream/internal/testproc"
)

// av is one attribute for building test names by hand.
type av struct {
	oid asn1.ObjectIdentifier
	tag cbasn1.Tag
	val []byte
}

var (
	oidCN = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidO  = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOU = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidC  = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidDC = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 25}
	oidSN = asn1.ObjectIdentifier{2, 5, 4, 5}
)

// buildName DER-encodes a Name whose RDNs are given in order (each RDN is a
// list of attributes, encoded in the given order, not sorted).
func buildName(t testing.TB, rdns ...[]av) []byte {
	t.Helper()
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, rdn := range rdns {
			b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
				for _, a := range rdn {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1ObjectIdentifier(a.oid)
						b.AddASN1(a.tag, func(b *cryptobyte.Builder) { b.AddBytes(a.val) })
					})
				}
			})
		}
	})
	der, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func bmp(s string) []byte {
	var out []byte
	for _, r := range s {
		out = append(out, byte(r>>8), byte(r))
	}
	return out
}

func ucs4(s string) []byte {
	var out []byte
	for _, r := range s {
		out = append(out, byte(r>>24), byte(r>>16), byte(r>>8), byte(r))
	}
	return out
}

func one(oid asn1.ObjectIdentifier, tag cbasn1.Tag, val []byte) []av {
	return []av{{oid, tag, val}}
}

// testNames are names exercising every canonicalisation rule. (OpenSSL 3.0
// cannot parse a certificate with a VisibleString in a name, so that case is
// only in TestCanonicalRules.)
func testNames(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"plain":         buildName(t, one(oidC, cbasn1.PrintableString, []byte("DE")), one(oidCN, cbasn1.UTF8String, []byte("Example CA"))),
		"case-space":    buildName(t, one(oidCN, cbasn1.UTF8String, []byte("  EXAMPLE \t\n  Ca   "))),
		"printable":     buildName(t, one(oidCN, cbasn1.PrintableString, []byte("example ca"))),
		"bmp":           buildName(t, one(oidCN, cbasn1.Tag(30), bmp("  Ünïcode   ÇA € "))),
		"universal":     buildName(t, one(oidCN, cbasn1.Tag(28), ucs4("Big 𝄞 CLEF"))),
		"t61-latin1":    buildName(t, one(oidCN, cbasn1.T61String, []byte("Caf\xe9 \xC9TOILE"))),
		"ia5":           buildName(t, one(oidDC, cbasn1.IA5String, []byte("COM")), one(oidDC, cbasn1.IA5String, []byte("Example"))),
		"empty-rdn":     buildName(t, one(oidCN, cbasn1.UTF8String, []byte("X")), nil),
		"seq-value":     buildName(t, one(oidCN, cbasn1.SEQUENCE, []byte{0x0c, 0x01, 'A'})),
		"numeric":       buildName(t, one(oidCN, cbasn1.Tag(18), []byte("  12  34 "))),
		"multi-valued":  buildName(t, []av{{oidCN, cbasn1.UTF8String, []byte("Zed")}, {oidO, cbasn1.PrintableString, []byte("ACME")}, {oidOU, cbasn1.UTF8String, []byte("A")}}),
		"multi-sorted":  buildName(t, []av{{oidOU, cbasn1.UTF8String, []byte("a")}, {oidO, cbasn1.UTF8String, []byte("acme")}, {oidCN, cbasn1.UTF8String, []byte("zed")}}),
		"utf8-nonascii": buildName(t, one(oidO, cbasn1.UTF8String, []byte("ÄÖÜ Straße  ÉCOLE")), one(oidCN, cbasn1.UTF8String, []byte("日本 語"))),
		"all-spaces":    buildName(t, one(oidCN, cbasn1.UTF8String, []byte("   "))),
		"empty-value":   buildName(t, one(oidCN, cbasn1.UTF8String, nil)),
		"ctrl-chars":    buildName(t, one(oidCN, cbasn1.UTF8String, []byte("a\v\fb\rC\x00D"))),
		"serial":        buildName(t, one(oidSN, cbasn1.PrintableString, []byte("ABC 123")), one(oidCN, cbasn1.UTF8String, []byte("x"))),
		"long":          buildName(t, one(oidCN, cbasn1.UTF8String, bytes.Repeat([]byte("Ab  "), 100))),
	}
}

var (
	keyOnce sync.Once
	testKey *ecdsa.PrivateKey
)

// selfSignedWithSubject returns a certificate whose subject and issuer are
// the given raw name.
func selfSignedWithSubject(t testing.TB, name []byte) []byte {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		testKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
	})
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		RawSubject:   name,
		RawIssuer:    name,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, testKey.Public(), testKey)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestCanonicalRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b  []byte
		equal bool
	}{
		{buildName(t, one(oidCN, cbasn1.UTF8String, []byte("Foo  Bar"))), buildName(t, one(oidCN, cbasn1.PrintableString, []byte(" foo bar "))), true},
		{buildName(t, one(oidCN, cbasn1.UTF8String, []byte("Foo"))), buildName(t, one(oidCN, cbasn1.Tag(30), bmp("FOO"))), true},
		{buildName(t, one(oidCN, cbasn1.UTF8String, []byte("é"))), buildName(t, one(oidCN, cbasn1.T61String, []byte{0xe9})), true},
		{buildName(t, one(oidCN, cbasn1.UTF8String, []byte("É"))), buildName(t, one(oidCN, cbasn1.UTF8String, []byte("é"))), false}, // only ASCII folds
		{buildName(t, one(oidCN, cbasn1.UTF8String, []byte("1"))), buildName(t, one(oidCN, cbasn1.Tag(18), []byte("1"))), false},    // NumericString kept
		{buildName(t, one(oidCN, cbasn1.Tag(18), []byte(" 1"))), buildName(t, one(oidCN, cbasn1.Tag(18), []byte("1"))), false},      // not trimmed either
		{buildName(t, one(oidCN, cbasn1.UTF8String, []byte("a"))), buildName(t, one(oidO, cbasn1.UTF8String, []byte("a"))), false},
		{buildName(t, []av{{oidCN, cbasn1.UTF8String, []byte("a")}, {oidO, cbasn1.UTF8String, []byte("b")}}),
			buildName(t, []av{{oidO, cbasn1.PrintableString, []byte("B")}, {oidCN, cbasn1.UTF8String, []byte("A")}}), true},
		{buildName(t, []av{{oidCN, cbasn1.UTF8String, []byte("a")}, {oidO, cbasn1.UTF8String, []byte("b")}}),
			buildName(t, one(oidCN, cbasn1.UTF8String, []byte("a")), one(oidO, cbasn1.UTF8String, []byte("b"))), false},
		{buildName(t), buildName(t, nil), true}, // empty RDNs vanish
		{buildName(t, one(oidCN, cbasn1.Tag(26), []byte(" Vis  A "))), buildName(t, one(oidCN, cbasn1.UTF8String, []byte("vis a"))), true},
	}
	for i, c := range cases {
		if got := Equal(c.a, c.b); got != c.equal {
			ca, _ := Canonical(c.a)
			cb, _ := Canonical(c.b)
			t.Errorf("case %d: Equal = %v, want %v\n a=%x\n b=%x", i, got, c.equal, ca, cb)
		}
	}
	got, err := Canonical(buildName(t, one(oidCN, cbasn1.UTF8String, []byte(" A\t\tB "))))
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x03, 'a', ' ', 'b'}
	if !bytes.Equal(got, want) {
		t.Errorf("Canonical = %x, want %x", got, want)
	}
	if c, err := Canonical(buildName(t)); err != nil || len(c) != 0 {
		t.Errorf("Canonical(empty) = %x, %v; want empty", c, err)
	}
}

func TestCanonicalErrors(t *testing.T) {
	t.Parallel()
	bad := map[string][]byte{
		"not-sequence":  {0x31, 0x00},
		"trailing":      append(buildName(t), 0),
		"odd-bmp":       buildName(t, one(oidCN, cbasn1.Tag(30), []byte{0, 'a', 0})),
		"surrogate-bmp": buildName(t, one(oidCN, cbasn1.Tag(30), []byte{0xd8, 0x34, 0xdd, 0x1e})),
		"bad-utf8":      buildName(t, one(oidCN, cbasn1.UTF8String, []byte{0xff})),
		"univ-range":    buildName(t, one(oidCN, cbasn1.Tag(28), []byte{0, 0x11, 0, 0})),
		"univ-length":   buildName(t, one(oidCN, cbasn1.Tag(28), []byte{0, 0, 0})),
	}
	for name, der := range bad {
		if _, err := Canonical(der); err == nil {
			t.Errorf("%s: Canonical accepted %x", name, der)
		}
		if _, err := Hash(der); err == nil {
			t.Errorf("%s: Hash accepted %x", name, der)
		}
		if Equal(der, der) {
			t.Errorf("%s: Equal(bad, bad) = true", name)
		}
	}
}

// TestHashSystemLinks checks every <hash>.N link of /etc/ssl/certs (made by
// OpenSSL's c_rehash/update-ca-certificates) against Hash of its target.
func TestHashSystemLinks(t *testing.T) {
	t.Parallel()
	links, _ := filepath.Glob("/etc/ssl/certs/*.[0-9]")
	if len(links) == 0 {
		t.Skip("no /etc/ssl/certs/<hash>.N links on this machine")
	}
	checked := 0
	for _, l := range links {
		base := filepath.Base(l)
		want, err := strconv.ParseUint(strings.Split(base, ".")[0], 16, 32)
		if err != nil {
			continue
		}
		data, err := os.ReadFile(l)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		block, _ := pem.Decode(data)
		if block == nil {
			t.Fatalf("%s: no PEM block", l)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		got, err := Hash(cert.RawSubject)
		if err != nil {
			t.Errorf("%s: %v", l, err)
			continue
		}
		if got != uint32(want) {
			t.Errorf("%s: Hash = %08x, want %s", l, got, base)
		}
		checked++
	}
	t.Logf("checked %d links", checked)
}

// TestHashAgainstOpenSSL compares Hash and HashOld with
// `openssl x509 -subject_hash -subject_hash_old` on generated names.
func TestHashAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	testproc.Require(t, "openssl")
	dir := t.TempDir()
	for name, der := range testNames(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, name+".der")
			if err := os.WriteFile(path, selfSignedWithSubject(t, der), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("openssl", "x509", "-inform", "DER", "-in", path, "-noout", "-subject_hash", "-subject_hash_old").CombinedOutput()
			if err != nil {
				t.Fatalf("openssl: %v\n%s", err, out)
			}
			f := strings.Fields(string(out))
			if len(f) != 2 {
				t.Fatalf("openssl printed %q", out)
			}
			h, err := Hash(der)
			if err != nil {
				t.Fatal(err)
			}
			ho, err := HashOld(der)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%08x", h); got != f[0] {
				t.Errorf("Hash = %s, openssl -subject_hash = %s", got, f[0])
			}
			if got := fmt.Sprintf("%08x", ho); got != f[1] {
				t.Errorf("HashOld = %s, openssl -subject_hash_old = %s", got, f[1])
			}
		})
	}
}

func FuzzCanonical(f *testing.F) {
	for _, der := range testNames(f) {
		f.Add(der)
	}
	f.Add([]byte{0x30, 0x00})
	f.Add([]byte{0x30, 0x02, 0x31, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := Canonical(der)
		if err != nil {
			if Equal(der, der) {
				t.Fatal("Equal true for a name Canonical rejects")
			}
			return
		}
		if !Equal(der, der) {
			t.Fatal("Equal(x, x) false for a valid name")
		}
		// Canonicalisation is idempotent.
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(c) })
		wrapped, err := b.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		c2, err := Canonical(wrapped)
		if err != nil {
			t.Fatalf("canonical form not canonicalisable: %v", err)
		}
		if !bytes.Equal(c, c2) {
			t.Fatalf("not idempotent:\n%x\n%x", c, c2)
		}
	})
}
