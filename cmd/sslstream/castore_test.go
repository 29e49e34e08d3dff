package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestVerifyCAStoreAgainstOpenSSL compares --ca-store (openssl -CAstore)
// with openssl verify on store files, directories and URIs made here:
// the same stdout, stderr and exit status when the store loads; when
// openssl refuses the URI (exit 1), the same exit status and an error
// naming it.
func TestVerifyCAStoreAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getVerifyPKI(t)
	dir := t.TempDir()
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(p.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	write := func(name string, parts ...[]byte) string {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		var all []byte
		for _, b := range parts {
			all = append(all, b...)
		}
		if err := os.WriteFile(path, all, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, name := range []string{"leaf.pem", "revoked.pem", "inter.pem", "direct.pem", "root.pem"} {
		write(name, read(name))
	}
	root, inter, interCRL, rootCRL := read("root.pem"), read("inter.pem"), read("inter.crl"), read("root.crl")
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	rootBlock, _ := pem.Decode(root)
	foo := []byte("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n")
	rootHash := opensslHash(t, "x509", filepath.Join(dir, "root.pem"))
	interHash := opensslHash(t, "x509", filepath.Join(dir, "inter.pem"))

	abs := func(name string) string { return filepath.Join(dir, name) }
	write("root-only.pem", root)
	write("root-and-inter.pem", root, inter)
	write("root-and-crls.pem", root, interCRL, rootCRL)
	write("key-first.pem", keyPEM, root)
	write("cert-then-key.pem", root, keyPEM)
	write("cert-then-foo.pem", root, foo)
	write("foo-then-cert.pem", foo, root)
	write("root.der", rootBlock.Bytes)
	write("empty.pem")
	write("text-then-cert.pem", []byte("Certificate:\n    some text openssl x509 -text prints\n"), root)
	write("http:root.pem", root)
	write("sp ace/root.pem", root)
	write("hashed/"+rootHash+".0", root)
	write("hashed/"+interHash+".r0", interCRL)
	write("unhashed/root.pem", root)
	write("gap/"+rootHash+".7", root)
	write("upper/"+strings.ToUpper(rootHash)+".0", root)
	write("crl-as-cert/"+rootHash+".r3", root, rootCRL)
	write("bad-in-dir/"+rootHash+".0", root)
	write("bad-in-dir/"+rootHash+".1", keyPEM)
	if err := os.MkdirAll(abs("empty-dir"), 0o700); err != nil {
		t.Fatal(err)
	}

	leaf := []string{"--untrusted", "inter.pem", "leaf.pem"}
	cases := []struct {
		name string
		args []string
	}{
		{"plain path", append([]string{"--ca-store", "root-only.pem"}, leaf...)},
		{"file URI", append([]string{"--ca-store", "file://" + abs("root-only.pem")}, leaf...)},
		{"file: without authority", append([]string{"--ca-store", "file:" + abs("root-only.pem")}, leaf...)},
		{"file://localhost", append([]string{"--ca-store", "file://localhost" + abs("root-only.pem")}, leaf...)},
		{"FILE: in capitals", append([]string{"--ca-store", "FILE:" + abs("root-only.pem")}, leaf...)},
		{"file URI of another host", append([]string{"--ca-store", "file://example.com" + abs("root-only.pem")}, leaf...)},
		{"relative file: URI", append([]string{"--ca-store", "file:root-only.pem"}, leaf...)},
		{"nonexistent", append([]string{"--ca-store", "missing.pem"}, leaf...)},
		{"nonexistent file URI", append([]string{"--ca-store", "file://" + abs("missing.pem")}, leaf...)},
		{"http URI", append([]string{"--ca-store", "http://127.0.0.1:9/ca.pem"}, leaf...)},
		{"http: without authority, no such file", append([]string{"--ca-store", "http:missing.pem"}, leaf...)},
		{"http: without authority, a file of that name", append([]string{"--ca-store", "http:root.pem"}, leaf...)},
		{"percent-encoded space", append([]string{"--ca-store", "file://" + filepath.Join(dir, "sp%20ace", "root.pem")}, leaf...)},
		{"literal space", append([]string{"--ca-store", "file://" + abs("sp ace/root.pem")}, leaf...)},
		{"root and intermediate in the store", []string{"--ca-store", "root-and-inter.pem", "leaf.pem", "direct.pem"}},
		{"CRLs in the store file", []string{"--ca-store", "root-and-crls.pem", "--untrusted", "inter.pem", "--crl-check", "peer", "revoked.pem", "leaf.pem"}},
		{"CRLs in the store file, crl-check all", []string{"--ca-store", "root-and-crls.pem", "--untrusted", "inter.pem", "--crl-check", "all", "leaf.pem"}},
		{"key before the certificate", append([]string{"--ca-store", "key-first.pem"}, leaf...)},
		{"key after the certificate", append([]string{"--ca-store", "cert-then-key.pem"}, leaf...)},
		{"undecodable block after the certificate", append([]string{"--ca-store", "cert-then-foo.pem"}, leaf...)},
		{"undecodable block before the certificate", append([]string{"--ca-store", "foo-then-cert.pem"}, leaf...)},
		{"DER certificate", append([]string{"--ca-store", "root.der"}, leaf...)},
		{"empty file", append([]string{"--ca-store", "empty.pem"}, leaf...)},
		{"text before the certificate", append([]string{"--ca-store", "text-then-cert.pem"}, leaf...)},
		{"hashed directory", append([]string{"--ca-store", "hashed"}, leaf...)},
		{"hashed directory URI", append([]string{"--ca-store", "file://" + abs("hashed")}, leaf...)},
		{"hashed directory CRL", []string{"--ca-store", "hashed", "--untrusted", "inter.pem", "--crl-check", "peer", "revoked.pem", "leaf.pem"}},
		{"hashed directory, crl-check all", []string{"--ca-store", "hashed", "--untrusted", "inter.pem", "--crl-check", "all", "leaf.pem"}},
		{"directory without hashed names", append([]string{"--ca-store", "unhashed"}, leaf...)},
		{"directory numbered 7 only", append([]string{"--ca-store", "gap"}, leaf...)},
		{"ca-directory numbered 7 only", append([]string{"--ca-directory", "gap"}, leaf...)},
		{"directory hash in capitals", append([]string{"--ca-store", "upper"}, leaf...)},
		{"certificate in an .rN file", append([]string{"--ca-store", "crl-as-cert"}, leaf...)},
		{"directory with a key file of the hash", append([]string{"--ca-store", "bad-in-dir"}, leaf...)},
		{"empty directory", append([]string{"--ca-store", "empty-dir"}, leaf...)},
		{"ca-file and ca-store", []string{"--ca-file", "inter.pem", "--ca-store", "root-only.pem", "leaf.pem", "direct.pem"}},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			var flags, files []string
			for i := 0; i < len(tc.args); i++ {
				if strings.HasPrefix(tc.args[i], "--") {
					flags = append(flags, tc.args[i], tc.args[i+1])
					i++
				} else {
					files = append(files, tc.args[i])
				}
			}
			oargs := append(opensslVerifyArgs(t, flags), files...)
			want := openssl(t, dir, oargs...)
			want.stderr = dropErrorQueue(want.stderr)
			got := sslstreamIn(t, dir, nil, append([]string{"verify"}, tc.args...)...)
			if want.code != got.code {
				t.Errorf("exit status %d, openssl %d\nopenssl: %s\nours: %s", got.code, want.code, want, got)
			}
			if strings.HasPrefix(want.stderr, "Error loading store URI ") {
				uri := flags[1]
				if !strings.Contains(got.stderr, "ca-store "+uri) || got.stdout != "" {
					t.Errorf("openssl refused the store; we said:\n%s", got)
				}
				return
			}
			if diff := cmp.Diff(want.stdout, got.stdout); diff != "" {
				t.Errorf("stdout differs (-openssl +ours):\n%s", diff)
			}
			if diff := cmp.Diff(want.stderr, got.stderr); diff != "" {
				t.Errorf("stderr differs (-openssl +ours):\n%s", diff)
			}
			if t.Failed() {
				t.Logf("openssl %s", strings.Join(oargs, " "))
			}
		})
	}
}

// opensslHash is the subject hash of a certificate file, as openssl
// computes it.
func opensslHash(t *testing.T, kind, path string) string {
	t.Helper()
	r := openssl(t, "", kind, "-subject_hash", "-noout", "-in", path)
	if r.code != 0 {
		t.Fatalf("openssl %s -subject_hash: %s", kind, r)
	}
	return strings.TrimSpace(r.stdout)
}

// TestCAStoreAgainstSClient runs s_client -CAstore through openssl and
// through sslstream against openssl s_server: the -brief lines (the verify
// outcome among them) and, for a store openssl refuses, the exit status.
func TestCAStoreAgainstSClient(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	dir := t.TempDir()
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(p.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	write := func(name string, parts ...[]byte) string {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, bytes.Join(parts, nil), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	root, key := read("ca.pem"), read("server.key")
	write("ca.pem", root)
	rootHash := opensslHash(t, "x509", filepath.Join(dir, "ca.pem"))
	write("ca-then-key.pem", root, key)
	write("key-then-ca.pem", key, root)
	write("hashed/"+rootHash+".3", root)
	write("unhashed/ca.pem", root)
	base := []string{"s_client", "-connect", "127.0.0.1:" + port, "-servername", "server.example", "-brief", "-verify", "1", "-ciphersuites", "TLS_AES_128_GCM_SHA256"}
	for _, uri := range []string{
		"ca.pem", "file://" + filepath.Join(dir, "ca.pem"), "file://localhost" + filepath.Join(dir, "ca.pem"),
		"ca-then-key.pem", "key-then-ca.pem", "hashed", "file:" + filepath.Join(dir, "hashed"), "unhashed",
		"missing.pem", "file:ca.pem", "http://127.0.0.1:9/ca.pem",
	} {
		args := append(append([]string{}, base...), "-CAstore", uri)
		want := opensslIn(t, dir, "", append(args, "-no-CAfile", "-no-CApath")...)
		got := sslstreamIn(t, dir, strings.NewReader(""), args...)
		if want.code != 0 {
			if got.code == 0 || !strings.Contains(got.stderr, uri) {
				t.Errorf("-CAstore %s: openssl refused it (exit %d); we said\n%s", uri, want.code, got)
			}
			continue
		}
		if got.code != 0 {
			t.Errorf("-CAstore %s: exit %d\n%s", uri, got.code, got)
		}
		t.Logf("-CAstore %s: openssl %q", uri, briefLines(want.stderr))
		if diff := cmp.Diff(briefLines(want.stderr), briefLines(got.stderr)); diff != "" {
			t.Errorf("-CAstore %s: -brief lines differ (-openssl +sslstream):\n%s", uri, diff)
		}
	}
}
