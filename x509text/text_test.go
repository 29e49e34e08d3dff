package x509text

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testproc"
)

// goCerts makes certificates with crypto/x509 (through minipki) in shapes
// openssl's own tools do not write: extra name attributes of unknown types,
// Go's choice of string types, a huge serial, many extensions at once.
// They are made once per test binary (the RSA key is slow on small machines).
func goCerts(t testing.TB) map[string][]byte {
	t.Helper()
	goCertsOnce.Do(func() { goCertsVal, goCertsErr = makeGoCerts() })
	if goCertsErr != nil {
		t.Fatal(goCertsErr)
	}
	return goCertsVal
}

var (
	goCertsOnce sync.Once
	goCertsVal  map[string][]byte
	goCertsErr  error
)

func makeGoCerts() (map[string][]byte, error) {
	f := minipki.New()
	root, err := f.Root("Fuzz Root", minipki.Subject(pkix.Name{
		Country: []string{"NL"}, Organization: []string{"Org, with comma"}, OrganizationalUnit: []string{"  spaced  "},
		CommonName: "Fuzz Root",
		ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: asn1.ObjectIdentifier{1, 2, 3, 4, 5}, Value: "unknown attribute"},
			{Type: asn1.ObjectIdentifier{2, 5, 4, 5}, Value: "SN-1"},
			{Type: asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 25}, Value: "example"},
		},
	}))
	if err != nil {
		return nil, err
	}
	leaf, err := root.Leaf("leaf.example", minipki.DNS("leaf.example", "*.leaf.example"), minipki.IP("10.1.2.3", "::1"),
		minipki.Email("a@leaf.example"), minipki.Serial(new(big.Int).Lsh(big.NewInt(1), 158)),
		minipki.Extra(pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Value: []byte("\x04\x05hello")}),
		minipki.Template(func(c *x509.Certificate) {
			c.OCSPServer = []string{"http://ocsp.example"}
			c.IssuingCertificateURL = []string{"http://ca.example/ca.crt"}
			c.CRLDistributionPoints = []string{"http://ca.example/ca.crl", "ldap://ca.example/x"}
			c.Policies = []x509.OID{mustOID("2.23.140.1.2.2"), mustOID("1.3.6.1.4.1.1")}
			c.SubjectKeyId = []byte{1, 2, 3, 4}
		}))
	if err != nil {
		return nil, err
	}
	inter, err := root.Intermediate("Fuzz Intermediate", minipki.PathLen(2), minipki.RSA(), minipki.Template(func(c *x509.Certificate) {
		c.PermittedDNSDomains = []string{"example.com", ".example.org"}
		c.ExcludedDNSDomains = []string{"bad.example.com"}
		c.PermittedEmailAddresses = []string{"example.com"}
		c.PermittedURIDomains = []string{".example.com"}
		c.PermittedDNSDomainsCritical = true
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageAny, x509.ExtKeyUsageOCSPSigning, x509.ExtKeyUsageTimeStamping}
		c.UnknownExtKeyUsage = []asn1.ObjectIdentifier{{1, 2, 3}}
	}))
	if err != nil {
		return nil, err
	}
	return map[string][]byte{"root.der": root.DER(), "leaf.der": leaf.DER(), "inter.der": inter.DER()}, nil
}

// TestTextAgainstOpenSSL compares Text, in each name format, with
// `openssl x509 -text -noout` on the Go-made certificates (the command's
// tests cover the openssl-made shapes).
func TestTextAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	bin := testproc.Require(t, "openssl")
	dir := t.TempDir()
	for name, der := range goCerts(t) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, der, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct {
			opts Options
			args []string
		}{
			{Options{}, nil},
			{Options{Names: RFC2253}, []string{"-nameopt", "RFC2253"}},
			{Options{Names: Compat}, []string{"-nameopt", "compat"}},
		} {
			cmd := exec.Command(bin, append([]string{"x509", "-in", path, "-inform", "DER", "-text", "-noout"}, f.args...)...)
			var out bytes.Buffer
			cmd.Stdout = &out
			if err := cmd.Run(); err != nil {
				t.Fatalf("openssl on %s: %v", name, err)
			}
			if diff := cmp.Diff(out.String(), Text(c, f.opts)); diff != "" {
				t.Errorf("%s %v: differs from openssl (-openssl +ours):\n%s", name, f.args, diff)
			}
		}
	}
}

func TestSerial(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n         *big.Int
		hex, text string
	}{
		{big.NewInt(0), "00", " 0 (0x0)"},
		{big.NewInt(255), "FF", " 255 (0xff)"},
		{big.NewInt(-5), "-05", " -5 (-0x5)"},
		{new(big.Int).Lsh(big.NewInt(1), 63), "8000000000000000", "\n            80:00:00:00:00:00:00:00"},
		{new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 64)), "-010000000000000000", "\n             (Negative)01:00:00:00:00:00:00:00:00"}, // as openssl 3.0 prints it,
	} {
		if got := Serial(c.n); got != c.hex {
			t.Errorf("Serial(%v) = %q, want %q", c.n, got, c.hex)
		}
		if got := serialText(c.n, 12); got != c.text {
			t.Errorf("serialText(%v) = %q, want %q", c.n, got, c.text)
		}
	}
}

func TestHelpers(t *testing.T) {
	t.Parallel()
	if got := Time(time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))); got != "Jan  2 02:04:05 2026 GMT" {
		t.Errorf("Time = %q", got)
	}
	if got := stringPrint([]byte("a\x00b\nc\xff~")); got != "a.b\nc.~" {
		t.Errorf("stringPrint = %q", got)
	}
	if got := ipText([]byte{1, 2, 3}); got != "<invalid length=3>" {
		t.Errorf("ipText = %q", got)
	}
	if got := ncIP([]byte{10, 0, 0, 0, 255, 0, 0, 0}); got != "10.0.0.0/255.0.0.0" {
		t.Errorf("ncIP = %q", got)
	}
	if got := hexDump([]byte{1, 2, 3}, 2, 2); got != "  01:02:\n  03\n" {
		t.Errorf("hexDump = %q", got)
	}
	// BIO_dump_indent's layout, as openssl -certopt ext_dump printed it.
	want := "                0000 - 01 02 03 04 05 06 07 08-09 0a 0b 0c 0d   .............\n" +
		"                000d - 0e 0f 10 41                              ...A\n"
	if got := dump([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 'A'}, 16); got != want {
		t.Errorf("dump = %q", got)
	}
	// An extension value that does not decode falls back to the raw form.
	got := Extension(asn1.ObjectIdentifier{2, 5, 29, 19}, true, []byte{0x30, 0x03, 0x01, 0x01}, 0)
	if got != "X509v3 Basic Constraints: critical\n    0...\n" {
		t.Errorf("broken basicConstraints: %q", got)
	}
	if ExtensionShortName(asn1.ObjectIdentifier{2, 5, 29, 17}) != "subjectAltName" || ExtensionShortName(asn1.ObjectIdentifier{1, 2}) != "" {
		t.Error("ExtensionShortName")
	}
	if !strings.HasPrefix(slashName([]byte{0x30, 0x00}), "") || slashName([]byte{1}) != "<invalid name>" {
		t.Error("slashName")
	}
}

// mustOID parses a constant dotted OID.
func mustOID(dotted string) x509.OID {
	oid, _ := x509.ParseOID(dotted)
	return oid
}

// TestCompatNamesAgainstOpenSSL: the Compat form of subjects openssl
// made (several RDNs, a multi-valued one, an escaped '/', lower-case
// types, which X509_NAME_print does not cut before) is what `openssl x509
// -text -nameopt compat` prints.
func TestCompatNamesAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	bin := testproc.Require(t, "openssl")
	dir := t.TempDir()
	for i, subj := range []string{
		"/CN=client",
		"/C=DE/O=Foo, Inc./OU=a+CN=b\\/c/emailAddress=x@y/DC=com/street=Main",
		"/CN=a\\/CN=b/L=x",
		"/O=\\/O=/SN=y",
	} {
		path := filepath.Join(dir, fmt.Sprintf("c%d.pem", i))
		cmd := exec.Command(bin, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
			"-keyout", filepath.Join(dir, "k.pem"), "-out", path, "-subj", subj, "-days", "1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl req -subj %q: %v\n%s", subj, err, out)
		}
		out, err := exec.Command(bin, "x509", "-in", path, "-noout", "-text", "-nameopt", "compat").Output()
		if err != nil {
			t.Fatalf("openssl x509: %v", err)
		}
		var want string
		for _, l := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(l, "        Subject: "); ok {
				want = v
			}
		}
		pemBytes, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		blk, _ := pem.Decode(pemBytes)
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if got := Name(c.RawSubject, Compat); got != want {
			t.Errorf("-subj %q: %q, openssl %q", subj, got, want)
		}
	}
}
