package sslstream

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testnet"
	"github.com/sslstream/sslstream/internal/testproc"
)

// Tests of the security level applied to the endpoint's own certificates
// (seclevel.go): at creation for what the files give, at the handshake for
// the chain sent, against openssl s_server and s_client.

// secFiles are the security level tests' certificates, written once per
// test binary (the RSA 1024 key is made once): leaves whose key or
// signature is weak, and leaves below weak CAs, each with its key.
type secFiles struct {
	dir  string
	path map[string]string // file name -> path
}

var (
	secFilesOnce sync.Once
	secFilesVal  *secFiles
	secFilesErr  error
)

func secLevelFiles(t testing.TB) *secFiles {
	t.Helper()
	secFilesOnce.Do(func() { secFilesVal, secFilesErr = makeSecFiles(filepath.Join(fixtureDir, "seclevel")) })
	if secFilesErr != nil {
		t.Fatal(secFilesErr)
	}
	return secFilesVal
}

func makeSecFiles(dir string) (*secFiles, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		return nil, err
	}
	f := minipki.New()
	st := &minipki.Steps{Dir: dir}
	sha1 := minipki.Template(func(c *x509.Certificate) { c.SignatureAlgorithm = x509.ECDSAWithSHA1 })
	weak := minipki.WithKey(rsa1024)
	root := st.Cert(f.Root("SecLevel Root"))
	sha1Inter := st.Cert(root.Intermediate("SHA-1 Intermediate", sha1))
	weakInter := st.Cert(root.Intermediate("RSA-1024 Intermediate", weak))
	sha1Root := st.Cert(f.Root("SHA-1 Root", sha1))
	weakRoot := st.Cert(f.Root("RSA-1024 Root", weak))
	leaves := map[string]*minipki.Cert{
		"good":           st.Cert(root.Leaf("localhost")),
		"weak-leaf":      st.Cert(root.Leaf("localhost", weak)),
		"sha1-leaf":      st.Cert(root.Leaf("localhost", sha1)),
		"under-sha1":     st.Cert(sha1Inter.Leaf("localhost")),
		"under-weak":     st.Cert(weakInter.Leaf("localhost")),
		"under-sha1root": st.Cert(sha1Root.Leaf("localhost")),
		"under-weakroot": st.Cert(weakRoot.Leaf("localhost")),
	}
	if st.Err != nil {
		return nil, st.Err
	}
	s := &secFiles{dir: dir, path: map[string]string{}}
	for name, c := range leaves {
		s.path[name+".pem"] = st.File(name+".pem", c.CertPEM())
		s.path[name+".key"] = st.File(name+".key", c.KeyPEM())
		// The leaf with its chain in one file (up to, not including,
		// the root).
		s.path[name+"-chain.pem"] = st.File(name+"-chain.pem", c.ChainPEM())
	}
	for name, c := range map[string]*minipki.Cert{"root": root, "sha1-inter": sha1Inter, "weak-inter": weakInter, "sha1-root": sha1Root, "weak-root": weakRoot} {
		s.path[name+".pem"] = st.File(name+".pem", c.CertPEM())
	}
	s.path["sha1-inter+root.pem"] = st.File("sha1-inter+root.pem", sha1Inter.CertPEM(), root.CertPEM())
	s.path["weak-inter+root.pem"] = st.File("weak-inter+root.pem", weakInter.CertPEM(), root.CertPEM())
	return s, st.Err
}

// secCase is one way of configuring an own certificate: its file (with
// the chain in it when fileChain), a certificate-chain file, a CA file
// the automatic chain is built from.
type secCase struct {
	name          string
	leaf          string // secFiles name without .pem
	fileChain     bool
	chain, caFile string
	build         bool // build-chain (-build_chain)
}

var secCases = []secCase{
	{name: "good leaf", leaf: "good"},
	{name: "RSA-1024 leaf", leaf: "weak-leaf"},
	{name: "SHA-1 leaf", leaf: "sha1-leaf"},
	{name: "SHA-1 intermediate in certificate-chain", leaf: "under-sha1", chain: "sha1-inter.pem"},
	{name: "SHA-1 intermediate in the certificate file", leaf: "under-sha1", fileChain: true},
	{name: "SHA-1 intermediate in the automatic chain", leaf: "under-sha1", caFile: "sha1-inter+root.pem"},
	{name: "RSA-1024 intermediate in certificate-chain", leaf: "under-weak", chain: "weak-inter.pem"},
	{name: "RSA-1024 intermediate in the automatic chain", leaf: "under-weak", caFile: "weak-inter+root.pem"},
	{name: "SHA-1 self-signed root in certificate-chain", leaf: "under-sha1root", chain: "sha1-root.pem"},
	{name: "SHA-1 self-signed root in the automatic chain", leaf: "under-sha1root", caFile: "sha1-root.pem"},
	{name: "RSA-1024 self-signed root in certificate-chain", leaf: "under-weakroot", chain: "weak-root.pem"},
	{name: "RSA-1024 self-signed root in the automatic chain", leaf: "under-weakroot", caFile: "weak-root.pem"},
	{name: "SHA-1 intermediate in the chain build-chain makes", leaf: "under-sha1", caFile: "sha1-inter+root.pem", build: true},
	{name: "RSA-1024 self-signed root in the chain build-chain makes", leaf: "under-weakroot", caFile: "weak-root.pem", build: true},
	{name: "SHA-1 self-signed root in the chain build-chain makes", leaf: "under-sha1root", caFile: "sha1-root.pem", build: true},
}

func secCiphers(level int) string { return fmt.Sprintf("DEFAULT:@SECLEVEL=%d", level) }

// settings are our settings for c at level.
func (p *secFiles) settings(c secCase, level int) Settings {
	s := Settings{Certificate: p.certFile(c), Key: p.path[c.leaf+".key"], Ciphers: secCiphers(level), CADefault: new(false)}
	if c.chain != "" {
		s.CertificateChain = p.path[c.chain]
	}
	if c.caFile != "" {
		s.CAFile = p.path[c.caFile]
	}
	s.BuildChain = c.build
	return s
}

func (p *secFiles) certFile(c secCase) string {
	if c.fileChain {
		return p.path[c.leaf+"-chain.pem"]
	}
	return p.path[c.leaf+".pem"]
}

// opensslArgs are s_server's or s_client's flags (role "server" or
// "client") for c at level, and the environment: a certificate file with
// its chain is given, as OpenSSL reads it in full
// (SSL_CTX_use_certificate_chain_file), through an SSL_CONF section,
// since -cert reads only the file's first certificate.
func (p *secFiles) opensslArgs(t *testing.T, c secCase, level int, role string) ([]string, []string) {
	args := []string{"-no-CApath", "-no-CAstore", "-cipher", secCiphers(level)}
	if c.caFile != "" {
		args = append(args, "-CAfile", p.path[c.caFile])
	} else {
		args = append(args, "-no-CAfile")
	}
	if c.chain != "" {
		args = append(args, "-cert_chain", p.path[c.chain])
	}
	if c.build {
		args = append(args, "-build_chain")
	}
	if !c.fileChain {
		return append(args, "-cert", p.certFile(c), "-key", p.path[c.leaf+".key"]), nil
	}
	conf := fmt.Sprintf("openssl_conf = init\n[init]\nssl_conf = ssl_sect\n[ssl_sect]\nown = own_sect\n[own_sect]\nCipherString = %s\nCertificate = %s\nPrivateKey = %s\n",
		secCiphers(level), p.certFile(c), p.path[c.leaf+".key"])
	file := writeTemp(t, "own.cnf", []byte(conf))
	if role == "server" {
		args = append(args, "-nocert")
	}
	return append(args, "-ssl_config", "own"), []string{"OPENSSL_CONF=" + file}
}

// opensslReason extracts the SSL reason text of OpenSSL's first SSL
// error line in out ("ee key too small"), "" when there is none.
var opensslReasonRE = regexp.MustCompile(`error:0A[0-9A-F]{6}:SSL routines:[^:]*:([^:\n]+)`)

func opensslReason(out string) string {
	if m := opensslReasonRE.FindStringSubmatch(out); m != nil {
		return m[1]
	}
	return ""
}

// ourReason is the text of err's first SSL reason, "" when it has none.
func ourReason(err error) string {
	var e *Error
	if !errors.As(err, &e) || len(e.Codes) == 0 {
		return ""
	}
	return sslReasons[e.Codes[0]&(1<<23-1)]
}

// outcome is how far an endpoint got: whether its context could be made
// (openssl: the command started), and then whether the handshake worked;
// reason is the SSL reason of the failure.
type outcome struct {
	started, handshake bool
	reason             string
}

func (o outcome) String() string {
	switch {
	case !o.started:
		return "no start (" + o.reason + ")"
	case !o.handshake:
		return "handshake failure (" + o.reason + ")"
	}
	return "handshake"
}

// goClientHandshake connects a crypto/tls client, which accepts any
// certificate, to addr and reports whether the handshake worked; an error
// alert it received is in the returned error.
func goClientHandshake(addr string) error {
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		return err
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	// In TLS 1.3 the server's failure can only show once we read.
	c.Write([]byte("x"))
	c.Close()
	return nil
}

// TestOwnCertificateSecLevelAgainstSServer: a server certificate whose
// key or signature, or the key or signature of a CA certificate sent with
// it, falls short of the security level (0 to 3) stops the server from
// starting or fails its handshakes exactly where openssl s_server does,
// with the same reason: what the certificate file and the
// certificate-chain file give is checked when they are loaded, the chain
// built from the CA file when it is sent (internal_error alert); a
// self-signed certificate's signature is not rated.
func TestOwnCertificateSecLevelAgainstSServer(t *testing.T) {
	compareSecLevels(t, "s_server", "our server", sServerOutcome, ourServerOutcome)
}

// compareSecLevels runs every case at levels 0 to 3 with openssl's side
// (theirs, named theirName) and ours, and compares their outcomes.
func compareSecLevels(t *testing.T, theirName, ourName string, theirs, ours func(*testing.T, *secFiles, secCase, int) outcome) {
	requireOpenSSL(t)
	t.Parallel()
	p := secLevelFiles(t)
	for level := 0; level <= 3; level++ {
		for _, c := range secCases {
			t.Run(fmt.Sprintf("level %d %s", level, c.name), func(t *testing.T) {
				t.Parallel()
				var want, got outcome
				withOpenSSLSlot(func() { want = theirs(t, p, c, level) })
				withOpenSSLSlot(func() { got = ours(t, p, c, level) })
				if got != want {
					t.Errorf("%s: %v; %s: %v", ourName, got, theirName, want)
				}
				t.Logf("%s: %v", theirName, want)
			})
		}
	}
}

func sServerOutcome(t *testing.T, p *secFiles, c secCase, level int) outcome {
	args, env := p.opensslArgs(t, c, level, "server")
	cmd := exec.Command("openssl", append([]string{"s_server", "-accept", "127.0.0.1:0", "-naccept", "1"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	proc := testproc.Start(t, cmd, nil, false)
	m, ok := proc.WaitForLine(acceptLine, 10*time.Second)
	if !ok {
		if !proc.Wait(5 * time.Second) {
			t.Fatalf("s_server neither started nor exited:\n%s", proc)
		}
		return outcome{reason: opensslReason(proc.Output.String())}
	}
	if err := goClientHandshake(m[1]); err != nil {
		proc.Wait(5 * time.Second)
		if !strings.Contains(err.Error(), "internal error") {
			t.Errorf("s_server failed the handshake without internal_error: %v", err)
		}
		return outcome{started: true, reason: opensslReason(proc.Output.String())}
	}
	return outcome{started: true, handshake: true}
}

func ourServerOutcome(t *testing.T, p *secFiles, c secCase, level int) outcome {
	s := p.settings(c, level)
	if _, err := NewServerContext(s); err != nil {
		return outcome{reason: ourReason(err)}
	}
	ln, done := serveOneHandshake(t, s)
	cerr := goClientHandshake(ln.Addr().String())
	serr := <-done
	if (cerr == nil) != (serr == nil) {
		t.Errorf("client error %v, server error %v", cerr, serr)
	}
	if serr != nil {
		if cerr != nil && !strings.Contains(cerr.Error(), "internal error") {
			t.Errorf("our server failed the handshake without internal_error: %v", cerr)
		}
		return outcome{started: true, reason: ourReason(serr)}
	}
	return outcome{started: true, handshake: true}
}

// certRequester is a crypto/tls server that requires a client
// certificate (any) and reports each handshake's error on its channel.
func certRequester(t *testing.T) (string, <-chan error) {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(pki(t).serverCert, pki(t).serverKey)
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 8)
	addr := testnet.Serve(t, func(conn net.Conn) {
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		s := tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAnyClientCert})
		err := s.Handshake()
		if err == nil {
			_, err = s.Write([]byte("x"))
		}
		select {
		case errc <- err:
		default:
		}
	})
	return addr, errc
}

// TestOwnCertificateSecLevelAgainstSClient: the same for a client
// certificate, against openssl s_client, with a server that asks for it.
func TestOwnCertificateSecLevelAgainstSClient(t *testing.T) {
	compareSecLevels(t, "s_client", "our client", sClientOutcome, ourClientOutcome)
}

func sClientOutcome(t *testing.T, p *secFiles, c secCase, level int) outcome {
	addr, errc := certRequester(t)
	args, env := p.opensslArgs(t, c, level, "client")
	cmd := exec.Command("openssl", append([]string{"s_client", "-connect", addr}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = bytes.NewReader(nil)
	out, _ := cmd.CombinedOutput()
	if !bytes.Contains(out, []byte("CONNECTED")) {
		return outcome{reason: opensslReason(string(out))}
	}
	if err := waitErr(t, errc); err != nil {
		return outcome{started: true, reason: opensslReason(string(out))}
	}
	return outcome{started: true, handshake: true}
}

func ourClientOutcome(t *testing.T, p *secFiles, c secCase, level int) outcome {
	addr, errc := certRequester(t)
	s := p.settings(c, level)
	cc, err := NewClientContext(s)
	if err != nil {
		return outcome{reason: ourReason(err)}
	}
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	st, err := cc.Client(conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.SetDeadline(time.Now().Add(10 * time.Second))
	_, cerr := io.ReadAll(st)
	if serr := waitErr(t, errc); serr != nil {
		return outcome{started: true, reason: ourReason(cerr)}
	}
	return outcome{started: true, handshake: true}
}

func waitErr(t *testing.T, errc <-chan error) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(15 * time.Second):
		t.Fatal("the server saw no handshake")
		return nil
	}
}

// TestOwnCertificateSecLevelErrors: the creation errors carry OpenSSL's
// reason, and their text names the file, the level and what it needs.
func TestOwnCertificateSecLevelErrors(t *testing.T) {
	t.Parallel()
	p := secLevelFiles(t)
	for _, c := range []struct {
		name     string
		s        Settings
		server   bool
		what     string
		code     uint32
		contains []string
	}{
		{"RSA-1024 server leaf at level 2", Settings{Certificate: p.path["weak-leaf.pem"], Key: p.path["weak-leaf.key"], Ciphers: secCiphers(2)}, true,
			"load certificate", CodeEEKeyTooSmall, []string{"certificate " + p.path["weak-leaf.pem"] + ": RSA 1024-bit key is too small for security level 2", "needs 112", "ee key too small"}},
		{"RSA-1024 client leaf at level 2", Settings{Certificate: p.path["weak-leaf.pem"], Key: p.path["weak-leaf.key"], Ciphers: secCiphers(2)}, false,
			"load certificate", CodeEEKeyTooSmall, []string{"RSA 1024-bit key is too small for security level 2"}},
		{"P-256 leaf at level 4", Settings{Certificate: p.path["good.pem"], Key: p.path["good.key"], Ciphers: secCiphers(4)}, true,
			"load certificate", CodeEEKeyTooSmall, []string{"ECDSA P-256 key is too small for security level 4 (128 security bits; the level needs 192"}},
		{"SHA-1 leaf", Settings{Certificate: p.path["sha1-leaf.pem"], Key: p.path["sha1-leaf.key"]}, true,
			"load certificate", CodeCAMDTooWeak, []string{"signature ECDSA-SHA1 is too weak for security level 1 (63 security bits", "ca md too weak"}},
		{"SHA-1 intermediate in the file", Settings{Certificate: p.path["under-sha1-chain.pem"], Key: p.path["under-sha1.key"]}, true,
			"load certificate", CodeCAMDTooWeak, []string{"certificate " + p.path["under-sha1-chain.pem"] + ": CA certificate 1 of its chain (CN = SHA-1 Intermediate)"}},
		{"SHA-1 intermediate in certificate-chain", Settings{Certificate: p.path["under-sha1.pem"], Key: p.path["under-sha1.key"], CertificateChain: p.path["sha1-inter.pem"]}, false,
			"load certificate chain", CodeCAMDTooWeak, []string{"certificate chain " + p.path["sha1-inter.pem"] + ": CA certificate 1 (CN = SHA-1 Intermediate)"}},
		{"RSA-1024 intermediate in certificate-chain at level 2", Settings{Certificate: p.path["under-weak.pem"], Key: p.path["under-weak.key"], CertificateChain: p.path["weak-inter.pem"], Ciphers: secCiphers(2)}, true,
			"load certificate chain", CodeCAKeyTooSmall, []string{"RSA 1024-bit key is too small for security level 2", "ca key too small"}},
		{"SHA-1 intermediate in the chain build-chain makes", Settings{Certificate: p.path["under-sha1.pem"], Key: p.path["under-sha1.key"], CAFile: p.path["sha1-inter+root.pem"], BuildChain: true}, true,
			"build certificate chain", CodeCAMDTooWeak, []string{"certificate " + p.path["under-sha1.pem"] + ": CA certificate 1 of the chain build-chain made for it (CN = SHA-1 Intermediate)"}},
		{"RSA-1024 extra certificate at level 2", Settings{Certificate: p.path["good.pem"], Key: p.path["good.key"], Ciphers: secCiphers(2),
			ExtraCertificates: []CertificateFiles{{Certificate: p.path["weak-leaf.pem"], Key: p.path["weak-leaf.key"]}}}, true,
			"load certificate", CodeEEKeyTooSmall, []string{"certificate " + p.path["weak-leaf.pem"] + ": RSA 1024-bit key"}},
	} {
		var err error
		if c.server {
			_, err = NewServerContext(c.s)
		} else {
			_, err = NewClientContext(c.s)
		}
		if err == nil {
			t.Errorf("%s: context made, want an error", c.name)
			continue
		}
		e := asError(t, err)
		if e.What != c.what || !e.HasCode(c.code) || len(e.Codes) != 1 || e.Strings[0] != ErrorString(c.code) {
			t.Errorf("%s: What %q, Codes %08X, Strings %q; want %q and %08X", c.name, e.What, e.Codes, e.Strings, c.what, c.code)
		}
		for _, s := range c.contains {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: %q does not contain %q", c.name, err, s)
			}
		}
	}
	// Level 0 checks nothing; a self-signed certificate's signature is
	// not rated.
	for _, s := range []Settings{
		{Certificate: p.path["weak-leaf.pem"], Key: p.path["weak-leaf.key"], Ciphers: secCiphers(0)},
		{Certificate: p.path["sha1-leaf.pem"], Key: p.path["sha1-leaf.key"], Ciphers: secCiphers(0)},
		{Certificate: p.path["weak-leaf.pem"], Key: p.path["weak-leaf.key"]},
		{Certificate: p.path["under-sha1root.pem"], Key: p.path["under-sha1root.key"], CertificateChain: p.path["sha1-root.pem"], Ciphers: secCiphers(3)},
	} {
		if _, err := NewServerContext(s); err != nil {
			t.Errorf("%s at %q: %v", filepath.Base(s.Certificate), s.Ciphers, err)
		}
	}
}

// TestOwnChainSecLevelHandshakeErrors: the automatic chain's CA and a
// ciphers override that raises one connection's level fail the handshake,
// with OpenSSL's reason on our side and internal_error at the peer's; a
// client fails only when its certificate is asked for.
func TestOwnChainSecLevelHandshakeErrors(t *testing.T) {
	t.Parallel()
	p := secLevelFiles(t)
	auto := Settings{Certificate: p.path["under-sha1.pem"], Key: p.path["under-sha1.key"], CAFile: p.path["sha1-inter+root.pem"]}
	weak := Settings{Certificate: p.path["weak-leaf.pem"], Key: p.path["weak-leaf.key"]}
	check := func(name string, err error, code uint32, contains string) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: handshake succeeded", name)
			return
		}
		e := asError(t, err)
		if e.What != "handshake" || !e.HasCode(code) {
			t.Errorf("%s: What %q, Strings %q; want handshake, %s", name, e.What, e.Strings, ErrorString(code))
		}
		if !strings.Contains(err.Error(), contains) {
			t.Errorf("%s: %q does not contain %q", name, err, contains)
		}
	}

	// Servers.
	cs := Settings{}
	c, s := pairStreams(t, "pipe", cs, auto)
	cerr, serr := both(t, c.Handshake, s.Handshake)
	check("server, automatic chain", serr, CodeCAMDTooWeak, "certificate "+p.path["under-sha1.pem"]+": CA certificate 1 of the chain built for it from the trust settings (CN = SHA-1 Intermediate): signature ECDSA-SHA1 is too weak for security level 1")
	check("client of it", cerr, CodeTLSv1AlertInternalError, "internal error")

	sc, err := NewServerContext(weak)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := NewClientContext(cs)
	if err != nil {
		t.Fatal(err)
	}
	for _, level := range []int{1, 2} {
		a, b := connPair(t, "pipe")
		client, err := cc.Client(a, nil)
		if err != nil {
			t.Fatal(err)
		}
		server, err := sc.Server(b, &Overrides{Ciphers: secCiphers(level)})
		if err != nil {
			t.Fatal(err)
		}
		cerr, serr := both(t, client.Handshake, server.Handshake)
		a.Close()
		b.Close()
		client.Close()
		server.Close()
		if level == 1 {
			if cerr != nil || serr != nil {
				t.Errorf("override to level 1: %v, %v", cerr, serr)
			}
			continue
		}
		check("server, override to level 2", serr, CodeEEKeyTooSmall, "RSA 1024-bit key is too small for security level 2")
	}

	// The exported server config does the same.
	asc, err := NewServerContext(auto)
	if err != nil {
		t.Fatal(err)
	}
	a, b := connPair(t, "pipe")
	tc := tls.Client(a, &tls.Config{InsecureSkipVerify: true})
	ts := tls.Server(b, asc.TLSConfig())
	cerr, serr = both(t, tc.Handshake, ts.Handshake)
	a.Close()
	b.Close()
	if cerr == nil || !strings.Contains(cerr.Error(), "internal error") {
		t.Errorf("TLSConfig server: client error %v, want internal error", cerr)
	}
	check("TLSConfig server", serr, CodeCAMDTooWeak, "ca md too weak")

	// Clients: only when the server asks, in TLS 1.2 (crypto/tls sends
	// the alert) and 1.3 (refusedKey makes it send it).
	for _, run := range []struct {
		method string
		ask    VerifyMode
	}{{"tlsv1.2", VerifyNone}, {"tlsv1.2", VerifyOptional}, {"tlsv1.3", VerifyNone}, {"tlsv1.3", VerifyOptional}} {
		ask := run.ask
		// A server that accepts the chain: the alert it gets is the
		// client's.
		ss := pki(t).serverSettings()
		ss.Verify, ss.CAFile, ss.Ciphers = ask, p.path["root.pem"], secCiphers(0)
		cs := auto
		cs.Method = run.method
		c, s := pairStreams(t, "tcp", cs, ss)
		cerr, serr := both(t, func() error { _, err := io.ReadAll(c); return err }, func() error {
			if err := s.Handshake(); err != nil {
				return err
			}
			return s.Close()
		})
		if ask == VerifyNone {
			if cerr != nil || serr != nil {
				t.Errorf("%s client not asked: %v, %v", run.method, cerr, serr)
			}
			continue
		}
		check(run.method+" client, automatic chain", cerr, CodeCAMDTooWeak, "CA certificate 1 of the chain built for it from the trust settings")
		check(run.method+" server of it", serr, CodeTLSv1AlertInternalError, "internal error")
	}
}
