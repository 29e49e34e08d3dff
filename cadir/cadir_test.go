package cadir

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/internal/testproc"
)

var (
	keyOnce sync.Once
	testKey *ecdsa.PrivateKey
)

func key(t testing.TB) *ecdsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		testKey = k
	})
	return testKey
}

// selfSigned makes a self-signed CA certificate with the given subject.
func selfSigned(t testing.TB, subject pkix.Name, serial int64) *x509.Certificate {
	t.Helper()
	k := key(t)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               subject,
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func makeCRL(t testing.TB, issuer *x509.Certificate, number int64, revoked ...int64) []byte {
	t.Helper()
	tmpl := &x509.RevocationList{Number: big.NewInt(number), ThisUpdate: time.Now().Add(-time.Hour), NextUpdate: time.Now().Add(time.Hour)}
	for _, s := range revoked {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, x509.RevocationListEntry{SerialNumber: big.NewInt(s), RevocationTime: time.Now().Add(-time.Hour)})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, issuer, crypto.Signer(key(t)))
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func crlPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})
}

// fixture is the content of a test directory: files, then symlinks.
type fixture struct {
	files map[string][]byte
	links map[string]string // name -> target
	dirs  []string
	certA *x509.Certificate // two certificates share A's subject
	certB *x509.Certificate
	trust *x509.Certificate // stored only as TRUSTED / X509 CERTIFICATE
}

func newFixture(t testing.TB, withSystem bool) *fixture {
	t.Helper()
	f := &fixture{files: map[string][]byte{}, links: map[string]string{}}
	if withSystem {
		_ = filepath.WalkDir("/usr/share/ca-certificates", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".crt") {
				return nil
			}
			data, err := os.ReadFile(path)
			if err == nil {
				f.files[filepath.Base(path)] = data
			}
			return nil
		})
	}
	a := selfSigned(t, pkix.Name{CommonName: "Test CA A", Organization: []string{"Example"}}, 1)
	a2 := selfSigned(t, pkix.Name{CommonName: "Test CA A", Organization: []string{"Example"}}, 2)
	b := selfSigned(t, pkix.Name{CommonName: "Test CA B"}, 3)
	c := selfSigned(t, pkix.Name{CommonName: "Hidden"}, 4)
	d := selfSigned(t, pkix.Name{CommonName: "Upper"}, 5)
	f.certA, f.certB = a, b
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key(t))
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	hb, _ := dn.Hash(b.RawSubject)

	f.files["a.pem"] = certPEM(a)
	f.files["a2.pem"] = append([]byte("issued again\n"), certPEM(a2)...)
	f.files["a-copy.crt"] = certPEM(a)
	f.files["b.pem"] = certPEM(b)
	f.files[".hidden.pem"] = certPEM(c)
	f.files["UP.PEM"] = certPEM(d)
	f.files["a.crl"] = crlPEM(makeCRL(t, a, 1, 100, 101))
	f.files["a-2.crl"] = crlPEM(makeCRL(t, a, 2, 102))
	f.files["a-2-copy.crl"] = f.files["a-2.crl"]
	f.files["b.der.cer"] = b.Raw
	f.files["two.pem"] = append(certPEM(c), certPEM(d)...)
	f.files["twocrl.crl"] = append(crlPEM(makeCRL(t, b, 1)), crlPEM(makeCRL(t, b, 2))...)
	f.files["certcrl.pem"] = append(certPEM(d), crlPEM(makeCRL(t, b, 3))...)
	f.files["key.pem"] = keyPEM
	f.files["withkey.crt"] = append(keyPEM, certPEM(a)...)
	f.files["noext"] = certPEM(b)
	f.files["junk.pem"] = []byte("not a certificate\n")
	f.files["corrupt.pem"] = bytes.Replace(certPEM(b), []byte("MII"), []byte("XII"), 1)
	f.files["csr-and-cert.pem"] = append([]byte("-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n"), certPEM(c)...)
	aux := []byte{0x30, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01} // trust: serverAuth
	trusted := selfSigned(t, pkix.Name{CommonName: "Trusted"}, 6)
	f.trust = trusted
	f.files["trusted.crt"] = pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: append(slices.Clone(trusted.Raw), aux...)})
	f.files["trusted-a.crt"] = pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: append(slices.Clone(a.Raw), aux...)})
	f.files["old-style.cer"] = pem.EncodeToMemory(&pem.Block{Type: "X509 CERTIFICATE", Bytes: trusted.Raw})
	f.dirs = []string{"sub.pem"}
	f.links["alink.pem"] = "a.pem"
	f.links["dangling.pem"] = "missing.pem"
	f.links["loop1.pem"] = "loop2.pem"
	f.links["loop2.pem"] = "loop1.pem"
	f.links["deadbeef.0"] = "a.pem"              // stale link under a wrong hash
	f.links["DEADBEEF.1"] = "b.pem"              // upper-case hash link
	f.links["deadbeef.r0"] = "a.crl"             // stale CRL link
	f.links["deadbeef."] = "x"                   // strtoul("") = 0
	f.links[fmt.Sprintf("%08x.1", hb)] = "b.pem" // right hash, other number
	ha, _ := dn.Hash(a.RawSubject)
	f.links[fmt.Sprintf("%08x.0", ha)] = "gone.pem" // stale link to a deleted file, right hash
	return f
}

func (f *fixture) write(t testing.TB, dir string) {
	t.Helper()
	for name, data := range f.files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range f.dirs {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, target := range f.links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

// linkSet returns every symbolic link of dir: name -> target.
func linkSet(t testing.TB, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range ents {
		if e.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out[e.Name()] = target
		}
	}
	return out
}

// TestRehashAgainstOpenSSL runs `openssl rehash -v` and Rehash on identical
// directories (system CAs, generated certificates and CRLs, duplicates, odd
// files and stale links) and compares links, actions, warnings and errors.
func TestRehashAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	testproc.Require(t, "openssl")
	for _, mode := range []struct {
		name string
		args []string
		opts RehashOptions
	}{
		{"default", nil, RehashOptions{}},
		{"compat", []string{"-compat"}, RehashOptions{Hash: HashBoth}},
		{"old", []string{"-old"}, RehashOptions{Hash: HashOld}},
		{"keep", []string{"-n"}, RehashOptions{KeepLinks: true}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, mode.name == "default")
			theirs, ours := t.TempDir(), t.TempDir()
			f.write(t, theirs)
			f.write(t, ours)
			cmd := exec.Command("openssl", append(append([]string{"rehash", "-v"}, mode.args...), ".")...)
			cmd.Dir = theirs
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			rc := 0
			if ee, ok := err.(*exec.ExitError); ok {
				rc = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			rep, err := Rehash(ours, mode.opts)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(linkSet(t, theirs)); n < 10 {
				t.Errorf("openssl left only %d links: fixture broken", n)
			}
			t.Logf("%d links, %d actions, %d warnings, %d errors", len(linkSet(t, ours)), len(rep.Actions), len(rep.Warnings), len(rep.Errors))
			if d := cmp.Diff(linkSet(t, theirs), linkSet(t, ours)); d != "" {
				t.Errorf("links differ (-openssl +ours):\n%s", d)
			}
			wantActions := strings.Split(strings.TrimSpace(stdout.String()), "\n")[1:] // after "Doing ."
			if d := cmp.Diff(wantActions, rep.Actions); d != "" {
				t.Errorf("actions differ (-openssl +ours):\n%s", d)
			}
			var wantWarn, wantErr []string
			for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
				l = strings.TrimPrefix(l, "rehash: ")
				switch {
				case strings.HasPrefix(l, "warning:"):
					wantWarn = append(wantWarn, l)
				case l != "":
					wantErr = append(wantErr, l)
				}
			}
			if d := cmp.Diff(wantWarn, rep.Warnings); d != "" {
				t.Errorf("warnings differ (-openssl +ours):\n%s", d)
			}
			for _, e := range wantErr {
				if !contains(rep.Errors, e) {
					t.Errorf("openssl error %q missing from %q", e, rep.Errors)
				}
			}
			if rc != len(rep.Errors) {
				t.Errorf("openssl exit status %d, our error count %d: %q", rc, len(rep.Errors), rep.Errors)
			}
			// Every link of the report exists with its target.
			got := linkSet(t, ours)
			for _, l := range rep.Links {
				if got[l.Name] != l.Target {
					t.Errorf("report link %s -> %s, directory has %q", l.Name, l.Target, got[l.Name])
				}
			}
			// A second run changes nothing (links are reused).
			rep2, err := Rehash(ours, mode.opts)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(got, linkSet(t, ours)); d != "" {
				t.Errorf("second run changed links:\n%s", d)
			}
			_ = rep2
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestRehashNotWritable(t *testing.T) {
	t.Parallel()
	_, err := Rehash(filepath.Join(t.TempDir(), "missing"), RehashOptions{})
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("Rehash(missing) = %v", err)
	}
}

func TestRehashFIFO(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.pem"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	rep, err := Rehash(dir, RehashOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0], "fifo.pem") {
		t.Errorf("Errors = %q", rep.Errors)
	}
}

// TestLookups rehashes a fixture and looks certificates and CRLs up.
func TestLookups(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	for name, target := range f.links {
		if target == "gone.pem" {
			delete(f.links, name) // see TestStaleLinkHidesCAs
		}
	}
	dir := t.TempDir()
	f.write(t, dir)
	if _, err := Rehash(dir, RehashOptions{}); err != nil {
		t.Fatal(err)
	}
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Path() != dir {
		t.Errorf("Path = %q", d.Path())
	}
	got, err := d.Issuers(f.certA.RawSubject)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Equal(f.certA) && !got[1].Equal(f.certA) {
		t.Errorf("Issuers(A) = %d certificates", len(got))
	}
	crls, err := d.CRLs(f.certA.RawSubject)
	if err != nil {
		t.Fatal(err)
	}
	if len(crls) != 2 {
		t.Fatalf("CRLs(A) = %d", len(crls))
	}
	revoked := 0
	for _, c := range crls {
		for _, s := range []int64{100, 101, 102} {
			if _, ok := c.Lookup(big.NewInt(s)); ok {
				revoked++
			}
		}
	}
	if revoked != 3 {
		t.Errorf("revoked serials found: %d, want 3", revoked)
	}
	// TRUSTED CERTIFICATE and X509 CERTIFICATE files are read too (the
	// same certificate in both: found once).
	if got, err := d.Issuers(f.trust.RawSubject); err != nil || len(got) != 1 || !got[0].Equal(f.trust) {
		t.Errorf("Issuers(trusted) = %d, %v", len(got), err)
	}
	// Same name in another spelling (case, spaces) finds the same CA.
	other := selfSigned(t, pkix.Name{CommonName: "  test  ca a", Organization: []string{"EXAMPLE"}}, 9)
	if got, err := d.Issuers(other.RawSubject); err != nil || len(got) != 2 {
		t.Errorf("Issuers(respelled A) = %d, %v", len(got), err)
	}
	// Every system CA is found under its subject.
	n := 0
	for name, data := range f.files {
		if !strings.HasSuffix(name, ".crt") || name == "a-copy.crt" || name == "withkey.crt" {
			continue
		}
		block, _ := pem.Decode(data)
		if block == nil {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue
		}
		got, err := d.Issuers(c.RawSubject)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		found := false
		for _, g := range got {
			found = found || g.Equal(c)
		}
		if !found {
			t.Errorf("%s: not found by subject", name)
		}
		n++
	}
	t.Logf("looked up %d system CAs", n)

	// Concurrent lookups.
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, err := d.Issuers(f.certB.RawSubject); err != nil || len(got) != 1 {
				t.Errorf("concurrent Issuers(B) = %d, %v", len(got), err)
			}
			if _, err := d.CRLs(f.certB.RawSubject); err != nil {
				t.Errorf("concurrent CRLs(B): %v", err)
			}
		}()
	}
	wg.Wait()
}

// TestNoNegativeCache checks that a name not found is looked for again (a
// CA added later is found), and that found names are served from the cache.
func TestNoNegativeCache(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := selfSigned(t, pkix.Name{CommonName: "Late CA"}, 1)
	if got, err := d.Issuers(c.RawSubject); err != nil || len(got) != 0 {
		t.Fatalf("Issuers before = %d, %v", len(got), err)
	}
	h, _ := dn.Hash(c.RawSubject)
	os.WriteFile(filepath.Join(dir, "late.pem"), certPEM(c), 0o644)
	os.Symlink("late.pem", filepath.Join(dir, fmt.Sprintf("%08x.0", h)))
	if got, err := d.Issuers(c.RawSubject); err != nil || len(got) != 1 {
		t.Fatalf("Issuers after adding = %d, %v", len(got), err)
	}
	if n := d.filesRead.Load(); n != 1 {
		t.Errorf("files read = %d, want 1", n)
	}
	d.Issuers(c.RawSubject)
	if n := d.filesRead.Load(); n != 1 {
		t.Errorf("files read after cached lookup = %d, want 1", n)
	}
	// CRLs added later are found too.
	if got, err := d.CRLs(c.RawSubject); err != nil || len(got) != 0 {
		t.Fatalf("CRLs before = %d, %v", len(got), err)
	}
	os.WriteFile(filepath.Join(dir, "late.crl"), crlPEM(makeCRL(t, c, 1, 5)), 0o644)
	os.Symlink("late.crl", filepath.Join(dir, fmt.Sprintf("%08x.r0", h)))
	if got, err := d.CRLs(c.RawSubject); err != nil || len(got) != 1 {
		t.Fatalf("CRLs after adding = %d, %v", len(got), err)
	}
}

// TestLookupErrors checks symlink loops, non-regular files, garbage and
// unusable directories: clear errors naming the file, never a hang.
func TestLookupErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	loop := selfSigned(t, pkix.Name{CommonName: "Loop"}, 1)
	fifo := selfSigned(t, pkix.Name{CommonName: "FIFO"}, 2)
	junk := selfSigned(t, pkix.Name{CommonName: "Junk"}, 3)
	subdir := selfSigned(t, pkix.Name{CommonName: "Subdir"}, 4)
	notdir := selfSigned(t, pkix.Name{CommonName: "NotDir"}, 5)
	name := func(c *x509.Certificate, suffix string) string {
		h, _ := dn.Hash(c.RawSubject)
		return filepath.Join(dir, fmt.Sprintf("%08x.%s", h, suffix))
	}
	os.Symlink(filepath.Base(name(loop, "0")), name(loop, "0")) // points to itself
	if err := syscall.Mkfifo(name(fifo, "0"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(name(junk, "0"), []byte("junk"), 0o644)
	os.WriteFile(name(junk, "r0"), []byte("junk"), 0o644)
	os.Mkdir(name(subdir, "0"), 0o755)
	os.Symlink(filepath.Base(name(junk, "0"))+"/x", name(notdir, "0")) // ENOTDIR, not ENOENT
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*x509.Certificate{loop, fifo, junk, subdir, notdir} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, err := d.Issuers(c.RawSubject)
			t.Logf("%s: %v", c.Subject.CommonName, err)
			if err == nil || !strings.Contains(err.Error(), name(c, "0")) {
				t.Errorf("Issuers(%s) = %v, want an error naming %s", c.Subject.CommonName, err, name(c, "0"))
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Issuers(%s) hangs", c.Subject.CommonName)
		}
	}
	if _, err := d.CRLs(junk.RawSubject); err == nil || !strings.Contains(err.Error(), name(junk, "r0")) {
		t.Errorf("CRLs(junk) = %v", err)
	}
	if _, err := d.Issuers([]byte{1}); err == nil {
		t.Error("Issuers(malformed name) gave no error")
	}
	if _, err := Open(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("Open(missing) = %v", err)
	}
	if _, err := Open(name(junk, "0")); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Open(file) = %v", err)
	}
}

// BenchmarkLargeDir opens a directory of 100,000 hash links and looks one
// CA up; it reports Open's and the lookup's time relative to the same on a
// directory holding just that CA (about 1 when both are independent of the
// directory's size) and the number of files a lookup reads.
func BenchmarkLargeDir(b *testing.B) {
	big := b.TempDir()
	small := b.TempDir()
	c := selfSigned(b, pkix.Name{CommonName: "Needle"}, 1)
	h, _ := dn.Hash(c.RawSubject)
	for _, dir := range []string{big, small} {
		os.WriteFile(filepath.Join(dir, "ca.pem"), certPEM(c), 0o644)
		os.Symlink("ca.pem", filepath.Join(dir, fmt.Sprintf("%08x.0", h)))
	}
	for i := range 100_000 {
		name := fmt.Sprintf("%08x.0", uint32(i)*2654435761)
		if name == fmt.Sprintf("%08x.0", h) {
			continue
		}
		if err := os.Symlink("ca.pem", filepath.Join(big, name)); err != nil {
			b.Fatal(err)
		}
	}
	measure := func(dir string, n int, lookup bool) (time.Duration, int64) {
		var read int64
		start := time.Now()
		for range n {
			d, err := Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			if lookup {
				if got, err := d.Issuers(c.RawSubject); err != nil || len(got) != 1 {
					b.Fatalf("Issuers = %d, %v", len(got), err)
				}
			}
			read += d.filesRead.Load()
		}
		return time.Since(start) / time.Duration(n), read / int64(n)
	}
	b.Run("Open", func(b *testing.B) {
		base, _ := measure(small, 2000, false)
		b.ResetTimer()
		for b.Loop() {
			if _, err := Open(big); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(base), "x-vs-1-file-dir")
	})
	b.Run("OpenAndLookup", func(b *testing.B) {
		base, _ := measure(small, 500, true)
		b.ResetTimer()
		var read int64
		for b.Loop() {
			d, err := Open(big)
			if err != nil {
				b.Fatal(err)
			}
			if got, err := d.Issuers(c.RawSubject); err != nil || len(got) != 1 {
				b.Fatalf("Issuers = %d, %v", len(got), err)
			}
			read += d.filesRead.Load()
		}
		b.StopTimer()
		b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(base), "x-vs-1-file-dir")
		b.ReportMetric(float64(read)/float64(b.N), "files-read/op")
	})
}

// FuzzReadInfos checks the PEM grouping of Rehash on arbitrary input: no
// panic, and every item found holds something with a hashable name.
func FuzzReadInfos(f *testing.F) {
	fx := newFixture(f, false)
	for _, name := range []string{"a.pem", "two.pem", "certcrl.pem", "withkey.crt", "twocrl.crl", "corrupt.pem", "csr-and-cert.pem", "key.pem"} {
		f.Add(fx.files[name])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		infos, ok := readInfos(data)
		if !ok {
			return
		}
		for _, in := range infos {
			if in.cert == nil && in.crl == nil && !in.key {
				t.Fatal("empty item")
			}
			if in.cert != nil {
				if _, ok := certSubject(in.cert); !ok {
					t.Fatal("certificate without subject accepted")
				}
			}
			if in.crl != nil {
				if _, ok := crlIssuer(in.crl); !ok {
					t.Fatal("CRL without issuer accepted")
				}
			}
		}
	})
}

// FuzzStrtoul compares the hash-link number parser with strconv on plain
// decimal input.
func FuzzStrtoul(f *testing.F) {
	for _, s := range []string{"", "0", "12", " 3", "+1", "-1", "1x", "99999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := strtoul(s)
		if n, err := strconv.ParseUint(s, 10, 64); err == nil && (!ok || v != n) {
			t.Fatalf("strtoul(%q) = %d, %v; want %d", s, v, ok, n)
		}
	})
}

// TestSystemDir looks every CA of the system's OpenSSL-hashed directory up
// by subject (skipped when /etc/ssl/certs has no hash links).
func TestSystemDir(t *testing.T) {
	t.Parallel()
	links, _ := filepath.Glob("/etc/ssl/certs/*.0")
	if len(links) == 0 {
		t.Skip("no /etc/ssl/certs/<hash>.0 links on this machine")
	}
	d, err := Open("/etc/ssl/certs")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		data, err := os.ReadFile(l)
		if err != nil {
			t.Fatal(err)
		}
		block, _ := pem.Decode(data)
		if block == nil {
			t.Fatalf("%s: not PEM", l)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		got, err := d.Issuers(c.RawSubject)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		found := false
		for _, g := range got {
			found = found || g.Equal(c)
		}
		if !found {
			t.Errorf("%s: Issuers does not return it", l)
		}
	}
	if n := d.filesRead.Load(); n < int64(len(links)) || n > int64(len(links))*2 {
		t.Errorf("read %d files for %d links", n, len(links))
	}
}

// TestStaleLinkHidesCAs shows an OpenSSL quirk kept on purpose: rehash keeps
// a dangling `<hash>.0` link (its number is below the number of links
// needed) and numbers the real files after it, and a lookup stops at the
// dangling link, so the CAs are not found, by OpenSSL either.
func TestStaleLinkHidesCAs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := selfSigned(t, pkix.Name{CommonName: "Stale A"}, 1)
	a2 := selfSigned(t, pkix.Name{CommonName: "Stale A"}, 2)
	h, _ := dn.Hash(a.RawSubject)
	os.WriteFile(filepath.Join(dir, "a.pem"), certPEM(a), 0o644)
	os.WriteFile(filepath.Join(dir, "a2.pem"), certPEM(a2), 0o644)
	stale := filepath.Join(dir, fmt.Sprintf("%08x.0", h))
	os.Symlink("gone.pem", stale)
	if _, err := Rehash(dir, RehashOptions{}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{fmt.Sprintf("%08x.0", h): "gone.pem", fmt.Sprintf("%08x.1", h): "a.pem", fmt.Sprintf("%08x.2", h): "a2.pem"}
	if d := cmp.Diff(want, linkSet(t, dir)); d != "" {
		t.Errorf("links (-want +got):\n%s", d)
	}
	// OpenSSL 3.0 verifies only the first of two self-signed certificates
	// with the same subject and key found in a CApath, so after cleaning the
	// file at <hash>.0 is verified.
	verify := func(file string) bool {
		out, err := exec.Command("openssl", "verify", "-CApath", dir, file).CombinedOutput()
		t.Logf("openssl verify: %s", bytes.TrimSpace(out))
		return err == nil
	}
	_, noOpenSSL := exec.LookPath("openssl")
	d, _ := Open(dir)
	if got, err := d.Issuers(a.RawSubject); err != nil || len(got) != 0 {
		t.Errorf("Issuers behind a dangling .0 = %d, %v; want none, as OpenSSL", len(got), err)
	}
	if noOpenSSL == nil && verify(filepath.Join(dir, "a.pem")) {
		t.Error("openssl verify -CApath found the CA behind the dangling link")
	}
	// Without the stale link, a new rehash numbers the files from 0.
	os.Remove(stale)
	if _, err := Rehash(dir, RehashOptions{}); err != nil {
		t.Fatal(err)
	}
	d, _ = Open(dir)
	if got, err := d.Issuers(a.RawSubject); err != nil || len(got) != 2 {
		t.Errorf("Issuers after cleaning = %d, %v; want 2", len(got), err)
	}
	if noOpenSSL == nil && !verify(stale) {
		t.Error("openssl verify -CApath fails after cleaning")
	}
}
