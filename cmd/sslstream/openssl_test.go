package main

import (
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testproc"
)

// opensslSub is the openssl subcommand each of ours stands for.
var opensslSub = map[string]string{"client": "s_client", "server": "s_server", "verify": "verify", "ciphers": "ciphers"}

// flagSetOf returns the flags command name defines.
func flagSetOf(t *testing.T, name string) *flagSet {
	t.Helper()
	c := findCommand(name)
	if c == nil {
		t.Fatalf("no command %s", name)
	}
	fs := newFlagSet(c)
	c.setup(fs)
	return fs
}

// TestOpenSSLAliasesAgainstOpenSSLHelp: every alias is a flag of the
// openssl subcommand it is listed for (`openssl s_client -help` ...), and
// maps onto a flag the sslstream command defines, so no alias is dropped
// silently when a flag is renamed.
func TestOpenSSLAliasesAgainstOpenSSLHelp(t *testing.T) {
	t.Parallel()
	bin := needOpenSSL(t)
	help := map[string]string{}
	for _, sub := range opensslSub {
		out, _ := exec.Command(bin, sub, "-help").CombinedOutput()
		help[sub] = string(out)
	}
	count := 0
	for _, a := range opensslAliases() {
		for _, cmd := range strings.Fields(a.commands) {
			count++
			sub := opensslSub[cmd]
			if !regexp.MustCompile(`(?m)^ -` + regexp.QuoteMeta(a.name) + `(\s|$)`).MatchString(help[sub]) {
				t.Errorf("-%s is not in `openssl %s -help`", a.name, sub)
			}
			fs := flagSetOf(t, cmd)
			if a.apply == nil && fs.Lookup(a.flag) == nil {
				t.Errorf("-%s (%s) maps onto --%s, which %s does not define", a.name, cmd, a.flag, cmd)
			}
			if a.apply != nil && a.means == "" {
				t.Errorf("-%s (%s) has no description", a.name, cmd)
			}
		}
	}
	same := 0
	for cmd, sub := range map[string]string{"client": "s_client", "server": "s_server", "verify": "verify", "ciphers": "ciphers", "rehash": "rehash"} {
		fs := flagSetOf(t, cmd)
		if sub == "rehash" {
			out, _ := exec.Command(bin, "rehash", "-help").CombinedOutput()
			help[sub] = string(out)
		}
		for _, n := range sameNames(cmd) {
			same++
			if !regexp.MustCompile(`(?m)^ -` + regexp.QuoteMeta(n) + `(\s|$)`).MatchString(help[sub]) {
				t.Errorf("-%s is not in `openssl %s -help`", n, sub)
			}
			if fs.Lookup(n) == nil {
				t.Errorf("%s has no flag -%s", cmd, n)
			}
		}
	}
	t.Logf("%d OpenSSL spellings (%d command/spelling pairs) + %d flags spelled as in OpenSSL", len(opensslAliases()), count, same)
}

func TestTranslateOpenSSL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cmd  string
		args []string
		want []string
		err  string
	}{
		{"client", []string{"-connect", "h:1", "-CAfile", "ca.pem", "-servername", "x"}, []string{"--ca-file=ca.pem", "--server-name=x", "h:1"}, ""},
		{"client", []string{"-cert", "c.pem", "-key", "k.pem", "-pass", "env:PW", "-CApath", "d"}, []string{"--certificate=c.pem", "-key", "k.pem", "--certificate-password-source=env:PW", "--ca-directory=d"}, ""},
		{"client", []string{"-verify", "3"}, []string{"--max-depth=3", "--verify=none"}, ""},
		{"client", []string{"-verify_return_error", "-verify", "2"}, []string{"--max-depth=2", "--verify=required"}, ""},
		{"client", []string{"-verify_return_error"}, []string{"--verify=required"}, ""},
		{"client", []string{"-verify", "required"}, []string{"--verify=required"}, ""},
		{"client", []string{"--verify", "none", "-verify_depth", "4"}, []string{"--verify", "none", "--max-depth=4"}, ""},
		{"client", []string{"--server-name", "-CAfile"}, []string{"--server-name", "-CAfile"}, ""},
		{"client", []string{"-no_tls1_3"}, []string{"--method=tlsv1,tlsv1.1,tlsv1.2"}, ""},
		{"client", []string{"-no_tls1_2"}, []string{"--method=tlsv1,tlsv1.1"}, ""},
		{"client", []string{"-no_tls1", "-no_tls1_1", "-no_ssl3"}, []string{"--method=tlsv1.2,tlsv1.3"}, ""},
		{"client", []string{"-tls1_2", "-no_tls1_3"}, []string{"--method=tlsv1.2"}, ""},
		{"client", []string{"-tls1_3", "-no_tls1_3"}, nil, "-tls1_3 and -no_tls1_3 leave no protocol version"},
		{"client", []string{"-no_tls1", "-no_tls1_1", "-no_tls1_2", "-no_tls1_3"}, nil, "leave no protocol version"},
		{"client", []string{"-crl_check_all", "-crl_check", "-CRL", "x.crl"}, []string{"--crl-file=x.crl", "--crl-check=all"}, ""},
		{"client", []string{"-quiet"}, []string{"--quiet=true", "--ign-eof=true"}, ""},
		{"client", []string{"-quiet", "-no_ign_eof"}, []string{"--quiet=true", "--ign-eof=false"}, ""},
		{"client", []string{"-no_ign_eof", "-quiet"}, []string{"--quiet=true", "--ign-eof=true"}, ""},
		{"client", []string{"-noservername", "-no_ticket", "-keylogfile", "k.log", "-cipher", "HIGH"}, []string{"--server-name=", "--session-tickets=false", "--keylog=k.log", "--ciphers=HIGH"}, ""},
		{"client", []string{"-starttls", "xmpp", "-xmpphost", "example.org"}, []string{"-starttls", "xmpp", "--starttls-name=example.org"}, ""},
		{"client", []string{"-CAfile"}, nil, "flag -CAfile needs a value (FILE)"},
		{"client", []string{"--", "-CAfile", "x"}, []string{"--", "-CAfile", "x"}, ""},
		// Two dashes, as openssl also accepts: the issue's --connect.
		{"client", []string{"--connect", "h:443", "--CAfile", "ca.pem", "--verify", "optional"}, []string{"--ca-file=ca.pem", "--verify", "optional", "h:443"}, ""},
		{"server", []string{"--accept", "3", "--naccept", "2"}, []string{"--accept", "3", "--accept=2"}, ""},
		{"server", []string{"-accept", "4433"}, []string{"--listen=:4433"}, ""},
		{"server", []string{"-accept", "*:4433"}, []string{"--listen=:4433"}, ""},
		{"server", []string{"-port", "4433"}, []string{"--listen=:4433"}, ""},
		{"server", []string{"-port", "http"}, nil, `-port "http": want a port number`},
		{"server", []string{"-accept", "127.0.0.1:0", "-naccept", "1", "-Verify", "2"}, []string{"--listen=127.0.0.1:0", "--accept=1", "--max-depth=2", "--verify=required"}, ""},
		{"server", []string{"-verify", "1", "-verify_return_error", "-serverpref"}, []string{"--prefer-server-cipher-order=true", "--max-depth=1", "--verify=optional"}, ""},
		{"server", []string{"-Verify", "x"}, nil, `-Verify "x": want a depth`},
		{"server", []string{"-Verify", "0"}, nil, `-Verify "0": want a depth, a number 1 or more`},
		{"client", []string{"-verify", "0"}, nil, `-verify "0": want a depth, a number 1 or more`},
		{"server", []string{"--accept", "3"}, []string{"--accept", "3"}, ""},
		{"verify", []string{"-CAfile", "ca.pem", "-untrusted", "i.pem", "-CRLfile", "c.crl", "-crl_check", "-partial_chain", "-x509_strict", "-verify_hostname", "h", "leaf.pem"},
			[]string{"--ca-file=ca.pem", "-untrusted", "i.pem", "--crl-file=c.crl", "--partial-chain=true", "--x509-strict=true", "--server-name=h", "leaf.pem", "--crl-check=peer"}, ""},
		{"verify", []string{"-allow_proxy_certs", "-CAfile", "ca.pem", "proxy.pem"}, []string{"--allow-proxy-certs=true", "--ca-file=ca.pem", "proxy.pem"}, ""},
		{"client", []string{"-allow_proxy_certs", "-connect", "h:1"}, []string{"--allow-proxy-certs=true", "h:1"}, ""},
		{"ciphers", []string{"-tls1_2", "ALL"}, []string{"ALL"}, ""},
		{"ciphers", []string{"-s", "-tls1_2", "ALL"}, []string{"-s", "ALL", "--method=tlsv1.2"}, ""},
	} {
		got, _, err := translateOpenSSL(tc.cmd, tc.args, flagSetOf(t, tc.cmd))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s %q: err %v, want %q", tc.cmd, tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %q: %v", tc.cmd, tc.args, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s %q (-want +got):\n%s", tc.cmd, tc.args, diff)
		}
	}
}

func TestSubcommandAliasesAndHelp(t *testing.T) {
	t.Parallel()
	for _, pair := range [][2]string{{"s_client", "client"}, {"s_server", "server"}} {
		a, b := ss(t, pair[0], "--help"), ss(t, pair[1], "--help")
		wantCode(t, a, 0)
		if a.stdout != b.stdout {
			t.Errorf("%s --help differs from %s --help", pair[0], pair[1])
		}
		if h := ss(t, "help", pair[0]); h.stdout != b.stdout {
			t.Errorf("help %s differs from %s --help", pair[0], pair[1])
		}
	}
	client := ss(t, "client", "--help").stdout
	for _, want := range []string{
		"PEM bundle of trusted CAs (openssl: -CAfile)", "OpenSSL spellings (one dash, value as the next argument):",
		"  -connect HOST:PORT", "= the HOST:PORT argument", "  -verify_return_error", "= --method tlsv1.2",
		"--certificate FILE", "(openssl: -cert)", "(openssl: -servername)", "  as in OpenSSL: -key, -alpn,",
	} {
		wantContains(t, "client --help", client, want)
	}
	server := ss(t, "server", "--help").stdout
	for _, want := range []string{"  -Verify N", "  -accept [HOST:]PORT", "(openssl: -naccept)"} {
		wantContains(t, "server --help", server, want)
	}
	verify := ss(t, "verify", "--help").stdout
	wantContains(t, "verify --help", verify, "(openssl: -CAfile)")
	wantContains(t, "verify --help", verify, "(openssl -auth_level)")
	// A flag whose own text already names its OpenSSL spelling gets no
	// second "(openssl: ...)".
	twice := regexp.MustCompile(`\(openssl (-[A-Za-z0-9_]+)\) \(openssl: (-[A-Za-z0-9_]+)\)`)
	for _, text := range []string{client, server, verify} {
		for _, m := range twice.FindAllStringSubmatch(text, -1) {
			if m[1] == m[2] {
				t.Errorf("help names %s twice: %q", m[1], m[0])
			}
		}
	}
}

func TestUnknownFlagSuggestion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"client", "-CAfil", "ca.pem", "h:1"}, "unknown flag -CAfil; did you mean --ca-file (openssl: -CAfile)?"},
		{[]string{"client", "--ca-fil", "ca.pem", "h:1"}, "unknown flag --ca-fil; did you mean --ca-file (openssl: -CAfile)?"},
		{[]string{"client", "--servrname", "x", "h:1"}, "did you mean --server-name (openssl: -servername)?"},
		{[]string{"s_client", "-verify_return_eror", "h:1"}, "did you mean -verify_return_error (= --verify required"},
		{[]string{"s_server", "-Verfy", "1"}, "did you mean -Verify (= --verify required --max-depth N"},
		{[]string{"ciphers", "-stdnme"}, "did you mean --stdname?"},
	} {
		r := ss(t, tc.args...)
		wantCode(t, r, exitError)
		wantContains(t, strings.Join(tc.args, " "), r.stderr, tc.want)
	}
	r := ss(t, "client", "--zzzzzzzzzz", "h:1")
	wantCode(t, r, exitError)
	if strings.Contains(r.stderr, "did you mean") {
		t.Errorf("a far-off flag got a suggestion: %s", r.stderr)
	}
}

// briefLines keeps the -brief lines both s_client and we print.
func briefLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		for _, p := range []string{"CONNECTION ESTABLISHED", "Protocol version: ", "Ciphersuite: ", "Peer certificate: ", "Verification", "Server Temp Key: "} {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
			}
		}
	}
	return out
}

// TestOpenSSLSpellingsAgainstSClient runs the same s_client command line
// through openssl and through sslstream against openssl s_server and
// compares the -brief lines and the exit status.
func TestOpenSSLSpellingsAgainstSClient(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	addr := "127.0.0.1:" + port
	base := []string{"s_client", "-connect", addr, "-servername", "server.example", "-brief", "-ciphersuites", "TLS_AES_128_GCM_SHA256"}
	for _, tc := range []struct {
		name          string
		args          []string
		code, ourCode int
	}{
		{"trusted", []string{"-CAfile", "ca.pem"}, 0, 0},
		{"trusted, return error", []string{"-CAfile", "ca.pem", "-verify_return_error", "-verify", "2"}, 0, 0},
		{"untrusted, verify reported", []string{"-CAfile", "client-ca.pem", "-verify", "1"}, 0, 0},
		// openssl exits 1 on a verification failure; sslstream 2 (its exit rule).
		{"untrusted, return error", []string{"-CAfile", "client-ca.pem", "-verify_return_error"}, 1, exitVerifyFail},
		{"depth too small", []string{"-CAfile", "ca.pem", "-verify_depth", "0"}, 0, 0},
		{"TLS 1.2", []string{"-CAfile", "ca.pem", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"}, 0, 0},
		{"TLS 1.2 by -no_tls1_3", []string{"-CAfile", "ca.pem", "-no_tls1_3", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"}, 0, 0},
		// openssl keeps the last -CAfile: the first one is not trusted.
		{"the last -CAfile, trusted", []string{"-CAfile", "client-ca.pem", "-CAfile", "ca.pem", "-verify_return_error"}, 0, 0},
		{"the last -CAfile, untrusted", []string{"-CAfile", "ca.pem", "-CAfile", "client-ca.pem", "-verify_return_error"}, 1, exitVerifyFail},
	} {
		compareSClientRuns(t, p.dir, tc.name, append(append([]string{}, base...), tc.args...), tc.code, tc.ourCode)
	}
}

// compareSClientRuns runs the s_client command line args through openssl
// and through sslstream in dir: openssl must exit code and sslstream
// ourCode; a refused verification must say so, and a run that succeeds
// must print openssl's -brief lines.
func compareSClientRuns(t *testing.T, dir, name string, args []string, code, ourCode int) {
	t.Helper()
	want := opensslIn(t, dir, "", append(args, "-no-CApath", "-no-CAstore")...)
	got := sslstreamIn(t, dir, strings.NewReader(""), args...)
	if want.code != code {
		t.Errorf("%s: openssl exit %d, want %d\n%s", name, want.code, code, want)
	}
	if got.code != ourCode {
		t.Errorf("%s: sslstream exit %d, want %d\n%s", name, got.code, ourCode, got)
	}
	if code != 0 {
		wantContains(t, name, got.stderr, "certificate verify failed")
		return
	}
	if diff := cmp.Diff(briefLines(want.stderr), briefLines(got.stderr)); diff != "" {
		t.Errorf("%s: -brief lines differ (-openssl +sslstream):\n%s", name, diff)
	}
}

// TestOpenSSLServerSpellings drives our server with s_server's spellings:
// -accept, -cert, -key, -Verify/-verify, -CAfile, -naccept.
func TestOpenSSLServerSpellings(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	client := []string{"s_client", "-CAfile", "ca.pem", "-quiet", "-no_ign_eof", "-no-CApath", "-no-CAstore", "-servername", "server.example"}
	withCert := []string{"-cert", "client.pem", "-key", "client-enc.key", "-pass", "pass:s3cret pass"}

	srv, port := start(t, ourListening, binPath, "s_server", "-accept", "127.0.0.1:0", "-cert", p.path("server.pem"), "-key", p.path("server.key"),
		"-Verify", "1", "-CAfile", p.path("client-ca.pem"), "-naccept", "2", "--echo")
	r := opensslInSlow(t, p.dir, "with cert\n", append(append(client, "-connect", "127.0.0.1:"+port), withCert...)...)
	wantContains(t, "s_client with certificate", r.stdout, "with cert")
	waitFor(t, srv, "Client certificate subject: CN = client.example, Verify return code: 0 (ok)")
	r = opensslInSlow(t, p.dir, "without cert\n", append(client, "-connect", "127.0.0.1:"+port)...)
	if strings.Contains(r.stdout, "without cert") {
		t.Errorf("-Verify 1: a client without certificate was served: %s", r)
	}
	waitFor(t, srv, "handshake failed")
	if code := exitCode(t, srv); code != 0 {
		t.Errorf("server after -naccept 2: exit %d\n%s", code, srv)
	}

	// -verify 1 asks but does not require.
	srv, port = start(t, ourListening, binPath, "s_server", "-accept", "127.0.0.1:0", "-cert", p.path("server.pem"), "-key", p.path("server.key"),
		"-verify", "1", "-CAfile", p.path("client-ca.pem"), "-naccept", "1", "--echo")
	r = opensslInSlow(t, p.dir, "no cert needed\n", append(client, "-connect", "127.0.0.1:"+port)...)
	wantContains(t, "-verify 1 without certificate", r.stdout, "no cert needed")
	waitFor(t, srv, "Client certificate subject: (none)")
	exitCode(t, srv)
}

// TestPasswordSource: -pass in each of openssl's forms.
func TestPasswordSource(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-Verify", "2", "-CAfile", p.path("client-ca.pem"), "-verify_return_error", "-www")
	base := []string{"s_client", "-connect", "127.0.0.1:" + port, "-CAfile", "ca.pem", "-verify_return_error", "-servername", "server.example",
		"-cert", "client.pem", "-key", "client-enc.key", "-quiet"}
	req := "GET / HTTP/1.0\r\n\r\n"
	for _, src := range []string{"pass:s3cret pass", "env:SSLSTREAM_TEST_PW", "file:password.txt", "file:" + p.path("password.txt")} {
		r := ssEnv(t, p.dir, []string{"SSLSTREAM_TEST_PW=s3cret pass"}, strings.NewReader(req), append(base, "-pass", src)...)
		wantCode(t, r, 0)
		wantContains(t, src, r.stdout, "HTTP/1.0 200 ok")
	}
	// stdin: the first line is the password, the rest goes to the server.
	r := sslstreamIn(t, p.dir, strings.NewReader("s3cret pass\n"+req), append(base, "-pass", "stdin")...)
	wantCode(t, r, 0)
	wantContains(t, "stdin", r.stdout, "HTTP/1.0 200 ok")
	for _, tc := range []struct{ src, want string }{
		{"env:SSLSTREAM_NO_SUCH_VARIABLE", `environment variable "SSLSTREAM_NO_SUCH_VARIABLE" is not set`},
		{"file:no-such-file", "no-such-file"},
		{"fd:x", "not a file descriptor number"},
		{"secret", "want pass:PASSWORD, env:VARIABLE, file:PATH, fd:N or stdin"},
		{"pass:wrong horse", "client-enc.key"},
	} {
		r := sslstreamIn(t, p.dir, nil, append(base, "-pass", tc.src)...)
		wantCode(t, r, exitError)
		wantContains(t, tc.src, r.stderr, tc.want)
	}
	r = sslstreamIn(t, p.dir, nil, append(base, "-pass", "pass:x", "--certificate-password", "y")...)
	wantCode(t, r, exitError)
	wantContains(t, "two passwords", r.stderr, "mutually exclusive")
}

// TestClientIgnEOF: with -ign_eof (and -quiet, which implies it) the end
// of stdin does not end the session: the server's answer to a request
// sent before it still arrives, and the client exits when the server
// closes. -quiet prints nothing but the data.
func TestClientIgnEOF(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	for _, flags := range [][]string{{"-quiet"}, {"-ign_eof"}, {"--ign-eof", "--quiet"}} {
		args := append([]string{"s_client", "-connect", "127.0.0.1:" + port, "-CAfile", "ca.pem", "-servername", "server.example"}, flags...)
		r := sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), args...)
		wantCode(t, r, 0)
		wantContains(t, strings.Join(flags, " "), r.stdout, "HTTP/1.0 200 ok")
		if flags[0] != "-ign_eof" && strings.Contains(r.stderr, "Protocol") {
			t.Errorf("%v printed a summary: %s", flags, r.stderr)
		}
	}
}

// TestClientIgnEOFKeepsSession: under -ign_eof the client does not close
// its side at the end of stdin, so an echo server keeps the session open:
// the client is still running after stdin ended.
func TestClientIgnEOFKeepsSession(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo")
	cmd := exec.Command(binPath, "s_client", "-connect", "127.0.0.1:"+port, "-CAfile", p.path("ca.pem"), "-servername", "server.example", "-ign_eof")
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	proc := testproc.Start(t, cmd, []byte("echo me\n"), true)
	if !proc.WaitForText("echo me", 20*time.Second) {
		t.Fatalf("no echo:\n%s", proc)
	}
	if proc.Wait(500 * time.Millisecond) {
		t.Fatalf("-ign_eof: the client ended with stdin:\n%s", proc)
	}
}

// TestSessOutIn: -sess_out saves the session, -sess_in resumes it
// ("Reused"), with TLS 1.3 and TLS 1.2, against openssl s_server; files
// of openssl's own -sess_out are refused with the reason.
func TestSessOutIn(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	req := "GET / HTTP/1.0\r\n\r\n"
	dir := t.TempDir()
	for _, v := range []string{"-tls1_3", "-tls1_2"} {
		file := dir + "/sess" + v + ".pem"
		base := []string{"s_client", "-connect", "127.0.0.1:" + port, "-CAfile", "ca.pem", "-servername", "server.example", "-verify_return_error", v}
		r := sslstreamIn(t, p.dir, strings.NewReader(req), append(base, "-sess_out", file)...)
		wantCode(t, r, 0)
		wantContains(t, v+" first", r.stderr, "New, TLSv1.")
		data, err := os.ReadFile(file)
		if err != nil || !strings.HasPrefix(string(data), "-----BEGIN SSLSTREAM TLS SESSION-----\nServer: server.example\n") {
			t.Fatalf("%s: session file %q, %v", v, data, err)
		}
		if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: session file mode %v, %v", v, st.Mode(), err)
		}
		r = sslstreamIn(t, p.dir, strings.NewReader(req), append(base, "-sess_in", file)...)
		wantCode(t, r, 0)
		wantContains(t, v+" resumed", r.stderr, "Reused, TLSv1.")
		wantContains(t, v+" resumed", r.stderr, "Verify return code: 0 (ok)")
		wantContains(t, v+" resumed", r.stdout, "HTTP/1.0 200 ok")
	}
	// openssl's format cannot be resumed by crypto/tls: a clear error.
	theirs := dir + "/openssl-sess.pem"
	// TLS 1.2: s_client writes the session during the handshake (a TLS 1.3
	// ticket may arrive after it has already quit).
	opensslIn(t, p.dir, "", "s_client", "-connect", "127.0.0.1:"+port, "-CAfile", "ca.pem", "-tls1_2", "-sess_out", theirs, "-no-CApath", "-no-CAstore")
	if data, err := os.ReadFile(theirs); err != nil || !strings.Contains(string(data), "BEGIN SSL SESSION PARAMETERS") {
		t.Fatalf("openssl -sess_out wrote %q, %v", data, err)
	}
	r := sslstreamIn(t, p.dir, nil, "s_client", "-connect", "127.0.0.1:"+port, "-sess_in", theirs)
	wantCode(t, r, exitError)
	wantContains(t, "openssl session file", r.stderr, "files written by openssl -sess_out cannot be read")
	r = sslstreamIn(t, p.dir, nil, "client", "127.0.0.1:"+port, "--sess-out", dir+"/x", "--session-tickets=false")
	wantCode(t, r, exitError)
	wantContains(t, "tickets off", r.stderr, "--sess-in and --sess-out need sessions")
}

// TestVerifyOpenSSLSpellingsAgainstOpenSSL runs each verify case's openssl
// command line (-CAfile, -untrusted, -CRLfile, -crl_check, -verify_depth,
// -verify_hostname, -purpose, -attime, -partial_chain, -no-CApath, ...)
// unchanged through openssl and through sslstream: same stdout, stderr and
// exit status.
func TestVerifyOpenSSLSpellingsAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getVerifyPKI(t)
	for _, vc := range verifyCases(p) {
		oargs := append(opensslVerifyArgs(t, vc.args), vc.files...)
		want := openssl(t, p.dir, oargs...)
		want.stderr = dropErrorQueue(want.stderr)
		got := sslstreamIn(t, p.dir, nil, oargs...)
		if want.stdout != got.stdout || want.stderr != got.stderr || want.code != got.code {
			t.Errorf("%s: %q\nopenssl: %s\nsslstream: %s", vc.name, oargs, want, got)
		}
	}
}

// TestOpenSSLSpellingsKeepTheLast: openssl uses only the last -CAfile,
// -CApath and -CAstore it is given (and s_client's last -CRL), where
// sslstream's --ca-file and kin add up. The OpenSSL spellings keep
// OpenSSL's meaning, with a note naming what is not used; openssl verify
// decides the same for each order.
func TestOpenSSLSpellingsKeepTheLast(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cmd        string
		args, want []string
		notes      int
	}{
		{"verify", []string{"-CAfile", "a.pem", "-CAfile", "b.pem", "x.pem"}, []string{"--ca-file=b.pem", "x.pem"}, 1},
		{"verify", []string{"-CAfile", "a.pem", "-CApath", "d", "-CAfile", "b.pem", "-CAfile", "c.pem"}, []string{"--ca-directory=d", "--ca-file=c.pem"}, 2},
		{"verify", []string{"--ca-file", "a.pem", "-CAfile", "b.pem", "--ca-file", "c.pem", "-CAfile", "d.pem"}, []string{"--ca-file", "a.pem", "--ca-file", "c.pem", "--ca-file=d.pem"}, 1},
		{"verify", []string{"-CAstore", "s1", "-CAstore", "s2", "-CApath", "d1", "-CApath", "d2"}, []string{"--ca-store=s2", "--ca-directory=d2"}, 2},
		// openssl verify loads every -CRLfile.
		{"verify", []string{"-CRLfile", "a.crl", "-CRLfile", "b.crl"}, []string{"--crl-file=a.crl", "--crl-file=b.crl"}, 0},
		{"client", []string{"-CRL", "a.crl", "-CRL", "b.crl", "-CAfile", "a.pem", "-CAfile", "b.pem"}, []string{"--crl-file=b.crl", "--ca-file=b.pem"}, 2},
		{"server", []string{"-CAfile", "a.pem", "-CAfile", "b.pem"}, []string{"--ca-file=b.pem"}, 1},
	} {
		got, notes, err := translateOpenSSL(tc.cmd, tc.args, flagSetOf(t, tc.cmd))
		if err != nil {
			t.Errorf("%s %q: %v", tc.cmd, tc.args, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s %q (-want +got):\n%s", tc.cmd, tc.args, diff)
		}
		if len(notes) != tc.notes {
			t.Errorf("%s %q: notes %q, want %d", tc.cmd, tc.args, notes, tc.notes)
		}
	}
	_, notes, _ := translateOpenSSL("verify", []string{"-CAfile", "a.pem", "-CAfile", "b.pem"}, flagSetOf(t, "verify"))
	if want := "-CAfile a.pem is not used: as openssl, the last -CAfile counts (b.pem); --ca-file adds them up"; len(notes) != 1 || notes[0] != want {
		t.Errorf("note %q, want %q", notes, want)
	}

	needOpenSSL(t)
	p := getVerifyPKI(t)
	dir := t.TempDir()
	for _, name := range []string{"root.pem", "other-root.pem", "direct.pem"} {
		b, err := os.ReadFile(filepath.Join(p.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
		if name != "direct.pem" {
			// A hashed directory holding the one CA.
			d := filepath.Join(dir, strings.TrimSuffix(name, ".pem")+"-dir")
			if err := os.MkdirAll(d, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(d, opensslHash(t, "x509", filepath.Join(dir, name))+".0"), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, flag := range []string{"-CAfile", "-CApath", "-CAstore"} {
		for _, order := range [][2]string{{"other-root", "root"}, {"root", "other-root"}} {
			first, last := order[0]+".pem", order[1]+".pem"
			if flag != "-CAfile" {
				first, last = order[0]+"-dir", order[1]+"-dir"
			}
			args := []string{"verify", flag, first, flag, last, "direct.pem"}
			want := openssl(t, dir, args...)
			got := sslstreamIn(t, dir, nil, args...)
			wantCode := 0
			if order[1] != "root" {
				wantCode = exitVerifyFail
			}
			if want.code != wantCode || got.code != wantCode {
				t.Errorf("%q: openssl exit %d, sslstream %d, want %d\nopenssl: %s\nours: %s", args, want.code, got.code, wantCode, want, got)
			}
			if got.stdout != want.stdout {
				t.Errorf("%q: stdout %q, openssl %q", args, got.stdout, want.stdout)
			}
			note := "sslstream verify: note: " + flag + " " + first + " is not used"
			if !strings.HasPrefix(got.stderr, note) {
				t.Errorf("%q: stderr does not start with %q:\n%s", args, note, got.stderr)
			}
			_, rest, _ := strings.Cut(got.stderr, "\n")
			if diff := cmp.Diff(dropErrorQueue(want.stderr), rest); diff != "" {
				t.Errorf("%q: stderr after the note differs (-openssl +ours):\n%s", args, diff)
			}
		}
	}
}

// TestCertChainAgainstOpenSSL: -cert_chain (sslstream's
// --certificate-chain) sends the intermediate after a leaf-only -cert, as
// openssl s_server and s_client do: an s_client that trusts only the root
// verifies our server as it verifies s_server with the same flags, and
// fails both without the chain; our s_client's chain passes s_server's
// -Verify against the root.
func TestCertChainAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getNetPKI(t)
	dir := t.TempDir()
	chainPEM, err := os.ReadFile(p.path("server.pem"))
	if err != nil {
		t.Fatal(err)
	}
	leafBlock, _ := pem.Decode(chainPEM)
	leaf := filepath.Join(dir, "leaf.pem")
	if err := os.WriteFile(leaf, pem.EncodeToMemory(leafBlock), 0o600); err != nil {
		t.Fatal(err)
	}
	client := []string{"s_client", "-CAfile", p.path("ca.pem"), "-no-CApath", "-no-CAstore", "-servername", "server.example", "-verify_return_error", "-brief"}
	for _, chain := range []bool{true, false} {
		args := []string{"-cert", leaf, "-key", p.path("server.key"), "-naccept", "1"}
		if chain {
			args = append(args, "-cert_chain", p.path("inter.pem"))
		}
		_, oport := startOpenSSLServer(t, dir, append(args, "-www")...)
		want := opensslIn(t, dir, "", append(client, "-connect", "127.0.0.1:"+oport)...)
		srv, port := start(t, ourListening, binPath, append(append([]string{"s_server", "-accept", "127.0.0.1:0"}, args...), "--echo")...)
		got := opensslIn(t, dir, "", append(client, "-connect", "127.0.0.1:"+port)...)
		exitCode(t, srv)
		if (want.code == 0) != chain || (got.code == 0) != chain {
			t.Errorf("-cert_chain %v: s_client exit %d against s_server, %d against ours\ns_server: %s\nours: %s", chain, want.code, got.code, want, got)
		}
		wantLine := "verify error:num=20:unable to get local issuer certificate"
		if chain {
			wantLine = "Verification: OK"
		}
		if !strings.Contains(want.stderr, wantLine) || !strings.Contains(got.stderr, wantLine) {
			t.Errorf("-cert_chain %v: want %q from s_client against both\ns_server: %s\nours: %s", chain, wantLine, want, got)
		}
	}

	// Our client's certificate with its chain, against s_server -Verify:
	// the status page comes only to a client whose chain s_server
	// verified.
	cc := getClientChain(t, dir)
	for _, chain := range []bool{true, false} {
		_, oport := startOpenSSLServer(t, dir, "-cert", p.path("server.pem"), "-key", p.path("server.key"), "-Verify", "2", "-CAfile", cc.root, "-verify_return_error", "-naccept", "1", "-www")
		args := []string{"s_client", "-connect", "127.0.0.1:" + oport, "-CAfile", p.path("ca.pem"), "-servername", "server.example", "-cert", cc.leaf, "-key", cc.key, "-ign_eof"}
		if chain {
			args = append(args, "-cert_chain", cc.inter)
		}
		r := sslstreamIn(t, dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), args...)
		if served := strings.Contains(r.stdout, "HTTP/1.0 200 ok"); served != chain {
			t.Errorf("our s_client, -cert_chain %v, against s_server -Verify 2: served %v\n%s", chain, served, r)
		}
	}
}

// clientChain is a client leaf under an intermediate under a root, in
// files of their own.
type clientChain struct{ root, inter, leaf, key string }

func getClientChain(t *testing.T, dir string) clientChain {
	t.Helper()
	f := minipki.New()
	st := &minipki.Steps{Dir: dir}
	root := st.Cert(f.Root("Chain Client Root"))
	inter := st.Cert(root.Intermediate("Chain Client Intermediate"))
	leaf := st.Cert(inter.Leaf("chain-client.example"))
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	cc := clientChain{
		root:  st.File("chain-client-root.pem", root.CertPEM()),
		inter: st.File("chain-client-inter.pem", inter.CertPEM()),
		leaf:  st.File("chain-client-leaf.pem", leaf.CertPEM()),
		key:   st.File("chain-client.key", leaf.KeyPEM()),
	}
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	return cc
}
