package sslstream

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/sslstream/sslstream/cadir"
	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/keyfile"
	"github.com/sslstream/sslstream/verify"
)

// trust holds the frozen verification settings of a context: trust
// anchors, CRLs and their options, loaded once at creation and shared
// (read-only) by every connection.
type trust struct {
	anchors  []verify.IssuerSource
	crls     []verify.CRLSource
	crlCheck verify.CRLMode
	strict   bool
	// allowProxy accepts proxy certificates (allow-proxy-certs).
	allowProxy bool
	policy     policyOptions

	// store is the default trust store in use, nil when none is. With a
	// verify store (verify-ca-*) it serves the own chain alone.
	store *TrustStore
	// verifyStore reports that the verify-ca-* settings replace the
	// context's CA settings in anchors and crls, as libssl's verify store.
	verifyStore bool
	// own are the trust anchors the chain of the own certificate is built
	// from (autochain.go): the chain-ca-* settings' when any is given
	// (libssl's chain store), else those of ca-file, ca-directory,
	// ca-store and the default store (libssl's certificate store), also
	// when a verify store verifies the peer. ownFrom names them for
	// errors ("chain-ca-file /etc/chain.pem").
	own     []verify.IssuerSource
	ownFrom string
	// caFileCerts are the ca-file's certificates, whose subjects a server
	// sends as client CA names (clientca.go).
	caFileCerts []*x509.Certificate

	// roots is the crypto/x509 form of the anchors, made on first use by
	// an exported client config (handshake_client.go).
	rootsOnce sync.Once
	roots     *x509.CertPool
}

// TrustStore says where the default trust store comes from: the
// certificate file and hashed directories OpenSSL's default verify paths
// name (SSL_CERT_FILE and SSL_CERT_DIR when set, else the system's), or,
// on macOS and Windows, the system verifier's roots.
type TrustStore struct {
	// File is the PEM bundle, "" when there is none.
	File string
	// Dirs are the hashed directories (SSL_CERT_DIR may name several,
	// separated by colons), looked up on demand as with ca-directory.
	Dirs []string
	// System reports that the roots are the system verifier's (macOS,
	// Windows): crypto/x509's SystemCertPool chooses the anchor.
	System bool
}

// The locations of the system's trust store on Linux and the BSDs, in the
// order crypto/x509 looks at them, so that this library and crypto/tls
// (x509.SystemCertPool) trust the same certificates. Debian's OpenSSL
// default file and directory (/usr/lib/ssl/cert.pem and /usr/lib/ssl/certs)
// are links to the first ones.
var (
	systemCertFiles = []string{
		"/etc/ssl/certs/ca-certificates.crt",                // Debian, Ubuntu, Gentoo, Arch
		"/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora, RHEL 6
		"/etc/ssl/ca-bundle.pem",                            // openSUSE
		"/etc/pki/tls/cacert.pem",                           // OpenELEC
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS, RHEL 7
		"/etc/ssl/cert.pem",                                 // Alpine, FreeBSD, OpenBSD
		"/usr/local/etc/ssl/cert.pem",                       // FreeBSD ports
		"/usr/local/share/certs/ca-root-nss.crt",            // DragonFly
	}
	systemCertDirs = []string{
		"/etc/ssl/certs",     // SLES10/SLES11, Debian
		"/etc/pki/tls/certs", // Fedora, RHEL
	}
)

// DefaultTrustStore returns where the default trust store (setting
// ca-default) comes from on this machine now: SSL_CERT_FILE and
// SSL_CERT_DIR when either is set, as OpenSSL and crypto/x509 read them;
// else the first system bundle and directory that exist; on macOS and
// Windows, the system verifier.
func DefaultTrustStore() TrustStore {
	file, dirs := os.Getenv("SSL_CERT_FILE"), os.Getenv("SSL_CERT_DIR")
	if file != "" || dirs != "" {
		var ts TrustStore
		ts.File = file
		for _, d := range filepath.SplitList(dirs) {
			if d != "" {
				ts.Dirs = append(ts.Dirs, d)
			}
		}
		return ts
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" || runtime.GOOS == "ios" {
		return TrustStore{System: true}
	}
	var ts TrustStore
	for _, f := range systemCertFiles {
		if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() {
			ts.File = f
			break
		}
	}
	for _, d := range systemCertDirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			ts.Dirs = append(ts.Dirs, d)
			break
		}
	}
	return ts
}

// String describes the store for messages and reports.
func (ts TrustStore) String() string {
	switch {
	case ts.System:
		return "the system's trust store"
	case ts.File == "" && len(ts.Dirs) == 0:
		return "no default trust store (no system bundle found; set SSL_CERT_FILE or SSL_CERT_DIR)"
	}
	var parts []string
	if ts.File != "" {
		parts = append(parts, "file "+ts.File)
	}
	for _, d := range ts.Dirs {
		parts = append(parts, "directory "+d)
	}
	return strings.Join(parts, ", ")
}

// usesDefaultTrust says whether settings s use the default trust store.
func usesDefaultTrust(s Settings, server bool) bool {
	if s.CADefault != nil {
		return *s.CADefault
	}
	// Automatic: a client that verifies and names no CA, as openssl
	// s_client and Python's ssl.create_default_context(). A server
	// never: the system's roots would accept any publicly issued client
	// certificate.
	return !server && s.CAFile == "" && s.CADirectory == "" && s.CAStore == ""
}

// namedDir is a hashed directory of the default trust store, named so in
// verify reports.
type namedDir struct {
	*cadir.Dir
	name string
}

// Name is the trust source reported for anchors found in the directory.
func (d namedDir) Name() string { return d.name }

// policyOptions are the policy settings, as verify.Options takes them.
type policyOptions struct {
	oids                                       []x509.OID
	explicit, inhibitAny, inhibitMap, checking bool
}

// apply copies the policy settings into opts.
func (p *policyOptions) apply(opts *verify.Options) {
	opts.Policies = p.oids
	opts.ExplicitPolicy, opts.InhibitAnyPolicy, opts.InhibitPolicyMapping, opts.PolicyCheck = p.explicit, p.inhibitAny, p.inhibitMap, p.checking
}

func loadTrust(s Settings, server bool) (*trust, error) {
	t := &trust{strict: s.X509Strict, crlCheck: s.CRLCheck, allowProxy: s.AllowProxyCerts}
	t.policy = policyOptions{explicit: s.ExplicitPolicy, inhibitAny: s.InhibitAnyPolicy, inhibitMap: s.InhibitPolicyMapping, checking: s.PolicyCheck}
	for _, p := range s.Policies {
		oid, err := verify.ParsePolicyOID(p)
		if err != nil {
			return nil, settingsError("settings", err)
		}
		t.policy.oids = append(t.policy.oids, oid)
	}
	var crlFile verify.CRLSource
	if s.CRLFile != "" {
		crls, err := crl.Load(s.CRLFile)
		if err != nil {
			return nil, settingsError("load crl-file", err)
		}
		crlFile = crl.NewStore(crls...)
	}
	ca := caSet{prefix: "ca", file: s.CAFile, dir: s.CADirectory, store: s.CAStore}
	var err error
	if t.anchors, t.crls, t.caFileCerts, err = ca.load(crlFile); err != nil {
		return nil, err
	}
	if usesDefaultTrust(s, server) {
		if err := t.loadDefault(s.CADefault != nil); err != nil {
			return nil, err
		}
	}
	t.own, t.ownFrom = t.anchors, ca.describe(t.store)

	// libssl's verify store replaces the certificate store for verifying
	// the peer; the CRLs of crl-file go to it too (s_server, s_client).
	if vs := (caSet{prefix: "verify-ca", file: s.VerifyCAFile, dir: s.VerifyCADirectory, store: s.VerifyCAStore}); vs.given() {
		if t.anchors, t.crls, _, err = vs.load(crlFile); err != nil {
			return nil, err
		}
		t.verifyStore = true
	}
	// libssl's chain store replaces it for building the own chain.
	if cs := (caSet{prefix: "chain-ca", file: s.ChainCAFile, dir: s.ChainCADirectory, store: s.ChainCAStore}); cs.given() {
		if t.own, _, _, err = cs.load(nil); err != nil {
			return nil, err
		}
		t.ownFrom = cs.describe(nil)
	}
	return t, nil
}

// caSet is one set of CA settings: a PEM bundle, a hashed directory and a
// store URI, named by prefix: the context's own (ca-file, ca-directory,
// ca-store), the verify store's (verify-ca-*) or the chain store's
// (chain-ca-*).
type caSet struct {
	prefix, file, dir, store string
}

// given reports whether any of the set's settings is given.
func (c caSet) given() bool { return c.file != "" || c.dir != "" || c.store != "" }

// load returns the set's trust anchors, the CRLs that come with them
// (crlFile, the crl-file's, after the file's anchors and before the
// file's own CRLs) and the certificates of its file, in OpenSSL's order:
// the file, the directory, then the store (X509_STORE_load_file,
// X509_STORE_load_path, X509_STORE_load_store). Errors name the setting
// and its file.
func (c caSet) load(crlFile verify.CRLSource) (anchors []verify.IssuerSource, crls []verify.CRLSource, fileCerts []*x509.Certificate, err error) {
	if c.file != "" {
		// TRUSTED CERTIFICATE blocks keep their trust settings
		// (openssl x509 -trustout -addtrust/-addreject), honoured as
		// OpenSSL does.
		certs, err := keyfile.LoadTrustedCertificates(c.file)
		if err != nil {
			return nil, nil, nil, settingsError("load "+c.prefix+"-file", err)
		}
		anchors = append(anchors, verify.NewTrustedPool(c.prefix+"-file "+c.file, certs))
		for _, tc := range certs {
			fileCerts = append(fileCerts, tc.Cert)
		}
	}
	if crlFile != nil {
		crls = append(crls, crlFile)
	}
	if c.file != "" {
		// OpenSSL's CA file lookup loads the file's CRLs too.
		if fc, err := crl.Load(c.file); err == nil {
			crls = append(crls, crl.NewStore(fc...))
		}
	}
	if c.dir != "" {
		d, err := cadir.Open(c.dir)
		if err != nil {
			return nil, nil, nil, settingsError("load "+c.prefix+"-directory", err) // names the directory
		}
		var src trustSource = d
		if c.prefix != "ca" {
			src = settingDir{Dir: d, name: c.prefix + "-directory " + c.dir}
		}
		anchors = append(anchors, src)
		crls = append(crls, src)
	}
	if c.store != "" {
		// After the file and the directory, as OpenSSL adds the store
		// lookup after theirs.
		st, err := cadir.OpenStore(c.store)
		if err != nil {
			return nil, nil, nil, settingsError("load "+c.prefix+"-store", err) // names the URI
		}
		var src trustSource = st
		if c.prefix != "ca" {
			src = settingStore{Store: st, name: c.prefix + "-store " + c.store}
		}
		anchors = append(anchors, src)
		crls = append(crls, src)
	}
	return anchors, crls, fileCerts, nil
}

// describe names the set's settings for messages ("chain-ca-file F,
// chain-ca-directory D"), with the default trust store ts when it is in
// use beside them.
func (c caSet) describe(ts *TrustStore) string {
	var parts []string
	if c.file != "" {
		parts = append(parts, c.prefix+"-file "+c.file)
	}
	if c.dir != "" {
		parts = append(parts, c.prefix+"-directory "+c.dir)
	}
	if c.store != "" {
		parts = append(parts, c.prefix+"-store "+c.store)
	}
	if ts != nil {
		parts = append(parts, "ca-default ("+ts.String()+")")
	}
	if len(parts) == 0 {
		return "no trust settings (ca-file, ca-directory, ca-store, ca-default or chain-ca-*)"
	}
	return strings.Join(parts, ", ")
}

// trustSource is a CA directory or store: trust anchors and CRLs.
type trustSource interface {
	verify.IssuerSource
	verify.CRLSource
}

// settingDir is a hashed directory of the verify or chain store, named by
// its setting in verify reports.
type settingDir struct {
	*cadir.Dir
	name string
}

// Name is the trust source reported for anchors found in the directory.
func (d settingDir) Name() string { return d.name }

// settingStore is a store URI of the verify or chain store, named by its
// setting in verify reports.
type settingStore struct {
	*cadir.Store
	name string
}

// Name is the trust source reported for anchors found in the store.
func (s settingStore) Name() string { return s.name }

// loadDefault adds the default trust store. Asked for explicitly
// (ca-default true), its file and directories must load; the automatic
// default skips those that are missing, as OpenSSL does with its default
// verify paths (verification then fails with code 20).
func (t *trust) loadDefault(explicit bool) error {
	ts := DefaultTrustStore()
	t.store = &ts
	if ts.System {
		t.anchors = append(t.anchors, systemAnchors{})
		return nil
	}
	if ts.File != "" {
		fi, err := os.Stat(ts.File)
		switch {
		case err == nil && fi.Mode().IsRegular():
			// Parsed on first use: a context that never verifies a
			// peer does not pay for the system's few hundred roots.
			t.anchors = append(t.anchors, &lazyPool{path: ts.File})
		case explicit:
			if err == nil {
				_, err = keyfile.LoadCertificates(ts.File) // its error names what is wrong
			}
			return settingsError("load ca-default", err)
		}
	}
	for _, dir := range ts.Dirs {
		d, err := cadir.Open(dir)
		if err != nil {
			if explicit {
				return settingsError("load ca-default", err)
			}
			continue
		}
		nd := namedDir{Dir: d, name: "ca-default directory " + dir}
		t.anchors = append(t.anchors, nd)
		t.crls = append(t.crls, nd)
	}
	return nil
}

// rootCAs returns the trust anchors as a crypto/x509 pool, for crypto/tls's
// own verification under an exported client config (handshake_client.go):
// the system's pool (SSL_CERT_FILE and SSL_CERT_DIR included) when the
// default trust store is in use, plus the ca-file and ca-directory
// certificates.
func (t *trust) rootCAs() *x509.CertPool {
	t.rootsOnce.Do(func() {
		p := x509.NewCertPool()
		if t.store != nil && !t.verifyStore {
			if sys, err := x509.SystemCertPool(); err == nil {
				p = sys
			}
		}
		for _, a := range t.anchors {
			switch e := a.(type) {
			case *verify.Pool:
				for _, cert := range e.Certificates() {
					p.AddCert(cert)
				}
			case *lazyPool:
				for _, cert := range e.pool().Certificates() {
					p.AddCert(cert)
				}
			case *cadir.Dir:
				certs, _ := e.Certificates() // what could be read; verification reports the rest
				for _, cert := range certs {
					p.AddCert(cert)
				}
			case settingDir:
				certs, _ := e.Certificates()
				for _, cert := range certs {
					p.AddCert(cert)
				}
			}
		}
		t.roots = p
	})
	return t.roots
}

// systemAnchors finds trust anchors through the system verifier (macOS,
// Windows), whose roots cannot be listed: crypto/x509 builds a chain with
// them, and the root it reaches is the anchor for OpenSSL-style checks.
type systemAnchors struct{}

// Name is the trust source reported for anchors the system verifier found.
func (systemAnchors) Name() string { return "ca-default system" }

// Issuers is never asked for names: verifyPeer asks anchorsFor instead.
func (systemAnchors) Issuers([]byte) ([]*x509.Certificate, error) { return nil, nil }

// anchorsFor returns the root of a chain the system verifier builds for
// certs (leaf first), as a pool for the OpenSSL-style verification.
func (systemAnchors) anchorsFor(certs []*x509.Certificate) verify.IssuerSource {
	sys, err := x509.SystemCertPool()
	if err != nil || len(certs) == 0 {
		return nil
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	chains, err := certs[0].Verify(x509.VerifyOptions{Roots: sys, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil || len(chains) == 0 {
		return nil
	}
	var roots []*x509.Certificate
	for _, ch := range chains {
		roots = append(roots, ch[len(ch)-1])
	}
	return verify.NewNamedPool("ca-default system", roots)
}

// lazyPool is the default trust store's bundle, parsed on first lookup.
type lazyPool struct {
	path string
	once sync.Once
	p    *verify.Pool
}

func (l *lazyPool) pool() *verify.Pool {
	l.once.Do(func() {
		// An unreadable bundle trusts nothing (verification reports 20),
		// as OpenSSL does with a default file it cannot load.
		certs, _ := keyfile.LoadCertificates(l.path)
		l.p = verify.NewNamedPool(l.Name(), certs)
	})
	return l.p
}

// Issuers returns the bundle's certificates with subject rawSubject.
func (l *lazyPool) Issuers(rawSubject []byte) ([]*x509.Certificate, error) {
	return l.pool().Issuers(rawSubject)
}

// Name is the trust source reported for anchors found in the bundle.
func (l *lazyPool) Name() string { return "ca-default file " + l.path }

// settingsNames names the settings that hold the anchors the peer is
// verified against, for verification hints: the verify store's when one
// is given.
func (t *trust) settingsNames() string {
	if t.verifyStore {
		return "verify-ca-file/verify-ca-directory"
	}
	return "" // the verifier's default: ca-file/ca-directory
}

// sources returns the trust anchors for verifying certs (leaf first): the
// context's (or its verify store's), with the system verifier's resolved
// to the root it finds for this chain.
func (t *trust) sources(certs []*x509.Certificate) []verify.IssuerSource {
	return t.resolveSystem(t.anchors, certs)
}

// chainSources returns the trust anchors the chain of the own certificate
// certs[0] is built from (autochain.go), resolved as sources does.
func (t *trust) chainSources(certs []*x509.Certificate) []verify.IssuerSource {
	return t.resolveSystem(t.own, certs)
}

// resolveSystem returns srcs with the system verifier's anchors, if among
// them, resolved to the root it finds for certs. Only a default trust
// store of the system's verifier adds them, so without one srcs is
// returned as it is, with nothing to look at.
func (t *trust) resolveSystem(srcs []verify.IssuerSource, certs []*x509.Certificate) []verify.IssuerSource {
	if t.store == nil || !t.store.System {
		return srcs
	}
	out := make([]verify.IssuerSource, 0, len(srcs))
	for _, a := range srcs {
		if sa, ok := a.(systemAnchors); ok {
			if p := sa.anchorsFor(certs); p != nil {
				out = append(out, p)
			}
			continue
		}
		out = append(out, a)
	}
	return out
}
