package keyfile

import (
	"bytes"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	oidServerAuth = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}
	oidClientAuth = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 2}
	oidEmail      = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 4}
	oidAnyEKU     = asn1.ObjectIdentifier{2, 5, 29, 37, 0}
)

// TestTrustSettingsFromOpenSSL reads the TRUSTED CERTIFICATE files
// `openssl x509 -trustout` writes and finds the settings it was given.
func TestTrustSettingsFromOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	dir := t.TempDir()
	cert := selfSigned(t, dir, genKey(t, dir, "p256"), "Trust Root")
	cases := []struct {
		name  string
		args  []string
		want  *TrustSettings
		plain bool // openssl writes no trust settings
	}{
		{"trustout only", nil, nil, true},
		{"addtrust serverAuth", []string{"-addtrust", "serverAuth"}, &TrustSettings{Trusted: []asn1.ObjectIdentifier{oidServerAuth}}, false},
		{"addreject clientAuth", []string{"-addreject", "clientAuth"}, &TrustSettings{Rejected: []asn1.ObjectIdentifier{oidClientAuth}}, false},
		{"both and alias", []string{"-addtrust", "serverAuth", "-addtrust", "anyExtendedKeyUsage", "-addreject", "emailProtection", "-setalias", "My Röot"},
			&TrustSettings{Trusted: []asn1.ObjectIdentifier{oidServerAuth, oidAnyEKU}, Rejected: []asn1.ObjectIdentifier{oidEmail}, Alias: "My Röot"}, false},
		{"alias only", []string{"-setalias", "just a name"}, &TrustSettings{Alias: "just a name"}, false},
	}
	for i, tc := range cases {
		out := filepath.Join(dir, "trusted"+string(rune('a'+i))+".pem")
		ossl(t, append([]string{"x509", "-in", cert, "-trustout", "-out", out}, tc.args...)...)
		data := readFile(t, out)
		if !bytes.Contains(data, []byte("BEGIN TRUSTED CERTIFICATE")) {
			t.Fatalf("%s: openssl wrote no TRUSTED CERTIFICATE", tc.name)
		}
		got, err := LoadTrustedCertificates(out)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(got) != 1 {
			t.Fatalf("%s: %d certificates", tc.name, len(got))
		}
		if tc.plain {
			if got[0].Trust != nil {
				t.Errorf("%s: trust settings %+v, openssl wrote none", tc.name, got[0].Trust)
			}
			continue
		}
		if diff := cmp.Diff(tc.want, got[0].Trust); diff != "" {
			t.Errorf("%s: trust settings differ (-want +got):\n%s", tc.name, diff)
		}
		// Marshal gives back what openssl wrote after the certificate.
		blk, _ := pem.Decode(data)
		aux := blk.Bytes[len(got[0].Cert.Raw):]
		if enc, err := got[0].Trust.Marshal(); err != nil || !bytes.Equal(enc, aux) {
			t.Errorf("%s: Marshal = %x, %v; openssl wrote %x", tc.name, enc, err, aux)
		}
		// LoadCertificates still reads the certificate.
		certs, err := LoadCertificates(out)
		if err != nil || len(certs) != 1 || !bytes.Equal(certs[0].Raw, got[0].Cert.Raw) {
			t.Errorf("%s: LoadCertificates = %d certs, %v", tc.name, len(certs), err)
		}
	}
}

// TestTrustSettingsMalformedRejectedAsOpenSSL: a TRUSTED CERTIFICATE whose
// trust settings do not decode makes openssl refuse the CA file; so do we.
func TestTrustSettingsMalformedRejectedAsOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	dir := t.TempDir()
	cert := selfSigned(t, dir, genKey(t, dir, "p256"), "Bad Aux Root")
	blk, _ := pem.Decode(readFile(t, cert))
	good, _ := (&TrustSettings{Trusted: []asn1.ObjectIdentifier{oidServerAuth}}).Marshal()
	cases := map[string][]byte{
		"not a sequence":   {0x04, 0x00},
		"bad OID":          {0x30, 0x04, 0x30, 0x02, 0x06, 0x00},
		"OID padding":      {0x30, 0x05, 0x30, 0x03, 0x06, 0x01, 0x80},
		"integer in trust": {0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x01},
		"unknown field":    {0x30, 0x03, 0x02, 0x01, 0x01},
		"truncated":        good[:len(good)-1],
	}
	for name, aux := range cases {
		f := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".pem")
		writeFile(t, f, pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: append(slices.Clone(blk.Bytes), aux...)}))
		_, err := LoadTrustedCertificates(f)
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), f) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
		out, oerr := exec.Command("openssl", "verify", "-no-CApath", "-CAfile", f, cert).CombinedOutput()
		var ee *exec.ExitError
		if oerr == nil || !errors.As(oerr, &ee) {
			t.Errorf("%s: openssl accepted the CA file: %s", name, out)
		}
	}
	// Trailing bytes after well-formed settings are ignored, by both.
	f := filepath.Join(dir, "trailing.pem")
	writeFile(t, f, pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: append(append(slices.Clone(blk.Bytes), good...), 0x05, 0x00)}))
	got, err := LoadTrustedCertificates(f)
	if err != nil || len(got) != 1 || !got[0].Trust.IsTrusted(oidServerAuth) {
		t.Errorf("trailing bytes: %v, %+v", err, got)
	}
	if out, err := exec.Command("openssl", "verify", "-no-CApath", "-CAfile", f, "-purpose", "sslserver", cert).CombinedOutput(); err != nil {
		t.Errorf("trailing bytes: openssl refused: %v\n%s", err, out)
	}
	// A CERTIFICATE block is read as d2i_X509 reads it: what follows the
	// certificate, even trust settings, is ignored.
	for name, extra := range map[string][]byte{"garbage": {0x05, 0x00}, "settings": good} {
		f := filepath.Join(dir, "plain-"+name+".pem")
		writeFile(t, f, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: append(slices.Clone(blk.Bytes), extra...)}))
		got, err := LoadTrustedCertificates(f)
		if err != nil || len(got) != 1 || got[0].Trust != nil {
			t.Errorf("CERTIFICATE with trailing %s: %v, %+v", name, err, got)
		}
		if out, err := exec.Command("openssl", "verify", "-no-CApath", "-CAfile", f, cert).CombinedOutput(); err != nil {
			t.Errorf("CERTIFICATE with trailing %s: openssl refused: %v\n%s", name, err, out)
		}
	}
}

func TestParseTrustSettingsFields(t *testing.T) {
	t.Parallel()
	ts := &TrustSettings{
		Trusted:  []asn1.ObjectIdentifier{oidServerAuth},
		Rejected: []asn1.ObjectIdentifier{oidClientAuth, oidAnyEKU},
		Alias:    "alias",
		KeyID:    []byte{1, 2, 3},
	}
	der, err := ts.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseTrustSettings(der)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ts, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if !got.IsRejected(oidAnyEKU) || got.IsRejected(oidServerAuth) || !got.IsTrusted(oidServerAuth) || got.IsTrusted(oidClientAuth) {
		t.Errorf("IsTrusted/IsRejected wrong for %+v", got)
	}
	var nilTS *TrustSettings
	if nilTS.IsTrusted(oidServerAuth) || nilTS.IsRejected(oidServerAuth) {
		t.Error("nil settings trust or reject")
	}
	// The "other" field ([1] SEQUENCE OF AlgorithmIdentifier) is read and
	// dropped; an OID arc too large for Go is skipped, as it matches no
	// use OpenSSL checks.
	withOther := []byte{0x30, 0x0d, 0x30, 0x0b, 0x06, 0x09, 0x8f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
		0xa1, 0x00}
	withOther[1] = byte(len(withOther) - 2)
	got, err = ParseTrustSettings(withOther)
	if err != nil || len(got.Trusted) != 0 {
		t.Errorf("other field / huge arc: %+v, %v", got, err)
	}
	if _, err := ParseTrustSettings(append(der, 0)); err == nil {
		t.Error("trailing byte accepted by ParseTrustSettings")
	}
}

// FuzzParseTrustSettings: never panics; what parses re-encodes to a form
// that parses to the same settings.
func FuzzParseTrustSettings(f *testing.F) {
	for _, ts := range []*TrustSettings{
		{},
		{Trusted: []asn1.ObjectIdentifier{}},
		{Trusted: []asn1.ObjectIdentifier{oidServerAuth}},
		{Rejected: []asn1.ObjectIdentifier{oidClientAuth}, Alias: "x"},
		{Trusted: []asn1.ObjectIdentifier{oidAnyEKU}, Rejected: []asn1.ObjectIdentifier{oidEmail}, Alias: "root", KeyID: []byte{9}},
	} {
		der, err := ts.Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}
	f.Add([]byte{0x30, 0x02, 0xa1, 0x00})
	f.Add([]byte{0x30, 0x04, 0x30, 0x02, 0x06, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		ts, err := ParseTrustSettings(der)
		if err != nil {
			return
		}
		enc, err := ts.Marshal()
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		again, err := ParseTrustSettings(enc)
		if err != nil {
			t.Fatalf("re-encoded settings do not parse: %v", err)
		}
		if diff := cmp.Diff(ts, again); diff != "" {
			t.Fatalf("round trip differs:\n%s", diff)
		}
	})
}
