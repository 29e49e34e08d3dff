package sslstream

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"net/url"
	"strings"
	"testing"

	"github.com/sslstream/sslstream/internal/minipki"
)

// TestCertificateViewAgreesWithOpenSSL compares the accessors with what
// `openssl x509` prints for the same certificate.
func TestCertificateViewAgreesWithOpenSSL(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	f := minipki.New()
	root, err := f.Root("View Root")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://example.com/path?q=1")
	serial, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	leaf, err := root.Leaf("view.example",
		minipki.DNS("alt.example", "*.wild.example"),
		minipki.IP("192.0.2.7", "2001:db8::1"),
		minipki.Email("ops@example.com"),
		minipki.Serial(serial),
		minipki.Template(func(c *x509.Certificate) { c.URIs = append(c.URIs, u) }),
		minipki.Subject(pkix.Name{Country: []string{"DE"}, Organization: []string{"Foo, Inc."}, OrganizationalUnit: []string{"R&D"}, CommonName: "view.example"}),
	)
	if err != nil {
		t.Fatal(err)
	}
	path := writeTemp(t, "view.pem", leaf.CertPEM())
	c := NewCertificate(leaf.Cert)

	// subjectAltName as OpenSSL prints it: "DNS:a, IP Address:b, ...".
	out := runOpenSSL(t, nil, "x509", "-in", path, "-noout", "-ext", "subjectAltName")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := strings.TrimSpace(lines[len(lines)-1])
	var parts []string
	for _, a := range c.SubjectAltNames() {
		parts = append(parts, a.Type+":"+a.Value)
	}
	if got := strings.Join(parts, ", "); got != want {
		t.Errorf("SANs\n got %s\nwant %s", got, want)
	}

	out = runOpenSSL(t, nil, "x509", "-in", path, "-noout", "-subject", "-issuer", "-serial")
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "subject":
			if got := c.SubjectString(); got != v {
				t.Errorf("subject %q, openssl %q", got, v)
			}
		case "issuer":
			if got := c.IssuerString(); got != v {
				t.Errorf("issuer %q, openssl %q", got, v)
			}
		case "serial":
			got := strings.ToUpper(c.SerialNumber().Text(16))
			if len(got)%2 == 1 {
				got = "0" + got // OpenSSL prints whole bytes
			}
			if got != v {
				t.Errorf("serial %s, openssl %s", got, v)
			}
		}
	}
	subj := c.Subject()
	if len(subj) != 4 || subj[0].Type != "C" || subj[1].Type != "O" || subj[1].Value != "Foo, Inc." || subj[2].Type != "OU" || subj[3].Type != "CN" {
		t.Errorf("subject attributes %+v", subj)
	}
	if c.Version() != "v3" {
		t.Errorf("version %s", c.Version())
	}
	// Copies: callers cannot change the view.
	c.SerialNumber().SetInt64(0)
	c.Subject()[0].Value = "XX"
	if c.SerialNumber().Cmp(serial) != 0 || c.Subject()[0].Value != "DE" {
		t.Error("accessors return shared state")
	}
}

func TestParseAltNamesOddEntries(t *testing.T) {
	t.Parallel()
	// registeredID, directoryName and a truncated tail.
	rid, _ := asn1.Marshal(asn1.RawValue{Class: 2, Tag: 8, Bytes: []byte{0x2a, 0x03}})
	name, _ := asn1.Marshal(pkix.Name{CommonName: "dir"}.ToRDNSequence())
	dir, _ := asn1.Marshal(asn1.RawValue{Class: 2, Tag: 4, IsCompound: true, Bytes: name})
	seq, _ := asn1.Marshal(asn1.RawValue{Tag: 16, IsCompound: true, Bytes: append(rid, dir...)})
	got := parseAltNames(seq)
	want := []AltName{{"Registered ID", "1.2.3"}, {"DirName", "CN=dir"}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := parseAltNames(seq[:len(seq)-2]); len(got) > 2 {
		t.Errorf("truncated input gave %+v", got)
	}
	if got := parseAltNames([]byte{0x04, 0x00}); got != nil {
		t.Errorf("non-SEQUENCE gave %+v", got)
	}
}

func FuzzParseAltNames(f *testing.F) {
	tp := minipki.New()
	if leaf, err := tp.SelfSigned("fuzz.example", minipki.IP("10.0.0.1", "::1"), minipki.Email("a@b.c")); err == nil {
		for _, e := range leaf.Cert.Extensions {
			if e.Id.Equal(oidSubjectAltName) {
				f.Add(e.Value)
			}
		}
	}
	f.Add([]byte{0x30, 0x00})
	f.Add([]byte{0x30, 0x03, 0x87, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, a := range parseAltNames(data) {
			if a.Type == "" {
				t.Fatalf("empty type in %+v", a)
			}
		}
	})
}

func FuzzParseMethod(f *testing.F) {
	for _, s := range []string{"", "tlsv1+", "sslv23", "tlsv1.2,tlsv1.3", "sslv3", "tlsv1 tlsv1.1", "x+", ",,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMethod(s)
		if err != nil {
			if !strings.Contains(err.Error(), "allowed:") {
				t.Fatalf("error %q does not list the allowed values", err)
			}
			return
		}
		if m.Min == 0 || m.Min > m.Max {
			t.Fatalf("ParseMethod(%q) = %+v", s, m)
		}
	})
}

func FuzzSettingsSet(f *testing.F) {
	for _, kv := range [][2]string{{"method", "tlsv1.2"}, {"max-depth", "3"}, {"verify", "optional"}, {"ca-file", "/x"}, {"bogus", ""}} {
		f.Add(kv[0], kv[1])
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		var s Settings
		if err := s.Set(name, value); err != nil {
			return
		}
		var o Overrides
		_ = o.Set(name, value)
		if s.MaxDepth != nil && *s.MaxDepth < 0 {
			t.Fatalf("negative max-depth accepted from %q", value)
		}
	})
}
