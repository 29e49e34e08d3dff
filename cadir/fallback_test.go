package cadir

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
)

// TestCertificatesGoRefuses: a hashed directory's certificates that
// crypto/x509 refuses (explicit EC parameters, SM2, malformed policies,
// from x509fallback's seed corpus) are found by subject, rehashed by
// Rehash and listed by Certificates.
func TestCertificatesGoRefuses(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "internal", "x509fallback", "testdata", "*.pem"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var refused [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := pem.Decode(data)
		if b == nil {
			continue
		}
		if _, err := x509.ParseCertificate(b.Bytes); err == nil {
			continue
		}
		refused = append(refused, b.Bytes)
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if len(refused) < 3 {
		t.Fatalf("only %d refused seeds", len(refused))
	}
	if _, err := Rehash(dir, RehashOptions{}); err != nil {
		t.Fatal(err)
	}
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, der := range refused {
		var subject []byte
		// The subject is what the fallback reads; compare by raw bytes.
		all, err := d.Certificates()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range all {
			if bytes.Equal(c.Raw, der) {
				subject = c.RawSubject
			}
		}
		if subject == nil {
			t.Fatalf("certificate missing from Certificates (%d listed)", len(all))
		}
		found := false
		cands, err := d.Issuers(subject)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cands {
			found = found || bytes.Equal(c.Raw, der)
		}
		if !found {
			t.Errorf("Issuers does not find the certificate by its subject")
		}
	}
}
