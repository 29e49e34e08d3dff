package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/internal/testproc"
)

// TestLineWriterKeepsLinesWholeAndInOrder: lines written from many
// goroutines at once come out whole, each goroutine's in its order, none
// lost, also those written after Close.
func TestLineWriterKeepsLinesWholeAndInOrder(t *testing.T) {
	t.Parallel()
	var out testproc.Buffer
	lw := newLineWriter(&out)
	const writers, lines = 16, 500
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				fmt.Fprintf(lw, "writer %d line %d %s\n", g, i, strings.Repeat("x", i%50))
			}
		}()
	}
	wg.Wait()
	lw.Close()
	fmt.Fprintf(lw, "after close\n")
	lw.Close() // twice: harmless
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines+1 {
		t.Fatalf("%d lines, want %d", len(got), writers*lines+1)
	}
	next := make([]int, writers)
	for _, l := range got[:len(got)-1] {
		var g, i int
		var pad string
		if n, err := fmt.Sscanf(l, "writer %d line %d %s", &g, &i, &pad); (err != nil && i%50 != 0) || n < 2 {
			t.Fatalf("mangled line %q", l)
		}
		if i != next[g] || len(pad) != i%50 {
			t.Fatalf("writer %d: line %q, want line %d", g, l, next[g])
		}
		next[g]++
	}
	if got[len(got)-1] != "after close" {
		t.Errorf("last line %q, want the one written after Close", got[len(got)-1])
	}
}

// countingWriter counts the writes it is given and keeps their bytes.
type countingWriter struct {
	mu     sync.Mutex
	writes int
	b      bytes.Buffer
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	return w.b.Write(p)
}

func (w *countingWriter) counts() (writes, lines int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writes, bytes.Count(w.b.Bytes(), []byte("\n"))
}

// TestLineWriterBatches: a burst of lines from many goroutines reaches the
// underlying writer in a few writes, not one per line, and a line written
// to a quiet lineWriter comes out soon (logBatchMin), without Close.
func TestLineWriterBatches(t *testing.T) {
	t.Parallel()
	var out countingWriter
	lw := newLineWriter(&out)
	defer lw.Close()
	const writers, lines = 8, 250
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				fmt.Fprintf(lw, "Connection from writer %d: line %d\n", g, i)
			}
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for {
		w, n := out.counts()
		if n == writers*lines {
			// Generous for a loaded machine: a burst this size takes a
			// few milliseconds, the batches grow from logBatchMin.
			if w > 50 {
				t.Errorf("%d lines in %d writes: not batched", n, w)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d lines written after 10 s", n, writers*lines)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Quiet now: one more line comes out by itself.
	time.Sleep(2 * logBatchMax)
	w0, _ := out.counts()
	start := time.Now()
	fmt.Fprintf(lw, "one more\n")
	for {
		if w, n := out.counts(); n == writers*lines+1 {
			if w != w0+1 {
				t.Errorf("the quiet line took %d writes", w-w0)
			}
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("a line written to a quiet lineWriter was not written within 10 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// inProcessServer runs a server of the shared test certificate with echo
// on; stop ends it and waits for it.
func inProcessServer(t *testing.T, hsTimeout time.Duration) (srv *server, stderr *testproc.Buffer, stop func()) {
	t.Helper()
	p := getNetPKI(t)
	sctx, err := sslstream.NewServerContext(sslstream.Settings{Certificate: p.path("server.pem"), Key: p.path("server.key")})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stderr = &testproc.Buffer{}
	lw := newLineWriter(stderr)
	e := &env{ctx: ctx, stdin: strings.NewReader(""), stdout: io.Discard, stderr: lw}
	srv = newServer(e, sctx, ln)
	srv.echo, srv.hsTimeout = true, hsTimeout
	done := make(chan error, 1)
	go func() { done <- srv.serve() }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("server did not stop:\n%s", stderr)
			}
			lw.Close()
		})
	}
	t.Cleanup(stop)
	return srv, stderr, stop
}

func netRoots(t *testing.T) *x509.CertPool {
	t.Helper()
	caPEM, err := os.ReadFile(getNetPKI(t).path("ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	return roots
}

// TestServerEchoHandsOffWhenIdle checks both ways an echo connection is
// served: a client that sends at once, reads and closes is served by the
// handshake's goroutine alone; one that waits longer than the server's
// idleAfter, after the handshake or between two messages, continues in a
// fresh goroutine and is echoed all the same. The busy client has a
// server whose idleAfter is far longer than a loaded machine's stalls;
// the quiet ones one whose idleAfter is short.
func TestServerEchoHandsOffWhenIdle(t *testing.T) {
	t.Parallel()
	busy, busyErr, stopBusy := inProcessServer(t, 10*time.Second)
	defer stopBusy()
	busy.idleAfter.Store(int64(10 * time.Second))
	srv, stderr, stop := inProcessServer(t, 10*time.Second)
	defer stop()
	srv.idleAfter.Store(int64(50 * time.Millisecond))
	cfg := &tls.Config{RootCAs: netRoots(t), ServerName: "server.example"}
	echo := func(c *tls.Conn, msg string) {
		t.Helper()
		if _, err := c.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatalf("reading the echo of %q: %v\n%s", msg, err, stderr)
		}
		if string(got) != msg {
			t.Fatalf("echo %q, want %q", got, msg)
		}
	}
	dial := func(srv *server) *tls.Conn {
		t.Helper()
		c, err := tls.Dial("tcp", srv.ln.Addr().String(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(20 * time.Second))
		return c
	}
	// Busy: several messages at once, then close; the server's side of it
	// is over when nopen is back to 0.
	c := dial(busy)
	for _, m := range []string{"one", "two", "three"} {
		echo(c, m)
	}
	c.Close()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("%s\n%s%s", what, busyErr, stderr)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor("the busy connection was not closed", func() bool { return busy.nopen.Load() == 0 })
	// Busy for several times the sweeper's idleAfter, never quiet that
	// long: still served by its handshake's goroutine.
	chatty, chattyErr, stopChatty := inProcessServer(t, 10*time.Second)
	defer stopChatty()
	chatty.idleAfter.Store(int64(400 * time.Millisecond))
	c = dial(chatty)
	for end := time.Now().Add(1500 * time.Millisecond); time.Now().Before(end); {
		echo(c, "tick")
		time.Sleep(5 * time.Millisecond)
	}
	if n := chatty.idle.Load(); n != 0 {
		t.Errorf("a connection that kept sending was handed off (%d)\n%s", n, chattyErr)
	}
	c.Close()
	if n := busy.idle.Load(); n != 0 {
		t.Errorf("a busy connection was handed off (%d)", n)
	}
	// Quiet after the handshake, then quiet between two messages.
	c = dial(srv)
	defer c.Close()
	if err := c.Handshake(); err != nil {
		t.Fatal(err)
	}
	waitFor("a connection quiet after its handshake was not handed off", func() bool { return srv.idle.Load() == 1 })
	echo(c, "after the hand-off")
	c2 := dial(srv)
	defer c2.Close()
	echo(c2, "first")
	waitFor("a connection quiet after its first message was not handed off", func() bool { return srv.idle.Load() == 2 })
	echo(c2, "second")
	echo(c, "again")
}

// pingEcho sends "ping" on c and reads its echo, within timeout.
func pingEcho(c *tls.Conn, timeout time.Duration) error {
	c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write([]byte("ping")); err != nil {
		return err
	}
	got := make([]byte, 4)
	if _, err := io.ReadFull(c, got); err != nil || string(got) != "ping" {
		return fmt.Errorf("echo %q, %v; want %q", got, err, "ping")
	}
	return nil
}

// TestServerReusesHandshakeGoroutines: connections one after another are
// served by one goroutine, whose stack grew in the first handshake
// (internal/workpool), and a connection handed off when idle gives its
// handshake's goroutine back for the next connection while it stays open.
func TestServerReusesHandshakeGoroutines(t *testing.T) {
	t.Parallel()
	srv, stderr, stop := inProcessServer(t, 10*time.Second)
	defer stop()
	srv.idleAfter.Store(int64(50 * time.Millisecond))
	cfg := &tls.Config{RootCAs: netRoots(t), ServerName: "server.example"}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting until %s\n%s", what, stderr)
			}
			time.Sleep(time.Millisecond)
		}
	}
	echo := func(c *tls.Conn) {
		t.Helper()
		if err := pingEcho(c, 20*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	const conns = 20
	for range conns {
		c, err := tls.Dial("tcp", srv.ln.Addr().String(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		echo(c)
		c.Close()
		waitFor("the connection's goroutine waits for the next", func() bool {
			return srv.nopen.Load() == 0 && srv.workers.Waiting() == 1
		})
	}
	if got := srv.workers.Started(); got != 1 {
		t.Errorf("%d connections one after another started %d handshake goroutines, want 1", conns, got)
	}
	// Quiet after its echo: handed off, and its handshake's goroutine
	// serves the next connection.
	quiet, err := tls.Dial("tcp", srv.ln.Addr().String(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer quiet.Close()
	echo(quiet)
	waitFor("the quiet connection is handed off and its goroutine waits", func() bool {
		return srv.idle.Load() == 1 && srv.workers.Waiting() == 1
	})
	c, err := tls.Dial("tcp", srv.ln.Addr().String(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	echo(c)
	c.Close()
	echo(quiet)
	if got := srv.workers.Started(); got != 1 {
		t.Errorf("a connection after a hand-off started a handshake goroutine of its own (%d in all), want none", got)
	}
}

// TestServerEchoHoldsNoBufferWhenIdle: --echo sends back what it gets, in
// writes of every size up to several records, and a connection waiting for
// more holds none of the echo buffers (they are lent only while data flows).
func TestServerEchoHoldsNoBufferWhenIdle(t *testing.T) {
	t.Parallel()
	srv, stderr, stop := inProcessServer(t, 10*time.Second)
	cfg := &tls.Config{RootCAs: netRoots(t), ServerName: "server.example"}
	var conns []*tls.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for _, size := range []int{1, 2, 100, 16383, 16384, 16385, 100000} {
		c, err := tls.Dial("tcp", srv.ln.Addr().String(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		c.SetDeadline(time.Now().Add(20 * time.Second))
		data := bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstu\n"), size/32+1)[:size]
		werr := make(chan error, 1)
		go func() {
			// In odd pieces, so that records and Reads do not line up.
			rest := data
			for len(rest) > 0 {
				n := min(len(rest), 7000)
				if _, err := c.Write(rest[:n]); err != nil {
					werr <- err
					return
				}
				rest = rest[n:]
			}
			werr <- nil
		}()
		got := make([]byte, size)
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatalf("size %d: reading the echo: %v", size, err)
		}
		if err := <-werr; err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("size %d: the echo differs", size)
		}
	}
	// Every connection is open and idle now: none may hold a buffer.
	deadline := time.Now().Add(10 * time.Second)
	for srv.bufs.lent.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d echo buffers held by idle connections", srv.bufs.lent.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := srv.nopen.Load(); n != int64(len(conns)) {
		t.Errorf("%d open connections counted, want %d", n, len(conns))
	}
	stop()
	// The stop closed them with close_notify.
	for _, c := range conns {
		if _, err := c.Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("read after the stop: %v, want EOF", err)
		}
	}
	wantContains(t, "server log", stderr.String(), "Stopping: closing 7 open connection(s)")
}

// TestServerHandshakeTimeout: a client that sends nothing is dropped after
// --handshake-timeout, with the line saying what the server waited for.
func TestServerHandshakeTimeout(t *testing.T) {
	t.Parallel()
	srv, stderr, _ := inProcessServer(t, 200*time.Millisecond)
	c, err := net.Dial("tcp", srv.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read from a silent connection: %v, want it closed by the server", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stderr.String(), "handshake failed") {
		if time.Now().After(deadline) {
			t.Fatalf("no handshake failure logged:\n%s", stderr)
		}
		time.Sleep(5 * time.Millisecond)
	}
	wantContains(t, "server log", stderr.String(), "waiting for the ClientHello (nothing received)")
	for srv.nopen.Load() != 0 { // the line comes just before the count drops
		if time.Now().After(deadline) {
			t.Fatalf("%d open connections counted after the only one was dropped", srv.nopen.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestReadAheadConn: reads of any size through a readAheadConn return the
// bytes in order, and an error that came with data after that data.
func TestReadAheadConn(t *testing.T) {
	t.Parallel()
	data := make([]byte, 3*readAheadSize+123)
	for i := range data {
		data[i] = byte(i * 7)
	}
	a, b := net.Pipe()
	go func() {
		for rest := data; len(rest) > 0; {
			n := min(len(rest), 50000)
			a.Write(rest[:n])
			rest = rest[n:]
		}
		a.Close()
	}()
	r := newReadAheadConn(b)
	defer r.Close()
	var got []byte
	sizes := []int{1, 5, 517, 16389, readAheadSize, readAheadSize + 1}
	for i := 0; ; i++ {
		buf := make([]byte, sizes[i%len(sizes)])
		n, err := r.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, not the %d written", len(got), len(data))
	}
}

// TestServerRevMatchesOpenSSL: --rev answers as openssl s_server -rev
// does, byte for byte (CR inside a line kept, trailing CR/LF dropped, a
// line CLOSE ends the connection and what follows gets no answer).
func TestServerRevMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getNetPKI(t)
	long := strings.Repeat("0123456789", 2000) // longer than one 16 KiB piece
	input := "ab\rcd\r\n\r\r\nhello world\n" + long + "\nCLOSE\nnot this\n"
	answer := func(port string) string {
		r := opensslUntil(t, p.dir, input, "dlrow olleh", "s_client", "-connect", "127.0.0.1:"+port, "-quiet", "-no_ign_eof")
		return r.stdout
	}
	_, oport := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-rev", "-naccept", "1")
	want := answer(oport)
	_, port := startOurServer(t, "--certificate", p.path("server.pem"), "--key", p.path("server.key"), "--rev")
	got := answer(port)
	if !strings.HasPrefix(want, "dc\rba\n\ndlrow olleh\n") {
		t.Fatalf("openssl s_server -rev answered %q...: not what this test expects of it", want[:min(len(want), 40)])
	}
	if got != want {
		t.Errorf("--rev answered %d bytes %q..., s_server -rev %d bytes %q...", len(got), got[:min(len(got), 60)], len(want), want[:min(len(want), 60)])
	}
	if strings.Contains(got, "siht ton") {
		t.Errorf("--rev answered a line after CLOSE")
	}
}

// startServerIn runs `sslstream server` with dir as its current directory.
func startServerIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binPath, append([]string{"server", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	p := testproc.Start(t, cmd, nil, false)
	m, ok := p.WaitForLine(ourListening, 20*time.Second)
	if !ok {
		t.Fatalf("server did not start:\n%s", p)
	}
	return m[1]
}

// get sends a request line to the server at port and returns all it
// answered before closing.
func get(t *testing.T, port, request string) string {
	t.Helper()
	c, err := tls.Dial("tcp", "127.0.0.1:"+port, &tls.Config{RootCAs: netRoots(t), ServerName: "server.example"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, request+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("%s: %v (after %q)", request, err, b)
	}
	return string(b)
}

// TestServerFilesConfined: --www-files and --http-files serve the files
// under their directory, as s_server -WWW and -HTTP frame them, and
// nothing outside it: no "..", no absolute path, no symbolic link (to a
// file or a directory) that leads out, no directory, no device.
func TestServerFilesConfined(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("SECRET\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"index.html":    "<b>hi</b>\n",
		"a.txt":         "plain\n",
		"sub/b.htm":     "<i>b</i>\n",
		"response.http": "HTTP/1.0 200 ok\r\nX-Test: 1\r\n\r\nbody\n",
	}
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		"out-file": secret, "out-dir": outside, "out-relative": "../" + filepath.Base(outside) + "/secret.txt",
		"in-link": "sub/../a.txt", "null": os.DevNull,
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	cert := []string{"--certificate", p.path("server.pem"), "--key", p.path("server.key")}
	www := startServerIn(t, dir, append(cert, "--www-files")...)
	httpPort := startServerIn(t, dir, append(cert, "--http-files")...)
	head := func(ctype string) string { return "HTTP/1.0 200 ok\r\nContent-type: " + ctype + "\r\n\r\n" }
	for _, tc := range []struct{ path, want string }{
		{"/index.html", head("text/html") + files["index.html"]},
		{"/a.txt", head("text/plain") + files["a.txt"]},
		{"/sub/b.htm", head("text/html") + files["sub/b.htm"]},
		{"/in-link", head("text/plain") + files["a.txt"]},
	} {
		if got := get(t, www, "GET "+tc.path+" HTTP/1.0"); got != tc.want {
			t.Errorf("--www-files GET %s: %q, want %q", tc.path, got, tc.want)
		}
	}
	if got := get(t, httpPort, "GET /response.http HTTP/1.0"); got != files["response.http"] {
		t.Errorf("--http-files: %q, want the file as it is", got)
	}
	for _, port := range []string{www, httpPort} {
		for _, tc := range []struct{ path, want string }{
			{"/../" + filepath.Base(outside) + "/secret.txt", "contains '..' or ':'"},
			{"/sub/../../x", "contains '..' or ':'"},
			{"/" + secret, "is an invalid path"},
			{"/out-file", "Error opening 'out-file'"},
			{"/out-dir/secret.txt", "Error opening 'out-dir/secret.txt'"},
			{"/out-relative", "Error opening 'out-relative'"},
			{"/null", "Error opening 'null'"},
			{"/sub", "'sub' is a directory"},
			{"/missing", "Error opening 'missing'"},
		} {
			got := get(t, port, "GET "+tc.path+" HTTP/1.0")
			if strings.Contains(got, "SECRET") || !strings.HasPrefix(got, head("text/plain")) || !strings.Contains(got, tc.want) {
				t.Errorf("GET %s: %q, want a refusal with %q", tc.path, got, tc.want)
			}
		}
	}
	r := sslstreamIn(t, dir, nil, "server", "--listen", "127.0.0.1:0", "--certificate", p.path("server.pem"), "--www-files", "--echo")
	wantCode(t, r, 1)
	wantContains(t, "two modes", r.stderr, "choose one")
}

// TestServerWWWFilesMatchOpenSSL: for the files it serves and the
// refusals s_server also makes, --www-files answers as s_server -WWW.
func TestServerWWWFilesMatchOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getNetPKI(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "page.html"), []byte("<p>page</p>\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("notes\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	ours := startServerIn(t, dir, "--certificate", p.path("server.pem"), "--key", p.path("server.key"), "--www-files")
	for _, path := range []string{"/page.html", "/notes.txt", "/../x", "/sub", "//etc/passwd"} {
		cmd := exec.Command("openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", p.path("server.pem"), "-key", p.path("server.key"),
			"-cert_chain", p.path("inter.pem"), "-WWW", "-naccept", "1")
		cmd.Dir = dir
		op := testproc.Start(t, cmd, nil, false)
		m, ok := op.WaitForLine(opensslAccept, 20*time.Second)
		if !ok {
			t.Fatalf("s_server did not start:\n%s", op)
		}
		want := get(t, m[1], "GET "+path+" HTTP/1.0")
		if got := get(t, ours, "GET "+path+" HTTP/1.0"); got != want {
			t.Errorf("GET %s: %q, s_server -WWW %q", path, got, want)
		}
	}
}

// TestServerWWWPageMatchesOpenSSL: the status page of --www carries what
// s_server -www's does for the same client: the framing, the suites both
// ends share (in the client's order), the session line and the session's
// protocol, suite and verify result.
func TestServerWWWPageMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getNetPKI(t)
	client := []string{"-quiet", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:AES128-SHA",
		"-ciphersuites", "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"}
	page := func(port string) string {
		r := opensslUntil(t, p.dir, "GET / HTTP/1.0\r\n\r\n", "</HTML>", append([]string{"s_client", "-connect", "127.0.0.1:" + port}, client...)...)
		return r.stdout
	}
	_, oport := startOpenSSLServer(t, p.dir, "-cert", "server.pem", "-key", "server.key", "-www", "-naccept", "1")
	want := page(oport)
	_, port := startOurServer(t, "--certificate", p.path("server.pem"), "--key", p.path("server.key"), "--www")
	got := page(port)
	block := func(page, from string) string {
		_, rest, ok := strings.Cut(page, from)
		if !ok {
			return "(missing)"
		}
		b, _, _ := strings.Cut(rest, "---\n")
		b, _, _ = strings.Cut(b, "Signature Algorithms:") // the suites only (TestServerWWWPageLineByLine has the rest)
		return b
	}
	line := func(page, prefix string) string {
		for _, l := range strings.Split(page, "\n") {
			if strings.HasPrefix(l, prefix) {
				return l
			}
		}
		return "(missing " + prefix + ")"
	}
	if !strings.HasPrefix(got, "HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n<HTML><BODY BGCOLOR=\"#ffffff\">\n<pre>\n") ||
		!strings.HasSuffix(got, "</pre></BODY></HTML>\r\n\r\n") {
		t.Errorf("page framing differs from s_server's:\n%s", got)
	}
	if g, w := block(got, "Ciphers common between both SSL end points:\n"), block(want, "Ciphers common between both SSL end points:\n"); g != w {
		t.Errorf("shared suites:\n%s\ns_server -www:\n%s", g, w)
	}
	for _, prefix := range []string{"New, ", "    Protocol  :", "    Cipher    :", "    Verify return code:", "no client certificate", "Secure Renegotiation"} {
		if g, w := line(got, prefix), line(want, prefix); g != w {
			t.Errorf("line %q, s_server -www %q", g, w)
		}
	}
}

// TestSubjectCache: the cache of the line's client certificate subject
// gives each subject's own one-line form (dn.String) whatever the order
// subjects come in, the same subject again included, and so does a nil
// cache.
func TestSubjectCache(t *testing.T) {
	t.Parallel()
	var ders [][]byte
	for _, n := range []pkix.Name{
		{CommonName: "alice"},
		{CommonName: "bob", Organization: []string{"Example"}},
		{CommonName: "alice", Organization: []string{"Example"}},
	} {
		der, err := asn1.Marshal(n.ToRDNSequence())
		if err != nil {
			t.Fatal(err)
		}
		ders = append(ders, der)
	}
	var c subjectCache
	for _, i := range []int{0, 0, 1, 0, 2, 2, 1} {
		want := dn.String(ders[i])
		if got := c.text(ders[i]); got != want {
			t.Errorf("subject %d: %q, want %q", i, got, want)
		}
		if got := (*subjectCache)(nil).text(ders[i]); got != want {
			t.Errorf("subject %d, no cache: %q, want %q", i, got, want)
		}
	}
	if dn.String(ders[0]) == dn.String(ders[2]) {
		t.Fatal("the subjects are not distinct")
	}
}
