package verify

import (
	"crypto/x509"
	"strings"
	"testing"

	"github.com/sslstream/sslstream/internal/minipki"
)

// TestMissingIssuerHints: the hints for an issuer that is neither sent nor
// trusted (20/21), an untrusted root sent along (19) and a trusted CA of
// the right name but the wrong key. The codes are checked against openssl
// verify; the hints must not claim an intermediate is missing when the
// issuer may as well be an untrusted root.
func TestMissingIssuerHints(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	f := newFactory()
	ours := must[*minipki.Cert](t)(f.Root("Our Root CA"))
	other := must[*minipki.Cert](t)(f.Root("Some Other Root CA"))
	client := must[*minipki.Cert](t)(other.Leaf("client.example", minipki.ExtKeyUsage(x509.ExtKeyUsageClientAuth)))
	otherInter := must[*minipki.Cert](t)(other.Intermediate("Other Intermediate CA"))
	behindInter := must[*minipki.Cert](t)(otherInter.Leaf("behind.example"))
	// Same name as the other root, another key: as if it had been re-keyed.
	rekeyed := must[*minipki.Cert](t)(f.Root("Some Other Root CA"))

	for _, tc := range []struct {
		name      string
		c         opensslCase
		code      int
		depth     int
		want      []string
		forbidden []string
	}{
		{
			name:  "client certificate from another CA, sent alone",
			c:     opensslCase{leaf: client.Cert, trusted: []*x509.Certificate{ours.Cert}, depth: -1},
			code:  UnableToGetIssuerCertLocally,
			depth: 0,
			want: []string{
				`the peer sent only its own certificate "CN = client.example", issued by "CN = Some Other Root CA", which is not in ca-file/ca-directory either`,
				`if "CN = Some Other Root CA" is a root you trust, add it to ca-file/ca-directory`,
				"if it is an intermediate CA, the peer must send it along",
			},
			forbidden: []string{"did not send the intermediate"},
		},
		{
			name:  "client certificate with its untrusted root",
			c:     opensslCase{leaf: client.Cert, untrusted: []*x509.Certificate{other.Cert}, trusted: []*x509.Certificate{ours.Cert}, depth: -1},
			code:  SelfSignedCertInChain,
			depth: 1,
			want:  []string{`the root "CN = Some Other Root CA" sent by the peer is not trusted`},
		},
		{
			name:  "intermediate sent, its root unknown",
			c:     opensslCase{leaf: behindInter.Cert, untrusted: []*x509.Certificate{otherInter.Cert}, trusted: []*x509.Certificate{ours.Cert}, depth: -1},
			code:  UnableToGetIssuerCertLocally,
			depth: 1,
			want: []string{
				`"CN = Other Intermediate CA" was issued by "CN = Some Other Root CA", which is neither sent by the peer nor in ca-file/ca-directory`,
				`if "CN = Some Other Root CA" is a root you trust`,
			},
			forbidden: []string{"sent only its own certificate"},
		},
		{
			name:  "trusted CA of the same name, another key",
			c:     opensslCase{leaf: client.Cert, trusted: []*x509.Certificate{rekeyed.Cert}, depth: -1},
			code:  UnableToGetIssuerCertLocally,
			depth: 0,
			want: []string{
				`ca-file/ca-directory holds a certificate named "CN = Some Other Root CA", but it did not issue "CN = client.example"`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, _, res := runBoth(t, tc.c)
			if len(want) == 0 || want[0].Code != tc.code || want[0].Depth != tc.depth {
				t.Fatalf("openssl verify: %v, want %d at depth %d first", want, tc.code, tc.depth)
			}
			if res.Code != tc.code || res.Depth != tc.depth {
				t.Fatalf("Code %d at %d, want %d at %d", res.Code, res.Depth, tc.code, tc.depth)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Hint, w) {
					t.Errorf("hint %q lacks %q", res.Hint, w)
				}
			}
			for _, w := range tc.forbidden {
				if strings.Contains(res.Hint, w) {
					t.Errorf("hint %q says %q", res.Hint, w)
				}
			}
		})
	}
}

// TestHintNamesTheTrustSettings: the advice names the settings the
// anchors come from when Options.TrustSettings says which, and
// ca-file/ca-directory otherwise.
func TestHintNamesTheTrustSettings(t *testing.T) {
	t.Parallel()
	f := newFactory()
	ours := must[*minipki.Cert](t)(f.Root("Our Root CA"))
	other := must[*minipki.Cert](t)(f.Root("Some Other Root CA"))
	leaf := must[*minipki.Cert](t)(other.Leaf("leaf.example"))
	for _, tc := range []struct{ settings, want string }{
		{"", "add it to ca-file/ca-directory"},
		{"verify-ca-file/verify-ca-directory", "add it to verify-ca-file/verify-ca-directory"},
	} {
		r := Verify(leaf.Cert, &Options{Trust: []IssuerSource{NewPool([]*x509.Certificate{ours.Cert})}, TrustSettings: tc.settings})
		if r.Code != UnableToGetIssuerCertLocally {
			t.Fatalf("code %d, want %d", r.Code, UnableToGetIssuerCertLocally)
		}
		if h := r.Hint; !strings.Contains(h, tc.want) || (tc.settings != "" && strings.Contains(h, " ca-file/")) {
			t.Errorf("TrustSettings %q: hint %q, want it to say %q", tc.settings, h, tc.want)
		}
	}
}
