package sslstream

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/cadir"
	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/verify"
)

// The chain store (chain-ca-*, openssl -chainCAfile/-chainCApath/
// -chainCAstore), the verify store (verify-ca-*, -verifyCAfile/
// -verifyCApath/-verifyCAstore) and build-chain (-build_chain), against
// openssl s_server and s_client.

// storePKI is the fixture's PKI with the files these tests name: the
// leaves alone, bundles, a hashed directory and a store URI of the root
// and intermediate, the other root, and a CRL revoking a server leaf.
type storePKI struct {
	*chainPKI
	root, inter, bundle, other string // PEM files
	reversed, withOther        string // the root and intermediate reversed; the bundle and the other root
	dir, storeURI              string // hashed directory and file: URI of the bundle
	revoked, revokedKey, crl   string // a server leaf (with its intermediate) the CRL revokes
}

func newStorePKI(t *testing.T) *storePKI {
	t.Helper()
	p := pki(t)
	s := &storePKI{chainPKI: newChainPKI(t)}
	s.root, s.inter, s.other = p.caFile, p.interAsCAFile, p.otherCAFile
	s.bundle = s.files["root and intermediate"]
	s.reversed = writeTemp(t, "reversed.pem", append(p.root.CertPEM(), p.inter.CertPEM()...))
	s.withOther = writeTemp(t, "with-other.pem", append(append(p.inter.CertPEM(), p.root.CertPEM()...), p.otherRoot.CertPEM()...))
	s.dir = t.TempDir()
	for name, c := range map[string]*minipki.Cert{"root.pem": p.root, "inter.pem": p.inter} {
		if err := os.WriteFile(filepath.Join(s.dir, name), c.CertPEM(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cadir.Rehash(s.dir, cadir.RehashOptions{}); err != nil {
		t.Fatal(err)
	}
	s.storeURI = "file://" + s.bundle
	revoked, err := p.inter.Leaf("revoked.example", minipki.IP("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	crlDER, err := p.inter.CRL([]*big.Int{revoked.Cert.SerialNumber}, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	s.revoked = writeTemp(t, "revoked.pem", revoked.ChainPEM())
	s.revokedKey = writeTemp(t, "revoked.key", revoked.KeyPEM())
	s.crl = writeTemp(t, "inter.crl", minipki.CRLPEM(crlDER))
	return s
}

// storeCase is one configuration of the trust, chain and verify
// settings, spelled both ways.
type storeCase struct {
	name     string
	openssl  []string // flags after -cert/-key; -no-CApath -no-CAstore are added
	settings Settings // without Certificate and Key
}

// opensslArgs are c's openssl flags, never the default paths unless c
// names no -CAfile (then -no-CAfile too, with noDefault).
func (c storeCase) opensslArgs(noDefault bool) []string {
	args := append([]string{"-no-CApath", "-no-CAstore"}, c.openssl...)
	if noDefault && !slices.Contains(c.openssl, "-CAfile") {
		args = append(args, "-no-CAfile")
	}
	return args
}

// chainStoreCases are the configurations whose sent chains the tests
// compare: the chain store building the automatic chain while -CAfile is
// another CA, or replacing a -CAfile that would build it, the verify
// store not building it, and -build_chain from either store and from a
// chain given with the certificate.
func chainStoreCases(p *storePKI) []storeCase {
	return []storeCase{
		{"chainCAfile builds the chain, CAfile another CA", []string{"-CAfile", p.other, "-chainCAfile", p.bundle},
			Settings{CAFile: p.other, ChainCAFile: p.bundle}},
		{"chainCAfile of another CA replaces the CAfile", []string{"-CAfile", p.bundle, "-chainCAfile", p.other},
			Settings{CAFile: p.bundle, ChainCAFile: p.other}},
		{"chainCAfile of the intermediate alone", []string{"-chainCAfile", p.inter},
			Settings{ChainCAFile: p.inter}},
		{"chainCApath", []string{"-CAfile", p.other, "-chainCApath", p.dir},
			Settings{CAFile: p.other, ChainCADirectory: p.dir}},
		{"chainCAstore", []string{"-CAfile", p.other, "-chainCAstore", p.storeURI},
			Settings{CAFile: p.other, ChainCAStore: p.storeURI}},
		{"verifyCAfile does not build the chain", []string{"-CAfile", p.other, "-verifyCAfile", p.bundle},
			Settings{CAFile: p.other, VerifyCAFile: p.bundle}},
		{"CAfile builds it beside a verifyCAfile", []string{"-CAfile", p.bundle, "-verifyCAfile", p.other},
			Settings{CAFile: p.bundle, VerifyCAFile: p.other}},
		{"build_chain from CAfile", []string{"-CAfile", p.bundle, "-build_chain"},
			Settings{CAFile: p.bundle, BuildChain: true}},
		{"build_chain from chainCAfile", []string{"-CAfile", p.other, "-chainCAfile", p.bundle, "-build_chain"},
			Settings{CAFile: p.other, ChainCAFile: p.bundle, BuildChain: true}},
		{"build_chain puts the given chain in order", []string{"-cert_chain", p.reversed, "-build_chain"},
			Settings{CertificateChain: p.reversed, BuildChain: true}},
		{"build_chain drops what the given chain does not need", []string{"-CAfile", p.other, "-cert_chain", p.withOther, "-build_chain"},
			Settings{CAFile: p.other, CertificateChain: p.withOther, BuildChain: true}},
	}
}

// TestChainStoresAgainstSServer: a server certificate whose file holds
// the leaf alone is sent with the chain openssl s_server sends for the
// same chain, verify and CA settings and -build_chain.
func TestChainStoresAgainstSServer(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := newStorePKI(t)
	for _, c := range chainStoreCases(p) {
		srv := startSServer(t, append([]string{"-cert", p.serverLeaf, "-key", p.serverKey, "-www"}, c.opensslArgs(true)...)...)
		want := serverSends(t, srv.addr)
		s := c.settings
		s.Certificate, s.Key = p.serverLeaf, p.serverKey
		ln, done := serveOneHandshake(t, s)
		got := serverSends(t, ln.Addr().String())
		if err := <-done; err != nil {
			t.Errorf("%s: our server: %v", c.name, err)
		}
		if len(want) < 1 {
			t.Fatalf("%s: s_server sent no certificate", c.name)
		}
		if !slices.EqualFunc(got, want, bytes.Equal) {
			t.Errorf("%s: our server sends %q, s_server %q", c.name, subjectsOf(t, got), subjectsOf(t, want))
		}
	}
}

// TestChainStoresAgainstSClient: the same for a client certificate,
// against openssl s_client.
func TestChainStoresAgainstSClient(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := newStorePKI(t)
	for _, c := range chainStoreCases(p) {
		want := clientSends(t, func(addr string) error {
			args := append([]string{"s_client", "-connect", addr, "-cert", p.clientLeaf, "-key", p.clientKey}, c.opensslArgs(true)...)
			cmd := exec.Command("openssl", args...)
			cmd.Stdin = bytes.NewReader(nil)
			if out, err := cmd.CombinedOutput(); err != nil && !bytes.Contains(out, []byte("CONNECTED")) {
				return fmt.Errorf("%s: s_client: %v\n%s", c.name, err, out)
			}
			return nil
		})
		got := clientSends(t, func(addr string) error {
			conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
			if err != nil {
				return err
			}
			s := c.settings
			s.Certificate, s.Key, s.CADefault = p.clientLeaf, p.clientKey, new(false)
			st, err := Client(conn, s)
			if err != nil {
				conn.Close()
				return fmt.Errorf("%s: %w", c.name, err)
			}
			defer st.Close()
			st.SetDeadline(time.Now().Add(10 * time.Second))
			if err := st.Handshake(); err != nil {
				return fmt.Errorf("%s: our client: %w", c.name, err)
			}
			_, err = st.Read(make([]byte, 1))
			return err
		})
		if !slices.EqualFunc(got, want, bytes.Equal) {
			t.Errorf("%s: our client sends %q, s_client %q", c.name, subjectsOf(t, got), subjectsOf(t, want))
		}
	}
}

var buildChainErrRE = regexp.MustCompile(`error:0A000086:SSL routines:ssl_build_cert_chain:certificate verify failed:[^\n]*Verify error:([^\n]*)`)

// TestBuildChainFailuresAgainstOpenSSL: where openssl s_server and
// s_client refuse to start because -build_chain finds no verified chain
// ("error building certificate chain", exit 1), making the context fails
// too, with OpenSSL's error code, the same verify error and a message
// naming the certificate file and build-chain.
func TestBuildChainFailuresAgainstOpenSSL(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := newStorePKI(t)
	cases := []storeCase{
		{"intermediate alone in CAfile", []string{"-CAfile", p.inter}, Settings{CAFile: p.inter}},
		{"no trust at all", nil, Settings{}},
		{"root alone in CAfile", []string{"-CAfile", p.root}, Settings{CAFile: p.root}},
		{"chainCAfile of another CA, CAfile would do", []string{"-CAfile", p.bundle, "-chainCAfile", p.other}, Settings{CAFile: p.bundle, ChainCAFile: p.other}},
		{"given chain without its root", []string{"-CAfile", p.bundle, "-cert_chain", p.inter}, Settings{CAFile: p.bundle, CertificateChain: p.inter}},
		{"given chain of the root alone", []string{"-CAfile", p.bundle, "-cert_chain", p.root}, Settings{CAFile: p.bundle, CertificateChain: p.root}},
	}
	for _, c := range cases {
		for _, role := range []string{"s_server", "s_client"} {
			cert, key := p.serverLeaf, p.serverKey
			args := []string{role, "-accept", "127.0.0.1:0"}
			if role == "s_client" {
				cert, key = p.clientLeaf, p.clientKey
				args = []string{role, "-connect", "127.0.0.1:1"}
			}
			args = append(append(args, "-cert", cert, "-key", key, "-build_chain"), c.opensslArgs(true)...)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			cmd := exec.CommandContext(ctx, "openssl", args...)
			out, err := cmd.CombinedOutput()
			cancel()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 || !bytes.Contains(out, []byte("error building certificate chain")) {
				t.Fatalf("%s, %s: openssl %v, want exit 1 and \"error building certificate chain\":\n%s", c.name, role, err, out)
			}
			m := buildChainErrRE.FindSubmatch(out)
			if m == nil {
				t.Fatalf("%s, %s: no verify error in openssl's output:\n%s", c.name, role, out)
			}
			wantText := string(m[1])

			s := c.settings
			s.Certificate, s.Key, s.BuildChain = cert, key, true
			var cerr error
			if role == "s_server" {
				_, cerr = NewServerContext(s)
			} else {
				s.CADefault = new(false)
				_, cerr = NewClientContext(s)
			}
			e := asError(t, cerr)
			if !e.HasCode(0x0A000086) || e.What != "build certificate chain" {
				t.Errorf("%s, %s: error %v, want 0A000086 certificate verify failed from build certificate chain", c.name, role, e)
			}
			if e.VerifyResultString != wantText || verify.Text(e.VerifyResult) != wantText {
				t.Errorf("%s, %s: verify result %d (%s), openssl: %s", c.name, role, e.VerifyResult, e.VerifyResultString, wantText)
			}
			if msg := e.Error(); !strings.Contains(msg, cert) || !strings.Contains(msg, "build-chain") || !strings.Contains(msg, wantText) {
				t.Errorf("%s, %s: message %q should name %s, build-chain and %q", c.name, role, msg, cert, wantText)
			}
		}
	}
}

var sServerCANamesRE = regexp.MustCompile(`(?s)(Acceptable client certificate CA names\n.*?)\n(Requested|Client Certificate Types)|No client certificate CA names sent`)

// TestVerifyStoreAgainstSServer: a server with a verify store verifies
// the client's certificate against it alone, whatever -CAfile trusts, and
// still names the -CAfile CAs (not the verify store's) when it asks for
// the certificate, as openssl s_server -verifyCAfile does.
func TestVerifyStoreAgainstSServer(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := newStorePKI(t)
	cases := []storeCase{
		{"verifyCAfile trusts the client, CAfile does not", []string{"-CAfile", p.other, "-verifyCAfile", p.root},
			Settings{CAFile: p.other, VerifyCAFile: p.root}},
		{"CAfile alone does not", []string{"-CAfile", p.other}, Settings{CAFile: p.other}},
		{"verifyCAfile replaces a CAfile that would", []string{"-CAfile", p.root, "-verifyCAfile", p.other},
			Settings{CAFile: p.root, VerifyCAFile: p.other}},
		{"verifyCAfile alone", []string{"-verifyCAfile", p.root}, Settings{VerifyCAFile: p.root}},
		{"verifyCApath", []string{"-CAfile", p.other, "-verifyCApath", p.dir}, Settings{CAFile: p.other, VerifyCADirectory: p.dir}},
		{"verifyCAstore", []string{"-CAfile", p.other, "-verifyCAstore", "file://" + p.root}, Settings{CAFile: p.other, VerifyCAStore: "file://" + p.root}},
	}
	clientArgs := []string{"-tls1_3", "-cert", p.clientLeaf, "-key", p.clientKey, "-cert_chain", p.inter, "-no-CAfile", "-no-CApath", "-no-CAstore"}
	for _, c := range cases {
		srv := startSServer(t, append([]string{"-cert", p.serverLeaf, "-key", p.serverKey, "-Verify", "5", "-verify_return_error", "-naccept", "1", "-rev"}, c.opensslArgs(true)...)...)
		theirNames := sServerCANamesRE.FindString(runSClient(t, srv.addr, "x\n", clientArgs...))
		out := srv.finalOutput()
		want := 0
		if m := sServerVerifyErrRE.FindStringSubmatch(out); m != nil {
			want, _ = strconv.Atoi(m[1])
		}

		s := c.settings
		s.Certificate, s.Key, s.Verify = p.serverLeaf, p.serverKey, VerifyRequired
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := acceptVerifyResult(ln, s)
		ourNames := sServerCANamesRE.FindString(runSClient(t, ln.Addr().String(), "x\n", clientArgs...))
		got := <-done
		ln.Close()
		if got != want {
			t.Errorf("%s: our server: verify result %d, openssl s_server: %d\n%s", c.name, got, want, out)
		}
		if theirNames == "" || ourNames != theirNames {
			t.Errorf("%s: CA names asked for: ours %q, s_server's %q", c.name, ourNames, theirNames)
		}
	}
}

// TestVerifyStoreAgainstSClient: a client with a verify store verifies
// the server's certificate against it alone, with the CRLs of the CRL
// file, as openssl s_client -verifyCAfile does.
func TestVerifyStoreAgainstSClient(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := newStorePKI(t)
	pk := pki(t)
	good := startSServer(t, "-cert", pk.serverCert, "-key", pk.serverKey, "-cert_chain", p.inter, "-www")
	revoked := startSServer(t, "-cert", p.revoked, "-key", p.revokedKey, "-cert_chain", p.inter, "-www")
	cases := []struct {
		storeCase
		srv *sServer
	}{
		{storeCase{"verifyCAfile trusts the server, CAfile does not", []string{"-CAfile", p.other, "-verifyCAfile", p.root},
			Settings{CAFile: p.other, VerifyCAFile: p.root}}, good},
		{storeCase{"CAfile alone does not", []string{"-CAfile", p.other}, Settings{CAFile: p.other}}, good},
		{storeCase{"verifyCAfile replaces a CAfile that would", []string{"-CAfile", p.root, "-verifyCAfile", p.other},
			Settings{CAFile: p.root, VerifyCAFile: p.other}}, good},
		{storeCase{"verifyCAfile without CAfile", []string{"-verifyCAfile", p.root}, Settings{VerifyCAFile: p.root}}, good},
		{storeCase{"verifyCApath", []string{"-CAfile", p.other, "-verifyCApath", p.dir}, Settings{CAFile: p.other, VerifyCADirectory: p.dir}}, good},
		{storeCase{"verifyCAstore", []string{"-CAfile", p.other, "-verifyCAstore", p.storeURI}, Settings{CAFile: p.other, VerifyCAStore: p.storeURI}}, good},
		{storeCase{"the CRL file checks against the verify store", []string{"-CAfile", p.other, "-verifyCAfile", p.root, "-CRL", p.crl, "-crl_check"},
			Settings{CAFile: p.other, VerifyCAFile: p.root, CRLFile: p.crl, CRLCheck: CRLPeer}}, revoked},
		{storeCase{"chainCAfile does not verify", []string{"-CAfile", p.other, "-chainCAfile", p.bundle}, Settings{CAFile: p.other, ChainCAFile: p.bundle}}, good},
	}
	for _, c := range cases {
		// s_client loads its default paths when no -CAfile is given; they
		// do not verify beside a verify store, so the outcome is the same.
		wantCode, wantText := sClientVerifyCode(t, runSClient(t, c.srv.addr, "", c.opensslArgs(false)...))
		conn, err := net.DialTimeout("tcp", c.srv.addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		st, err := Client(conn, c.settings)
		if err != nil {
			conn.Close()
			t.Fatalf("%s: %v", c.name, err)
		}
		st.SetDeadline(time.Now().Add(10 * time.Second))
		if err := st.Handshake(); err != nil {
			t.Errorf("%s: handshake under verify none: %v", c.name, err)
		}
		code, text := st.VerifyResult()
		st.Close()
		if code != wantCode || text != wantText {
			t.Errorf("%s: our client: %d (%s), s_client: %d (%s)", c.name, code, text, wantCode, wantText)
		}
	}
}

// TestChainAndVerifyStoreSettings: the settings by name, their load
// errors, the verify store's place in an exported client config, and
// build-chain's error without openssl.
func TestChainAndVerifyStoreSettings(t *testing.T) {
	t.Parallel()
	var s Settings
	for _, kv := range [][2]string{
		{"chain-ca-file", "/c.pem"}, {"chain-ca-directory", "/c"}, {"chain-ca-store", "file:///c"},
		{"verify-ca-file", "/v.pem"}, {"verify-ca-directory", "/v"}, {"verify-ca-store", "file:///v"},
		{"build-chain", "true"},
	} {
		if err := s.Set(kv[0], kv[1]); err != nil {
			t.Fatalf("Set(%q, %q): %v", kv[0], kv[1], err)
		}
	}
	want := Settings{ChainCAFile: "/c.pem", ChainCADirectory: "/c", ChainCAStore: "file:///c",
		VerifyCAFile: "/v.pem", VerifyCADirectory: "/v", VerifyCAStore: "file:///v", BuildChain: true}
	if !settingsEqual(s, want) {
		t.Errorf("after Set: %+v, want %+v", s, want)
	}
	if err := s.Set("build-chain", "perhaps"); err == nil || !strings.Contains(err.Error(), "build-chain") {
		t.Errorf("build-chain perhaps: %v", err)
	}

	p := pki(t)
	missing := filepath.Join(t.TempDir(), "missing.pem")
	for _, c := range []struct {
		s    Settings
		what string
	}{
		{Settings{ChainCAFile: missing}, "load chain-ca-file"},
		{Settings{ChainCADirectory: missing}, "load chain-ca-directory"},
		{Settings{ChainCAStore: "file://" + missing}, "load chain-ca-store"},
		{Settings{VerifyCAFile: missing}, "load verify-ca-file"},
		{Settings{VerifyCADirectory: missing}, "load verify-ca-directory"},
		{Settings{VerifyCAStore: "file://" + missing}, "load verify-ca-store"},
	} {
		_, err := NewClientContext(c.s)
		e := asError(t, err)
		if e.What != c.what || !strings.Contains(e.Error(), missing) {
			t.Errorf("%s: error %v, want it to name %s", c.what, e, missing)
		}
	}

	// build-chain without any trust: the leaf's issuer is not found.
	leaf := writeTemp(t, "leaf.pem", p.server.CertPEM())
	_, err := NewServerContext(Settings{Certificate: leaf, Key: p.serverKey, BuildChain: true})
	e := asError(t, err)
	if e.VerifyResult != 20 || !e.HasCode(0x0A000086) || !strings.Contains(e.Error(), leaf) || !strings.Contains(e.Error(), "no trust settings") {
		t.Errorf("build-chain without trust: %v", e)
	}
	// A self-signed certificate that is its own anchor is sent alone.
	sc, err := NewServerContext(Settings{Certificate: p.selfCert, Key: p.selfKey, CAFile: p.selfCert, BuildChain: true})
	if err != nil {
		t.Fatalf("build-chain of a trusted self-signed certificate: %v", err)
	}
	if n := len(sc.cfg().tls.Certificates[0].Certificate); n != 1 {
		t.Errorf("trusted self-signed certificate sent with %d certificates, want 1", n)
	}

	// The verify store verifies the peer on streams and in an exported
	// client config (crypto/tls's own check uses it as RootCAs too).
	ss := p.serverSettings()
	for _, c := range []struct {
		name string
		s    Settings
		ok   bool
	}{
		{"verify-ca-file trusts, ca-file does not", Settings{CAFile: p.otherCAFile, VerifyCAFile: p.caFile}, true},
		{"ca-file trusts, verify-ca-file does not", Settings{CAFile: p.caFile, VerifyCAFile: p.otherCAFile}, false},
	} {
		c.s.Verify, c.s.ServerName = VerifyRequired, "localhost"
		cs, ssrv := pairStreams(t, "tcp", c.s, ss)
		cerr, _ := both(t, cs.Handshake, ssrv.Handshake)
		cs.Close()
		ssrv.Close()
		if (cerr == nil) != c.ok {
			t.Errorf("stream, %s: %v, want ok %v", c.name, cerr, c.ok)
		}
		if h := cs.VerifyHint(); !c.ok && !strings.Contains(h, "verify-ca-file/verify-ca-directory") {
			// The advice names the settings the anchors came from.
			t.Errorf("stream, %s: hint %q, want it to name verify-ca-file", c.name, h)
		}
		c.s.ServerName = ""
		cc, err := NewClientContext(c.s)
		if err != nil {
			t.Fatal(err)
		}
		ln, done := serveOneHandshake(t, ss)
		tc, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", ln.Addr().String(), withServerName(cc.TLSConfig(), "localhost"))
		if err == nil {
			tc.Close()
		}
		<-done
		if (err == nil) != c.ok {
			t.Errorf("TLSConfig, %s: %v, want ok %v", c.name, err, c.ok)
		}
	}
}

// withServerName sets c.ServerName, as net/http does on its copy.
func withServerName(c *tls.Config, name string) *tls.Config {
	c.ServerName = name
	return c
}

// settingsEqual compares the store settings of a and b.
func settingsEqual(a, b Settings) bool {
	return a.ChainCAFile == b.ChainCAFile && a.ChainCADirectory == b.ChainCADirectory && a.ChainCAStore == b.ChainCAStore &&
		a.VerifyCAFile == b.VerifyCAFile && a.VerifyCADirectory == b.VerifyCADirectory && a.VerifyCAStore == b.VerifyCAStore &&
		a.BuildChain == b.BuildChain
}

// TestWatchCoversChainAndVerifyStores: Watch looks at the files and
// directories of the chain and verify stores, as at ca-file's.
func TestWatchCoversChainAndVerifyStores(t *testing.T) {
	t.Parallel()
	p := pki(t)
	chainDir, verifyDir := t.TempDir(), t.TempDir()
	chainStore := writeTemp(t, "chain-store.pem", p.root.CertPEM())
	verifyStore := writeTemp(t, "verify-store.pem", p.root.CertPEM())
	cctx, err := NewClientContext(Settings{
		ChainCAFile: p.caFile, ChainCADirectory: chainDir, ChainCAStore: "file://" + chainStore,
		VerifyCAFile: p.interAsCAFile, VerifyCADirectory: verifyDir, VerifyCAStore: verifyStore,
	})
	if err != nil {
		t.Fatal(err)
	}
	files, dirs := cctx.watchedFiles()
	for _, f := range []string{p.caFile, p.interAsCAFile, chainStore, verifyStore} {
		if !slices.Contains(files, f) {
			t.Errorf("watched files %q lack %s", files, f)
		}
	}
	for _, d := range []string{chainDir, verifyDir} {
		if !slices.Contains(dirs, d) {
			t.Errorf("watched directories %q lack %s", dirs, d)
		}
	}
}
