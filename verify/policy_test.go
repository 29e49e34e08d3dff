package verify

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Policy OIDs of the policy tests.
const (
	pol1 = "1.3.6.1.4.1.55555.1"
	pol2 = "1.3.6.1.4.1.55555.2"
	pol3 = "1.3.6.1.4.1.55555.3"
	polA = "anyPolicy"
)

// policyPKI makes certificates with openssl (x509 -req -extfile), one key
// and request per subject, so that each certificate costs one openssl run.
type policyPKI struct {
	t    testing.TB
	dir  string
	mu   sync.Mutex
	n    int
	made time.Time
}

const (
	caExt   = "basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n"
	akidExt = "authorityKeyIdentifier=keyid\n"
)

func runOpenSSL(t testing.TB, dir string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "openssl", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func newPolicyPKI(t testing.TB, subjects ...string) *policyPKI {
	needOpenSSL(t)
	p := &policyPKI{t: t, dir: t.TempDir()}
	for _, s := range subjects {
		// rootx and leafx have the names of their issuers (self-issued
		// certificates), under keys of their own.
		cn := s
		switch s {
		case "rootx":
			cn = "root"
		case "leafx":
			cn = "ca1"
		}
		runOpenSSL(t, p.dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", s+".key")
		runOpenSSL(t, p.dir, "req", "-new", "-key", s+".key", "-subj", "/CN=Policy "+cn, "-out", s+".csr")
	}
	p.made = time.Now()
	return p
}

// cert issues subject's certificate with the extension lines ext, signed
// by issuer ("" for self-signed).
func (p *policyPKI) cert(subject, issuer, ext string) *x509.Certificate {
	t := p.t
	t.Helper()
	p.mu.Lock()
	p.n++
	n := p.n
	p.mu.Unlock()
	extFile := filepath.Join(p.dir, fmt.Sprintf("c%d.ext", n))
	out := filepath.Join(p.dir, fmt.Sprintf("c%d.pem", n))
	if err := os.WriteFile(extFile, []byte(ext), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"x509", "-req", "-in", subject + ".csr", "-days", "30", "-set_serial", fmt.Sprint(1000 + n), "-extfile", extFile, "-out", out}
	if issuer == "" {
		args = append(args, "-key", subject+".key")
	} else {
		args = append(args, "-CA", issuer, "-CAkey", strings.TrimSuffix(issuer, ".pem")+".key")
	}
	runOpenSSL(t, p.dir, args...)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatalf("%s: no PEM", out)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatalf("crypto/x509 refuses the certificate made with\n%s\n%v", ext, err)
	}
	// The issuer of the next certificate is this file, under the
	// subject's key.
	if err := os.WriteFile(filepath.Join(p.dir, subject+".pem"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

// policyChain is the extension lines of each CA below the root, top first,
// and of the leaf.
type policyChain struct {
	name string
	root string // extra lines of the root
	cas  []string
	leaf string
	// rootx: the first CA is self-issued (named as the root, another
	// key); leafx: the leaf is named as its issuer, the one CA.
	rootx, leafx bool
}

// build issues the chain; the leaf first, then the intermediates, then the
// root. Chains are built one at a time (the issuer files are shared).
func (p *policyPKI) build(pc policyChain) (leaf *x509.Certificate, inters []*x509.Certificate, root *x509.Certificate) {
	root = p.cert("root", "", caExt+pc.root)
	issuer := "root.pem"
	for i, ext := range pc.cas {
		s := fmt.Sprintf("ca%d", i+1)
		if pc.rootx {
			s = fmt.Sprintf("ca%d", i)
			if i == 0 {
				s = "rootx"
			}
		}
		inters = append([]*x509.Certificate{p.cert(s, issuer, caExt+akidExt+ext)}, inters...)
		issuer = s + ".pem"
	}
	name := "leaf"
	if pc.leafx {
		name = "leafx"
	}
	leaf = p.cert(name, issuer, "basicConstraints=CA:false\n"+akidExt+pc.leaf)
	return leaf, inters, root
}

// policyFlags is one set of policy options given to both.
type policyFlags struct {
	name                                       string
	policies                                   []string
	explicit, inhibitAny, inhibitMap, checkPol bool
}

func policyFlagSets() []policyFlags {
	return []policyFlags{
		{name: "none"},
		{name: "policy_check", checkPol: true},
		{name: "explicit", explicit: true},
		{name: "explicit_p1", explicit: true, policies: []string{pol1}},
		{name: "explicit_p3", explicit: true, policies: []string{pol3}},
		{name: "explicit_p2p3", explicit: true, policies: []string{pol2, pol3}},
		{name: "explicit_any", explicit: true, policies: []string{polA}},
		{name: "p1", policies: []string{pol1}},
		{name: "inhibit_any_explicit_p1", explicit: true, inhibitAny: true, policies: []string{pol1}},
		{name: "inhibit_map_explicit_p3", explicit: true, inhibitMap: true, policies: []string{pol3}},
		{name: "inhibit_any_map", inhibitAny: true, inhibitMap: true},
	}
}

func cpols(oids ...string) string {
	return "certificatePolicies=" + strings.Join(oids, ",") + "\n"
}

func pmaps(pairs ...string) string { return "policyMappings=" + strings.Join(pairs, ",") + "\n" }

// policyChains lists the chains: one CA level with many kinds of CA and
// leaf, and longer chains with mappings and constraints.
func policyChains() []policyChain {
	var out []policyChain
	caKinds := []struct{ name, ext string }{
		{"none", ""},
		{"p1", cpols(pol1)},
		{"p1p2", cpols(pol1, pol2)},
		{"any", cpols(polA)},
		{"p1_map_p3", cpols(pol1) + pmaps(pol1+":"+pol3)},
		{"any_map_p2p3", cpols(polA) + pmaps(pol2+":"+pol3)},
		{"p1_req0", cpols(pol1) + "policyConstraints=requireExplicitPolicy:0\n"},
		{"p1p2_req1", cpols(pol1, pol2) + "policyConstraints=requireExplicitPolicy:1\n"},
		{"any_inh0", cpols(polA) + "inhibitAnyPolicy=0\n"},
		{"any_map_inhmap0", cpols(polA) + pmaps(pol1+":"+pol3) + "policyConstraints=inhibitPolicyMapping:0\n"},
		{"p1_badpc", cpols(pol1) + "policyConstraints=DER:3000\n"},
		{"any_map_to_any", cpols(polA) + "policyMappings=DER:3013301106092b0601040183b203010604551d2000\n"},
		{"p1_emptymap", cpols(pol1) + "policyMappings=DER:3000\n"},
		{"emptypols_req0", "certificatePolicies=DER:3000\npolicyConstraints=requireExplicitPolicy:0\n"},
		{"req0_nopols", "policyConstraints=requireExplicitPolicy:0\n"},
		{"p1_negreq", cpols(pol1) + "policyConstraints=DER:30038001ff\n"},
		{"any_neginh", cpols(polA) + "inhibitAnyPolicy=DER:0201ff\n"},
		{"crit_quals_any", "certificatePolicies=critical,@pq1,@pq2,2.5.29.32.0\n[pq1]\npolicyIdentifier=" + pol1 +
			"\nCPS.1=http://cps.example/\nCPS.2=http://two.example/\nuserNotice.1=@un1\n[un1]\nexplicitText=Hello\norganization=Org\nnoticeNumbers=1,2\n" +
			"[pq2]\npolicyIdentifier=" + pol2 + "\nuserNotice.1=@un2\n[un2]\nexplicitText=Only\n"},
	}
	leafKinds := []struct{ name, ext string }{
		{"none", ""},
		{"p1", cpols(pol1)},
		{"p3", cpols(pol3)},
		{"any", cpols(polA)},
	}
	for _, ca := range caKinds {
		for _, lf := range leafKinds {
			out = append(out, policyChain{name: "ca_" + ca.name + "/leaf_" + lf.name, cas: []string{ca.ext}, leaf: lf.ext})
		}
	}
	// The leaf alone below the root: the root's extensions never count.
	for _, lf := range []struct{ name, ext string }{
		{"none", ""}, {"p1", cpols(pol1)}, {"req0", cpols(pol1) + "policyConstraints=requireExplicitPolicy:0\n"},
		{"badpc", cpols(pol1) + "policyConstraints=DER:3000\n"},
		{"badqual", "certificatePolicies=DER:301e301c06092b0601040183b20301300f300d06082b06010505070201020102\n"},
		{"cps", "certificatePolicies=@pi\n[pi]\npolicyIdentifier=" + pol1 + "\nCPS.1=http://cps.example/\n"},
	} {
		out = append(out, policyChain{name: "root_req0/leaf_" + lf.name, root: "policyConstraints=requireExplicitPolicy:0\n" + cpols(pol2), leaf: lf.ext})
	}
	// Two CA levels.
	for _, c := range []struct {
		name string
		cas  []string
		leaf string
	}{
		{"p1_p1_p1", []string{cpols(pol1), cpols(pol1)}, cpols(pol1)},
		{"p1_p2_p1", []string{cpols(pol1), cpols(pol2)}, cpols(pol1)},
		{"any_any_p3", []string{cpols(polA), cpols(polA)}, cpols(pol3)},
		{"any_p1p2_any", []string{cpols(polA), cpols(pol1, pol2)}, cpols(polA)},
		{"map13_p3_p3", []string{cpols(pol1) + pmaps(pol1+":"+pol3), cpols(pol3)}, cpols(pol3)},
		{"map13_p1_p1", []string{cpols(pol1) + pmaps(pol1+":"+pol3), cpols(pol1)}, cpols(pol1)},
		{"map13_any_p3", []string{cpols(pol1) + pmaps(pol1+":"+pol3), cpols(polA)}, cpols(pol3)},
		{"anymap12_p2_p2", []string{cpols(polA) + pmaps(pol1+":"+pol2), cpols(pol2)}, cpols(pol2)},
		{"map12_13_p2p3_p3", []string{cpols(pol1) + pmaps(pol1+":"+pol2, pol1+":"+pol3), cpols(pol2, pol3)}, cpols(pol3)},
		{"inhmap0_map_p3", []string{cpols(pol1) + "policyConstraints=inhibitPolicyMapping:0\n", cpols(pol1) + pmaps(pol1+":"+pol3)}, cpols(pol3)},
		{"inhmap1_map_p3", []string{cpols(polA) + "policyConstraints=inhibitPolicyMapping:1\n", cpols(pol1) + pmaps(pol1+":"+pol3)}, cpols(pol3)},
		{"inhany0_any_p1", []string{cpols(polA) + "inhibitAnyPolicy=0\n", cpols(polA)}, cpols(pol1)},
		{"inhany1_any_p1", []string{cpols(polA) + "inhibitAnyPolicy=1\n", cpols(polA)}, cpols(pol1)},
		{"inhany1_any_any", []string{cpols(polA) + "inhibitAnyPolicy=1\n", cpols(polA)}, cpols(polA)},
		{"req0_none_p1", []string{cpols(pol1) + "policyConstraints=requireExplicitPolicy:0\n", ""}, cpols(pol1)},
		{"req1_p1_none", []string{cpols(pol1) + "policyConstraints=requireExplicitPolicy:1\n", cpols(pol1)}, ""},
		{"req2_p1_none", []string{cpols(pol1) + "policyConstraints=requireExplicitPolicy:2\n", cpols(pol1)}, ""},
		{"req2_p1_p2", []string{cpols(pol1) + "policyConstraints=requireExplicitPolicy:2\n", cpols(pol1)}, cpols(pol2)},
		{"none_req0_p1", []string{"", cpols(pol1) + "policyConstraints=requireExplicitPolicy:0\n"}, cpols(pol1)},
		{"none_badpc_badleaf", []string{"", cpols(pol1) + "policyConstraints=DER:3000\n"}, cpols(pol1) + "policyConstraints=DER:3000\n"},
		{"badpc_p1_badleaf", []string{cpols(pol1) + "policyConstraints=DER:3000\n", cpols(pol1)}, cpols(pol1) + "inhibitAnyPolicy=DER:0201ff\n"},
		{"p1_p1_leafreq0", []string{cpols(pol1), cpols(pol1)}, cpols(pol1) + "policyConstraints=requireExplicitPolicy:0\n"},
		{"any_any_leafreq0_p2", []string{cpols(polA), cpols(polA)}, cpols(pol2) + "policyConstraints=requireExplicitPolicy:0\n"},
		{"map_chain_any", []string{cpols(polA) + pmaps(pol1+":"+pol2), cpols(polA) + pmaps(pol2+":"+pol3)}, cpols(pol3)},
	} {
		out = append(out, policyChain{name: "two/" + c.name, cas: c.cas, leaf: c.leaf})
	}
	// Self-issued CAs and leaves do not count down the skip counters.
	for _, c := range []struct {
		name         string
		cas          []string
		leaf         string
		rootx, leafx bool
	}{
		{"x_any_any_p1", []string{cpols(polA), cpols(polA)}, cpols(pol1), true, false},
		{"x_anyinh0_any_p1", []string{cpols(polA) + "inhibitAnyPolicy=0\n", cpols(polA)}, cpols(pol1), true, false},
		{"x_anyinh1_any_p1", []string{cpols(polA) + "inhibitAnyPolicy=1\n", cpols(polA)}, cpols(pol1), true, false},
		{"x_req1_p1_none", []string{cpols(pol1) + "policyConstraints=requireExplicitPolicy:1\n", cpols(pol1)}, "", true, false},
		{"x_req1_none_p1", []string{cpols(pol1) + "policyConstraints=requireExplicitPolicy:1\n", ""}, cpols(pol1), true, false},
		{"x_inhmap1_map_p3", []string{cpols(polA) + "policyConstraints=inhibitPolicyMapping:1\n", cpols(pol1) + pmaps(pol1+":"+pol3)}, cpols(pol3), true, false},
		{"x_map13_p3", []string{cpols(pol1) + pmaps(pol1+":"+pol3)}, cpols(pol3), true, false},
		{"leafx_any_any", []string{cpols(polA)}, cpols(polA), false, true},
		{"leafx_anyinh0_any", []string{cpols(polA) + "inhibitAnyPolicy=0\n"}, cpols(polA), false, true},
		{"leafx_anyinh1_any", []string{cpols(polA) + "inhibitAnyPolicy=1\n"}, cpols(polA), false, true},
		{"leafx_p1_req1", []string{cpols(pol1) + "policyConstraints=requireExplicitPolicy:1\n"}, "", false, true},
	} {
		out = append(out, policyChain{name: "selfissued/" + c.name, cas: c.cas, leaf: c.leaf, rootx: c.rootx, leafx: c.leafx})
	}
	return out
}

// TestPolicyAgainstOpenSSL verifies every chain of policyChains under
// every option set of policyFlagSets with openssl verify and Verify, and
// compares the problems: code, depth, text, subject, in order (and so the
// exit status).
func TestPolicyAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	p := newPolicyPKI(t, "root", "rootx", "ca1", "ca2", "leaf", "leafx")
	chains := policyChains()
	type built struct {
		pc         policyChain
		leaf, root *x509.Certificate
		inters     []*x509.Certificate
	}
	var all []built
	for _, pc := range chains {
		leaf, inters, root := p.build(pc)
		all = append(all, built{pc, leaf, root, inters})
	}
	at := time.Now().Add(time.Minute).Truncate(time.Second)
	cases := 0
	var mu sync.Mutex
	outcomes := map[string]int{}
	t.Run("cases", func(t *testing.T) {
		for _, b := range all {
			for _, f := range policyFlagSets() {
				cases++
				b, f := b, f
				t.Run(b.pc.name+"/"+f.name, func(t *testing.T) {
					t.Parallel()
					tc := opensslCase{leaf: b.leaf, untrusted: b.inters, trusted: []*x509.Certificate{b.root}, depth: -1, at: at,
						policies: f.policies, explicitPolicy: f.explicit, inhibitAny: f.inhibitAny, inhibitMap: f.inhibitMap, policyCheck: f.checkPol}
					var out string
					tc.policyPrint, tc.output = true, &out
					want, got, res := runBoth(t, tc)
					ours := ""
					if len(got) == 0 || got[len(got)-1].Code == NoExplicitPolicy {
						ours = res.PolicyTree
					}
					if diff := cmp.Diff(policyBlock(out), ours); diff != "" {
						t.Errorf("policy tree printed differs (-openssl +ours):\n%s", diff)
					}
					key := "OK"
					if len(want) > 0 {
						key = fmt.Sprint(want[len(want)-1].Code)
					}
					mu.Lock()
					outcomes[key]++
					mu.Unlock()
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("problems differ (-openssl +ours):\n%s", diff)
					}
				})
			}
		}
	})
	t.Logf("%d chains, %d differential cases; openssl's outcomes: %v", len(all), cases, outcomes)
}

// policyBlock is the policy tree openssl verify printed (policies_print).
func policyBlock(out string) string {
	i := strings.Index(out, "Require explicit Policy: ")
	if i < 0 {
		return ""
	}
	var b strings.Builder
	user := false
	for _, l := range strings.SplitAfter(out[i:], "\n") {
		if user && !strings.HasPrefix(l, "  ") {
			break
		}
		b.WriteString(l)
		user = user || strings.HasPrefix(l, "User Policies:")
	}
	return b.String()
}

// meshed returns the extension lines of a CA with k policies, each mapped
// to all k: every node of its level links to k nodes of the next, so the
// tree grows k-fold per such CA.
func meshed(k int, mapped bool) string {
	var oids, maps []string
	for i := 1; i <= k; i++ {
		oids = append(oids, fmt.Sprintf("1.3.6.1.4.1.55555.%d", i))
		for j := 1; j <= k; j++ {
			maps = append(maps, fmt.Sprintf("1.3.6.1.4.1.55555.%d:1.3.6.1.4.1.55555.%d", i, j))
		}
	}
	ext := cpols(oids...)
	if mapped {
		ext += pmaps(maps...)
	}
	return ext
}

// TestPolicyTreeBoundAgainstOpenSSL checks the bound of 1000 nodes OpenSSL
// 3.0 puts on the policy tree (CVE-2023-0464) on trees just below and
// above it, and that a chain whose tree would grow to millions of nodes is
// refused at once (code 17, no error line: OpenSSL's X509_verify_cert
// fails without calling back).
func TestPolicyTreeBoundAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	p := newPolicyPKI(t, "root", "ca1", "ca2", "ca3", "ca4", "ca5", "ca6", "ca7", "ca8", "leaf")
	m5 := meshed(5, true)
	chains := []policyChain{
		// 1+5+25+125+625 = 781 nodes.
		{name: "mesh5x3_leaf5", cas: []string{m5, m5, m5}, leaf: meshed(5, false)},
		// A fifth level of 3125 nodes.
		{name: "mesh5x4_leaf5", cas: []string{m5, m5, m5, m5}, leaf: meshed(5, false)},
		// 781 + 125 = 906.
		{name: "mesh5x3_plain5_leaf1", cas: []string{m5, m5, m5, meshed(5, false)}, leaf: cpols("1.3.6.1.4.1.55555.1")},
		// 781 + 250 = 1031.
		{name: "mesh5x3_plain5_leaf2", cas: []string{m5, m5, m5, meshed(5, false)}, leaf: cpols("1.3.6.1.4.1.55555.1", "1.3.6.1.4.1.55555.2")},
		// 8^8 nodes without the bound.
		{name: "mesh8x8", cas: []string{meshed(8, true), meshed(8, true), meshed(8, true), meshed(8, true), meshed(8, true), meshed(8, true), meshed(8, true), meshed(8, true)}, leaf: meshed(8, false)},
	}
	at := time.Now().Add(time.Minute).Truncate(time.Second)
	outcomes := map[string]int{}
	for _, pc := range chains {
		leaf, inters, root := p.build(pc)
		for _, f := range []policyFlags{{name: "none"}, {name: "policy_check", checkPol: true}, {name: "explicit_p1", explicit: true, policies: []string{"1.3.6.1.4.1.55555.1"}}} {
			t.Run(pc.name+"/"+f.name, func(t *testing.T) {
				tc := opensslCase{leaf: leaf, untrusted: inters, trusted: []*x509.Certificate{root}, depth: -1, at: at,
					policies: f.policies, explicitPolicy: f.explicit, policyCheck: f.checkPol}
				start := time.Now()
				want, got, res := runBoth(t, tc)
				if d := time.Since(start); d > 20*time.Second {
					t.Errorf("took %v", d)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("problems differ (-openssl +ours):\n%s", diff)
				}
				key := "OK"
				if len(want) > 0 {
					key = fmt.Sprint(want[len(want)-1].Code)
				}
				outcomes[key]++
				if res.Code == OutOfMem && res.FinalCode != OutOfMem {
					t.Errorf("final code %d after an aborted verification", res.FinalCode)
				}
			})
		}
	}
	t.Logf("openssl's outcomes: %v", outcomes)
}

// TestPolicyTreeBoundFast: the tree of a hostile chain stops growing at
// the bound, so Verify returns at once however large it would be.
func TestPolicyTreeBoundFast(t *testing.T) {
	t.Parallel()
	p := newPolicyPKI(t, "root", "ca1", "ca2", "ca3", "ca4", "ca5", "ca6", "leaf")
	m := meshed(12, true)
	leaf, inters, root := p.build(policyChain{cas: []string{m, m, m, m, m, m}, leaf: meshed(12, false)})
	opts := &Options{Trust: []IssuerSource{NewPool([]*x509.Certificate{root})}, Intermediates: inters, MaxDepth: -1,
		Time: time.Now().Add(time.Minute), PolicyCheck: true}
	start := time.Now()
	for i := 0; i < 20; i++ {
		r := Verify(leaf, opts)
		if r.Code != OutOfMem || len(r.Problems) != 1 || !r.Problems[0].Aborted {
			t.Fatalf("got %+v, want one aborted problem 17", r.Problems)
		}
	}
	if d := time.Since(start) / 20; d > time.Second {
		t.Errorf("one verification took %v", d)
	}
}

// FuzzPolicyExtensions decodes random policy extensions (certificate
// policies, mappings, constraints, inhibit any policy) into the policy
// caches of a three-certificate chain and builds the tree under the
// options of flags: no panic, and never more nodes than the bound.
func FuzzPolicyExtensions(f *testing.F) {
	seed := func(h string) []byte {
		b, err := hex.DecodeString(h)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	cp := seed("301e301c06092b0601040183b20301300f300d06082b06010505070201020102")
	pm := seed("3013301106092b0601040183b203010604551d2000")
	f.Add(seed("300d300b06092b0601040183b20301"), seed("3000"), seed("30038001ff"), seed("0201ff"), uint8(0))
	f.Add(cp, pm, seed("3003800100"), seed("020100"), uint8(0xff))
	f.Add(seed("3008300606042a030405"), seed("3013301106092b0601040183b2030106092b0601040183b20302"), seed("3006800101810102"), []byte{}, uint8(0x5a))
	f.Fuzz(func(t *testing.T, cpols, pmaps, pcons, inhAny []byte, flags uint8) {
		ext := func(id []int, v []byte) pkix.Extension {
			return pkix.Extension{Id: asn1.ObjectIdentifier(id), Critical: flags&0x80 != 0, Value: v}
		}
		mk := func(si bool) *certInfo {
			var exts []pkix.Extension
			for i, e := range []struct {
				id []int
				v  []byte
			}{{[]int{2, 5, 29, 32}, cpols}, {[]int{2, 5, 29, 33}, pmaps}, {[]int{2, 5, 29, 36}, pcons}, {[]int{2, 5, 29, 54}, inhAny}} {
				if len(e.v) > 0 && flags&(1<<i) == 0 {
					exts = append(exts, ext(e.id, e.v))
				}
			}
			return &certInfo{c: &x509.Certificate{Extensions: exts}, selfIssued: si}
		}
		opts := &Options{ExplicitPolicy: flags&0x10 != 0, InhibitAnyPolicy: flags&0x20 != 0, InhibitPolicyMapping: flags&0x40 != 0}
		if flags&0x08 != 0 {
			oid, _ := ParsePolicyOID(pol1)
			opts.Policies = []x509.OID{oid}
		}
		e := &engine{opts: opts, chain: []*certInfo{mk(false), mk(flags&1 != 0), mk(true)}}
		ret, tree, _ := e.policyCheck()
		if ret < pcyFailure || ret > pcyValid {
			t.Fatalf("outcome %d", ret)
		}
		if tree != nil && tree.count > policyTreeNodesMax {
			t.Fatalf("%d nodes", tree.count)
		}
	})
}

// TestPolicyInvalidFlag: certInfo.policyInvalid (set for a certificate
// whose policy extensions could not be decoded at all) counts as OpenSSL's
// EXFLAG_INVALID_POLICY. A clean chain with the flag set on a certificate
// gives what openssl verify gives for its twin whose policy constraints
// are malformed: 42 at its depth under policy checking, nothing without;
// on the trust anchor it is never looked at.
func TestPolicyInvalidFlag(t *testing.T) {
	t.Parallel()
	p := newPolicyPKI(t, "root", "ca1", "leaf")
	const bad = "policyConstraints=DER:3000\n"
	at := time.Now().Add(time.Minute).Truncate(time.Second)
	for _, c := range []struct {
		name  string
		where int // 0 leaf, 1 the CA, 2 the root
	}{{"leaf", 0}, {"ca", 1}, {"root", 2}} {
		exts := [3]string{cpols(pol1), cpols(pol1), cpols(pol2)}
		clean := policyChain{root: exts[2], cas: []string{exts[1]}, leaf: exts[0]}
		exts[c.where] += bad
		twin := policyChain{root: exts[2], cas: []string{exts[1]}, leaf: exts[0]}
		bLeaf, bInters, bRoot := p.build(twin)
		cLeaf, cInters, cRoot := p.build(clean)
		for _, f := range []policyFlags{{name: "none"}, {name: "policy_check", checkPol: true}, {name: "explicit_p1", explicit: true, policies: []string{pol1}}} {
			t.Run(c.name+"/"+f.name, func(t *testing.T) {
				tc := opensslCase{leaf: bLeaf, untrusted: bInters, trusted: []*x509.Certificate{bRoot}, depth: -1, at: at,
					policies: f.policies, explicitPolicy: f.explicit, policyCheck: f.checkPol}
				want, gotTwin, _ := runBoth(t, tc)
				if diff := cmp.Diff(want, gotTwin); diff != "" {
					t.Errorf("problems of the twin differ (-openssl +ours):\n%s", diff)
				}
				pool := NewPool([]*x509.Certificate{cRoot})
				opts := &Options{Trust: []IssuerSource{pool}, Intermediates: cInters, MaxDepth: -1, Time: at,
					PolicyCheck: f.checkPol, ExplicitPolicy: f.explicit}
				for _, s := range f.policies {
					oid, err := ParsePolicyOID(s)
					if err != nil {
						t.Fatal(err)
					}
					opts.Policies = append(opts.Policies, oid)
				}
				e := newEngine(opts)
				switch c.where {
				case 0:
					e.info.get(cLeaf).policyInvalid = true
				case 1:
					e.info.get(cInters[0]).policyInvalid = true
				case 2:
					pool.infos[cRoot].policyInvalid = true
				}
				e.run(cLeaf)
				var got []Problem
				for _, pr := range e.problems {
					got = append(got, pr)
					if !continuable[pr.Code] {
						break
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("problems differ (-openssl on the twin +ours with the flag):\n%s", diff)
				}
			})
		}
	}
}
