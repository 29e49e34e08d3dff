package verify

import (
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/x509fallback"
)

// fuzzSeeds returns DER certificates and a CRL of a small hierarchy with
// name constraints, for the fuzz targets' starting corpora.
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
	// Certificates only x509fallback reads, or whose keys and signatures
	// only it verifies.
	fb := fallbackSeeds(f)
	for _, v := range [][3]string{{"expleaf", "expinter", "root"}, {"l_under_sm2", "sm2root", "sm2root"},
		{"pss_mgf", "pss_sha1_20", "rroot"}, {"oidleaf", "oidca", "rroot"}, {"pol_bad1", "pol_ca", "root"}, {"pssroot", "r512root", "pssroot"}} {
		f.Add(fb[v[0]], fb[v[1]], fb[v[2]], []byte{}, "", uint8(0x40))
	}
	f.Fuzz(func(t *testing.T, a, b, c, crlBytes []byte, host string, flags uint8) {
		la, err := x509fallback.ParseCertificate(a)
		if err != nil {
			return
		}
		var others []*x509.Certificate
		for _, d := range [][]byte{b, c} {
			if x, err := x509fallback.ParseCertificate(d); err == nil {
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

// fallbackSeeds are x509fallback's seed certificates, by file name.
func fallbackSeeds(t testing.TB) map[string][]byte {
	files, err := filepath.Glob(filepath.Join("..", "internal", "x509fallback", "testdata", "*.pem"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no x509fallback seed certificates: %v", err)
	}
	out := map[string][]byte{}
	for _, name := range files {
		data := must[[]byte](t)(os.ReadFile(name))
		if b, _ := pem.Decode(data); b != nil {
			out[strings.TrimSuffix(filepath.Base(name), ".pem")] = b.Bytes
		}
	}
	return out
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
