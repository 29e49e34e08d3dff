package keyfile

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/sslstream/sslstream/internal/testproc"
)

// testPassword deliberately holds non-ASCII characters: OpenSSL passes the
// UTF-8 bytes for PBES2 and legacy PEM, and converts to BMPString for
// PKCS#12.
const (
	testPassword  = "s3cr3t-Pässwörd!"
	wrongPassword = "not-the-password"
)

var sharedDir string // created by TestMain, holds the one RSA key

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "keyfile-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sharedDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		// The handshake tests start goroutines; none may outlive them.
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutine leak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// needOpenSSL skips the test when the reference openssl binary is absent.
func needOpenSSL(t testing.TB) {
	t.Helper()
	testproc.Require(t, "openssl")
}

// ossl runs openssl and fails the test if it fails.
func ossl(t testing.TB, args ...string) []byte {
	t.Helper()
	out, err := osslErr(args...)
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func osslErr(args ...string) ([]byte, error) {
	cmd := exec.Command("openssl", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return append(out, stderr.Bytes()...), err
	}
	return out, nil
}

var (
	rsaOnce sync.Once
	rsaPath string
	rsaErr  error
)

// rsaKey returns the path of the RSA 2048 key shared by the whole test
// binary (generating RSA keys is slow).
func rsaKey(t testing.TB) string {
	t.Helper()
	needOpenSSL(t)
	rsaOnce.Do(func() {
		p := filepath.Join(sharedDir, "rsa.pem")
		if out, err := osslErr("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", p); err != nil {
			rsaErr = fmt.Errorf("%v: %s", err, out)
			return
		}
		rsaPath = p
	})
	if rsaErr != nil {
		t.Fatalf("generating the shared RSA key: %v", rsaErr)
	}
	return rsaPath
}

// genKey writes a fresh PKCS#8 PEM key of the given kind ("rsa" reuses the
// shared key) into dir and returns its path.
func genKey(t testing.TB, dir, kind string) string {
	t.Helper()
	needOpenSSL(t)
	p := filepath.Join(dir, kind+"-key.pem")
	switch kind {
	case "rsa":
		data, err := os.ReadFile(rsaKey(t))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, p, data)
	case "p256", "p384", "p521":
		curve := map[string]string{"p256": "P-256", "p384": "P-384", "p521": "P-521"}[kind]
		ossl(t, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:"+curve, "-out", p)
	case "ed25519":
		ossl(t, "genpkey", "-algorithm", "ED25519", "-out", p)
	case "p224":
		ossl(t, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-224", "-out", p)
	case "RSA-PSS":
		// Small and fast: only the algorithm matters here.
		ossl(t, "genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:1024", "-out", p)
	default:
		ossl(t, "genpkey", "-algorithm", kind, "-out", p)
	}
	return p
}

// selfSigned writes a self-signed certificate for key and returns its path.
func selfSigned(t testing.TB, dir, key, cn string) string {
	t.Helper()
	p := filepath.Join(dir, cn+"-cert.pem")
	ossl(t, "req", "-x509", "-new", "-key", key, "-subj", "/CN="+cn, "-days", "2", "-out", p)
	return p
}

// issue writes a certificate for key signed by caCert/caKey.
func issue(t testing.TB, dir, key, cn, caCert, caKey string, ca bool) string {
	t.Helper()
	csr := filepath.Join(dir, cn+".csr")
	p := filepath.Join(dir, cn+"-cert.pem")
	ossl(t, "req", "-new", "-key", key, "-subj", "/CN="+cn, "-out", csr)
	args := []string{"x509", "-req", "-in", csr, "-CA", caCert, "-CAkey", caKey, "-set_serial", "7", "-days", "2", "-out", p}
	if ca {
		ext := filepath.Join(dir, cn+".ext")
		writeFile(t, ext, []byte("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"))
		args = append(args, "-extfile", ext)
	}
	ossl(t, args...)
	return p
}

func writeFile(t testing.TB, p string, data []byte) {
	t.Helper()
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func cat(t testing.TB, out string, parts ...string) string {
	t.Helper()
	var b []byte
	for _, p := range parts {
		b = append(b, readFile(t, p)...)
	}
	writeFile(t, out, b)
	return out
}

// opensslPublicKey asks openssl for the public key of a private key file.
func opensslPublicKey(t testing.TB, keyPath, password string, extra ...string) []byte {
	t.Helper()
	args := append([]string{"pkey", "-in", keyPath, "-pubout", "-outform", "DER"}, extra...)
	if password != "" {
		args = append(args, "-passin", "pass:"+password)
	}
	return ossl(t, args...)
}

func marshalPub(t testing.TB, k crypto.Signer) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// checkErr asserts that err wraps want, names the file, and leaks no
// password.
func checkErr(t testing.TB, err error, want error, name string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", want)
	}
	if want != nil && !errors.Is(err, want) {
		t.Errorf("error %q does not wrap %v", err, want)
	}
	var ke *Error
	if !errors.As(err, &ke) {
		t.Errorf("error %q is not a *keyfile.Error", err)
	}
	msg := err.Error()
	if name != "" && !strings.Contains(msg, name) {
		t.Errorf("error %q does not name %q", msg, name)
	}
	if !strings.HasPrefix(msg, "keyfile: ") {
		t.Errorf("error %q lacks the keyfile: prefix", msg)
	}
	for _, pw := range []string{testPassword, wrongPassword} {
		if strings.Contains(msg, pw) {
			t.Errorf("error %q contains a password", msg)
		}
	}
}

func mkdir(p string) error { return os.MkdirAll(p, 0o700) }
