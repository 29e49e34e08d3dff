package crl

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/sslstream/sslstream/internal/testproc"
)

var (
	keyOnce sync.Once
	caKey   *ecdsa.PrivateKey
	caCert  *x509.Certificate
)

// testCA returns a self-signed ECDSA CA shared by the tests.
func testCA(t testing.TB) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	keyOnce.Do(func() {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber:          big.NewInt(1),
			Subject:               pkix.Name{CommonName: "CRL Test CA", Organization: []string{"Example"}},
			NotBefore:             time.Now().Add(-time.Hour),
			NotAfter:              time.Now().Add(24 * time.Hour),
			IsCA:                  true,
			BasicConstraintsValid: true,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			SubjectKeyId:          []byte{1, 2, 3, 4},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
		if err != nil {
			panic(err)
		}
		caCert, err = x509.ParseCertificate(der)
		if err != nil {
			panic(err)
		}
		caKey = k
	})
	return caCert, caKey
}

// goCRL makes a CRL with crypto/x509 holding entries for the given serials;
// every third entry has a reason code, every fifth a non-critical and every
// seventh a critical private extension.
func goCRL(t testing.TB, serials []*big.Int) []byte {
	t.Helper()
	ca, key := testCA(t)
	now := time.Now().UTC().Truncate(time.Second)
	tmpl := &x509.RevocationList{
		Number:     big.NewInt(42),
		ThisUpdate: now.Add(-time.Hour),
		NextUpdate: now.Add(time.Hour),
	}
	for i, s := range serials {
		e := x509.RevocationListEntry{SerialNumber: s, RevocationTime: now.Add(-time.Duration(i) * time.Minute)}
		if i%3 == 0 {
			e.ReasonCode = 1 + i%6
		}
		if i%5 == 0 {
			e.ExtraExtensions = append(e.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Value: []byte{0x05, 0x00}})
		}
		if i%7 == 0 {
			e.ExtraExtensions = append(e.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 2}, Critical: true, Value: []byte{0x05, 0x00}})
		}
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, e)
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, ca, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func testSerials() []*big.Int {
	var out []*big.Int
	for _, s := range []string{"0", "1", "127", "128", "255", "256", "-1", "-128", "-129", "65535",
		"170141183460469231731687303715884105727", "340282366920938463463374607431768211456", "-340282366920938463463374607431768211456"} {
		n, _ := new(big.Int).SetString(s, 10)
		out = append(out, n)
	}
	r := mrand.New(mrand.NewPCG(1, 2))
	for range 200 {
		b := make([]byte, 1+r.IntN(20))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		out = append(out, new(big.Int).SetBytes(b))
	}
	return out
}

// bigCmp compares big.Ints by value for cmp.Diff.
var bigCmp = cmp.Comparer(func(a, b *big.Int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Cmp(b) == 0
})

// TestLookupMatchesStdlib checks every entry and field against
// x509.ParseRevocationList on the same bytes.
func TestLookupMatchesStdlib(t *testing.T) {
	t.Parallel()
	serials := testSerials()
	der := goCRL(t, serials)
	want, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	crls, err := Parse(der, "test.crl")
	if err != nil {
		t.Fatal(err)
	}
	if len(crls) != 1 {
		t.Fatalf("got %d CRLs", len(crls))
	}
	c := crls[0]
	if c.Len() != len(want.RevokedCertificateEntries) {
		t.Fatalf("Len = %d, want %d", c.Len(), len(want.RevokedCertificateEntries))
	}
	seen := map[string]bool{}
	for i, we := range want.RevokedCertificateEntries {
		if d := cmp.Diff(we, c.Entry(i), bigCmp); d != "" {
			t.Fatalf("Entry(%d) differs (-stdlib +ours):\n%s", i, d)
		}
		got, ok := c.Lookup(we.SerialNumber)
		if seen[we.SerialNumber.String()] {
			continue
		}
		seen[we.SerialNumber.String()] = true
		if !ok {
			t.Fatalf("Lookup(%v) not revoked", we.SerialNumber)
		}
		if d := cmp.Diff(we, got, bigCmp); d != "" {
			t.Fatalf("Lookup(%v) differs (-stdlib +ours):\n%s", we.SerialNumber, d)
		}
	}
	for _, s := range []string{"2", "-2", "129", "99999999999999999999999999999"} {
		n, _ := new(big.Int).SetString(s, 10)
		if _, ok := c.Lookup(n); ok {
			t.Errorf("Lookup(%s) revoked, want not", s)
		}
	}
	if _, ok := c.Lookup(nil); ok {
		t.Error("Lookup(nil) revoked")
	}
	//lint:ignore SA1019 the parsed list drops the deprecated field too.
	want.RevokedCertificateEntries, want.RevokedCertificates = nil, nil
	if d := cmp.Diff(want, c.List, bigCmp); d != "" {
		t.Errorf("List differs (-stdlib +ours):\n%s", d)
	}
	if c.Source != "test.crl" || c.V1 {
		t.Errorf("Source %q V1 %v", c.Source, c.V1)
	}
	crit := c.CriticalEntryExtensions()
	if len(crit) != 1 || crit[0].String() != "1.3.6.1.4.1.99999.2" {
		t.Errorf("CriticalEntryExtensions = %v", crit)
	}
	if !c.UnhandledCriticalExtension() {
		t.Error("UnhandledCriticalExtension = false with a critical private entry extension")
	}
	if err := c.List.CheckSignatureFrom(caCert); err != nil {
		t.Errorf("signature over kept RawTBSRevocationList: %v", err)
	}
}

func TestEmptyCRL(t *testing.T) {
	t.Parallel()
	crls, err := Parse(goCRL(t, nil), "empty.crl")
	if err != nil {
		t.Fatal(err)
	}
	c := crls[0]
	if c.Len() != 0 || c.UnhandledCriticalExtension() {
		t.Errorf("Len %d, unhandled %v", c.Len(), c.UnhandledCriticalExtension())
	}
	if _, ok := c.Lookup(big.NewInt(1)); ok {
		t.Error("empty CRL revokes 1")
	}
	if c.List.Number.Int64() != 42 || !bytes.Equal(c.List.AuthorityKeyId, []byte{1, 2, 3, 4}) {
		t.Errorf("Number %v AKI %x", c.List.Number, c.List.AuthorityKeyId)
	}
}

func TestUnhandledCriticalExtension(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		oid  asn1.ObjectIdentifier
		want bool
	}{
		{asn1.ObjectIdentifier{2, 5, 29, 28}, false}, // issuing distribution point
		{asn1.ObjectIdentifier{2, 5, 29, 35}, false}, // authority key identifier
		{asn1.ObjectIdentifier{2, 5, 29, 27}, false}, // delta CRL indicator
		{asn1.ObjectIdentifier{2, 5, 29, 20}, true},  // CRL number
		{asn1.ObjectIdentifier{1, 2, 3}, true},
	} {
		crl := &CRL{List: &x509.RevocationList{Extensions: []pkix.Extension{{Id: c.oid, Critical: true}, {Id: asn1.ObjectIdentifier{1, 2, 4}}}}}
		if got := crl.UnhandledCriticalExtension(); got != c.want {
			t.Errorf("critical %v: UnhandledCriticalExtension = %v, want %v", c.oid, got, c.want)
		}
	}
	handled := &CRL{List: &x509.RevocationList{}, critical: []asn1.ObjectIdentifier{oidCertificateIssuer}}
	if handled.UnhandledCriticalExtension() {
		t.Error("critical certificateIssuer entry extension counted as unhandled")
	}
}

func TestIDPParsing(t *testing.T) {
	t.Parallel()
	mk := func(v []byte) *CRL {
		return &CRL{Source: "x.crl", List: &x509.RevocationList{Extensions: []pkix.Extension{{Id: oidIDP, Value: v}}}}
	}
	// onlyContainsUserCerts and onlyContainsCACerts both set: invalid.
	p, err := mk([]byte{0x30, 0x06, 0x81, 0x01, 0xff, 0x82, 0x01, 0xff}).IssuingDistributionPoint()
	if err != nil || !p.OnlyUserCerts || !p.OnlyCACerts || !p.Invalid() {
		t.Errorf("two only-flags: %+v, %v", p, err)
	}
	// indirectCRL and onlySomeReasons with aACompromise (bit 8).
	p, err = mk([]byte{0x30, 0x08, 0x83, 0x03, 0x07, 0x00, 0x80, 0x84, 0x01, 0xff}).IssuingDistributionPoint()
	if err != nil || !p.IndirectCRL || !p.HasReasons || p.OnlySomeReasons != 1<<8 || p.Invalid() {
		t.Errorf("indirect: %+v, %v", p, err)
	}
	for _, bad := range [][]byte{{0x30}, {0x30, 0x03, 0x81, 0x01}, {0x30, 0x03, 0x86, 0x01, 0xff}, {0x30, 0x00, 0x00}, {0x30, 0x03, 0x83, 0x01, 0x08}} {
		if _, err := mk(bad).IssuingDistributionPoint(); err == nil || !strings.Contains(err.Error(), "x.crl") {
			t.Errorf("IDP %x: %v", bad, err)
		}
	}
}

func TestPEMSeveralBlocks(t *testing.T) {
	t.Parallel()
	ca, _ := testCA(t)
	a := goCRL(t, []*big.Int{big.NewInt(10)})
	b := goCRL(t, []*big.Int{big.NewInt(20), big.NewInt(21)})
	var buf bytes.Buffer
	buf.WriteString("some text before\n")
	pem.Encode(&buf, &pem.Block{Type: "X509 CRL", Bytes: a})
	pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})
	pem.Encode(&buf, &pem.Block{Type: "X509 CRL", Bytes: b})
	path := filepath.Join(t.TempDir(), "two.pem")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	crls, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(crls) != 2 || crls[0].Len() != 1 || crls[1].Len() != 2 {
		t.Fatalf("got %d CRLs", len(crls))
	}
	if crls[1].Source != path+" #2" {
		t.Errorf("Source = %q", crls[1].Source)
	}
	if _, ok := crls[1].Lookup(big.NewInt(21)); !ok {
		t.Error("21 not revoked in second CRL")
	}
	if _, ok := crls[0].Lookup(big.NewInt(21)); ok {
		t.Error("21 revoked in first CRL")
	}
}

// TestPEMVariants checks CRLF line endings, a headered block (decoded by
// encoding/pem) and a block without an end line.
func TestPEMVariants(t *testing.T) {
	t.Parallel()
	der := goCRL(t, []*big.Int{big.NewInt(7)})
	plain := pem.EncodeToMemory(&pem.Block{Type: PEMType, Bytes: der})
	crlf := bytes.ReplaceAll(plain, []byte("\n"), []byte("\r\n"))
	headered := pem.EncodeToMemory(&pem.Block{Type: PEMType, Headers: map[string]string{"Comment": "x"}, Bytes: der})
	for name, data := range map[string][]byte{"crlf": crlf, "headered": headered, "indented-text": append([]byte("x -----BEGIN X509 CRL----- junk\n"), plain...)} {
		crls, err := Parse(data, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(crls) != 1 {
			t.Errorf("%s: %d CRLs", name, len(crls))
			continue
		}
		if _, ok := crls[0].Lookup(big.NewInt(7)); !ok {
			t.Errorf("%s: 7 not revoked", name)
		}
	}
	noEnd := bytes.Split(plain, []byte("-----END"))[0]
	if _, err := Parse(noEnd, "noend.pem"); err == nil {
		t.Error("PEM block without end line accepted")
	}
	corrupt := bytes.Replace(plain, []byte("\n"), []byte("\n!!!!"), 2)
	if _, err := Parse(corrupt, "corrupt.pem"); err == nil || !strings.Contains(err.Error(), "corrupt.pem") {
		t.Errorf("corrupt base64: %v", err)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	ca, _ := testCA(t)
	good := goCRL(t, []*big.Int{big.NewInt(5)})
	cases := map[string][]byte{
		"empty":       nil,
		"garbage":     []byte("hello"),
		"cert-only":   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}),
		"truncated":   good[:len(good)-3],
		"trailing":    append(slices.Clone(good), 0),
		"certificate": ca.Raw,
		"bad-pem-crl": pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: []byte{0x30, 0x03, 1, 2, 3}}),
	}
	for name, data := range cases {
		_, err := Parse(data, "/path/"+name+".crl")
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !strings.Contains(err.Error(), "/path/"+name+".crl") {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.crl")); err == nil || !strings.Contains(err.Error(), "missing.crl") {
		t.Errorf("Load(missing) = %v", err)
	}
}

// handCRL hand-encodes a CRL (signed by the test CA) with n entries whose
// serials are 1..n scrambled into 16-byte values; every fourth entry has a
// reason code. version1 omits the version field and the extensions.
func handCRL(t testing.TB, n int, version1 bool) []byte {
	t.Helper()
	ca, key := testCA(t)
	algID := []byte{0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02} // ecdsa-with-SHA256
	now := time.Now().UTC()
	utc := func(tm time.Time) []byte { return []byte(tm.Format("060102150405Z")) }
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		if !version1 {
			b.AddASN1Int64(1)
		}
		b.AddBytes(algID)
		b.AddBytes(ca.RawSubject)
		b.AddASN1(cbasn1.UTCTime, func(b *cryptobyte.Builder) { b.AddBytes(utc(now.Add(-time.Hour))) })
		b.AddASN1(cbasn1.UTCTime, func(b *cryptobyte.Builder) { b.AddBytes(utc(now.Add(time.Hour))) })
		if n > 0 {
			revTime := utc(now.Add(-2 * time.Hour))
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				for i := 1; i <= n; i++ {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1BigInt(benchSerial(i))
						b.AddASN1(cbasn1.UTCTime, func(b *cryptobyte.Builder) { b.AddBytes(revTime) })
						if i%4 == 0 {
							b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
								b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
									b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{2, 5, 29, 21})
									b.AddASN1(cbasn1.OCTET_STRING, func(b *cryptobyte.Builder) {
										b.AddASN1Enum(int64(i % 10))
									})
								})
							})
						}
					})
				}
			})
		}
		if !version1 {
			b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{2, 5, 29, 20})
						b.AddASN1(cbasn1.OCTET_STRING, func(b *cryptobyte.Builder) { b.AddASN1Int64(7) })
					})
				})
			})
		}
	})
	tbs, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256(tbs)
	sig, err := key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	var o cryptobyte.Builder
	o.AddASN1(cbasn1.SEQUENCE, func(o *cryptobyte.Builder) {
		o.AddBytes(tbs)
		o.AddBytes(algID)
		o.AddASN1BitString(sig)
	})
	der, err := o.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// benchSerial maps i to a 16-byte positive serial, like real CA serials.
func benchSerial(i int) *big.Int {
	h := sha256.Sum256([]byte(fmt.Sprint(i)))
	h[0] &= 0x7f
	return new(big.Int).SetBytes(h[:16])
}

// TestVersion1AndOpenSSL parses a hand-made v1 and v2 CRL and compares the
// serials with what `openssl crl -text` lists.
func TestVersion1AndOpenSSL(t *testing.T) {
	t.Parallel()
	for _, v1 := range []bool{true, false} {
		der := handCRL(t, 50, v1)
		crls, err := Parse(der, "hand.crl")
		if err != nil {
			t.Fatalf("v1=%v: %v", v1, err)
		}
		c := crls[0]
		if c.V1 != v1 || c.Len() != 50 {
			t.Fatalf("v1=%v: V1 %v Len %d", v1, c.V1, c.Len())
		}
		if err := c.List.CheckSignatureFrom(caCert); err != nil {
			t.Errorf("v1=%v: signature: %v", v1, err)
		}
		for i := 1; i <= 50; i++ {
			e, ok := c.Lookup(benchSerial(i))
			if !ok {
				t.Fatalf("v1=%v: serial %d not found", v1, i)
			}
			if want := 0; i%4 == 0 {
				want = i % 10
				if e.ReasonCode != want {
					t.Errorf("serial %d: reason %d want %d", i, e.ReasonCode, want)
				}
			}
		}
		if _, err := exec.LookPath("openssl"); err != nil {
			t.Log("openssl not on PATH: differential part skipped")
			continue
		}
		path := filepath.Join(t.TempDir(), "hand.der")
		if err := os.WriteFile(path, der, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("openssl", "crl", "-inform", "DER", "-in", path, "-noout", "-text").CombinedOutput()
		if err != nil {
			t.Fatalf("openssl crl: %v\n%s", err, out)
		}
		re := regexp.MustCompile(`Serial Number: ([0-9A-F]+)`)
		var theirs, ours []string
		for _, m := range re.FindAllStringSubmatch(string(out), -1) {
			theirs = append(theirs, m[1])
		}
		for i := range c.Len() {
			ours = append(ours, fmt.Sprintf("%X", c.Entry(i).SerialNumber.Bytes())) // positive serials: openssl prints whole bytes
		}
		if d := cmp.Diff(theirs, ours); d != "" {
			t.Errorf("v1=%v: serials differ (-openssl +ours):\n%s", v1, d)
		}
		if wantV := map[bool]string{true: "Version 1 (0x0)", false: "Version 2 (0x1)"}[v1]; !strings.Contains(string(out), wantV) {
			t.Errorf("openssl does not print %q", wantV)
		}
	}
}

// TestOpenSSLMadeCRL parses a CRL made by `openssl ca -gencrl` after
// revoking a certificate.
func TestOpenSSLMadeCRL(t *testing.T) {
	t.Parallel()
	testproc.Require(t, "openssl")
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("openssl", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	conf := `[ca]
default_ca = myca
[myca]
dir = .
database = index.txt
crlnumber = crlnumber
default_md = sha256
default_crl_days = 1
[crlext]
authorityKeyIdentifier = keyid
`
	os.WriteFile(filepath.Join(dir, "ca.cnf"), []byte(conf), 0o600)
	os.WriteFile(filepath.Join(dir, "index.txt"), nil, 0o600)
	os.WriteFile(filepath.Join(dir, "crlnumber"), []byte("1000\n"), 0o600)
	run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=OpenSSL CRL CA", "-days", "1")
	run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "l.key", "-out", "leaf.pem", "-subj", "/CN=leaf", "-days", "1", "-set_serial", "0x0123456789ABCDEF")
	run("ca", "-config", "ca.cnf", "-keyfile", "ca.key", "-cert", "ca.pem", "-revoke", "leaf.pem", "-crl_reason", "keyCompromise")
	run("ca", "-config", "ca.cnf", "-keyfile", "ca.key", "-cert", "ca.pem", "-gencrl", "-crlexts", "crlext", "-out", "crl.pem")
	crls, err := Load(filepath.Join(dir, "crl.pem"))
	if err != nil {
		t.Fatal(err)
	}
	c := crls[0]
	e, ok := c.Lookup(new(big.Int).SetUint64(0x0123456789ABCDEF))
	if !ok || e.ReasonCode != 1 {
		t.Fatalf("Lookup = %+v, %v; want revoked with reason 1 (keyCompromise)", e, ok)
	}
	if c.List.Number == nil || c.List.Number.Int64() != 0x1000 {
		t.Errorf("CRL number %v, want 4096", c.List.Number)
	}
	caPEM, _ := os.ReadFile(filepath.Join(dir, "ca.pem"))
	block, _ := pem.Decode(caPEM)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.List.CheckSignatureFrom(cert); err != nil {
		t.Errorf("signature: %v", err)
	}
	if idp, err := c.IssuingDistributionPoint(); idp != nil || err != nil {
		t.Errorf("IssuingDistributionPoint = %+v, %v; want none", idp, err)
	}
	if d, err := c.DeltaCRLIndicator(); d != nil || err != nil {
		t.Errorf("DeltaCRLIndicator = %v, %v; want none", d, err)
	}
	// A second CRL with an issuing distribution point and a delta CRL
	// indicator.
	conf += `issuingDistributionPoint = critical, @idp
deltaCRL = critical, DER:02:01:05
[idp]
fullname = URI:http://example.com/ca.crl
onlyuser = TRUE
onlysomereasons = keyCompromise, CACompromise
`
	os.WriteFile(filepath.Join(dir, "ca.cnf"), []byte(conf), 0o600)
	run("ca", "-config", "ca.cnf", "-keyfile", "ca.key", "-cert", "ca.pem", "-gencrl", "-crlexts", "crlext", "-out", "idp.pem")
	idpCRLs, err := Load(filepath.Join(dir, "idp.pem"))
	if err != nil {
		t.Fatal(err)
	}
	idp, err := idpCRLs[0].IssuingDistributionPoint()
	if err != nil || idp == nil {
		t.Fatalf("IssuingDistributionPoint = %v, %v", idp, err)
	}
	want := IDP{HasDistributionPoint: true, DistributionPoint: idp.DistributionPoint, OnlyUserCerts: true, HasReasons: true, OnlySomeReasons: 1<<1 | 1<<2, Critical: true}
	if d := cmp.Diff(want, *idp); d != "" || !bytes.Contains(idp.DistributionPoint, []byte("http://example.com/ca.crl")) || idp.Invalid() {
		t.Errorf("IDP differs:\n%s\n%x", d, idp.DistributionPoint)
	}
	if d, err := idpCRLs[0].DeltaCRLIndicator(); err != nil || d == nil || d.Int64() != 5 {
		t.Errorf("DeltaCRLIndicator = %v, %v; want 5", d, err)
	}
	if idpCRLs[0].UnhandledCriticalExtension() {
		t.Error("critical IDP and delta CRL indicator counted as unhandled")
	}
	s := NewStore(c, idpCRLs[0])
	got, err := s.CRLs(cert.RawSubject)
	if err != nil || len(got) != 2 {
		t.Errorf("Store.CRLs = %v, %v", got, err)
	}
}

func TestStore(t *testing.T) {
	t.Parallel()
	ca, _ := testCA(t)
	a, err := Parse(goCRL(t, []*big.Int{big.NewInt(1)}), "a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse(goCRL(t, []*big.Int{big.NewInt(2)}), "b")
	if err != nil {
		t.Fatal(err)
	}
	s := NewStore(a[0], nil, b[0])
	if len(s.All()) != 2 {
		t.Fatalf("All = %d", len(s.All()))
	}
	// The same issuer spelled in another case and string type still matches.
	other, _ := asn1.Marshal(pkix.Name{CommonName: "crl  TEST ca", Organization: []string{"EXAMPLE"}}.ToRDNSequence())
	for _, name := range [][]byte{ca.RawSubject, other} {
		got, err := s.CRLs(name)
		if err != nil || len(got) != 2 || got[0] != a[0] || got[1] != b[0] {
			t.Errorf("CRLs(%x) = %v, %v", name, got, err)
		}
	}
	unrelated, _ := asn1.Marshal(pkix.Name{CommonName: "someone else"}.ToRDNSequence())
	if got, err := s.CRLs(unrelated); err != nil || len(got) != 0 {
		t.Errorf("CRLs(unrelated) = %v, %v", got, err)
	}
	if _, err := s.CRLs([]byte{1, 2}); err == nil {
		t.Error("CRLs(malformed name) gave no error")
	}
	var nilStore *Store
	if got, err := nilStore.CRLs(ca.RawSubject); got != nil || err != nil {
		t.Error("nil store returned something")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(goCRL(f, testSerials()[:20]))
	f.Add(handCRL(f, 5, true))
	f.Add(handCRL(f, 3, false))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: handCRL(f, 2, false)}))
	f.Fuzz(func(t *testing.T, data []byte) {
		crls, err := Parse(data, "fuzz")
		if err != nil {
			return
		}
		for _, c := range crls {
			for i := range c.Len() {
				e := c.Entry(i)
				if _, ok := c.Lookup(e.SerialNumber); !ok {
					t.Fatalf("entry %d serial %v not found by Lookup", i, e.SerialNumber)
				}
				found := false
				for _, r := range c.LookupAll(e.SerialNumber) {
					found = found || bytes.Equal(r.Raw, e.Raw)
				}
				if !found {
					t.Fatalf("entry %d not among LookupAll's", i)
				}
			}
			c.UnhandledCriticalExtension()
			c.IssuingDistributionPoint()
			c.DeltaCRLIndicator()
		}
		NewStore(crls...).CRLs(crls[0].List.RawIssuer)
	})
}

// TestParseTime compares the fast time parser with cryptobyte's.
func TestParseTime(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		tag cbasn1.Tag
		s   string
	}{
		{cbasn1.UTCTime, "491231235959Z"}, {cbasn1.UTCTime, "500101000000Z"}, {cbasn1.UTCTime, "240229120000Z"},
		{cbasn1.UTCTime, "230229120000Z"}, {cbasn1.UTCTime, "241301000000Z"}, {cbasn1.UTCTime, "240100000000Z"},
		{cbasn1.UTCTime, "240101240000Z"}, {cbasn1.UTCTime, "240101236000Z"}, {cbasn1.UTCTime, "240101000060Z"},
		{cbasn1.UTCTime, "2401010000Z"}, {cbasn1.UTCTime, "240101000000+0100"}, {cbasn1.UTCTime, "24010100000aZ"},
		{cbasn1.UTCTime, "240431000000Z"}, {cbasn1.GeneralizedTime, "20240101000000Z"}, {cbasn1.GeneralizedTime, "20240101000000.5Z"},
		{cbasn1.GeneralizedTime, "19991231235959Z"}, {cbasn1.GeneralizedTime, "20240230000000Z"}, {cbasn1.GeneralizedTime, "2024010100000Z"},
		{cbasn1.GeneralizedTime, "20240101000000"}, {cbasn1.Tag(4), "240101000000Z"},
	} {
		var want time.Time
		var wantOK bool
		var b cryptobyte.Builder
		b.AddASN1(c.tag, func(b *cryptobyte.Builder) { b.AddBytes([]byte(c.s)) })
		s := cryptobyte.String(b.BytesOrPanic())
		switch c.tag {
		case cbasn1.UTCTime:
			wantOK = s.ReadASN1UTCTime(&want)
		case cbasn1.GeneralizedTime:
			wantOK = s.ReadASN1GeneralizedTime(&want)
		}
		got, ok := parseTime(c.tag, []byte(c.s))
		if ok != wantOK || !got.Equal(want) {
			t.Errorf("parseTime(%d, %q) = %v, %v; cryptobyte says %v, %v", c.tag, c.s, got, ok, want, wantOK)
		}
	}
}

// FuzzParseTime checks the fast time parser against cryptobyte's.
func FuzzParseTime(f *testing.F) {
	f.Add(true, "240101000000Z")
	f.Add(false, "20240101000000Z")
	f.Add(true, "000229000000Z")
	f.Fuzz(func(t *testing.T, utc bool, in string) {
		if len(in) > 100 {
			return
		}
		tag := cbasn1.GeneralizedTime
		if utc {
			tag = cbasn1.UTCTime
		}
		var b cryptobyte.Builder
		b.AddASN1(tag, func(b *cryptobyte.Builder) { b.AddBytes([]byte(in)) })
		s := cryptobyte.String(b.BytesOrPanic())
		var want time.Time
		var wantOK bool
		if utc {
			wantOK = s.ReadASN1UTCTime(&want)
		} else {
			wantOK = s.ReadASN1GeneralizedTime(&want)
		}
		got, ok := parseTime(tag, []byte(in))
		if ok != wantOK || !got.Equal(want) {
			t.Fatalf("parseTime(%v, %q) = %v, %v; cryptobyte %v, %v", utc, in, got, ok, want, wantOK)
		}
	})
}

// TestIndirectEntries checks LookupAll: duplicate serials and the
// certificateIssuer entry extension carried over to following entries.
func TestIndirectEntries(t *testing.T) {
	t.Parallel()
	ca, key := testCA(t)
	gens := func(cn string) []byte {
		name, _ := asn1.Marshal(pkix.Name{CommonName: cn}.ToRDNSequence())
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.Tag(4).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(name) })
		})
		return b.BytesOrPanic()
	}
	x, y := gens("Issuer X"), gens("Issuer Y")
	now := time.Now().UTC().Truncate(time.Second)
	entry := func(serial int64, issuer []byte) x509.RevocationListEntry {
		e := x509.RevocationListEntry{SerialNumber: big.NewInt(serial), RevocationTime: now}
		if issuer != nil {
			e.ExtraExtensions = []pkix.Extension{{Id: oidCertificateIssuer, Critical: true, Value: issuer}}
		}
		return e
	}
	tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now, NextUpdate: now.Add(time.Hour),
		RevokedCertificateEntries: []x509.RevocationListEntry{entry(1, nil), entry(2, x), entry(3, nil), entry(1, nil), entry(5, y), entry(1, nil)}}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, ca, key)
	if err != nil {
		t.Fatal(err)
	}
	crls, err := Parse(der, "indirect.crl")
	if err != nil {
		t.Fatal(err)
	}
	c := crls[0]
	got := c.LookupAll(big.NewInt(1))
	if len(got) != 3 || got[0].Issuer != nil || !bytes.Equal(got[1].Issuer, x) || !bytes.Equal(got[2].Issuer, y) {
		t.Fatalf("LookupAll(1) = %d entries, issuers %x", len(got), func() [][]byte {
			var out [][]byte
			for _, g := range got {
				out = append(out, g.Issuer)
			}
			return out
		}())
	}
	if e, ok := c.Lookup(big.NewInt(1)); !ok || !bytes.Equal(e.Raw, got[0].Raw) {
		t.Error("Lookup(1) is not the first entry")
	}
	if got := c.LookupAll(big.NewInt(3)); len(got) != 1 || !bytes.Equal(got[0].Issuer, x) {
		t.Errorf("LookupAll(3): issuer not carried over: %+v", got)
	}
	if got := c.LookupAll(big.NewInt(4)); got != nil {
		t.Errorf("LookupAll(4) = %v", got)
	}
	if c.UnhandledCriticalExtension() {
		t.Error("critical certificateIssuer counted as unhandled")
	}
}
