package conformance

import (
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/rawtls"
)

// fuzzDeadline bounds each server handshake of the fuzz target.
const fuzzDeadline = time.Second

// answerOf feeds data to a server run by serve over net.Pipe and returns
// what it answered, up to its ServerHello (then it hangs up, which ends
// the server's handshake at once), its alert and close, or its deadline.
func answerOf(data []byte, serve func(net.Conn)) rawtls.Reply {
	cli, srv := net.Pipe()
	served := make(chan struct{})
	go func() {
		defer close(served)
		serve(srv)
		srv.Close()
	}()
	written := make(chan struct{})
	go func() {
		defer close(written)
		_, _ = cli.Write(data) // ends at the latest when cli is closed
	}()
	r := rawtls.ReadServerHello(cli, 3*time.Second)
	cli.Close()
	<-served
	<-written
	return r
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
// OpenSSL's server order), and, without a ServerHello, the same end of the
// connection.
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
		ours := answerOf(data, func(c net.Conn) {
			st, err := p.ctx.Server(c, nil)
			if err != nil {
				return
			}
			defer st.Close()
			_ = st.SetDeadline(time.Now().Add(fuzzDeadline))
			_ = st.Handshake()
		})
		plain := answerOf(data, func(c net.Conn) {
			tc := tls.Server(c, p.plainCfg)
			defer tc.Close()
			_ = tc.SetDeadline(time.Now().Add(fuzzDeadline))
			_ = tc.Handshake()
		})
		if ours.Outcome() == plain.Outcome() {
			return
		}
		if ours.ServerHello && plain.ServerHello && ours.Version == tls.VersionTLS12 && plain.Version == ours.Version &&
			ours.Suite == opensslPick(p.suites, rawtls.OfferedSuites(data), true) {
			return
		}
		t.Fatalf("ours:  %s\nplain: %s", ours.Outcome(), plain.Outcome())
	})
}
