package cadir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStorePath checks the URI forms OpenSSL 3.0's file store takes.
func TestStorePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for uri, want := range map[string]string{
		f:                             f,
		"file://" + f:                 f,
		"file:" + f:                   f,
		"file://localhost" + f:        f,
		"FILE://LOCALHOST" + f:        f,
		"file://" + dir + "/ca%2Epem": "",
		"file://host" + f:             "",
		"file:ca.pem":                 "",
		"http://localhost" + f:        "",
		"ldap:" + f:                   "",
		filepath.Join(dir, "nope"):    "",
	} {
		got, err := StorePath(uri)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("StorePath(%q) = %q, %v; want %q", uri, got, err, want)
		}
		if err != nil && !strings.Contains(err.Error(), uri) {
			t.Errorf("StorePath(%q): error %v does not name the URI", uri, err)
		}
	}
}

// FuzzStoreObjects feeds store files and URIs to the parsers: no panic,
// and a successful read holds something.
func FuzzStoreObjects(f *testing.F) {
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "file:///x")
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00}, "file://localhost/y")
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "http:z")
	f.Fuzz(func(t *testing.T, data []byte, uri string) {
		s := &Store{uri: uri, byHash: map[uint32]*storeRead{}}
		objs, ok := s.parseObjects(data, "fuzz")
		if ok && len(objs.certs)+len(objs.crls) == 0 {
			t.Fatalf("a successful read with nothing in it")
		}
		_, _ = StorePath(uri)
		_ = storeNameMatches(uri, "0123abcd")
	})
}
