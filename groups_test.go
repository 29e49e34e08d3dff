package sslstream

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestGroupsSetting(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []tls.CurveID
	}{
		{"X25519MLKEM768:x25519:P-256", []tls.CurveID{tls.X25519MLKEM768, tls.X25519, tls.CurveP256}},
		{"X25519:prime256v1:secp256r1:secp384r1:secp521r1", []tls.CurveID{tls.X25519, tls.CurveP256, tls.CurveP384, tls.CurveP521}},
		{"P-521:P-384", []tls.CurveID{tls.CurveP521, tls.CurveP384}},
		{"", nil},
	} {
		var s Settings
		if err := s.Set("groups", tc.in); err != nil || !slices.Equal(s.Groups, tc.want) {
			t.Errorf("groups %q: %v %v, want %v", tc.in, s.Groups, err, tc.want)
		}
	}
	for _, bad := range []string{"x448", "ffdhe2048", "p-256", "X25519::P-256", "P-256,X25519", "brainpoolP256r1"} {
		var s Settings
		err := s.Set("groups", bad)
		if err == nil || !strings.Contains(err.Error(), "groups") || !strings.Contains(err.Error(), "P-256/prime256v1/secp256r1") {
			t.Errorf("groups %q: error %v, want one naming the setting and the allowed groups", bad, err)
		}
	}
	var s Settings
	if err := s.Set("groups", "x448"); err == nil || !strings.Contains(err.Error(), "does not implement") {
		t.Errorf("x448: %v", err)
	}
	var o Overrides
	if err := o.Set("groups", "P-384"); err != nil || o.Groups != "P-384" {
		t.Errorf("override: %v %q", err, o.Groups)
	}
	if err := o.Set("groups", "ffdhe3072"); err == nil {
		t.Error("override ffdhe3072 accepted")
	}
	if _, err := NewClientContext(Settings{Groups: []tls.CurveID{0x1234}}); err == nil || !strings.Contains(err.Error(), "groups") {
		t.Errorf("unknown group id: %v", err)
	}
	if GroupName(tls.CurveP256) != "P-256" || GroupName(tls.X25519MLKEM768) != "X25519MLKEM768" || GroupName(0) != "" {
		t.Error("GroupName")
	}
	if GroupTempKey(tls.X25519) != "X25519, 253 bits" || GroupTempKey(tls.CurveP384) != "ECDH, secp384r1, 384 bits" || GroupTempKey(tls.X25519MLKEM768) != "" {
		t.Error("GroupTempKey")
	}
}

// groupResult is what a server stream negotiated.
type groupResult struct {
	err   error
	group string
	hrr   bool
}

// groupServe serves n connections with sctx (one line echoed each) and
// reports the group and HelloRetryRequest of each.
func groupServe(t *testing.T, sctx *ServerContext, n int) (string, <-chan groupResult) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan groupResult, n)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < n; i++ {
			conn, err := ln.Accept()
			if err != nil {
				out <- groupResult{err: err}
				return
			}
			s, _ := sctx.Server(conn, nil)
			s.SetDeadline(time.Now().Add(10 * time.Second))
			err = s.Handshake()
			if err == nil {
				var line string
				if line, err = bufio.NewReader(s).ReadString('\n'); err == nil {
					_, err = io.WriteString(s, line)
				}
			}
			out <- groupResult{err: err, group: s.Group(), hrr: s.HelloRetryRequest()}
			s.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String(), out
}

func dialGroups(t *testing.T, addr string, cs Settings) (*Stream, error) {
	t.Helper()
	cctx, err := NewClientContext(cs)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cctx.Client(conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c, c.Handshake()
}

func TestGroupsOurClientAgainstOpenSSLServer(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	// crypto/tls sends a key share for the first of our groups in its own
	// order (X25519MLKEM768 with an X25519 one, X25519, P-256, P-384,
	// P-521): a server taking another group asks again.
	for _, tc := range []struct {
		server, client, method, want string
		hrr                          bool
	}{
		{"x25519", "", "tlsv1.3", "X25519", false},
		{"P-384", "", "tlsv1.3", "P-384", true},
		{"P-521", "P-256:P-521", "tlsv1.3", "P-521", true},
		{"prime256v1", "X25519:P-256", "tlsv1.3", "P-256", true},
		{"prime256v1", "P-256:P-384", "tlsv1.3", "P-256", false},
		{"x25519", "X25519:P-256", "tlsv1.2", "X25519", false},
		{"secp384r1", "P-384:P-256", "tlsv1.2", "P-384", false},
		{"x25519", "P-384", "tlsv1.3", "", false}, // no group in common
	} {
		srv := startSServer(t, "-cert", p.serverCert, "-cert_chain", p.interAsCAFile, "-key", p.serverKey, "-groups", tc.server, "-naccept", "1", versionFlag(tc.method))
		cs := Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired, Method: tc.method}
		if err := cs.Set("groups", tc.client); err != nil {
			t.Fatal(err)
		}
		c, err := dialGroups(t, srv.addr, cs)
		if tc.want == "" {
			if err == nil {
				t.Errorf("s_server -groups %s, we offer %s: handshake succeeded with %s", tc.server, tc.client, c.Group())
			}
			continue
		}
		if err != nil {
			t.Fatalf("s_server -groups %s, we offer %q (%s): %v\n%s", tc.server, tc.client, tc.method, err, srv.out)
		}
		if got := c.Group(); got != tc.want {
			t.Errorf("s_server -groups %s, we offer %q (%s): group %q, want %q", tc.server, tc.client, tc.method, got, tc.want)
		}
		if hrr := c.HelloRetryRequest(); hrr != tc.hrr {
			t.Errorf("s_server -groups %s, we offer %q: HelloRetryRequest %v", tc.server, tc.client, hrr)
		}
	}
}

func TestGroupsOurServerAgainstOpenSSLClient(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	for _, tc := range []struct {
		server, client, method, want, tempKey string
		hrr                                   bool
	}{
		{"", "x25519", "tlsv1.3", "X25519", "X25519, 253 bits", false},
		{"P-384:X25519", "P-256:P-384", "tlsv1.3", "P-384", "ECDH, secp384r1, 384 bits", true}, // first key share P-256 is not ours
		{"X25519", "P-256:X25519", "tlsv1.3", "X25519", "X25519, 253 bits", true},
		{"P-521:P-256", "P-256:P-521", "tlsv1.3", "P-256", "ECDH, prime256v1, 256 bits", false}, // crypto/tls takes a group with a key share first
		{"P-256", "P-256", "tlsv1.2", "P-256", "ECDH, prime256v1, 256 bits", false},
		{"P-384", "x25519", "tlsv1.3", "", "", false}, // mismatch
	} {
		ss := p.serverSettings()
		if err := ss.Set("groups", tc.server); err != nil {
			t.Fatal(err)
		}
		ss.Method = tc.method
		sctx, err := NewServerContext(ss)
		if err != nil {
			t.Fatal(err)
		}
		addr, res := groupServe(t, sctx, 1)
		out := runSClient(t, addr, "ping\n", "-groups", tc.client, "-ign_eof", "-CAfile", p.caFile, versionFlag(tc.method))
		r := <-res
		if tc.want == "" {
			if r.err == nil || !strings.Contains(out, "handshake failure") {
				t.Errorf("server groups %s, s_client -groups %s: server %v, want a handshake failure\n%s", tc.server, tc.client, r.err, out)
			}
			continue
		}
		if r.err != nil {
			t.Fatalf("server groups %s, s_client -groups %s: %v\n%s", tc.server, tc.client, r.err, out)
		}
		if r.group != tc.want || r.hrr != tc.hrr {
			t.Errorf("server groups %q, s_client -groups %s: group %q hrr %v, want %q %v", tc.server, tc.client, r.group, r.hrr, tc.want, tc.hrr)
		}
		if !strings.Contains(out, "Server Temp Key: "+tc.tempKey+"\n") {
			t.Errorf("s_client -groups %s: no \"Server Temp Key: %s\":\n%s", tc.client, tc.tempKey, out)
		}
	}
}

// Our client and server: the override, HelloRetryRequest seen on both
// sides, and the ClientHello's size in the trace (an X25519MLKEM768 key
// share is over a kilobyte).
func TestGroupsBetweenOurEndsAndTrace(t *testing.T) {
	t.Parallel()
	p := pki(t)
	ss := p.serverSettings()
	ss.Groups = []tls.CurveID{tls.X25519MLKEM768, tls.X25519, tls.CurveP384}
	sctx, err := NewServerContext(ss)
	if err != nil {
		t.Fatal(err)
	}
	helloSize := func(groups string, wantGroup string, wantHRR bool) int {
		var buf bytes.Buffer
		cs := Settings{CAFile: p.caFile, ServerName: "localhost", TraceLogger: slog.New(slog.NewJSONHandler(&buf, nil))}
		cctx, err := NewClientContext(cs)
		if err != nil {
			t.Fatal(err)
		}
		addr, res := groupServe(t, sctx, 1)
		c, err := featureDial(t, cctx, addr, &Overrides{Groups: groups})
		if err != nil {
			t.Fatalf("groups %s: %v", groups, err)
		}
		r := <-res
		if c.Group() != wantGroup || r.group != wantGroup || c.HelloRetryRequest() != wantHRR || r.hrr != wantHRR {
			t.Errorf("client groups %s: client %s/%v, server %s/%v, want %s/%v", groups, c.Group(), c.HelloRetryRequest(), r.group, r.hrr, wantGroup, wantHRR)
		}
		size := 0
		for _, l := range strings.Split(buf.String(), "\n") {
			if strings.Contains(l, `"type":"ClientHello"`) && strings.Contains(l, `"dir":"sent"`) && size == 0 {
				i := strings.Index(l, `"length":`)
				for _, ch := range l[i+len(`"length":`):] {
					if ch < '0' || ch > '9' {
						break
					}
					size = size*10 + int(ch-'0')
				}
			}
			if strings.Contains(l, "handshake done") && !strings.Contains(l, `"group":"`+wantGroup+`"`) {
				t.Errorf("trace's handshake done lacks the group %s: %s", wantGroup, l)
			}
		}
		return size
	}
	big := helloSize("X25519MLKEM768:X25519", "X25519MLKEM768", false)
	small := helloSize("X25519", "X25519", false)
	if big < 1200 || small > 600 || small == 0 {
		t.Errorf("ClientHello sizes in the trace: %d with X25519MLKEM768, %d with X25519 alone", big, small)
	}
	// First key share P-256, which the server does not take: a retry.
	helloSize("P-256:P-384", "P-384", true)
}

// TestImplementedGroupsIsCryptoTLSOrder: ImplementedGroups is the order in
// which a crypto/tls server prefers its groups, whatever the client's
// order: offered the groups from the i-th on, in reverse, a default
// crypto/tls server picks the i-th. GroupIsHybrid is true for the KEMs
// only.
func TestImplementedGroupsIsCryptoTLSOrder(t *testing.T) {
	t.Parallel()
	p := pki(t)
	cert, err := tls.LoadX509KeyPair(p.serverCert, p.serverKey)
	if err != nil {
		t.Fatal(err)
	}
	order := ImplementedGroups()
	if len(order) != 7 || order[0] != tls.X25519MLKEM768 || order[3] != tls.X25519 {
		t.Fatalf("ImplementedGroups() = %v", order)
	}
	for i := range order {
		offer := slices.Clone(order[i:])
		slices.Reverse(offer)
		cn, sn := net.Pipe()
		dl := time.Now().Add(10 * time.Second)
		cn.SetDeadline(dl)
		sn.SetDeadline(dl)
		srv := tls.Server(sn, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13})
		done := make(chan error, 1)
		go func() { done <- srv.Handshake() }()
		cl := tls.Client(cn, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13, CurvePreferences: offer})
		err := cl.Handshake()
		if serr := <-done; err == nil {
			err = serr
		}
		if err != nil {
			t.Fatalf("offering %v: %v", offer, err)
		}
		if got := cl.ConnectionState().CurveID; got != order[i] {
			t.Errorf("offering %v: crypto/tls chose %v, ImplementedGroups puts %v first", offer, got, order[i])
		}
		cn.Close()
		sn.Close()
	}
	for _, id := range order {
		want := id == tls.X25519MLKEM768 || id == tls.SecP256r1MLKEM768 || id == tls.SecP384r1MLKEM1024
		if GroupIsHybrid(id) != want {
			t.Errorf("GroupIsHybrid(%v) = %v", id, !want)
		}
	}
	if GroupIsHybrid(0x1234) {
		t.Error("GroupIsHybrid of an unknown group")
	}
}
