package sslstream

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testproc"
)

// Differential tests: our streams against `openssl s_server` and
// `openssl s_client` (OpenSSL 3.0), and our results beside theirs.

func requireOpenSSL(t testing.TB) { t.Helper(); testproc.Require(t, "openssl") }

// runOpenSSL runs openssl with args and returns its combined output,
// failing the test if it does not exit 0.
func runOpenSSL(t testing.TB, stdin []byte, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "openssl", args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// sServer is a running `openssl s_server` on 127.0.0.1 with an OS-chosen port.
type sServer struct {
	addr string
	out  *testproc.Proc
}

var acceptLine = regexp.MustCompile(`^ACCEPT (.*)$`)

// startSServer starts `openssl s_server -accept 127.0.0.1:0 args...` and
// waits for its ACCEPT line. The process is killed at the end of the test.
func startSServer(t *testing.T, args ...string) *sServer {
	t.Helper()
	requireOpenSSL(t)
	// s_server quits at the end of its input: it stays open until cleanup.
	p := testproc.Start(t, exec.Command("openssl", append([]string{"s_server", "-accept", "127.0.0.1:0"}, args...)...), nil, false)
	m, ok := p.WaitForLine(acceptLine, 10*time.Second)
	if !ok {
		t.Fatalf("openssl s_server did not start accepting:\n%s", p)
	}
	return &sServer{addr: m[1], out: p}
}

// output waits until the server's output contains want (or 5s pass) and
// returns it.
func (s *sServer) output(want string) string {
	s.out.WaitForText(want, 5*time.Second)
	return s.out.Output.String()
}

// finalOutput waits for a server started with -naccept 1 to exit (or 5s
// to pass) and returns its output. Its verify error lines can come after
// "CONNECTION CLOSED" (stderr and the statistics are printed on the way
// out), so a verdict is read only once it has exited.
func (s *sServer) finalOutput() string {
	s.out.Wait(5 * time.Second)
	return s.out.Output.String()
}

// runSClient runs `openssl s_client -connect addr args...` with stdin and
// returns its combined output (its exit status is in the output's sense:
// failures are expected in some tests).
func runSClient(t *testing.T, addr string, stdin string, args ...string) string {
	t.Helper()
	requireOpenSSL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "openssl", append([]string{"s_client", "-connect", addr}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, _ := cmd.CombinedOutput()
	return string(out)
}

var verifyCodeRE = regexp.MustCompile(`Verify return code: (\d+) \(([^)]*)\)`)

func sClientVerifyCode(t *testing.T, out string) (int, string) {
	t.Helper()
	m := verifyCodeRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no verify return code in s_client output:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n, m[2]
}

func versionFlag(method string) string {
	return map[string]string{"tlsv1.2": "-tls1_2", "tlsv1.3": "-tls1_3"}[method]
}

// opensslEncryptedKey writes src's key encrypted by openssl with password.
func opensslEncryptedKey(t *testing.T, src, password string) string {
	t.Helper()
	out := writeTemp(t, "enc.key", nil)
	runOpenSSL(t, nil, "pkcs8", "-topk8", "-in", src, "-v2", "aes-256-cbc", "-passout", "pass:"+password, "-out", out)
	return out
}

func TestOurClientAgainstOpenSSLServer(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	for _, method := range []string{"tlsv1.2", "tlsv1.3"} {
		for _, clientCert := range []bool{false, true} {
			for _, serverWants := range []bool{false, true} {
				name := fmt.Sprintf("%s/cert=%v/server-requires=%v", method, clientCert, serverWants)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					args := []string{"-cert", p.serverCert, "-cert_chain", p.interAsCAFile, "-key", p.serverKey, "-CAfile", p.caFile, "-rev", "-naccept", "1", versionFlag(method)}
					if serverWants {
						args = append(args, "-Verify", "3")
					}
					srv := startSServer(t, args...)
					cs := Settings{CAFile: p.caFile, Verify: VerifyRequired, ServerName: "localhost"}
					if clientCert {
						cs.Certificate = p.clientCert
						cs.Key = opensslEncryptedKey(t, p.clientKey, "client pass")
						cs.CertificatePassword = "client pass"
					}
					conn, err := net.Dial("tcp", srv.addr)
					if err != nil {
						t.Fatal(err)
					}
					c, err := Client(conn, cs)
					if err != nil {
						t.Fatal(err)
					}
					defer c.Close()
					c.SetDeadline(time.Now().Add(10 * time.Second))
					if _, err := c.Write([]byte("hello\n")); err != nil {
						t.Fatal(err)
					}
					line, err := bufio.NewReader(c).ReadString('\n')
					if serverWants && !clientCert {
						e := asError(t, err)
						want := uint32(CodeSSLv3AlertHandshakeFailure) // sslv3 alert handshake failure
						if method == "tlsv1.3" {
							want = CodeTLSv13AlertCertificateRequired // tlsv13 alert certificate required
						}
						if !e.HasCode(want) {
							t.Errorf("error %v, want %08X", e, want)
						}
						out := srv.output("peer did not return a certificate")
						if !strings.Contains(out, "peer did not return a certificate") {
							t.Errorf("s_server did not complain about the missing certificate:\n%s", out)
						}
						return
					}
					if err != nil {
						t.Fatalf("read: %v\ns_server:\n%s", err, srv.out)
					}
					if line != "olleh\n" {
						t.Errorf("got %q from s_server -rev", line)
					}
					if got := ProtocolName(c.ConnectionState().Version); got != map[string]string{"tlsv1.2": "TLSv1.2", "tlsv1.3": "TLSv1.3"}[method] {
						t.Errorf("version %s", got)
					}
					if code, _ := c.VerifyResult(); code != 0 {
						t.Errorf("verify result %d", code)
					}
					if serverWants {
						out := srv.output("client.example")
						if !strings.Contains(out, "client.example") {
							t.Errorf("s_server did not see the client certificate:\n%s", out)
						}
					}
				})
			}
		}
	}
}

func TestOurServerAgainstOpenSSLClient(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	serverKey := opensslEncryptedKey(t, p.serverKey, "server pass")
	for _, method := range []string{"tlsv1.2", "tlsv1.3"} {
		for _, clientCert := range []bool{false, true} {
			for _, mode := range []VerifyMode{VerifyOptional, VerifyRequired} {
				name := fmt.Sprintf("%s/cert=%v/%v", method, clientCert, mode)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					ln, err := net.Listen("tcp", "127.0.0.1:0")
					if err != nil {
						t.Fatal(err)
					}
					defer ln.Close()
					type result struct {
						err  error
						peer *Certificate
						vr   int
					}
					resc := make(chan result, 1)
					go func() {
						conn, err := ln.Accept()
						if err != nil {
							resc <- result{err: err}
							return
						}
						s, err := Server(conn, Settings{Certificate: p.serverCert, Key: serverKey, CertificatePassword: "server pass",
							CAFile: p.caFile, Verify: mode, Method: method})
						if err != nil {
							conn.Close()
							resc <- result{err: err}
							return
						}
						defer s.Close()
						s.SetDeadline(time.Now().Add(10 * time.Second))
						line, err := bufio.NewReader(s).ReadString('\n')
						if err == nil {
							_, err = io.WriteString(s, "echo: "+line)
						}
						pc, _ := s.PeerCertificate()
						vr, _ := s.VerifyResult()
						resc <- result{err: err, peer: pc, vr: vr}
					}()
					args := []string{"-CAfile", p.caFile, "-verify_return_error", "-ign_eof", versionFlag(method), "-servername", "localhost"}
					if clientCert {
						args = append(args, "-cert", p.clientCert, "-cert_chain", p.interAsCAFile, "-key", p.clientKey)
					}
					out := runSClient(t, ln.Addr().String(), "hello\n", args...)
					var res result
					select {
					case res = <-resc:
					case <-time.After(15 * time.Second):
						t.Fatal("server did not finish")
					}
					if mode == VerifyRequired && !clientCert {
						e := asError(t, res.err)
						if !e.HasCode(CodePeerDidNotReturnACertificate) {
							t.Errorf("server error %v, want peer did not return a certificate", e)
						}
						if method == "tlsv1.3" && !strings.Contains(out, "tlsv13 alert certificate required") {
							t.Errorf("s_client output lacks the certificate required alert:\n%s", out)
						}
						if method == "tlsv1.2" && !strings.Contains(out, "alert") {
							t.Errorf("s_client output shows no alert:\n%s", out)
						}
						return
					}
					if res.err != nil {
						t.Fatalf("server: %v\ns_client:\n%s", res.err, out)
					}
					if !strings.Contains(out, "echo: hello") {
						t.Errorf("s_client did not get the echo:\n%s", out)
					}
					if code, text := sClientVerifyCode(t, out); code != 0 || text != "ok" {
						t.Errorf("s_client verify return code %d (%s)", code, text)
					}
					wantProto := map[string]string{"tlsv1.2": "TLSv1.2", "tlsv1.3": "TLSv1.3"}[method]
					if !strings.Contains(out, "Protocol  : "+wantProto) && !strings.Contains(out, ", "+wantProto+",") {
						t.Errorf("s_client did not negotiate %s:\n%s", wantProto, out)
					}
					if (res.peer != nil) != clientCert {
						t.Errorf("server peer certificate %v, client sent one: %v", res.peer, clientCert)
					}
					if res.peer != nil && res.peer.SubjectString() != "CN = client.example" {
						t.Errorf("peer subject %q", res.peer.SubjectString())
					}
					if res.vr != 0 {
						t.Errorf("server verify result %d", res.vr)
					}
				})
			}
		}
	}
}

// TestVerifyResultAgreesWithSClient compares our client's verify result
// under verify none with what `openssl s_client` reports for the same
// server, trust store and name.
func TestVerifyResultAgreesWithSClient(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	cases := []struct {
		name, cert, chain, key, host string
	}{
		{"trusted", p.serverCert, p.interAsCAFile, p.serverKey, "localhost"},
		{"self-signed", p.selfCert, p.selfCert, p.selfKey, "localhost"},
		{"unknown-ca", p.otherCert, p.otherCAFile, p.otherKey, "localhost"},
		{"expired", p.expiredCert, p.interAsCAFile, p.expiredKey, "localhost"},
		{"hostname-mismatch", p.serverCert, p.interAsCAFile, p.serverKey, "wrong.example"},
		{"ip-mismatch", p.serverCert, p.interAsCAFile, p.serverKey, "10.9.8.7"},
		{"ip-match", p.serverCert, p.interAsCAFile, p.serverKey, "127.0.0.1"},
		{"leaf-only", p.serverCert, p.caFile, p.serverKey, "localhost"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startSServer(t, "-cert", tc.cert, "-cert_chain", tc.chain, "-key", tc.key, "-rev", "-naccept", "2")
			hostFlag := "-verify_hostname"
			if net.ParseIP(tc.host) != nil {
				hostFlag = "-verify_ip"
			}
			out := runSClient(t, srv.addr, "", "-CAfile", p.caFile, hostFlag, tc.host)
			wantCode, wantText := sClientVerifyCode(t, out)
			conn, err := net.Dial("tcp", srv.addr)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Client(conn, Settings{CAFile: p.caFile, ServerName: tc.host})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			if err := c.Handshake(); err != nil {
				t.Fatal(err)
			}
			code, text := c.VerifyResult()
			if code != wantCode || text != wantText {
				t.Errorf("verify result %d (%s), s_client says %d (%s)", code, text, wantCode, wantText)
			}
		})
	}
}

var cipherIsRE = regexp.MustCompile(`Cipher is (\S+)`)

// TestCipherChoiceAgreesWithOpenSSLServer offers the same list from
// s_client to openssl s_server and to our server, with and without server
// preference, and compares the suite chosen.
func TestCipherChoiceAgreesWithOpenSSLServer(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	clientList := "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-SHA"
	serverList := "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256"
	for _, pref := range []bool{true, false} {
		t.Run(fmt.Sprintf("server-preference=%v", pref), func(t *testing.T) {
			t.Parallel()
			args := []string{"-cert", p.serverCert, "-key", p.serverKey, "-cipher", serverList, "-naccept", "1", "-rev"}
			if pref {
				args = append(args, "-serverpref")
			}
			srv := startSServer(t, args...)
			out := runSClient(t, srv.addr, "", "-tls1_2", "-cipher", clientList)
			m := cipherIsRE.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("s_client against s_server negotiated nothing:\n%s", out)
			}
			want := m[1]

			ln, done := serveOneHandshake(t, Settings{Certificate: p.serverCert, Key: p.serverKey, Ciphers: serverList, PreferServerCipherOrder: &pref})
			out = runSClient(t, ln.Addr().String(), "", "-tls1_2", "-cipher", clientList)
			if err := <-done; err != nil {
				t.Fatalf("our server: %v\n%s", err, out)
			}
			m = cipherIsRE.FindStringSubmatch(out)
			if m == nil || m[1] != want {
				t.Errorf("our server chose %v, openssl s_server chose %s\n%s", m, want, out)
			}
		})
	}
}

// TestTLS13SuiteAgainstOpenSSLClient: a client that offers only allowed
// TLS 1.3 suites gets one of them; one offering only others is refused.
func TestTLS13SuiteAgainstOpenSSLClient(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	for _, tc := range []struct {
		offer string
		ok    bool
	}{{"TLS_AES_256_GCM_SHA384", true}, {"TLS_CHACHA20_POLY1305_SHA256", true}, {"TLS_AES_128_GCM_SHA256", false}} {
		t.Run(tc.offer, func(t *testing.T) {
			t.Parallel()
			ln, done := serveOneHandshake(t, Settings{Certificate: p.serverCert, Key: p.serverKey,
				Ciphersuites: "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"})
			out := runSClient(t, ln.Addr().String(), "", "-tls1_3", "-ciphersuites", tc.offer)
			err := <-done
			if tc.ok {
				if err != nil || !strings.Contains(out, "Cipher is "+tc.offer) {
					t.Errorf("server error %v; s_client:\n%s", err, out)
				}
				return
			}
			if e := asError(t, err); !e.HasCode(CodeNoSharedCipher) {
				t.Errorf("server error %v, want no shared cipher", e)
			}
		})
	}
}

// TestNoSharedCipherAgreesWithOpenSSL: s_client offering a suite the
// server does not allow sees the same alert from our server as from
// openssl s_server, and both servers report the same error string.
func TestNoSharedCipherAgreesWithOpenSSL(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	srv := startSServer(t, "-cert", p.serverCert, "-key", p.serverKey, "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384", "-tls1_2", "-naccept", "1")
	theirs := runSClient(t, srv.addr, "", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256")
	srvOut := srv.output("no shared cipher")

	ln, done := serveOneHandshake(t, Settings{Certificate: p.serverCert, Key: p.serverKey, Ciphers: "ECDHE-ECDSA-AES256-GCM-SHA384", Method: "tlsv1.2"})
	ours := runSClient(t, ln.Addr().String(), "", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256")
	e := asError(t, <-done)
	for _, str := range e.Strings {
		if !strings.Contains(srvOut, str[len("error:0A0000C1:SSL routines:"):]) {
			t.Errorf("our server error %q not in openssl s_server output:\n%s", str, srvOut)
		}
	}
	const alert = "sslv3 alert handshake failure"
	if !strings.Contains(theirs, alert) || !strings.Contains(ours, alert) {
		t.Errorf("s_client should see %q from both servers\nopenssl:\n%s\nours:\n%s", alert, theirs, ours)
	}
}

var sServerVerifyErrRE = regexp.MustCompile(`verify error:num=(\d+):`)

// TestClientCertificateVerdictAgreesWithSServer presents the same client
// certificates to openssl s_server -Verify with -verify_return_error and to
// our server under verify required, and compares the first verify error.
func TestClientCertificateVerdictAgreesWithSServer(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	serverOnly, err := p.inter.Leaf("server-only.example", minipki.ExtKeyUsage(x509.ExtKeyUsageServerAuth))
	if err != nil {
		t.Fatal(err)
	}
	expired, err := p.inter.Leaf("expired-client.example", minipki.Expired())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, c *minipki.Cert) (string, string) {
		cert, _ := minipki.WriteFile(dir, name+".pem", c.CertPEM())
		key, _ := minipki.WriteFile(dir, name+".key", c.KeyPEM())
		return cert, key
	}
	soCert, soKey := write("server-only", serverOnly)
	exCert, exKey := write("expired", expired)
	selfCert, selfKey := write("self", p.selfSigned)
	other, err := p.otherRoot.Leaf("other-client.example")
	if err != nil {
		t.Fatal(err)
	}
	otCert, otKey := write("other", other)
	cases := []struct{ name, cert, key string }{
		{"trusted", p.clientCert, p.clientKey},
		{"wrong-purpose", soCert, soKey},
		{"expired", exCert, exKey},
		{"self-signed", selfCert, selfKey},
		{"unknown-ca", otCert, otKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clientArgs := []string{"-tls1_3", "-cert", tc.cert, "-key", tc.key, "-cert_chain", p.interAsCAFile}
			srv := startSServer(t, "-cert", p.serverCert, "-key", p.serverKey, "-CAfile", p.caFile,
				"-Verify", "5", "-verify_return_error", "-naccept", "1", "-rev")
			runSClient(t, srv.addr, "x\n", clientArgs...)
			out := srv.finalOutput()
			want := 0
			if m := sServerVerifyErrRE.FindStringSubmatch(out); m != nil {
				want, _ = strconv.Atoi(m[1])
			}
			if (want == 0) != (tc.name == "trusted") {
				t.Fatalf("openssl s_server verdict %d for %s:\n%s", want, tc.name, out)
			}

			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			done := acceptVerifyResult(ln, Settings{Certificate: p.serverCert, Key: p.serverKey, CAFile: p.caFile, Verify: VerifyRequired})
			runSClient(t, ln.Addr().String(), "x\n", clientArgs...)
			if got := <-done; got != want {
				t.Errorf("our server: verify result %d, openssl s_server: %d\n%s", got, want, out)
			}
		})
	}
}

// acceptVerifyResult accepts one connection on ln, runs the handshake of
// a server stream with settings s and sends the verify result it reports
// (-1 when no stream could be made).
func acceptVerifyResult(ln net.Listener, s Settings) <-chan int {
	done := make(chan int, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			done <- -1
			return
		}
		st, err := Server(conn, s)
		if err != nil {
			conn.Close()
			done <- -1
			return
		}
		st.SetDeadline(time.Now().Add(10 * time.Second))
		st.Handshake()
		code, _ := st.VerifyResult()
		st.Close()
		done <- code
	}()
	return done
}

// serveOneHandshake accepts one connection on 127.0.0.1 (OS-chosen port),
// runs a server handshake with settings under a 10 s deadline, closes the
// stream and reports the handshake's error on done. The listener is closed
// when the test ends.
func serveOneHandshake(t *testing.T, settings Settings) (net.Listener, <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	done := make(chan error, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		s, err := Server(conn, settings)
		if err != nil {
			conn.Close()
			done <- err
			return
		}
		s.SetDeadline(time.Now().Add(10 * time.Second))
		err = s.Handshake()
		s.Close()
		done <- err
	}()
	return ln, done
}
