package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// makeProxyFiles writes, with openssl, a root, a CA, an end entity and
// RFC 3820 proxy certificates below it into dir.
func makeProxyFiles(t *testing.T, dir string) {
	t.Helper()
	serial := 1
	issue := func(name, subj, issuer string, exts ...string) {
		t.Helper()
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		cfg := "[req]\ndistinguished_name = dn\n[dn]\n[ext]\n" + strings.Join(exts, "\n") + "\n"
		for f, data := range map[string][]byte{
			name + ".key": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
			name + ".cnf": []byte(cfg),
		} {
			if err := os.WriteFile(filepath.Join(dir, f), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		serial++
		args := []string{"req", "-x509", "-new", "-key", name + ".key", "-subj", subj, "-config", name + ".cnf",
			"-extensions", "ext", "-days", "2", "-set_serial", strconv.Itoa(serial), "-out", name + ".pem"}
		if issuer != "" {
			args = append(args, "-CA", issuer+".pem", "-CAkey", issuer+".key")
		}
		if r := openssl(t, dir, args...); r.code != 0 {
			t.Fatalf("openssl %s: %s", strings.Join(args, " "), r.stderr)
		}
	}
	ca := []string{"basicConstraints = critical,CA:TRUE", "keyUsage = critical,keyCertSign,cRLSign", "subjectKeyIdentifier = hash"}
	proxy := func(pci string) []string {
		return []string{"keyUsage = critical,digitalSignature", "authorityKeyIdentifier = keyid", "proxyCertInfo = critical," + pci}
	}
	issue("root", "/O=Proxy Test/CN=Root", "", ca...)
	issue("ca", "/O=Proxy Test/CN=CA", "root", append(ca, "authorityKeyIdentifier = keyid")...)
	issue("ee", "/O=Proxy Test/CN=User", "ca", "basicConstraints = critical,CA:FALSE",
		"keyUsage = critical,digitalSignature", "extendedKeyUsage = clientAuth", "authorityKeyIdentifier = keyid")
	issue("proxy", "/O=Proxy Test/CN=User/CN=proxy", "ee", proxy("language:id-ppl-inheritAll")...)
	issue("badname", "/O=Proxy Test/CN=User/OU=proxy", "ee", proxy("language:id-ppl-independent")...)
	issue("p1", "/O=Proxy Test/CN=User/CN=p1", "ee", proxy("language:id-ppl-inheritAll,pathlen:0")...)
	issue("p2", "/O=Proxy Test/CN=User/CN=p1/CN=p2", "p1", proxy("language:id-ppl-anyLanguage,policy:text:x")...)
	var bundle []byte
	for _, f := range []string{"ca.pem", "ee.pem", "p1.pem"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		bundle = append(bundle, b...)
	}
	if err := os.WriteFile(filepath.Join(dir, "chain.pem"), bundle, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyProxyCertsAgainstOpenSSL compares `sslstream verify` with
// `openssl verify` on proxy certificates, with and without
// --allow-proxy-certs and with its OpenSSL spelling: stdout, stderr and
// exit status.
func TestVerifyProxyCertsAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	dir, err := os.MkdirTemp(testDir, "proxy-")
	if err != nil {
		t.Fatal(err)
	}
	makeProxyFiles(t, dir)
	files := []string{"ee.pem", "proxy.pem", "badname.pem", "p2.pem"}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"refused", []string{"--ca-file", "root.pem", "--untrusted", "chain.pem"}},
		{"allowed", []string{"--ca-file", "root.pem", "--untrusted", "chain.pem", "--allow-proxy-certs"}},
		{"allowed sslclient", []string{"--ca-file", "root.pem", "--untrusted", "chain.pem", "--allow-proxy-certs", "--purpose", "sslclient"}},
		{"allowed sslserver", []string{"--ca-file", "root.pem", "--untrusted", "chain.pem", "--allow-proxy-certs", "--purpose", "sslserver"}},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			oargs := append(opensslVerifyArgs(t, tc.args), files...)
			want := openssl(t, dir, oargs...)
			want.stderr = dropErrorQueue(want.stderr)
			ours := [][]string{append(append([]string{"verify"}, tc.args...), files...)}
			// The OpenSSL spelling of the flag.
			for i, a := range tc.args {
				if a == "--allow-proxy-certs" {
					spelled := append(append(append([]string{"verify"}, tc.args[:i]...), "-allow_proxy_certs"), tc.args[i+1:]...)
					ours = append(ours, append(spelled, files...))
				}
			}
			for _, args := range ours {
				got := sslstreamIn(t, dir, nil, args...)
				if diff := cmp.Diff(want.stdout, got.stdout); diff != "" {
					t.Errorf("%v: stdout differs (-openssl +ours):\n%s", args, diff)
				}
				if diff := cmp.Diff(want.stderr, got.stderr); diff != "" {
					t.Errorf("%v: stderr differs (-openssl +ours):\n%s", args, diff)
				}
				if want.code != got.code {
					t.Errorf("%v: exit status %d, openssl %d", args, got.code, want.code)
				}
			}
			// Every case has a file that fails (badname.pem: 72 when allowed).
			if !strings.Contains(want.stderr, "error ") {
				t.Errorf("openssl found no error:\n%s", want.stderr)
			}
			t.Logf("openssl %s:\n%s%s", strings.Join(oargs, " "), want.stdout, want.stderr)
		})
	}
}
