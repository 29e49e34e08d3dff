package verify

import (
	"crypto/x509"
	"math/big"
	"testing"
	"time"

	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/internal/minipki"
)

// fuzzSeeds returns DER certificates and a CRL of a small hierarchy with
// name constraints, for the seed corpora.
func fuzzSeeds(t testing.TB) (leaf, inter, root, crlDER []byte) {
	f := newFactory()
	p := newPKI(t, f, "fuzz.example.com", nil, []minipki.Option{nameConstraintsOpt([]string{"example.com"}, []string{"bad.example.com"}, nil)},
		[]minipki.Option{minipki.IP("192.0.2.1"), minipki.Email("a@example.com")})
	c := must[[]byte](t)(p.inter.CRL([]*big.Int{big.NewInt(7)}, baseTime.Add(-time.Hour), baseTime.Add(time.Hour)))
	return p.leaf.Cert.Raw, p.inter.Cert.Raw, p.root.Cert.Raw, c
}

// FuzzVerify verifies random certificate bytes and chains: Verify must
// never panic, whatever it is given.
func FuzzVerify(f *testing.F) {
	leaf, inter, root, crlDER := fuzzSeeds(f)
	f.Add(leaf, inter, root, crlDER, "fuzz.example.com", uint8(0))
	f.Add(leaf, inter, root, crlDER, "192.0.2.1", uint8(0xff))
	f.Add(root, root, root, crlDER, "*.example.com", uint8(0x55))
	f.Add(inter, leaf, root, []byte{}, "", uint8(0xaa))
	f.Fuzz(func(t *testing.T, a, b, c, crlBytes []byte, host string, flags uint8) {
		la, err := x509.ParseCertificate(a)
		if err != nil {
			return
		}
		var others []*x509.Certificate
		for _, d := range [][]byte{b, c} {
			if x, err := x509.ParseCertificate(d); err == nil {
				others = append(others, x)
			}
		}
		opts := &Options{MaxDepth: int(flags%5) - 1, Time: baseTime, Hostname: host,
			Purpose: Purpose(flags % 3), PartialChain: flags&8 != 0, Strict: flags&16 != 0,
			CRLCheck: CRLMode((flags >> 5) % 3)}
		if flags&64 != 0 {
			opts.Trust = []IssuerSource{NewPool(others)}
		} else {
			opts.Trust = []IssuerSource{NewPool(others[min(1, len(others)):])}
			opts.Intermediates = others[:min(1, len(others))]
		}
		if cs, err := crl.Parse(crlBytes, "fuzz"); err == nil {
			opts.CRLs = []CRLSource{crl.NewStore(cs...)}
		}
		res := verify(la, opts)
		if res.OK() != (res.Code == 0) || (res.Code != 0 && len(res.Problems) == 0) {
			t.Fatalf("inconsistent result: code %d problems %v", res.Code, res.Problems)
		}
	})
}

// FuzzExtensionParsers feeds random bytes to the extension parsers and the
// host name matchers.
func FuzzExtensionParsers(f *testing.F) {
	leaf, inter, _, _ := fuzzSeeds(f)
	for _, der := range [][]byte{leaf, inter} {
		c := must[*x509.Certificate](f)(x509.ParseCertificate(der))
		for _, e := range c.Extensions {
			f.Add(e.Value, "fuzz.example.com")
		}
	}
	f.Add([]byte{0x30, 0x00}, "*.a.b")
	f.Fuzz(func(t *testing.T, v []byte, host string) {
		ci := &certInfo{pathLen: -1}
		ci.parseBC(v)
		ci.parseAKID(v)
		names, _ := parseGeneralNames(cryptobyteString(v), true)
		ci.sans = names
		nc, _ := parseNameConstraints(v)
		parseCRLDP(v)
		_ = matchIP(ci, []byte(host))
		equalWildcard(v, []byte(host), false)
		equalWildcard([]byte(host), v, true)
		looksLikeDNS(v)
		validDNSName(v, true)
		if nc != nil {
			for _, g := range names {
				ncMatch(g, nc)
			}
			ncMatch(generalName{typ: genDNS, value: []byte(host)}, nc)
			ncMatch(generalName{typ: genURI, value: []byte(host)}, nc)
			ncMatch(generalName{typ: genEmail, value: []byte(host)}, nc)
			ncMatch(generalName{typ: genIP, value: []byte(host)}, nc)
			ncMatch(generalName{typ: genDir, value: v}, nc)
		}
	})
}

// FuzzA2ULabel feeds constraint host names to the A-label decoder and the
// SmtpUTF8Mailbox matcher: no panic, and a decoded result fits the buffer.
func FuzzA2ULabel(f *testing.F) {
	for _, s := range []string{"xn--bcher-kva.example", ".example.com", "xn--", "xn---", "xn--ab!.x", "xn--zzzzzzzzzzzz"} {
		f.Add(s, "u@example.com")
	}
	f.Fuzz(func(t *testing.T, base, mailbox string) {
		if out, ok := a2ulabel([]byte(base), ulabelSize); ok && len(out) >= ulabelSize {
			t.Fatalf("a2ulabel(%q) = %d bytes", base, len(out))
		}
		other := append(oidDER(oidSmtpUTF8), tlv(0xa0, utf8V(mailbox))...)
		switch r := ncEmailEAI(other, []byte(base)); r {
		case OK, PermittedViolation, UnsupportedNameSyntax, Unspecified:
		default:
			t.Fatalf("ncEmailEAI = %d", r)
		}
	})
}
