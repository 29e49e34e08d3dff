package sslstream

import (
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/rawtls"
)

// TestNegotiatedVersionLikeCryptoTLS: the version prediction follows
// supported_versions when the client sent it, else legacy_version capped
// at TLS 1.2 (RFC 8446 §4.2.1, D.1), as crypto/tls negotiates.
// crypto/tls fills SupportedVersions from legacy_version when the
// extension is absent, so (3,4) alone lists TLS 1.3 there.
func TestNegotiatedVersionLikeCryptoTLS(t *testing.T) {
	fromMax := func(v uint16) []uint16 {
		var out []uint16
		for _, x := range []uint16{tls.VersionTLS13, tls.VersionTLS12, tls.VersionTLS11, tls.VersionTLS10} {
			if x <= v {
				out = append(out, x)
			}
		}
		return out
	}
	sv := []uint16{43}
	for _, tc := range []struct {
		name     string
		versions []uint16
		exts     []uint16
		lo, hi   uint16
		want     uint16
	}{
		{"legacy 3,3", fromMax(0x0303), []uint16{0, 10}, tls.VersionTLS12, tls.VersionTLS13, tls.VersionTLS12},
		{"legacy 3,4 no supported_versions", fromMax(0x0304), []uint16{0, 10}, tls.VersionTLS12, tls.VersionTLS13, tls.VersionTLS12},
		{"legacy 4,1 no supported_versions", fromMax(0x0401), nil, tls.VersionTLS12, tls.VersionTLS13, tls.VersionTLS12},
		{"legacy 254,254 no supported_versions", fromMax(0xfefe), nil, tls.VersionTLS12, tls.VersionTLS13, tls.VersionTLS12},
		{"legacy 3,4, server TLS 1.3 only", fromMax(0x0304), nil, tls.VersionTLS13, tls.VersionTLS13, 0},
		{"supported_versions 1.3, 1.2", []uint16{tls.VersionTLS13, tls.VersionTLS12}, sv, tls.VersionTLS12, tls.VersionTLS13, tls.VersionTLS13},
		{"supported_versions 1.3, 1.2, server max 1.2", []uint16{tls.VersionTLS13, tls.VersionTLS12}, sv, tls.VersionTLS12, tls.VersionTLS12, tls.VersionTLS12},
		{"supported_versions 1.2", []uint16{tls.VersionTLS12}, sv, tls.VersionTLS12, tls.VersionTLS13, tls.VersionTLS12},
		{"supported_versions unknown", []uint16{0x7f1c}, sv, tls.VersionTLS12, tls.VersionTLS13, 0},
		{"legacy 3,2", fromMax(0x0302), nil, tls.VersionTLS12, tls.VersionTLS13, 0},
	} {
		got := negotiatedVersion(&tls.ClientHelloInfo{SupportedVersions: tc.versions, Extensions: tc.exts}, tc.lo, tc.hi)
		if got != tc.want {
			t.Errorf("%s: predicted %#04x, want %#04x", tc.name, got, tc.want)
		}
	}
}

// rawExchange sends a raw ClientHello to a server on ss and returns the
// server's reply and its handshake error.
func rawExchange(t *testing.T, ss Settings, h *rawtls.Hello) (rawtls.Reply, error) {
	t.Helper()
	m, err := h.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	addr, errc := ourServer(t, ss, false)
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(rawtls.Record(rawtls.Handshake, 0x0301, m)); err != nil {
		t.Fatal(err)
	}
	r := rawtls.ReadReply(c, 500*time.Millisecond)
	c.Close()
	select {
	case err = <-errc:
	case <-time.After(15 * time.Second):
		t.Fatal("our server did not finish")
	}
	return r, err
}

// TestLegacyVersionAboveTLS12GetsTLS12WithOpenSSLChoice: a ClientHello
// with legacy_version (3,4), (4,1) or (254,254) and no supported_versions
// negotiates TLS 1.2 (it used to get internal_error), with the suite
// OpenSSL's server order picks (the first of ours the client offers).
func TestLegacyVersionAboveTLS12GetsTLS12WithOpenSSLChoice(t *testing.T) {
	p := pki(t)
	for _, v := range []uint16{0x0304, 0x0401, 0xfefe} {
		h := rawtls.Legacy(v)
		h.CipherSuites = []uint16{tls.TLS_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}
		r, err := rawExchange(t, Settings{Certificate: p.serverCert, Key: p.serverKey}, h)
		// The reader hangs up after the server's flight: the server's
		// handshake then fails on EOF; only the ServerHello matters here.
		_ = err
		if !r.ServerHello || r.Version != tls.VersionTLS12 {
			t.Errorf("legacy_version %#04x: %s, want a TLS 1.2 ServerHello", v, r.Outcome())
			continue
		}
		// Our default ciphers put AES-256-GCM before AES-128-GCM (as
		// OpenSSL's DEFAULT does); crypto/tls alone would take AES-128.
		if r.Suite != tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 && r.Suite != tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 {
			t.Errorf("legacy_version %#04x: suite %s, want OpenSSL's server-order pick (AES-256-GCM)", v, tls.CipherSuiteName(r.Suite))
		}
	}
}

// TestTLS13NoSharedSuiteIsHandshakeFailure: a TLS 1.3 client offering none
// of the ciphersuites setting's suites gets handshake_failure (40) before
// any ServerHello, as from openssl s_server (which also refuses a client
// that could do TLS 1.2), not internal_error (80); our error is OpenSSL's
// "no shared cipher" naming the allowed suites. TLSConfig users get the
// same alert.
func TestTLS13NoSharedSuiteIsHandshakeFailure(t *testing.T) {
	p := pki(t)
	const allowed = "TLS_AES_256_GCM_SHA384"
	ss := Settings{Certificate: p.serverCert, Key: p.serverKey, Ciphersuites: allowed}
	for _, tc := range []struct {
		name     string
		versions []uint16
		suites   []uint16
	}{
		{"1.3 only, AES-128-GCM", []uint16{tls.VersionTLS13}, []uint16{tls.TLS_AES_128_GCM_SHA256}},
		{"1.3 only, CCM", []uint16{tls.VersionTLS13}, []uint16{0x1304}},
		{"1.3 and 1.2, AES-128-GCM and a TLS 1.2 suite", []uint16{tls.VersionTLS13, tls.VersionTLS12}, []uint16{tls.TLS_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}},
	} {
		h := rawtls.Modern()
		h.SupportedVersions, h.CipherSuites = tc.versions, tc.suites
		r, err := rawExchange(t, ss, h)
		if r.ServerHello || r.Alert != 40 {
			t.Errorf("%s: %s, want alert 40 (handshake_failure) and no ServerHello", tc.name, r.Outcome())
		}
		e := asError(t, err)
		if !e.HasCode(CodeNoSharedCipher) || !strings.Contains(e.Error(), "offers none") || !strings.Contains(e.Error(), allowed) {
			t.Errorf("%s: server error %v, want 0A0000C1 no shared cipher, \"offers none\" and %s", tc.name, e, allowed)
		}
	}

	// TLSConfig users: plain crypto/tls with our GetConfigForClient.
	ctx, err := NewServerContext(ss)
	if err != nil {
		t.Fatal(err)
	}
	srvConn, cliConn := net.Pipe()
	defer srvConn.Close()
	done := make(chan error, 1)
	go func() {
		err := tls.Server(srvConn, ctx.TLSConfig()).Handshake()
		srvConn.Close()
		done <- err
	}()
	h := rawtls.Modern()
	h.SupportedVersions, h.CipherSuites = []uint16{tls.VersionTLS13}, []uint16{tls.TLS_AES_128_GCM_SHA256}
	go func() { _, _ = cliConn.Write(rawtls.Record(rawtls.Handshake, 0x0301, h.MustMarshal())) }()
	r := rawtls.ReadReply(cliConn, 2*time.Second)
	cliConn.Close()
	if herr := <-done; herr == nil || r.Alert != 40 {
		t.Errorf("TLSConfig: %s, handshake error %v; want alert 40", r.Outcome(), herr)
	}
}

// TestTLS13CCMOnlyAlertAsOpenSSL is the reproduction: s_client
// -tls1_3 -ciphersuites TLS_AES_128_CCM_SHA256 sees handshake_failure from
// our server as from openssl s_server.
func TestTLS13CCMOnlyAlertAsOpenSSL(t *testing.T) {
	p := pki(t)
	ref := startSServer(t, "-cert", p.serverCert, "-key", p.serverKey)
	addr, _ := ourServer(t, Settings{Certificate: p.serverCert, Key: p.serverKey}, false)
	var want, got string
	withOpenSSLSlot(func() {
		_, want = sClientResult(t, ref.addr, "-tls1_3", "-ciphersuites", "TLS_AES_128_CCM_SHA256")
		_, got = sClientResult(t, addr, "-tls1_3", "-ciphersuites", "TLS_AES_128_CCM_SHA256")
	})
	const alert = "alert handshake failure"
	if !strings.Contains(want, alert) {
		t.Fatalf("openssl s_server did not answer with %q:\n%s", alert, want)
	}
	if !strings.Contains(got, alert) {
		t.Errorf("our server: s_client saw\n%s\nwant %q as from openssl s_server", got, alert)
	}
}
