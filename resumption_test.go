package sslstream

import (
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestSessionResumption(t *testing.T) {
	t.Parallel()
	p := pki(t)
	for _, method := range []string{"tlsv1.2", "tlsv1.3"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			ss := p.serverSettings()
			ss.Method = method
			ss.CAFile = p.caFile
			ss.Verify = VerifyOptional
			sctx, err := NewServerContext(ss)
			if err != nil {
				t.Fatal(err)
			}
			// Verify none with a CA file that does not know the
			// server's root: the result (20) must be reported again
			// when the session is resumed.
			cctx, err := NewClientContext(Settings{CAFile: p.otherCAFile, ServerName: "localhost",
				Certificate: p.clientCert, Key: p.clientKey, SessionTickets: new(true)})
			if err != nil {
				t.Fatal(err)
			}
			addr, res := featureServe(t, sctx, 4, nil)
			var codes []int
			for i := 0; i < 3; i++ {
				c, err := featureDial(t, cctx, addr, nil)
				if err != nil {
					t.Fatalf("connection %d: %v", i, err)
				}
				r := <-res
				if r.err != nil {
					t.Fatalf("connection %d: server: %v", i, r.err)
				}
				if want := i > 0; c.Resumed() != want || r.resumed != want {
					t.Errorf("connection %d: client resumed %v, server %v, want %v", i, c.Resumed(), r.resumed, want)
				}
				code, _ := c.VerifyResult()
				codes = append(codes, code)
				if r.verify != 0 {
					t.Errorf("connection %d: server's verify result %d for the client certificate, want 0 (also when resumed)", i, r.verify)
				}
				if pc, err := c.PeerCertificate(); err != nil || pc == nil || pc.SubjectString() != "CN = localhost" {
					t.Errorf("connection %d: peer certificate %v %v", i, pc, err)
				}
			}
			for i, code := range codes {
				if code != 20 {
					t.Errorf("connection %d: verify result %d, want 20 (the original session's)", i, code)
				}
			}
			// A server reload keeps the ticket key: still resumed.
			if err := sctx.Reload(); err != nil {
				t.Fatal(err)
			}
			c, err := featureDial(t, cctx, addr, nil)
			if err != nil {
				t.Fatal(err)
			}
			<-res
			if !c.Resumed() {
				t.Error("not resumed after the server context reloaded")
			}
		})
	}
}

func TestSessionResumptionOff(t *testing.T) {
	t.Parallel()
	p := pki(t)
	for _, tc := range []struct {
		name           string
		server, client *bool
	}{
		{"client default (off, as OpenSSL)", nil, nil},
		{"server session-tickets false", new(false), new(true)},
	} {
		ss := p.serverSettings()
		ss.SessionTickets = tc.server
		sctx, err := NewServerContext(ss)
		if err != nil {
			t.Fatal(err)
		}
		cctx, err := NewClientContext(Settings{CAFile: p.caFile, ServerName: "localhost", SessionTickets: tc.client})
		if err != nil {
			t.Fatal(err)
		}
		addr, res := featureServe(t, sctx, 2, nil)
		for i := 0; i < 2; i++ {
			c, err := featureDial(t, cctx, addr, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r := <-res; r.err != nil || r.resumed || c.Resumed() {
				t.Errorf("%s: connection %d resumed (server %v, client %v, err %v)", tc.name, i, r.resumed, c.Resumed(), r.err)
			}
		}
	}
	var s Settings
	if err := s.Set("session-tickets", "off"); err != nil || s.SessionTickets == nil || *s.SessionTickets {
		t.Errorf("session-tickets off: %v %v", err, s.SessionTickets)
	}
	if err := s.Set("session-tickets", "maybe"); err == nil {
		t.Error("session-tickets maybe accepted")
	}
}

var reusedRE = regexp.MustCompile(`(?m)^(New|Reused), (TLSv1\.[23])`)

// openssl s_client -reconnect connects six times with the same session:
// against our server the five reconnections are "Reused". TLS 1.2 only:
// OpenSSL 3.0's s_client reconnects before it has read a TLS 1.3 ticket
// (sent after the handshake), so under TLS 1.3 it shows "New" six times
// whatever the server; TestResumptionWithOpenSSLSessionFile covers 1.3.
func TestResumptionWithOpenSSLClientReconnect(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	for _, method := range []string{"tlsv1.2"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			ss := p.serverSettings()
			ss.Method = method
			sctx, err := NewServerContext(ss)
			if err != nil {
				t.Fatal(err)
			}
			addr, res := featureServe(t, sctx, 6, nil)
			out := runSClient(t, addr, "ping\n", "-reconnect", "-CAfile", p.caFile, "-verify_return_error")
			var resumed int
			for i := 0; i < 6; i++ {
				select {
				case r := <-res:
					if r.resumed {
						resumed++
					}
				case <-time.After(10 * time.Second):
					t.Fatalf("server saw %d connections:\n%s", i, out)
				}
			}
			m := reusedRE.FindAllStringSubmatch(out, -1)
			var kinds []string
			for _, x := range m {
				kinds = append(kinds, x[1])
			}
			if len(kinds) != 6 || kinds[0] != "New" || strings.Count(strings.Join(kinds, " "), "Reused") != 5 {
				t.Errorf("s_client -reconnect: %v, want New then 5 Reused\n%s", kinds, out)
			}
			if resumed != 5 {
				t.Errorf("our server resumed %d of 6 connections, want 5", resumed)
			}
		})
	}
}

// -sess_out then -sess_in: the second s_client resumes with our server,
// and reports the verify result kept in the session.
func TestResumptionWithOpenSSLSessionFile(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	sctx, err := NewServerContext(p.serverSettings())
	if err != nil {
		t.Fatal(err)
	}
	sess := filepath.Join(t.TempDir(), "sess.pem")
	addr, res := featureServe(t, sctx, 2, nil)
	// No CA file: s_client's result is 20 and is stored in the session.
	out1 := runSClient(t, addr, "ping\n", "-sess_out", sess, "-ign_eof")
	r1 := <-res
	out2 := runSClient(t, addr, "ping\n", "-sess_in", sess, "-ign_eof")
	r2 := <-res
	if r1.err != nil || r2.err != nil {
		t.Fatalf("server: %v / %v\n%s\n%s", r1.err, r2.err, out1, out2)
	}
	if r1.resumed || !r2.resumed {
		t.Errorf("server resumed %v then %v, want false then true", r1.resumed, r2.resumed)
	}
	if !strings.Contains(out2, "Reused, TLSv1.3") {
		t.Errorf("second s_client did not reuse the session:\n%s", out2)
	}
	c1, _ := sClientVerifyCode(t, out1)
	c2, _ := sClientVerifyCode(t, out2)
	if c1 != 20 || c2 != c1 {
		t.Errorf("s_client verify codes %d then %d, want 20 twice", c1, c2)
	}
}

// Our client against openssl s_server: the second connection from the
// same context resumes, with the first connection's verify result.
func TestResumptionAgainstOpenSSLServer(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	for _, method := range []string{"tlsv1.2", "tlsv1.3"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			srv := startSServer(t, "-cert", p.serverCert, "-cert_chain", p.interAsCAFile, "-key", p.serverKey, "-rev", "-naccept", "2", versionFlag(method))
			// Trusting only the intermediate without partial chain: 2.
			cctx, err := NewClientContext(Settings{CAFile: p.interAsCAFile, ServerName: "localhost", SessionTickets: new(true)})
			if err != nil {
				t.Fatal(err)
			}
			var codes []int
			for i := 0; i < 2; i++ {
				conn, err := net.Dial("tcp", srv.addr)
				if err != nil {
					t.Fatal(err)
				}
				c, err := cctx.Client(conn, nil)
				if err != nil {
					t.Fatal(err)
				}
				c.SetDeadline(time.Now().Add(10 * time.Second))
				if _, err := c.Write([]byte("hello\n")); err != nil {
					t.Fatal(err)
				}
				buf := make([]byte, 6)
				if _, err := c.Read(buf); err != nil {
					t.Fatalf("connection %d: %v\n%s", i, err, srv.out)
				}
				if want := i == 1; c.Resumed() != want {
					t.Errorf("connection %d: resumed %v, want %v", i, c.Resumed(), want)
				}
				code, _ := c.VerifyResult()
				codes = append(codes, code)
				c.Close()
			}
			if codes[0] == 0 || codes[1] != codes[0] {
				t.Errorf("verify results %v: want the same non-zero result when resumed", codes)
			}
		})
	}
}
