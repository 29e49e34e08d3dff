package sslstream

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/internal/minipki"
)

// TestManyConnectionsShareContexts runs 1,000 connections through one
// client context and one server context at once (run it under -race).
func TestManyConnectionsShareContexts(t *testing.T) {
	t.Parallel()
	p := pki(t)
	n := 1000
	if testing.Short() {
		n = 100
	}
	cctx, err := NewClientContext(Settings{CAFile: p.caFile, Verify: VerifyRequired, ServerName: "localhost",
		Certificate: p.clientCert, Key: p.clientKey})
	if err != nil {
		t.Fatal(err)
	}
	sctx, err := NewServerContext(Settings{Certificate: p.serverCert, Key: p.serverKey, CAFile: p.caFile, Verify: VerifyRequired})
	if err != nil {
		t.Fatal(err)
	}
	// Loopback TCP: over net.Pipe a TLS 1.3 server writing its session
	// ticket and a client writing its first data block each other.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var wg sync.WaitGroup
	errc := make(chan error, 2*n)
	wg.Add(1)
	go func() { // accept loop
		defer wg.Done()
		for i := 0; i < n; i++ {
			sc, err := ln.Accept()
			if err != nil {
				errc <- err
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := sctx.Server(sc, nil)
				if err != nil {
					errc <- err
					sc.Close()
					return
				}
				defer s.Close()
				s.SetDeadline(time.Now().Add(60 * time.Second))
				r := bufio.NewReader(s)
				line, err := r.ReadString('\n')
				if err != nil {
					errc <- fmt.Errorf("server: %v", err)
					return
				}
				if _, err := io.WriteString(s, line); err != nil {
					errc <- err
					return
				}
				if err := s.Flush(); err != nil {
					errc <- err
					return
				}
				if pc, _ := s.PeerCertificate(); pc == nil || pc.SubjectString() != "CN = client.example" {
					errc <- errors.New("server did not see the client certificate")
				}
				io.Copy(io.Discard, r) // until the client's close_notify
			}()
		}
	}()
	sem := make(chan struct{}, 64) // bound CPU contention and open sockets, not sharing
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			cc, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				errc <- err
				return
			}
			c, err := cctx.Client(cc, nil)
			if err != nil {
				errc <- err
				cc.Close()
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(60 * time.Second))
			msg := fmt.Sprintf("message %d\n", i)
			if _, err := io.WriteString(c, msg); err != nil {
				errc <- err
				return
			}
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil || line != msg {
				errc <- fmt.Errorf("client %d: got %q, %v", i, line, err)
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}

func TestServerNeedsCertificateForSuiteChoice(t *testing.T) {
	t.Parallel()
	// An RSA certificate cannot serve ECDSA suites: with server preference
	// the first suite the RSA key can serve must be picked.
	f := minipki.New()
	root, err := f.Root("RSA Root")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := root.Leaf("localhost", minipki.RSA())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, _ := minipki.WriteFile(dir, "rsa.pem", leaf.CertPEM())
	key, _ := minipki.WriteFile(dir, "rsa.key", leaf.KeyPEM())
	ss := Settings{Certificate: cert, Key: key, Method: "tlsv1.2",
		Ciphers: "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256"}
	c, s := pairStreams(t, "pipe", Settings{}, ss)
	cerr, serr := both(t, c.Handshake, s.Handshake)
	if cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if got := c.ConnectionState().CipherSuite; got != tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 {
		t.Errorf("suite %s, want ECDHE-RSA-CHACHA20-POLY1305", tls.CipherSuiteName(got))
	}
}

func TestTLS13CiphersuitesEnforced(t *testing.T) {
	t.Parallel()
	p := pki(t)
	// Client allows only CHACHA20; crypto/tls servers on AES hardware pick
	// AES-GCM first when the client offers it, so the suite may differ:
	// whatever is negotiated must be in the list or the handshake fails
	// with a clear error.
	// TCP, not net.Pipe: both ends may send an alert at the same time.
	c, s := pairStreams(t, "tcp", Settings{Ciphersuites: "TLS_CHACHA20_POLY1305_SHA256"},
		Settings{Certificate: p.serverCert, Key: p.serverKey, Ciphersuites: "TLS_AES_128_GCM_SHA256"})
	cerr, serr := both(t, c.Handshake, s.Handshake)
	if cerr == nil && serr == nil {
		t.Fatalf("both sides accepted suite %s although their ciphersuites do not overlap", tls.CipherSuiteName(c.ConnectionState().CipherSuite))
	}
	var e *Error
	if errors.As(cerr, &e) && e.HasCode(CodeWrongCipherReturned) {
		if !strings.Contains(e.Error(), "TLS_CHACHA20_POLY1305_SHA256") {
			t.Errorf("error %q does not name the allowed suites", e)
		}
	} else if errors.As(serr, &e) && e.HasCode(CodeNoSharedCipher) {
		if !strings.Contains(e.Error(), "crypto/tls cannot restrict") {
			t.Errorf("error %q does not explain the limitation", e)
		}
	} else {
		t.Errorf("client %v, server %v: want wrong cipher returned or no shared cipher", cerr, serr)
	}
	// Overlapping lists: see TestTLS13SuiteAgainstOpenSSLClient (two crypto/tls
	// peers cannot restrict TLS 1.3 offers at all).
}

func TestOldTLSNeedsSecLevel0(t *testing.T) {
	t.Parallel()
	p := pki(t)
	ss := Settings{Certificate: p.serverCert, Key: p.serverKey, Method: "tlsv1+", Ciphers: "DEFAULT:@SECLEVEL=0"}
	c, s := pairStreams(t, "pipe", Settings{Method: "tlsv1", Ciphers: "DEFAULT:@SECLEVEL=0"}, ss)
	if cerr, serr := both(t, c.Handshake, s.Handshake); cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if v := c.ConnectionState().Version; v != tls.VersionTLS10 {
		t.Errorf("version %x, want TLS 1.0", v)
	}
	// Without @SECLEVEL=0 the server does not speak TLS 1.0.
	c, s = pairStreams(t, "tcp", Settings{Method: "tlsv1", Ciphers: "DEFAULT:@SECLEVEL=0"}, p.serverSettings())
	cerr, serr := both(t, c.Handshake, s.Handshake)
	if cerr == nil {
		t.Fatal("TLS 1.0 negotiated with a server at the default security level")
	}
	if e := asError(t, serr); !e.HasCode(CodeUnsupportedProtocol) {
		t.Errorf("server error %v, want unsupported protocol", e)
	}
}

func TestMaxDepth(t *testing.T) {
	t.Parallel()
	f := minipki.New()
	chain, err := f.Chain("localhost", 3) // leaf, 3 intermediates, root
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var sent []*minipki.Cert
	sent = append(sent, chain[:4]...)
	cert, _ := minipki.WriteFile(dir, "chain.pem", minipki.PEMs(sent...))
	key, _ := minipki.WriteFile(dir, "leaf.key", chain[0].KeyPEM())
	ca, _ := minipki.WriteFile(dir, "root.pem", chain[4].CertPEM())
	for _, tc := range []struct {
		depth, code int
	}{{3, 0}, {2, 22}, {10, 0}} {
		c, s := pairStreams(t, "tcp", Settings{CAFile: ca, Verify: VerifyRequired, MaxDepth: new(tc.depth)}, Settings{Certificate: cert, Key: key})
		cerr, _ := both(t, c.Handshake, s.Handshake)
		if code, _ := c.VerifyResult(); code != tc.code {
			t.Errorf("max-depth %d: verify result %d, want %d (err %v)", tc.depth, code, tc.code, cerr)
		}
		if (cerr != nil) != (tc.code != 0) {
			t.Errorf("max-depth %d: handshake error %v", tc.depth, cerr)
		}
	}
}

func TestCRLAndCADirectory(t *testing.T) {
	t.Parallel()
	f := minipki.New()
	root, err := f.Root("CRL Root")
	if err != nil {
		t.Fatal(err)
	}
	good, _ := root.Leaf("localhost")
	revoked, err := root.Leaf("localhost")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	crlDER, err := root.CRL([]*big.Int{revoked.Cert.SerialNumber}, now.Add(-time.Hour), now.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ca, _ := minipki.WriteFile(dir, "root.pem", root.CertPEM())
	crlFile, _ := minipki.WriteFile(dir, "root.crl", minipki.CRLPEM(crlDER))
	goodCert, _ := minipki.WriteFile(dir, "good.pem", good.CertPEM())
	goodKey, _ := minipki.WriteFile(dir, "good.key", good.KeyPEM())
	revCert, _ := minipki.WriteFile(dir, "rev.pem", revoked.CertPEM())
	revKey, _ := minipki.WriteFile(dir, "rev.key", revoked.KeyPEM())

	// A hashed directory with the root and its CRL, as openssl rehash makes it.
	hashed := filepath.Join(dir, "hashed")
	os.Mkdir(hashed, 0o700)
	h, err := subjectHash(root.Cert.RawSubject)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(hashed, h+".0"), root.CertPEM(), 0o600)
	os.WriteFile(filepath.Join(hashed, h+".r0"), minipki.CRLPEM(crlDER), 0o600)
	// A store file: the root and its CRL together.
	storeFile, _ := minipki.WriteFile(dir, "store.pem", root.CertPEM(), minipki.CRLPEM(crlDER))
	for _, bad := range []string{filepath.Join(dir, "missing.pem"), "file:relative.pem", "http://localhost/ca.pem", "file://example.com" + storeFile} {
		_, err := NewClientContext(Settings{CAStore: bad, Verify: VerifyRequired})
		if err == nil || !strings.Contains(err.Error(), "ca-store") || !strings.Contains(err.Error(), bad) {
			t.Errorf("ca-store %s: error %v, want one naming the setting and the URI", bad, err)
		}
	}

	cases := []struct {
		name   string
		client Settings
		cert   string
		key    string
		code   int
	}{
		{"good", Settings{CAFile: ca, CRLFile: crlFile, CRLCheck: CRLPeer}, goodCert, goodKey, 0},
		{"revoked", Settings{CAFile: ca, CRLFile: crlFile, CRLCheck: CRLPeer}, revCert, revKey, 23},
		{"revoked-unchecked", Settings{CAFile: ca, CRLFile: crlFile}, revCert, revKey, 0},
		{"no-crl", Settings{CAFile: ca, CRLCheck: CRLPeer}, goodCert, goodKey, 3},
		{"ca-directory", Settings{CADirectory: hashed}, goodCert, goodKey, 0},
		{"ca-directory-revoked", Settings{CADirectory: hashed, CRLCheck: CRLAll}, revCert, revKey, 23},
		{"ca-directory-empty", Settings{CADirectory: t.TempDir()}, goodCert, goodKey, 20},
		{"crl-in-ca-file", Settings{CAFile: storeFile, CRLCheck: CRLPeer}, revCert, revKey, 23},
		{"crl-in-ca-file-good", Settings{CAFile: storeFile, CRLCheck: CRLAll}, goodCert, goodKey, 0},
		{"ca-store-file", Settings{CAStore: storeFile}, goodCert, goodKey, 0},
		{"ca-store-file-uri-revoked", Settings{CAStore: "file://" + storeFile, CRLCheck: CRLPeer}, revCert, revKey, 23},
		{"ca-store-directory", Settings{CAStore: "file:" + hashed, CRLCheck: CRLPeer}, goodCert, goodKey, 0},
		{"ca-store-directory-revoked", Settings{CAStore: hashed, CRLCheck: CRLAll}, revCert, revKey, 23},
		{"ca-store-unhashed-directory", Settings{CAStore: dir}, goodCert, goodKey, 20},
	}
	for _, tc := range cases {
		tc.client.Verify = VerifyRequired
		c, s := pairStreams(t, "tcp", tc.client, Settings{Certificate: tc.cert, Key: tc.key})
		cerr, _ := both(t, c.Handshake, s.Handshake)
		if code, text := c.VerifyResult(); code != tc.code {
			t.Errorf("%s: verify result %d (%s), want %d", tc.name, code, text, tc.code)
		}
		if (cerr != nil) != (tc.code != 0) {
			t.Errorf("%s: handshake error %v", tc.name, cerr)
		}
		if r := c.VerifyReport(); r == nil || (tc.code != 0 && r.Hint == "") {
			t.Errorf("%s: report %+v", tc.name, r)
		}
	}
}

func TestSNISelectsCertificate(t *testing.T) {
	t.Parallel()
	p := pki(t)
	f := minipki.New()
	other, err := p.inter.Leaf("other.example")
	if err != nil {
		t.Fatal(err)
	}
	_ = f
	dir := t.TempDir()
	oc, _ := minipki.WriteFile(dir, "o.pem", other.ChainPEM())
	ok, _ := minipki.WriteFile(dir, "o.key", other.KeyPEM())
	sctx, err := NewServerContext(Settings{Certificate: p.serverCert, Key: p.serverKey,
		ExtraCertificates: []CertificateFiles{{Certificate: oc, Key: ok}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"other.example", "localhost"} {
		cc, sc := connPair(t, "pipe")
		c, _ := Client(cc, Settings{CAFile: p.caFile, Verify: VerifyRequired, ServerName: name})
		s, _ := sctx.Server(sc, nil)
		cerr, serr := both(t, c.Handshake, s.Handshake)
		if cerr != nil || serr != nil {
			t.Fatalf("%s: client %v, server %v", name, cerr, serr)
		}
		pc, _ := c.PeerCertificate()
		if got := pc.SubjectString(); got != "CN = "+name {
			t.Errorf("SNI %s: got certificate %s", name, got)
		}
		cc.Close()
		sc.Close()
	}
}

// helloHTTPSServer serves HTTPS through a server context's TLSConfig on
// 127.0.0.1 until the test ends, answering "hello from SNI-NAME". It
// returns the address.
func helloHTTPSServer(t *testing.T, p *pkiFiles) string {
	t.Helper()
	sctx, err := NewServerContext(Settings{Certificate: p.serverCert, Key: p.serverKey})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", sctx.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from "+r.TLS.ServerName)
	})}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return ln.Addr().String()
}

func TestTLSConfigExport(t *testing.T) {
	t.Parallel()
	p := pki(t)
	addr := helloHTTPSServer(t, p)

	url := "https://" + addr + "/"
	for _, tc := range []struct {
		ca   string
		ok   bool
		want string
	}{{p.caFile, true, "hello from localhost"}, {p.otherCAFile, false, "certificate verify failed"}} {
		cctx, err := NewClientContext(Settings{CAFile: tc.ca, Verify: VerifyRequired, ServerName: "localhost"})
		if err != nil {
			t.Fatal(err)
		}
		tr := &http.Transport{TLSClientConfig: cctx.TLSConfig()}
		resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(url)
		if !tc.ok {
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("untrusted server: error %v, want %q", err, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.VerifyResult != 20 || !e.HasCode(CodeCertificateVerifyFailed) {
				t.Errorf("net/http error %v does not unwrap to an *Error with verify result 20", err)
			}
			tr.CloseIdleConnections()
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		tr.CloseIdleConnections()
		if !bytes.Equal(body, []byte(tc.want)) {
			t.Errorf("body %q", body)
		}
	}
}

// TestTLSConfigChecksSNIName: a client context without server-name, used
// through TLSConfig by net/http, checks the certificate against the host
// name net/http sets: crypto/tls refuses a mismatch (its own check runs
// through an exported config without server-name, see exportClientConfig).
func TestTLSConfigChecksSNIName(t *testing.T) {
	t.Parallel()
	p := pki(t)
	addr := helloHTTPSServer(t, p)

	cctx, err := NewClientContext(Settings{CAFile: p.caFile, Verify: VerifyRequired})
	if err != nil {
		t.Fatal(err)
	}
	// Every host name reaches the test server.
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	for _, tc := range []struct {
		host string
		code int // 0 = the request succeeds
	}{{"localhost", 0}, {"wrong.example", 62}} {
		tr := &http.Transport{TLSClientConfig: cctx.TLSConfig(), DialContext: dial}
		resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get("https://" + tc.host + "/")
		if tc.code != 0 {
			var e *Error
			var he x509.HostnameError
			if !errors.As(err, &he) && (!errors.As(err, &e) || e.VerifyResult != tc.code || !e.HasCode(CodeCertificateVerifyFailed)) {
				t.Errorf("%s: error %v, want crypto/x509's HostnameError or an *Error with verify result %d", tc.host, err, tc.code)
			}
			tr.CloseIdleConnections()
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.host, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		tr.CloseIdleConnections()
		if string(body) != "hello from "+tc.host {
			t.Errorf("%s: body %q", tc.host, body)
		}
	}
}

func subjectHash(raw []byte) (string, error) {
	h, err := dn.Hash(raw)
	return fmt.Sprintf("%08x", h), err
}

// TestCertificateChainSetting: a certificate file holding the leaf alone
// and the intermediate in certificate-chain (openssl -cert_chain) send
// the chain a client that trusts only the root can verify, on both sides
// (the server's certificate and the client's); without the chain the
// client cannot (verify result 20). A missing chain file, or a chain
// without a certificate, is an error naming the file.
func TestCertificateChainSetting(t *testing.T) {
	t.Parallel()
	p := pki(t)
	dir := t.TempDir()
	leaf, _ := minipki.WriteFile(dir, "leaf.pem", p.server.CertPEM())
	clientLeaf, _ := minipki.WriteFile(dir, "client-leaf.pem", p.client.CertPEM())
	inter, _ := minipki.WriteFile(dir, "inter.pem", p.inter.CertPEM())

	clientSet := Settings{CAFile: p.caFile, Verify: VerifyRequired, ServerName: "localhost",
		Certificate: clientLeaf, Key: p.clientKey, CertificateChain: inter}
	serverSet := Settings{Certificate: leaf, Key: p.serverKey, CertificateChain: inter,
		Verify: VerifyRequired, CAFile: p.caFile}
	c, s := pairStreams(t, "tcp", clientSet, serverSet)
	if cerr, serr := both(t, c.Handshake, s.Handshake); cerr != nil || serr != nil {
		t.Fatalf("with the chain: client %v, server %v", cerr, serr)
	}
	if n := len(c.ConnectionState().PeerCertificates); n != 2 {
		t.Errorf("the server sent %d certificates, want leaf and intermediate", n)
	}
	if n := len(s.ConnectionState().PeerCertificates); n != 2 {
		t.Errorf("the client sent %d certificates, want leaf and intermediate", n)
	}

	serverSet.CertificateChain, serverSet.Verify = "", VerifyNone
	c, s = pairStreams(t, "tcp", Settings{CAFile: p.caFile, Verify: VerifyRequired, ServerName: "localhost"}, serverSet)
	cerr, _ := both(t, c.Handshake, s.Handshake)
	if code, _ := c.VerifyResult(); cerr == nil || code != 20 {
		t.Errorf("without the chain: handshake %v, verify result %d, want 20", cerr, code)
	}

	missing := filepath.Join(dir, "no-such-chain.pem")
	if _, err := NewServerContext(Settings{Certificate: leaf, Key: p.serverKey, CertificateChain: missing}); err == nil || !strings.Contains(err.Error(), "no-such-chain.pem") {
		t.Errorf("missing chain file: %v", err)
	}
	if _, err := NewClientContext(Settings{CertificateChain: inter}); err == nil || !strings.Contains(err.Error(), "without a certificate") {
		t.Errorf("chain without a certificate: %v", err)
	}
	sctx, err := NewServerContext(Settings{Certificate: leaf, Key: p.serverKey, CertificateChain: inter})
	if err != nil {
		t.Fatal(err)
	}
	if files, _ := sctx.watchedFiles(); !slices.Contains(files, inter) {
		t.Errorf("watched files %q lack the chain file", files)
	}
	var set Settings
	if err := set.Set("certificate-chain", inter); err != nil || set.CertificateChain != inter {
		t.Errorf("Set(certificate-chain): %v, %q", err, set.CertificateChain)
	}
}
