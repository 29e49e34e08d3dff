package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sslstream/sslstream/internal/minipki"
)

// x509Shapes is the set of certificates of different shapes the x509
// tests compare on, made once per test binary (the RSA key once).
type x509Shapes struct {
	dir   string
	names []string // certificate files, PEM
}

var (
	x509ShapesOnce sync.Once
	x509ShapesVal  *x509Shapes
	x509ShapesErr  error
)

func getX509Shapes(t *testing.T) *x509Shapes {
	t.Helper()
	needOpenSSL(t)
	x509ShapesOnce.Do(func() { x509ShapesVal, x509ShapesErr = makeX509Shapes() })
	if x509ShapesErr != nil {
		t.Fatalf("making x509 test certificates: %v", x509ShapesErr)
	}
	return x509ShapesVal
}

// x509Config is the openssl configuration the shapes' extensions come from.
const x509Config = `
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical,CA:TRUE,pathlen:1
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer:always
subjectAltName = DNS:leaf.example,DNS:*.leaf.example
[san]
subjectAltName = @alt
issuerAltName = DNS:issuer.example,URI:http://issuer.example/
[alt]
DNS.1 = a.example
DNS.2 = xn--bcher-kva.example
IP.1 = 192.0.2.1
IP.2 = 2001:db8::1
IP.3 = ::
IP.4 = fe80::1:2:3
email.1 = someone@example.com
URI.1 = https://example.com/path?q=1
URI.2 = spiffe://trust.example/ns/x
dirName.1 = dirsect
otherName.1 = 1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com
otherName.2 = 1.2.3.4;UTF8:some other name
otherName.3 = 1.2.3.5;INT:42
otherName.4 = 1.3.6.1.5.5.7.8.5;UTF8:xmpp@example.com
RID.1 = 1.2.3.4.5
[dirsect]
C = US
O = Dir Org
OU = a/b+c
CN = Dir Name
[policies]
certificatePolicies = ia5org,2.23.140.1.2.1,@pol1,@pol2,@pol3
policyConstraints = requireExplicitPolicy:0,inhibitPolicyMapping:3
inhibitAnyPolicy = 2
policyMappings = 1.2.3.4:1.2.3.5,2.23.140.1.2.1:1.3.6.1.4.1.99
[pol1]
policyIdentifier = 1.3.6.1.4.1.44947.1.1.1
CPS.1 = http://cps.example/cps
CPS.2 = https://cps.example/other
userNotice.1 = @notice1
[pol2]
policyIdentifier = anyPolicy
userNotice.1 = @notice2
[pol3]
policyIdentifier = 1.2.3.99
userNotice.1 = @notice3
[notice1]
explicitText = "Explicit notice text"
organization = "Notice Org"
noticeNumbers = 1, 2, 3
[notice2]
explicitText = "Only explicit"
[notice3]
organization = "Only Org"
noticeNumbers = 7
[cdp]
crlDistributionPoints = dp1,dp2,URI:ldap://ldap.example/cn=CRL%2Co=Example
freshestCRL = URI:http://delta.example/delta.crl
[dp1]
fullname = URI:http://crl.example/a.crl,URI:http://crl2.example/a.crl
reasons = keyCompromise,CACompromise,superseded
CRLissuer = dirName:dirsect
[dp2]
fullname = URI:http://crl.example/b.crl
[aia]
authorityInfoAccess = OCSP;URI:http://ocsp.example/,caIssuers;URI:http://ca.example/ca.crt,caIssuers;dirName:dirsect,1.2.3.4;URI:http://other.example/
subjectInfoAccess = caRepository;URI:http://repo.example/,1.3.6.1.5.5.7.48.3;URI:http://tsa.example/
[nc]
basicConstraints = critical,CA:TRUE
nameConstraints = critical,permitted;DNS:.example.com,permitted;DNS:example.org,permitted;email:.example.com,permitted;IP:192.168.0.0/255.255.0.0,permitted;IP:2001:db8::/ffff:ffff:ffff::,permitted;URI:.example.com,permitted;dirName:dirsect,excluded;DNS:bad.example.com,excluded;IP:0.0.0.0/0.0.0.0,excluded;otherName:1.3.6.1.4.1.311.20.2.3;UTF8:upn,excluded;otherName:1.2.3.4;UTF8:x
[nconly]
nameConstraints = excluded;DNS:only.excluded.example
[unknown]
1.2.3.4.5.6 = DER:01:02:03:ff:00:41:42
1.2.3.4.5.7 = critical,ASN1:UTF8String:hello, world
1.2.3.4.5.8 = ASN1:SEQUENCE:seq
1.3.6.1.4.1.11129.2.4.3 = critical,DER:05:00
1.3.6.1.5.5.7.1.3 = DER:30:03:02:01:05
2.5.29.16 = DER:30:22:80:0f:32:30:32:36:30:31:30:31:30:30:30:30:30:30:5a:81:0f:32:30:32:37:30:31:30:31:30:30:30:30:30:30:5a
nsComment = "A Netscape comment"
nsCertType = client,server,email,objsign,sslCA,emailCA,objCA
nsBaseUrl = http://base.example/
[seq]
a = INT:12345678901234567890
b = PRINTABLESTRING:printable text
c = OID:1.2.3
[usage]
keyUsage = digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,keyAgreement,keyCertSign,cRLSign,encipherOnly,decipherOnly
extendedKeyUsage = critical,serverAuth,clientAuth,codeSigning,emailProtection,timeStamping,OCSPSigning,ipsecIKE,msCodeInd,msCodeCom,msCTLSign,msEFS,anyExtendedKeyUsage,1.3.6.1.4.1.99.1
tlsfeature = status_request,status_request_v2
noCheck = ignored
basicConstraints = CA:FALSE
[empty]
subjectKeyIdentifier = none
`

// makeX509Shapes writes the certificates: openssl makes most of them, Go
// (minipki) the rest.
func makeX509Shapes() (*x509Shapes, error) {
	dir, err := os.MkdirTemp(testDir, "x509-")
	if err != nil {
		return nil, err
	}
	s := &x509Shapes{dir: dir}
	var firstErr error
	ossl := func(args ...string) {
		if firstErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "openssl", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			firstErr = fmt.Errorf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "x.cnf"), []byte(x509Config), 0o600); err != nil {
		return nil, err
	}
	ossl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec256.key")
	ossl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "ec384.key")
	ossl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", "ec521.key")
	ossl("genpkey", "-algorithm", "ED25519", "-out", "ed25519.key")
	ossl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.key")
	self := func(name, key, subj string, extra ...string) {
		args := []string{"req", "-x509", "-config", "x.cnf", "-key", key, "-subj", subj, "-days", "400", "-out", name}
		ossl(append(args, extra...)...)
		s.names = append(s.names, name)
	}
	self("ca-ec256.pem", "ec256.key", "/C=DE/O=Foo, Inc./CN=Test CA", "-extensions", "ca")
	ossl("req", "-new", "-config", "x.cnf", "-key", "ec384.key", "-subj", "/CN=leaf.example", "-out", "leaf.csr")
	ossl("x509", "-req", "-in", "leaf.csr", "-CA", "ca-ec256.pem", "-CAkey", "ec256.key", "-set_serial", "4096",
		"-days", "90", "-extfile", "x.cnf", "-extensions", "leaf", "-out", "leaf-ec384.pem")
	s.names = append(s.names, "leaf-ec384.pem")
	ossl("req", "-new", "-config", "x.cnf", "-key", "ec256.key", "-subj", "/O=Version One/CN=v1.example", "-out", "v1.csr")
	ossl("x509", "-req", "-in", "v1.csr", "-signkey", "ec256.key", "-days", "30", "-out", "v1.pem")
	s.names = append(s.names, "v1.pem")
	ossl("x509", "-req", "-in", "v1.csr", "-CA", "ca-ec256.pem", "-CAkey", "ec256.key", "-set_serial", "0x00ff",
		"-days", "30", "-out", "v1-ca-signed.pem")
	s.names = append(s.names, "v1-ca-signed.pem")
	self("ec521.pem", "ec521.key", "/CN=P-521/O=Example", "-sha512", "-extensions", "ca")
	self("rsa.pem", "rsa.key", "/C=US/ST=California/L=San Francisco/O=RSA Example/OU=Unit/CN=rsa.example", "-sha256", "-extensions", "leaf")
	self("rsa-sha384.pem", "rsa.key", "/CN=rsa384", "-sha384", "-extensions", "empty")
	self("rsa-pss.pem", "rsa.key", "/CN=pss", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32")
	self("rsa-pss-sha1.pem", "rsa.key", "/CN=pss-default", "-sha1", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:20")
	self("ed25519.pem", "ed25519.key", "/CN=ed25519", "-extensions", "ca")
	self("serial-long.pem", "ec256.key", "/CN=long serial", "-set_serial", "0x80112233445566778899aabbccddeeff00112233")
	self("serial-int64max.pem", "ec256.key", "/CN=max", "-set_serial", "0x7fffffffffffffff", "-extensions", "empty")
	self("serial-2pow63.pem", "ec256.key", "/CN=2^63", "-set_serial", "0x8000000000000000", "-extensions", "empty")
	self("serial-zero.pem", "ec256.key", "/CN=zero", "-set_serial", "0", "-extensions", "empty")
	self("names-utf8.pem", "ec256.key",
		`/C=DE/ST=Baden-Württemberg/O=Föö Bär, "Inc"/OU=a+OU=b/CN=José Ñandú/emailAddress=jose@example.com/street= lead and trail /serialNumber=12345/DC=example/DC=com/UID=uid1/1.2.3.4.5=custom/title=#hash`,
		"-utf8", "-multivalue-rdn", "-extensions", "empty")
	self("san-all.pem", "ec256.key", "/CN=san.example", "-extensions", "san")
	self("policies.pem", "ec256.key", "/CN=policies", "-extensions", "policies")
	self("cdp.pem", "ec256.key", "/CN=cdp", "-extensions", "cdp")
	self("aia.pem", "ec256.key", "/CN=aia", "-extensions", "aia")
	self("nameconstraints.pem", "ec256.key", "/CN=Constrained CA", "-extensions", "nc")
	self("nameconstraints-excluded.pem", "ec256.key", "/CN=NC2", "-extensions", "nconly")
	self("unknown-ext.pem", "ec256.key", "/CN=unknown", "-extensions", "unknown")
	self("usage.pem", "ec256.key", "/CN=usage", "-extensions", "usage")
	self("sct.pem", "ec256.key", "/CN=sct.example", "-addext", "1.3.6.1.4.1.11129.2.4.2=DER:"+sctListHex(0, 1, 3))
	self("more-exts.pem", "ec256.key", "/CN=more", "-addext", "2.5.29.20=DER:02:01:05",
		"-addext", "2.5.29.27=DER:02:11:01:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00",
		"-addext", "2.5.29.29=DER:30:05:82:03:61:2e:62", "-addext", "1.3.6.1.5.5.7.1.2=DER:30:00",
		"-addext", "extendedKeyUsage=1.3.6.1.5.5.7.3.21,1.3.6.1.5.5.7.3.27,1.3.6.1.5.5.7.3.30",
		"-addext", "basicConstraints=critical,CA:TRUE,pathlen:4294967296")
	self("sct-unsupported.pem", "ec256.key", "/CN=sct2.example", "-addext", "1.3.6.1.4.1.11129.2.4.2=DER:"+sctListHex(0, 2))
	// T61String and BMPString values, as old CAs have them: openssl's
	// "default" string mask picks the smallest type that holds each value.
	if err := os.WriteFile(filepath.Join(dir, "t61.cnf"), []byte("[req]\ndistinguished_name = dn\nstring_mask = default\n[dn]\n[v3]\nauthorityKeyIdentifier = keyid,issuer:always\nsubjectAltName = dirName:d\n[d]\nO = Caf\u00e9\nCN = \u65e5\u672c\n"), 0o600); err != nil {
		return nil, err
	}
	ossl("req", "-x509", "-config", "t61.cnf", "-key", "ec256.key", "-utf8", "-subj", "/C=JP/O=Föö/OU=Zürich+OU=x/CN=日本語", "-extensions", "v3", "-out", "names-t61-bmp.pem")
	s.names = append(s.names, "names-t61-bmp.pem")
	ossl("x509", "-in", "ca-ec256.pem", "-addtrust", "serverAuth", "-setalias", "My Alias, Ünï", "-out", "trusted-alias.pem")
	ossl("x509", "-in", "rsa.pem", "-addtrust", "clientAuth", "-addtrust", "serverAuth", "-addreject", "emailProtection", "-out", "trusted-reject.pem")
	s.names = append(s.names, "trusted-alias.pem", "trusted-reject.pem")
	if firstErr != nil {
		return nil, firstErr
	}
	// Go-made certificates: a typical leaf, an expired one and one with
	// the extensions crypto/x509 writes itself.
	f := minipki.New()
	st := &minipki.Steps{Dir: dir}
	root := st.Cert(f.Root("Go Root", minipki.Subject(pkix.Name{Country: []string{"FR"}, Organization: []string{"Go, Ltd"}, CommonName: "Go Root"})))
	u, _ := url.Parse("https://go.example/u")
	leaf := st.Cert(root.Leaf("go.example", minipki.DNS("go.example", "www.go.example"), minipki.IP("198.51.100.7", "2001:db8::7"),
		minipki.Email("go@go.example"), minipki.Serial(new(big.Int).Lsh(big.NewInt(0xab), 150)),
		minipki.Template(func(c *x509.Certificate) {
			c.URIs = append(c.URIs, u)
			c.OCSPServer = []string{"http://ocsp.go.example"}
			c.IssuingCertificateURL = []string{"http://go.example/ca.der"}
			c.CRLDistributionPoints = []string{"http://go.example/ca.crl"}
			c.Policies = []x509.OID{mustOID("2.23.140.1.2.1")}
			c.PermittedDNSDomains = nil
		})))
	expired := st.Cert(root.Leaf("expired.example", minipki.Expired()))
	inter := st.Cert(root.Intermediate("Go Intermediate", minipki.PathLen(0), minipki.Template(func(c *x509.Certificate) {
		c.PermittedDNSDomains = []string{".go.example"}
		c.ExcludedEmailAddresses = []string{"bad@go.example"}
		c.PermittedURIDomains = []string{".go.example"}
	})))
	if st.Err != nil {
		return nil, st.Err
	}
	st.File("go-root.pem", root.CertPEM())
	st.File("go-leaf.pem", leaf.CertPEM())
	st.File("go-expired.pem", expired.CertPEM())
	st.File("go-intermediate.pem", inter.CertPEM())
	if st.Err != nil {
		return nil, st.Err
	}
	s.names = append(s.names, "go-root.pem", "go-leaf.pem", "go-expired.pem", "go-intermediate.pem")
	return s, nil
}

// sctListHex builds a CT SCT list extension value (RFC 6962 3.3), as
// openssl -addext DER: takes it, from these SCTs: 0 a v1 ECDSA SCT, 1 a v1
// RSA SCT with extensions, 2 one signed with SHA-1 (which openssl does not
// decode), 3 one of an unknown version.
func sctListHex(which ...int) string {
	one := func(ver byte, logID byte, ms uint64, ext []byte, hash, sig byte, sigBytes []byte) []byte {
		b := []byte{ver}
		for i := 0; i < 32; i++ {
			b = append(b, logID+byte(i))
		}
		for i := 7; i >= 0; i-- {
			b = append(b, byte(ms>>(8*i)))
		}
		b = append(b, byte(len(ext)>>8), byte(len(ext)))
		b = append(b, ext...)
		b = append(b, hash, sig, byte(len(sigBytes)>>8), byte(len(sigBytes)))
		b = append(b, sigBytes...)
		return append([]byte{byte(len(b) >> 8), byte(len(b))}, b...)
	}
	seq := func(from, n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(from + i)
		}
		return b
	}
	ecdsaSig := append(append([]byte{0x30, 0x44, 0x02, 0x20}, seq(1, 32)...), append([]byte{0x02, 0x20}, seq(40, 32)...)...)
	scts := [][]byte{
		one(0, 0x10, 1521143723637, nil, 4, 3, ecdsaSig),
		one(0, 0xa0, 1521143723000, []byte{1, 2}, 4, 1, seq(200, 56)),
		one(0, 0x00, 0, nil, 2, 3, []byte{0x30, 0x00}),
		one(1, 0x00, 5, nil, 4, 3, []byte{0x30, 0x00}),
	}
	var list []byte
	for _, w := range which {
		list = append(list, scts[w]...)
	}
	tls := append([]byte{byte(len(list) >> 8), byte(len(list))}, list...)
	der := append([]byte{0x04, 0x82, byte(len(tls) >> 8), byte(len(tls))}, tls...)
	parts := make([]string, len(der))
	for i, c := range der {
		parts[i] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(parts, ":")
}

// x509OptionSets are the option lists compared with openssl on every shape,
// in openssl's spelling (ours accepts it unchanged).
var x509OptionSets = [][]string{
	{"-text", "-noout"},
	{"-text", "-noout", "-nameopt", "RFC2253"},
	{"-subject", "-issuer", "-serial", "-dates", "-fingerprint", "-noout"},
	{"-noout", "-fingerprint", "-serial", "-dates", "-issuer", "-subject"},
	{"-noout", "-enddate", "-subject", "-startdate", "-subject"},
	{"-noout", "-fingerprint", "-sha256"},
	{"-noout", "-md5", "-fingerprint"},
	{"-noout", "-fingerprint", "-sha1", "-sha512"},
	{"-noout", "-subject_hash", "-issuer_hash", "-subject_hash_old", "-issuer_hash_old", "-hash"},
	{"-noout", "-subject", "-issuer", "-nameopt", "RFC2253"},
	{"-noout", "-ext", "subjectAltName"},
	{"-noout", "-ext", "basicConstraints,keyUsage,extendedKeyUsage,subjectKeyIdentifier,authorityKeyIdentifier"},
	{"-noout", "-ext", "certificatePolicies,crlDistributionPoints,authorityInfoAccess,nameConstraints,issuerAltName,subjectInfoAccess,policyConstraints,inhibitAnyPolicy,policyMappings,tlsfeature,noCheck,nsComment,nsCertType,freshestCRL,privateKeyUsagePeriod,ct_precert_poison,ct_precert_scts,nsBaseUrl"},
	{"-noout", "-checkend", "0"},
	{"-noout", "-checkend", "315360000"},
	{"-noout", "-checkend", "-86400", "-dates", "-dateopt", "iso_8601"},
	{"-noout", "-pubkey"},
	{"-subject"},
	{"-outform", "DER"},
	{"-noout", "-modulus", "-email", "-ocsp_uri", "-ocspid", "-alias"},
	{"-noout", "-serial", "-text", "-subject", "-ext", "subjectKeyIdentifier", "-pubkey", "-dates", "-checkend", "60"},
}

// runX509InProcess runs `sslstream x509 ARGS` in this process (faster than
// the binary for hundreds of runs) with stdin.
func runX509InProcess(dir string, stdin []byte, args ...string) result {
	var stdout, stderr bytes.Buffer
	for i, a := range args {
		if (a == "-in" || a == "--in" || a == "-out") && i+1 < len(args) && args[i+1] != "-" && !filepath.IsAbs(args[i+1]) {
			args[i+1] = filepath.Join(dir, args[i+1])
		}
	}
	e := &env{ctx: context.Background(), stdin: bytes.NewReader(stdin), stdout: &stdout, stderr: &stderr}
	code := run(e, append([]string{"x509"}, args...))
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// TestX509AgainstOpenSSL compares stdout, stderr and the exit status of
// every option set on every shape with openssl's, byte for byte.
func TestX509AgainstOpenSSL(t *testing.T) {
	t.Parallel()
	s := getX509Shapes(t)
	for _, name := range s.names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			matched := 0
			for _, opts := range x509OptionSets {
				args := append([]string{"-in", name}, opts...)
				want := openssl(t, s.dir, append([]string{"x509"}, args...)...)
				got := runX509InProcess(s.dir, nil, append([]string(nil), args...)...)
				ok := true
				if diff := cmp.Diff(want.stdout, got.stdout); diff != "" {
					t.Errorf("x509 %s: stdout differs (-openssl +ours):\n%s", strings.Join(args, " "), diff)
					ok = false
				}
				if want.stderr != got.stderr || want.code != got.code {
					t.Errorf("x509 %s: stderr %q exit %d, openssl stderr %q exit %d", strings.Join(args, " "), got.stderr, got.code, want.stderr, want.code)
					ok = false
				}
				if ok {
					matched++
				}
			}
			t.Logf("%s: %d of %d option sets identical to openssl", name, matched, len(x509OptionSets))
		})
	}
}

// TestX509ShapeCount guards the evidence: at least 20 shapes.
func TestX509ShapeCount(t *testing.T) {
	t.Parallel()
	s := getX509Shapes(t)
	if len(s.names) < 20 {
		t.Fatalf("only %d certificate shapes", len(s.names))
	}
}

// TestX509ShapesHaveFeatures makes sure each shape holds what it is there
// for, so that matching openssl means matching on that feature.
func TestX509ShapesHaveFeatures(t *testing.T) {
	t.Parallel()
	s := getX509Shapes(t)
	for name, wants := range map[string][]string{
		"v1.pem":              {"Version: 1 (0x0)"},
		"leaf-ec384.pem":      {"NIST CURVE: P-384", "keyid:", "DirName:/C=DE/O=Foo, Inc./CN=Test CA", "serial:"},
		"ec521.pem":           {"NIST CURVE: P-521", "ecdsa-with-SHA512", "pathlen:1"},
		"rsa.pem":             {"Public-Key: (2048 bit)", "Exponent: 65537 (0x10001)"},
		"rsa-pss.pem":         {"rsassaPss", "Salt Length: 0x20"},
		"rsa-pss-sha1.pem":    {"sha1 (default)"},
		"ed25519.pem":         {"ED25519 Public-Key:"},
		"serial-long.pem":     {"80:11:22:33"},
		"serial-2pow63.pem":   {"\n            80:00:00:00:00:00:00:00\n"},
		"names-t61-bmp.pem":   {"OU = x + OU = Z\\C3\\BCrich", "CN = \\E6\\97\\A5", "DirName:/C=JP/O=F\\xF6\\xF6/OU=x+OU=Z\\xFCrich/CN=e\\xE5g,\\x8A\\x9E"},
		"names-utf8.pem":      {"OU = a + OU = b", "F\\C3\\B6\\C3\\B6", `\"Inc\"`, "DC = com"},
		"san-all.pem":         {"IP Address:2001:DB8:0:0:0:0:0:1", "DirName:/C=US/O=Dir Org/OU=a\\/b\\+c/CN=Dir Name", "othername: UPN::", "othername: 1.2.3.5::<unsupported>", "Registered ID:1.2.3.4.5", "URI:spiffe://"},
		"policies.pem":        {"CPS: http://cps.example/cps", "Numbers: 1, 2, 3", "Explicit Text: Only explicit", "Number: 7", "Policy: X509v3 Any Policy", "Policy Mappings"},
		"cdp.pem":             {"Reasons:", "CRL Issuer:", "Freshest CRL"},
		"aia.pem":             {"OCSP - URI:", "CA Issuers - DirName:", "CA Repository - URI:", "AD Time Stamping - URI:"},
		"nameconstraints.pem": {"Name Constraints: critical", "IP:2001:DB8:0:0:0:0:0:0/FFFF:FFFF:FFFF:0:0:0:0:0", "othername:UPN:upn", "othername:<unsupported>"},
		"unknown-ext.pem":     {"1.2.3.4.5.7: critical", "CT Precertificate Poison: critical", "qcStatements", "Private Key Usage Period", "Netscape Cert Type"},
		"usage.pem":           {"Decipher Only", "Extended Key Usage: critical", "status_request_v2", "OCSP No Check"},
		"sct.pem":             {"Signed Certificate Timestamp:", "Timestamp : Mar 15 19:55:23.637 2018 GMT", "Extensions: 01:02", "Version   : unknown", "sha256WithRSAEncryption"},
		"go-leaf.pem":         {"Policy: 2.23.140.1.2.1", "URI:https://go.example/u"},
		"go-intermediate.pem": {"Permitted:", "Excluded:"},
	} {
		r := runX509InProcess(s.dir, nil, "-in", name, "-text", "-noout")
		for _, w := range wants {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%s: -text lacks %q", name, w)
			}
		}
	}
}

// TestX509DoubleDash: --in, --text, --subject-hash ... give the same output
// as the single-dash spellings.
func TestX509DoubleDash(t *testing.T) {
	t.Parallel()
	s := getX509Shapes(t)
	single := runX509InProcess(s.dir, nil, "-in", "san-all.pem", "-noout", "-text", "-subject_hash", "-ext", "subjectAltName", "-fingerprint", "-sha256", "-checkend", "10")
	double := runX509InProcess(s.dir, nil, "--in", "san-all.pem", "--noout", "--text", "--subject-hash", "--ext", "subjectAltName", "--fingerprint", "--sha256", "--checkend=10")
	if single.stdout != double.stdout || single.code != double.code || single.code != 0 {
		t.Fatalf("single dash:\n%s\ndouble dash:\n%s", single, double)
	}
}

// TestX509StdinAndPipe: standard input (absent -in and "-in -"), DER input
// with and without -inform, text around PEM blocks and several
// certificates, compared with openssl.
func TestX509StdinAndPipe(t *testing.T) {
	t.Parallel()
	s := getX509Shapes(t)
	der := openssl(t, s.dir, "x509", "-in", "rsa.pem", "-outform", "DER", "-out", "rsa.der")
	wantCode(t, der, 0)
	a, _ := os.ReadFile(filepath.Join(s.dir, "aia.pem"))
	b, _ := os.ReadFile(filepath.Join(s.dir, "rsa.pem"))
	mixed := []byte("Connecting...\nsome text\n" + string(a) + "more text\n" + string(b) + "trailer\n")
	cases := []struct {
		stdin []byte
		args  []string
	}{
		{mixed, []string{"-noout", "-subject"}},
		{mixed, []string{"-in", "-", "-noout", "-subject", "-issuer"}},
		{b, []string{"-text", "-noout"}},
		{nil, []string{"-in", "rsa.der", "-noout", "-subject", "-fingerprint"}},
		{nil, []string{"-in", "rsa.der", "-inform", "DER", "-noout", "-text"}},
		{nil, []string{"-in", "rsa.der", "-inform", "DER"}},
	}
	for _, c := range cases {
		oargs := c.args
		if oargs[0] == "-in" && oargs[1] == "-" {
			// Deliberate difference (docs/PORTING.md): openssl 3.0's x509
			// takes "-in -" for a file named "-"; ours reads standard
			// input, as -in absent does in both.
			oargs = oargs[2:]
		}
		want := runIn(t, s.dir, nil, bytes.NewReader(c.stdin), 60*time.Second, "openssl", append([]string{"x509"}, oargs...)...)
		got := runX509InProcess(s.dir, c.stdin, append([]string(nil), c.args...)...)
		if want.stdout != got.stdout || want.code != got.code {
			t.Errorf("x509 %v: ours\n%s\nopenssl\n%s", c.args, got, want)
		}
	}
}

// TestX509All: --all processes each certificate of a bundle in order.
func TestX509All(t *testing.T) {
	t.Parallel()
	s := getX509Shapes(t)
	a, _ := os.ReadFile(filepath.Join(s.dir, "aia.pem"))
	b, _ := os.ReadFile(filepath.Join(s.dir, "cdp.pem"))
	r := runX509InProcess(s.dir, append(a, b...), "--all", "-noout", "-subject")
	wantCode(t, r, 0)
	if r.stdout != "subject=CN = aia\nsubject=CN = cdp\n" {
		t.Fatalf("--all: %q", r.stdout)
	}
	r = runX509InProcess(s.dir, append(a, b...), "-noout", "-subject")
	if r.stdout != "subject=CN = aia\n" {
		t.Fatalf("first only: %q", r.stdout)
	}
}

// TestX509Errors: unreadable input, no certificate, wrong -inform: exit 1
// and a message naming the file, as openssl fails.
func TestX509Errors(t *testing.T) {
	t.Parallel()
	s := getX509Shapes(t)
	junk := filepath.Join(t.TempDir(), "junk.txt")
	if err := os.WriteFile(junk, []byte("hello, no certificate here\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args  []string
		stdin []byte
		want  string
	}{
		{[]string{"-in", junk, "-noout"}, nil, "junk.txt: "},
		{[]string{"-in", filepath.Join(s.dir, "missing.pem"), "-noout"}, nil, "missing.pem: cannot read certificate"},
		{[]string{"-noout"}, nil, "<stdin>: no certificate found"},
		{[]string{"-in", "rsa.pem", "-inform", "DER", "-noout"}, nil, "not DER"},
		{[]string{"-in", "ed25519.key", "-noout", "-subject"}, nil, "ed25519.key: "},
	} {
		got := runX509InProcess(s.dir, c.stdin, append([]string(nil), c.args...)...)
		want := runIn(t, s.dir, nil, bytes.NewReader(c.stdin), 60*time.Second, "openssl", append([]string{"x509"}, c.args...)...)
		if got.code != 1 || want.code != 1 || got.stdout != "" || !strings.Contains(got.stderr, c.want) {
			t.Errorf("x509 %v: ours %s\nopenssl exit %d; want exit 1 and %q on stderr", c.args, got, want.code, c.want)
		}
	}
	r := runX509InProcess(s.dir, nil, "-in", "rsa.pem", "-checkend", "soon")
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "not a number of seconds")
	r = runX509InProcess(s.dir, nil, "-in", "rsa.pem", "-nameopt", "multiline")
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "is not one of oneline, RFC2253")
}

// TestX509OutFile: -out writes what stdout would get.
func TestX509OutFile(t *testing.T) {
	t.Parallel()
	s := getX509Shapes(t)
	out := filepath.Join(t.TempDir(), "out.der")
	r := runX509InProcess(s.dir, nil, "-in", "rsa.pem", "-outform", "DER", "-out", out)
	wantCode(t, r, 0)
	want := openssl(t, s.dir, "x509", "-in", "rsa.pem", "-outform", "DER")
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, []byte(want.stdout)) || r.stdout != "" {
		t.Fatalf("-out file differs from openssl's DER (%d vs %d bytes)", len(got), len(want.stdout))
	}
}

// TestX509JSON checks the --json fields against the text options.
func TestX509JSON(t *testing.T) {
	t.Parallel()
	s := getX509Shapes(t)
	r := runX509InProcess(s.dir, nil, "-in", "go-leaf.pem", "--json")
	wantCode(t, r, 0)
	var j map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	for _, k := range []string{"version", "serial", "signature_algorithm", "issuer", "issuer_rfc2253", "subject",
		"subject_rfc2253", "not_before", "not_after", "public_key", "fingerprints", "subject_hash", "issuer_hash",
		"subject_hash_old", "issuer_hash_old", "is_ca", "dns_names", "ip_addresses", "email_addresses", "uris",
		"ocsp_servers", "ca_issuers", "crl_distribution_points", "extensions", "text", "pem"} {
		if _, ok := j[k]; !ok {
			t.Errorf("--json lacks %q", k)
		}
	}
	text := openssl(t, s.dir, "x509", "-in", "go-leaf.pem", "-text", "-noout")
	if j["text"] != text.stdout {
		t.Errorf("json text differs from openssl -text")
	}
	ser := openssl(t, s.dir, "x509", "-in", "go-leaf.pem", "-noout", "-serial", "-subject_hash", "-fingerprint", "-sha256")
	lines := strings.Split(ser.stdout, "\n")
	if "serial="+j["serial"].(string) != lines[0] || j["subject_hash"] != lines[1] ||
		"sha256 Fingerprint="+j["fingerprints"].(map[string]any)["sha256"].(string) != lines[2] {
		t.Errorf("json serial/hash/fingerprint differ from openssl:\n%s\n%v", ser.stdout, j)
	}
	if pk := j["public_key"].(map[string]any); pk["algorithm"] != "id-ecPublicKey" || pk["bits"] != 256.0 {
		t.Errorf("public_key %v", pk)
	}
	exts := j["extensions"].([]any)
	if len(exts) == 0 || exts[0].(map[string]any)["oid"] == "" {
		t.Errorf("extensions %v", exts)
	}
}

// TestX509ShowcertsPipe pipes `sslstream client --showcerts` output (the
// chain amid the connection summary) into x509, as a user would, and
// compares with openssl reading the same bytes.
func TestX509ShowcertsPipe(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	c := sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), "client", "127.0.0.1:"+port, "--ca-file", "ca.pem", "--showcerts")
	wantCode(t, c, 0)
	if strings.Count(c.stderr, "-----BEGIN CERTIFICATE-----") < 2 {
		t.Fatalf("client --showcerts printed no chain:\n%s", c)
	}
	for _, args := range [][]string{{"-noout", "-subject", "-issuer"}, {"-text", "-noout"}, {"-noout", "-ext", "subjectAltName"}} {
		want := runIn(t, "", nil, strings.NewReader(c.stderr), 60*time.Second, "openssl", append([]string{"x509"}, args...)...)
		got := runX509InProcess("", []byte(c.stderr), args...)
		if want.stdout != got.stdout || want.code != got.code || want.stdout == "" {
			t.Errorf("x509 %v on --showcerts output: ours\n%s\nopenssl\n%s", args, got, want)
		}
	}
}

// TestX509Help: the command is listed and documents its options.
func TestX509Help(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &out, stderr: &out}
	if code := run(e, []string{"help"}); code != 0 || !strings.Contains(out.String(), "x509") {
		t.Fatalf("main help lacks x509:\n%s", out.String())
	}
	out.Reset()
	if code := run(e, []string{"x509", "--help"}); code != 0 {
		t.Fatalf("x509 --help exit %d", code)
	}
	for _, f := range []string{"--text", "--subject_hash", "--checkend", "--nameopt", "--json", "--all", "--inform", "--outform"} {
		wantContains(t, "x509 --help", out.String(), f)
	}
}

// TestX509PEMRoundTrip: the PEM written without -noout is the input
// certificate.
func TestX509PEMRoundTrip(t *testing.T) {
	t.Parallel()
	s := getX509Shapes(t)
	r := runX509InProcess(s.dir, nil, "-in", "go-leaf.pem")
	orig, _ := os.ReadFile(filepath.Join(s.dir, "go-leaf.pem"))
	blk, _ := pem.Decode(orig)
	got, _ := pem.Decode([]byte(r.stdout))
	if blk == nil || got == nil || !bytes.Equal(blk.Bytes, got.Bytes) {
		t.Fatalf("PEM output is not the certificate:\n%s", r.stdout)
	}
}

// mustOID parses a constant dotted OID.
func mustOID(dotted string) x509.OID {
	oid, _ := x509.ParseOID(dotted)
	return oid
}

// TestX509SystemCAs compares -text (both name forms) on the real CA
// certificates of the machine's OpenSSL directory, when it has any.
func TestX509SystemCAs(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	dir := "/etc/ssl/certs"
	if d := os.Getenv("SSL_CERT_DIR"); d != "" {
		dir = filepath.SplitList(d)[0]
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.pem"))
	if len(files) == 0 {
		t.Skipf("no *.pem certificates in %s (Debian package ca-certificates)", dir)
	}
	if len(files) > 400 {
		files = files[:400]
	}
	same := 0
	for i, f := range files {
		ok := true
		sets := [][]string{{"-in", f, "-text", "-noout"}}
		if i%4 == 0 { // the RFC 2253 form on a quarter of them, to keep the test short
			sets = append(sets, []string{"-in", f, "-noout", "-text", "-nameopt", "RFC2253", "-fingerprint", "-sha256"})
		}
		for _, args := range sets {
			want := openssl(t, "", append([]string{"x509"}, args...)...)
			got := runX509InProcess("", nil, append([]string(nil), args...)...)
			if want.code != 0 {
				continue // not a certificate openssl reads
			}
			if diff := cmp.Diff(want.stdout, got.stdout); diff != "" || got.code != 0 {
				t.Errorf("x509 %s: differs from openssl (-openssl +ours):\n%s%s", strings.Join(args, " "), diff, got.stderr)
				ok = false
			}
		}
		if ok {
			same++
		}
	}
	t.Logf("%d of %d system CA certificates identical to openssl", same, len(files))
}
