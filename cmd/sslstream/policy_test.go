package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// policyFiles writes, with openssl, a root and chains whose CAs carry
// certificate policies: name -> [leaf file, untrusted file].
func policyFiles(t *testing.T, dir string) map[string][2]string {
	t.Helper()
	run := func(args ...string) {
		t.Helper()
		if r := openssl(t, dir, args...); r.code != 0 {
			t.Fatalf("openssl %s: %s", strings.Join(args, " "), r)
		}
	}
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{"root", "ca1", "ca2", "ca3", "ca4", "leaf"} {
		run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", s+".key")
		run("req", "-new", "-key", s+".key", "-subj", "/CN=Policy "+s, "-out", s+".csr")
	}
	const ca = "basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n"
	serial := 100
	issue := func(out, subject, issuer, ext string) {
		t.Helper()
		serial++
		write(out+".ext", ext)
		args := []string{"x509", "-req", "-in", subject + ".csr", "-days", "30", "-set_serial", fmt.Sprint(serial), "-extfile", out + ".ext", "-out", out + ".pem"}
		if issuer == "" {
			args = append(args, "-key", subject+".key")
		} else {
			args = append(args, "-CA", issuer+".pem", "-CAkey", strings.TrimSuffix(issuer, "-x")+".key")
		}
		run(args...)
	}
	issue("root", "root", "", ca)
	out := map[string][2]string{}
	chain := func(name, leafExt string, caExts ...string) {
		t.Helper()
		issuer := "root"
		var untrusted []byte
		for i, ext := range caExts {
			s := fmt.Sprintf("ca%d", i+1)
			f := name + "-" + s
			issue(f, s, issuer, ca+ext)
			// The next certificate is signed with s's key.
			data, err := os.ReadFile(filepath.Join(dir, f+".pem"))
			if err != nil {
				t.Fatal(err)
			}
			write(s+".pem", string(data))
			untrusted = append(data, untrusted...)
			issuer = s
		}
		issue(name+"-leaf", "leaf", issuer, leafExt)
		write(name+"-untrusted.pem", string(untrusted))
		out[name] = [2]string{name + "-leaf.pem", name + "-untrusted.pem"}
	}
	p1, p2 := "1.3.6.1.4.1.55555.1", "1.3.6.1.4.1.55555.2"
	chain("p1", "certificatePolicies="+p1+"\n", "certificatePolicies="+p1+","+p2+"\n")
	chain("quals", "certificatePolicies="+p1+"\n", "certificatePolicies=critical,@pq,2.5.29.32.0\n[pq]\npolicyIdentifier="+p2+
		"\nCPS.1=http://cps.example/\nuserNotice.1=@un\n[un]\nexplicitText=Hello\norganization=Org\nnoticeNumbers=1,2\n")
	chain("badpc", "certificatePolicies="+p1+"\npolicyConstraints=DER:3000\n", "certificatePolicies="+p1+"\npolicyConstraints=DER:3000\n")
	chain("req0", "", "certificatePolicies="+p1+"\npolicyConstraints=requireExplicitPolicy:0\n")
	var mesh []string
	var maps []string
	for i := 1; i <= 5; i++ {
		mesh = append(mesh, fmt.Sprintf("1.3.6.1.4.1.55555.%d", i))
		for j := 1; j <= 5; j++ {
			maps = append(maps, fmt.Sprintf("1.3.6.1.4.1.55555.%d:1.3.6.1.4.1.55555.%d", i, j))
		}
	}
	m := "certificatePolicies=" + strings.Join(mesh, ",") + "\npolicyMappings=" + strings.Join(maps, ",") + "\n"
	chain("mesh", "certificatePolicies="+strings.Join(mesh, ",")+"\n", m, m, m, m)
	return out
}

// TestVerifyPolicyAgainstOpenSSL runs openssl verify and sslstream verify
// (with sslstream's flags, and with openssl's spellings) on chains with
// certificate policies and compares stdout, stderr (the policy tree
// printed after error 43 and by -policy_print included) and the exit
// status exactly.
func TestVerifyPolicyAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	dir := t.TempDir()
	files := policyFiles(t, dir)
	p1, p2, p3 := "1.3.6.1.4.1.55555.1", "1.3.6.1.4.1.55555.2", "1.3.6.1.4.1.55555.3"
	cases := []struct {
		chain  string
		ours   []string
		theirs []string
	}{
		{"p1", []string{"--policy-check"}, []string{"-policy_check"}},
		{"p1", []string{"--explicit-policy", "--policy", p1, "--policy-print"}, []string{"-explicit_policy", "-policy", p1, "-policy_print"}},
		{"p1", []string{"--explicit-policy", "--policy", p3}, []string{"-explicit_policy", "-policy", p3}},
		{"p1", []string{"--explicit-policy", "--policy", p3 + "," + p2}, []string{"-explicit_policy", "-policy", p3, "-policy", p2}},
		{"p1", []string{"--explicit-policy", "--attime", "4102444800"}, []string{"-explicit_policy", "-attime", "4102444800"}},
		{"quals", []string{"--explicit-policy", "--policy", p3}, []string{"-explicit_policy", "-policy", p3}},
		{"quals", []string{"--explicit-policy", "--policy", p2, "--policy-print"}, []string{"-explicit_policy", "-policy", p2, "-policy_print"}},
		{"quals", []string{"--inhibit-any", "--explicit-policy", "--policy", "anyPolicy"}, []string{"-inhibit_any", "-explicit_policy", "-policy", "anyPolicy"}},
		{"badpc", []string{}, []string{}},
		{"badpc", []string{"--policy-check"}, []string{"-policy_check"}},
		{"badpc", []string{"--inhibit-map"}, []string{"-inhibit_map"}},
		{"req0", []string{"--policy-check", "--policy-print"}, []string{"-policy_check", "-policy_print"}},
		{"req0", []string{"--policy-print"}, []string{"-policy_print"}},
		{"mesh", []string{"--policy-check"}, []string{"-policy_check"}},
		{"mesh", []string{}, []string{}},
	}
	for i, c := range cases {
		c := c
		t.Run(fmt.Sprintf("%d_%s_%s", i, c.chain, strings.Join(c.theirs, "")), func(t *testing.T) {
			t.Parallel()
			leaf, untrusted := files[c.chain][0], files[c.chain][1]
			oargs := append(append([]string{"verify", "-CAfile", "root.pem", "-no-CApath", "-no-CAstore", "-untrusted", untrusted}, c.theirs...), leaf)
			want := openssl(t, dir, oargs...)
			want.stderr = dropErrorQueue(want.stderr)
			for _, args := range [][]string{
				append(append([]string{"verify", "--ca-file", "root.pem", "--untrusted", untrusted}, c.ours...), leaf),
				oargs,
			} {
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
		})
	}
}

// TestVerifyPolicyUsage: a --policy that is not an OID is a usage error
// naming it.
func TestVerifyPolicyUsage(t *testing.T) {
	t.Parallel()
	r := sslstreamIn(t, "", nil, "verify", "--policy", "1.2.x", "leaf.pem")
	if r.code != 1 || !strings.Contains(r.stderr, `policy "1.2.x"`) {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
