package verify

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// opensslMadeChain is what `openssl req -x509` and `openssl x509 -req`
// make with OpenSSL 3.0's defaults: a self-signed root without keyUsage
// (basicConstraints critical, key identifiers) and a version 1 leaf
// without extensions, valid from now.
func opensslMadeChain(t *testing.T) opensslCase {
	dir := t.TempDir()
	key := func(name string) string {
		p := filepath.Join(dir, name)
		opensslOut(t, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p)
		return p
	}
	caKey, leafKey := key("ca.key"), key("leaf.key")
	caPem, csr, leafPem := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "leaf.csr"), filepath.Join(dir, "leaf.pem")
	opensslOut(t, "req", "-x509", "-key", caKey, "-out", caPem, "-subj", "/CN=OpenSSL Made CA", "-days", "10")
	opensslOut(t, "req", "-new", "-key", leafKey, "-out", csr, "-subj", "/CN=leaf.example")
	opensslOut(t, "x509", "-req", "-in", csr, "-CA", caPem, "-CAkey", caKey, "-set_serial", "4660", "-out", leafPem, "-days", "5")
	load := func(p string) *x509.Certificate {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := pem.Decode(data)
		if b == nil {
			t.Fatalf("%s: no PEM", p)
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ca, leaf := load(caPem), load(leafPem)
	if leaf.Version != 1 || ca.KeyUsage != 0 {
		t.Fatalf("openssl made a v%d leaf and a CA with key usage %#x: defaults changed", leaf.Version, ca.KeyUsage)
	}
	return opensslCase{leaf: leaf, trusted: []*x509.Certificate{ca}, depth: -1, at: time.Now().Add(time.Minute)}
}

// TestStrictFirstErrorIsOpenSSLs: when openssl verify -x509_strict refuses
// a chain, strict mode reports the same first error (code, depth, subject):
// our rules beyond OpenSSL's run after all of OpenSSL's checks and only add
// problems after it.
func TestStrictFirstErrorIsOpenSSLs(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	tc := opensslMadeChain(t)
	tc.strict = true
	want, got, res := runBoth(t, tc)
	if len(want) == 0 || want[0].Code != CACertMissingKeyUsage || want[0].Depth != 1 {
		t.Fatalf("openssl verify -x509_strict: %v, want 92 at depth 1 first (the root lacks keyUsage)", want)
	}
	if len(got) == 0 || got[0] != want[0] || res.Code != want[0].Code || res.Depth != want[0].Depth {
		t.Fatalf("strict mode: first problem %v (Code %d at %d), openssl's %v", got, res.Code, res.Depth, want[0])
	}
	// Then our own rules about the leaf: only a self-signed anchor may be
	// version 1 (41), a leaf needs a subjectAltName (41) and an extended
	// key usage (26).
	all := res.AllProblems()
	if len(all) < 2 || all[1].Code != InvalidExtension || all[1].Depth != 0 {
		t.Errorf("strict mode: problems %v, want 41 at depth 0 (v1 leaf) right after openssl's", all)
	}
	// The default mode accepts the chain, as openssl verify does.
	tc.strict = false
	if want, got, _ := runBoth(t, tc); len(want) != 0 || len(got) != 0 {
		t.Errorf("default mode: openssl %v, ours %v; want both to accept", want, got)
	}
}
