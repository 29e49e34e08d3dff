package sslstream

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/cadir"
	"github.com/sslstream/sslstream/internal/minipki"
)

// namedHTTPSServer serves "ok" over TLS with cert (chain and key files) on
// 127.0.0.1 with a plain crypto/tls config, and returns its address.
func namedHTTPSServer(t *testing.T, c *minipki.Cert) string {
	t.Helper()
	pair, err := tls.X509KeyPair(c.ChainPEM(), c.KeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pair}})
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		ErrorLog: quietLog()}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return ln.Addr().String()
}

// fetch GETs url with tlsConf, every host reaching addr, and reports the
// error (nil on "ok").
func fetch(tlsConf *tls.Config, addr, url string) error {
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	tr := &http.Transport{TLSClientConfig: tlsConf, DialContext: dial}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && string(body) != "ok" {
		err = errors.New("unexpected body " + string(body))
	}
	return err
}

// TestTLSConfigNameChecksAgreeWithCryptoTLS fetches URLs whose host is a
// DNS name, an IPv4 or an IPv6 literal from servers with certificates for
// other names, through ClientContext.TLSConfig and through plain
// crypto/tls with the same CA: every URL crypto/tls refuses is refused,
// every URL it accepts is accepted.
func TestTLSConfigNameChecksAgreeWithCryptoTLS(t *testing.T) {
	t.Parallel()
	f := minipki.New()
	st := &minipki.Steps{Dir: t.TempDir()}
	root := st.Cert(f.Root("Name Check Root"))
	certs := map[string]*minipki.Cert{
		"dns alt.example":         st.Cert(root.Leaf("alt.example")),
		"ip 127.0.0.1":            st.Cert(root.Leaf("ip-only", minipki.DNS(), minipki.IP("127.0.0.1"))),
		"ip ::1":                  st.Cert(root.Leaf("ip6-only", minipki.DNS(), minipki.IP("::1"))),
		"wildcard *.example.test": st.Cert(root.Leaf("wild", minipki.DNS("*.example.test"))),
		"dns and ip":              st.Cert(root.Leaf("both.example", minipki.IP("127.0.0.1", "::1"))),
	}
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	caFile := st.File("ca.pem", root.CertPEM())
	cctx, err := NewClientContext(Settings{CAFile: caFile, Verify: VerifyRequired})
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(root.Cert)

	hosts := []string{"127.0.0.1", "[::1]", "alt.example", "wrong.example", "a.example.test", "b.a.example.test", "both.example", "ALT.EXAMPLE"}
	var rows, refusedByBoth int
	for name, c := range certs {
		addr := namedHTTPSServer(t, c)
		_, port, _ := net.SplitHostPort(addr)
		for _, host := range hosts {
			url := "https://" + host + ":" + port + "/"
			plain := fetch(&tls.Config{RootCAs: pool}, addr, url)
			ours := fetch(cctx.TLSConfig(), addr, url)
			rows++
			if (plain == nil) != (ours == nil) {
				t.Errorf("certificate %s, URL %s: crypto/tls error %v, ours %v", name, url, plain, ours)
			}
			if plain != nil && ours != nil {
				refusedByBoth++
			}
		}
	}
	if rows < 12 || refusedByBoth == 0 || refusedByBoth == rows {
		t.Errorf("%d combinations, %d refused by both: the table does not test both outcomes", rows, refusedByBoth)
	}
}

// TestTLSConfigRefusesWrongCertificateForIPLiteral is the regression test
// for a security hole: an https://127.0.0.1/ URL was fetched from a server
// whose certificate names only alt.example.
func TestTLSConfigRefusesWrongCertificateForIPLiteral(t *testing.T) {
	t.Parallel()
	f := minipki.New()
	st := &minipki.Steps{Dir: t.TempDir()}
	root := st.Cert(f.Root("IP Literal Root"))
	leaf := st.Cert(root.Leaf("alt.example"))
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	caFile := st.File("ca.pem", root.CertPEM())
	addr := namedHTTPSServer(t, leaf)
	for _, mode := range []VerifyMode{VerifyOptional, VerifyRequired} {
		cctx, err := NewClientContext(Settings{CAFile: caFile, Verify: mode})
		if err != nil {
			t.Fatal(err)
		}
		err = fetch(cctx.TLSConfig(), addr, "https://"+addr+"/")
		if err == nil || !strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("verify %s: fetching https://%s/ from a certificate for alt.example: %v, want a refusal naming the IP", mode, addr, err)
		}
	}
	// With verify none nothing is checked, as on a stream.
	cctx, err := NewClientContext(Settings{CAFile: caFile})
	if err != nil {
		t.Fatal(err)
	}
	if err := fetch(cctx.TLSConfig(), addr, "https://"+addr+"/"); err != nil {
		t.Errorf("verify none: %v", err)
	}
}

// TestServerTLSConfigServesHTTP2: http.Server with ServerContext.TLSConfig
// negotiates HTTP/2 with Go's client (and curl --http2 where curl is
// installed); the alpn setting is merged with net/http's protocols.
func TestServerTLSConfigServesHTTP2(t *testing.T) {
	t.Parallel()
	p := pki(t)
	for _, alpn := range [][]string{nil, {"acme-tls/1"}} {
		sctx, err := NewServerContext(Settings{Certificate: p.serverCert, Key: p.serverKey, ALPN: alpn})
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{TLSConfig: sctx.TLSConfig(), ErrorLog: quietLog(),
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Proto) })}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { srv.ServeTLS(ln, "", ""); close(done) }()

		cctx, err := NewClientContext(Settings{CAFile: p.caFile, Verify: VerifyRequired, ServerName: "localhost"})
		if err != nil {
			t.Fatal(err)
		}
		tr := &http.Transport{TLSClientConfig: cctx.TLSConfig(), ForceAttemptHTTP2: true}
		resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get("https://" + ln.Addr().String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		tr.CloseIdleConnections()
		if resp.ProtoMajor != 2 || string(body) != "HTTP/2.0" {
			t.Errorf("alpn %v: Go client got %s (body %q), want HTTP/2.0", alpn, resp.Proto, body)
		}
		if curl, err := exec.LookPath("curl"); err == nil {
			out, err := exec.Command(curl, "-sS", "--http2", "--cacert", p.caFile, "--resolve", "localhost:"+portOf(ln.Addr())+":127.0.0.1",
				"https://localhost:"+portOf(ln.Addr())+"/").CombinedOutput()
			if err != nil || string(out) != "HTTP/2.0" {
				t.Errorf("alpn %v: curl --http2: %v %q, want HTTP/2.0", alpn, err, out)
			}
		} else {
			t.Log("curl not installed (package curl): only Go's client checked")
		}
		srv.Close()
		<-done
	}
}

func portOf(a net.Addr) string {
	_, port, _ := net.SplitHostPort(a.String())
	return port
}

// TestServerTLSConfigHonoursCallerVersions: MinVersion set on the returned
// config narrows the context's versions.
func TestServerTLSConfigHonoursCallerVersions(t *testing.T) {
	t.Parallel()
	p := pki(t)
	sctx, err := NewServerContext(Settings{Certificate: p.serverCert, Key: p.serverKey})
	if err != nil {
		t.Fatal(err)
	}
	conf := sctx.TLSConfig()
	conf.MinVersion = tls.VersionTLS13
	ln, err := tls.Listen("tcp", "127.0.0.1:0", conf)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { c.(*tls.Conn).Handshake(); c.Close() }()
		}
	}()
	for _, tc := range []struct {
		max uint16
		ok  bool
	}{{tls.VersionTLS12, false}, {tls.VersionTLS13, true}} {
		c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{InsecureSkipVerify: true, MaxVersion: tc.max})
		if (err == nil) != tc.ok {
			t.Errorf("client up to %s: %v, want ok=%v", ProtocolName(tc.max), err, tc.ok)
		}
		if err == nil {
			c.Close()
		}
	}
}

// TestDefaultTrustFromEnvironment: a client with verify required and no CA
// setting trusts SSL_CERT_FILE, then SSL_CERT_DIR (a hashed directory,
// looked up on demand), as openssl s_client does; no-ca-default turns it
// off; a server never uses it for client certificates unless asked.
func TestDefaultTrustFromEnvironment(t *testing.T) {
	p := pki(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "root.pem"), p.root.CertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := cadir.Rehash(dir, cadir.RehashOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, env := range []struct{ file, dir, source string }{
		{p.caFile, "", "ca-default file " + p.caFile},
		{"", dir, "ca-default directory " + dir},
	} {
		t.Setenv("SSL_CERT_FILE", env.file)
		t.Setenv("SSL_CERT_DIR", env.dir)
		if ts := DefaultTrustStore(); ts.File != env.file || (env.dir != "" && (len(ts.Dirs) != 1 || ts.Dirs[0] != env.dir)) {
			t.Errorf("DefaultTrustStore() = %+v with SSL_CERT_FILE=%q SSL_CERT_DIR=%q", ts, env.file, env.dir)
		}
		for _, tc := range []struct {
			s    Settings
			code int
			ok   bool
		}{
			{Settings{Verify: VerifyRequired, ServerName: "localhost"}, 0, true},
			{Settings{Verify: VerifyRequired, ServerName: "localhost", CADefault: new(false)}, 20, false},
			{Settings{Verify: VerifyRequired, ServerName: "localhost", CAFile: p.otherCAFile}, 20, false},
			{Settings{Verify: VerifyRequired, ServerName: "localhost", CAFile: p.otherCAFile, CADefault: new(true)}, 0, true},
		} {
			cs, ss, cerr, serr := handshakePair(t, tc.s, Settings{Certificate: p.serverCert, Key: p.serverKey})
			_ = ss
			if (cerr == nil) != tc.ok || (serr == nil) != tc.ok {
				t.Errorf("env %+v, CADefault %v, ca-file %q: client %v, server %v, want ok=%v", env, tc.s.CADefault, tc.s.CAFile, cerr, serr, tc.ok)
				continue
			}
			if code, _ := cs.VerifyResult(); code != tc.code {
				t.Errorf("env %+v, CADefault %v: verify result %d, want %d", env, tc.s.CADefault, code, tc.code)
			}
			if tc.ok && tc.s.CAFile == "" {
				if r := cs.VerifyReport(); r == nil || r.TrustSource != env.source {
					t.Errorf("env %+v: trust source %v, want %q", env, r, env.source)
				}
			}
		}
	}
	// A server does not trust the default store for client certificates
	// unless asked (ca-default true).
	t.Setenv("SSL_CERT_FILE", p.caFile)
	t.Setenv("SSL_CERT_DIR", "")
	for _, tc := range []struct {
		def  *bool
		code int
	}{{nil, 20}, {new(true), 0}} {
		_, ss, _, _ := handshakePair(t, Settings{Certificate: p.clientCert, Key: p.clientKey},
			Settings{Certificate: p.serverCert, Key: p.serverKey, Verify: VerifyOptional, CADefault: tc.def})
		if code, _ := ss.VerifyResult(); code != tc.code {
			t.Errorf("server with CADefault %v: client certificate verify result %d, want %d", tc.def, code, tc.code)
		}
	}
	// A missing file is skipped by the automatic default, as OpenSSL
	// skips its default paths, and an error when asked for explicitly.
	t.Setenv("SSL_CERT_FILE", filepath.Join(dir, "missing.pem"))
	if _, err := NewClientContext(Settings{Verify: VerifyRequired}); err != nil {
		t.Errorf("automatic default trust with SSL_CERT_FILE naming a missing file: %v", err)
	}
	if _, err := NewClientContext(Settings{Verify: VerifyRequired, CADefault: new(true)}); err == nil || !strings.Contains(err.Error(), "missing.pem") {
		t.Errorf("ca-default true with SSL_CERT_FILE naming a missing file: %v, want an error naming it", err)
	}
}

// quietLog discards net/http's server log (handshake errors the tests
// provoke on purpose).
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

// handshakePair runs one handshake between a client stream with cs and a
// server stream with ss over TCP and returns both streams and errors.
func handshakePair(t *testing.T, cs, ss Settings) (*Stream, *Stream, error, error) {
	t.Helper()
	c, s := pairStreams(t, "tcp", cs, ss)
	cerr, serr := both(t, c.Handshake, s.Handshake)
	return c, s, cerr, serr
}
