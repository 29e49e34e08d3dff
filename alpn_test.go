package sslstream

import (
	"bufio"
	"github.com/sslstream/sslstream/verify"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

// featureServe accepts n connections on a fresh TCP listener and serves
// each with sctx: one line read, echoed back, then close. It returns the
// address and a channel receiving each server stream's outcome.
type served struct {
	err      error
	proto    string
	resumed  bool
	verify   int
	crlsUsed []string
	// sessionStart and ticketExpired are the stream's SessionStart and
	// TicketExpired.
	sessionStart  time.Time
	ticketExpired bool
	// report is the stream's VerifyReport.
	report *verify.Result
}

func featureServe(t *testing.T, sctx *ServerContext, n int, o *Overrides) (string, <-chan served) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan served, n)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < n; i++ {
			conn, err := ln.Accept()
			if err != nil {
				out <- served{err: err}
				return
			}
			s, err := sctx.Server(conn, o)
			if err != nil {
				conn.Close()
				out <- served{err: err}
				continue
			}
			s.SetDeadline(time.Now().Add(10 * time.Second))
			r := bufio.NewReader(s)
			line, err := r.ReadString('\n')
			if err == nil {
				_, err = io.WriteString(s, line)
			}
			if err == nil {
				err = s.Flush()
			}
			code, _ := s.VerifyResult()
			out <- served{err: err, proto: s.NegotiatedProtocol(), resumed: s.Resumed(), verify: code, crlsUsed: s.CRLsUsed(),
				sessionStart: s.SessionStart(), ticketExpired: s.TicketExpired(), report: s.VerifyReport()}
			s.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String(), out
}

// featureDial connects a client stream made from cctx to addr, exchanges
// one line and returns the stream (closed at the end of the test).
func featureDial(t *testing.T, cctx *ClientContext, addr string, o *Overrides) (*Stream, error) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cctx.Client(conn, o)
	if err != nil {
		conn.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "ping\n"); err != nil {
		return c, err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err == nil && line != "ping\n" {
		t.Errorf("echo %q", line)
	}
	return c, err
}

func TestALPNSetting(t *testing.T) {
	t.Parallel()
	var s Settings
	if err := s.Set("alpn", " h2, http/1.1 "); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.ALPN, []string{"h2", "http/1.1"}) {
		t.Errorf("ALPN %q", s.ALPN)
	}
	if err := s.Set("alpn", "none"); err != nil || s.ALPN != nil {
		t.Errorf("alpn none: %v %q", err, s.ALPN)
	}
	for _, bad := range []string{"h2,,http/1.1", ",", strings.Repeat("x", 256)} {
		err := s.Set("alpn", bad)
		if err == nil || !strings.Contains(err.Error(), "alpn") {
			t.Errorf("alpn %q: error %v, want one naming the setting", bad, err)
		}
	}
	var o Overrides
	if err := o.Set("alpn", "http/1.1"); err != nil || o.ALPN != "http/1.1" {
		t.Errorf("override: %v %q", err, o.ALPN)
	}
	if _, err := NewClientContext(Settings{ALPN: []string{""}}); err == nil {
		t.Error("empty protocol name accepted")
	}
}

func TestALPNNegotiation(t *testing.T) {
	t.Parallel()
	p := pki(t)
	ss := p.serverSettings()
	ss.ALPN = []string{"h2", "http/1.1"}
	sctx, err := NewServerContext(ss)
	if err != nil {
		t.Fatal(err)
	}
	cctx, err := NewClientContext(Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired,
		ALPN: []string{"http/1.1", "h2"}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		o    *Overrides
		want string
	}{
		{"server preference wins", nil, "h2"},
		{"client offers only http/1.1", &Overrides{ALPN: "http/1.1"}, "http/1.1"},
		{"client offers none", &Overrides{ALPN: "none"}, ""},
	}
	addr, res := featureServe(t, sctx, len(cases), nil)
	for _, tc := range cases {
		c, err := featureDial(t, cctx, addr, tc.o)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		r := <-res
		if r.err != nil {
			t.Fatalf("%s: server: %v", tc.name, r.err)
		}
		if got := c.NegotiatedProtocol(); got != tc.want || r.proto != tc.want {
			t.Errorf("%s: client %q, server %q, want %q", tc.name, got, r.proto, tc.want)
		}
	}
}

func TestALPNAgainstOpenSSLServer(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	for _, tc := range []struct{ server, client, want string }{
		{"h2,http/1.1", "http/1.1,h2", "h2"},
		{"http/1.1", "h2,http/1.1", "http/1.1"},
	} {
		srv := startSServer(t, "-cert", p.serverCert, "-cert_chain", p.interAsCAFile, "-key", p.serverKey, "-alpn", tc.server, "-rev", "-naccept", "1")
		cs := Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired}
		if err := cs.Set("alpn", tc.client); err != nil {
			t.Fatal(err)
		}
		cctx, err := NewClientContext(cs)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := net.Dial("tcp", srv.addr)
		if err != nil {
			t.Fatal(err)
		}
		c, err := cctx.Client(conn, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if err := c.Handshake(); err != nil {
			t.Fatalf("server %s client %s: %v\n%s", tc.server, tc.client, err, srv.out)
		}
		if got := c.NegotiatedProtocol(); got != tc.want {
			t.Errorf("s_server -alpn %s, we offer %s: negotiated %q, want %q", tc.server, tc.client, got, tc.want)
		}
		c.Close()
	}
}

func TestALPNAgainstOpenSSLClient(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	ss := p.serverSettings()
	ss.ALPN = []string{"h2", "http/1.1"}
	sctx, err := NewServerContext(ss)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ client, want string }{
		{"http/1.1,h2", "ALPN protocol: h2"},
		{"http/1.1", "ALPN protocol: http/1.1"},
	}
	addr, res := featureServe(t, sctx, len(cases), nil)
	for _, tc := range cases {
		out := runSClient(t, addr, "ping\n", "-alpn", tc.client, "-ign_eof", "-CAfile", p.caFile)
		r := <-res
		if r.err != nil {
			t.Fatalf("s_client -alpn %s: server: %v\n%s", tc.client, r.err, out)
		}
		if !strings.Contains(out, tc.want) {
			t.Errorf("s_client -alpn %s: output lacks %q:\n%s", tc.client, tc.want, out)
		}
		if want := strings.TrimPrefix(tc.want, "ALPN protocol: "); want != tc.want && r.proto != want {
			t.Errorf("s_client -alpn %s: our server negotiated %q", tc.client, r.proto)
		}
	}
}

// With no protocol in common, OpenSSL's s_server and ours both fail the
// handshake with alert no_application_protocol (120).
func TestALPNMismatchFailsLikeOpenSSL(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	srv := startSServer(t, "-cert", p.serverCert, "-cert_chain", p.interAsCAFile, "-key", p.serverKey, "-alpn", "h2", "-naccept", "1")
	cctx, err := NewClientContext(Settings{CAFile: p.caFile, ServerName: "localhost", ALPN: []string{"spdy/3"}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cctx.Client(conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	// The alert usually arrives; s_server sometimes resets the
	// connection before we read it.
	if err := c.Handshake(); err == nil {
		t.Error("s_server -alpn h2 accepted our spdy/3-only client")
	}

	ss := p.serverSettings()
	ss.ALPN = []string{"h2"}
	sctx, err := NewServerContext(ss)
	if err != nil {
		t.Fatal(err)
	}
	addr, res := featureServe(t, sctx, 1, nil)
	out := runSClient(t, addr, "", "-alpn", "spdy/3")
	if r := <-res; r.err == nil {
		t.Error("our server accepted a client with no common ALPN protocol")
	}
	if !strings.Contains(out, "no application protocol") {
		t.Errorf("s_client did not see alert no_application_protocol:\n%s", out)
	}
}

func TestRegistrySettingsAndOverrides(t *testing.T) {
	t.Parallel()
	infos := SettingsInfo()
	if len(infos) != len(registry) {
		t.Fatalf("SettingsInfo has %d entries, registry %d", len(infos), len(registry))
	}
	seen := map[string]bool{}
	for _, info := range infos {
		if seen[info.Name] {
			t.Errorf("setting %q listed twice", info.Name)
		}
		seen[info.Name] = true
		var s Settings
		// Every name is known to Settings.Set (a value may be rejected,
		// but never as an unknown setting).
		if err := s.Set(info.Name, "x"); err != nil && strings.Contains(err.Error(), "unknown setting") {
			t.Errorf("Settings.Set(%q): %v", info.Name, err)
		}
		if info.Doc == "" || info.Values == "" || info.Default == "" {
			t.Errorf("setting %q lacks its documentation: %+v", info.Name, info)
		}
		var o Overrides
		err := o.Set(info.Name, "x")
		if info.Overridable {
			if err != nil && strings.Contains(err.Error(), "fixed by the context") {
				t.Errorf("Overrides.Set(%q): %v, want it overridable", info.Name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "fixed by the context") {
			t.Errorf("Overrides.Set(%q): %v, want fixed by the context", info.Name, err)
		}
	}
	infos[0].Name = "changed"
	if SettingsInfo()[0].Name != "method" {
		t.Error("SettingsInfo returns the package's own slice")
	}
}
