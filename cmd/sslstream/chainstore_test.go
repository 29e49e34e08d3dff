package main

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The chain and verify stores and -build_chain on the command line: the
// OpenSSL spellings (-chainCAfile, -chainCApath, -chainCAstore,
// -verifyCAfile, -verifyCApath, -verifyCAstore, -build_chain) against
// openssl s_server and s_client on the same command lines.

// TestChainStoreSpellings: each OpenSSL spelling is its sslstream flag.
func TestChainStoreSpellings(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"client", "server"} {
		got, notes, err := translateOpenSSL(cmd, []string{
			"-chainCAfile", "c.pem", "-chainCApath", "cdir", "-chainCAstore", "file:///c",
			"-verifyCAfile", "v.pem", "-verifyCApath", "vdir", "-verifyCAstore", "file:///v", "-build_chain",
		}, flagSetOf(t, cmd))
		if err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		want := []string{"--chain-ca-file=c.pem", "--chain-ca-directory=cdir", "--chain-ca-store=file:///c",
			"--verify-ca-file=v.pem", "--verify-ca-directory=vdir", "--verify-ca-store=file:///v", "--build-chain=true"}
		if diff := cmp.Diff(want, got); diff != "" || len(notes) != 0 {
			t.Errorf("%s (-want +got):\n%s\nnotes %q", cmd, diff, notes)
		}
	}
}

// leafOnly writes the first certificate of the PEM file src (the leaf)
// to dir/name.
func leafOnly(t *testing.T, src, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatalf("%s: no PEM block", src)
	}
	out := filepath.Join(dir, name)
	if err := os.WriteFile(out, pem.EncodeToMemory(b), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

var sentSubjectRE = regexp.MustCompile(`(?m)^ *\d+ s:.*$`)

// TestBuildChainAgainstSServer: `s_server -build_chain` with a leaf-only
// certificate sends the chain built from -chainCAfile, root included, and
// refuses to start (exit 1) when no verified chain can be built, naming
// the certificate and the verify error, as openssl s_server does.
func TestBuildChainAgainstSServer(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getNetPKI(t)
	dir := t.TempDir()
	leaf := leafOnly(t, p.path("server.pem"), dir, "leaf.pem")
	inter, _ := os.ReadFile(p.path("inter.pem"))
	root, _ := os.ReadFile(p.path("ca.pem"))
	bundle := filepath.Join(dir, "bundle.pem")
	if err := os.WriteFile(bundle, append(inter, root...), 0o644); err != nil {
		t.Fatal(err)
	}
	flags := []string{"-cert", leaf, "-key", p.path("server.key"), "-CAfile", p.path("client-ca.pem"), "-chainCAfile", bundle, "-build_chain"}
	_, theirs := startOpenSSLServer(t, p.dir, append(append([]string{}, flags...), "-www", "-no-CApath", "-no-CAstore")...)
	_, ours := start(t, ourListening, binPath, append(append([]string{"s_server", "-accept", "127.0.0.1:0"}, flags...), "-naccept", "1", "--echo")...)
	sent := func(port string) []string {
		r := opensslIn(t, p.dir, "", "s_client", "-connect", "127.0.0.1:"+port, "-showcerts", "-no-CAfile", "-no-CApath", "-no-CAstore")
		return sentSubjectRE.FindAllString(r.stdout, -1)
	}
	want, got := sent(theirs), sent(ours)
	if len(want) != 3 {
		t.Errorf("s_server -build_chain sent %q, want leaf, intermediate and root", want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("certificates sent (-s_server +sslstream):\n%s", diff)
	}

	// The root alone cannot complete the chain: both refuse to start.
	fail := []string{"s_server", "-accept", "127.0.0.1:0", "-cert", leaf, "-key", p.path("server.key"), "-CAfile", p.path("ca.pem"), "-build_chain"}
	o := opensslIn(t, p.dir, "", append(fail, "-no-CApath", "-no-CAstore")...)
	if o.code != 1 || !strings.Contains(o.stderr, "error building certificate chain") || !strings.Contains(o.stderr, "Verify error:unable to get local issuer certificate") {
		t.Fatalf("openssl s_server -build_chain: %s", o)
	}
	r := sslstreamIn(t, p.dir, strings.NewReader(""), fail...)
	if r.code != 1 {
		t.Errorf("sslstream s_server -build_chain: exit %d, want 1\n%s", r.code, r)
	}
	for _, want := range []string{"build-chain", leaf, "error:0A000086:SSL routines::certificate verify failed", "unable to get local issuer certificate", "ca-file " + p.path("ca.pem")} {
		wantContains(t, "sslstream s_server -build_chain", r.stderr, want)
	}
}

// TestVerifyStoreAgainstSClient runs s_client command lines with
// -verifyCAfile through openssl and through sslstream against openssl
// s_server: the verify store decides, whatever -CAfile trusts.
func TestVerifyStoreAgainstSClient(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	base := []string{"s_client", "-connect", "127.0.0.1:" + port, "-servername", "server.example", "-brief", "-verify_return_error", "-ciphersuites", "TLS_AES_128_GCM_SHA256"}
	for _, tc := range []struct {
		name          string
		args          []string
		code, ourCode int
	}{
		{"verifyCAfile trusts, CAfile does not", []string{"-CAfile", "client-ca.pem", "-verifyCAfile", "ca.pem"}, 0, 0},
		{"verifyCAfile does not trust, CAfile does", []string{"-CAfile", "ca.pem", "-verifyCAfile", "client-ca.pem"}, 1, exitVerifyFail},
		{"chainCAfile does not verify", []string{"-CAfile", "client-ca.pem", "-chainCAfile", "ca.pem"}, 1, exitVerifyFail},
	} {
		compareSClientRuns(t, p.dir, tc.name, append(append([]string{}, base...), tc.args...), tc.code, tc.ourCode)
	}
}
