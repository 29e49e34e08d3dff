package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/internal/testproc"
)

// `ciphers` lists what the string selects, as `openssl ciphers`; --json
// also says which of those suites are not offered on the wire and why.
func TestCiphersJSONSaysWhatIsNotOffered(t *testing.T) {
	t.Parallel()
	text := ss(t, "ciphers", "DEFAULT")
	wantCode(t, text, 0)
	if !strings.Contains(text.stdout, ":ECDHE-RSA-AES128-SHA256:") {
		t.Errorf("ciphers DEFAULT lost a suite OpenSSL lists: %s", text.stdout)
	}
	for _, tc := range []struct {
		s    string
		want []string
	}{
		{"DEFAULT", []string{"ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256", "AES128-SHA256"}},
		{"DEFAULT:AES128-SHA256", []string{"ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256"}},
		{"DEFAULT:@SECLEVEL=0", nil},
	} {
		r := ss(t, "ciphers", "--json", tc.s)
		wantCode(t, r, 0)
		var out ciphersJSON
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("ciphers --json %q: %v\n%s", tc.s, err, r)
		}
		var got []string
		for _, n := range out.NotOffered {
			got = append(got, n.Name)
			if !strings.Contains(n.Reason, "Lucky13") {
				t.Errorf("%s: reason %q", n.Name, n.Reason)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ciphers --json %q: not offered (-want +got):\n%s", tc.s, diff)
		}
		if len(out.Offered)+len(out.NotOffered) != len(out.Selected) {
			t.Errorf("ciphers --json %q: %d offered + %d not != %d selected", tc.s, len(out.Offered), len(out.NotOffered), len(out.Selected))
		}
		if plain := ss(t, "ciphers", tc.s); strings.TrimSpace(plain.stdout) != strings.Join(out.Selected, ":") {
			t.Errorf("ciphers --json %q selected %q, text output %q", tc.s, out.Selected, plain.stdout)
		}
	}
}

// The client's summary (text and --json) names the suites not offered.
func TestClientSummaryNamesSuitesNotOffered(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo")
	addr := "127.0.0.1:" + port
	r := sslstreamIn(t, p.dir, strings.NewReader("x"), "client", addr, "--ca-file", "ca.pem", "--server-name", "server.example", "--method", "tlsv1.2")
	wantCode(t, r, 0)
	line := summary(r.stderr)["Ciphers selected but not offered"]
	if !strings.HasPrefix(line, "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:AES128-SHA256 (") || !strings.Contains(line, "Lucky13") {
		t.Errorf("summary line %q\n%s", line, r)
	}
	// A server under DEFAULT refuses a client that offers only the suite;
	// one that names it accepts.
	named := []string{"--ciphers", "ECDHE-ECDSA-AES128-SHA256", "--method", "tlsv1.2", "--json"}
	r = sslstreamIn(t, p.dir, strings.NewReader("x"), append([]string{"client", addr, "--ca-file", "ca.pem", "--server-name", "server.example"}, named...)...)
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "handshake failure")
	_, port = startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo", "--ciphers", "DEFAULT:ECDHE-ECDSA-AES128-SHA256")
	r = sslstreamIn(t, p.dir, strings.NewReader("x"), append([]string{"client", "127.0.0.1:" + port, "--ca-file", "ca.pem", "--server-name", "server.example"}, named...)...)
	wantCode(t, r, 0)
	var c clientJSON
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.stderr)), &c); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if c.Cipher != "ECDHE-ECDSA-AES128-SHA256" || c.CiphersNotOffered == nil || len(c.CiphersNotOffered) != 0 {
		t.Errorf("named suite: %+v", c)
	}
	r = sslstreamIn(t, p.dir, strings.NewReader("x"), "client", addr, "--ca-file", "ca.pem", "--server-name", "server.example", "--json")
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.stderr)), &c); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if len(c.CiphersNotOffered) != 3 || c.CiphersNotOffered[2].Name != "AES128-SHA256" {
		t.Errorf("DEFAULT: %+v", c.CiphersNotOffered)
	}
}

// --groups: our client prints the key exchange as s_client does for the
// same server; our server's line names the group and a retry.
func TestGroupsFlagSummaries(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	for _, tc := range []struct{ server, client, want string }{
		{"P-384", "P-384:X25519", "ECDH, secp384r1, 384 bits"},
		{"x25519", "", "X25519, 253 bits"},
	} {
		_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www", "-groups", tc.server)
		addr := "127.0.0.1:" + port
		args := []string{"client", addr, "--ca-file", "ca.pem", "--server-name", "server.example"}
		if tc.client != "" {
			args = append(args, "--groups", tc.client)
		}
		r := sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), args...)
		wantCode(t, r, 0)
		o := opensslIn(t, p.dir, "", "s_client", "-connect", addr, "-CAfile", "ca.pem")
		if want := "Server Temp Key: " + tc.want; !strings.Contains(o.stdout+o.stderr, want+"\n") || summary(r.stderr)["Server Temp Key"] != tc.want {
			t.Errorf("s_server -groups %s: want %q from s_client and us:\n%s\n%s", tc.server, want, o, r)
		}
	}

	srv, port := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo", "--groups", "X25519:P-384")
	addr := "127.0.0.1:" + port
	r := opensslInSlow(t, p.dir, "hi\n", "s_client", "-connect", addr, "-CAfile", "ca.pem", "-groups", "P-256:X25519", "-no_ign_eof")
	wantContains(t, "s_client", r.stdout, "Server Temp Key: X25519, 253 bits")
	waitFor(t, srv, ", Group: X25519, HelloRetryRequest: yes")
	r = opensslInSlow(t, p.dir, "hi\n", "s_client", "-connect", addr, "-CAfile", "ca.pem", "-groups", "P-521", "-no_ign_eof")
	wantContains(t, "s_client", r.stdout+r.stderr, "handshake failure")
	waitFor(t, srv, "handshake failed")

	// Our client against it: HelloRetryRequest line and --json fields.
	// (crypto/tls sends its key share for P-256, before P-384 in its order.)
	r = sslstreamIn(t, p.dir, strings.NewReader("x"), "client", addr, "--ca-file", "ca.pem", "--server-name", "server.example", "--groups", "P-256:P-384")
	wantCode(t, r, 0)
	wantSummary(t, r, map[string]string{"Server Temp Key": "ECDH, secp384r1, 384 bits", "HelloRetryRequest": "yes"})
	r = sslstreamIn(t, p.dir, strings.NewReader("x"), "client", addr, "--ca-file", "ca.pem", "--server-name", "server.example", "--json")
	var c clientJSON
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.stderr)), &c); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if c.Group != "X25519" || c.HelloRetryRequest {
		t.Errorf("--json: group %q hrr %v", c.Group, c.HelloRetryRequest)
	}
	r = sslstreamIn(t, p.dir, nil, "client", addr, "--groups", "x448")
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "P-256/prime256v1/secp256r1")
}

// --renegotiation once: openssl s_server -tls1_2 asks for our certificate
// by renegotiating ("R" on its input) and the session goes on; under the
// default the session ends with a hint.
func TestRenegotiationFlagAgainstSServer(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	for _, once := range []bool{true, false} {
		srv, port := startOpenSSLServer(t, p.dir, "-tls1_2", "-cert", "server.pem", "-key", "server.key", "-naccept", "1")
		args := []string{"client", "127.0.0.1:" + port, "--ca-file", "ca.pem", "--server-name", "server.example",
			"--certificate", p.path("client.pem"), "--key", p.path("client.key")}
		if once {
			args = append(args, "--renegotiation", "once")
		}
		cmd := exec.Command(binPath, args...)
		cmd.Dir = p.dir
		cli := testproc.Start(t, cmd, []byte("before\n"), false)
		waitFor(t, srv, "before")
		if once && !strings.Contains(cli.Stderr.String(), "Renegotiation: once (when the server asks)") {
			t.Errorf("no renegotiation line in the summary:\n%s", cli)
		}
		io.WriteString(srv.Stdin(), "R\n")
		if !once {
			if code := exitCode(t, cli); code != 1 || !strings.Contains(cli.Stderr.String(), "--renegotiation once") {
				t.Errorf("default: exit %d, want 1 with a hint:\n%s", code, cli)
			}
			continue
		}
		waitFor(t, srv, "SSL_do_handshake -> 1")
		wantContains(t, "s_server", srv.Output.String(), "CN = client.example")
		io.WriteString(srv.Stdin(), "after\n")
		if !cli.WaitForText("after", 10*time.Second) {
			t.Fatalf("no data after the renegotiation:\n%s\n%s", cli, srv)
		}
		cli.Stdin().Close()
		if code := exitCode(t, cli); code != 0 || !strings.Contains(cli.Stderr.String(), "Renegotiated: yes\nVerify return code: 0 (ok)") {
			t.Errorf("once: exit %d:\n%s", code, cli)
		}
	}
}

// The client prints the CA names a server sends as s_client does; our
// server sends its --ca-file's unless --client-ca-names=false.
func TestClientCANamesInSummaries(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{nil, "Acceptable client certificate CA names\nCN = Client CA\n"},
		{[]string{"--client-ca-names=false"}, "No client certificate CA names sent\n"},
	} {
		_, port := startOurServer(t, append([]string{"--certificate", p.path("server-all.pem"), "--echo", "--verify", "optional", "--ca-file", p.path("client-ca.pem")}, tc.flags...)...)
		addr := "127.0.0.1:" + port
		r := sslstreamIn(t, p.dir, strings.NewReader("x"), "client", addr, "--ca-file", "ca.pem", "--server-name", "server.example")
		wantCode(t, r, 0)
		wantContains(t, "our client", r.stderr, tc.want)
		o := opensslIn(t, p.dir, "", "s_client", "-connect", addr, "-CAfile", "ca.pem")
		wantContains(t, "s_client", o.stdout, tc.want)
		r = sslstreamIn(t, p.dir, strings.NewReader("x"), "client", addr, "--ca-file", "ca.pem", "--server-name", "server.example", "--json")
		var c clientJSON
		if err := json.Unmarshal([]byte(strings.TrimSpace(r.stderr)), &c); err != nil {
			t.Fatalf("%v\n%s", err, r)
		}
		if !c.CertificateRequested || (tc.flags == nil) != (len(c.AcceptableCANames) == 1 && c.AcceptableCANames[0] == "CN = Client CA") {
			t.Errorf("--json %v: requested %v names %q", tc.flags, c.CertificateRequested, c.AcceptableCANames)
		}
	}
}

// Two `sslstream server` processes sharing --session-ticket-keys resume
// each other's sessions: s_client -sess_out against one, -sess_in against
// the other; a third server with its own keys does not.
func TestSessionTicketKeysAcrossServerProcesses(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getNetPKI(t)
	keys := filepath.Join(t.TempDir(), "ticket.keys")
	if err := os.WriteFile(keys, []byte("# newest first\n"+strings.Repeat("ab", 32)+"\n"+strings.Repeat("cd", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv1, port1 := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo", "--session-ticket-keys", keys)
	_, port2 := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo", "--session-ticket-keys", keys, "--session-ticket-lifetime", "3600")
	_, port3 := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo")
	wantContains(t, "server 1", srv1.Stderr.String(), "note: session tickets: 2 key(s) from "+keys+", lifetime 7200 s")
	sess := filepath.Join(t.TempDir(), "sess.pem")
	r := opensslUntil(t, p.dir, "ping\n", "ping", "s_client", "-connect", "127.0.0.1:"+port1, "-CAfile", "ca.pem", "-sess_out", sess)
	wantContains(t, "first s_client", r.stdout, "New, TLSv1.3")
	r = opensslUntil(t, p.dir, "ping\n", "ping", "s_client", "-connect", "127.0.0.1:"+port2, "-CAfile", "ca.pem", "-sess_in", sess)
	wantContains(t, "s_client at the second server", r.stdout, "Reused, TLSv1.3")
	r = opensslUntil(t, p.dir, "ping\n", "ping", "s_client", "-connect", "127.0.0.1:"+port3, "-CAfile", "ca.pem", "-sess_in", sess)
	wantContains(t, "s_client at a server with its own keys", r.stdout, "New, TLSv1.3")
	r = sslstreamIn(t, p.dir, nil, "server", "--listen", "127.0.0.1:0", "--certificate", p.path("server-all.pem"), "--session-ticket-keys", p.path("ca.pem"))
	wantCode(t, r, 1)
	wantContains(t, "bad key file", r.stderr, "session-ticket-keys")
}

// The brief's case with an RSA certificate: under DEFAULT our server
// refuses `s_client -tls1_2 -cipher ECDHE-RSA-AES128-SHA256`; naming the
// suite in --ciphers lets it in.
func TestServerRefusesECDHERSACBCSHA256UnderDefault(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	for _, tc := range []struct {
		ciphers string
		want    string
	}{
		{"", "handshake failure"},
		{"DEFAULT:ECDHE-RSA-AES128-SHA256", "Cipher is ECDHE-RSA-AES128-SHA256"},
	} {
		args := []string{"--certificate", p.path("rsa.pem"), "--key", p.path("rsa.key"), "--echo"}
		if tc.ciphers != "" {
			args = append(args, "--ciphers", tc.ciphers)
		}
		_, port := startOurServer(t, args...)
		r := opensslIn(t, p.dir, "", "s_client", "-connect", "127.0.0.1:"+port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA256")
		wantContains(t, "s_client (server --ciphers "+tc.ciphers+")", r.stdout+r.stderr, tc.want)
	}
}
