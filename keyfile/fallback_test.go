package keyfile

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fallbackDER returns the certificates of x509fallback's seed corpus that
// crypto/x509 refuses (explicit EC parameters, SM2, malformed policies).
func fallbackDER(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "internal", "x509fallback", "testdata", "*.pem"))
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
			continue
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			out[strings.TrimSuffix(filepath.Base(f), ".pem")] = b.Bytes
		}
	}
	if len(out) < 3 {
		t.Fatalf("only %d refused seeds", len(out))
	}
	return out
}

// TestCertificatesGoRefuses: PEM bundles, TRUSTED CERTIFICATE blocks,
// concatenated DER and certificate chains of a key pair holding
// certificates crypto/x509 refuses still load, byte for byte.
func TestCertificatesGoRefuses(t *testing.T) {
	t.Parallel()
	seeds := fallbackDER(t)
	var bundle bytes.Buffer
	var der []byte
	var want [][]byte
	for _, d := range seeds {
		bundle.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d}))
		der = append(der, d...)
		want = append(want, d)
	}
	check := func(what string, certs []*x509.Certificate, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if len(certs) != len(want) {
			t.Fatalf("%s: %d certificates, want %d", what, len(certs), len(want))
		}
		for i, c := range certs {
			if !bytes.Equal(c.Raw, want[i]) {
				t.Errorf("%s: certificate %d differs", what, i)
			}
		}
	}
	certs, err := ParseCertificates(bundle.Bytes(), "bundle.pem")
	check("PEM", certs, err)
	certs, err = ParseCertificates(der, "bundle.der")
	check("DER", certs, err)
	var trusted bytes.Buffer
	for _, d := range want {
		trusted.Write(pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: d}))
	}
	tcs, err := ParseTrustedCertificates(trusted.Bytes(), "trusted.pem")
	if err != nil || len(tcs) != len(want) {
		t.Fatalf("TRUSTED CERTIFICATE: %d certificates, %v", len(tcs), err)
	}
	// Still an error: a certificate neither reads.
	bad := append([]byte(nil), want[0]...)
	bad = bad[:len(bad)-10]
	if _, err := ParseCertificates(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: bad}), "bad.pem"); err == nil || !strings.Contains(err.Error(), "bad.pem") {
		t.Errorf("truncated certificate: %v", err)
	}
}
