package verify

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/cadir"
	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testproc"
)

// needOpenSSL skips the test when the openssl binary is absent.
func needOpenSSL(t testing.TB) string {
	t.Helper()
	return testproc.Require(t, "openssl")
}

// opensslCase is one verification asked of both `openssl verify` and Verify.
type opensslCase struct {
	leaf      *x509.Certificate
	untrusted []*x509.Certificate
	trusted   []*x509.Certificate
	capath    bool     // trusted (and dirCRLs) go to a hashed directory
	crls      [][]byte // DER CRLs for -CRLfile
	dirCRLs   [][]byte // DER CRLs stored as <hash>.rN in the directory
	crlMode   CRLMode
	depth     int // -verify_depth; < 0: not given
	purpose   Purpose
	host      string
	partial   bool
	strict    bool
	authLevel int
	at        time.Time
	// checkSS, noCheckTime, useDeltas, extendedCRL: -check_ss_sig,
	// -no_check_time (then no -attime unless at is set), -use_deltas,
	// -extended_crl.
	checkSS, noCheckTime, useDeltas, extendedCRL bool
	// allowProxy: -allow_proxy_certs.
	allowProxy bool
	// policies (-policy, each given once), explicitPolicy, inhibitAny,
	// inhibitMap, policyCheck: -explicit_policy, -inhibit_any,
	// -inhibit_map, -policy_check.
	policies                                            []string
	explicitPolicy, inhibitAny, inhibitMap, policyCheck bool
	// policyPrint adds -policy_print; output, when set, receives what
	// openssl printed.
	policyPrint bool
	output      *string
}

var errorLine = regexp.MustCompile(`^(\[CRL path\] )?error (\d+) at (\d+) depth lookup: (.*)$`)

// parseOpenSSLVerify reads the problems `openssl verify` printed: each
// "error N at D depth lookup: TEXT" line, preceded by the subject line.
func parseOpenSSLVerify(out string) []Problem {
	var probs []Problem
	lines := strings.Split(strings.ReplaceAll(out, "\r", ""), "\n")
	for i, l := range lines {
		m := errorLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		code, _ := strconv.Atoi(m[2])
		depth, _ := strconv.Atoi(m[3])
		p := Problem{Code: code, Depth: depth, Text: m[4], CRLPath: m[1] != ""}
		if i > 0 && !errorLine.MatchString(lines[i-1]) && !strings.HasPrefix(lines[i-1], "error ") {
			p.Subject = lines[i-1]
		}
		probs = append(probs, p)
	}
	if strings.Contains(out, ":check_policy:malloc failure:") {
		// X509_verify_cert returned -1 from its policy check, with no
		// callback: no error line, OpenSSL's error queue says why.
		probs = append(probs, Problem{Code: OutOfMem, Text: Text(OutOfMem), Aborted: true})
	}
	return probs
}

func pemOf(certs ...*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		b.Write((&minipki.Cert{Cert: c}).CertPEM())
	}
	return b.Bytes()
}

// subjectHash asks openssl for the subject hash of a certificate file.
func opensslOut(t testing.TB, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "openssl", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// The sources of the other packages satisfy the interfaces.
var (
	_ IssuerSource = (*cadir.Dir)(nil)
	_ CRLSource    = (*cadir.Dir)(nil)
	_ CRLSource    = (*crl.Store)(nil)
	_ IssuerSource = (*Pool)(nil)
)

// runBoth verifies the case with openssl and with Verify and returns both
// problem lists.
func runBoth(t *testing.T, tc opensslCase) (want, got []Problem, res *Result) {
	t.Helper()
	dir := t.TempDir()
	at := tc.at
	if at.IsZero() {
		at = baseTime
	}
	args := []string{"verify", "-attime", strconv.FormatInt(at.Unix(), 10), "-no-CAstore"}
	opts := &Options{MaxDepth: -1, Time: at, CRLCheck: tc.crlMode, Purpose: tc.purpose,
		Hostname: tc.host, PartialChain: tc.partial, Strict: tc.strict, Intermediates: tc.untrusted, AuthLevel: tc.authLevel,
		CheckSelfSignature: tc.checkSS, NoCheckTime: tc.noCheckTime, UseDeltas: tc.useDeltas, ExtendedCRL: tc.extendedCRL,
		AllowProxyCerts: tc.allowProxy}
	if tc.noCheckTime {
		args = append(args[:1], "-no_check_time", "-no-CAstore")
		if !tc.at.IsZero() {
			args = append(args, "-attime", strconv.FormatInt(at.Unix(), 10))
		} else {
			opts.Time = time.Time{}
		}
	}
	for _, f := range []struct {
		on   bool
		flag string
	}{{tc.checkSS, "-check_ss_sig"}, {tc.useDeltas, "-use_deltas"}, {tc.extendedCRL, "-extended_crl"}, {tc.allowProxy, "-allow_proxy_certs"}} {
		if f.on {
			args = append(args, f.flag)
		}
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	leafPath := write("leaf.pem", pemOf(tc.leaf))
	if len(tc.trusted) > 0 && !tc.capath {
		args = append(args, "-CAfile", write("ca.pem", pemOf(tc.trusted...)), "-no-CApath")
		opts.Trust = []IssuerSource{NewPool(tc.trusted)}
	} else if tc.capath {
		cadirPath := filepath.Join(dir, "certs")
		if err := os.Mkdir(cadirPath, 0o700); err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for i, c := range tc.trusted {
			f := write(fmt.Sprintf("ca%d.pem", i), pemOf(c))
			h := opensslOut(t, "x509", "-subject_hash", "-noout", "-in", f)
			n := seen[h]
			seen[h]++
			if err := os.Rename(f, filepath.Join(cadirPath, fmt.Sprintf("%s.%d", h, n))); err != nil {
				t.Fatal(err)
			}
		}
		for i, der := range tc.dirCRLs {
			f := write(fmt.Sprintf("crl%d.pem", i), minipki.CRLPEM(der))
			h := opensslOut(t, "crl", "-hash", "-noout", "-in", f)
			n := seen["r"+h]
			seen["r"+h]++
			if err := os.Rename(f, filepath.Join(cadirPath, fmt.Sprintf("%s.r%d", h, n))); err != nil {
				t.Fatal(err)
			}
		}
		args = append(args, "-CApath", cadirPath, "-no-CAfile")
		ds, err := cadir.Open(cadirPath)
		if err != nil {
			t.Fatal(err)
		}
		opts.Trust = []IssuerSource{ds}
		opts.CRLs = append(opts.CRLs, ds)
	} else {
		args = append(args, "-no-CAfile", "-no-CApath")
	}
	if len(tc.untrusted) > 0 {
		args = append(args, "-untrusted", write("untrusted.pem", pemOf(tc.untrusted...)))
	}
	if len(tc.crls) > 0 {
		var b bytes.Buffer
		var list []*crl.CRL
		for i, der := range tc.crls {
			b.Write(minipki.CRLPEM(der))
			cs, err := crl.Parse(der, fmt.Sprintf("crl #%d", i+1))
			if err != nil {
				t.Fatal(err)
			}
			list = append(list, cs...)
		}
		args = append(args, "-CRLfile", write("crls.pem", b.Bytes()))
		opts.CRLs = append([]CRLSource{crl.NewStore(list...)}, opts.CRLs...)
		opts.CRLFileFirst = true
	}
	switch tc.crlMode {
	case CRLPeer:
		args = append(args, "-crl_check")
	case CRLAll:
		args = append(args, "-crl_check_all")
	}
	if tc.depth >= 0 {
		args = append(args, "-verify_depth", strconv.Itoa(tc.depth))
		opts.MaxDepth = tc.depth
	}
	if tc.purpose != PurposeAny {
		args = append(args, "-purpose", tc.purpose.String())
	}
	if tc.host != "" {
		if parseIPLiteral(tc.host) != nil {
			args = append(args, "-verify_ip", tc.host)
		} else {
			args = append(args, "-verify_hostname", tc.host)
		}
	}
	if tc.partial {
		args = append(args, "-partial_chain")
	}
	if tc.strict {
		args = append(args, "-x509_strict")
	}
	if tc.authLevel > 0 {
		args = append(args, "-auth_level", strconv.Itoa(tc.authLevel))
	}
	for _, p := range tc.policies {
		args = append(args, "-policy", p)
		oid, err := ParsePolicyOID(p)
		if err != nil {
			t.Fatal(err)
		}
		opts.Policies = append(opts.Policies, oid)
	}
	for _, f := range []struct {
		on   bool
		flag string
		opt  *bool
	}{{tc.explicitPolicy, "-explicit_policy", &opts.ExplicitPolicy}, {tc.inhibitAny, "-inhibit_any", &opts.InhibitAnyPolicy},
		{tc.inhibitMap, "-inhibit_map", &opts.InhibitPolicyMapping}, {tc.policyCheck, "-policy_check", &opts.PolicyCheck}} {
		if f.on {
			args = append(args, f.flag)
			*f.opt = true
		}
	}
	if tc.policyPrint {
		args = append(args, "-policy_print")
	}
	args = append(args, leafPath)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "openssl", args...).CombinedOutput()
	if tc.output != nil {
		*tc.output = string(out)
	}
	want = parseOpenSSLVerify(string(out))
	if own := ownProblems(want); err == nil && len(own) > 0 || err != nil && len(own) == 0 {
		t.Fatalf("openssl exit status %v does not fit its output:\n%s", err, out)
	}
	res = Verify(tc.leaf, opts)
	got = res.Problems
	if t.Failed() || len(want) == 0 && len(got) == 0 {
		return want, got, res
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Logf("openssl %s\n%s", strings.Join(args, " "), out)
	}
	return want, got, res
}

// baseTime is the fixed verification time (-attime) of the differential
// tests; certificates are valid from baseTime-1h to baseTime+24h.
var baseTime = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func newFactory() *minipki.Factory { return &minipki.Factory{Now: baseTime} }
