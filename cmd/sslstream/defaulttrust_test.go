package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestClientDefaultTrustMatchesSClient: with no CA flag, `sslstream client`
// trusts what `openssl s_client` trusts in the same environment: the file
// named by SSL_CERT_FILE, the hashed directory named by SSL_CERT_DIR, or
// neither (--no-ca-default, s_client's -no-CAfile -no-CApath -no-CAstore).
func TestClientDefaultTrustMatchesSClient(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	hashed := t.TempDir()
	ca, err := os.ReadFile(p.path("ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hashed, "root.pem"), ca, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := ss(t, "rehash", hashed); r.code != 0 {
		t.Fatalf("rehash: %s", r)
	}
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	codeRE := regexp.MustCompile(`Verify return code: (\d+ \([^)]*\))`)
	for _, tc := range []struct {
		name      string
		env       []string
		ourFlags  []string
		sclient   []string
		wantCode  string
		wantTrust string
	}{
		{"SSL_CERT_FILE", []string{"SSL_CERT_FILE=" + p.path("ca.pem"), "SSL_CERT_DIR=" + t.TempDir()}, nil, nil, "0 (ok)", "ca-default file"},
		{"SSL_CERT_DIR", []string{"SSL_CERT_FILE=" + filepath.Join(hashed, "none.pem"), "SSL_CERT_DIR=" + hashed}, nil, nil, "0 (ok)", "ca-default directory"},
		{"other CA in SSL_CERT_FILE", []string{"SSL_CERT_FILE=" + p.path("client-ca.pem"), "SSL_CERT_DIR=" + t.TempDir()}, nil, nil, "", ""},
		{"no-ca-default", []string{"SSL_CERT_FILE=" + p.path("ca.pem")}, []string{"--no-ca-default"}, []string{"-no-CAfile", "-no-CApath", "-no-CAstore"}, "", ""},
	} {
		oargs := append([]string{"s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost"}, tc.sclient...)
		want := runIn(t, p.dir, tc.env, strings.NewReader("Q\n"), 30*time.Second, "openssl", oargs...)
		m := codeRE.FindStringSubmatch(want.stdout)
		if m == nil {
			t.Fatalf("%s: no verify code from s_client:\n%s", tc.name, want)
		}
		if tc.wantCode != "" && m[1] != tc.wantCode {
			t.Fatalf("%s: s_client says %q, the test expects %q:\n%s", tc.name, m[1], tc.wantCode, want)
		}
		args := append([]string{"client", "127.0.0.1:" + port, "--server-name", "localhost", "--verify", "none"}, tc.ourFlags...)
		got := ssEnv(t, p.dir, tc.env, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), args...)
		wantCode(t, got, 0)
		if g := summary(got.stderr)["Verify return code"]; g != m[1] {
			t.Errorf("%s: Verify return code %q, s_client says %q\n%s", tc.name, g, m[1], got)
		}
		// Under verify required the outcome decides the exit status.
		args[len(args)-len(tc.ourFlags)-1] = "required"
		got = ssEnv(t, p.dir, tc.env, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), args...)
		if ok := m[1] == "0 (ok)"; ok != (got.code == 0) {
			t.Errorf("%s: verify required: exit %d, s_client's verify result %s\n%s", tc.name, got.code, m[1], got)
		}
	}
}

// TestVerifyDefaultTrustMatchesOpenSSL: `sslstream verify` without a CA
// flag uses OpenSSL's default verify paths as `openssl verify` does, from
// SSL_CERT_FILE and SSL_CERT_DIR.
func TestVerifyDefaultTrustMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	hashed := t.TempDir()
	ca, err := os.ReadFile(p.path("ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hashed, "root.pem"), ca, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := ss(t, "rehash", hashed); r.code != 0 {
		t.Fatalf("rehash: %s", r)
	}
	empty := t.TempDir()
	for _, env := range [][]string{
		{"SSL_CERT_FILE=" + p.path("ca.pem"), "SSL_CERT_DIR=" + empty},
		{"SSL_CERT_FILE=" + filepath.Join(empty, "none.pem"), "SSL_CERT_DIR=" + hashed},
		{"SSL_CERT_FILE=" + p.path("client-ca.pem"), "SSL_CERT_DIR=" + empty},
	} {
		args := []string{"verify", "-untrusted", "inter.pem", "server.pem"}
		want := runIn(t, p.dir, env, nil, 30*time.Second, "openssl", args...)
		got := ssEnv(t, p.dir, env, nil, args...)
		if got.code != want.code || got.stdout != want.stdout || got.stderr != want.stderr {
			t.Errorf("env %v:\nopenssl exit %d\n%s%s\nours exit %d\n%s%s", env, want.code, want.stdout, want.stderr, got.code, got.stdout, got.stderr)
		}
	}
}
