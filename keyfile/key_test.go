package keyfile

import (
	"bytes"
	"crypto"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// keyFormat describes how to turn a plain PKCS#8 PEM key into another
// format with openssl.
type keyFormat struct {
	name      string
	kinds     []string // key kinds this format applies to
	args      []string // openssl arguments; IN and OUT are replaced
	encrypted bool
	pemType   string // expected first BEGIN line type ("" for DER)
	legacy    bool   // needs OpenSSL's legacy provider (DES)
}

var legacyProvider = []string{"-provider", "legacy", "-provider", "default"}

var allKinds = []string{"rsa", "p256", "p384", "ed25519"}

var keyFormats = []keyFormat{
	{name: "pkcs8-pem", kinds: allKinds, args: []string{"pkey", "-in", "IN", "-out", "OUT"}, pemType: "PRIVATE KEY"},
	{name: "pkcs8-der", kinds: allKinds, args: []string{"pkey", "-in", "IN", "-outform", "DER", "-out", "OUT"}},
	{name: "pkcs1-pem", kinds: []string{"rsa"}, args: []string{"rsa", "-in", "IN", "-traditional", "-out", "OUT"}, pemType: "RSA PRIVATE KEY"},
	{name: "pkcs1-der", kinds: []string{"rsa"}, args: []string{"rsa", "-in", "IN", "-traditional", "-outform", "DER", "-out", "OUT"}},
	{name: "sec1-pem", kinds: []string{"p256", "p384"}, args: []string{"ec", "-in", "IN", "-out", "OUT"}, pemType: "EC PRIVATE KEY"},
	{name: "sec1-der", kinds: []string{"p256"}, args: []string{"ec", "-in", "IN", "-outform", "DER", "-out", "OUT"}},
	{name: "pkey-aes256", kinds: allKinds, args: []string{"pkey", "-in", "IN", "-aes256", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "ENCRYPTED PRIVATE KEY"},
	{name: "pkcs8-v2-aes256", kinds: []string{"p256", "ed25519"}, args: []string{"pkcs8", "-topk8", "-in", "IN", "-v2", "aes-256-cbc", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "ENCRYPTED PRIVATE KEY"},
	{name: "pkcs8-v2-aes128-sha1", kinds: []string{"p256"}, args: []string{"pkcs8", "-topk8", "-in", "IN", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "ENCRYPTED PRIVATE KEY"},
	{name: "pkcs8-v2-aes192-sha512", kinds: []string{"p384"}, args: []string{"pkcs8", "-topk8", "-in", "IN", "-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA512", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "ENCRYPTED PRIVATE KEY"},
	{name: "pkcs8-v2-des3", kinds: []string{"p256"}, args: []string{"pkcs8", "-topk8", "-in", "IN", "-v2", "des3", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "ENCRYPTED PRIVATE KEY"},
	{name: "pkcs8-scrypt", kinds: []string{"rsa", "p256"}, args: []string{"pkcs8", "-topk8", "-in", "IN", "-scrypt", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "ENCRYPTED PRIVATE KEY"},
	{name: "pkcs8-v2-der", kinds: []string{"p256", "rsa"}, args: []string{"pkcs8", "-topk8", "-in", "IN", "-v2", "aes-256-cbc", "-outform", "DER", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true},
	{name: "pkcs8-scrypt-der", kinds: []string{"p256"}, args: []string{"pkcs8", "-topk8", "-in", "IN", "-scrypt", "-outform", "DER", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true},
	{name: "pkcs8-v2-des", kinds: []string{"p256"}, args: []string{"pkcs8", "-topk8", "-in", "IN", "-v2", "des", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "ENCRYPTED PRIVATE KEY", legacy: true},
	{name: "pkcs8-v1-sha1-3des", kinds: []string{"p256", "rsa"}, args: []string{"pkcs8", "-topk8", "-in", "IN", "-v1", "PBE-SHA1-3DES", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "ENCRYPTED PRIVATE KEY"},
	{name: "pkcs8-v1-sha1-2des", kinds: []string{"p256"}, args: []string{"pkcs8", "-topk8", "-in", "IN", "-v1", "PBE-SHA1-2DES", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "ENCRYPTED PRIVATE KEY"},
	{name: "pkcs8-v1-md5-des", kinds: []string{"p256"}, args: []string{"pkcs8", "-topk8", "-in", "IN", "-v1", "PBE-MD5-DES", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "ENCRYPTED PRIVATE KEY", legacy: true},
	{name: "pkcs8-v1-sha1-des-der", kinds: []string{"ed25519"}, args: []string{"pkcs8", "-topk8", "-in", "IN", "-v1", "PBE-SHA1-DES", "-outform", "DER", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, legacy: true},
	{name: "legacy-rsa-aes128", kinds: []string{"rsa"}, args: []string{"rsa", "-in", "IN", "-traditional", "-aes128", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "RSA PRIVATE KEY"},
	{name: "legacy-rsa-aes192", kinds: []string{"rsa"}, args: []string{"rsa", "-in", "IN", "-traditional", "-aes192", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "RSA PRIVATE KEY"},
	{name: "legacy-rsa-aes256", kinds: []string{"rsa"}, args: []string{"rsa", "-in", "IN", "-traditional", "-aes256", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "RSA PRIVATE KEY"},
	{name: "legacy-rsa-des3", kinds: []string{"rsa"}, args: []string{"rsa", "-in", "IN", "-traditional", "-des3", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "RSA PRIVATE KEY"},
	{name: "legacy-ec-aes128", kinds: []string{"p256", "p384"}, args: []string{"ec", "-in", "IN", "-aes128", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "EC PRIVATE KEY"},
	{name: "legacy-ec-des3", kinds: []string{"p256"}, args: []string{"ec", "-in", "IN", "-des3", "-passout", "pass:PW", "-out", "OUT"}, encrypted: true, pemType: "EC PRIVATE KEY"},
}

func makeKeyFormat(t *testing.T, f keyFormat, in, out string) {
	t.Helper()
	args := make([]string, len(f.args))
	for i, a := range f.args {
		switch a {
		case "IN":
			a = in
		case "OUT":
			a = out
		case "pass:PW":
			a = "pass:" + testPassword
		}
		args[i] = a
	}
	if f.legacy {
		args = append(args, legacyProvider...)
	}
	ossl(t, args...)
	data := readFile(t, out)
	if f.pemType == "" {
		if bytes.Contains(data, []byte("-----BEGIN")) {
			t.Fatalf("%s: expected DER output", f.name)
		}
	} else if !bytes.Contains(data, []byte("-----BEGIN "+f.pemType+"-----")) {
		t.Fatalf("%s: expected a %s PEM block, got:\n%s", f.name, f.pemType, data)
	}
	if f.encrypted && f.pemType != "" && strings.HasPrefix(f.name, "legacy") && !bytes.Contains(data, []byte("Proc-Type: 4,ENCRYPTED")) {
		t.Fatalf("%s: expected legacy PEM encryption", f.name)
	}
}

// TestParsePrivateKeyFormats converts keys of each type into each format
// with openssl and checks that we read the same key openssl reads (the
// public keys are compared), and that passwords are handled as specified.
func TestParsePrivateKeyFormats(t *testing.T) {
	needOpenSSL(t)
	base := t.TempDir()
	keys := map[string]string{}
	for _, k := range allKinds {
		keys[k] = genKey(t, base, k)
	}
	for _, f := range keyFormats {
		for _, kind := range f.kinds {
			t.Run(f.name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				path := filepath.Join(dir, "key")
				makeKeyFormat(t, f, keys[kind], path)
				data := readFile(t, path)
				pw := ""
				if f.encrypted {
					pw = testPassword
				}
				var extra []string
				if f.legacy {
					extra = legacyProvider
				}
				want := opensslPublicKey(t, path, pw, extra...)

				k, err := ParsePrivateKey(data, path, pw)
				if err != nil {
					t.Fatalf("ParsePrivateKey: %v", err)
				}
				if got := marshalPub(t, k); !bytes.Equal(got, want) {
					t.Fatalf("public key differs from openssl's")
				}
				if f.encrypted {
					_, err = ParsePrivateKey(data, path, wrongPassword)
					checkErr(t, err, ErrBadPassword, path)
					_, err = ParsePrivateKey(data, path, "")
					checkErr(t, err, ErrPasswordRequired, path)
					if !strings.Contains(err.Error(), "needs certificate-password") {
						t.Errorf("missing-password error %q does not say what is needed", err)
					}
				} else {
					// A password given for a plain key is ignored, as by OpenSSL.
					if _, err := ParsePrivateKey(data, path, wrongPassword); err != nil {
						t.Errorf("plain key with a password: %v", err)
					}
				}
				// Truncated data never loads and never panics.
				for _, n := range []int{len(data) / 2, len(bytes.TrimRight(data, "\r\n")) - 1} {
					if _, err := ParsePrivateKey(data[:n], path, pw); err == nil {
						t.Errorf("truncated to %d bytes: no error", n)
					} else {
						checkErr(t, err, nil, path)
					}
				}
				// CRLF line endings are accepted.
				if f.pemType != "" {
					crlf := bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
					k2, err := ParsePrivateKey(crlf, path, pw)
					if err != nil {
						t.Fatalf("CRLF: %v", err)
					}
					if !bytes.Equal(marshalPub(t, k2), want) {
						t.Errorf("CRLF: different key")
					}
				}
			})
		}
	}
}

// TestWrongPasswordAgreesWithOpenSSL checks that openssl too refuses the
// wrong password for each encrypted format (so ErrBadPassword is right).
func TestWrongPasswordAgreesWithOpenSSL(t *testing.T) {
	needOpenSSL(t)
	dir := t.TempDir()
	key := genKey(t, dir, "p256")
	for _, f := range keyFormats {
		if !f.encrypted || !containsStr(f.kinds, "p256") {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "key")
			makeKeyFormat(t, f, key, path)
			args := []string{"pkey", "-in", path, "-passin", "pass:" + wrongPassword, "-noout"}
			if f.legacy {
				args = append(args, legacyProvider...)
			}
			if _, err := osslErr(args...); err == nil {
				t.Fatalf("openssl accepted the wrong password")
			}
			_, err := ParsePrivateKey(readFile(t, path), path, wrongPassword)
			checkErr(t, err, ErrBadPassword, path)
		})
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestParsePrivateKeyErrors(t *testing.T) {
	needOpenSSL(t)
	dir := t.TempDir()
	key := genKey(t, dir, "p256")
	cert := selfSigned(t, dir, key, "leaf")
	keyPEM := readFile(t, key)
	lines := strings.Split(string(keyPEM), "\n")

	cases := []struct {
		name string
		data []byte
		kind error
		text string
	}{
		{"empty", nil, ErrNoKey, "empty file"},
		{"garbage", []byte("this is not a key\x00\x01\x02"), ErrNoKey, "not a private key"},
		{"certificate-only", readFile(t, cert), ErrNoKey, "no private key found (PEM blocks: CERTIFICATE)"},
		{"truncated-pem", []byte(strings.Join(lines[:2], "\n")), nil, "has no END line"},
		{"bad-base64", []byte("-----BEGIN PRIVATE KEY-----\n@@@@\n-----END PRIVATE KEY-----\n"), nil, "not valid base64"},
		{"mismatched-end", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END CERTIFICATE-----\n"), nil, "ends with"},
		{"bad-der-in-pem", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), nil, "not a private key"},
		{"dsa", []byte("-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n"), ErrUnsupported, "DSA"},
		{"openssh", []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"), ErrUnsupported, "OpenSSH"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParsePrivateKey(c.data, "/some/"+c.name+".pem", "")
			checkErr(t, err, c.kind, "/some/"+c.name+".pem")
			if !strings.Contains(err.Error(), c.text) {
				t.Errorf("error %q does not contain %q", err, c.text)
			}
		})
	}
}

// TestUnsupportedKeyTypes: keys openssl writes that crypto/tls cannot use
// are refused with ErrUnsupported naming the algorithm.
func TestUnsupportedKeyTypes(t *testing.T) {
	needOpenSSL(t)
	for _, c := range []struct{ alg, want string }{
		{"ED448", "Ed448"},
		{"X25519", "X25519"},
		{"X448", "X448"},
		{"p224", "P-224"},
		{"RSA-PSS", "RSA-PSS"},
	} {
		t.Run(c.alg, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			p := genKey(t, dir, c.alg)
			if c.alg == "p224" {
				// SEC1 form too: it goes through another parser.
				sec1 := filepath.Join(dir, "sec1.pem")
				ossl(t, "ec", "-in", p, "-out", sec1)
				_, err := ParsePrivateKey(readFile(t, sec1), sec1, "")
				checkErr(t, err, ErrUnsupported, sec1)
			}
			_, err := ParsePrivateKey(readFile(t, p), p, "")
			checkErr(t, err, ErrUnsupported, p)
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not name %s", err, c.want)
			}
			// Encrypted, the same: the right password must not be called wrong.
			enc := filepath.Join(dir, "enc.pem")
			ossl(t, "pkey", "-in", p, "-aes256", "-passout", "pass:"+testPassword, "-out", enc)
			_, err = ParsePrivateKey(readFile(t, enc), enc, testPassword)
			checkErr(t, err, ErrUnsupported, enc)
		})
	}
}

// TestPEMWithECParameters: "openssl ecparam -genkey" writes an EC
// PARAMETERS block before the key; it is skipped.
func TestPEMWithECParameters(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	p := filepath.Join(t.TempDir(), "ec.pem")
	ossl(t, "ecparam", "-name", "prime256v1", "-genkey", "-out", p)
	data := readFile(t, p)
	if !bytes.Contains(data, []byte("EC PARAMETERS")) {
		t.Fatalf("expected an EC PARAMETERS block")
	}
	k, err := ParsePrivateKey(data, p, "")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(marshalPub(t, k), opensslPublicKey(t, p, "")) {
		t.Fatal("different key")
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope.pem")
	_, err := LoadKeyPair(missing, "", "")
	checkErr(t, err, os.ErrNotExist, missing)
	_, err = LoadCertificates(missing)
	checkErr(t, err, os.ErrNotExist, missing)
}

// TestKDFLimits: costs above the limits are refused before any work, with
// ErrUnsupported (not ErrBadPassword).
func TestKDFLimits(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	dir := t.TempDir()
	key := genKey(t, dir, "p256")
	pbk := filepath.Join(dir, "pbkdf2.pem")
	ossl(t, "pkcs8", "-topk8", "-in", key, "-v2", "aes-128-cbc", "-iter", "5000", "-passout", "pass:"+testPassword, "-out", pbk)
	scr := filepath.Join(dir, "scrypt.pem")
	ossl(t, "pkcs8", "-topk8", "-in", key, "-scrypt", "-passout", "pass:"+testPassword, "-out", scr)
	v1 := filepath.Join(dir, "v1.pem")
	ossl(t, "pkcs8", "-topk8", "-in", key, "-v1", "PBE-SHA1-3DES", "-iter", "5000", "-passout", "pass:"+testPassword, "-out", v1)
	p12 := filepath.Join(dir, "k.p12")
	cert := selfSigned(t, dir, key, "leaf")
	ossl(t, "pkcs12", "-export", "-inkey", key, "-in", cert, "-iter", "5000", "-passout", "pass:"+testPassword, "-out", p12)

	small := parser{lim: limits{maxPBKDF2Iter: 4096, maxScryptMemory: 2 << 20, maxScryptP: 1, maxPKCS12Iter: 4096}}
	for _, f := range []string{pbk, scr, v1, p12} {
		data := readFile(t, f)
		_, err := small.parsePrivateKey(data, f, testPassword)
		checkErr(t, err, ErrUnsupported, f)
		if errors.Is(err, ErrBadPassword) {
			t.Errorf("%s: limit reported as a bad password", f)
		}
		// The default limits accept what openssl writes.
		if _, err := ParsePrivateKey(data, f, testPassword); err != nil {
			t.Errorf("%s with default limits: %v", f, err)
		}
	}
}

// TestKeySettingIsPKCS12: the key setting may name a PKCS#12 file.
func TestKeySettingIsPKCS12(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	dir := t.TempDir()
	key := genKey(t, dir, "p256")
	cert := selfSigned(t, dir, key, "leaf")
	p12 := filepath.Join(dir, "k.pfx")
	ossl(t, "pkcs12", "-export", "-inkey", key, "-in", cert, "-passout", "pass:"+testPassword, "-out", p12)
	c, err := LoadKeyPair(cert, p12, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(marshalPub(t, c.PrivateKey.(crypto.Signer)), opensslPublicKey(t, key, "")) {
		t.Fatal("wrong key")
	}
	_, err = LoadKeyPair(cert, p12, "")
	checkErr(t, err, ErrPasswordRequired, p12)
}

// TestSmallRSAKey: Go refuses to sign with RSA keys under 1024 bits; such
// keys fail at load time, saying why, rather than at the first handshake.
func TestSmallRSAKey(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	dir := t.TempDir()
	k := filepath.Join(dir, "small.pem")
	ossl(t, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512", "-out", k)
	forms := map[string][]string{
		"pkcs8-pem": {"pkey", "-in", k},
		"pkcs1-pem": {"rsa", "-in", k, "-traditional"},
		"pkcs1-der": {"rsa", "-in", k, "-traditional", "-outform", "DER"},
		"pkcs8-der": {"pkey", "-in", k, "-outform", "DER"},
		// Encrypted: the right password must not be reported as wrong.
		"legacy-pem":    {"rsa", "-in", k, "-traditional", "-aes128", "-passout", "pass:" + testPassword},
		"encrypted-pem": {"pkey", "-in", k, "-aes128", "-passout", "pass:" + testPassword},
	}
	for name, args := range forms {
		out := filepath.Join(dir, name)
		ossl(t, append(args, "-out", out)...)
		_, err := ParsePrivateKey(readFile(t, out), out, testPassword)
		if err == nil {
			t.Errorf("%s: 512-bit key accepted", name)
			continue
		}
		checkErr(t, err, ErrUnsupported, out)
		if !strings.Contains(err.Error(), "512-bit") {
			t.Errorf("%s: error %q does not give the reason", name, err)
		}
	}
}

func TestDescribeKey(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	dir := t.TempDir()
	for kind, want := range map[string]string{"rsa": "RSA 2048", "p256": "ECDSA P-256", "p384": "ECDSA P-384", "p521": "ECDSA P-521", "ed25519": "Ed25519"} {
		p := genKey(t, dir, kind)
		k, err := ParsePrivateKey(readFile(t, p), p, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := DescribeKey(k); got != want {
			t.Errorf("%s: DescribeKey(private) = %q, want %q", kind, got, want)
		}
		if got := DescribeKey(k.Public()); got != want {
			t.Errorf("%s: DescribeKey(public) = %q, want %q", kind, got, want)
		}
	}
}
