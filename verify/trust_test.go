package verify

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/cadir"
	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/keyfile"
)

// anchor is a trusted certificate and the `openssl x509 -trustout`
// arguments that give it trust settings (nil: a plain CERTIFICATE).
type anchor struct {
	c    *x509.Certificate
	args []string
}

// trustCase is one verification with trust settings, asked of `openssl
// verify` and Verify.
type trustCase struct {
	leaf      *x509.Certificate
	untrusted []*x509.Certificate
	anchors   []anchor
	mode      string // "CAfile", "CApath" or "trusted" (openssl -trusted)
	purpose   Purpose
	partial   bool
	strict    bool
}

// runTrustCase writes the anchors as openssl writes them (x509 -trustout),
// verifies with `openssl verify` and with Verify on what keyfile or cadir
// read from the same files, and returns both problem lists.
func runTrustCase(t *testing.T, tc trustCase) (want, got []Problem, res *Result) {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var files [][]byte
	for i, a := range tc.anchors {
		if a.args == nil {
			files = append(files, pemOf(a.c))
			continue
		}
		if tc.mode != "CAfile" {
			// Cheaper: the same bytes as openssl x509 -trustout writes
			// (TestTrustSettingsFromOpenSSL in keyfile checks Marshal).
			files = append(files, trustedPEM(t, a))
			continue
		}
		plain := write(fmt.Sprintf("anchor%d.pem", i), pemOf(a.c))
		out := filepath.Join(dir, fmt.Sprintf("anchor%d-trusted.pem", i))
		opensslOut(t, append([]string{"x509", "-in", plain, "-trustout", "-out", out}, a.args...)...)
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("BEGIN TRUSTED CERTIFICATE")) {
			t.Fatalf("openssl x509 -trustout %v wrote no TRUSTED CERTIFICATE", a.args)
		}
		files = append(files, data)
	}
	opts := &Options{MaxDepth: -1, Time: baseTime, Purpose: tc.purpose, PartialChain: tc.partial, Strict: tc.strict, Intermediates: tc.untrusted}
	args := []string{"verify", "-attime", strconv.FormatInt(baseTime.Unix(), 10), "-no-CAstore"}
	switch tc.mode {
	case "CAfile", "trusted":
		ca := write("ca.pem", bytes.Join(files, nil))
		certs, err := keyfile.LoadTrustedCertificates(ca)
		if err != nil {
			t.Fatal(err)
		}
		opts.Trust = []IssuerSource{NewTrustedPool(tc.mode+" "+ca, certs)}
		if tc.mode == "CAfile" {
			args = append(args, "-CAfile", ca, "-no-CApath")
		} else {
			args = append(args, "-trusted", ca, "-no-CAfile", "-no-CApath")
		}
	case "CApath":
		capath := filepath.Join(dir, "certs")
		if err := os.Mkdir(capath, 0o700); err != nil {
			t.Fatal(err)
		}
		seen := map[uint32]int{}
		for i, data := range files {
			h, err := dn.Hash(tc.anchors[i].c.RawSubject) // X509_NAME_hash, tested against openssl in dn
			if err != nil {
				t.Fatal(err)
			}
			write(fmt.Sprintf("certs/%08x.%d", h, seen[h]), data)
			seen[h]++
		}
		d, err := cadir.Open(capath)
		if err != nil {
			t.Fatal(err)
		}
		opts.Trust = []IssuerSource{d}
		args = append(args, "-CApath", capath, "-no-CAfile")
	default:
		t.Fatalf("mode %q", tc.mode)
	}
	if len(tc.untrusted) > 0 {
		args = append(args, "-untrusted", write("untrusted.pem", pemOf(tc.untrusted...)))
	}
	if tc.purpose != PurposeAny {
		args = append(args, "-purpose", tc.purpose.String())
	}
	if tc.partial {
		args = append(args, "-partial_chain")
	}
	if tc.strict {
		args = append(args, "-x509_strict")
	}
	args = append(args, write("leaf.pem", pemOf(tc.leaf)))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "openssl", args...).CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("openssl: %v", err)
	}
	want = parseOpenSSLVerify(string(out))
	if (err == nil) != (len(want) == 0) || err != nil && ee.ExitCode() != 2 {
		t.Fatalf("openssl exit status %v does not fit its output:\n%s", err, out)
	}
	res = Verify(tc.leaf, opts)
	got = res.Problems
	if diff := cmp.Diff(want, got); diff != "" {
		t.Logf("openssl %s\n%s", strings.Join(args, " "), out)
	}
	return want, got, res
}

// trustedPEM writes a TRUSTED CERTIFICATE with the settings of a's
// openssl x509 arguments.
func trustedPEM(t *testing.T, a anchor) []byte {
	t.Helper()
	names := map[string]asn1.ObjectIdentifier{"serverAuth": oidServerAuth, "clientAuth": oidClientAuth,
		"emailProtection": oidEmailProtect, "timeStamping": oidTimeStamping, "anyExtendedKeyUsage": oidAnyEKU}
	ts := &keyfile.TrustSettings{}
	for i := 0; i+1 < len(a.args); i += 2 {
		v := a.args[i+1]
		switch a.args[i] {
		case "-addtrust":
			ts.Trusted = append(ts.Trusted, names[v])
		case "-addreject":
			ts.Rejected = append(ts.Rejected, names[v])
		case "-setalias":
			ts.Alias = v
		}
		if a.args[i] != "-setalias" && names[v] == nil {
			t.Fatalf("trustedPEM: unknown use %q", v)
		}
	}
	aux, err := ts.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: append(append([]byte{}, a.c.Raw...), aux...)})
}

// trustScenarios are chains whose anchors carry trust settings, each
// checked against openssl in every way of giving trust anchors.
func trustScenarios(t *testing.T) map[string]func(t *testing.T) trustCase {
	f := newFactory()
	sc := map[string]func(t *testing.T) trustCase{}
	add := func(name string, fn func(t *testing.T) trustCase) { sc[name] = fn }
	chain := func(t *testing.T, rootOpts, interOpts, leafOpts []minipki.Option) pki {
		return newPKI(t, f, "leaf.example.com", rootOpts, interOpts, leafOpts)
	}
	std := func(p pki, rootArgs []string, purpose Purpose) trustCase {
		return trustCase{leaf: p.leaf.Cert, untrusted: []*x509.Certificate{p.inter.Cert}, anchors: []anchor{{p.root.Cert, rootArgs}}, purpose: purpose}
	}
	rootOnly := func(args []string, purpose Purpose, leafOpts ...minipki.Option) func(t *testing.T) trustCase {
		return func(t *testing.T) trustCase { return std(chain(t, nil, nil, leafOpts), args, purpose) }
	}
	rejSrv := []string{"-addreject", "serverAuth"}
	trCli := []string{"-addtrust", "clientAuth"}
	trSrv := []string{"-addtrust", "serverAuth"}
	trAny := []string{"-addtrust", "anyExtendedKeyUsage"}
	rejAny := []string{"-addreject", "anyExtendedKeyUsage"}
	alias := []string{"-setalias", "Only An Alias"}
	serverLeaf := minipki.ExtKeyUsage(x509.ExtKeyUsageServerAuth)
	clientLeaf := minipki.ExtKeyUsage(x509.ExtKeyUsageClientAuth)

	for _, p := range []Purpose{PurposeAny, PurposeSSLServer, PurposeSSLClient, PurposeSMIMESign, PurposeCRLSign, PurposeOCSPHelper, PurposeTimestampSign} {
		add("root rejects serverAuth, "+p.String(), rootOnly(rejSrv, p))
		add("root trusted for clientAuth, "+p.String(), rootOnly(trCli, p))
		add("root trusted for anyEKU, "+p.String(), rootOnly(trAny, p))
		add("root rejects anyEKU, "+p.String(), rootOnly(rejAny, p))
	}
	add("root trusted for serverAuth, server leaf, sslserver", rootOnly(trSrv, PurposeSSLServer, serverLeaf))
	add("root trusted for serverAuth, client leaf, sslserver", rootOnly(trSrv, PurposeSSLServer, clientLeaf))
	add("root alias only, sslserver", rootOnly(alias, PurposeSSLServer))
	add("root trusted and rejected for serverAuth, sslserver", rootOnly(append(append([]string{}, trSrv...), rejSrv...), PurposeSSLServer))
	add("root trusted for emailProtection, smimesign", rootOnly([]string{"-addtrust", "emailProtection"}, PurposeSMIMESign, minipki.ExtKeyUsage(x509.ExtKeyUsageEmailProtection)))
	add("root rejects clientAuth only, sslserver", rootOnly([]string{"-addreject", "clientAuth"}, PurposeSSLServer))
	// A purpose mismatch at the anchor is overridden by explicit trust.
	for _, args := range [][]string{nil, trSrv, trAny} {
		add(fmt.Sprintf("root with clientAuth EKU, trust %v, sslserver", args), func(t *testing.T) trustCase {
			return std(chain(t, []minipki.Option{clientLeaf}, nil, nil), args, PurposeSSLServer)
		})
	}
	// Trusted intermediates with trust settings anchor the chain without
	// -partial_chain.
	for _, partial := range []bool{false, true} {
		for _, p := range []Purpose{PurposeAny, PurposeSSLServer} {
			for _, args := range [][]string{nil, trSrv, rejSrv, []string{"-addreject", "clientAuth"}} {
				add(fmt.Sprintf("intermediate trust %v partial %v, %s", args, partial, p), func(t *testing.T) trustCase {
					c := chain(t, nil, nil, nil)
					return trustCase{leaf: c.leaf.Cert, anchors: []anchor{{c.inter.Cert, args}}, purpose: p, partial: partial}
				})
				add(fmt.Sprintf("intermediate trust %v and root, partial %v, %s", args, partial, p), func(t *testing.T) trustCase {
					c := chain(t, nil, nil, nil)
					return trustCase{leaf: c.leaf.Cert, anchors: []anchor{{c.inter.Cert, args}, {c.root.Cert, nil}}, purpose: p, partial: partial}
				})
			}
			add(fmt.Sprintf("expired intermediate trusted for serverAuth, partial %v, %s", partial, p), func(t *testing.T) trustCase {
				c := chain(t, nil, []minipki.Option{minipki.Expired()}, nil)
				return trustCase{leaf: c.leaf.Cert, anchors: []anchor{{c.inter.Cert, trSrv}}, purpose: p, partial: partial}
			})
			// Not a CA: 79, and with explicit trust no 26 after it.
			for _, args := range [][]string{nil, trSrv} {
				add(fmt.Sprintf("non-CA intermediate trust %v, partial %v, %s", args, partial, p), func(t *testing.T) trustCase {
					c := chain(t, nil, []minipki.Option{minipki.Template(func(c *x509.Certificate) { c.IsCA = false })}, nil)
					return trustCase{leaf: c.leaf.Cert, anchors: []anchor{{c.inter.Cert, args}}, purpose: p, partial: partial}
				})
			}
			// A trusted leaf: explicit trust overrides its EKU; rejection is 28.
			for _, args := range [][]string{nil, trSrv, rejSrv, trCli} {
				add(fmt.Sprintf("trusted client leaf %v, partial %v, %s", args, partial, p), func(t *testing.T) trustCase {
					c := chain(t, nil, nil, []minipki.Option{clientLeaf})
					return trustCase{leaf: c.leaf.Cert, anchors: []anchor{{c.leaf.Cert, args}}, purpose: p, partial: partial}
				})
			}
		}
	}
	for _, p := range []Purpose{PurposeAny, PurposeSSLServer, PurposeSSLClient} {
		for _, args := range [][]string{nil, trSrv, rejSrv, trAny} {
			add(fmt.Sprintf("self-signed leaf trust %v, %s", args, p), func(t *testing.T) trustCase {
				ss := must[*minipki.Cert](t)(f.SelfSigned("self.example.com"))
				return trustCase{leaf: ss.Cert, anchors: []anchor{{ss.Cert, args}}, purpose: p}
			})
		}
	}
	// Of two copies of the anchor, the first one read counts.
	add("plain root before its rejecting copy, sslserver", func(t *testing.T) trustCase {
		c := chain(t, nil, nil, nil)
		tc := std(c, nil, PurposeSSLServer)
		tc.anchors = append(tc.anchors, anchor{c.root.Cert, rejSrv})
		return tc
	})
	add("rejecting root before its plain copy, sslserver", func(t *testing.T) trustCase {
		c := chain(t, nil, nil, nil)
		tc := std(c, rejSrv, PurposeSSLServer)
		tc.anchors = append(tc.anchors, anchor{c.root.Cert, nil})
		return tc
	})
	add("root sent by the peer and rejected in the store, sslserver", func(t *testing.T) trustCase {
		c := chain(t, nil, nil, nil)
		tc := std(c, rejSrv, PurposeSSLServer)
		tc.untrusted = append(tc.untrusted, c.root.Cert)
		return tc
	})
	add("strict, CA found by keyUsage only, trusted for serverAuth", func(t *testing.T) trustCase {
		c := chain(t, nil, []minipki.Option{minipki.Template(func(c *x509.Certificate) { c.BasicConstraintsValid, c.IsCA = false, false })}, nil)
		tc := trustCase{leaf: c.leaf.Cert, anchors: []anchor{{c.inter.Cert, trSrv}}, purpose: PurposeSSLServer, strict: true}
		return tc
	})
	return sc
}

// TestTrustSettingsDifferential verifies chains anchored by TRUSTED
// CERTIFICATE files (written by openssl x509 -trustout), given as
// -CAfile, -CApath and -trusted, and requires openssl verify's problems.
func TestTrustSettingsDifferential(t *testing.T) {
	needOpenSSL(t)
	sc := trustScenarios(t)
	if len(sc) < 80 {
		t.Fatalf("only %d scenarios", len(sc))
	}
	var n int
	for name, build := range sc {
		for _, mode := range []string{"CAfile", "CApath", "trusted"} {
			n++
			t.Run(mode+"/"+name, func(t *testing.T) {
				t.Parallel()
				tc := build(t)
				tc.mode = mode
				want, got, res := runTrustCase(t, tc)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("problems differ from openssl verify (-openssl +ours):\n%s", diff)
				}
				if len(want) > 0 && (res.Code != want[0].Code || res.Depth != want[0].Depth || res.Hint == "") {
					t.Errorf("Code/Depth = %d/%d (hint %q), openssl's first error %d/%d", res.Code, res.Depth, res.Hint, want[0].Code, want[0].Depth)
				}
				if len(want) == 0 && (!res.OK() || res.TrustSource == "") {
					t.Errorf("openssl verified the chain; we got code %d, trust source %q", res.Code, res.TrustSource)
				}
			})
		}
	}
	t.Logf("%d differential cases", n)
}

// TestTrustSettingsFinalCodeMatchesSClient: past a rejected anchor (28)
// s_client's callback continues, and the chain stays untrusted; FinalCode
// must be what s_client reports.
func TestTrustSettingsFinalCodeMatchesSClient(t *testing.T) {
	needOpenSSL(t)
	f := newFactory()
	cases := map[string]struct {
		args  []string
		inter bool // the intermediate is the anchor
		sent  bool // the root is sent too
	}{
		"root rejects serverAuth":              {args: []string{"-addreject", "serverAuth"}},
		"root trusted for clientAuth":          {args: []string{"-addtrust", "clientAuth"}},
		"root rejected, sent by the peer":      {args: []string{"-addreject", "serverAuth"}, sent: true},
		"intermediate rejects serverAuth":      {args: []string{"-addreject", "serverAuth"}, inter: true},
		"intermediate trusted for serverAuth":  {args: []string{"-addtrust", "serverAuth"}, inter: true},
		"root trusted for anyExtendedKeyUsage": {args: []string{"-addtrust", "anyExtendedKeyUsage"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := newPKI(t, f, "leaf.example.com", nil, nil, nil)
			dir := t.TempDir()
			a := p.root.Cert
			if tc.inter {
				a = p.inter.Cert
			}
			plain := filepath.Join(dir, "anchor.pem")
			if err := os.WriteFile(plain, pemOf(a), 0o600); err != nil {
				t.Fatal(err)
			}
			ca := filepath.Join(dir, "ca.pem")
			opensslOut(t, append([]string{"x509", "-in", plain, "-trustout", "-out", ca}, tc.args...)...)
			chain := []*minipki.Cert{p.leaf, p.inter}
			if tc.sent {
				chain = append(chain, p.root)
			}
			want := sClientFinalCode(t, chain, nil, "-CAfile", ca)
			t.Logf("s_client verify return code %d", want)
			certs, err := keyfile.LoadTrustedCertificates(ca)
			if err != nil {
				t.Fatal(err)
			}
			var inter []*x509.Certificate
			for _, c := range chain[1:] {
				inter = append(inter, c.Cert)
			}
			res := Verify(p.leaf.Cert, &Options{Trust: []IssuerSource{NewTrustedPool("ca-file", certs)}, Intermediates: inter,
				MaxDepth: -1, Time: baseTime, Purpose: PurposeSSLServer})
			if res.FinalCode != want {
				t.Errorf("FinalCode = %d, s_client says %d (all problems %v)", res.FinalCode, want, res.AllProblems())
			}
		})
	}
}

// FuzzVerifyTrust verifies a leaf against one anchor carrying random trust
// settings, for every purpose: Verify must not panic, and a rejection (28)
// only comes from settings that reject or restrict.
func FuzzVerifyTrust(f *testing.F) {
	leaf, inter, root, _ := fuzzSeeds(f)
	for _, ts := range []*keyfile.TrustSettings{
		{Trusted: []asn1.ObjectIdentifier{oidServerAuth}},
		{Rejected: []asn1.ObjectIdentifier{oidAnyEKU}},
		{Trusted: []asn1.ObjectIdentifier{}, Alias: "x"},
	} {
		aux, err := ts.Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(leaf, inter, root, aux, uint8(1), uint8(0))
		f.Add(leaf, inter, inter, aux, uint8(2), uint8(8))
		f.Add(leaf, inter, leaf, aux, uint8(7), uint8(8))
	}
	f.Fuzz(func(t *testing.T, a, b, c, aux []byte, purpose, flags uint8) {
		la, err := x509.ParseCertificate(a)
		if err != nil {
			return
		}
		anchor, err := x509.ParseCertificate(c)
		if err != nil {
			return
		}
		ts, err := keyfile.ParseTrustSettings(aux)
		if err != nil {
			ts = nil
		}
		var inters []*x509.Certificate
		if x, err := x509.ParseCertificate(b); err == nil {
			inters = append(inters, x)
		}
		opts := &Options{MaxDepth: -1, Time: baseTime, Purpose: Purpose(int(purpose) % (len(purposeNames) + 1)),
			PartialChain: flags&8 != 0, Strict: flags&16 != 0, Intermediates: inters,
			Trust: []IssuerSource{NewTrustedPool("fuzz", []keyfile.TrustedCertificate{{Cert: anchor, Trust: ts}})}}
		res := verify(la, opts)
		if res.OK() != (res.Code == 0) || (res.Code != 0 && len(res.Problems) == 0) {
			t.Fatalf("inconsistent result: code %d problems %v", res.Code, res.Problems)
		}
		for _, p := range res.AllProblems() {
			if p.Code == CertRejected && (ts == nil || ts.Trusted == nil && len(ts.Rejected) == 0) {
				t.Fatalf("28 without rejecting trust settings: %v", res.AllProblems())
			}
		}
	})
}
