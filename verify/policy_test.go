package verify

import (
	"context"
	"crypto/x509"
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
	for _, b := range all {
		for _, f := range policyFlagSets() {
			cases++
			b, f := b, f
			t.Run(b.pc.name+"/"+f.name, func(t *testing.T) {
				tc := opensslCase{leaf: b.leaf, untrusted: b.inters, trusted: []*x509.Certificate{b.root}, depth: -1, at: at,
					policies: f.policies, explicitPolicy: f.explicit, inhibitAny: f.inhibitAny, inhibitMap: f.inhibitMap, policyCheck: f.checkPol}
				want, got, _ := runBoth(t, tc)
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
	t.Logf("%d chains, %d differential cases; openssl's outcomes: %v", len(all), cases, outcomes)
}
