package verify

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sslstream/sslstream/internal/minipki"
)

// TestHostMatchingMatchesOpenSSL compares matchHost with
// `openssl x509 -checkhost` (X509_check_host with OpenSSL's default flags)
// for many subjectAltName patterns and host names, and the commonName
// fallback for certificates without DNS names.
func TestHostMatchingMatchesOpenSSL(t *testing.T) {
	needOpenSSL(t)
	f := newFactory()
	root := must[*minipki.Cert](t)(f.Root("Host Root"))
	patterns := []string{"*.example.com", "*.com", "*", "f*.example.com", "*o.example.com", "f*o.example.com",
		"*.*.example.com", "a.*.example.com", "xn--*.example.com", "*.xn--p1ai.com", "EXAMPLE.com", "example.com.",
		".example.com", "-a.example.com", "a-.example.com", "*-a.example.com", "a_b.example.com", "foo.example.com",
		"**.example.com", "*.example..com", "cn:foo.example.com", "cn:*.example.com", "ipsan+cn:foo.example.com"}
	hosts := []string{"foo.example.com", "example.com", "FOO.EXAMPLE.COM", "a.b.example.com", "xn--abc.example.com",
		"fo.example.com", "f.example.com", "o.example.com", "foo.com", "*.example.com", ".example.com",
		"example.com.", "a_b.example.com", "a.xn--p1ai.com", "-a.example.com", "x-a.example.com"}
	for _, pat := range patterns {
		t.Run(pat, func(t *testing.T) {
			t.Parallel()
			var opts []minipki.Option
			name := pat
			switch {
			case strings.HasPrefix(pat, "cn:"):
				name = strings.TrimPrefix(pat, "cn:")
				opts = append(opts, minipki.Template(func(c *x509.Certificate) { c.DNSNames = nil }))
			case strings.HasPrefix(pat, "ipsan+cn:"):
				name = strings.TrimPrefix(pat, "ipsan+cn:")
				opts = append(opts, minipki.Template(func(c *x509.Certificate) { c.DNSNames = nil }), minipki.IP("192.0.2.1"))
			default:
				opts = append(opts, minipki.Template(func(c *x509.Certificate) { c.DNSNames = []string{pat} }))
			}
			opts = append(opts, minipki.Subject(pkix.Name{CommonName: name}))
			leaf := must[*minipki.Cert](t)(root.Leaf("x.invalid", opts...))
			path := filepath.Join(t.TempDir(), "leaf.pem")
			if err := os.WriteFile(path, leaf.CertPEM(), 0o600); err != nil {
				t.Fatal(err)
			}
			ci := newCertInfo(leaf.Cert)
			for _, h := range hosts {
				out := opensslOut(t, "x509", "-in", path, "-noout", "-checkhost", h)
				want := strings.HasSuffix(out, fmt.Sprintf("Hostname %s does match certificate", h))
				if !want && !strings.Contains(out, "does NOT match") {
					t.Fatalf("unexpected openssl output %q", out)
				}
				if got := matchHost(ci, h, false); got != want {
					t.Errorf("pattern %q host %q: matchHost = %v, openssl says %v", pat, h, got, want)
				}
			}
		})
	}
}

// TestStrictHostMatching checks what strict mode changes: no commonName
// fallback and no partial-label wildcards.
func TestStrictHostMatching(t *testing.T) {
	f := newFactory()
	root := must[*minipki.Cert](t)(f.Root("Host Root"))
	cnOnly := must[*minipki.Cert](t)(root.Leaf("cn.example.com", minipki.Template(func(c *x509.Certificate) { c.DNSNames = nil })))
	partial := must[*minipki.Cert](t)(root.Leaf("x.example.com", minipki.DNS("f*.example.com")))
	full := must[*minipki.Cert](t)(root.Leaf("x.example.com", minipki.DNS("*.example.com")))
	for _, tc := range []struct {
		c            *minipki.Cert
		host         string
		loose, strct bool
	}{
		{cnOnly, "cn.example.com", true, false},
		{partial, "foo.example.com", true, false},
		{full, "foo.example.com", true, true},
		{full, "a.b.example.com", false, false},
	} {
		ci := newCertInfo(tc.c.Cert)
		if got := matchHost(ci, tc.host, false); got != tc.loose {
			t.Errorf("%v %q default: %v, want %v", tc.c.Cert.DNSNames, tc.host, got, tc.loose)
		}
		if got := matchHost(ci, tc.host, true); got != tc.strct {
			t.Errorf("%v %q strict: %v, want %v", tc.c.Cert.DNSNames, tc.host, got, tc.strct)
		}
	}
}
