package dn

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sslstream/sslstream/internal/testproc"
)

// TestOneLineMatchesOpenSSL asks openssl to make certificates with awkward
// subjects and compares its printed subject with ours.
func TestOneLineMatchesOpenSSL(t *testing.T) {
	testproc.Require(t, "openssl")
	subjects := []string{
		"/CN=example.com",
		"/C=DE/ST=Berlin/L=Berlin/O=Foo, Inc./OU=Ops/CN=www.example.com",
		"/CN=a\\+b/O=semi;colon",
		"/CN= leading and trailing /O=x",
		"/CN=#hash/O=quote\"and\\backslash",
		"/CN=Ünïcödé €/O=日本",
		"/CN=x/emailAddress=a@b.example/street=S/serialNumber=12/DC=com/UID=u1/title=T/GN=g/SN=s/initials=i/dnQualifier=q/pseudonym=p/L=l/ST=st/postalCode=123/businessCategory=b",
		"/DC=org/DC=example/CN=multi+OU=valued",
		"/CN=less<greater>",
	}
	dir := t.TempDir()
	for i, subj := range subjects {
		subj := subj
		t.Run(subj, func(t *testing.T) {
			t.Parallel()
			key := filepath.Join(dir, "k"+string(rune('a'+i))+".pem")
			crt := filepath.Join(dir, "c"+string(rune('a'+i))+".pem")
			cmd := exec.Command("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
				"-nodes", "-keyout", key, "-out", crt, "-subj", subj, "-utf8", "-multivalue-rdn", "-days", "1")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("openssl req: %v\n%s", err, out)
			}
			out, err := exec.Command("openssl", "x509", "-in", crt, "-noout", "-subject").Output()
			if err != nil {
				t.Fatalf("openssl x509: %v", err)
			}
			want := strings.TrimPrefix(strings.TrimSpace(string(out)), "subject=")
			data, err := os.ReadFile(crt)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := pem.Decode(data)
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			if got := String(c.RawSubject); got != want {
				t.Errorf("subject %q:\n got  %s\n want %s", subj, got, want)
			}
		})
	}
}

func TestParseAttributes(t *testing.T) {
	// SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, BMPString "hi" } } }
	der := []byte{0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x1e, 0x04, 0x00, 'h', 0x00, 'i'}
	attrs, err := Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	if len(attrs) != 1 || attrs[0].Type != "CN" || attrs[0].Value != "hi" || attrs[0].Tag != 30 {
		t.Fatalf("got %+v", attrs)
	}
	if _, err := Parse(der[:len(der)-1]); err == nil {
		t.Fatal("truncated name parsed without error")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte{0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x1e, 0x04, 0x00, 'h', 0x00, 'i'})
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		attrs, err := Parse(der)
		if err == nil {
			_ = OneLine(attrs)
		}
		_ = String(der)
	})
}
