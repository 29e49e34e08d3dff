package interop

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/internal/testproc"
)

// tcase is one cell of the matrix for one peer and direction.
type tcase struct {
	version    string // "1.2" or "1.3"
	key        keyType
	clientCert bool
}

func (c tcase) name() string {
	cc := "noclientcert"
	if c.clientCert {
		cc = "clientcert"
	}
	return fmt.Sprintf("TLS%s/%s/%s", c.version, c.key, cc)
}

func (c tcase) method() string { return "tlsv" + c.version }

func (c tcase) tlsVersion() uint16 {
	if c.version == "1.2" {
		return tls.VersionTLS12
	}
	return tls.VersionTLS13
}

func (c tcase) openSSLVersion() string { return "TLSv" + c.version }

func (c tcase) gnutlsPriority() string {
	return "NORMAL:-VERS-ALL:+VERS-TLS" + c.version
}

func (c tcase) openSSLVersionFlag() string { return "-tls1_" + c.version[2:] }

// testData returns n bytes of printable lines, different for each seed.
func testData(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	const hex = "0123456789abcdef"
	b := make([]byte, 0, n)
	for len(b) < n {
		lineLen := 20 + r.IntN(100)
		for i := 0; i < lineLen && len(b) < n-1; i++ {
			b = append(b, hex[r.IntN(16)])
		}
		b = append(b, '\n')
	}
	return b
}

// reverseLines reverses every line, the answer of `s_server -rev` and of
// our servers.
func reverseLines(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		body := bytes.TrimSuffix(line, []byte("\n"))
		for i := len(body) - 1; i >= 0; i-- {
			out = append(out, body[i])
		}
		if len(body) < len(line) {
			out = append(out, '\n')
		}
	}
	return out
}

func versionName(v uint16) string {
	switch v {
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS13:
		return "TLSv1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}

// peer is another TLS stack, as a server for our client and as a client
// for our server.
type peer struct {
	name               string
	serverBin, cliBin  string
	startServer        func(t *testing.T, fx *fixtures, c tcase) (port int, p *testproc.Proc)
	serverReply        func(data []byte) []byte
	checkServer        func(t *testing.T, c tcase, p *testproc.Proc) // after our client is done
	runClient          func(t *testing.T, fx *fixtures, c tcase, port int, data []byte) *testproc.Proc
	checkClient        func(t *testing.T, c tcase, p *testproc.Proc, reply []byte)
	clientExitsOnClose bool
}

var (
	acceptRE   = regexp.MustCompile(`^ACCEPT 127\.0\.0\.1:(\d+)$`)
	pyPortRE   = regexp.MustCompile(`^PORT (\d+)$`)
	pyReportRE = regexp.MustCompile(`^(\{.*\})$`)
)

func pythonReport(t *testing.T, p *testproc.Proc) map[string]string {
	t.Helper()
	m, ok := p.WaitForLine(pyReportRE, caseTimeout)
	if !ok {
		t.Fatalf("python peer printed no report\n%s", p.String())
	}
	var r map[string]string
	if err := json.Unmarshal([]byte(m[1]), &r); err != nil {
		t.Fatalf("python report %q: %v", m[1], err)
	}
	return r
}

var peers = []peer{
	{
		name:      "openssl",
		serverBin: "openssl", cliBin: "openssl",
		startServer: func(t *testing.T, fx *fixtures, c tcase) (int, *testproc.Proc) {
			s := fx.server[c.key]
			args := []string{"s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-rev",
				"-cert", s.leaf, "-cert_chain", s.chain, "-key", s.key, c.openSSLVersionFlag()}
			if c.clientCert {
				args = append(args, "-Verify", "2", "-CAfile", fx.caFile, "-verify_return_error")
			}
			p := testproc.Start(t, exec.Command("openssl", args...), nil, false)
			m, ok := p.WaitForLine(acceptRE, caseTimeout)
			if !ok {
				t.Fatalf("s_server did not start\n%s", p.String())
			}
			port, _ := strconv.Atoi(m[1])
			return port, p
		},
		serverReply: reverseLines,
		checkServer: func(t *testing.T, c tcase, p *testproc.Proc) {
			if c.clientCert {
				// s_server -Verify prints the verification of our certificate.
				if _, ok := p.WaitFor(regexp.MustCompile(`depth=0 CN = client\.example`), 5*time.Second); !ok {
					t.Errorf("s_server did not report verifying our client certificate\n%s", p.String())
				}
				if strings.Contains(p.String(), "verify error") {
					t.Errorf("s_server reports a verify error for our client certificate\n%s", p.String())
				}
			}
		},
		runClient: func(t *testing.T, fx *fixtures, c tcase, port int, data []byte) *testproc.Proc {
			args := []string{"s_client", "-connect", "127.0.0.1:" + strconv.Itoa(port), "-servername", "localhost",
				"-CAfile", fx.caFile, "-verify_return_error", "-verify_hostname", "localhost",
				"-brief", "-ign_eof", "-nocommands", c.openSSLVersionFlag()}
			if c.clientCert {
				cl := fx.client[c.key]
				args = append(args, "-cert", cl.leaf, "-cert_chain", cl.chain, "-key", cl.key)
			}
			return testproc.Start(t, exec.Command("openssl", args...), data, false)
		},
		checkClient: func(t *testing.T, c tcase, p *testproc.Proc, reply []byte) {
			out := p.Stderr.String()
			if !strings.Contains(out, "Protocol version: "+c.openSSLVersion()) {
				t.Errorf("s_client did not report %s\n%s", c.openSSLVersion(), p.String())
			}
			if !strings.Contains(out, "Verification: OK") {
				t.Errorf("s_client did not verify our server's chain\n%s", p.String())
			}
			if !bytes.Contains(p.Stdout.Bytes(), reply) {
				t.Errorf("s_client output lacks our %d-byte answer\n%s", len(reply), p.String())
			}
		},
		clientExitsOnClose: true,
	},
	{
		name:      "gnutls",
		serverBin: "gnutls-serv", cliBin: "gnutls-cli",
		startServer: func(t *testing.T, fx *fixtures, c tcase) (int, *testproc.Proc) {
			s := fx.server[c.key]
			args := []string{"-p", "0", "--echo", "--x509certfile", s.fullchain, "--x509keyfile", s.key,
				"--priority", c.gnutlsPriority()}
			if c.clientCert {
				args = append(args, "--require-client-cert", "--verify-client-cert", "--x509cafile", fx.caFile)
			} else {
				args = append(args, "--disable-client-cert")
			}
			p := testproc.Start(t, exec.Command("gnutls-serv", args...), nil, false)
			port, err := listeningPort(p.Pid(), caseTimeout)
			if err != nil {
				t.Fatalf("gnutls-serv listening port: %v\n%s", err, p.String())
			}
			return port, p
		},
		serverReply: func(data []byte) []byte { return data },
		checkServer: func(t *testing.T, c tcase, p *testproc.Proc) {
			if c.clientCert {
				// gnutls-serv prints the client certificate's status.
				if _, ok := p.WaitFor(regexp.MustCompile(`(?i)certificate is trusted`), 5*time.Second); !ok {
					t.Errorf("gnutls-serv did not report our client certificate as trusted\n%s", p.String())
				}
			}
		},
		runClient: func(t *testing.T, fx *fixtures, c tcase, port int, data []byte) *testproc.Proc {
			args := []string{"-p", strconv.Itoa(port), "--x509cafile", fx.caFile, "--verify-hostname", "localhost",
				"--priority", c.gnutlsPriority()}
			if c.clientCert {
				cl := fx.client[c.key]
				args = append(args, "--x509certfile", cl.fullchain, "--x509keyfile", cl.key)
			}
			args = append(args, "127.0.0.1")
			return testproc.Start(t, exec.Command("gnutls-cli", args...), data, false)
		},
		checkClient: func(t *testing.T, c tcase, p *testproc.Proc, reply []byte) {
			out := p.Stdout.String()
			if !strings.Contains(out, "(TLS"+c.version+"-") {
				t.Errorf("gnutls-cli did not report TLS%s\n%s", c.version, p.String())
			}
			if !strings.Contains(out, "The certificate is trusted.") {
				t.Errorf("gnutls-cli did not trust our server's chain\n%s", p.String())
			}
			if !bytes.Contains(p.Stdout.Bytes(), reply) {
				t.Errorf("gnutls-cli output lacks our %d-byte answer\n%s", len(reply), p.String())
			}
		},
		clientExitsOnClose: true,
	},
	{
		name:      "python",
		serverBin: "python3", cliBin: "python3",
		startServer: func(t *testing.T, fx *fixtures, c tcase) (int, *testproc.Proc) {
			s := fx.server[c.key]
			req := "0"
			if c.clientCert {
				req = "1"
			}
			p := testproc.Start(t, exec.Command("python3", fx.pyFile, "server", c.version, fx.caFile, s.fullchain, s.key, req), nil, false)
			m, ok := p.WaitForLine(pyPortRE, caseTimeout)
			if !ok {
				t.Fatalf("python server did not start\n%s", p.String())
			}
			port, _ := strconv.Atoi(m[1])
			return port, p
		},
		serverReply: reverseLines,
		checkServer: func(t *testing.T, c tcase, p *testproc.Proc) {
			r := pythonReport(t, p)
			if r["version"] != c.openSSLVersion() {
				t.Errorf("python server negotiated %q, want %s", r["version"], c.openSSLVersion())
			}
			want := ""
			if c.clientCert {
				want = "client.example"
			}
			if r["peer_cn"] != want {
				t.Errorf("python server saw client certificate %q, want %q", r["peer_cn"], want)
			}
		},
		runClient: func(t *testing.T, fx *fixtures, c tcase, port int, data []byte) *testproc.Proc {
			cert, key := "-", "-"
			if c.clientCert {
				cert, key = fx.client[c.key].fullchain, fx.client[c.key].key
			}
			return testproc.Start(t, exec.Command("python3", fx.pyFile, "client", c.version, fx.caFile, cert, key,
				strconv.Itoa(port), strconv.Itoa(len(data))), data, true)
		},
		checkClient: func(t *testing.T, c tcase, p *testproc.Proc, reply []byte) {
			r := pythonReport(t, p)
			if r["version"] != c.openSSLVersion() {
				t.Errorf("python client negotiated %q, want %s", r["version"], c.openSSLVersion())
			}
			if r["peer_cn"] != "localhost" {
				t.Errorf("python client saw server certificate %q, want localhost", r["peer_cn"])
			}
			if !bytes.Equal(p.Stdout.Bytes(), reply) {
				t.Errorf("python client received %d bytes, want our %d-byte answer\n%s", len(p.Stdout.Bytes()), len(reply), p.String())
			}
		},
		clientExitsOnClose: true,
	},
}

func allCases() []tcase {
	var cs []tcase
	for _, v := range []string{"1.2", "1.3"} {
		for _, k := range []keyType{rsaKey, ecdsaKey} {
			for _, cc := range []bool{false, true} {
				cs = append(cs, tcase{v, k, cc})
			}
		}
	}
	return cs
}

// dataSize is how much each side sends in every case.
const dataSize = 48 << 10

// TestInterop is the matrix: every peer, as server (our client) and as
// client (our server), for every version, key type and client-certificate
// choice. Each case moves data both ways and checks it, and checks the
// protocol version and the verify results on both sides. Each passing case
// logs one RESULT line (docs/INTEROP.md is made from them).
func TestInterop(t *testing.T) {
	t.Parallel()
	fx := pki(t)
	for _, p := range peers {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			for i, c := range allCases() {
				t.Run("ours-client/"+c.name(), func(t *testing.T) {
					t.Parallel()
					testproc.Require(t, p.serverBin)
					ourClient(t, fx, p, c, uint64(2*i))
				})
				t.Run("ours-server/"+c.name(), func(t *testing.T) {
					t.Parallel()
					testproc.Require(t, p.cliBin)
					ourServer(t, fx, p, c, uint64(2*i+1))
				})
			}
		})
	}
}

// endpointReport is what our side saw, checked the same way in both directions.
type endpointReport struct {
	version  uint16
	cipher   uint16
	verify   int
	verifyS  string
	peerCN   string
	received []byte
}

func checkOurSide(t *testing.T, side string, c tcase, r endpointReport, wantPeerCN string) {
	t.Helper()
	if r.version != c.tlsVersion() {
		t.Errorf("%s: negotiated %s, want %s", side, versionName(r.version), c.openSSLVersion())
	}
	if r.verify != 0 || r.verifyS != "ok" {
		t.Errorf("%s: verify result %d (%s), want 0 (ok)", side, r.verify, r.verifyS)
	}
	if r.peerCN != wantPeerCN {
		t.Errorf("%s: peer certificate CN %q, want %q", side, r.peerCN, wantPeerCN)
	}
}

func streamReport(s *sslstream.Stream) (endpointReport, error) {
	var r endpointReport
	cs := s.ConnectionState()
	r.version, r.cipher = cs.Version, cs.CipherSuite
	r.verify, r.verifyS = s.VerifyResult()
	pc, err := s.PeerCertificate()
	if err != nil {
		return r, err
	}
	if pc != nil {
		r.peerCN = pc.X509().Subject.CommonName
	}
	return r, nil
}

func ourClient(t *testing.T, fx *fixtures, p peer, c tcase, seed uint64) {
	port, proc := p.startServer(t, fx, c)
	data := testData(seed, dataSize)
	want := p.serverReply(data)
	settings := sslstream.Settings{
		Method:     c.method(),
		CAFile:     fx.caFile,
		Verify:     sslstream.VerifyRequired,
		ServerName: "localhost",
	}
	if c.clientCert {
		settings.Certificate, settings.Key = fx.client[c.key].fullchain, fx.client[c.key].key
	}
	var rep endpointReport
	runWithin(t, caseTimeout, "our client", func(ctx context.Context) error {
		d := net.Dialer{}
		conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return err
		}
		s, err := sslstream.Client(conn, settings)
		if err != nil {
			conn.Close()
			return err
		}
		defer s.Close()
		_ = s.SetDeadline(time.Now().Add(caseTimeout))
		if err := s.HandshakeContext(ctx); err != nil {
			return err
		}
		werr := make(chan error, 1)
		go func() {
			_, err := s.Write(data)
			if err == nil {
				err = s.Flush()
			}
			werr <- err
		}()
		got := make([]byte, len(want))
		if _, err := io.ReadFull(s, got); err != nil {
			return fmt.Errorf("reading the answer: %w", err)
		}
		if err := <-werr; err != nil {
			return fmt.Errorf("sending: %w", err)
		}
		rep, err = streamReport(s)
		rep.received = got
		return err
	})
	if !bytes.Equal(rep.received, want) {
		t.Fatalf("answer of %s differs from what was expected (%d bytes)", p.name, len(want))
	}
	checkOurSide(t, "our client", c, rep, "localhost")
	p.checkServer(t, c, proc)
	if !t.Failed() {
		t.Logf("RESULT peer=%s role=%s-server/sslstream-client version=%s key=%s clientcert=%v cipher=%s verify=%d bytes=%d+%d ok",
			p.name, p.name, versionName(rep.version), c.key, c.clientCert, tls.CipherSuiteName(rep.cipher), rep.verify, len(data), len(want))
	}
}

func ourServer(t *testing.T, fx *fixtures, p peer, c tcase, seed uint64) {
	data := testData(seed, dataSize)
	reply := reverseLines(data)
	settings := sslstream.Settings{
		Method:      c.method(),
		Certificate: fx.server[c.key].fullchain,
		Key:         fx.server[c.key].key,
	}
	wantCN := ""
	if c.clientCert {
		settings.Verify, settings.CAFile = sslstream.VerifyRequired, fx.caFile
		wantCN = "client.example"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_ = ln.(*net.TCPListener).SetDeadline(time.Now().Add(caseTimeout))
	type result struct {
		rep endpointReport
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() { done <- r }()
		conn, err := ln.Accept()
		if err != nil {
			r.err = err
			return
		}
		s, err := sslstream.Server(conn, settings)
		if err != nil {
			conn.Close()
			r.err = err
			return
		}
		defer s.Close()
		_ = s.SetDeadline(time.Now().Add(caseTimeout))
		got := make([]byte, len(data))
		if _, err := io.ReadFull(s, got); err != nil {
			r.err = fmt.Errorf("reading the client's data: %w", err)
			return
		}
		if !bytes.Equal(got, data) {
			r.err = fmt.Errorf("received data differs from what %s was given", p.name)
			return
		}
		if _, err := s.Write(reply); err != nil {
			r.err = err
			return
		}
		if err := s.Flush(); err != nil {
			r.err = err
			return
		}
		r.rep, r.err = streamReport(s)
	}()
	proc := p.runClient(t, fx, c, ln.Addr().(*net.TCPAddr).Port, data)
	var r result
	select {
	case r = <-done:
	case <-time.After(caseTimeout + 5*time.Second):
		t.Fatalf("our server did not finish\n%s", proc.String())
	}
	if r.err != nil {
		t.Fatalf("our server: %v\n%s", r.err, proc.String())
	}
	if p.clientExitsOnClose && !proc.Wait(caseTimeout) {
		t.Errorf("%s client did not exit after our close\n%s", p.name, proc.String())
	}
	checkOurSide(t, "our server", c, r.rep, wantCN)
	p.checkClient(t, c, proc, reply)
	if !t.Failed() {
		t.Logf("RESULT peer=%s role=sslstream-server/%s-client version=%s key=%s clientcert=%v cipher=%s verify=%d bytes=%d+%d ok",
			p.name, p.name, versionName(r.rep.version), c.key, c.clientCert, tls.CipherSuiteName(r.rep.cipher), r.rep.verify, len(data), len(reply))
	}
}
