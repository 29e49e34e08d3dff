package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestVerifyNameConstraintsAgainstOpenSSL makes chains with openssl's own
// nameConstraints and subjectAltName syntax (otherName, email, URI, IP,
// dirName, RID) and compares sslstream verify with openssl verify on them:
// stdout, stderr and exit status.
func TestVerifyNameConstraintsAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	const smtp, upn = "otherName:1.3.6.1.5.5.7.8.9;UTF8:", "otherName:1.3.6.1.4.1.311.20.2.3;UTF8:"
	cases := []struct {
		name                  string
		rootNC, interNC       string // nameConstraints values ("" none)
		interSubject, subject string // "" for the defaults
		san                   string // subjectAltName value ("" none)
	}{
		{name: "SmtpUTF8 SAN, SmtpUTF8 constraint ignored", interNC: "permitted;" + smtp + "example.org", san: smtp + "u@example.com"},
		{name: "SmtpUTF8 SAN, email constraint ok", interNC: "permitted;email:example.com", san: smtp + "u@example.com"},
		{name: "SmtpUTF8 SAN, email constraint violated", interNC: "permitted;email:example.com", san: smtp + "u@example.org"},
		{name: "SmtpUTF8 SAN, excluded", interNC: "excluded;email:example.com", san: smtp + "u@example.com"},
		{name: "SmtpUTF8 SAN, dotted email constraint", interNC: "permitted;email:.example.com", san: smtp + "u@a.example.com"},
		{name: "UPN constraint and SAN", interNC: "permitted;" + upn + "a@example.com", san: upn + "a@example.com"},
		{name: "UPN excluded, DNS SAN", interNC: "excluded;" + upn + "a@example.com", san: "DNS:leaf.example.com"},
		{name: "email excluded subdomain", interNC: "excluded;email:.example.com", san: "email:u@a.example.com"},
		{name: "email mailbox constraint", interNC: "permitted;email:u@example.com", san: "email:v@example.com"},
		{name: "URI without host", interNC: "permitted;URI:example.com", san: "URI:urn:isbn:1"},
		{name: "URI host ok", interNC: "permitted;URI:.example.com", san: "URI:https://a.example.com:8443/x"},
		{name: "IPv4 violated", interNC: "permitted;IP:10.0.0.0/255.0.0.0", san: "IP:192.0.2.1"},
		{name: "IPv6 constraint, IPv4 SAN", interNC: "permitted;IP:2001:db8::/ffff:ffff::", san: "IP:10.1.2.3"},
		{name: "IP excluded", interNC: "excluded;IP:10.0.0.0/255.0.0.0", san: "IP:10.1.2.3"},
		{name: "dirName subject violated", interNC: "permitted;dirName:dir_sect", subject: "/O=Other/CN=leaf.example.com"},
		{name: "dirName subject ok, SAN violated", interNC: "permitted;dirName:dir_sect", subject: "/O=Test/CN=leaf.example.com", san: "dirName:other_sect"},
		{name: "RID constraint", interNC: "permitted;RID:1.2.3.4", san: "RID:1.2.3.4"},
		{name: "CN checked without DNS SAN", interNC: "permitted;DNS:example.com", subject: "/CN=a.example.org", san: "email:u@example.org"},
		{name: "CN not checked with DNS SAN", interNC: "permitted;DNS:example.com", subject: "/CN=a.example.org", san: "DNS:a.example.com"},
		{name: "subject emailAddress violated", interNC: "permitted;email:example.com", subject: "/CN=leaf/emailAddress=u@example.org"},
		{name: "root constrains the intermediate", rootNC: "permitted;dirName:dir_sect", interSubject: "/O=Other/CN=NC Intermediate", subject: "/O=Test/CN=leaf.example.com"},
		{name: "root constrains the leaf", rootNC: "permitted;DNS:example.org", san: "DNS:leaf.example.com"},
		{name: "all forms at once", interNC: "permitted;" + smtp + "example.com,permitted;email:example.com,permitted;URI:.example.com,permitted;IP:10.0.0.0/255.0.0.0,permitted;DNS:example.com,excluded;" + upn + "bad@example.com",
			san: smtp + "u@example.com,email:u@example.com,URI:https://a.example.com/,IP:10.1.2.3,DNS:a.example.com"},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			ext := func(name, nc string, ca bool) string {
				var b strings.Builder
				b.WriteString("[" + name + "]\n")
				if ca {
					b.WriteString("basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n")
				} else {
					b.WriteString("basicConstraints=CA:false\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n")
				}
				if nc != "" && ca {
					b.WriteString("nameConstraints=critical," + nc + "\n")
				}
				if nc != "" && !ca {
					b.WriteString("subjectAltName=" + nc + "\n")
				}
				return b.String()
			}
			cnf := ext("root_ext", tc.rootNC, true) + ext("ca_ext", tc.interNC, true) + ext("leaf_ext", tc.san, false) +
				"[dir_sect]\nO=Test\n[other_sect]\nO=Other\n"
			if err := os.WriteFile(filepath.Join(dir, "ext.cnf"), []byte(cnf), 0o600); err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) {
				t.Helper()
				if r := openssl(t, dir, args...); r.code != 0 {
					t.Fatalf("openssl %s: %s", strings.Join(args, " "), r)
				}
			}
			csr := func(name, subject string) {
				run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
					"-keyout", name+".key", "-out", name+".csr", "-subj", subject)
			}
			interSubject, subject := tc.interSubject, tc.subject
			if interSubject == "" {
				interSubject = "/CN=NC Intermediate"
			}
			if subject == "" {
				subject = "/CN=leaf.example.com"
			}
			csr("root", "/CN=NC Root")
			run("x509", "-req", "-in", "root.csr", "-signkey", "root.key", "-out", "root.pem", "-days", "2",
				"-set_serial", "1", "-extfile", "ext.cnf", "-extensions", "root_ext")
			csr("inter", interSubject)
			run("x509", "-req", "-in", "inter.csr", "-CA", "root.pem", "-CAkey", "root.key", "-out", "inter.pem", "-days", "2",
				"-set_serial", "2", "-extfile", "ext.cnf", "-extensions", "ca_ext")
			csr("leaf", subject)
			run("x509", "-req", "-in", "leaf.csr", "-CA", "inter.pem", "-CAkey", "inter.key", "-out", "leaf.pem", "-days", "1",
				"-set_serial", "3", "-extfile", "ext.cnf", "-extensions", "leaf_ext")
			flags := []string{"--ca-file", "root.pem", "--untrusted", "inter.pem"}
			want := openssl(t, dir, append(opensslVerifyArgs(t, flags), "leaf.pem")...)
			want.stderr = dropErrorQueue(want.stderr)
			got := sslstreamIn(t, dir, nil, append(append([]string{"verify"}, flags...), "leaf.pem")...)
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("differs from openssl verify (-openssl +ours):\n%s", diff)
			}
			t.Logf("openssl: %s", want)
		})
	}
}
