package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/internal/minipki"
)

// rehashSource builds a directory of inputs: the system's CA certificates
// (when present), two CAs with the same subject (link numbering), their
// CRLs (two per issuer), a duplicate, a DER file and junk.
func rehashSource(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	sys, _ := filepath.Glob("/usr/share/ca-certificates/*/*.crt")
	for _, p := range sys {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, filepath.Base(p)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := minipki.New()
	a, err := f.Root("Same Name CA")
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Root("Same Name CA")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := a.Leaf("host.example")
	if err != nil {
		t.Fatal(err)
	}
	crlA1, err := a.CRL(nil, f.Now.Add(-time.Hour), f.Now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	crlA2, err := a.CRL(nil, f.Now.Add(-2*time.Hour), f.Now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"same-a.pem":   a.CertPEM(),
		"same-b.crt":   b.CertPEM(),
		"dup-of-a.pem": a.CertPEM(),
		"leaf.cer":     leaf.CertPEM(),
		"a1.crl":       minipki.CRLPEM(crlA1),
		"a2.crl":       minipki.CRLPEM(crlA2),
		"der.crt":      leaf.DER(),
		"junk.pem":     []byte("hello\n"),
		"two.pem":      append(a.CertPEM(), b.CertPEM()...),
		"ignored.txt":  a.CertPEM(),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

// copyDir copies the regular files of src into a new directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// links returns "NAME -> TARGET" for every symbolic link in dir, sorted.
func links(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.Type()&os.ModeSymlink == 0 {
			continue
		}
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e.Name()+" -> "+target)
	}
	sort.Strings(out)
	return out
}

// normalizeWarnings strips the program names so openssl's and our stderr
// compare.
func normalizeWarnings(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		l = strings.TrimPrefix(l, "rehash: ")
		l = strings.TrimPrefix(l, "sslstream rehash: ")
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestRehashAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	src := rehashSource(t)
	for _, tc := range []struct {
		name   string
		ours   []string
		theirs []string
	}{
		{"default", []string{"-v"}, []string{"-v"}},
		{"old", []string{"-v", "--old"}, []string{"-v", "-old"}},
		{"compat", []string{"-v", "--compat"}, []string{"-v", "-compat"}},
	} {
		a, b := copyDir(t, src), copyDir(t, src)
		// A stale link and a link to keep, to exercise removal and reuse.
		for _, d := range []string{a, b} {
			if err := os.Symlink("same-b.crt", filepath.Join(d, "00000000.0")); err != nil {
				t.Fatal(err)
			}
		}
		want := openssl(t, "", append(append([]string{"rehash"}, tc.theirs...), a)...)
		got := ss(t, append(append([]string{"rehash"}, tc.ours...), b)...)
		wantCode(t, got, 0)
		if diff := cmp.Diff(links(t, a), links(t, b)); diff != "" {
			t.Errorf("%s: links differ (-openssl +ours):\n%s", tc.name, diff)
		}
		wantOut := strings.ReplaceAll(want.stdout, a, "DIR")
		gotOut := strings.ReplaceAll(got.stdout, b, "DIR")
		if diff := cmp.Diff(wantOut, gotOut); diff != "" {
			t.Errorf("%s: -v output differs (-openssl +ours):\n%s", tc.name, diff)
		}
		if diff := cmp.Diff(normalizeWarnings(want.stderr), normalizeWarnings(got.stderr)); diff != "" {
			t.Errorf("%s: warnings differ (-openssl +ours):\n%s", tc.name, diff)
		}
		if len(links(t, b)) < 5 {
			t.Errorf("%s: only %d links made", tc.name, len(links(t, b)))
		}
		// A second run changes nothing, as with openssl.
		before := links(t, b)
		again := ss(t, "rehash", b)
		wantCode(t, again, 0)
		if diff := cmp.Diff(before, links(t, b)); tc.name == "default" && diff != "" {
			t.Errorf("second run changed links:\n%s", diff)
		}
	}
}

func TestRehashKeepLinks(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	src := rehashSource(t)
	a, b := copyDir(t, src), copyDir(t, src)
	for _, d := range []string{a, b} {
		if err := os.Symlink("junk.pem", filepath.Join(d, "abcdef01.0")); err != nil {
			t.Fatal(err)
		}
	}
	openssl(t, "", "rehash", "-n", a)
	wantCode(t, ss(t, "rehash", b, "-n"), 0)
	if diff := cmp.Diff(links(t, a), links(t, b)); diff != "" {
		t.Errorf("links differ (-openssl +ours):\n%s", diff)
	}
	found := false
	for _, l := range links(t, b) {
		found = found || l == "abcdef01.0 -> junk.pem"
	}
	if !found {
		t.Errorf("-n removed a link")
	}
}

func TestRehashErrors(t *testing.T) {
	t.Parallel()
	r := ss(t, "rehash")
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "no directory given")

	dir := t.TempDir()
	r = ss(t, "rehash", filepath.Join(dir, "missing"), dir)
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "missing")

	r = ss(t, "rehash", "--old", "--compat", dir)
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "mutually exclusive")
}

// TestRehashJSON: --json reports the links openssl rehash makes, one
// object per directory; a missing directory is ok false with the error and
// exit 1.
func TestRehashJSON(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	src := rehashSource(t)
	a, b := copyDir(t, src), copyDir(t, src)
	openssl(t, "", "rehash", a)
	missing := filepath.Join(t.TempDir(), "missing")
	r := ss(t, "rehash", "--json", b, missing)
	wantCode(t, r, 1)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 JSON lines:\n%s", r)
	}
	var got, bad rehashJSON
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &bad); err != nil {
		t.Fatal(err)
	}
	var gotLinks []string
	for _, l := range got.Links {
		gotLinks = append(gotLinks, l.Name+" -> "+l.Target)
	}
	sort.Strings(gotLinks)
	if diff := cmp.Diff(links(t, a), gotLinks); diff != "" || !got.OK || got.Dir != b {
		t.Errorf("dir %s ok %v; links differ from openssl's (-openssl +json):\n%s", got.Dir, got.OK, diff)
	}
	if len(got.Warnings) == 0 {
		t.Errorf("no warnings for the duplicate and the junk file: %+v", got)
	}
	if bad.OK || bad.Dir != missing || !strings.Contains(bad.Error, "missing") {
		t.Errorf("missing directory: %+v", bad)
	}
}
