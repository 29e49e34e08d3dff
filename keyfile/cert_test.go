package keyfile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadCertificatesDifferential builds a CA bundle that mixes
// certificates in all three PEM labels with a key, a CRL and free text, and
// checks that we load the certificates openssl loads, in the same order
// (openssl crl2pkcs7 -certfile reads files with PEM_X509_INFO_read_bio, the
// reader behind -CAfile).
func TestLoadCertificatesDifferential(t *testing.T) {
	t.Parallel()
	p := newPKI(t, "p256")
	dir := p.dir
	crl := filepath.Join(dir, "root.crl")
	// A CRL made by "openssl ca" needs a CA database; a minimal config.
	db := filepath.Join(dir, "index.txt")
	writeFile(t, db, nil)
	cnf := filepath.Join(dir, "ca.cnf")
	writeFile(t, cnf, []byte("[ca]\ndefault_ca=d\n[d]\ndatabase="+db+"\ndefault_md=sha256\ndefault_crl_days=1\n"))
	ossl(t, "ca", "-config", cnf, "-gencrl", "-keyfile", p.rootKey, "-cert", p.root, "-out", crl)

	old := filepath.Join(dir, "old.pem")
	writeFile(t, old, bytes.ReplaceAll(readFile(t, p.intermediate), []byte("CERTIFICATE"), []byte("X509 CERTIFICATE")))
	trusted := filepath.Join(dir, "trusted.pem")
	ossl(t, "x509", "-in", p.root, "-trustout", "-addtrust", "serverAuth", "-out", trusted)
	text := filepath.Join(dir, "text.txt")
	writeFile(t, text, ossl(t, "x509", "-in", p.leaf, "-text")) // text then the PEM
	bundle := cat(t, filepath.Join(dir, "bundle.pem"), p.leafKey, text, crl, old, trusted)
	crlf := filepath.Join(dir, "bundle-crlf.pem")
	writeFile(t, crlf, bytes.ReplaceAll(readFile(t, bundle), []byte("\n"), []byte("\r\n")))

	p7 := filepath.Join(dir, "bundle.p7")
	ossl(t, "crl2pkcs7", "-nocrl", "-certfile", bundle, "-out", p7)
	want := pemCertsFingerprints(t, ossl(t, "pkcs7", "-in", p7, "-print_certs"))
	if len(want) != 3 {
		t.Fatalf("openssl read %d certificates from the bundle, expected 3", len(want))
	}
	for _, f := range []string{bundle, crlf} {
		certs, err := LoadCertificates(f)
		if err != nil {
			t.Fatal(err)
		}
		var got [][32]byte
		for _, c := range certs {
			got = append(got, fingerprint(c))
		}
		if !sameFingerprints(got, want) {
			t.Errorf("%s: got %d certificates, openssl %d (or another order)", f, len(got), len(want))
		}
	}
	// And the bundle works as a CA file for openssl verify.
	if out, err := osslErr("verify", "-CAfile", cat(t, filepath.Join(dir, "cas.pem"), p.root, p.intermediate), p.leaf); err != nil {
		t.Fatalf("openssl verify: %v %s", err, out)
	}
}

func TestLoadCertificatesDER(t *testing.T) {
	t.Parallel()
	p := newPKI(t, "p256")
	a := filepath.Join(p.dir, "a.der")
	b := filepath.Join(p.dir, "b.der")
	ossl(t, "x509", "-in", p.leaf, "-outform", "DER", "-out", a)
	ossl(t, "x509", "-in", p.root, "-outform", "DER", "-out", b)
	certs, err := LoadCertificates(a)
	if err != nil || len(certs) != 1 || certs[0].Subject.CommonName != "leaf" {
		t.Fatalf("DER: %d certs, %v", len(certs), err)
	}
	both := cat(t, filepath.Join(p.dir, "both.der"), a, b)
	certs, err = LoadCertificates(both)
	if err != nil || len(certs) != 2 || certs[1].Subject.CommonName != "root" {
		t.Fatalf("concatenated DER: %d certs, %v", len(certs), err)
	}
}

// TestLoadCertificatesErrors: files openssl refuses as -CAfile are refused
// here, with the file named.
func TestLoadCertificatesErrors(t *testing.T) {
	t.Parallel()
	p := newPKI(t, "p256")
	cert := string(readFile(t, p.leaf))
	lines := strings.Split(cert, "\n")
	cases := []struct {
		name string
		data string
		kind error
		text string
	}{
		{"empty", "", ErrNoCertificate, "empty file"},
		{"key-only", string(readFile(t, p.leafKey)), ErrNoCertificate, "no certificate found (PEM blocks: PRIVATE KEY)"},
		{"garbage", "garbage\x00\x01", nil, "neither PEM nor valid DER"},
		{"truncated", strings.Join(lines[:len(lines)/2], "\n"), nil, "has no END line"},
		{"bad-base64-other-block", cert + "-----BEGIN FOO-----\n@@@\n-----END FOO-----\n", nil, "not valid base64"},
		{"bad-cert-der", cert + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", nil, "invalid certificate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := filepath.Join(t.TempDir(), c.name+".pem")
			writeFile(t, f, []byte(c.data))
			_, err := LoadCertificates(f)
			checkErr(t, err, c.kind, f)
			if !strings.Contains(err.Error(), c.text) {
				t.Errorf("error %q does not say %q", err, c.text)
			}
			if c.name == "empty" {
				return // openssl treats an empty -CAfile differently across versions
			}
			if _, err := osslErr("verify", "-CAfile", f, p.leaf); err == nil {
				t.Errorf("openssl verify accepted -CAfile %s", c.name)
			}
		})
	}
}

// TestCAFileOtherBlocksDifferential: for each kind of non-certificate PEM
// block, well formed and malformed, our CA-file reader accepts the file
// exactly when "openssl verify -CAfile" does.
func TestCAFileOtherBlocksDifferential(t *testing.T) {
	t.Parallel()
	p := newPKI(t, "p256")
	root := string(readFile(t, p.root))
	key := string(readFile(t, p.leafKey))
	enc := filepath.Join(p.dir, "enc.pem")
	ossl(t, "pkey", "-in", p.leafKey, "-aes128", "-passout", "pass:"+testPassword, "-out", enc)
	sec1 := filepath.Join(p.dir, "sec1.pem")
	ossl(t, "ec", "-in", p.leafKey, "-out", sec1)
	legacy := filepath.Join(p.dir, "legacy.pem")
	ossl(t, "ec", "-in", p.leafKey, "-aes128", "-passout", "pass:"+testPassword, "-out", legacy)
	pub := filepath.Join(p.dir, "pub.pem")
	ossl(t, "pkey", "-in", p.leafKey, "-pubout", "-out", pub)
	params := filepath.Join(p.dir, "params.pem")
	ossl(t, "ecparam", "-name", "prime256v1", "-out", params)

	extras := map[string]string{
		"pkcs8":         key,
		"encrypted":     string(readFile(t, enc)),
		"sec1":          string(readFile(t, sec1)),
		"legacy-sec1":   string(readFile(t, legacy)),
		"public":        string(readFile(t, pub)),
		"ec-parameters": string(readFile(t, params)),
	}
	for _, typ := range []string{"PRIVATE KEY", "X509 CRL", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY",
		"FOO", "PUBLIC KEY", "ENCRYPTED PRIVATE KEY", "EC PARAMETERS", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"} {
		extras["bad "+typ] = "-----BEGIN " + typ + "-----\nMAMCAQA=\n-----END " + typ + "-----\n" // SEQUENCE{INTEGER 0}, 5 bytes
		extras["junk "+typ] = "-----BEGIN " + typ + "-----\nAAAA\n-----END " + typ + "-----\n"
	}
	for name, extra := range extras {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := filepath.Join(t.TempDir(), "ca.pem")
			writeFile(t, f, []byte(extra+root))
			_, opensslErr := osslErr("verify", "-CAfile", f, p.root)
			_, err := LoadCertificates(f)
			if (err == nil) != (opensslErr == nil) {
				t.Errorf("we: %v; openssl verify: %v", err, opensslErr)
			}
		})
	}
}

// TestPEMSyntaxDifferential: variations of a PEM certificate file (byte
// order mark, blanks, headers, line lengths, junk) are accepted by
// LoadCertificates exactly when "openssl verify -CAfile" accepts them.
func TestPEMSyntaxDifferential(t *testing.T) {
	t.Parallel()
	p := newPKI(t, "p256")
	orig := string(readFile(t, p.root))
	lines := strings.Split(strings.TrimRight(orig, "\n"), "\n") // BEGIN, body..., END
	n := len(lines)
	body := lines[1 : n-1]
	join := func(ls ...[]string) string {
		var all []string
		for _, l := range ls {
			all = append(all, l...)
		}
		return strings.Join(all, "\n") + "\n"
	}
	one := func(s ...string) []string { return s }
	mapBody := func(f func(i int, l string) string) []string {
		out := make([]string, len(body))
		for i, l := range body {
			out[i] = f(i, l)
		}
		return out
	}
	begin, end := lines[0], lines[n-1]
	variants := map[string]string{
		"plain":                orig,
		"bom":                  "\xef\xbb\xbf" + orig,
		"crlf":                 strings.ReplaceAll(orig, "\n", "\r\n"),
		"no-final-newline":     strings.TrimRight(orig, "\n"),
		"leading-space-begin":  "  " + orig,
		"indented":             join(one(" "+begin), mapBody(func(_ int, l string) string { return " " + l }), one(" "+end)),
		"trailing-blanks":      join(one(begin+" \t"), mapBody(func(_ int, l string) string { return l + " \t" }), one(end+" ")),
		"blank-after-begin":    join(one(begin, ""), body, one(end)),
		"spaces-after-begin":   join(one(begin, "   "), body, one(end)),
		"two-blanks":           join(one(begin, "", ""), body, one(end)),
		"blank-inside":         join(one(begin), body[:2], one(""), body[2:], one(end)),
		"blank-before-end":     join(one(begin), body, one("", end)),
		"space-inside-line":    join(one(begin), mapBody(func(i int, l string) string { return l[:10] + " " + l[10:] }), one(end)),
		"tab-inside-line":      join(one(begin), mapBody(func(i int, l string) string { return l[:10] + "\t" + l[10:] }), one(end)),
		"leading-space-line":   join(one(begin), mapBody(func(i int, l string) string { return " " + l }), one(end)),
		"one-long-line":        join(one(begin, strings.Join(body, "")), one(end)),
		"short-lines":          join(one(begin), mapBody(func(_ int, l string) string { return l[:20] + "\n" + l[20:] }), one(end)),
		"single-line-file":     strings.ReplaceAll(orig, "\n", ""),
		"header":               join(one(begin, "Foo: bar", ""), body, one(end)),
		"header-no-blank":      join(one(begin, "Foo: bar"), body, one(end)),
		"encrypted-header":     join(one(begin, "Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF", ""), body, one(end)),
		"junk-after-begin":     join(one(begin+"junk"), body, one(end)),
		"junk-before-begin":    join(one("junk"+begin), body, one(end)),
		"dangling-begin":       orig + begin + "\n",
		"dangling-end":         orig + end + "\n",
		"text-around":          "Certificate:\n    Data: x\n" + orig + "trailing text\n",
		"extra-padding-line":   join(one(begin), body, one("====", end)),
		"end-type-mismatch":    join(one(begin), body, one("-----END X509 CRL-----")),
		"lowercase-begin":      strings.ToLower(begin) + "\n" + join(body, one(end)),
		"two-certs-one-broken": orig + join(one(begin), body[:1], one(end)),
	}
	for name, content := range variants {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := filepath.Join(t.TempDir(), "ca.pem")
			writeFile(t, f, []byte(content))
			_, opensslErr := osslErr("verify", "-CAfile", f, p.root)
			if name == "plain" && opensslErr != nil {
				t.Fatalf("openssl verify refuses the unmodified file: %v", opensslErr)
			}
			_, err := LoadCertificates(f)
			if (err == nil) != (opensslErr == nil) {
				t.Errorf("we: %v; openssl verify: %v", err, opensslErr)
			}
		})
	}
}

// TestSystemBundle loads the system CA bundle, when there is one, and
// checks we read as many certificates as openssl does.
func TestSystemBundle(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	const bundle = "/etc/ssl/certs/ca-certificates.crt"
	if _, err := os.Stat(bundle); err != nil {
		t.Skipf("no system bundle at %s", bundle)
	}
	certs, err := LoadCertificates(bundle)
	if err != nil {
		t.Fatal(err)
	}
	p7 := filepath.Join(t.TempDir(), "b.p7")
	ossl(t, "crl2pkcs7", "-nocrl", "-certfile", bundle, "-out", p7)
	want := pemCertsFingerprints(t, ossl(t, "pkcs7", "-in", p7, "-print_certs"))
	if len(certs) != len(want) {
		t.Fatalf("%d certificates, openssl reads %d", len(certs), len(want))
	}
	for i, c := range certs {
		if fingerprint(c) != want[i] {
			t.Fatalf("certificate %d differs from openssl's", i)
		}
	}
}
