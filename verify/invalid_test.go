package verify

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/internal/minipki"
)

// TestInvalidExtensionDifferential: a certificate with an extension
// OpenSSL cannot decode (EXFLAG_INVALID; here a Netscape cert type that is
// not a BIT STRING) is never linked to its issuer or subject by OpenSSL's
// chain building; its own trusted copy can still anchor it by exact match
// (-partial_chain).
func TestInvalidExtensionDifferential(t *testing.T) {
	needOpenSSL(t)
	f := newFactory()
	bad := minipki.Extra(pkix.Extension{Id: asn1.ObjectIdentifier{2, 16, 840, 1, 113730, 1, 1}, Value: []byte{0x05, 0x00}})
	type tcase struct {
		name string
		tc   func(t *testing.T) opensslCase
	}
	var cases []tcase
	for _, pos := range []string{"root", "intermediate", "leaf"} {
		for _, p := range []Purpose{PurposeAny, PurposeSSLServer, PurposeCRLSign} {
			for _, partial := range []bool{false, true} {
				cases = append(cases, tcase{fmt.Sprintf("%s %s partial %v", pos, p, partial), func(t *testing.T) opensslCase {
					var r, i, l []minipki.Option
					switch pos {
					case "root":
						r = append(r, bad)
					case "intermediate":
						i = append(i, bad)
					case "leaf":
						l = append(l, bad)
					}
					c := newPKI(t, f, "leaf.example.com", r, i, l).std()
					c.purpose, c.partial = p, partial
					return c
				}})
			}
		}
	}
	for _, partial := range []bool{false, true} {
		cases = append(cases, tcase{fmt.Sprintf("self-signed trusted partial %v", partial), func(t *testing.T) opensslCase {
			ss := must[*minipki.Cert](t)(f.SelfSigned("self.example.com", bad))
			return opensslCase{leaf: ss.Cert, trusted: []*x509.Certificate{ss.Cert}, depth: -1, partial: partial}
		}})
		cases = append(cases, tcase{fmt.Sprintf("self-signed untrusted partial %v", partial), func(t *testing.T) opensslCase {
			ss := must[*minipki.Cert](t)(f.SelfSigned("self.example.com", bad))
			return opensslCase{leaf: ss.Cert, depth: -1, partial: partial}
		}})
		for _, p := range []Purpose{PurposeAny, PurposeSSLServer, PurposeSMIMESign} {
			for _, strict := range []bool{false, true} {
				cases = append(cases, tcase{fmt.Sprintf("trusted leaf partial %v %s strict %v", partial, p, strict), func(t *testing.T) opensslCase {
					pk := newPKI(t, f, "leaf.example.com", nil, nil, []minipki.Option{bad})
					return opensslCase{leaf: pk.leaf.Cert, trusted: []*x509.Certificate{pk.leaf.Cert}, depth: -1, partial: partial, purpose: p, strict: strict}
				}})
			}
		}
		cases = append(cases, tcase{fmt.Sprintf("trusted intermediate partial %v", partial), func(t *testing.T) opensslCase {
			p := newPKI(t, f, "leaf.example.com", nil, []minipki.Option{bad}, nil)
			return opensslCase{leaf: p.leaf.Cert, trusted: []*x509.Certificate{p.inter.Cert}, depth: -1, partial: partial}
		}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			want, got, _ := runBoth(t, c.tc(t))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("problems differ from openssl verify (-openssl +ours):\n%s", diff)
			}
		})
	}
}
