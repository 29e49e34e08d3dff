package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/internal/workpool"
)

func serverCommand() *command {
	return &command{
		name:    "server",
		summary: "accept TLS connections, echo or pipe them (like openssl s_server)",
		usage:   "server --listen ADDR --certificate FILE [flags] [--echo]",
		about: `Listens on ADDR (host:port; port 0 picks a free one), prints
"Listening on HOST:PORT" on stderr, and for each connection performs the
handshake and prints one summary line on stderr:

  Connection from 127.0.0.1:51234: Protocol: TLSv1.3, Cipher: TLS_AES_128_GCM_SHA256, Client certificate subject: CN = alice, Verify return code: 0 (ok)

or "Connection from ADDR: handshake failed: ERROR".

With --echo, every client is served concurrently and gets back what it sends
until it closes. --rev serves every client concurrently too and answers each
line with the line reversed, as openssl s_server -rev (trailing CR/LF
dropped, LF appended; a line CLOSE ends the connection). Without one of
these modes (--echo, --rev, --www, --www-files, --http-files), the first
connection that completes its handshake is piped to stdin/stdout (stdin to
the client, the client to stdout; close_notify at the end of stdin) and the
server exits when it ends.

--www answers a GET with the status page of openssl s_server -www, line for
line: the server's cipher suites and those the client shares, the client's
signature algorithms and groups and those shared, the session, the server's
handshake counters (kept for --www only) and the client's certificate; what
crypto/tls does not expose (the session's secret, OpenSSL's own session ID)
is printed empty.
--www-files answers a request line "GET /PATH ..." with the file PATH
under the current directory, after "HTTP/1.0 200 ok" and a Content-type
of text/html (.html, .htm, .php) or text/plain, then closes, as openssl
s_server -WWW; --http-files sends the file as it is (it holds the whole
HTTP response), as -HTTP. Paths with ".." or ":", absolute paths,
directories and symbolic links that lead out of the directory are refused
with a line saying why (s_server follows such links: we do not).

--verify optional asks clients for a certificate and verifies it if sent;
--verify required also refuses clients without one. --ca-file or
--ca-directory name the CAs client certificates are checked against.

--alpn LIST selects the first of the server's protocols that a client
offers (clients offering none of them are refused); each line then ends
with ", ALPN protocol: X" or ", No ALPN negotiated". A resumed session's
line ends with ", Session: reused"; --session-tickets=false issues no
tickets. --reload-interval 2s watches the certificate, key, CA and CRL
files and reloads them when they change ("Reloaded ..." on stderr); a
broken new file is reported ("Reload failed: ...") and the last good
configuration stays in use. --keylog, --trace and the --crl-* policy flags
work as for the client.

SIGINT or SIGTERM stops the server gracefully: it stops accepting, closes
open connections with close_notify, and exits 0.

For measurement, SSLSTREAM_BLOCK_PROFILE=FILE and SSLSTREAM_MUTEX_PROFILE=FILE
in the environment record the Go runtime's block and mutex profiles and
write them (text format) to FILE at exit; SSLSTREAM_CPU_PROFILE=FILE writes
a CPU profile of the whole run, and SSLSTREAM_ALLOCS_PROFILE=FILE every
allocation, for go tool pprof (docs/PERFORMANCE.md).`,
		examples: []string{
			"sslstream server --listen 127.0.0.1:4433 --certificate server.pem --key server.key --echo",
			"sslstream server --listen :4433 --certificate server.p12 --certificate-password-file pw.txt --echo",
			"sslstream server --listen 127.0.0.1:4433 --certificate server.pem --verify required --ca-file clients-ca.pem --echo",
			"sslstream server --listen 127.0.0.1:4433 --certificate server.pem --method tlsv1.2 --ciphers 'ECDHE+CHACHA20:ECDHE+AESGCM' --echo",
			"sslstream server --listen 127.0.0.1:4433 --certificate server.pem < reply.txt",
			"sslstream server --listen :4433 --certificate server.pem --key server.key --alpn h2,http/1.1 --reload-interval 5s --echo",
		},
		setup: func(fs *flagSet) func(*env, []string) error {
			cf := fs.addConnFlags()
			listen := fs.String("listen", "", "`ADDR` to listen on, host:port; port 0 picks a free one (required)")
			echo := fs.Bool("echo", false, "echo what each client sends, serving clients concurrently")
			www := fs.Bool("www", false, "answer each client's GET with a status page of the connection (the server's and the shared cipher suites, the client's and the shared signature algorithms and groups, the session, the server's handshake counters, the client certificate), as openssl s_server -www, serving clients concurrently")
			wwwFiles := fs.Bool("www-files", false, "answer each client's \"GET /PATH\" with the file PATH under the current directory, as text/html or text/plain (as openssl s_server -WWW), serving clients concurrently; no \"..\", no absolute paths, no symbolic link out of the directory")
			httpFiles := fs.Bool("http-files", false, "as --www-files, but each file is sent as it is: a complete HTTP response (as openssl s_server -HTTP)")
			asJSON := fs.Bool("json", false, "log each event (listening, connection with its protocol, cipher, verify result and client certificate, handshake failure, reload) as one JSON object per line on stderr")
			rev := fs.Bool("rev", false, "answer each line a client sends with the line reversed, serving clients concurrently (as openssl s_server -rev; a line CLOSE ends the connection)")
			accept := fs.Int("accept", 0, "stop after `N` connections (0: no limit)")
			hsTimeout := fs.Duration("handshake-timeout", 30*time.Second, "drop a client that has not completed the handshake after this `DURATION` (0: no limit)")
			reload := fs.Duration("reload-interval", 0, "look at the certificate, key, CA and CRL files every `DURATION` (e.g. 2s) and reload them when they change; reloads and failed reloads are logged on stderr (default 0: never)")
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected argument %q (the address goes in --listen)", args[0])
				}
				if *listen == "" {
					return usagef("--listen ADDR is required")
				}
				modes := 0
				for _, on := range []bool{*echo, *rev, *www, *wwwFiles, *httpFiles} {
					if on {
						modes++
					}
				}
				if modes > 1 {
					return usagef("--echo, --rev, --www, --www-files and --http-files: choose one")
				}
				var root *os.Root
				if *wwwFiles || *httpFiles {
					var err error
					if root, err = os.OpenRoot("."); err != nil {
						return fmt.Errorf("the directory to serve: %w", err)
					}
					defer root.Close()
				}
				if *accept < 0 {
					return usagef("--accept %d: must be 0 or more", *accept)
				}
				if *reload < 0 {
					return usagef("--reload-interval %v: must be 0 or more", *reload)
				}
				// The trace handler, the reload messages and the
				// per-connection lines share stderr: whole lines, through
				// one writer goroutine, so that no connection waits for
				// another's write (lineWriter).
				lw := newLineWriter(e.stderr)
				defer lw.Close()
				le := *e
				le.stderr = lw
				e = &le
				stopProfiles, err := startProfiles(e.stderr)
				if err != nil {
					return err
				}
				defer stopProfiles()
				settings, err := cf.build(e.stderr)
				if err != nil {
					return err
				}
				if settings.Certificate == "" {
					return usagef("--certificate is required for a server")
				}
				// Unbuffered in the context itself, not per stream: an
				// Overrides value makes the library copy the context's
				// configuration and clone its tls.Config for every
				// connection (kept for the connection's life). Echo and
				// pump send every chunk at once anyway (pumpOverrides).
				settings.Unbuffered = true
				sctx, err := sslstream.NewServerContext(settings)
				if err != nil {
					return err
				}
				if note := sctx.MethodNote(); note != "" {
					fmt.Fprintf(e.stderr, "note: %s\n", note)
				}
				if l := notOfferedLine(sctx.SuitesNotOffered()); l != "" {
					fmt.Fprintf(e.stderr, "note: %s\n", l)
				}
				if file, n, life := sctx.SessionTickets(); file != "" {
					fmt.Fprintf(e.stderr, "note: session tickets: %d key(s) from %s, lifetime %d s\n", n, file, int(life.Seconds()))
				}
				ln, err := (&net.ListenConfig{}).Listen(e.ctx, "tcp", *listen)
				if err != nil {
					return fmt.Errorf("listen on %s: %w", *listen, err)
				}
				srv := newServer(e, sctx, ln)
				srv.echo, srv.rev, srv.limit, srv.hsTimeout, srv.alpn = modes > 0, *rev, *accept, *hsTimeout, len(settings.ALPN) > 0
				srv.root, srv.rawHTTP, srv.www, srv.json = root, *httpFiles, *www, *asJSON
				if *www {
					srv.stats = &wwwStats{}
				}
				if *reload > 0 {
					stopWatch := srv.watch(*reload)
					defer stopWatch()
				}
				return srv.serve()
			}
		},
	}
}

// server is one running `sslstream server`.
//
// Nothing a connection does on its way through the handshake takes a lock
// another connection holds for long (issue 18): the handshake deadline is
// the connection's own, log lines go through a lineWriter, and the open
// connections are a sync.Map with an atomic count.
type server struct {
	e    *env
	ctx  *sslstream.ServerContext
	ln   net.Listener
	echo bool // serve every client concurrently: echo, or rev
	rev  bool // reverse lines instead of echoing
	www  bool // answer GET with the status page (--www)
	// stats are the page's handshake counters (--www only, else nil).
	stats *wwwStats
	// root is the directory of --www-files and --http-files (nil
	// otherwise); rawHTTP: files are whole HTTP responses (--http-files).
	root      *os.Root
	rawHTTP   bool
	limit     int
	hsTimeout time.Duration
	// alpn is true when the server has protocols: its lines say which one
	// each connection negotiated.
	alpn bool
	// json: every event is one JSON object per line (--json).
	json bool

	open     sync.Map // *sslstream.Stream -> *connState: the connections to close on stop
	nopen    atomic.Int64
	stopping atomic.Bool // set once SIGINT/SIGTERM arrived; read on every connection
	wg       sync.WaitGroup
	bufs     echoBuffers // lent to echo while data flows
	piped    chan error  // non-echo mode: the result of the piped session
	piping   atomic.Bool
	// idle counts the echo connections that went quiet after their
	// handshake and continued in a fresh goroutine (echoUntilIdle).
	idle atomic.Int64
	// subjects: the text line's client certificate subjects.
	subjects subjectCache
	// idleAfter is how long an echo connection may be quiet before it is
	// handed off (echoUntilIdle), a time.Duration: echoIdleAfter (tests
	// change it while the server runs).
	idleAfter atomic.Int64
	// epoch counts the idle sweeper's rounds (sweepIdle); ndirect counts
	// the connections echoed in their handshake's goroutine, and
	// sweepWake wakes the sweeper when that count leaves 0.
	epoch     atomic.Int64
	ndirect   atomic.Int64
	sweepWake chan struct{}
	// workers run handle, on goroutines that served a handshake before
	// and whose stacks have grown already (internal/workpool).
	workers *workpool.Pool[handshakeJob]
}

// handshakeJob is one accepted connection for handle.
type handshakeJob struct {
	st *sslstream.Stream
	hc *helloConn
	cs *connState
}

// idleWorkers is how many goroutines wait for the next connection's
// handshake: enough for the connections one core accepts while the others
// are busy, few enough that their grown stacks (32–64 KiB) do not count.
func idleWorkers() int {
	return max(4, 2*runtime.GOMAXPROCS(0))
}

// connState is what the server keeps of one open connection beside its
// stream: for an echo connection served in its handshake's goroutine, the
// sweeper's epoch of its last activity and where its hand-off stands.
type connState struct {
	seen  atomic.Int64
	state atomic.Int32 // stateOther, stateDirect, stateSignalling, stateSignalled
}

// The states of an echo connection's hand-off (connState.state).
const (
	stateOther      = iota // not echoed in the handshake's goroutine (any more)
	stateDirect            // echoed in the handshake's goroutine
	stateSignalling        // the sweeper is setting a past read deadline
	stateSignalled         // the sweeper has set it: hand off
)

// newServer makes the server of sctx on ln.
func newServer(e *env, sctx *sslstream.ServerContext, ln net.Listener) *server {
	s := &server{e: e, ctx: sctx, ln: ln, piped: make(chan error, 1), sweepWake: make(chan struct{}, 1)}
	s.idleAfter.Store(int64(echoIdleAfter))
	s.workers = workpool.New(idleWorkers(), func(j handshakeJob) { s.handle(j.st, j.hc, j.cs) })
	return s
}

// watch runs the context's Watch every interval until the returned
// function is called (which waits for it to end), logging reloads and
// failed reloads.
func (s *server) watch(interval time.Duration) (stop func()) {
	wctx, cancel := context.WithCancel(s.e.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.ctx.Watch(wctx, sslstream.WatchOptions{
			Interval: interval,
			OnReload: func(changed []string) {
				s.event("reload", map[string]any{"generation": s.ctx.Generation(), "changed": changed}, "Reloaded (generation %d): %s changed\n", s.ctx.Generation(), strings.Join(changed, ", "))
			},
			OnError: func(err error) {
				s.event("reload_failed", map[string]any{"error": err.Error()}, "Reload failed: %v\n", err)
			},
		})
	}()
	return func() {
		cancel()
		<-done
	}
}

// logf prints one line on stderr: formatted first, then written in one
// call to the lineWriter, which never waits for the terminal or pipe.
func (s *server) logf(format string, a ...any) {
	fmt.Fprintf(s.e.stderr, format, a...)
}

func (s *server) serve() error {
	s.event("listening", map[string]any{"address": s.ln.Addr().String()}, "Listening on %s\n", s.ln.Addr())
	// On SIGINT/SIGTERM: stop accepting, close open connections with
	// close_notify, and let serve return once the handlers are done.
	stopped := make(chan struct{})
	stop := context.AfterFunc(s.e.ctx, func() {
		defer close(stopped)
		s.stopping.Store(true)
		s.event("stopping", map[string]any{"open": s.nopen.Load()}, "Stopping: closing %d open connection(s)\n", s.nopen.Load())
		s.ln.Close()
		s.closeAll()
	})
	defer stop()

	sweepDone, sweepStop := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sweepDone)
		s.sweepIdle(sweepStop)
	}()
	defer func() {
		close(sweepStop)
		<-sweepDone
	}()

	accepted := make(chan error, 1)
	go func() { accepted <- s.acceptLoop() }()

	var result error
	select {
	case result = <-accepted:
		// Listener closed: interrupted, or the --accept limit reached.
	case result = <-s.piped:
		// The piped session is over: so is the server.
		s.ln.Close()
		<-accepted
		s.stopping.Store(true)
		s.closeAll()
	}
	s.wg.Wait()
	s.workers.Close() // the accept loop has returned: no more jobs
	if result == nil {
		select {
		case result = <-s.piped:
		default:
		}
	}
	if s.e.ctx.Err() != nil {
		<-stopped
		return nil
	}
	return result
}

// closeAll sends close_notify to every open connection and closes it.
// Connections tracked after stopping was set close themselves (track).
func (s *server) closeAll() {
	s.open.Range(func(k, _ any) bool {
		k.(*sslstream.Stream).Close()
		return true
	})
}

// track adds st to the open connections (cs not nil), or removes it,
// without a lock of ours: sync.Map locks only its own small parts, for the
// update.
func (s *server) track(st *sslstream.Stream, cs *connState) {
	if cs == nil {
		s.open.Delete(st)
		s.nopen.Add(-1)
		return
	}
	s.open.Store(st, cs)
	s.nopen.Add(1)
	// Stored before stopping is looked at: a stop that began earlier
	// closes it here, one that begins later finds it in the map.
	if s.stopping.Load() {
		st.Close()
	}
}

// acceptLoop accepts until the listener closes or the limit is reached.
func (s *server) acceptLoop() error {
	n := 0
	var tempDelay time.Duration
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || s.stopping.Load() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			// Out of file descriptors and the like: back off and retry.
			if tempDelay == 0 {
				tempDelay = 5 * time.Millisecond
			} else if tempDelay < time.Second {
				tempDelay *= 2
			}
			s.logf("accept: %v; retrying in %v\n", err, tempDelay)
			time.Sleep(tempDelay)
			continue
		}
		tempDelay = 0
		var hc *helloConn
		switch {
		case s.www:
			hc = &helloConn{Conn: conn}
			conn = hc
		case !s.echo:
			conn = newReadAheadConn(conn) // the one piped session
		}
		st, err := s.ctx.Server(conn, nil)
		if err != nil {
			conn.Close()
			s.logf("Connection from %s: %v\n", conn.RemoteAddr(), err)
			continue
		}
		cs := new(connState)
		s.track(st, cs)
		s.wg.Add(1)
		s.workers.Go(handshakeJob{st, hc, cs})
		n++
		if s.limit > 0 && n >= s.limit {
			s.ln.Close()
			return nil
		}
	}
}

// handle runs the handshake, prints the summary line and then echoes or
// pipes the connection. The handshake's time limit is a deadline on the
// connection itself (a stop closes the connection, which ends the
// handshake too): a context derived from the shared signal context for
// every connection made all handshakes queue on that context's lock.
func (s *server) handle(st *sslstream.Stream, hc *helloConn, cs *connState) {
	handedOff := false
	defer func() {
		if !handedOff {
			s.end(st)
		}
	}()
	peer := st.RemoteAddr()
	if s.stats != nil {
		s.stats.accepts.Add(1)
	}
	err := s.handshake(st)
	if s.stats != nil && st.TicketExpired() {
		s.stats.timeouts.Add(1) // counted by OpenSSL at the ClientHello, whatever follows
	}
	var hello *wwwHello
	if hc != nil {
		// The ClientHello is parsed and its record let go, whatever the
		// handshake's outcome.
		h, ok := hc.hello()
		hello = &wwwHello{h, ok, time.Now()}
		if err == nil && s.stats != nil {
			_, _, lifetime := s.ctx.SessionTickets()
			s.stats.handshakeDone(h, ok, st.ConnectionState(), lifetime > 0)
		}
	}
	if err != nil {
		s.event("handshake_failed", map[string]any{"peer": peer.String(), "error": err.Error()}, "Connection from %s: handshake failed: %v\n", peer, err)
		return
	}
	if s.json {
		s.event("connection", connectionFields(peer, st), "Connection from %s: %s\n", peer, serverSummary(st, s.alpn))
	} else {
		// The JSON fields are not made for a text line.
		s.logConnection(peer, st)
	}
	if s.echo {
		if !s.rev && s.root == nil && !s.www {
			// Echo here while the client is busy: a connection that
			// sends, reads its answer and closes is served by this
			// goroutine alone, its stack already grown.
			idle, err := s.echoUntilIdle(st, cs)
			if !idle {
				if err != nil && !s.stopping.Load() {
					s.event("error", map[string]any{"peer": peer.String(), "error": err.Error()}, "Connection from %s: %v\n", peer, err)
				}
				return
			}
			s.idle.Add(1)
		}
		// A fresh goroutine for the rest of the connection's life: this
		// one's stack grew in the handshake (certificate parsing,
		// signatures) and goes back to the runtime with it, rather than
		// sitting under every idle connection's blocked Read.
		handedOff = true
		go func() {
			defer s.end(st)
			serve := s.echoLoop
			if s.rev {
				serve = revLoop
			} else if s.root != nil {
				serve = s.serveFile
			} else if s.www {
				serve = func(st *sslstream.Stream) error { return s.wwwPage(st, hello) }
			}
			if err := serve(st); err != nil && !s.stopping.Load() {
				s.event("error", map[string]any{"peer": peer.String(), "error": err.Error()}, "Connection from %s: %v\n", peer, err)
			}
		}()
		return
	}
	if s.piping.Swap(true) {
		s.logf("Connection from %s: closed, already piping another connection (use --echo to serve many)\n", peer)
		return
	}
	s.piped <- pump(s.e, st)
}

// end closes st and forgets it: the end of a connection's goroutine.
func (s *server) end(st *sslstream.Stream) {
	st.Close()
	s.track(st, nil)
	s.wg.Done()
}

// handshake runs st's handshake within the --handshake-timeout deadline.
func (s *server) handshake(st *sslstream.Stream) error {
	if s.hsTimeout > 0 {
		if err := st.SetDeadline(time.Now().Add(s.hsTimeout)); err != nil {
			return err
		}
	}
	if err := st.Handshake(); err != nil {
		return err
	}
	if s.hsTimeout > 0 {
		return st.SetDeadline(time.Time{})
	}
	return nil
}

// serverSummary is the per-connection line's content; with alpn it says
// which protocol was negotiated; a resumed session is marked.
func serverSummary(st *sslstream.Stream, alpn bool) string {
	return string(appendServerSummary(nil, st, alpn, nil))
}

// appendServerSummary appends serverSummary's line to b: built with
// append, not fmt, as it is made for every connection. The client
// certificate's subject is formatted from the leaf's DER subject (what
// its Certificate's SubjectString formats, without wrapping the whole
// chain), through subjects when not nil.
func appendServerSummary(b []byte, st *sslstream.Stream, alpn bool, subjects *subjectCache) []byte {
	cs := st.ConnectionState()
	b = append(b, "Protocol: "...)
	b = append(b, sslstream.ProtocolName(cs.Version)...)
	b = append(b, ", Cipher: "...)
	b = append(b, cipherName(cs.CipherSuite)...)
	b = append(b, ", Client certificate subject: "...)
	if len(cs.PeerCertificates) > 0 {
		b = append(b, subjects.text(cs.PeerCertificates[0].RawSubject)...)
	} else {
		b = append(b, "(none)"...)
	}
	code, text := st.VerifyResult()
	b = append(b, ", Verify return code: "...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, " ("...)
	b = append(b, text...)
	b = append(b, ')')
	if cs.NegotiatedProtocol != "" {
		b = append(b, ", ALPN protocol: "...)
		b = append(b, cs.NegotiatedProtocol...)
	} else if alpn {
		b = append(b, ", No ALPN negotiated"...)
	}
	if cs.DidResume {
		b = append(b, ", Session: reused"...)
	}
	b = appendGroupSummary(b, cs)        // groups.go
	b = append(b, echSummary(st, cs)...) // ech.go
	return b
}

// subjectCache remembers the last client certificate subject a line was
// made for, and its one-line form: clients that come back with the same
// certificate do not have their subject formatted again.
type subjectCache struct {
	last atomic.Pointer[subjectText]
}

// subjectText is a DER subject and its one-line form.
type subjectText struct {
	der  []byte
	text string
}

// text is dn.String(der), from the cache when der is the last one; a nil
// cache formats every time.
func (c *subjectCache) text(der []byte) string {
	if c == nil {
		return dn.String(der)
	}
	if l := c.last.Load(); l != nil && bytes.Equal(l.der, der) {
		return l.text
	}
	t := dn.String(der)
	c.last.Store(&subjectText{der: bytes.Clone(der), text: t})
	return t
}

// lineBufs are the buffers the per-connection lines are built in.
var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// logConnection prints the text line of a completed handshake: "Connection
// from PEER: " and serverSummary's line, built in a pooled buffer and
// written in one call (the lineWriter copies it).
func (s *server) logConnection(peer net.Addr, st *sslstream.Stream) {
	bp := lineBufs.Get().(*[]byte)
	b := append((*bp)[:0], "Connection from "...)
	b = append(b, peer.String()...)
	b = append(b, ": "...)
	b = appendServerSummary(b, st, s.alpn, &s.subjects)
	b = append(b, '\n')
	s.e.stderr.Write(b)
	if cap(b) <= 4096 {
		*bp = b
		lineBufs.Put(bp)
	}
}

// echoBufSize is the buffer echo borrows while data flows: one TLS
// record's plaintext, the most one Read returns.
const echoBufSize = 16 << 10

// echoBuffers lends echo its buffers: recycled through a sync.Pool,
// counted so that a test can see that idle connections hold none.
type echoBuffers struct {
	pool sync.Pool
	lent atomic.Int64
}

func (b *echoBuffers) get() *[echoBufSize]byte {
	b.lent.Add(1)
	if p, ok := b.pool.Get().(*[echoBufSize]byte); ok {
		return p
	}
	return new([echoBufSize]byte)
}

func (b *echoBuffers) put(p *[echoBufSize]byte) {
	b.pool.Put(p)
	b.lent.Add(-1)
}

// aLongTimeAgo is a deadline already past: a Read with it returns what
// the stream already holds, or a timeout at once, without waiting.
var aLongTimeAgo = time.Unix(1, 0)

// echoLoop sends back everything the client sends until it closes, then
// closes too (close_notify). An idle connection holds no buffer of ours:
// the blocking Read is of one byte (into a slice of one byte); once it
// returns, a pooled record-sized buffer takes what else the stream has
// without waiting (a read deadline already past), each chunk is sent back,
// and the buffer goes back to the pool before the next blocking Read.
func (s *server) echoLoop(st *sslstream.Stream) error {
	first := make([]byte, 1)
	for {
		n, err := st.Read(first)
		if n > 0 {
			if derr := s.echoAvailable(st, first[0]); derr != nil {
				return echoError(derr)
			}
		}
		if err != nil {
			return echoError(err)
		}
	}
}

// echoIdleAfter is how long an echo connection may be quiet in its
// handshake's goroutine before it continues in a fresh one.
const echoIdleAfter = 200 * time.Millisecond

// echoUntilIdle is echoLoop in the handshake's goroutine, for as long as
// the client keeps sending: idle reports that it went quiet (the
// connection is open, its read deadline cleared), else the connection's
// echo is over, with echoLoop's error. Its Reads have no deadline of their
// own (a timer per connection made the runtime wake a thread for every
// one): the server's sweeper (sweepIdle) finds the connections quiet for
// idleAfter and sets a read deadline already past on them, which ends the
// blocked Read with a timeout.
func (s *server) echoUntilIdle(st *sslstream.Stream, cs *connState) (idle bool, err error) {
	cs.seen.Store(s.epoch.Load())
	cs.state.Store(stateDirect)
	if s.ndirect.Add(1) == 1 {
		select {
		case s.sweepWake <- struct{}{}:
		default:
		}
	}
	defer s.ndirect.Add(-1)
	first := make([]byte, 1)
	for {
		n, err := st.Read(first)
		if n > 0 {
			if derr := s.echoAvailable(st, first[0]); derr != nil {
				cs.state.Store(stateOther)
				return false, echoError(derr)
			}
			cs.seen.Store(s.epoch.Load())
			if cs.state.Load() != stateDirect {
				// Signalled while echoing: echoAvailable's own deadline
				// may have cleared the sweeper's.
				return s.leaveDirect(st, cs)
			}
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return s.leaveDirect(st, cs)
			}
			cs.state.Store(stateOther)
			return false, echoError(err)
		}
	}
}

// leaveDirect ends echoUntilIdle for a connection the sweeper signalled:
// once the sweeper is done with its deadline, the deadline is cleared.
func (s *server) leaveDirect(st *sslstream.Stream, cs *connState) (bool, error) {
	for cs.state.Load() == stateSignalling {
		runtime.Gosched() // the sweeper is between its two steps
	}
	cs.state.Store(stateOther)
	if err := st.SetReadDeadline(time.Time{}); err != nil {
		return false, echoError(err)
	}
	return true, nil
}

// sweepIdle is the server's one idle sweeper: while connections are echoed
// in their handshake's goroutine, every half idleAfter it counts a round
// (epoch) and signals those whose last activity is three rounds old (quiet
// for between idleAfter and 1.5 idleAfter) with a read deadline already
// past. With no such connection it waits for one, without a timer. It
// returns when stop is closed.
func (s *server) sweepIdle(stop <-chan struct{}) {
	tick := time.NewTimer(echoIdleAfter)
	tick.Stop()
	for {
		if s.ndirect.Load() == 0 {
			select {
			case <-s.sweepWake:
				continue
			case <-stop:
				return
			}
		}
		tick.Reset(max(time.Duration(s.idleAfter.Load())/2, time.Millisecond))
		select {
		case <-tick.C:
		case <-stop:
			tick.Stop()
			return
		}
		e := s.epoch.Add(1)
		s.open.Range(func(k, v any) bool {
			cs := v.(*connState)
			if cs.state.Load() == stateDirect && e-cs.seen.Load() >= 3 && cs.state.CompareAndSwap(stateDirect, stateSignalling) {
				_ = k.(*sslstream.Stream).SetReadDeadline(aLongTimeAgo) // a closed stream's error: it is going anyway
				cs.state.CompareAndSwap(stateSignalling, stateSignalled)
			}
			return true
		})
	}
}

// echoAvailable sends back b and what st can give without waiting.
func (s *server) echoAvailable(st *sslstream.Stream, b byte) error {
	bp := s.bufs.get()
	defer s.bufs.put(bp)
	buf := bp[:]
	buf[0] = b
	n := 1
	if err := st.SetReadDeadline(aLongTimeAgo); err != nil {
		return err
	}
	for {
		m, rerr := st.Read(buf[n:])
		n += m
		if n > 0 {
			if _, err := st.Write(buf[:n]); err != nil {
				return err
			}
			if err := st.Flush(); err != nil {
				return err
			}
			n = 0
		}
		if rerr != nil {
			var ne net.Error
			if errors.As(rerr, &ne) && ne.Timeout() {
				// Nothing more without waiting: back to the one-byte Read.
				return st.SetReadDeadline(time.Time{})
			}
			return rerr
		}
	}
}

// revMaxLine is the longest line --rev reverses as one: a longer one is
// answered in pieces of this size, each reversed and ended with a newline
// (as s_server does with its 16 KiB buffer).
const revMaxLine = 16 << 10

// revLoop answers each line the client sends with the line reversed, as
// openssl s_server -rev does: the line's trailing CR and LF characters are
// dropped, its bytes reversed and a LF appended; a line "CLOSE" ends the
// connection (close_notify), as does the client's end of data (an
// unfinished last line gets no answer).
func revLoop(st *sslstream.Stream) error {
	r := bufio.NewReaderSize(st, revMaxLine)
	out := make([]byte, 0, 256)
	for {
		line, err := r.ReadSlice('\n')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return echoError(err)
		}
		line = bytes.TrimRight(line, "\r\n")
		if string(line) == "CLOSE" {
			return nil
		}
		out = out[:0]
		for i := len(line) - 1; i >= 0; i-- {
			out = append(out, line[i])
		}
		out = append(out, '\n')
		if _, err := st.Write(out); err != nil {
			return echoError(err)
		}
		if err := st.Flush(); err != nil {
			return echoError(err)
		}
		if cap(out) > 4096 {
			out = make([]byte, 0, 256) // a long line's buffer is not kept
		}
	}
}

// echoError is nil for the ends of an echo session that are not errors
// (the client closed, reset, or the server is stopping), else err as the
// line says it.
func echoError(err error) error {
	if err == nil || err == io.EOF || errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) {
		return nil
	}
	return fmt.Errorf("echo: %w", err)
}

// maxRequestLine bounds the request line --www-files and --http-files read.
const maxRequestLine = 16 << 10

// serveFile answers one "GET /PATH" request with the file PATH under the
// server's directory, as openssl s_server -WWW (with a status line and a
// Content-type) or -HTTP (the file is the whole response) does, then ends
// the connection. Refusals and failures are answered as s_server answers
// them: "HTTP/1.0 200 ok", text/plain, and a line saying why. The
// directory is an os.Root: no name can reach outside it, through "..", an
// absolute path or a symbolic link.
func (s *server) serveFile(st *sslstream.Stream) error {
	r := bufio.NewReaderSize(st, maxRequestLine)
	line, err := r.ReadSlice('\n')
	if err != nil && !(errors.Is(err, io.EOF) && len(line) > 0) && !errors.Is(err, bufio.ErrBufferFull) {
		return echoError(err)
	}
	w := bufio.NewWriter(st)
	f, refusal := s.openRequested(string(bytes.TrimRight(line, "\r\n")))
	if refusal != "" {
		io.WriteString(w, "HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\n"+refusal+"\r\n")
		return echoError(w.Flush())
	}
	defer f.Close()
	if !s.rawHTTP {
		ctype := "text/plain"
		name := f.Name()
		if strings.HasSuffix(name, ".html") || strings.HasSuffix(name, ".htm") || strings.HasSuffix(name, ".php") {
			ctype = "text/html"
		}
		io.WriteString(w, "HTTP/1.0 200 ok\r\nContent-type: "+ctype+"\r\n\r\n")
	}
	if _, err := io.Copy(w, f); err != nil {
		return echoError(err)
	}
	return echoError(w.Flush())
}

// openRequested opens the regular file a request line names, or says why
// not (the text of the answer).
func (s *server) openRequested(line string) (*os.File, string) {
	rest, ok := strings.CutPrefix(line, "GET /")
	if !ok {
		return nil, fmt.Sprintf("'%s' is not a GET request", line)
	}
	name, _, _ := strings.Cut(rest, " ")
	switch {
	case strings.Contains(name, "..") || strings.Contains(name, ":"):
		return nil, fmt.Sprintf("'%s' contains '..' or ':'", name)
	case strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.ContainsRune(name, 0):
		return nil, fmt.Sprintf("'%s' is an invalid path", name)
	}
	if name == "" {
		name = "."
	}
	fi, err := s.root.Stat(name)
	if err == nil && fi.IsDir() {
		return nil, fmt.Sprintf("'%s' is a directory", strings.TrimSuffix(name, "/"))
	}
	if err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Sprintf("'%s' is not a regular file", name)
	}
	if err != nil {
		return nil, fmt.Sprintf("Error opening '%s': %v", name, err)
	}
	f, err := s.root.Open(name)
	if err != nil {
		return nil, fmt.Sprintf("Error opening '%s': %v", name, err)
	}
	// What was opened, not what was looked at (it may have changed).
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Sprintf("'%s' is not a regular file", name)
	}
	return f, ""
}
