package conformance

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/rawtls"
)

// memConn is a server's connection in the fuzz target: reads return the
// client's bytes and then io.EOF (the client sends nothing more), writes
// are collected. No timing is involved.
type memConn struct {
	in  []byte
	mu  sync.Mutex
	out []byte
}

func (c *memConn) Read(p []byte) (int, error) {
	if len(c.in) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.in)
	c.in = c.in[n:]
	return n, nil
}

func (c *memConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out = append(c.out, p...)
	return len(p), nil
}

func (c *memConn) Close() error                     { return nil }
func (c *memConn) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }
func (c *memConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }
func (c *memConn) SetDeadline(time.Time) error      { return nil }
func (c *memConn) SetReadDeadline(time.Time) error  { return nil }
func (c *memConn) SetWriteDeadline(time.Time) error { return nil }

// answerOf runs a server handshake (serve) on data and returns what the
// server wrote, parsed, and whether it stopped only because the client's
// bytes ran out (it wanted more).
func answerOf(data []byte, serve func(net.Conn) error) (string, rawtls.Reply) {
	c := &memConn{in: data}
	err := serve(c)
	c.mu.Lock()
	r := rawtls.ParseReply(c.out)
	c.mu.Unlock()
	end := "refused"
	switch {
	case err == nil:
		end = "completed"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		end = "wanted more"
	}
	return r.Outcome() + "; " + end, r
}

// flightSeeds returns the recorded real flights tests/hostile commits as
// seeds of its server fuzz target (the same ClientHellos: crypto/tls,
// openssl s_client, hand-made).
func flightSeeds(f *testing.F) [][]byte {
	files, _ := filepath.Glob(filepath.Join("..", "hostile", "testdata", "fuzz", "FuzzServerHandshake", "flight-*"))
	var out [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.SplitN(string(b), "\n", 3)
		if len(lines) < 2 {
			continue
		}
		v := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(lines[1]), "[]byte("), ")")
		s, err := strconv.Unquote(v)
		if err != nil {
			f.Fatalf("%s: %v", name, err)
		}
		out = append(out, []byte(s))
	}
	return out
}

// FuzzServerAnswersAsPlainCryptoTLS: whatever bytes a client sends first
// (mutations of real ClientHello flights and of the conformance scripts),
// our server answers as a plain crypto/tls server with the same
// certificate and TLS 1.2 suites does: the same alert, or a ServerHello
// with the same version (and suite, but for a TLS 1.2 suite picked in
// OpenSSL's server order), and the same end: refused, or waiting for more
// when the bytes run out. The connection is in memory: no timing.
func FuzzServerAnswersAsPlainCryptoTLS(f *testing.F) {
	for _, sc := range scripts() {
		if sc.bytes == nil || sc.halfClose {
			continue
		}
		if b, err := sc.bytes(); err == nil && len(b) < 20000 {
			f.Add(b)
		}
	}
	for _, b := range flightSeeds(f) {
		f.Add(b)
	}
	p := servePair(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ours, or := answerOf(data, func(c net.Conn) error {
			st, err := p.ctx.Server(c, nil)
			if err != nil {
				return err
			}
			defer st.Close()
			return st.Handshake()
		})
		plain, pr := answerOf(data, func(c net.Conn) error {
			tc := tls.Server(c, p.plainCfg)
			defer tc.Close()
			return tc.Handshake()
		})
		if ours == plain {
			return
		}
		if or.ServerHello && pr.ServerHello && or.Version == tls.VersionTLS12 && pr.Version == or.Version &&
			or.Suite == opensslPick(p.suites, rawtls.OfferedSuites(data), true) &&
			ours == strings.Replace(plain, tls.CipherSuiteName(pr.Suite), tls.CipherSuiteName(or.Suite), 1) {
			return
		}
		t.Fatalf("ours:  %s\nplain: %s", ours, plain)
	})
}

// TestAnswerOfSeesTheServersAnswer: the fuzz target's in-memory exchange
// sees what a server answers: a ServerHello for a real ClientHello (then
// the server wants more), handshake_failure for a CCM-only TLS 1.3 one.
func TestAnswerOfSeesTheServersAnswer(t *testing.T) {
	p := servePair(t)
	serve := func(c net.Conn) error {
		st, err := p.ctx.Server(c, nil)
		if err != nil {
			return err
		}
		defer st.Close()
		return st.Handshake()
	}
	got, _ := answerOf(rawtls.Records(rawtls.Handshake, 0x0301, rawtls.Modern().MustMarshal(), 1<<14), serve)
	// The suite is crypto/tls's pick (AES-GCM or, without AES hardware,
	// ChaCha20-Poly1305).
	if !strings.HasPrefix(got, "ServerHello TLS 1.3 TLS_") || !strings.HasSuffix(got, "; eof; wanted more") {
		t.Errorf("modern ClientHello: %q, want a TLS 1.3 ServerHello and \"wanted more\"", got)
	}
	h := rawtls.Modern()
	h.SupportedVersions, h.CipherSuites = []uint16{tls.VersionTLS13}, []uint16{0x1304}
	got, _ = answerOf(rawtls.Records(rawtls.Handshake, 0x0301, h.MustMarshal(), 1<<14), serve)
	if want := "alert 40 (handshake_failure); eof; refused"; got != want {
		t.Errorf("CCM-only ClientHello: %q, want %q", got, want)
	}
}
