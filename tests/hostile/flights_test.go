package hostile

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/rawtls"
	"github.com/sslstream/sslstream/internal/testproc"
)

// Recorded flights: real ClientHellos (crypto/tls, openssl s_client, and
// hand-made ones crypto/tls does not send) and real server first flights
// (our server and openssl s_server, TLS 1.2 and 1.3), committed as seeds
// of FuzzServerHandshake and FuzzClientHandshake under
// testdata/fuzz/<Target>/flight-*, so the fuzzer mutates real handshakes
// rather than random bytes. Regenerate them with
//
//	SSLSTREAM_RECORD_FLIGHTS=1 go test -run TestRecordFlights ./tests/hostile
const recordEnv = "SSLSTREAM_RECORD_FLIGHTS"

// corpusFile is the fuzz corpus encoding of one []byte argument.
func corpusFile(data []byte) []byte {
	return fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", data)
}

// readCorpusFile decodes a corpus file of one []byte argument.
func readCorpusFile(b []byte) ([]byte, error) {
	lines := strings.SplitN(string(b), "\n", 3)
	if len(lines) < 2 || lines[0] != "go test fuzz v1" {
		return nil, fmt.Errorf("not a fuzz corpus file")
	}
	v, ok := strings.CutPrefix(strings.TrimSpace(lines[1]), "[]byte(")
	if !ok || !strings.HasSuffix(v, ")") {
		return nil, fmt.Errorf("not a []byte value: %q", lines[1])
	}
	s, err := strconv.Unquote(strings.TrimSuffix(v, ")"))
	return []byte(s), err
}

// captureFirstFlight accepts one connection on ln and returns what the
// peer sends first: records until a complete ClientHello (or for a server
// flight, until the peer pauses for idle).
func captureFirstFlight(c net.Conn, idle time.Duration) []byte {
	var out []byte
	buf := make([]byte, 32<<10)
	for {
		_ = c.SetReadDeadline(time.Now().Add(idle))
		n, err := c.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return out
		}
	}
}

// opensslClientHello records the ClientHello openssl s_client sends with
// args.
func opensslClientHello(t *testing.T, args ...string) []byte {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cmd := exec.Command("openssl", append([]string{"s_client", "-connect", ln.Addr().String()}, args...)...)
	p := testproc.Start(t, cmd, nil, false)
	_ = ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	c, err := ln.Accept()
	if err != nil {
		t.Fatalf("s_client did not connect: %v\n%s", err, p)
	}
	defer c.Close()
	return captureFirstFlight(c, 500*time.Millisecond)
}

// serverFlight sends hello to the server at addr and records its first
// flight.
func serverFlight(t *testing.T, addr string, hello []byte) []byte {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(hello); err != nil {
		t.Fatal(err)
	}
	return captureFirstFlight(c, 500*time.Millisecond)
}

// TestRecordFlights writes the recorded flights (only with
// SSLSTREAM_RECORD_FLIGHTS=1; it needs openssl).
func TestRecordFlights(t *testing.T) {
	if os.Getenv(recordEnv) == "" {
		t.Skipf("set %s=1 to record the flight seeds again", recordEnv)
	}
	testproc.Require(t, "openssl")
	p := pki(t)
	hellos := map[string][]byte{
		"crypto-tls-1.3":      clientHello(t, &tls.Config{InsecureSkipVerify: true, ServerName: "localhost", NextProtos: []string{"h2", "http/1.1"}}),
		"crypto-tls-1.2":      clientHello(t, &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12}),
		"openssl-default":     opensslClientHello(t, "-servername", "localhost", "-alpn", "h2,http/1.1"),
		"openssl-tls1.2":      opensslClientHello(t, "-tls1_2"),
		"openssl-tls1.3-ccm":  opensslClientHello(t, "-tls1_3", "-ciphersuites", "TLS_AES_128_CCM_SHA256"),
		"raw-legacy-3.4":      rawtls.Records(rawtls.Handshake, 0x0301, rawtls.Legacy(0x0304).MustMarshal(), 1<<14),
		"raw-1-byte-records":  rawtls.Records(rawtls.Handshake, 0x0301, rawtls.Legacy(0x0303).MustMarshal(), 1),
		"raw-hello-in-3-recs": rawtls.Records(rawtls.Handshake, 0x0301, rawtls.Modern().MustMarshal(), 80),
	}
	ours := healthyAddr(t)
	sref := startOpenSSLServer(t, "-cert", p.serverCert, "-key", p.serverKey)
	flights := map[string][]byte{
		"ours-tls1.3":    serverFlight(t, ours, hellos["crypto-tls-1.3"]),
		"ours-tls1.2":    serverFlight(t, ours, hellos["crypto-tls-1.2"]),
		"openssl-tls1.3": serverFlight(t, sref, hellos["crypto-tls-1.3"]),
		"openssl-tls1.2": serverFlight(t, sref, hellos["crypto-tls-1.2"]),
	}
	write := func(target string, m map[string][]byte) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range m {
			if len(data) == 0 {
				t.Fatalf("%s: nothing recorded", name)
			}
			if err := os.WriteFile(filepath.Join(dir, "flight-"+name), corpusFile(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("FuzzServerHandshake", hellos)
	write("FuzzClientHandshake", flights)
}

var hostileAcceptLine = regexp.MustCompile(`^ACCEPT (.*)$`)

// startOpenSSLServer starts openssl s_server (killed when the test ends).
func startOpenSSLServer(t *testing.T, args ...string) string {
	t.Helper()
	p := testproc.Start(t, exec.Command("openssl", append([]string{"s_server", "-accept", "127.0.0.1:0"}, args...)...), nil, false)
	m, ok := p.WaitForLine(hostileAcceptLine, 10*time.Second)
	if !ok {
		t.Fatalf("openssl s_server did not start:\n%s", p)
	}
	return m[1]
}

// flightSeeds returns the committed flight seeds of target.
func flightSeeds(t *testing.T, target string) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", target, "flight-*"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		data, err := readCorpusFile(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = data
	}
	return out
}

// firstMessage returns the type of the first handshake message carried by
// the handshake records at the start of data, or -1.
func firstMessage(data []byte) int {
	var hs []byte
	for len(data) >= 5 && data[0] == rawtls.Handshake && len(hs) < 4 {
		l := int(data[3])<<8 | int(data[4])
		if len(data) < 5+l {
			break
		}
		hs = append(hs, data[5:5+l]...)
		data = data[5+l:]
	}
	if len(hs) < 4 {
		return -1
	}
	return int(hs[0])
}

// TestFlightSeedsAreRealFlights: the committed seeds are what their names
// say: ClientHellos for the server target (8, from crypto/tls, openssl
// and by hand) and server first flights starting with a ServerHello for
// the client target (4, from our server and openssl s_server); each gets
// the same answer from our server as a real handshake of its kind would:
// a ClientHello seed makes our server answer with a ServerHello.
func TestFlightSeedsAreRealFlights(t *testing.T) {
	server := flightSeeds(t, "FuzzServerHandshake")
	client := flightSeeds(t, "FuzzClientHandshake")
	if len(server) < 8 || len(client) < 4 {
		t.Fatalf("%d ClientHello seeds and %d server flight seeds, want 8 and 4 (regenerate: %s=1)", len(server), len(client), recordEnv)
	}
	for name, data := range client {
		if firstMessage(data) != 2 {
			t.Errorf("%s: first handshake message %d, want ServerHello (2)", name, firstMessage(data))
		}
	}
	addr := healthyAddr(t)
	for name, data := range server {
		if firstMessage(data) != 1 {
			t.Errorf("%s: first handshake message %d, want ClientHello (1)", name, firstMessage(data))
			continue
		}
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.Write(data)
		r := rawtls.ReadServerHello(c, 2*time.Second)
		c.Close()
		wantHello := !strings.Contains(name, "ccm") // crypto/tls has no CCM: handshake_failure
		if r.ServerHello != wantHello || (!wantHello && r.Alert != 40) {
			t.Errorf("%s: our server answered %s", name, r.Outcome())
		}
	}
}
