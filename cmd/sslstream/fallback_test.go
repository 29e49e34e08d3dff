package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fallbackPKI makes, with openssl, certificates crypto/x509 refuses or
// cannot verify: EC keys with explicit parameters, RSASSA-PSS signatures
// with other parameters than crypto/x509 knows, RSA-PSS keys, RSA keys
// below 1024 bits, SM2 (when this openssl has it) and malformed
// certificate policies. It returns the directory and whether SM2 was made.
func fallbackPKI(t *testing.T) (string, bool) {
	t.Helper()
	dir := t.TempDir()
	ext := `[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
[leaf]
basicConstraints=CA:FALSE
[badpolicy]
basicConstraints=CA:FALSE
2.5.29.32=DER:3003020101
`
	if err := os.WriteFile(filepath.Join(dir, "ext.cnf"), []byte(ext), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) {
		t.Helper()
		wantCode(t, openssl(t, dir, args...), 0)
	}
	key := func(name string, args ...string) {
		t.Helper()
		run(append([]string{"genpkey", "-out", name + ".key"}, args...)...)
	}
	ec := []string{"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1"}
	root := func(name string) {
		t.Helper()
		run("req", "-x509", "-new", "-key", name+".key", "-subj", "/CN="+name, "-days", "30",
			"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", name+".pem")
	}
	serial := 0
	issue := func(name, ca, section string, opts ...string) {
		t.Helper()
		run("req", "-new", "-key", name+".key", "-subj", "/CN="+name, "-out", name+".csr")
		serial++
		run(append([]string{"x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
			"-set_serial", strings.Repeat("1", serial), "-days", "10", "-extfile", "ext.cnf", "-extensions", section, "-out", name + ".pem"}, opts...)...)
	}
	key("ecroot", ec...)
	root("ecroot")
	key("rsaroot", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
	root("rsaroot")
	run("ecparam", "-name", "prime256v1", "-param_enc", "explicit", "-genkey", "-out", "exp.key")
	issue("exp", "ecroot", "leaf")
	run("x509", "-in", "exp.pem", "-outform", "DER", "-out", "exp.der")
	run("ecparam", "-name", "prime256v1", "-param_enc", "explicit", "-genkey", "-out", "expca.key")
	issue("expca", "ecroot", "ca")
	key("underexp", ec...)
	issue("underexp", "expca", "leaf")
	run("ecparam", "-name", "prime256v1", "-param_enc", "explicit", "-genkey", "-out", "exproot.key")
	root("exproot")
	run("x509", "-in", "exproot.pem", "-outform", "DER", "-out", "exproot.der")
	key("underexproot", ec...)
	issue("underexproot", "exproot", "leaf")
	key("psssha1", ec...)
	issue("psssha1", "rsaroot", "leaf", "-sha1", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:20")
	key("pssmgf", ec...)
	issue("pssmgf", "rsaroot", "leaf", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_mgf1_md:sha512")
	key("pssroot", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048")
	root("pssroot")
	key("underpss", ec...)
	issue("underpss", "pssroot", "leaf")
	key("rsa512root", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512")
	root("rsa512root")
	key("under512", ec...)
	issue("under512", "rsa512root", "leaf")
	key("badpol", ec...)
	issue("badpol", "ecroot", "badpolicy")
	key("negserial", ec...)
	run("req", "-new", "-key", "negserial.key", "-subj", "/CN=negserial", "-out", "negserial.csr")
	run("x509", "-req", "-in", "negserial.csr", "-CA", "ecroot.pem", "-CAkey", "ecroot.key",
		"-set_serial", "-5", "-days", "10", "-extfile", "ext.cnf", "-extensions", "leaf", "-out", "negserial.pem")
	sm2 := openssl(t, dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", "sm2root.key").code == 0
	if sm2 {
		root("sm2root")
		key("undersm2", ec...)
		issue("undersm2", "sm2root", "leaf")
	}
	cadir := filepath.Join(dir, "cadir")
	if err := os.Mkdir(cadir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"exproot", "pssroot", "sm2root", "rsa512root"} {
		data, err := os.ReadFile(filepath.Join(dir, name+".pem"))
		if err != nil {
			continue // no SM2
		}
		if err := os.WriteFile(filepath.Join(cadir, name+".pem"), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	run("rehash", cadir)
	return dir, sm2
}

// TestVerifyFallbackAgainstOpenSSL runs `sslstream verify` and `openssl
// verify` on certificates crypto/x509 refuses or cannot verify, given as
// the certificate to verify, in a CA file, in a hashed CA directory, as
// untrusted certificates and as --trusted, and compares stdout, stderr and
// the exit status exactly.
func TestVerifyFallbackAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	dir, sm2 := fallbackPKI(t)
	cases := []struct {
		name  string
		args  []string
		files []string
	}{
		{"explicit leaf", []string{"--ca-file", "ecroot.pem"}, []string{"exp.pem"}},
		{"explicit leaf DER", []string{"--ca-file", "ecroot.pem"}, []string{"exp.der"}},
		{"explicit intermediate untrusted", []string{"--ca-file", "ecroot.pem", "--untrusted", "expca.pem"}, []string{"underexp.pem"}},
		{"explicit intermediate trusted partial", []string{"--ca-file", "expca.pem", "--partial-chain"}, []string{"underexp.pem"}},
		{"explicit root ca-file", []string{"--ca-file", "exproot.pem"}, []string{"underexproot.pem", "exproot.pem"}},
		{"explicit root trusted", []string{"--trusted", "exproot.pem"}, []string{"underexproot.pem"}},
		{"explicit root check-ss-sig", []string{"--ca-file", "exproot.pem", "--check-ss-sig"}, []string{"exproot.pem"}},
		{"ca-directory", []string{"--ca-directory", "cadir"}, []string{"underexproot.pem", "underpss.pem", "under512.pem", "exp.pem"}},
		{"ca-store directory", []string{"--ca-store", "cadir"}, []string{"underexproot.pem", "underpss.pem", "under512.pem", "exp.pem"}},
		{"ca-store file", []string{"--ca-store", "exproot.pem"}, []string{"underexproot.pem"}},
		{"ca-store DER file", []string{"--ca-store", "exproot.der"}, []string{"underexproot.pem"}},
		{"PSS SHA-1", []string{"--ca-file", "rsaroot.pem"}, []string{"psssha1.pem", "pssmgf.pem"}},
		{"PSS SHA-1 auth-level 1", []string{"--ca-file", "rsaroot.pem", "--auth-level", "1"}, []string{"psssha1.pem", "pssmgf.pem"}},
		{"PSS key root", []string{"--ca-file", "pssroot.pem", "--auth-level", "2"}, []string{"underpss.pem", "pssroot.pem"}},
		{"RSA-512 root", []string{"--ca-file", "rsa512root.pem"}, []string{"under512.pem"}},
		{"RSA-512 root auth-level 0", []string{"--ca-file", "rsa512root.pem", "--auth-level", "0"}, []string{"under512.pem"}},
		{"RSA-512 root auth-level 1", []string{"--ca-file", "rsa512root.pem", "--auth-level", "1"}, []string{"under512.pem"}},
		{"malformed policies", []string{"--ca-file", "ecroot.pem"}, []string{"badpol.pem"}},
		{"negative serial", []string{"--ca-file", "ecroot.pem"}, []string{"negserial.pem"}},
		{"malformed policies as CA", []string{"--ca-file", "badpol.pem", "--partial-chain"}, []string{"badpol.pem"}},
	}
	if sm2 {
		cases = append(cases, struct {
			name  string
			args  []string
			files []string
		}{"SM2 root", []string{"--ca-file", "sm2root.pem", "--check-ss-sig"}, []string{"undersm2.pem", "sm2root.pem"}},
			struct {
				name  string
				args  []string
				files []string
			}{"SM2 ca-directory", []string{"--ca-directory", "cadir"}, []string{"undersm2.pem"}},
			struct {
				name  string
				args  []string
				files []string
			}{"SM2 ca-store", []string{"--ca-store", "cadir"}, []string{"undersm2.pem"}})
	}
	for _, vc := range cases {
		t.Run(strings.ReplaceAll(vc.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			oargs := append(opensslVerifyArgs(t, vc.args), vc.files...)
			want := openssl(t, dir, oargs...)
			want.stderr = dropErrorQueue(want.stderr)
			got := sslstreamIn(t, dir, nil, append(append([]string{"verify"}, vc.args...), vc.files...)...)
			if want.stdout != got.stdout || want.stderr != got.stderr || want.code != got.code {
				t.Errorf("differs from openssl %s:\nopenssl: %s\nours: %s", strings.Join(oargs, " "), want, got)
			}
		})
	}
	t.Logf("%d differential cases (SM2: %v)", len(cases), sm2)
}

// TestX509FallbackAgainstOpenSSL: `sslstream x509` shows the names, serial
// and dates of certificates crypto/x509 refuses as openssl x509 does.
func TestX509FallbackAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	dir, sm2 := fallbackPKI(t)
	files := []string{"exp.pem", "exp.der", "exproot.pem", "badpol.pem", "negserial.pem", "pssroot.pem", "under512.pem"}
	if sm2 {
		files = append(files, "sm2root.pem")
	}
	for _, f := range files {
		args := []string{"x509", "-in", f, "-noout", "-subject", "-issuer", "-serial", "-dates", "-fingerprint"}
		if strings.HasSuffix(f, ".der") {
			args = append(args, "-inform", "DER")
		}
		want := openssl(t, dir, args...)
		got := sslstreamIn(t, dir, nil, args...)
		if want.stdout != got.stdout || want.code != got.code {
			t.Errorf("x509 %s differs from openssl:\nopenssl: %s\nours: %s", f, want, got)
		}
	}
}
