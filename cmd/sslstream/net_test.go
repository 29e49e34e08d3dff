package main

import (
	"bytes"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testproc"
)

// netPKI holds the files of the client/server tests.
type netPKI struct {
	dir string
}

var (
	netPKIOnce sync.Once
	netPKIVal  *netPKI
	netPKIErr  error
)

func getNetPKI(t *testing.T) *netPKI {
	t.Helper()
	netPKIOnce.Do(func() { netPKIVal, netPKIErr = makeNetPKI() })
	if netPKIErr != nil {
		t.Fatalf("making test PKI: %v", netPKIErr)
	}
	return netPKIVal
}

func (p *netPKI) path(name string) string { return filepath.Join(p.dir, name) }

func makeNetPKI() (*netPKI, error) {
	dir, err := os.MkdirTemp(testDir, "net-")
	if err != nil {
		return nil, err
	}
	f := minipki.New()
	root, err := f.Root("Net Test Root")
	if err != nil {
		return nil, err
	}
	inter, err := root.Intermediate("Net Test Intermediate")
	if err != nil {
		return nil, err
	}
	server, err := inter.Leaf("server.example", minipki.DNS("localhost"), minipki.IP("127.0.0.1"))
	if err != nil {
		return nil, err
	}
	rsaServer, err := root.Leaf("rsa.example", minipki.RSA(), minipki.IP("127.0.0.1"))
	if err != nil {
		return nil, err
	}
	clientRoot, err := f.Root("Client CA")
	if err != nil {
		return nil, err
	}
	client, err := clientRoot.Leaf("client.example")
	if err != nil {
		return nil, err
	}
	self, err := f.SelfSigned("self.example")
	if err != nil {
		return nil, err
	}
	revoked, err := inter.Leaf("revoked.example", minipki.IP("127.0.0.1"))
	if err != nil {
		return nil, err
	}
	crl, err := inter.CRL([]*big.Int{revoked.Cert.SerialNumber}, f.Now.Add(-time.Hour), f.Now.Add(24*time.Hour))
	if err != nil {
		return nil, err
	}
	// A CRL of the intermediate whose nextUpdate passed two hours ago.
	expiredCRL, err := inter.CRL(nil, f.Now.Add(-3*time.Hour), f.Now.Add(-2*time.Hour))
	if err != nil {
		return nil, err
	}
	for name, data := range map[string][]byte{
		"inter-expired.crl": minipki.CRLPEM(expiredCRL),
		"ca.pem":            root.CertPEM(),
		"server.pem":        server.ChainPEM(),
		"inter.pem":         inter.CertPEM(),
		"server.key":        server.KeyPEM(),
		"server-all.pem":    append(server.ChainPEM(), server.KeyPEM()...),
		"rsa.pem":           rsaServer.CertPEM(),
		"rsa.key":           rsaServer.KeyPEM(),
		"client-ca.pem":     clientRoot.CertPEM(),
		"client.pem":        client.CertPEM(),
		"client.key":        client.KeyPEM(),
		"self.pem":          self.CertPEM(),
		"self.key":          self.KeyPEM(),
		"password.txt":      []byte("s3cret pass\n"),
		"revoked.pem":       revoked.ChainPEM(),
		"revoked.key":       revoked.KeyPEM(),
		"inter.crl":         minipki.CRLPEM(crl),
	} {
		if _, err := minipki.WriteFile(dir, name, data); err != nil {
			return nil, err
		}
	}
	// An encrypted PKCS#8 client key, made by openssl when it is there
	// (tests using it need openssl anyway).
	if _, err := exec.LookPath("openssl"); err == nil {
		cmd := exec.Command("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", filepath.Join(dir, "client.key"),
			"-out", filepath.Join(dir, "client-enc.key"), "-passout", "pass:s3cret pass")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("openssl pkcs8: %v: %s", err, out)
		}
		// The server's chain and key as PKCS#12, as OpenSSL 3 makes it.
		cmd = exec.Command("openssl", "pkcs12", "-export", "-in", filepath.Join(dir, "server.pem"), "-inkey", filepath.Join(dir, "server.key"),
			"-out", filepath.Join(dir, "server.p12"), "-passout", "pass:s3cret pass")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("openssl pkcs12: %v: %s", err, out)
		}
	}
	return &netPKI{dir: dir}, nil
}

// start runs name args in the background; ready matches the line (on
// stdout or stderr) that says it is listening, with the port as group 1.
// It returns the process and the port.
func start(t *testing.T, ready *regexp.Regexp, name string, args ...string) (*testproc.Proc, string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	p := testproc.Start(t, cmd, nil, false)
	m, ok := p.WaitForLine(ready, 20*time.Second)
	if !ok {
		t.Fatalf("%s did not start listening (exit %d):\n%s", name, p.ExitCode(), p)
	}
	return p, m[1]
}

// exitCode waits for the process to exit and returns its exit code.
func exitCode(t *testing.T, p *testproc.Proc) int {
	t.Helper()
	if !p.Wait(30 * time.Second) {
		t.Fatalf("process did not exit:\n%s", p)
	}
	return p.ExitCode()
}

var (
	opensslAccept = regexp.MustCompile(`^ACCEPT .*:(\d+)$`)
	ourListening  = regexp.MustCompile(`^Listening on .*:(\d+)$`)
)

// startOpenSSLServer runs `openssl s_server` on 127.0.0.1 with an OS-chosen port.
func startOpenSSLServer(t *testing.T, dir string, args ...string) (*testproc.Proc, string) {
	t.Helper()
	needOpenSSL(t)
	all := append([]string{"s_server", "-accept", "127.0.0.1:0"}, args...)
	for i, a := range all {
		// s_server sends only the first certificate of -cert: add the
		// intermediate.
		if a == "server.pem" && i > 0 && all[i-1] == "-cert" {
			all = append(all, "-cert_chain", "inter.pem")
			break
		}
	}
	for i, a := range all {
		if (strings.HasSuffix(a, ".pem") || strings.HasSuffix(a, ".key")) && !filepath.IsAbs(a) {
			all[i] = filepath.Join(dir, a)
		}
	}
	return start(t, opensslAccept, "openssl", all...)
}

// startOurServer runs `sslstream server` on 127.0.0.1 with an OS-chosen port.
func startOurServer(t *testing.T, args ...string) (*testproc.Proc, string) {
	t.Helper()
	return start(t, ourListening, binPath, append([]string{"server", "--listen", "127.0.0.1:0"}, args...)...)
}

// summary extracts the "Key: value" lines the client prints on stderr.
func summary(stderr string) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(stderr, "\n") {
		if k, v, ok := strings.Cut(l, ": "); ok {
			m[k] = v
		}
	}
	return m
}

func wantSummary(t *testing.T, r result, want map[string]string) {
	t.Helper()
	got := summary(r.stderr)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("summary %q = %q, want %q\n%s", k, got[k], v, r)
		}
	}
}

func TestClientAgainstOpenSSLServerWWW(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	r := sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), "client", "127.0.0.1:"+port,
		"--ca-file", "ca.pem", "--verify", "required", "--server-name", "server.example")
	wantCode(t, r, 0)
	wantSummary(t, r, map[string]string{
		"Protocol":                   "TLSv1.3",
		"Cipher":                     "TLS_AES_128_GCM_SHA256",
		"Server certificate subject": "CN = server.example",
		"Verify return code":         "0 (ok)",
	})
	wantContains(t, "stdout", r.stdout, "HTTP/1.0 200 ok")
	wantContains(t, "stdout", r.stdout, "s_server")

	// TLS 1.2 with OpenSSL's suite name, the --flag=value form and flags
	// after the address.
	r = sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), "client", "--method=tlsv1.2", "127.0.0.1:"+port,
		"--ciphers=ECDHE-ECDSA-CHACHA20-POLY1305", "--ca-file=ca.pem", "--verify=required", "--server-name=localhost")
	wantCode(t, r, 0)
	wantSummary(t, r, map[string]string{"Protocol": "TLSv1.2", "Cipher": "ECDHE-ECDSA-CHACHA20-POLY1305", "Verify return code": "0 (ok)"})

	// The default server name is the host: 127.0.0.1 is in the certificate.
	r = sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), "client", "127.0.0.1:"+port, "--ca-file", "ca.pem", "--verify", "required")
	wantCode(t, r, 0)
}

func TestClientRSACipherName(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "rsa.pem", "-key", "rsa.key", "-www")
	r := sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), "client", "127.0.0.1:"+port,
		"--method", "tlsv1.2", "--ciphers", "ECDHE-RSA-AES128-GCM-SHA256", "--ca-file", "ca.pem", "--verify", "required")
	wantCode(t, r, 0)
	wantSummary(t, r, map[string]string{"Protocol": "TLSv1.2", "Cipher": "ECDHE-RSA-AES128-GCM-SHA256", "Server certificate subject": "CN = rsa.example"})
}

// TestClientVerifyCodesMatchSClient compares our "Verify return code" with
// the one `openssl s_client` prints under verify none.
func TestClientVerifyCodesMatchSClient(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	for _, tc := range []struct {
		name       string
		server     []string
		caFile     string
		serverName string
	}{
		{"no trust", []string{"-cert", "server.pem", "-key", "server.key"}, "", ""},
		{"trusted", []string{"-cert", "server.pem", "-key", "server.key"}, "ca.pem", ""},
		{"self-signed", []string{"-cert", "self.pem", "-key", "self.key"}, "ca.pem", ""},
		{"leaf only sent", []string{"-cert", "rsa.pem", "-key", "rsa.key"}, "client-ca.pem", ""},
		{"hostname mismatch", []string{"-cert", "server.pem", "-key", "server.key"}, "ca.pem", "other.example"},
	} {
		_, port := startOpenSSLServer(t, p.dir, append(tc.server, "-www")...)
		oargs := []string{"s_client", "-connect", "127.0.0.1:" + port, "-no-CApath", "-no-CAstore"}
		args := []string{"client", "127.0.0.1:" + port, "--verify", "none"}
		if tc.caFile != "" {
			oargs = append(oargs, "-CAfile", tc.caFile)
			args = append(args, "--ca-file", tc.caFile)
		} else {
			oargs = append(oargs, "-no-CAfile")
			args = append(args, "--no-ca-default")
		}
		if tc.serverName != "" {
			oargs = append(oargs, "-verify_hostname", tc.serverName, "-servername", tc.serverName)
			args = append(args, "--server-name", tc.serverName)
		} else {
			args = append(args, "--server-name=")
		}
		want := opensslIn(t, p.dir, "Q\n", oargs...)
		m := regexp.MustCompile(`Verify return code: (\d+ \([^)]*\))`).FindStringSubmatch(want.stdout)
		if m == nil {
			t.Fatalf("%s: no verify code from s_client:\n%s", tc.name, want)
		}
		got := sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), args...)
		wantCode(t, got, 0)
		if g := summary(got.stderr)["Verify return code"]; g != m[1] {
			t.Errorf("%s: Verify return code %q, s_client says %q\n%s", tc.name, g, m[1], got)
		}
	}
}

// opensslIn runs openssl with stdin in dir.
func opensslIn(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	needOpenSSL(t)
	return runIn(t, dir, nil, strings.NewReader(stdin), 30*time.Second, "openssl", args...)
}

func TestClientVerifyFailure(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	r := sslstreamIn(t, p.dir, nil, "client", "127.0.0.1:"+port, "--verify", "required", "--ca-file", "client-ca.pem")
	wantCode(t, r, exitVerifyFail) // 2 on verification failure
	wantContains(t, "stderr", r.stderr, "error:0A000086:SSL routines::certificate verify failed")
	wantContains(t, "stderr", r.stderr, "Verify return code: 20 (unable to get local issuer certificate)")
	wantContains(t, "stderr", r.stderr, "Hint: ")
	if r.stdout != "" {
		t.Errorf("stdout %q", r.stdout)
	}
	r = sslstreamIn(t, p.dir, nil, "client", "127.0.0.1:"+port, "--verify", "required", "--ca-file", "ca.pem", "--server-name", "wrong.example")
	wantCode(t, r, exitVerifyFail)
	wantContains(t, "stderr", r.stderr, "Verify return code: 62 (hostname mismatch)")
}

// TestClientEchoAndCloseNotify talks to `openssl s_server -rev`, which
// answers each line reversed and closes when it gets close_notify: the
// client must send close_notify at the end of stdin and then exit.
func TestClientEchoAndCloseNotify(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	srv, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-rev", "-naccept", "1")
	r := sslstreamIn(t, p.dir, strings.NewReader("hello\nsslstream\n"), "client", "127.0.0.1:"+port, "--ca-file", "ca.pem", "--verify", "required", "--showcerts")
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "olleh")
	wantContains(t, "stdout", r.stdout, "maertslss")
	wantContains(t, "stderr", r.stderr, "-----BEGIN CERTIFICATE-----")
	wantContains(t, "stderr", r.stderr, " 0 s:CN = server.example\n   i:CN = Net Test Intermediate\n")
	wantContains(t, "stderr", r.stderr, " 1 s:CN = Net Test Intermediate")
	if c := exitCode(t, srv); c != 0 {
		t.Errorf("s_server exit %d\n%s", c, srv)
	}
	wantContains(t, "s_server output", srv.Output.String(), "CONNECTION CLOSED")
}

// TestClientCertificateToOpenSSLServer: s_server requires a client
// certificate; ours comes with an encrypted key.
func TestClientCertificateToOpenSSLServer(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-Verify", "2", "-CAfile", p.path("client-ca.pem"), "-verify_return_error", "-www")
	base := []string{"client", "127.0.0.1:" + port, "--ca-file", "ca.pem", "--verify", "required"}
	r := sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), append(base, "--certificate", "client.pem", "--key", "client-enc.key", "--certificate-password", "s3cret pass")...)
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "HTTP/1.0 200 ok")
	wantContains(t, "stdout", r.stdout, "client.example")

	r = sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), append(base, "--certificate", "client.pem", "--key", "client-enc.key", "--certificate-password-file", "password.txt")...)
	wantCode(t, r, 0)

	// No client certificate: TLS 1.3 reports the refusal after the
	// handshake, on the first read; either way exit 1 with the reason.
	r = sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), base...)
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "certificate required")

	// Wrong password: refused before connecting, password not echoed.
	r = sslstreamIn(t, p.dir, nil, append(base, "--certificate", "client.pem", "--key", "client-enc.key", "--certificate-password", "wrong horse")...)
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "client-enc.key")
	if strings.Contains(r.stderr, "wrong horse") {
		t.Errorf("the password appears in the error: %s", r.stderr)
	}
	// Missing password.
	r = sslstreamIn(t, p.dir, nil, append(base, "--certificate", "client.pem", "--key", "client-enc.key")...)
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "password")
}

func TestClientErrors(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	// A port that was just closed: nothing listens there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"client", closed}, "connect to " + closed},
		{[]string{"client"}, "want exactly one HOST:PORT"},
		{[]string{"client", "a:1", "b:2"}, "want exactly one HOST:PORT"},
		{[]string{"client", "no-port"}, "not HOST:PORT"},
		{[]string{"client", "127.0.0.1:"}, "no port"}, // not a dial to port 0
		{[]string{"client", closed, "--verify", "sometimes"}, `"sometimes"`},
		{[]string{"client", closed, "--method", "sslv3"}, "SSLv3"},
		{[]string{"client", closed, "--max-depth", "-2"}, "max-depth"},
		{[]string{"client", closed, "--ciphers", "NOTHING-AT-ALL"}, "NOTHING-AT-ALL"},
		{[]string{"client", closed, "--ciphersuites", "TLS_FAKE"}, "TLS_FAKE"},
		{[]string{"client", closed, "--crl-check", "maybe"}, `"maybe"`},
		{[]string{"client", closed, "--ca-file", "missing-ca.pem"}, "missing-ca.pem"},
		{[]string{"client", closed, "--certificate", "missing.pem"}, "missing.pem"},
		{[]string{"client", closed, "--certificate-password-file", "missing-pw.txt"}, "missing-pw.txt"},
		{[]string{"client", closed, "--certificate-password", "x", "--certificate-password-file", "password.txt"}, "mutually exclusive"},
		{[]string{"client", closed, "--starttls", "gopher"}, `"gopher"`},
		{[]string{"client", closed, "--prefer-server-cipher-order=perhaps"}, "perhaps"},
		{[]string{"client", closed, "--method", "sslv3+"}, "note: "},
	} {
		r := sslstreamIn(t, p.dir, nil, tc.args...)
		wantCode(t, r, 1)
		wantContains(t, strings.Join(tc.args, " "), r.stderr, tc.want)
	}
}

func TestOpenSSLClientAgainstOurEchoServer(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	srv, port := startOurServer(t, "--certificate", p.path("server.pem"), "--key", p.path("server.key"), "--echo")
	for _, proto := range [][]string{{"-tls1_3"}, {"-tls1_2"}} {
		args := append([]string{"s_client", "-connect", "127.0.0.1:" + port, "-CAfile", "ca.pem", "-verify_return_error",
			"-verify_hostname", "server.example", "-quiet", "-no_ign_eof", "-no-CApath", "-no-CAstore"}, proto...)
		r := opensslInSlow(t, p.dir, "ping from openssl\n", args...)
		if r.code != 0 || !strings.Contains(r.stdout, "ping from openssl") {
			t.Errorf("s_client %v: %s", proto, r)
		}
	}
	waitFor(t, srv, "Protocol: TLSv1.2, Cipher: ECDHE-ECDSA-AES256-GCM-SHA384, Client certificate subject: (none), Verify return code: 0 (ok)")
	waitFor(t, srv, "Protocol: TLSv1.3, Cipher: TLS_AES_")
	// Our client against our server, a megabyte both ways.
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	r := sslstreamIn(t, p.dir, bytes.NewReader(data), "client", "127.0.0.1:"+port, "--ca-file", "ca.pem", "--verify", "required", "--server-name", "server.example")
	wantCode(t, r, 0)
	if r.stdout != string(data) {
		t.Errorf("echo returned %d bytes, want %d", len(r.stdout), len(data))
	}
}

// opensslInSlow feeds stdin to openssl and keeps it open until stdout
// shows the echo of stdin (or wantOut when given), openssl exits, or 10s
// pass, so that s_client reads the answer before it sees the end of its input.
func opensslInSlow(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	return opensslUntil(t, dir, stdin, strings.TrimSpace(stdin), args...)
}

func opensslUntil(t *testing.T, dir, stdin, wantOut string, args ...string) result {
	t.Helper()
	needOpenSSL(t)
	cmd := exec.Command("openssl", args...)
	cmd.Dir = dir
	p := testproc.Start(t, cmd, []byte(stdin), false)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.Stdout.String(), wantOut) && time.Now().Before(deadline) && !p.Wait(20*time.Millisecond) {
	}
	p.Stdin().Close()
	if !p.Wait(30 * time.Second) {
		t.Fatalf("openssl %v did not exit:\n%s", args, p)
	}
	return result{stdout: p.Stdout.String(), stderr: p.Stderr.String(), code: p.ExitCode()}
}

// waitFor waits until the process has printed want.
func waitFor(t *testing.T, p *testproc.Proc, want string) {
	t.Helper()
	if !p.WaitForText(want, 10*time.Second) {
		t.Fatalf("process output lacks %q:\n%s", want, p)
	}
}

func TestOurServerClientCertificates(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	srv, port := startOurServer(t, "--certificate", p.path("server-all.pem"), "--verify", "required", "--ca-file", p.path("client-ca.pem"), "--echo")
	base := []string{"s_client", "-connect", "127.0.0.1:" + port, "-CAfile", "ca.pem", "-quiet", "-no_ign_eof", "-no-CApath", "-no-CAstore"}
	r := opensslInSlow(t, p.dir, "with cert\n", append(base, "-cert", "client.pem", "-key", "client-enc.key", "-pass", "pass:s3cret pass")...)
	if !strings.Contains(r.stdout, "with cert") {
		t.Errorf("s_client with certificate: %s", r)
	}
	waitFor(t, srv, "Client certificate subject: CN = client.example, Verify return code: 0 (ok)")

	r = opensslInSlow(t, p.dir, "without cert\n", base...)
	if strings.Contains(r.stdout, "without cert") {
		t.Errorf("s_client without certificate was echoed: %s", r)
	}
	waitFor(t, srv, "handshake failed")

	// A certificate from an unknown CA: refused with the verify code.
	r = opensslInSlow(t, p.dir, "wrong ca\n", append(base, "-cert", "self.pem", "-key", "self.key")...)
	if strings.Contains(r.stdout, "wrong ca") {
		t.Errorf("s_client with an untrusted certificate was echoed: %s", r)
	}
	waitFor(t, srv, "verify result 18: self-signed certificate")
}

// TestServerCipherPreference: --prefer-server-cipher-order (the default)
// picks the server's first choice; =false the client's.
func TestServerCipherPreference(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	serverCiphers := "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256"
	clientCiphers := "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305"
	for _, tc := range []struct {
		flag, want string
	}{
		{"--prefer-server-cipher-order", "ECDHE-ECDSA-CHACHA20-POLY1305"},
		{"--prefer-server-cipher-order=true", "ECDHE-ECDSA-CHACHA20-POLY1305"},
		{"--prefer-server-cipher-order=false", "ECDHE-ECDSA-AES128-GCM-SHA256"},
	} {
		srv, port := startOurServer(t, "--certificate", p.path("server.pem"), "--key", p.path("server.key"), "--echo",
			"--method", "tlsv1.2", "--ciphers", serverCiphers, tc.flag)
		r := opensslUntil(t, p.dir, "x\n", "Cipher is", "s_client", "-connect", "127.0.0.1:"+port, "-tls1_2", "-cipher", clientCiphers, "-no_ign_eof")
		wantContains(t, "s_client "+tc.flag, r.stdout, "Cipher is "+tc.want)
		waitFor(t, srv, "Cipher: "+tc.want)
	}
	// And our client against openssl s_server -serverpref: the server wins.
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www", "-serverpref", "-cipher", serverCiphers)
	r := sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), "client", "127.0.0.1:"+port, "--method", "tlsv1.2", "--ciphers", clientCiphers)
	wantCode(t, r, 0)
	wantSummary(t, r, map[string]string{"Cipher": "ECDHE-ECDSA-CHACHA20-POLY1305"})
}

func TestServerGracefulStop(t *testing.T) {
	t.Parallel()
	if runtimeGOOSWindows {
		t.Skip("no SIGTERM on Windows")
	}
	p := getNetPKI(t)
	srv, port := startOurServer(t, "--certificate", p.path("server.pem"), "--key", p.path("server.key"), "--echo")
	// An open connection the stop must close.
	conn, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	time.Sleep(100 * time.Millisecond)
	if err := srv.Signal(sigterm); err != nil {
		t.Fatal(err)
	}
	if c := exitCode(t, srv); c != 0 {
		t.Errorf("exit %d after SIGTERM\n%s", c, srv)
	}
	wantContains(t, "server output", srv.Output.String(), "Stopping")
}

// TestServerPipedAndAcceptLimit: without --echo one connection is piped to
// stdin/stdout and the server exits when it ends.
func TestServerPipedMode(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	srv, port := startOurServer(t, "--certificate", p.path("server.pem"), "--key", p.path("server.key"))
	io.WriteString(srv.Stdin(), "hello from server\n")
	r := opensslUntil(t, p.dir, "hello from client\n", "hello from server", "s_client", "-connect", "127.0.0.1:"+port, "-quiet", "-no_ign_eof")
	wantContains(t, "s_client stdout", r.stdout, "hello from server")
	srv.Stdin().Close()
	if c := exitCode(t, srv); c != 0 {
		t.Errorf("server exit %d\n%s", c, srv)
	}
	wantContains(t, "server output", srv.Output.String(), "hello from client")
}

func TestServerAcceptLimit(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	srv, port := startOurServer(t, "--certificate", p.path("server.pem"), "--key", p.path("server.key"), "--echo", "--accept", "2")
	for i := 0; i < 2; i++ {
		r := sslstreamIn(t, p.dir, strings.NewReader("x"), "client", "127.0.0.1:"+port)
		wantCode(t, r, 0)
	}
	if c := exitCode(t, srv); c != 0 {
		t.Errorf("server exit %d\n%s", c, srv)
	}
}

func TestServerErrors(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().String()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"server", "--certificate", "server.pem"}, "--listen ADDR is required"},
		{[]string{"server", "--listen", "127.0.0.1:0"}, "--certificate is required"},
		{[]string{"server", "--listen", "127.0.0.1:0", "--certificate", "missing.pem"}, "missing.pem"},
		{[]string{"server", "--listen", "127.0.0.1:0", "--certificate", "server.pem"}, "key"},
		{[]string{"server", "--listen", "127.0.0.1:0", "--certificate", "server.pem", "--key", "client.key"}, "match"},
		{[]string{"server", "--listen", busy, "--certificate", "server-all.pem"}, "listen on " + busy},
		{[]string{"server", "--listen", "127.0.0.1:0", "--certificate", "server-all.pem", "extra"}, "unexpected argument"},
		{[]string{"server", "--listen", "127.0.0.1:0", "--certificate", "server-all.pem", "--verify", "always"}, `"always"`},
		{[]string{"server", "--listen", "127.0.0.1:0", "--certificate", "server-all.pem", "--accept", "-1"}, "--accept"},
	} {
		r := sslstreamIn(t, p.dir, nil, tc.args...)
		wantCode(t, r, 1)
		wantContains(t, strings.Join(tc.args, " "), r.stderr, tc.want)
	}
}

// TestClientSettingFlags exercises the remaining setting flags of the
// client against openssl s_server.
func TestClientSettingFlags(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	get := strings.NewReader
	_, port := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www")
	addr := "127.0.0.1:" + port
	req := "GET / HTTP/1.0\r\n\r\n"

	// max-depth: one intermediate needs max-depth >= 1.
	r := sslstreamIn(t, p.dir, get(req), "client", addr, "--ca-file", "ca.pem", "--verify", "required", "--max-depth", "0")
	wantCode(t, r, exitVerifyFail)
	wantContains(t, "stderr", r.stderr, "Verify return code: 22 (certificate chain too long)")
	r = sslstreamIn(t, p.dir, get(req), "client", addr, "--ca-file", "ca.pem", "--verify", "required", "--max-depth", "1")
	wantCode(t, r, 0)

	// ca-directory made by our own rehash.
	cadir := t.TempDir()
	data, err := os.ReadFile(p.path("ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cadir, "ca.pem"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	wantCode(t, ss(t, "rehash", cadir), 0)
	r = sslstreamIn(t, p.dir, get(req), "client", addr, "--ca-directory", cadir, "--verify", "required", "--x509-strict", "--unbuffered", "--quiet")
	wantCode(t, r, 0)
	if r.stderr != "" {
		t.Errorf("--quiet printed: %s", r.stderr)
	}
	wantContains(t, "stdout", r.stdout, "HTTP/1.0 200 ok")

	// ciphersuites: a TLS 1.3 suite the server does not pick is refused
	// after the handshake with a clear error; one it is limited to works.
	r = sslstreamIn(t, p.dir, get(req), "client", addr, "--ciphersuites", "TLS_CHACHA20_POLY1305_SHA256", "--ca-file", "ca.pem")
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "error:0A000105:SSL routines::wrong cipher returned")
	if strings.Contains(r.stderr, "Hint:") {
		t.Errorf("a verify hint for a cipher failure:\n%s", r.stderr)
	}
	_, port13 := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")
	r = sslstreamIn(t, p.dir, get(req), "client", "127.0.0.1:"+port13, "--ciphersuites", "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384")
	wantCode(t, r, 0)
	wantSummary(t, r, map[string]string{"Protocol": "TLSv1.3", "Cipher": "TLS_CHACHA20_POLY1305_SHA256"})

	// crl-check/crl-file: a revoked server certificate.
	_, portRev := startOpenSSLServer(t, p.dir, "-cert", "revoked.pem", "-key", "revoked.key", "-cert_chain", "inter.pem", "-www")
	r = sslstreamIn(t, p.dir, get(req), "client", "127.0.0.1:"+portRev, "--ca-file", "ca.pem", "--verify", "required", "--crl-check", "peer", "--crl-file", "inter.crl")
	wantCode(t, r, exitVerifyFail)
	wantContains(t, "stderr", r.stderr, "Verify return code: 23 (certificate revoked)")
	r = sslstreamIn(t, p.dir, get(req), "client", "127.0.0.1:"+portRev, "--ca-file", "ca.pem", "--verify", "required", "--crl-check", "all", "--crl-file", "inter.crl")
	wantCode(t, r, exitVerifyFail)
	wantContains(t, "stderr", r.stderr, "Verify return code: 23 (certificate revoked)")
	r = sslstreamIn(t, p.dir, get(req), "client", "127.0.0.1:"+portRev, "--ca-file", "ca.pem", "--verify", "required", "--crl-check", "peer")
	wantCode(t, r, exitVerifyFail)
	wantContains(t, "stderr", r.stderr, "Verify return code: 3 (unable to get certificate CRL)")
	r = sslstreamIn(t, p.dir, get(req), "client", "127.0.0.1:"+portRev, "--ca-file", "ca.pem", "--verify", "optional", "--crl-check", "none")
	wantCode(t, r, 0)

	// connect-timeout on a handshake that never completes: a listener
	// that accepts and stays silent.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			defer c.Close()
			io.Copy(io.Discard, c)
		}
	}()
	began := time.Now()
	r = sslstreamIn(t, p.dir, nil, "client", ln.Addr().String(), "--connect-timeout", "300ms")
	wantCode(t, r, 1)
	if time.Since(began) > 20*time.Second {
		t.Errorf("--connect-timeout 300ms took %v", time.Since(began))
	}
}

// TestServerSettingFlags: PKCS#12 certificate, method, ciphersuites and the
// handshake timeout of the server.
func TestServerSettingFlags(t *testing.T) {
	t.Parallel()
	needOpenSSL(t) // server.p12 is made by openssl
	p := getNetPKI(t)
	srv, port := startOurServer(t, "--certificate", p.path("server.p12"), "--certificate-password-file", p.path("password.txt"),
		"--method", "tlsv1.3", "--ciphersuites", "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256", "--echo", "--handshake-timeout", "2s")
	r := opensslInSlow(t, p.dir, "over p12\n", "s_client", "-connect", "127.0.0.1:"+port, "-CAfile", "ca.pem", "-verify_return_error",
		"-quiet", "-no_ign_eof", "-ciphersuites", "TLS_AES_256_GCM_SHA384")
	wantContains(t, "s_client", r.stdout, "over p12")
	waitFor(t, srv, "Protocol: TLSv1.3, Cipher: TLS_AES_256_GCM_SHA384")
	// TLS 1.2 is refused by --method tlsv1.3.
	r = opensslInSlow(t, p.dir, "old\n", "s_client", "-connect", "127.0.0.1:"+port, "-tls1_2", "-quiet", "-no_ign_eof")
	if strings.Contains(r.stdout, "old") {
		t.Errorf("TLS 1.2 client was served: %s", r)
	}
	waitFor(t, srv, "handshake failed")
	// A client that connects and says nothing is dropped after the timeout.
	c, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Errorf("silent client not dropped: %v", err)
	}
	// Wrong PKCS#12 password: error at start, exit 1, password not shown.
	r = sslstreamIn(t, p.dir, nil, "server", "--listen", "127.0.0.1:0", "--certificate", "server.p12", "--certificate-password", "not it")
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "server.p12")
	if strings.Contains(r.stderr, "not it") {
		t.Errorf("password in error: %s", r.stderr)
	}
}
