package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// sessionLines returns the "New, ..." / "Reused, ..." lines of a --reconnect
// run, in order.
func sessionLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "New, ") || strings.HasPrefix(l, "Reused, ") {
			out = append(out, l)
		}
	}
	return out
}

func wantSessionLines(t *testing.T, what string, r result, want ...string) {
	t.Helper()
	got := sessionLines(r.stderr)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: session lines %q, want %q\n%s", what, got, want, r)
	}
}

// TestClientReconnectOurServer: --reconnect resumes against our own server
// under TLS 1.3 and 1.2; either side's --session-tickets=false makes the
// second connection a new session.
func TestClientReconnectOurServer(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	srv, port := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo")
	addr := "127.0.0.1:" + port
	base := []string{"client", addr, "--ca-file", "ca.pem", "--verify", "required", "--server-name", "server.example", "--reconnect"}
	for _, tc := range []struct {
		method, proto, cipher string
	}{
		{"tlsv1.3", "TLSv1.3", "TLS_AES_128_GCM_SHA256"},
		{"tlsv1.2", "TLSv1.2", "ECDHE-ECDSA-AES256-GCM-SHA384"},
	} {
		r := sslstreamIn(t, p.dir, strings.NewReader("ping "+tc.proto), append(base, "--method", tc.method)...)
		wantCode(t, r, 0)
		if r.stdout != "ping "+tc.proto {
			t.Errorf("%s: echo %q", tc.proto, r.stdout)
		}
		wantSessionLines(t, tc.proto, r, "New, "+tc.proto+", Cipher is "+tc.cipher, "Reused, "+tc.proto+", Cipher is "+tc.cipher)
		// The resumed handshake reports the original verify result.
		if n := strings.Count(r.stderr, "Verify return code: 0 (ok)"); n != 2 {
			t.Errorf("%s: %d verify lines, want 2\n%s", tc.proto, n, r)
		}
		waitFor(t, srv, "Protocol: "+tc.proto+", Cipher: "+tc.cipher+", Client certificate subject: (none), Verify return code: 0 (ok), Session: reused")
	}
	// The client without a session cache: new both times.
	r := sslstreamIn(t, p.dir, strings.NewReader("x"), append(base, "--session-tickets=false")...)
	wantCode(t, r, 0)
	wantSessionLines(t, "client --session-tickets=false", r, "New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256", "New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256")

	// A server issuing no tickets: new both times.
	_, port2 := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo", "--session-tickets=false")
	for _, m := range []string{"tlsv1.3", "tlsv1.2"} {
		r = sslstreamIn(t, p.dir, strings.NewReader("x"), "client", "127.0.0.1:"+port2, "--reconnect", "--method", m)
		wantCode(t, r, 0)
		if got := sessionLines(r.stderr); len(got) != 2 || !strings.HasPrefix(got[0], "New, ") || !strings.HasPrefix(got[1], "New, ") {
			t.Errorf("server --session-tickets=false, %s: %q\n%s", m, got, r)
		}
	}
	// Without --reconnect no session line is printed.
	r = sslstreamIn(t, p.dir, strings.NewReader("x"), "client", addr)
	wantCode(t, r, 0)
	wantSessionLines(t, "no --reconnect", r)
}

// TestClientReconnectOpenSSLServer: against openssl s_server under TLS 1.2
// the second connection resumes with the server's ticket.
func TestClientReconnectOpenSSLServer(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www", "-tls1_2")
	r := sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), "client", "127.0.0.1:"+port,
		"--ca-file", "ca.pem", "--verify", "required", "--server-name", "server.example", "--reconnect")
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "HTTP/1.0 200 ok")
	wantSessionLines(t, "s_server -tls1_2", r, "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256", "Reused, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256")
	if n := strings.Count(r.stderr, "Verify return code: 0 (ok)"); n != 2 {
		t.Errorf("%d verify lines, want 2\n%s", n, r)
	}
	// TLS 1.3: the server's tickets arrive with the response.
	_, port13 := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	r = sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), "client", "127.0.0.1:"+port13,
		"--ca-file", "ca.pem", "--verify", "required", "--server-name", "server.example", "--reconnect")
	wantCode(t, r, 0)
	wantSessionLines(t, "s_server TLS 1.3", r, "New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256", "Reused, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256")
	// openssl s_server with -no_ticket and no session cache: New twice.
	_, port = startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www", "-tls1_2", "-no_ticket", "-no_cache")
	r = sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), "client", "127.0.0.1:"+port, "--reconnect")
	wantCode(t, r, 0)
	wantSessionLines(t, "s_server -no_ticket -no_cache", r, "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256", "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256")
}

// TestALPNFlag: our client against openssl s_server -alpn, openssl s_client
// -alpn against our server.
func TestALPNFlag(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www", "-alpn", "h2,http/1.1")
	addr := "127.0.0.1:" + port
	req := "GET / HTTP/1.0\r\n\r\n"
	for _, tc := range []struct{ offer, want string }{
		{"h2", "h2"},
		{"http/1.1", "http/1.1"},
		{"spdy/3,http/1.1,h2", "h2"}, // the server's preference wins
	} {
		r := sslstreamIn(t, p.dir, strings.NewReader(req), "client", addr, "--alpn", tc.offer)
		wantCode(t, r, 0)
		wantSummary(t, r, map[string]string{"ALPN protocol": tc.want})
	}
	// No common protocol: s_server refuses (no_application_protocol).
	r := sslstreamIn(t, p.dir, strings.NewReader(req), "client", addr, "--alpn", "spdy/3")
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "no application protocol")
	// Without --alpn nothing is offered and nothing printed.
	r = sslstreamIn(t, p.dir, strings.NewReader(req), "client", addr)
	wantCode(t, r, 0)
	if strings.Contains(r.stderr, "ALPN") {
		t.Errorf("ALPN line without --alpn:\n%s", r)
	}
	// A server without ALPN: "No ALPN negotiated", as s_client says.
	_, port = startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	r = sslstreamIn(t, p.dir, strings.NewReader(req), "client", "127.0.0.1:"+port, "--alpn", "h2")
	wantCode(t, r, 0)
	wantContains(t, "stderr", r.stderr, "\nNo ALPN negotiated\n")
	// Bad value: the library's message, exit 1.
	r = sslstreamIn(t, p.dir, nil, "client", addr, "--alpn", "h2,,x")
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "--alpn")

	// openssl s_client -alpn against our server.
	srv, sport := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo", "--alpn", "h2,http/1.1")
	r = opensslUntil(t, p.dir, "x\n", "ALPN protocol", "s_client", "-connect", "127.0.0.1:"+sport, "-alpn", "http/1.1,h2", "-no_ign_eof")
	wantContains(t, "s_client", r.stdout, "ALPN protocol: h2")
	waitFor(t, srv, "Verify return code: 0 (ok), ALPN protocol: h2")
	r = opensslUntil(t, p.dir, "x\n", "Verify return code", "s_client", "-connect", "127.0.0.1:"+sport, "-no_ign_eof")
	wantContains(t, "s_client", r.stdout, "No ALPN negotiated")
	waitFor(t, srv, "Verify return code: 0 (ok), No ALPN negotiated")
}

// nssLine is one line of the NSS key log format: label, client random,
// secret (48 bytes for CLIENT_RANDOM, the hash length for TLS 1.3).
var nssLine = regexp.MustCompile(`^(CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}|(CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0) [0-9a-f]{64} ([0-9a-f]{64}|[0-9a-f]{96}))$`)

// TestKeylogFlag: --keylog writes NSS key log lines, one client random per
// connection, on the client and on the server.
func TestKeylogFlag(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	dir := t.TempDir()
	serverLog := filepath.Join(dir, "server-keys.log")
	_, port := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo", "--keylog", serverLog)
	for _, tc := range []struct {
		method string
		labels []string
	}{
		{"tlsv1.3", []string{"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"}},
		{"tlsv1.2", []string{"CLIENT_RANDOM"}},
	} {
		clientLog := filepath.Join(dir, tc.method+".log")
		r := sslstreamIn(t, p.dir, strings.NewReader("x"), "client", "127.0.0.1:"+port, "--method", tc.method, "--keylog", clientLog)
		wantCode(t, r, 0)
		data, err := os.ReadFile(clientLog)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		var labels []string
		randoms := map[string]bool{}
		for _, l := range lines {
			if !nssLine.MatchString(l) {
				t.Errorf("%s: not an NSS key log line: %q", tc.method, l)
				continue
			}
			f := strings.Fields(l)
			labels = append(labels, f[0])
			randoms[f[1]] = true
		}
		if strings.Join(labels, " ") != strings.Join(tc.labels, " ") {
			t.Errorf("%s: labels %v, want %v", tc.method, labels, tc.labels)
		}
		if len(randoms) != 1 {
			t.Errorf("%s: %d client randoms, want 1", tc.method, len(randoms))
		}
		if fi, err := os.Stat(clientLog); err == nil && !runtimeGOOSWindows && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: key log mode %v, want 0600", tc.method, fi.Mode().Perm())
		}
		// The server logged the same secrets for the same client random.
		var random string
		for r := range randoms {
			random = r
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			sdata, _ := os.ReadFile(serverLog)
			if n := strings.Count(string(sdata), " "+random+" "); n == len(tc.labels) {
				for _, l := range lines {
					wantContains(t, "server key log", string(sdata), l+"\n")
				}
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("%s: server key log has %d lines for %s, want %d:\n%s", tc.method, n, random, len(tc.labels), sdata)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestKeylogFromEnvFlag: SSLKEYLOGFILE is honoured with --keylog-from-env
// and ignored without it.
func TestKeylogFromEnvFlag(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo")
	dir := t.TempDir()
	ignored, used := filepath.Join(dir, "ignored.log"), filepath.Join(dir, "used.log")
	r := ssEnv(t, p.dir, []string{"SSLKEYLOGFILE=" + ignored}, strings.NewReader("x"), "client", "127.0.0.1:"+port)
	wantCode(t, r, 0)
	if _, err := os.Stat(ignored); err == nil {
		t.Errorf("SSLKEYLOGFILE written without --keylog-from-env")
	}
	r = ssEnv(t, p.dir, []string{"SSLKEYLOGFILE=" + used}, strings.NewReader("x"), "client", "127.0.0.1:"+port, "--keylog-from-env")
	wantCode(t, r, 0)
	data, err := os.ReadFile(used)
	if err != nil {
		t.Fatalf("--keylog-from-env: %v", err)
	}
	if n := strings.Count(string(data), "\n"); n != 4 || !nssLine.MatchString(strings.SplitN(string(data), "\n", 2)[0]) {
		t.Errorf("--keylog-from-env wrote %d lines:\n%s", n, data)
	}
}

// TestTraceFlag: --trace logs the handshake in slog's text format on
// stderr, on both sides.
func TestTraceFlag(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	srv, port := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo", "--trace")
	r := sslstreamIn(t, p.dir, strings.NewReader("x"), "client", "127.0.0.1:"+port, "--trace", "--ca-file", "ca.pem", "--server-name", "server.example")
	wantCode(t, r, 0)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^time=\S+ level=INFO msg="tls handshake start" role=client elapsed=\S+ peer=127\.0\.0\.1:` + port + ` .*server_name=server\.example`),
		regexp.MustCompile(`(?m)^time=\S+ level=INFO msg="tls message" role=client .* dir=sent type=ClientHello length=\d+$`),
		regexp.MustCompile(`(?m)^time=\S+ level=INFO msg="tls peer certificate verified" role=client .* verify_result=0 `),
		regexp.MustCompile(`(?m)^time=\S+ level=INFO msg="tls handshake done" role=client .* version=TLSv1\.3 cipher=TLS_AES_128_GCM_SHA256 resumed=false verify_result=0`),
	} {
		if !want.MatchString(r.stderr) {
			t.Errorf("client trace lacks %s\n%s", want, r.stderr)
		}
	}
	// Trace records go to stderr only: stdout is the connection's data.
	if r.stdout != "x" {
		t.Errorf("stdout %q, want the echo only", r.stdout)
	}
	waitFor(t, srv, `msg="tls ClientHello received" role=server`)
	waitFor(t, srv, `msg="tls certificate chosen" role=server`)
	waitFor(t, srv, `msg="tls handshake done" role=server`)
	// Without --trace: nothing of the kind.
	r = sslstreamIn(t, p.dir, strings.NewReader("x"), "client", "127.0.0.1:"+port)
	if strings.Contains(r.stderr, "msg=") {
		t.Errorf("trace output without --trace:\n%s", r.stderr)
	}
}

// TestCRLPolicyFlags: the --crl-* policy flags relax what --crl-check
// refuses, against openssl s_server.
func TestCRLPolicyFlags(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	req := "GET / HTTP/1.0\r\n\r\n"
	base := []string{"client", "127.0.0.1:" + port, "--ca-file", "ca.pem", "--verify", "required", "--server-name", "server.example"}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--crl-check", "peer"}, exitVerifyFail, "Verify return code: 3 (unable to get certificate CRL)"},
		{[]string{"--crl-check", "peer", "--crl-missing", "allow"}, 0, "Verify return code: 0 (ok)"},
		{[]string{"--crl-check", "all", "--crl-file", "inter.crl"}, exitVerifyFail, "Verify return code: 3 (unable to get certificate CRL)"},
		{[]string{"--crl-check", "all", "--crl-file", "inter.crl", "--crl-missing", "allow"}, 0, "Verify return code: 0 (ok)"},
		{[]string{"--crl-check", "peer", "--crl-file", "inter-expired.crl"}, exitVerifyFail, "Verify return code: 12 (CRL has expired)"},
		{[]string{"--crl-check", "peer", "--crl-file", "inter-expired.crl", "--crl-expired", "allow"}, 0, "Verify return code: 0 (ok)"},
		{[]string{"--crl-check", "peer", "--crl-file", "inter-expired.crl", "--crl-expired", "grace", "--crl-grace", "3h"}, 0, "Verify return code: 0 (ok)"},
		{[]string{"--crl-check", "peer", "--crl-file", "inter-expired.crl", "--crl-expired", "grace", "--crl-grace", "1h"}, exitVerifyFail, "Verify return code: 12 (CRL has expired)"},
		{[]string{"--crl-check", "peer", "--crl-file", "inter-expired.crl", "--crl-not-yet-valid", "allow"}, exitVerifyFail, "Verify return code: 12 (CRL has expired)"},
	} {
		r := sslstreamIn(t, p.dir, strings.NewReader(req), append(base, tc.args...)...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s", tc.args, r.code, tc.code, tc.want, r)
		}
	}
	// Bad values: exit 1 with the library's message.
	for _, tc := range []struct{ flag, value, want string }{
		{"--crl-missing", "grace", "crl-missing"},
		{"--crl-expired", "sometimes", "sometimes"},
		{"--crl-grace", "-1h", "crl-grace"},
		{"--crl-skip-trust-anchor=maybe", "", "maybe"},
	} {
		args := append(base, tc.flag)
		if tc.value != "" {
			args = append(args, tc.value)
		}
		r := sslstreamIn(t, p.dir, nil, args...)
		wantCode(t, r, 1)
		wantContains(t, strings.Join(args, " "), r.stderr, tc.want)
	}
}

// TestServerReloadInterval: --reload-interval picks up a replaced
// certificate file, logs it, and keeps the last good one when the new file
// is broken.
func TestServerReloadInterval(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	dir := t.TempDir()
	certFile := filepath.Join(dir, "cert.pem")
	read := func(names ...string) []byte {
		var b []byte
		for _, n := range names {
			d, err := os.ReadFile(p.path(n))
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, d...)
		}
		return b
	}
	// replace writes the file under another name and renames it, so the
	// watcher never sees half a file.
	replace := func(data []byte) {
		tmp := certFile + ".tmp"
		if err := os.WriteFile(tmp, data, 0o600); err != nil {
			t.Fatal(err)
		}
		// A later mtime than the previous version even on coarse clocks.
		later := time.Now().Add(time.Duration(len(data)%7+1) * time.Second)
		if err := os.Chtimes(tmp, later, later); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, certFile); err != nil {
			t.Fatal(err)
		}
	}
	replace(read("server-all.pem"))
	srv, port := startOurServer(t, "--certificate", certFile, "--echo", "--reload-interval", "50ms")
	subject := func() string {
		t.Helper()
		r := sslstreamIn(t, p.dir, strings.NewReader("x"), "client", "127.0.0.1:"+port)
		wantCode(t, r, 0)
		return summary(r.stderr)["Server certificate subject"]
	}
	if s := subject(); s != "CN = server.example" {
		t.Fatalf("subject %q before the reload", s)
	}
	replace(read("self.pem", "self.key"))
	waitFor(t, srv, "Reloaded (generation 1): "+certFile+" changed")
	if s := subject(); s != "CN = self.example" {
		t.Errorf("subject %q after the reload, want CN = self.example\n%s", s, srv)
	}
	replace([]byte("not a certificate\n"))
	waitFor(t, srv, "Reload failed: ")
	wantContains(t, "server log", srv.Output.String(), certFile)
	if s := subject(); s != "CN = self.example" {
		t.Errorf("subject %q after a failed reload, want the last good CN = self.example", s)
	}
	// Bad interval.
	r := sslstreamIn(t, p.dir, nil, "server", "--listen", "127.0.0.1:0", "--certificate", "server-all.pem", "--reload-interval", "-1s")
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "--reload-interval")
}

// TestClientJSON: --json prints one JSON object per connection on stderr,
// for a failed handshake too; stdout still carries only the data.
func TestClientJSON(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo", "--alpn", "h2")
	addr := "127.0.0.1:" + port
	decode := func(r result) []clientJSON {
		t.Helper()
		var out []clientJSON
		for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
			var c clientJSON
			if err := json.Unmarshal([]byte(l), &c); err != nil {
				t.Fatalf("stderr line %q is not JSON: %v\n%s", l, err, r)
			}
			out = append(out, c)
		}
		return out
	}
	r := sslstreamIn(t, p.dir, strings.NewReader("data"), "client", addr, "--json", "--ca-file", "ca.pem", "--verify", "required",
		"--server-name", "server.example", "--alpn", "h2", "--reconnect")
	wantCode(t, r, 0)
	if r.stdout != "data" {
		t.Errorf("stdout %q, want the echo only", r.stdout)
	}
	got := decode(r)
	if len(got) != 2 {
		t.Fatalf("%d JSON objects, want 2\n%s", len(got), r)
	}
	for i, c := range got {
		if c.Address != addr || c.Connection != i+1 || !c.OK || c.Error != "" || c.Protocol != "TLSv1.3" || c.Cipher != "TLS_AES_128_GCM_SHA256" ||
			c.ALPN != "h2" || c.Resumed != (i == 1) || c.VerifyResult != 0 || c.VerifyResultString != "ok" || c.Hint != "" ||
			len(c.Chain) != 3 || len(c.Sent) != 2 || c.Chain[0].Subject != "CN = server.example" || c.Chain[2].Subject != "CN = Net Test Root" {
			t.Errorf("connection %d: %+v", i+1, c)
		}
	}
	// A failed verification: ok false, the error, the code and a hint.
	r = sslstreamIn(t, p.dir, strings.NewReader("data"), "client", addr, "--json", "--verify", "required", "--server-name", "server.example")
	wantCode(t, r, exitVerifyFail)
	got = decode(r)
	if len(got) != 1 {
		t.Fatalf("%d JSON objects, want 1\n%s", len(got), r)
	}
	c := got[0]
	if c.OK || !strings.Contains(c.Error, "certificate verify failed") || c.VerifyResult != 20 || c.Depth != 1 ||
		len(c.Errors) == 0 || c.Errors[0].Code != 20 || c.Errors[0].Subject != "CN = Net Test Intermediate" ||
		!strings.Contains(c.Hint, `"CN = Net Test Root"`) || c.Protocol != "" || r.stdout != "" {
		t.Errorf("failed handshake: %+v\n%s", c, r)
	}
}
