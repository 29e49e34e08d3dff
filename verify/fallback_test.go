package verify

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/internal/x509fallback"
	"github.com/sslstream/sslstream/keyfile"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// fbPKI makes certificates with openssl that crypto/x509 refuses or
// cannot verify (explicit EC parameters, RSASSA-PSS parameters, RSA-PSS
// keys, small RSA keys, the "rsa" key OID, SM2, malformed certificate
// policies) in a temporary directory, and loads them back through
// keyfile, as the command loads a CA file, an untrusted file and the
// certificate to verify.
type fbPKI struct {
	t      testing.TB
	dir    string
	serial int
	sm2    bool // this openssl makes SM2 keys
}

const fbExtensions = `[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[leaf]
basicConstraints=CA:FALSE
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
subjectAltName=${ENV::FBSAN}
extendedKeyUsage=serverAuth
[badpolicy]
basicConstraints=CA:FALSE
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
subjectAltName=${ENV::FBSAN}
extendedKeyUsage=serverAuth
2.5.29.32=DER:3003020101
[badpolicyca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
2.5.29.32=critical,DER:3003020101
`

func newFBPKI(t testing.TB) *fbPKI {
	t.Helper()
	p := &fbPKI{t: t, dir: t.TempDir()}
	if err := os.WriteFile(filepath.Join(p.dir, "ext.cnf"), []byte(fbExtensions), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *fbPKI) run(args ...string) error {
	return p.runEnv("", args...)
}

// runEnv runs openssl in p.dir, with san as the subjectAltName of the
// extension sections that have one.
func (p *fbPKI) runEnv(san string, args ...string) error {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "openssl", args...)
	cmd.Dir = p.dir
	if san == "" {
		san = "DNS:unused.example"
	}
	cmd.Env = append(os.Environ(), "FBSAN="+san)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

func (p *fbPKI) must(args ...string) {
	p.t.Helper()
	if err := p.run(args...); err != nil {
		p.t.Fatal(err)
	}
}

// key makes name.key: "ec", "explicit", "rsa:BITS", "pss", "pss384", "sm2".
func (p *fbPKI) key(name, kind string) {
	p.t.Helper()
	out := name + ".key"
	switch {
	case kind == "ec":
		p.must("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", out)
	case kind == "explicit":
		p.must("ecparam", "-name", "prime256v1", "-param_enc", "explicit", "-genkey", "-out", out)
	case strings.HasPrefix(kind, "rsa:"):
		p.must("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:"+kind[4:], "-out", out)
	case kind == "pss":
		p.must("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", out)
	case kind == "pss384":
		p.must("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048",
			"-pkeyopt", "rsa_pss_keygen_md:sha384", "-pkeyopt", "rsa_pss_keygen_mgf1_md:sha384", "-pkeyopt", "rsa_pss_keygen_saltlen:48", "-out", out)
	case kind == "sm2":
		p.must("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", out)
	default:
		p.t.Fatalf("unknown key kind %q", kind)
	}
}

// root makes name.pem, self-signed with name.key.
func (p *fbPKI) root(name string, sigopts ...string) {
	p.t.Helper()
	args := []string{"req", "-x509", "-new", "-key", name + ".key", "-subj", "/CN=" + name, "-days", "30",
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", name + ".pem"}
	p.must(append(args, sigopts...)...)
}

// issue makes name.pem for name.key, signed by ca (ca.pem, ca.key) with
// the extension section ext and further x509 options (digest, -sigopt).
func (p *fbPKI) issue(name, ca, ext string, opts ...string) {
	p.t.Helper()
	p.must("req", "-new", "-key", name+".key", "-subj", "/CN="+name, "-out", name+".csr")
	p.serial++
	args := []string{"x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
		"-set_serial", fmt.Sprint(p.serial), "-days", "10", "-extfile", "ext.cnf", "-extensions", ext, "-out", name + ".pem"}
	if err := p.runEnv("DNS:"+name, append(args, opts...)...); err != nil {
		p.t.Fatal(err)
	}
}

// cert loads name.pem as the command loads certificate files.
func (p *fbPKI) cert(name string) *x509.Certificate {
	p.t.Helper()
	certs, err := keyfile.LoadCertificates(filepath.Join(p.dir, name+".pem"))
	if err != nil {
		p.t.Fatal(err)
	}
	return certs[0]
}

// bad is name's certificate with a corrupted signature.
func (p *fbPKI) bad(name string) *x509.Certificate {
	p.t.Helper()
	c, err := x509fallback.ParseCertificate(corrupt(p.cert(name).Raw))
	if err != nil {
		p.t.Fatal(err)
	}
	return c
}

// rsaOID rewrites the key algorithm of name's certificate (an RSA key)
// to the X.500 "rsa" OID 2.5.8.1.1 and signs it again with ca.key (RSA,
// SHA-256), writing newName.pem.
func (p *fbPKI) rsaOID(name, ca, newName string) {
	p.t.Helper()
	c := p.cert(name)
	caKey := p.rsaKey(ca)
	oldAlg := []byte{0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00}
	newAlg := []byte{0x30, 0x08, 0x06, 0x04, 0x55, 0x08, 0x01, 0x01, 0x05, 0x00}
	spki := c.RawSubjectPublicKeyInfo
	in := cryptobyte.String(spki)
	var body cryptobyte.String
	if !in.ReadASN1(&body, cbasn1.SEQUENCE) || !strings.HasPrefix(string(body), string(oldAlg)) {
		p.t.Fatalf("%s: not an rsaEncryption key", name)
	}
	var sb cryptobyte.Builder
	sb.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(newAlg)
		b.AddBytes(body[len(oldAlg):])
	})
	newSPKI := sb.BytesOrPanic()
	tbs := cryptobyte.String(c.RawTBSCertificate)
	var tbsBody cryptobyte.String
	tbs.ReadASN1(&tbsBody, cbasn1.SEQUENCE)
	i := strings.Index(string(tbsBody), string(spki))
	var tb cryptobyte.Builder
	tb.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbsBody[:i])
		b.AddBytes(newSPKI)
		b.AddBytes(tbsBody[i+len(spki):])
	})
	newTBS := tb.BytesOrPanic()
	h := sha256.Sum256(newTBS)
	sig, err := rsa.SignPKCS1v15(rand.Reader, caKey, crypto.SHA256, h[:])
	if err != nil {
		p.t.Fatal(err)
	}
	var cb cryptobyte.Builder
	cb.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(newTBS)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier([]int{1, 2, 840, 113549, 1, 1, 11})
			b.AddASN1NULL()
		})
		b.AddASN1BitString(sig)
	})
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cb.BytesOrPanic()})
	if err := os.WriteFile(filepath.Join(p.dir, newName+".pem"), out, 0o600); err != nil {
		p.t.Fatal(err)
	}
}

// pssAlgorithm is an RSASSA-PSS AlgorithmIdentifier with explicit
// parameters.
func pssAlgorithm(h, mgf crypto.Hash, salt int) []byte {
	oids := map[crypto.Hash][]int{crypto.SHA1: {1, 3, 14, 3, 2, 26}, crypto.SHA256: {2, 16, 840, 1, 101, 3, 4, 2, 1},
		crypto.SHA384: {2, 16, 840, 1, 101, 3, 4, 2, 2}, crypto.SHA512: {2, 16, 840, 1, 101, 3, 4, 2, 3}}
	hashAlg := func(b *cryptobyte.Builder, h crypto.Hash) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oids[h])
			b.AddASN1NULL()
		})
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier([]int{1, 2, 840, 113549, 1, 1, 10})
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { hashAlg(b, h) })
			b.AddASN1(cbasn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier([]int{1, 2, 840, 113549, 1, 1, 8})
					hashAlg(b, mgf)
				})
			})
			b.AddASN1(cbasn1.Tag(2).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { b.AddASN1Int64(int64(salt)) })
		})
	})
	return b.BytesOrPanic()
}

// resignPSS signs name's certificate again with ca.key (an RSA or RSA-PSS
// key) under RSASSA-PSS with digest h and salt length salt (crypto/rsa's
// MGF1 digest is h). When alg is not nil it replaces the certificate's
// signature algorithm (inside the TBSCertificate too); otherwise the
// certificate's parameters stay, whatever salt length they give. It
// writes newName.pem.
func (p *fbPKI) resignPSS(name, ca, newName string, h crypto.Hash, salt int, alg []byte) {
	p.t.Helper()
	c := p.cert(name)
	caKey := p.rsaKey(ca)
	outer, _, ok := x509fallback.SignatureAlgorithms(c.Raw)
	if !ok {
		p.t.Fatalf("%s: no signature algorithm", name)
	}
	tbs := c.RawTBSCertificate
	if alg != nil {
		in := cryptobyte.String(tbs)
		var body cryptobyte.String
		in.ReadASN1(&body, cbasn1.SEQUENCE)
		i := strings.Index(string(body), string(outer))
		var tb cryptobyte.Builder
		tb.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(body[:i])
			b.AddBytes(alg)
			b.AddBytes(body[i+len(outer):])
		})
		tbs, outer = tb.BytesOrPanic(), alg
	}
	d := h.New()
	d.Write(tbs)
	sig, err := rsa.SignPSS(rand.Reader, caKey, h, d.Sum(nil), &rsa.PSSOptions{SaltLength: salt})
	if err != nil {
		p.t.Fatal(err)
	}
	var cb cryptobyte.Builder
	cb.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbs)
		b.AddBytes(outer)
		b.AddASN1BitString(sig)
	})
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cb.BytesOrPanic()})
	if err := os.WriteFile(filepath.Join(p.dir, newName+".pem"), out, 0o600); err != nil {
		p.t.Fatal(err)
	}
}

// rsaKey reads name.key, an RSA or RSA-PSS key in PKCS#8.
func (p *fbPKI) rsaKey(name string) *rsa.PrivateKey {
	p.t.Helper()
	b, err := os.ReadFile(filepath.Join(p.dir, name+".key"))
	if err != nil {
		p.t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		p.t.Fatalf("%s.key: no PEM block", name)
	}
	if k, err := x509.ParsePKCS8PrivateKey(blk.Bytes); err == nil {
		return k.(*rsa.PrivateKey)
	}
	// id-RSASSA-PSS: crypto/x509 does not read it; the inner key is PKCS#1.
	in := cryptobyte.String(blk.Bytes)
	var seq, inner cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.SkipASN1(cbasn1.INTEGER) || !seq.SkipASN1(cbasn1.SEQUENCE) ||
		!seq.ReadASN1(&inner, cbasn1.OCTET_STRING) {
		p.t.Fatalf("%s.key: not PKCS#8", name)
	}
	k, err := x509.ParsePKCS1PrivateKey(inner)
	if err != nil {
		p.t.Fatal(err)
	}
	return k
}

// crl makes name.crl (DER), signed by ca (ca.pem, ca.key) with the x509
// signing options given (-md, -sigopt), revoking the certificates of the
// files listed.
func (p *fbPKI) crl(name, ca string, revoke []string, opts ...string) {
	p.t.Helper()
	db := filepath.Join(p.dir, name+".db")
	if err := os.Mkdir(db, 0o700); err != nil {
		p.t.Fatal(err)
	}
	conf := fmt.Sprintf("[ca]\ndefault_ca = d\n[d]\ndatabase = %s/index.txt\ncrlnumber = %s/crlnumber\ndefault_md = sha256\ndefault_crl_days = 10\n", db, db)
	for f, data := range map[string]string{"index.txt": "", "crlnumber": "01\n", "ca.cnf": conf} {
		if err := os.WriteFile(filepath.Join(db, f), []byte(data), 0o600); err != nil {
			p.t.Fatal(err)
		}
	}
	cnf := filepath.Join(db, "ca.cnf")
	for _, r := range revoke {
		p.must("ca", "-config", cnf, "-revoke", r+".pem", "-keyfile", ca+".key", "-cert", ca+".pem")
	}
	p.must(append([]string{"ca", "-config", cnf, "-gencrl", "-keyfile", ca + ".key", "-cert", ca + ".pem", "-out", name + ".crl.pem"}, opts...)...)
	p.must("crl", "-in", name+".crl.pem", "-outform", "DER", "-out", name+".crl")
}

// crlDER reads name.crl.
func (p *fbPKI) crlDER(name string) []byte {
	p.t.Helper()
	return must[[]byte](p.t)(os.ReadFile(filepath.Join(p.dir, name+".crl")))
}

// build makes every certificate of the fallback cases.
func (p *fbPKI) build() {
	p.key("ecroot", "ec")
	p.root("ecroot")
	p.key("rsaroot", "rsa:2048")
	p.root("rsaroot")

	// Explicit EC parameters: leaf, intermediate, root.
	p.key("exp", "explicit")
	p.issue("exp", "ecroot", "leaf")
	p.key("expca", "explicit")
	p.issue("expca", "ecroot", "ca")
	p.key("underexp", "ec")
	p.issue("underexp", "expca", "leaf")
	p.key("exproot", "explicit")
	p.root("exproot")
	p.key("underexproot", "ec")
	p.issue("underexproot", "exproot", "leaf")

	// RSASSA-PSS signatures by an RSA key.
	p.key("eleaf", "ec")
	p.must("req", "-new", "-key", "eleaf.key", "-subj", "/CN=eleaf", "-out", "eleaf.csr")
	for _, v := range pssVariants {
		p.key("pss-"+v.name, "ec")
		p.issue("pss-"+v.name, "rsaroot", "leaf", v.opts...)
	}

	// Digests crypto/x509 does not name.
	p.key("sha224ec", "ec")
	p.issue("sha224ec", "ecroot", "leaf", "-sha224")
	p.key("sha224rsa", "ec")
	p.issue("sha224rsa", "rsaroot", "leaf", "-sha224")

	// Signed again with the salt length the parameters give, or another.
	p.resignPSS("pss-sha256-salt20", "rsaroot", "resign-salt20", crypto.SHA256, 20, nil)
	p.resignPSS("pss-sha256-salt20", "rsaroot", "resign-salt20-as32", crypto.SHA256, 32, nil)
	p.resignPSS("pss-sha256-salt20", "rsaroot", "resign-salt20-as0", crypto.SHA256, 0, nil)
	p.resignPSS("pss-sha256-salt0", "rsaroot", "resign-salt0", crypto.SHA256, 0, nil)
	p.resignPSS("pss-sha256-salt0", "rsaroot", "resign-salt0-as20", crypto.SHA256, 20, nil)
	p.resignPSS("pss-sha256-salt32", "rsaroot", "resign-salt32-as20", crypto.SHA256, 20, nil)

	// An RSA-PSS key restricted to SHA-384, MGF1-SHA-384, salt 48 or more
	// signs its own certificate with other parameters.
	p.key("pssrestricted", "pss384")
	p.root("pssrestricted")
	for _, v := range []struct {
		name   string
		h, mgf crypto.Hash
		salt   int
	}{{"sha384-48", crypto.SHA384, crypto.SHA384, 48}, {"sha384-64", crypto.SHA384, crypto.SHA384, 64},
		{"sha384-32", crypto.SHA384, crypto.SHA384, 32}, {"sha256-48", crypto.SHA256, crypto.SHA256, 48},
		{"sha512-64", crypto.SHA512, crypto.SHA512, 64}} {
		p.resignPSS("pssrestricted", "pssrestricted", "restricted-"+v.name, v.h, v.salt, pssAlgorithm(v.h, v.mgf, v.salt))
	}

	// RSA-PSS keys.
	p.key("pssroot", "pss")
	p.root("pssroot")
	p.key("underpss", "ec")
	p.issue("underpss", "pssroot", "leaf")
	p.key("pssleaf", "pss384")
	p.issue("pssleaf", "rsaroot", "leaf")
	p.key("pssca", "pss384")
	p.issue("pssca", "rsaroot", "ca")
	p.key("underpssca", "ec")
	p.issue("underpssca", "pssca", "leaf")

	// RSA keys below 1024 bits.
	for _, bits := range []string{"512", "768"} {
		p.key("rsa"+bits+"root", "rsa:"+bits)
		p.root("rsa" + bits + "root")
		p.key("under"+bits, "ec")
		p.issue("under"+bits, "rsa"+bits+"root", "leaf")
		p.key("rsa"+bits+"leaf", "rsa:"+bits)
		p.issue("rsa"+bits+"leaf", "rsaroot", "leaf")
	}

	// The "rsa" OID.
	p.key("oidsrc", "rsa:2048")
	p.issue("oidsrc", "rsaroot", "leaf")
	p.rsaOID("oidsrc", "rsaroot", "oidleaf")
	p.key("oidcasrc", "rsa:2048")
	p.issue("oidcasrc", "rsaroot", "ca")
	p.rsaOID("oidcasrc", "rsaroot", "oidca")
	if err := os.WriteFile(filepath.Join(p.dir, "oidca.key"), must[[]byte](p.t)(os.ReadFile(filepath.Join(p.dir, "oidcasrc.key"))), 0o600); err != nil {
		p.t.Fatal(err)
	}
	p.key("underoid", "ec")
	p.issue("underoid", "oidca", "leaf")

	// SM2, when this openssl has it.
	if err := p.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", "sm2probe.key"); err == nil {
		p.sm2 = true
		p.key("sm2leaf", "sm2")
		p.issue("sm2leaf", "ecroot", "leaf")
		p.key("sm2root", "sm2")
		p.root("sm2root")
		p.key("undersm2", "ec")
		p.issue("undersm2", "sm2root", "leaf")
	}

	// CRLs signed by a small RSA key, with RSASSA-PSS parameters
	// crypto/x509 does not name, and with SHA-224.
	p.crl("small512", "rsa512root", nil)
	p.crl("small768", "rsa768root", []string{"under768"})
	p.crl("psssha1", "rsaroot", []string{"pss-sha1-salt20"}, "-md", "sha1", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:20")
	p.crl("pssmgf", "rsaroot", nil, "-md", "sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_mgf1_md:sha512")
	p.crl("sha224", "rsaroot", []string{"sha224rsa"}, "-md", "sha224")
	p.crl("bypsskey", "pssroot", nil)

	// Certificate policies crypto/x509 refuses.
	p.key("badpol", "ec")
	p.issue("badpol", "ecroot", "badpolicy")
	p.key("badpolca", "ec")
	p.issue("badpolca", "ecroot", "badpolicyca")
	p.key("underbadpol", "ec")
	p.issue("underbadpol", "badpolca", "leaf")
}

// pssVariants are the RSASSA-PSS parameter sets of the PSS cases.
var pssVariants = []struct {
	name string
	opts []string
}{
	{"sha256-salt32", []string{"-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"}},
	{"sha256-salt20", []string{"-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:20"}},
	{"sha256-salt0", []string{"-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:0"}},
	{"sha256-saltmax", []string{"-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:max"}},
	{"sha384-salt48", []string{"-sha384", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:48"}},
	{"sha384-salt20", []string{"-sha384", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:20"}},
	{"sha512-salt64", []string{"-sha512", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:64"}},
	{"sha512-salt0", []string{"-sha512", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:0"}},
	{"sha1-salt20", []string{"-sha1", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:20"}},
	{"sha1-saltmax", []string{"-sha1", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:max"}},
	{"sha256-mgf1sha512", []string{"-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_mgf1_md:sha512"}},
	{"sha512-mgf1sha1", []string{"-sha512", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_mgf1_md:sha1", "-sigopt", "rsa_pss_saltlen:20"}},
	{"sha1-mgf1sha256", []string{"-sha1", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_mgf1_md:sha256"}},
}

// fallbackCases are the differential cases on fbPKI's certificates, each
// at the given auth levels (-1: not given).
func fallbackCases(p *fbPKI) map[string]opensslCase {
	now := time.Now()
	at := func(leaf *x509.Certificate, untrusted []*x509.Certificate, trusted ...*x509.Certificate) opensslCase {
		return opensslCase{leaf: leaf, untrusted: untrusted, trusted: trusted, depth: -1, at: now}
	}
	c := p.cert
	u := func(names ...string) []*x509.Certificate {
		var out []*x509.Certificate
		for _, n := range names {
			out = append(out, c(n))
		}
		return out
	}
	base := map[string]opensslCase{
		"explicit leaf":                       at(c("exp"), nil, c("ecroot")),
		"explicit intermediate":               at(c("underexp"), u("expca"), c("ecroot")),
		"explicit intermediate trusted":       {leaf: c("underexp"), trusted: u("expca"), depth: -1, at: now, partial: true},
		"explicit root":                       at(c("underexproot"), nil, c("exproot")),
		"explicit root alone":                 at(c("exproot"), nil, c("exproot")),
		"explicit root alone check_ss_sig":    {leaf: c("exproot"), trusted: u("exproot"), depth: -1, at: now, checkSS: true},
		"explicit root bad self-signature":    {leaf: p.bad("exproot"), trusted: []*x509.Certificate{p.bad("exproot")}, depth: -1, at: now, checkSS: true},
		"explicit intermediate bad signature": at(p.bad("underexp"), u("expca"), c("ecroot")),
		"explicit root untrusted":             at(c("underexproot"), u("exproot"), c("ecroot")),
		"explicit leaf untrusted root":        at(c("exp"), nil),
		"PSS key root":                        at(c("underpss"), nil, c("pssroot")),
		"PSS key root alone check_ss_sig":     {leaf: c("pssroot"), trusted: u("pssroot"), depth: -1, at: now, checkSS: true},
		"PSS key leaf":                        at(c("pssleaf"), nil, c("rsaroot")),
		"PSS key intermediate":                at(c("underpssca"), u("pssca"), c("rsaroot")),
		"PSS key intermediate bad signature":  at(p.bad("underpssca"), u("pssca"), c("rsaroot")),
		"PSS key root bad signature":          at(p.bad("underpss"), nil, c("pssroot")),
		"rsa OID leaf":                        at(c("oidleaf"), nil, c("rsaroot")),
		"rsa OID intermediate":                at(c("underoid"), u("oidca"), c("rsaroot")),
		"rsa OID intermediate bad signature":  at(p.bad("underoid"), u("oidca"), c("rsaroot")),
		"bad policy leaf":                     at(c("badpol"), nil, c("ecroot")),
		"ecdsa-with-SHA224":                   at(c("sha224ec"), nil, c("ecroot")),
		"ecdsa-with-SHA224 bad signature":     at(p.bad("sha224ec"), nil, c("ecroot")),
		"sha224WithRSAEncryption":             at(c("sha224rsa"), nil, c("rsaroot")),
		"sha224WithRSAEncryption bad":         at(p.bad("sha224rsa"), nil, c("rsaroot")),
		"bad policy intermediate":             at(c("underbadpol"), u("badpolca"), c("ecroot")),
		"bad policy intermediate trusted":     {leaf: c("underbadpol"), trusted: u("badpolca"), depth: -1, at: now, partial: true},
	}
	for _, v := range pssVariants {
		base["PSS "+v.name] = at(c("pss-"+v.name), nil, c("rsaroot"))
	}
	for _, v := range []string{"sha256-salt20", "sha256-saltmax", "sha1-salt20", "sha256-mgf1sha512", "sha512-mgf1sha1"} {
		base["PSS "+v+" bad signature"] = at(p.bad("pss-"+v), nil, c("rsaroot"))
	}
	for _, name := range []string{"restricted-sha384-48", "restricted-sha384-64", "restricted-sha384-32", "restricted-sha256-48", "restricted-sha512-64"} {
		self := c(name)
		base["PSS key "+name+" check_ss_sig"] = opensslCase{leaf: self, trusted: []*x509.Certificate{self}, depth: -1, at: now, checkSS: true}
	}
	for _, name := range []string{"resign-salt20", "resign-salt20-as32", "resign-salt20-as0", "resign-salt0", "resign-salt0-as20", "resign-salt32-as20"} {
		base["PSS "+name] = at(c(name), nil, c("rsaroot"))
	}
	withCRL := func(tc opensslCase, crl ...[]byte) opensslCase {
		tc.crls, tc.crlMode = crl, CRLPeer
		return tc
	}
	base["CRL by RSA-512"] = withCRL(at(c("under512"), nil, c("rsa512root")), p.crlDER("small512"))
	base["CRL by RSA-768 revoked"] = withCRL(at(c("under768"), nil, c("rsa768root")), p.crlDER("small768"))
	base["CRL PSS SHA-1 revoked"] = withCRL(at(c("pss-sha1-salt20"), nil, c("rsaroot")), p.crlDER("psssha1"))
	base["CRL PSS SHA-1"] = withCRL(at(c("pss-sha256-salt20"), nil, c("rsaroot")), p.crlDER("psssha1"))
	base["CRL PSS MGF1-SHA-512"] = withCRL(at(c("pss-sha256-salt20"), nil, c("rsaroot")), p.crlDER("pssmgf"))
	base["CRL SHA-224 revoked"] = withCRL(at(c("sha224rsa"), nil, c("rsaroot")), p.crlDER("sha224"))
	base["CRL by PSS key"] = withCRL(at(c("underpss"), nil, c("pssroot")), p.crlDER("bypsskey"))
	base["CRL PSS SHA-1 bad signature"] = withCRL(at(c("pss-sha256-salt20"), nil, c("rsaroot")), corrupt(p.crlDER("psssha1")))
	for _, bits := range []string{"512", "768"} {
		base["RSA-"+bits+" root"] = at(c("under"+bits), nil, c("rsa"+bits+"root"))
		base["RSA-"+bits+" root bad signature"] = at(p.bad("under"+bits), nil, c("rsa"+bits+"root"))
		base["RSA-"+bits+" root alone check_ss_sig"] = opensslCase{leaf: c("rsa" + bits + "root"), trusted: u("rsa" + bits + "root"), depth: -1, at: now, checkSS: true}
		base["RSA-"+bits+" leaf"] = at(c("rsa"+bits+"leaf"), nil, c("rsaroot"))
	}
	if p.sm2 {
		base["SM2 leaf"] = at(c("sm2leaf"), nil, c("ecroot"))
		base["SM2 root"] = at(c("undersm2"), nil, c("sm2root"))
		base["SM2 root bad signature"] = at(p.bad("undersm2"), nil, c("sm2root"))
		base["SM2 root alone check_ss_sig"] = opensslCase{leaf: c("sm2root"), trusted: u("sm2root"), depth: -1, at: now, checkSS: true}
		base["SM2 root bad self-signature"] = opensslCase{leaf: p.bad("sm2root"), trusted: []*x509.Certificate{p.bad("sm2root")}, depth: -1, at: now, checkSS: true}
	}
	out := map[string]opensslCase{}
	for name, tc := range base {
		for _, level := range []int{-1, 0, 1, 2, 3, 4} {
			for _, strict := range []bool{false, true} {
				if strict && (strings.HasPrefix(name, "RSA-") || strings.HasPrefix(name, "CRL by RSA-")) {
					// Strict mode refuses RSA keys below 2048 bits on
					// purpose (66/67, see the package documentation).
					continue
				}
				v := tc
				v.authLevel, v.strict = level, strict
				n := name
				if level >= 0 {
					n += fmt.Sprintf(" auth_level %d", level)
				}
				if strict {
					n += " x509_strict"
				}
				out[n] = v
			}
		}
	}
	// Trust anchors from a hashed directory.
	for _, name := range []string{"explicit root", "PSS key root", "rsa OID intermediate", "bad policy intermediate trusted", "SM2 root"} {
		if tc, ok := base[name]; ok {
			tc.capath = true
			out[name+" capath"] = tc
		}
	}
	return out
}

// TestFallbackDifferential verifies certificates crypto/x509 refuses or
// cannot verify with both openssl verify and Verify, and compares the
// problems (code, depth, text, subject) and the outcome.
func TestFallbackDifferential(t *testing.T) {
	needOpenSSL(t)
	p := newFBPKI(t)
	p.build()
	cases := fallbackCases(p)
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		tc := cases[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, got, res := runBoth(t, tc)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("problems differ from openssl verify (-openssl +ours):\n%s", diff)
			}
			if len(want) == 0 && !res.OK() {
				t.Errorf("openssl verified the chain, we got code %d", res.Code)
			}
			if strings.Contains(name, "-as") && len(want) == 0 {
				t.Errorf("openssl accepts a signature made with another salt length than its parameters give: the case tests nothing")
			}
			if len(want) > 0 && (res.Code != want[0].Code || res.Depth != want[0].Depth) {
				t.Errorf("Code/Depth = %d/%d, openssl's first error %d/%d", res.Code, res.Depth, want[0].Code, want[0].Depth)
			}
		})
	}
	t.Logf("%d differential cases (SM2: %v)", len(cases), p.sm2)
}

// TestFallbackInfo checks what the verify engine learns about the
// certificates crypto/x509 refuses.
func TestFallbackInfo(t *testing.T) {
	needOpenSSL(t)
	p := newFBPKI(t)
	p.key("ecroot", "ec")
	p.root("ecroot")
	p.key("exp", "explicit")
	p.issue("exp", "ecroot", "leaf")
	p.key("badpol", "ec")
	p.issue("badpol", "ecroot", "badpolicy")
	for _, name := range []string{"exp", "badpol"} {
		raw := p.cert(name).Raw
		if _, err := x509.ParseCertificate(raw); err == nil {
			t.Fatalf("%s: crypto/x509 parses it; the case tests nothing", name)
		}
	}
	if ci := newCertInfo(p.cert("exp")); !ci.key.ExplicitCurve || !ci.pubKeyOK || ci.policyInvalid {
		t.Errorf("explicit-parameter key: explicit %v, usable %v, policyInvalid %v", ci.key.ExplicitCurve, ci.pubKeyOK, ci.policyInvalid)
	}
	if ci := newCertInfo(p.cert("badpol")); !ci.policyInvalid || ci.invalid {
		t.Errorf("malformed policies: policyInvalid %v, invalid %v", ci.policyInvalid, ci.invalid)
	}
	if ci := newCertInfo(p.cert("ecroot")); ci.policyInvalid || ci.key.ExplicitCurve {
		t.Errorf("ordinary root: policyInvalid %v, explicit %v", ci.policyInvalid, ci.key.ExplicitCurve)
	}
}
