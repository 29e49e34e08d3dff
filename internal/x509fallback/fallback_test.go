package x509fallback

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// seeds returns the DER certificates of testdata, by file name.
func seeds(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.pem"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed certificates: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := pem.Decode(data)
		if b == nil {
			t.Fatalf("%s: no PEM block", f)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".pem")] = b.Bytes
	}
	return out
}

// goCerts are certificates crypto/x509 parses, with every field Parse
// fills.
func goCerts(t testing.TB) [][]byte {
	t.Helper()
	f := &minipki.Factory{Now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}
	root, err := f.Root("Fallback Root", minipki.RSA())
	if err != nil {
		t.Fatal(err)
	}
	inter, err := root.Intermediate("Fallback Intermediate", minipki.Template(func(c *x509.Certificate) {
		c.MaxPathLen, c.MaxPathLenZero = 0, true
		c.PolicyIdentifiers = []asn1.ObjectIdentifier{{1, 2, 3, 4}, {2, 5, 29, 32, 0}}
	}))
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := inter.Leaf("leaf.example.com", minipki.DNS("b.example.com"), minipki.IP("192.0.2.1", "2001:db8::1"),
		minipki.Email("a@example.com"), minipki.Template(func(c *x509.Certificate) {
			c.URIs = []*url.URL{{Scheme: "https", Host: "example.com", Path: "/x"}}
			c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageOCSPSigning}
			c.UnknownExtKeyUsage = []asn1.ObjectIdentifier{{1, 3, 6, 1, 4, 1, 99999, 3}}
			c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyAgreement | x509.KeyUsageDecipherOnly
		}))
	if err != nil {
		t.Fatal(err)
	}
	return [][]byte{root.Cert.Raw, inter.Cert.Raw, leaf.Cert.Raw}
}

// TestParseMatchesCryptoX509 parses certificates crypto/x509 accepts with
// Parse too: every field Parse fills must be crypto/x509's.
func TestParseMatchesCryptoX509(t *testing.T) {
	t.Parallel()
	ders := goCerts(t)
	for _, der := range seeds(t) {
		ders = append(ders, der)
	}
	compared := 0
	for _, der := range ders {
		want, err := x509.ParseCertificate(der)
		if err != nil {
			continue
		}
		compared++
		got, info, err := Parse(der)
		if err != nil {
			t.Fatalf("%s: Parse: %v", want.Subject, err)
		}
		if info.GoError != nil {
			t.Errorf("%s: GoError %v", want.Subject, info.GoError)
		}
		type field struct {
			name      string
			got, want any
		}
		for _, f := range []field{
			{"Raw", got.Raw, want.Raw}, {"RawTBSCertificate", got.RawTBSCertificate, want.RawTBSCertificate},
			{"RawSubject", got.RawSubject, want.RawSubject}, {"RawIssuer", got.RawIssuer, want.RawIssuer},
			{"RawSubjectPublicKeyInfo", got.RawSubjectPublicKeyInfo, want.RawSubjectPublicKeyInfo},
			{"Subject", got.Subject.String(), want.Subject.String()}, {"Issuer", got.Issuer.String(), want.Issuer.String()},
			{"Version", got.Version, want.Version}, {"SerialNumber", got.SerialNumber.String(), want.SerialNumber.String()},
			{"NotBefore", got.NotBefore, want.NotBefore}, {"NotAfter", got.NotAfter, want.NotAfter},
			{"Signature", got.Signature, want.Signature}, {"SignatureAlgorithm", got.SignatureAlgorithm, want.SignatureAlgorithm},
			{"PublicKeyAlgorithm", got.PublicKeyAlgorithm, want.PublicKeyAlgorithm},
			{"Extensions", got.Extensions, want.Extensions},
			{"BasicConstraintsValid", got.BasicConstraintsValid, want.BasicConstraintsValid}, {"IsCA", got.IsCA, want.IsCA},
			{"MaxPathLen", got.MaxPathLen, want.MaxPathLen}, {"MaxPathLenZero", got.MaxPathLenZero, want.MaxPathLenZero},
			{"KeyUsage", got.KeyUsage, want.KeyUsage}, {"ExtKeyUsage", got.ExtKeyUsage, want.ExtKeyUsage},
			{"UnknownExtKeyUsage", got.UnknownExtKeyUsage, want.UnknownExtKeyUsage},
			{"SubjectKeyId", got.SubjectKeyId, want.SubjectKeyId}, {"AuthorityKeyId", got.AuthorityKeyId, want.AuthorityKeyId},
			{"DNSNames", got.DNSNames, want.DNSNames}, {"EmailAddresses", got.EmailAddresses, want.EmailAddresses},
			{"IPAddresses", got.IPAddresses, want.IPAddresses}, {"URIs", got.URIs, want.URIs},
			{"PolicyIdentifiers", got.PolicyIdentifiers, want.PolicyIdentifiers},
		} {
			if !reflect.DeepEqual(f.got, f.want) {
				t.Errorf("%s: %s = %v, crypto/x509 %v", want.Subject, f.name, f.got, f.want)
			}
		}
		if want.PublicKey != nil {
			type equaler interface{ Equal(x crypto.PublicKey) bool }
			if k, ok := want.PublicKey.(equaler); !ok || !k.Equal(got.PublicKey) {
				t.Errorf("%s: PublicKey %T differs from crypto/x509's %T", want.Subject, got.PublicKey, want.PublicKey)
			}
		}
	}
	if compared < 4 {
		t.Fatalf("only %d certificates compared", compared)
	}
}

// TestParseRefused reads the certificates in testdata that crypto/x509 refuses.
func TestParseRefused(t *testing.T) {
	t.Parallel()
	s := seeds(t)
	for name, der := range s {
		if _, err := ParseCertificate(der); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	parse := func(name string) (*x509.Certificate, *Info) {
		t.Helper()
		c, info, err := Parse(s[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return c, info
	}
	verifies := func(issuer, subject string) bool {
		_, ii := parse(issuer)
		c, si := parse(subject)
		return VerifySignature(ii.Key, si.Signature, c.RawTBSCertificate, c.Signature) == nil
	}
	c, info := parse("expleaf")
	if info.GoError == nil || !info.Key.ExplicitCurve {
		t.Errorf("explicit-parameter key: GoError %v, explicit %v", info.GoError, info.Key.ExplicitCurve)
	}
	if k, ok := c.PublicKey.(*ecdsa.PublicKey); !ok || k.Curve.Params().Name != "P-256" || c.PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("explicit P-256 key read as %T", c.PublicKey)
	}
	if !verifies("exproot", "exproot") || !verifies("root", "expleaf") {
		t.Error("signatures of and by an explicit-parameter key do not verify")
	}
	if _, info := parse("sm2root"); info.Key.Algorithm != KeySM2 || info.Key.Point == nil || info.Signature.Kind != SigSM2 {
		t.Errorf("SM2 root: key %v, signature %v", info.Key.Algorithm, info.Signature.Kind)
	}
	if !verifies("sm2root", "sm2root") || !verifies("sm2root", "l_under_sm2") {
		t.Error("SM2 signatures do not verify")
	}
	for _, name := range []string{"pol_bad1", "pol_dup", "pol_ca"} {
		if _, info := parse(name); !info.PolicyInvalid || info.GoError == nil {
			t.Errorf("%s: PolicyInvalid %v, GoError %v", name, info.PolicyInvalid, info.GoError)
		}
	}
	if _, info := parse("pss_mgf"); info.Signature.Hash.String() != "SHA-256" || info.Signature.MGFHash.String() != "SHA-512" {
		t.Errorf("PSS with MGF1-SHA-512: %+v", info.Signature)
	}
	for _, v := range [][2]string{{"rroot", "pss_mgf"}, {"rroot", "pss_sha1_20"}, {"pssroot", "pssroot"}, {"rroot", "pssleaf"},
		{"r512root", "r512root"}, {"rroot", "oidleaf"}, {"rroot", "oidca"}} {
		if !verifies(v[0], v[1]) {
			t.Errorf("signature of %s by %s does not verify", v[1], v[0])
		}
	}
	if verifies("root", "exproot") {
		t.Error("a signature verifies under the wrong key")
	}
}

// TestParseMalformed: truncations, trailing data and oversized inputs
// are refused without a panic.
func TestParseMalformed(t *testing.T) {
	t.Parallel()
	for name, der := range seeds(t) {
		for i := 0; i < len(der); i++ {
			if _, _, err := Parse(der[:i]); err == nil {
				t.Fatalf("%s truncated to %d bytes: no error", name, i)
			}
		}
		if _, _, err := Parse(append(append([]byte(nil), der...), 0)); err == nil {
			t.Errorf("%s with a trailing byte: no error", name)
		}
	}
	big := make([]byte, MaxSize+1)
	if _, _, err := Parse(big); err == nil {
		t.Error("oversized input: no error")
	}
	if _, err := ParseCertificates(bytes.Repeat([]byte{0x30}, 10)); err == nil {
		t.Error("garbage accepted")
	}
}

// FuzzParse: Parse never panics, and what it reads is stable: the
// certificate it returns parses again to the same fields.
func FuzzParse(f *testing.F) {
	for _, der := range seeds(f) {
		f.Add(der)
	}
	for _, der := range goCerts(f) {
		f.Add(der)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		c, info, err := Parse(der)
		if err != nil {
			return
		}
		if !bytes.Equal(c.Raw, der) {
			t.Fatal("Raw is not the input")
		}
		c2, info2, err := Parse(c.Raw)
		if err != nil || !reflect.DeepEqual(c.Extensions, c2.Extensions) || info.PolicyInvalid != info2.PolicyInvalid ||
			info.Key.Algorithm != info2.Key.Algorithm || !reflect.DeepEqual(info.Signature, info2.Signature) {
			t.Fatalf("second parse differs: %v", err)
		}
		_ = VerifySignature(info.Key, info.Signature, c.RawTBSCertificate, c.Signature)
		if _, err := ParseCertificate(der); err != nil {
			t.Fatalf("ParseCertificate refuses what Parse reads: %v", err)
		}
	})
}

// TestExplicitECParametersReadsTheOID checks the raw comparison
// ExplicitECParameters makes against decoding the OID: the same answer
// for every seed key and for an id-ecPublicKey written with a redundant
// leading 0x80 octet (not DER, so no key), and no allocation.
func TestExplicitECParametersReadsTheOID(t *testing.T) {
	if want, _ := asn1.Marshal(oidECKey); string(want[2:]) != derECKey {
		t.Fatalf("derECKey %x, DER of id-ecPublicKey %x", derECKey, want[2:])
	}
	decoded := func(spki []byte) bool {
		var k struct {
			Alg struct {
				OID    asn1.ObjectIdentifier
				Params asn1.RawValue `asn1:"optional"`
			}
			Key asn1.BitString
		}
		rest, err := asn1.Unmarshal(spki, &k)
		return err == nil && len(rest) == 0 && k.Alg.OID.Equal(oidECKey) && k.Alg.Params.Tag == asn1.TagSequence
	}
	n, explicit := 0, 0
	for name, der := range seeds(t) {
		c, info, err := Parse(der)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := ExplicitECParameters(c.RawSubjectPublicKeyInfo)
		if want := decoded(c.RawSubjectPublicKeyInfo); got != want || got != info.Key.ExplicitCurve {
			t.Errorf("%s: ExplicitECParameters %v, decoded %v, Parse %v", name, got, want, info.Key.ExplicitCurve)
		}
		if got {
			explicit++
			// The same key with its OID's first arc written as 0x80 0x2a.
			in := cryptobyte.String(c.RawSubjectPublicKeyInfo)
			var spki, alg, oid, params, key cryptobyte.String
			if !in.ReadASN1(&spki, cbasn1.SEQUENCE) || !spki.ReadASN1(&alg, cbasn1.SEQUENCE) ||
				!alg.ReadASN1(&oid, cbasn1.OBJECT_IDENTIFIER) || !alg.ReadASN1Element(&params, cbasn1.SEQUENCE) ||
				!spki.ReadASN1Element(&key, cbasn1.BIT_STRING) {
				t.Fatalf("%s: key does not split", name)
			}
			var b cryptobyte.Builder
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.OBJECT_IDENTIFIER, func(b *cryptobyte.Builder) {
						b.AddBytes(append([]byte{0x80}, oid...))
					})
					b.AddBytes(params)
				})
				b.AddBytes(key)
			})
			bad := b.BytesOrPanic()
			if ExplicitECParameters(bad) {
				t.Errorf("%s: a non-minimal id-ecPublicKey read as an explicit EC key", name)
			}
		}
		n++
		if a := testing.AllocsPerRun(20, func() { ExplicitECParameters(c.RawSubjectPublicKeyInfo) }); a != 0 {
			t.Errorf("%s: ExplicitECParameters allocates %v times", name, a)
		}
	}
	if explicit == 0 {
		t.Fatalf("none of the %d seeds has explicit parameters", n)
	}
}
