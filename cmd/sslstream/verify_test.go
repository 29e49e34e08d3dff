package main

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/keyfile"
	"github.com/sslstream/sslstream/verify"
)

// verifyPKI is a set of certificate files for the verify tests, made once.
type verifyPKI struct {
	dir string
	now time.Time
}

var (
	verifyPKIOnce sync.Once
	verifyPKIVal  *verifyPKI
	verifyPKIErr  error
)

// getVerifyPKI writes the test hierarchy, once, into a directory shared by
// the verify tests and removed by TestMain.
func getVerifyPKI(t *testing.T) *verifyPKI {
	t.Helper()
	verifyPKIOnce.Do(func() { verifyPKIVal, verifyPKIErr = makeVerifyPKI() })
	if verifyPKIErr != nil {
		t.Fatalf("making test PKI: %v", verifyPKIErr)
	}
	return verifyPKIVal
}

func makeVerifyPKI() (*verifyPKI, error) {
	dir, err := os.MkdirTemp(testDir, "verify-")
	if err != nil {
		return nil, err
	}
	f := minipki.New()
	p := &verifyPKI{dir: dir, now: f.Now}
	st := &minipki.Steps{Dir: dir}
	root := st.Cert(f.Root("Verify Test Root", minipki.Subject(pkixName("DE", "Foo, Inc.", "Verify Test Root"))))
	inter := st.Cert(root.Intermediate("Verify Test Intermediate"))
	inter2 := st.Cert(inter.Intermediate("Verify Test Intermediate 2"))
	leaf := st.Cert(inter.Leaf("leaf.example"))
	deep := st.Cert(inter2.Leaf("deep.example"))
	direct := st.Cert(root.Leaf("direct.example"))
	ipLeaf := st.Cert(root.Leaf("192.0.2.7"))
	expired := st.Cert(inter.Leaf("expired.example", minipki.Expired()))
	future := st.Cert(inter.Leaf("future.example", minipki.NotYetValid()))
	expiredInter := st.Cert(root.Intermediate("Expired Intermediate", minipki.Expired()))
	underExpired := st.Cert(expiredInter.Leaf("under-expired.example"))
	selfSigned := st.Cert(f.SelfSigned("self.example"))
	otherRoot := st.Cert(f.Root("Other Root"))
	// minipki.BadSignature fails under Go 1.26 (CreateCertificate checks the
	// signer against the parent), so corrupt a good signature instead.
	badSig := st.Cert(inter.Leaf("badsig.example"))
	clientOnly := st.Cert(inter.Leaf("client.example", minipki.ExtKeyUsage(x509.ExtKeyUsageClientAuth)))
	notCA := st.Cert(root.Leaf("Not A CA"))
	underNotCA := st.Cert(notCA.Leaf("under-notca.example")) // issued by a non-CA certificate
	pl0 := st.Cert(root.Intermediate("PathLen Zero", minipki.PathLen(0)))
	pl0sub := st.Cert(pl0.Intermediate("Below PathLen Zero"))
	pl0leaf := st.Cert(pl0sub.Leaf("pathlen.example"))
	revoked := st.Cert(inter.Leaf("revoked.example"))
	cnOnly := st.Cert(root.Leaf("cn-only.example", minipki.Template(func(c *x509.Certificate) { c.DNSNames = nil })))
	if st.Err != nil {
		return nil, st.Err
	}
	crlInter, err := inter.CRL([]*big.Int{revoked.Cert.SerialNumber}, f.Now.Add(-time.Hour), f.Now.Add(24*time.Hour))
	if err != nil {
		return nil, err
	}
	crlRoot, err := root.CRL(nil, f.Now.Add(-time.Hour), f.Now.Add(24*time.Hour))
	if err != nil {
		return nil, err
	}
	crlExpired, err := inter.CRL(nil, f.Now.Add(-72*time.Hour), f.Now.Add(-48*time.Hour))
	if err != nil {
		return nil, err
	}
	baseCRL, deltaCRL, err := baseAndDelta(inter, leaf.Cert.SerialNumber, f.Now)
	if err != nil {
		return nil, err
	}
	// The intermediate's CA signing its CRLs with a new key (same name).
	newKey := st.Cert(root.Intermediate("Verify Test Intermediate"))
	oldNewKey := st.Cert(root.Intermediate("Verify Test Intermediate", minipki.Expired()))
	if st.Err != nil {
		return nil, st.Err
	}
	for _, k := range []struct {
		name string
		c    *minipki.Cert
	}{{"newkey", newKey}, {"newkey-expired", oldNewKey}} {
		der, err := k.c.CRL([]*big.Int{leaf.Cert.SerialNumber}, f.Now.Add(-time.Hour), f.Now.Add(24*time.Hour))
		if err != nil {
			return nil, err
		}
		st.File(k.name+".crl", minipki.CRLPEM(der), minipki.CRLPEM(crlRoot))
		st.File("inter-"+k.name+".pem", inter.CertPEM(), k.c.CertPEM())
	}
	st.File("base-delta.crl", minipki.CRLPEM(baseCRL), minipki.CRLPEM(deltaCRL))
	st.File("root.pem", root.CertPEM())
	st.File("other-root.pem", otherRoot.CertPEM())
	st.File("inter.pem", inter.CertPEM())
	st.File("inter2.pem", inter2.CertPEM())
	st.File("inters.pem", inter.CertPEM(), inter2.CertPEM())
	st.File("inter-and-root.pem", inter.CertPEM(), root.CertPEM())
	st.File("leaf.pem", leaf.CertPEM())
	st.File("leaf.der", leaf.DER())
	st.File("leaf-chain.pem", leaf.CertPEM(), inter.CertPEM())
	st.File("deep.pem", deep.CertPEM())
	st.File("direct.pem", direct.CertPEM())
	st.File("ip.pem", ipLeaf.CertPEM())
	st.File("expired.pem", expired.CertPEM())
	st.File("future.pem", future.CertPEM())
	st.File("expired-inter.pem", expiredInter.CertPEM())
	st.File("under-expired.pem", underExpired.CertPEM())
	st.File("self.pem", selfSigned.CertPEM())
	st.File("badsig.pem", corruptSignature(badSig.DER()))
	st.File("badroot.pem", corruptSignature(root.DER()))
	st.File("client-only.pem", clientOnly.CertPEM())
	st.File("notca.pem", notCA.CertPEM())
	st.File("under-notca.pem", underNotCA.CertPEM())
	st.File("pl0.pem", pl0.CertPEM(), pl0sub.CertPEM())
	st.File("pl0leaf.pem", pl0leaf.CertPEM())
	st.File("revoked.pem", revoked.CertPEM())
	st.File("cn-only.pem", cnOnly.CertPEM())
	st.File("inter.crl", minipki.CRLPEM(crlInter))
	st.File("inter.crl.der", crlInter)
	st.File("root.crl", minipki.CRLPEM(crlRoot))
	st.File("all.crl", minipki.CRLPEM(crlInter), minipki.CRLPEM(crlRoot))
	st.File("inter-expired.crl", minipki.CRLPEM(crlExpired), minipki.CRLPEM(crlRoot))
	st.File("root-with-crls.pem", root.CertPEM(), minipki.CRLPEM(crlInter), minipki.CRLPEM(crlRoot))
	st.File("garbage.pem", []byte("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"))
	// Trust settings as `openssl x509 -trustout` writes them (keyfile's
	// tests check that Marshal writes the same bytes).
	for name, tc := range map[string]struct {
		c    *minipki.Cert
		t, r []asn1.ObjectIdentifier
	}{
		"root-reject-server.pem":  {c: root, r: []asn1.ObjectIdentifier{oidServerAuth}},
		"root-trust-client.pem":   {c: root, t: []asn1.ObjectIdentifier{oidClientAuth}},
		"root-trust-any.pem":      {c: root, t: []asn1.ObjectIdentifier{{2, 5, 29, 37, 0}}},
		"inter-trust-server.pem":  {c: inter, t: []asn1.ObjectIdentifier{oidServerAuth}},
		"client-trust-server.pem": {c: clientOnly, t: []asn1.ObjectIdentifier{oidServerAuth}},
	} {
		aux, err := (&keyfile.TrustSettings{Trusted: tc.t, Rejected: tc.r}).Marshal()
		if err != nil {
			return nil, err
		}
		st.File(name, pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: append(append([]byte{}, tc.c.DER()...), aux...)}))
	}
	if st.Err != nil {
		return nil, st.Err
	}
	return p, nil
}

var (
	oidServerAuth = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}
	oidClientAuth = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 2}
)

// verifyCase is one `verify` invocation in our flag syntax.
type verifyCase struct {
	name  string
	args  []string // our flags
	files []string
}

// opensslVerifyArgs translates our verify flags into openssl's.
func opensslVerifyArgs(t *testing.T, args []string) []string {
	out := []string{"verify"}
	var ca, dir, store bool
	for i := 0; i < len(args); i++ {
		a, v := args[i], ""
		if i+1 < len(args) {
			v = args[i+1]
		}
		switch a {
		case "--ca-file":
			out, ca = append(out, "-CAfile", v), true
			i++
		case "--ca-directory":
			out, dir = append(out, "-CApath", v), true
			i++
		case "--ca-store":
			out, store = append(out, "-CAstore", v), true
			i++
		case "--untrusted":
			out = append(out, "-untrusted", v)
			i++
		case "--crl-file":
			out = append(out, "-CRLfile", v)
			i++
		case "--crl-check":
			if v == "peer" {
				out = append(out, "-crl_check")
			} else if v == "all" {
				out = append(out, "-crl_check_all")
			}
			i++
		case "--max-depth":
			out = append(out, "-verify_depth", v)
			i++
		case "--server-name":
			if net.ParseIP(v) != nil {
				out = append(out, "-verify_ip", v)
			} else {
				out = append(out, "-verify_hostname", v)
			}
			i++
		case "--purpose":
			out = append(out, "-purpose", v)
			i++
		case "--attime":
			out = append(out, "-attime", v)
			i++
		case "--partial-chain":
			out = append(out, "-partial_chain")
		case "--trusted":
			out = append(out, "-trusted", v)
			i++
		case "--auth-level":
			out = append(out, "-auth_level", v)
			i++
		case "--check-ss-sig":
			out = append(out, "-check_ss_sig")
		case "--no-check-time":
			out = append(out, "-no_check_time")
		case "--use-deltas":
			out = append(out, "-use_deltas")
		case "--extended-crl":
			out = append(out, "-extended_crl")
		case "--allow-proxy-certs":
			out = append(out, "-allow_proxy_certs")
		case "--no-default-ca":
		default:
			t.Fatalf("opensslVerifyArgs: unhandled flag %q", a)
		}
	}
	if !ca {
		out = append(out, "-no-CAfile")
	}
	if !dir {
		out = append(out, "-no-CApath")
	}
	if !store {
		out = append(out, "-no-CAstore")
	}
	return out
}

func verifyCases(p *verifyPKI) []verifyCase {
	past := strconv.FormatInt(p.now.Add(-30*24*time.Hour).Unix(), 10)
	later := strconv.FormatInt(p.now.Add(12*time.Hour).Unix(), 10)
	farFuture := strconv.FormatInt(p.now.Add(60*24*time.Hour).Unix(), 10)
	return []verifyCase{
		{"ok chain", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem"}, []string{"leaf.pem"}},
		{"ok DER leaf", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem"}, []string{"leaf.der"}},
		{"ok direct", []string{"--ca-file", "root.pem"}, []string{"direct.pem"}},
		{"ok several files", []string{"--ca-file", "root.pem", "--untrusted", "inters.pem"}, []string{"leaf.pem", "deep.pem", "direct.pem"}},
		{"missing intermediate", []string{"--ca-file", "root.pem"}, []string{"leaf.pem"}},
		{"no trust at all", []string{"--no-default-ca"}, []string{"direct.pem"}},
		{"unknown CA", []string{"--ca-file", "other-root.pem", "--untrusted", "inter.pem"}, []string{"leaf.pem"}},
		{"self-signed leaf", []string{"--ca-file", "root.pem"}, []string{"self.pem"}},
		{"self-signed in chain", []string{"--ca-file", "other-root.pem", "--untrusted", "inter-and-root.pem"}, []string{"leaf.pem"}},
		{"trusted self-signed leaf", []string{"--ca-file", "self.pem"}, []string{"self.pem"}},
		{"root verifies itself", []string{"--ca-file", "root.pem"}, []string{"root.pem"}},
		{"expired leaf", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem"}, []string{"expired.pem"}},
		{"not yet valid leaf", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem"}, []string{"future.pem"}},
		{"expired intermediate", []string{"--ca-file", "root.pem", "--untrusted", "expired-inter.pem"}, []string{"under-expired.pem"}},
		{"attime in the past", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--attime", past}, []string{"leaf.pem"}},
		{"attime later", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--attime", later}, []string{"leaf.pem", "expired.pem"}},
		{"attime far future", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--attime", farFuture}, []string{"leaf.pem"}},
		{"bad signature", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem"}, []string{"badsig.pem"}},
		{"hostname ok", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--server-name", "leaf.example"}, []string{"leaf.pem"}},
		{"hostname mismatch", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--server-name", "other.example"}, []string{"leaf.pem"}},
		{"hostname from CN without SAN", []string{"--ca-file", "root.pem", "--server-name", "cn-only.example"}, []string{"cn-only.pem"}},
		{"hostname mismatch CN without SAN", []string{"--ca-file", "root.pem", "--server-name", "x.example"}, []string{"cn-only.pem"}},
		{"ip ok", []string{"--ca-file", "root.pem", "--server-name", "192.0.2.7"}, []string{"ip.pem"}},
		{"ip mismatch", []string{"--ca-file", "root.pem", "--server-name", "192.0.2.8"}, []string{"ip.pem"}},
		{"purpose sslserver ok", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--purpose", "sslserver"}, []string{"leaf.pem"}},
		{"purpose sslserver on client cert", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--purpose", "sslserver"}, []string{"client-only.pem"}},
		{"purpose sslclient ok", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--purpose", "sslclient"}, []string{"client-only.pem"}},
		{"max-depth 0 with one intermediate", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--max-depth", "0"}, []string{"leaf.pem"}},
		{"max-depth 1 with one intermediate", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--max-depth", "1"}, []string{"leaf.pem"}},
		{"max-depth 1 with two intermediates", []string{"--ca-file", "root.pem", "--untrusted", "inters.pem", "--max-depth", "1"}, []string{"deep.pem"}},
		{"max-depth 2 with two intermediates", []string{"--ca-file", "root.pem", "--untrusted", "inters.pem", "--max-depth", "2"}, []string{"deep.pem"}},
		{"issuer not a CA", []string{"--ca-file", "root.pem", "--untrusted", "notca.pem"}, []string{"under-notca.pem"}},
		{"path length exceeded", []string{"--ca-file", "root.pem", "--untrusted", "pl0.pem"}, []string{"pl0leaf.pem"}},
		{"crl revoked", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--crl-file", "inter.crl", "--crl-check", "peer"}, []string{"revoked.pem", "leaf.pem"}},
		{"crl DER file", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--crl-file", "inter.crl.der", "--crl-check", "peer"}, []string{"revoked.pem"}},
		{"crl missing", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--crl-check", "peer"}, []string{"leaf.pem"}},
		{"crl all missing for intermediate", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--crl-file", "inter.crl", "--crl-check", "all"}, []string{"leaf.pem"}},
		{"crl all ok", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--crl-file", "all.crl", "--crl-check", "all"}, []string{"leaf.pem"}},
		{"crl expired", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--crl-file", "inter-expired.crl", "--crl-check", "peer"}, []string{"leaf.pem"}},
		{"crl in the ca-file", []string{"--ca-file", "root-with-crls.pem", "--untrusted", "inter.pem", "--crl-check", "all"}, []string{"revoked.pem", "leaf.pem"}},
		{"crl in the ca-file, expired crl file", []string{"--ca-file", "root-with-crls.pem", "--untrusted", "inter.pem", "--crl-file", "inter-expired.crl", "--crl-check", "peer"}, []string{"revoked.pem", "leaf.pem"}},
		{"crl in the ca-file, current crl file", []string{"--ca-file", "root-with-crls.pem", "--untrusted", "inter.pem", "--crl-file", "all.crl", "--crl-check", "all"}, []string{"revoked.pem", "leaf.pem"}},
		{"crl not checked", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--crl-file", "inter.crl"}, []string{"revoked.pem"}},
		{"partial chain", []string{"--ca-file", "inter.pem", "--partial-chain"}, []string{"leaf.pem"}},
		{"intermediate as anchor without partial chain", []string{"--ca-file", "inter.pem"}, []string{"leaf.pem"}},
		{"trusted file", []string{"--trusted", "root.pem", "--untrusted", "inter.pem"}, []string{"leaf.pem", "direct.pem", "self.pem"}},
		{"trusted file intermediate", []string{"--trusted", "inter.pem"}, []string{"leaf.pem"}},
		{"trust settings: root rejected for sslserver", []string{"--ca-file", "root-reject-server.pem", "--untrusted", "inter.pem", "--purpose", "sslserver"}, []string{"leaf.pem", "direct.pem"}},
		{"trust settings: rejection for sslserver, sslclient", []string{"--ca-file", "root-reject-server.pem", "--untrusted", "inter.pem", "--purpose", "sslclient"}, []string{"client-only.pem"}},
		{"trust settings: trusted for clientAuth only, no purpose", []string{"--ca-file", "root-trust-client.pem", "--untrusted", "inter.pem"}, []string{"leaf.pem"}},
		{"trust settings: trusted for anyEKU", []string{"--ca-file", "root-trust-any.pem", "--untrusted", "inter.pem", "--purpose", "sslserver"}, []string{"leaf.pem", "client-only.pem"}},
		{"trust settings: intermediate anchors", []string{"--ca-file", "inter-trust-server.pem", "--purpose", "sslserver"}, []string{"leaf.pem", "client-only.pem"}},
		{"trust settings: intermediate, no purpose", []string{"--ca-file", "inter-trust-server.pem"}, []string{"leaf.pem"}},
		{"trust settings: trusted leaf overrides its EKU", []string{"--ca-file", "client-trust-server.pem", "--partial-chain", "--purpose", "sslserver"}, []string{"client-only.pem"}},
		{"trust settings: --trusted rejected root", []string{"--trusted", "root-reject-server.pem", "--untrusted", "inter.pem", "--purpose", "sslserver"}, []string{"leaf.pem"}},
		{"auth-level 1", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--auth-level", "1"}, []string{"leaf.pem"}},
		{"auth-level 4", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--auth-level", "4"}, []string{"leaf.pem"}},
		{"check-ss-sig good", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--check-ss-sig"}, []string{"leaf.pem", "self.pem"}},
		{"check-ss-sig bad root self-signature", []string{"--ca-file", "badroot.pem", "--untrusted", "inter.pem", "--check-ss-sig"}, []string{"leaf.pem", "direct.pem"}},
		{"bad root self-signature unchecked", []string{"--ca-file", "badroot.pem", "--untrusted", "inter.pem"}, []string{"leaf.pem"}},
		{"no-check-time", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--no-check-time"}, []string{"expired.pem", "future.pem", "leaf.pem"}},
		{"no-check-time expired intermediate", []string{"--ca-file", "root.pem", "--untrusted", "expired-inter.pem", "--no-check-time"}, []string{"under-expired.pem"}},
		{"no-check-time expired CRL", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--crl-file", "inter-expired.crl", "--crl-check", "peer", "--no-check-time"}, []string{"leaf.pem"}},
		{"no-check-time loses to attime", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--no-check-time", "--attime", later}, []string{"leaf.pem", "expired.pem"}},
		{"delta CRL unused", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--crl-file", "base-delta.crl", "--crl-check", "peer"}, []string{"leaf.pem"}},
		{"use-deltas", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--crl-file", "base-delta.crl", "--crl-check", "peer", "--use-deltas"}, []string{"leaf.pem", "direct.pem"}},
		{"use-deltas extended-crl", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--crl-file", "base-delta.crl", "--crl-check", "peer", "--use-deltas", "--extended-crl"}, []string{"leaf.pem"}},
		{"CRL signed by a new key, no extended-crl", []string{"--ca-file", "root.pem", "--untrusted", "inter-newkey.pem", "--crl-file", "newkey.crl", "--crl-check", "peer"}, []string{"leaf.pem"}},
		{"extended-crl CRL signed by a new key", []string{"--ca-file", "root.pem", "--untrusted", "inter-newkey.pem", "--crl-file", "newkey.crl", "--crl-check", "peer", "--extended-crl"}, []string{"leaf.pem", "direct.pem"}},
		{"extended-crl CRL signed by an expired new key", []string{"--ca-file", "root.pem", "--untrusted", "inter-newkey-expired.pem", "--crl-file", "newkey-expired.crl", "--crl-check", "all", "--extended-crl"}, []string{"leaf.pem"}},
		{"auth-level 0", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--auth-level", "0"}, []string{"leaf.pem"}},
	}
}

// purposeVerifyCases: every purpose OpenSSL 3.0 knows, on a server, a
// client and a CA certificate.
func purposeVerifyCases() []verifyCase {
	var out []verifyCase
	for _, p := range verify.PurposeNames() {
		out = append(out, verifyCase{"purpose " + p, []string{"--ca-file", "root.pem", "--untrusted", "inter.pem", "--purpose", p}, []string{"leaf.pem", "client-only.pem", "inter.pem", "direct.pem"}})
	}
	return out
}

// TestVerifyAgainstOpenSSL runs each case with both tools in the same
// directory and compares stdout, stderr and the exit status exactly.
func TestVerifyAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getVerifyPKI(t)
	for _, vc := range append(verifyCases(p), purposeVerifyCases()...) {
		t.Run(strings.ReplaceAll(vc.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			oargs := append(opensslVerifyArgs(t, vc.args), vc.files...)
			want := openssl(t, p.dir, oargs...)
			want.stderr = dropErrorQueue(want.stderr)
			got := sslstreamIn(t, p.dir, nil, append(append([]string{"verify"}, vc.args...), vc.files...)...)
			if diff := cmp.Diff(want.stdout, got.stdout); diff != "" {
				t.Errorf("stdout differs (-openssl +ours):\n%s", diff)
			}
			if diff := cmp.Diff(want.stderr, got.stderr); diff != "" {
				t.Errorf("stderr differs (-openssl +ours):\n%s", diff)
			}
			if want.code != got.code {
				t.Errorf("exit status %d, openssl %d", got.code, want.code)
			}
			if t.Failed() {
				t.Logf("openssl %s", strings.Join(oargs, " "))
			}
		})
	}
}

// TestVerifyCADirectoryAgainstOpenSSL checks --ca-directory on a directory
// hashed by `openssl rehash`, CRLs included.
func TestVerifyCADirectoryAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getVerifyPKI(t)
	cadir := t.TempDir()
	for _, name := range []string{"root.pem", "inter.crl", "root.crl"} {
		data, err := os.ReadFile(filepath.Join(p.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cadir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := openssl(t, "", "rehash", cadir)
	wantCode(t, r, 0)
	for _, args := range [][]string{
		{"--ca-directory", cadir, "--untrusted", "inter.pem", "leaf.pem"},
		{"--ca-directory", cadir, "leaf.pem"},
		{"--ca-directory", cadir, "--untrusted", "inter.pem", "--crl-check", "peer", "revoked.pem", "leaf.pem"},
		{"--ca-directory", cadir, "--untrusted", "inter.pem", "--crl-check", "all", "leaf.pem"},
		{"--ca-directory", cadir, "self.pem"},
		// An expired CRL in the CRL file is kept over the directory's
		// current one (openssl verify searches -CRLfile first).
		{"--ca-directory", cadir, "--untrusted", "inter.pem", "--crl-file", "inter-expired.crl", "--crl-check", "peer", "revoked.pem", "leaf.pem"},
		{"--ca-directory", cadir, "--untrusted", "inter.pem", "--crl-file", "root.crl", "--crl-check", "peer", "revoked.pem"},
		{"--ca-directory", cadir, "--untrusted", "inter.pem", "--crl-file", "inter-expired.crl", "--crl-check", "all", "leaf.pem"},
	} {
		var files []string
		var flags []string
		for i := 0; i < len(args); i++ {
			if strings.HasPrefix(args[i], "--") {
				flags = append(flags, args[i], args[i+1])
				i++
			} else {
				files = append(files, args[i])
			}
		}
		want := openssl(t, p.dir, append(opensslVerifyArgs(t, flags), files...)...)
		want.stderr = dropErrorQueue(want.stderr)
		got := sslstreamIn(t, p.dir, nil, append([]string{"verify"}, args...)...)
		if want.stdout != got.stdout || want.stderr != got.stderr || want.code != got.code {
			t.Errorf("verify %v differs from openssl:\nopenssl: %s\nours: %s", args, want, got)
		}
	}
}

func TestVerifyJSON(t *testing.T) {
	t.Parallel()
	p := getVerifyPKI(t)
	r := sslstreamIn(t, p.dir, nil, "verify", "--json", "--ca-file", "root.pem", "--untrusted", "inter.pem", "leaf.pem", "expired.pem", "self.pem")
	wantCode(t, r, 2)
	if r.stderr != "" {
		t.Errorf("--json wrote to stderr: %s", r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 JSON lines, got %d:\n%s", len(lines), r.stdout)
	}
	type jerr struct {
		Code    int    `json:"code"`
		Text    string `json:"text"`
		Depth   int    `json:"depth"`
		Subject string `json:"subject"`
	}
	type jobj struct {
		File               string            `json:"file"`
		VerifyResult       *int              `json:"verify_result"`
		VerifyResultString string            `json:"verify_result_string"`
		Depth              *int              `json:"depth"`
		Errors             []jerr            `json:"errors"`
		Chain              []json.RawMessage `json:"chain"`
		Hint               *string           `json:"hint"`
	}
	var objs []jobj
	for _, l := range lines {
		var o jobj
		dec := json.NewDecoder(strings.NewReader(l))
		if err := dec.Decode(&o); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		var keys map[string]any
		_ = json.Unmarshal([]byte(l), &keys)
		for _, k := range []string{"file", "verify_result", "verify_result_string", "depth", "errors", "chain", "hint"} {
			if _, ok := keys[k]; !ok {
				t.Errorf("line %q lacks key %q", l, k)
			}
		}
		objs = append(objs, o)
	}
	if o := objs[0]; o.File != "leaf.pem" || *o.VerifyResult != 0 || o.VerifyResultString != "ok" || len(o.Errors) != 0 || len(o.Chain) != 3 || *o.Hint != "" {
		t.Errorf("leaf.pem object: %+v", o)
	}
	if o := objs[1]; o.File != "expired.pem" || *o.VerifyResult != 10 || o.VerifyResultString != "certificate has expired" ||
		len(o.Errors) != 1 || o.Errors[0] != (jerr{10, "certificate has expired", 0, "CN = expired.example"}) {
		t.Errorf("expired.pem object: %+v", o)
	}
	if o := objs[2]; o.File != "self.pem" || *o.VerifyResult != 18 || *o.Depth != 0 || *o.Hint == "" {
		t.Errorf("self.pem object: %+v (a hint is expected)", o)
	}
}

func TestVerifyErrors(t *testing.T) {
	t.Parallel()
	p := getVerifyPKI(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		// The certificate to verify cannot be read: 2, as openssl verify.
		{[]string{"verify", "--ca-file", "root.pem", "missing.pem"}, 2, "missing.pem"},
		{[]string{"verify", "--ca-file", "root.pem", "garbage.pem"}, 2, "garbage.pem"},
		{[]string{"verify", "--ca-file", "root.pem"}, 2, "stdin"}, // empty standard input
		{[]string{"verify", "--ca-file", "root.pem", "."}, 2, "directory"},
		{[]string{"verify", "--ca-file", "nope.pem", "leaf.pem"}, 1, "nope.pem"},
		{[]string{"verify", "--ca-directory", "nodir", "leaf.pem"}, 1, "nodir"},
		{[]string{"verify", "--ca-file", "root.pem", "--crl-file", "nope.crl", "leaf.pem"}, 1, "nope.crl"},
		{[]string{"verify", "--ca-file", "root.pem", "--untrusted", "nope.pem", "leaf.pem"}, 1, "nope.pem"},
		{[]string{"verify", "--crl-check", "sometimes", "leaf.pem"}, 1, `"sometimes"`},
		{[]string{"verify", "--purpose", "smime", "leaf.pem"}, 1, `"smime"`},
		{[]string{"verify", "--purpose", "codesign", "leaf.pem"}, 1, `"codesign"`}, // OpenSSL 3.2's, unknown to 3.0
		{[]string{"verify", "--auth-level", "6", "leaf.pem"}, 1, "--auth-level"},
		{[]string{"verify", "--trusted", "root.pem", "--ca-file", "root.pem", "leaf.pem"}, 1, "--trusted"},
		{[]string{"verify", "--trusted", "nope.pem", "leaf.pem"}, 1, "nope.pem"},
		{[]string{"verify", "--attime", "yesterday", "leaf.pem"}, 1, `"yesterday"`},
		{[]string{"verify", "--max-depth", "-1", "leaf.pem"}, 1, "--max-depth"},
		{[]string{"verify", "--max-depth", "x", "leaf.pem"}, 1, "--max-depth"},
		// A missing file among good ones: the others are still verified.
		{[]string{"verify", "--ca-file", "root.pem", "direct.pem", "missing.pem"}, 2, "missing.pem"},
	} {
		r := sslstreamIn(t, p.dir, nil, tc.args...)
		wantCode(t, r, tc.code)
		wantContains(t, strings.Join(tc.args, " "), r.stderr, tc.want)
	}
	r := sslstreamIn(t, p.dir, nil, "verify", "--ca-file", "root.pem", "direct.pem", "missing.pem")
	wantContains(t, "stdout", r.stdout, "direct.pem: OK\n")
	// x509-strict is accepted and still verifies a well-formed chain.
	r = sslstreamIn(t, p.dir, nil, "verify", "leaf.pem", "--x509-strict", "--ca-file=root.pem", "--untrusted=inter.pem")
	wantCode(t, r, 0)
	if r.stdout != "leaf.pem: OK\n" {
		t.Errorf("stdout %q", r.stdout)
	}
}

// baseAndDelta returns a base CRL of ca (number 100, pointing at delta CRLs
// with a freshest CRL extension, revoking nothing) and a delta CRL of it
// (number 101, delta CRL indicator 100, older than the base) revoking
// serial.
func baseAndDelta(ca *minipki.Cert, serial *big.Int, now time.Time) (base, delta []byte, err error) {
	fresh := pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 46}, Value: []byte{0x30, 0x0d, 0x30, 0x0b, 0xa0, 0x09, 0xa0, 0x07, 0x86, 0x05, 'h', 't', 't', 'p', ':'}}
	ind, err := asn1.Marshal(big.NewInt(100))
	if err != nil {
		return nil, nil, err
	}
	base, err = x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(100), ThisUpdate: now.Add(-time.Hour),
		NextUpdate: now.Add(24 * time.Hour), ExtraExtensions: []pkix.Extension{fresh}}, ca.Cert, ca.Key)
	if err != nil {
		return nil, nil, err
	}
	delta, err = x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(101), ThisUpdate: now.Add(-2 * time.Hour),
		NextUpdate: now.Add(24 * time.Hour), ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 27}, Critical: true, Value: ind}},
		RevokedCertificateEntries: []x509.RevocationListEntry{{SerialNumber: serial, RevocationTime: now.Add(-3 * time.Hour)}}}, ca.Cert, ca.Key)
	return base, delta, err
}

// corruptSignature flips the last bit of a certificate's signature and
// returns it as PEM: it still parses, but the signature no longer verifies.
func corruptSignature(der []byte) []byte {
	bad := append([]byte(nil), der...)
	bad[len(bad)-1] ^= 1
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: bad})
}

// dropErrorQueue removes the lines of OpenSSL's error queue
// ("40D7...:error:06880006:asn1 encoding routines:...") that openssl verify
// prints after a signature failure: they hold a thread id and source
// locations, and sslstream does not imitate them.
func dropErrorQueue(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if i := strings.Index(l, ":error:"); i > 0 && strings.Trim(l[:i], "0123456789ABCDEF") == "" {
			continue
		}
		b.WriteString(l)
	}
	return b.String()
}

// TestVerifyDefaultCADirectory: with no CA flag, $SSL_CERT_DIR (a hashed
// directory) is the trust store, as for openssl; --no-default-ca or any CA
// flag turns it off.
func TestVerifyDefaultCADirectory(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getVerifyPKI(t)
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(p.dir, "root.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "root.pem"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	wantCode(t, openssl(t, "", "rehash", dir), 0)
	env := []string{"SSL_CERT_DIR=" + dir}
	r := ssEnv(t, p.dir, env, nil, "verify", "direct.pem")
	wantCode(t, r, 0)
	if r.stdout != "direct.pem: OK\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	r = ssEnv(t, p.dir, env, nil, "verify", "--no-default-ca", "direct.pem")
	wantCode(t, r, 2)
	wantContains(t, "stderr", r.stderr, "error 20 at 0 depth lookup")
	r = ssEnv(t, p.dir, env, nil, "verify", "--ca-file", "other-root.pem", "direct.pem")
	wantCode(t, r, 2)
}

// TestVerifyRepeatedFlags: --ca-file and --untrusted may be given several
// times; every file counts.
func TestVerifyRepeatedFlags(t *testing.T) {
	t.Parallel()
	p := getVerifyPKI(t)
	r := sslstreamIn(t, p.dir, nil, "verify", "--ca-file", "other-root.pem", "--ca-file", "root.pem",
		"--untrusted", "inter2.pem", "--untrusted", "inter.pem", "deep.pem", "leaf.pem")
	wantCode(t, r, 0)
	if r.stdout != "deep.pem: OK\nleaf.pem: OK\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	r = sslstreamIn(t, p.dir, nil, "verify", "--ca-file", "other-root.pem", "--untrusted", "inter.pem", "leaf.pem")
	wantCode(t, r, 2)
}

// TestVerifyStdinAgainstOpenSSL: without a file argument the certificate
// comes from standard input, reported as "stdin", as openssl verify does;
// "-" (which openssl 3.0 refuses as an unknown option) and a pipe given by
// name (/dev/stdin) read it too.
func TestVerifyStdinAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getVerifyPKI(t)
	for _, tc := range []struct {
		file string
		args []string
	}{
		{"leaf.pem", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem"}},
		{"leaf.pem", []string{"--ca-file", "root.pem"}},
		{"expired.pem", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem"}},
		{"leaf.der", []string{"--ca-file", "root.pem", "--untrusted", "inter.pem"}},
		{"garbage.pem", []string{"--ca-file", "root.pem"}},
	} {
		data, err := os.ReadFile(filepath.Join(p.dir, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		want := runIn(t, p.dir, nil, strings.NewReader(string(data)), 60*time.Second, "openssl", opensslVerifyArgs(t, tc.args)...)
		want.stderr = dropErrorQueue(want.stderr)
		for _, extra := range [][]string{nil, {"-"}} {
			got := sslstreamIn(t, p.dir, strings.NewReader(string(data)), append(append([]string{"verify"}, tc.args...), extra...)...)
			if want.code != got.code {
				t.Errorf("%s %v: exit status %d, openssl %d", tc.file, extra, got.code, want.code)
			}
			if want.code == 2 && tc.file == "garbage.pem" {
				// openssl's loader messages are its own; the status and
				// the file name are what must agree.
				wantContains(t, "stderr", got.stderr, "stdin")
				continue
			}
			if want.stdout != got.stdout || want.stderr != got.stderr {
				t.Errorf("%s %v: differs from openssl:\nopenssl: %s\nours: %s", tc.file, extra, want, got)
			}
		}
	}
	// A pipe named on the command line is read (bounded), not refused.
	data, err := os.ReadFile(filepath.Join(p.dir, "leaf.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/dev/stdin"); err == nil {
		got := sslstreamIn(t, p.dir, strings.NewReader(string(data)), "verify", "--ca-file", "root.pem", "--untrusted", "inter.pem", "/dev/stdin")
		wantCode(t, got, 0)
		wantContains(t, "stdout", got.stdout, "/dev/stdin: OK")
	}
	// More than the bound on standard input is refused, not read whole.
	big := strings.Repeat("x", 16<<20+1)
	got := sslstreamIn(t, p.dir, strings.NewReader(big), "verify", "--ca-file", "root.pem", "-")
	wantCode(t, got, 2)
	wantContains(t, "stderr", got.stderr, "more than")
}

// TestVerifyTrustSettingsCADirectoryAgainstOpenSSL: a hashed directory of
// TRUSTED CERTIFICATE files (made by `openssl rehash`) keeps their trust
// settings, as for openssl.
func TestVerifyTrustSettingsCADirectoryAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getVerifyPKI(t)
	for _, anchor := range []string{"root-reject-server.pem", "root-trust-client.pem", "inter-trust-server.pem"} {
		dir := t.TempDir()
		data, err := os.ReadFile(filepath.Join(p.dir, anchor))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, anchor), data, 0o600); err != nil {
			t.Fatal(err)
		}
		wantCode(t, openssl(t, "", "rehash", dir), 0)
		for _, purpose := range []string{"any", "sslserver", "sslclient"} {
			flags := []string{"--ca-directory", dir, "--untrusted", "inter.pem", "--purpose", purpose}
			want := openssl(t, p.dir, append(opensslVerifyArgs(t, flags), "leaf.pem", "client-only.pem")...)
			got := sslstreamIn(t, p.dir, nil, append(append([]string{"verify"}, flags...), "leaf.pem", "client-only.pem")...)
			if want.stdout != got.stdout || want.stderr != got.stderr || want.code != got.code {
				t.Errorf("%s, purpose %s: differs from openssl:\nopenssl: %s\nours: %s", anchor, purpose, want, got)
			}
		}
	}
}
