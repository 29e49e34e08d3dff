package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/sslstream/sslstream"
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
until it closes. Without --echo, the first connection that completes its
handshake is piped to stdin/stdout (stdin to the client, the client to
stdout; close_notify at the end of stdin) and the server exits when it ends.

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
open connections with close_notify, and exits 0.`,
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
			accept := fs.Int("accept", 0, "stop after `N` connections (0: no limit)")
			hsTimeout := fs.Duration("handshake-timeout", 30*time.Second, "drop a client that has not completed the handshake after this `DURATION`")
			reload := fs.Duration("reload-interval", 0, "look at the certificate, key, CA and CRL files every `DURATION` (e.g. 2s) and reload them when they change; reloads and failed reloads are logged on stderr (default 0: never)")
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected argument %q (the address goes in --listen)", args[0])
				}
				if *listen == "" {
					return usagef("--listen ADDR is required")
				}
				if *accept < 0 {
					return usagef("--accept %d: must be 0 or more", *accept)
				}
				if *reload < 0 {
					return usagef("--reload-interval %v: must be 0 or more", *reload)
				}
				// The trace handler, the reload messages and the
				// per-connection lines share stderr.
				var logMu sync.Mutex
				le := *e
				le.stderr = lockedWriter{mu: &logMu, w: e.stderr}
				e = &le
				settings, err := cf.build(e.stderr)
				if err != nil {
					return err
				}
				if settings.Certificate == "" {
					return usagef("--certificate is required for a server")
				}
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
				srv := &server{e: e, ctx: sctx, ln: ln, echo: *echo, limit: *accept, hsTimeout: *hsTimeout, alpn: len(settings.ALPN) > 0}
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
type server struct {
	e         *env
	ctx       *sslstream.ServerContext
	ln        net.Listener
	echo      bool
	limit     int
	hsTimeout time.Duration
	// alpn is true when the server has protocols: its lines say which one
	// each connection negotiated.
	alpn bool

	mu     sync.Mutex
	open   map[*sslstream.Stream]struct{}
	wg     sync.WaitGroup
	logMu  sync.Mutex
	piped  chan error // non-echo mode: the result of the piped session
	pipeMu sync.Mutex
	piping bool
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
				s.logf("Reloaded (generation %d): %s changed\n", s.ctx.Generation(), strings.Join(changed, ", "))
			},
			OnError: func(err error) {
				s.logf("Reload failed: %v\n", err)
			},
		})
	}()
	return func() {
		cancel()
		<-done
	}
}

func (s *server) logf(format string, a ...any) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.e.stderr, format, a...)
}

func (s *server) serve() error {
	s.open = make(map[*sslstream.Stream]struct{})
	s.piped = make(chan error, 1)
	s.logf("Listening on %s\n", s.ln.Addr())
	// On SIGINT/SIGTERM: stop accepting, close open connections with
	// close_notify, and let serve return once the handlers are done.
	stopped := make(chan struct{})
	stop := context.AfterFunc(s.e.ctx, func() {
		defer close(stopped)
		s.logf("Stopping: closing %d open connection(s)\n", s.count())
		s.ln.Close()
		s.closeAll()
	})
	defer stop()

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
		s.closeAll()
	}
	s.wg.Wait()
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

func (s *server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.open)
}

// closeAll sends close_notify to every open connection and closes it.
func (s *server) closeAll() {
	s.mu.Lock()
	open := make([]*sslstream.Stream, 0, len(s.open))
	for st := range s.open {
		open = append(open, st)
	}
	s.mu.Unlock()
	for _, st := range open {
		st.Close()
	}
}

func (s *server) track(st *sslstream.Stream, add bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		if s.e.ctx.Err() != nil {
			// Stopping: too late for this one.
			go st.Close()
			return
		}
		s.open[st] = struct{}{}
	} else {
		delete(s.open, st)
	}
}

// acceptLoop accepts until the listener closes or the limit is reached.
func (s *server) acceptLoop() error {
	n := 0
	var tempDelay time.Duration
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || s.e.ctx.Err() != nil {
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
		st, err := s.ctx.Server(conn, pumpOverrides())
		if err != nil {
			conn.Close()
			s.logf("Connection from %s: %v\n", conn.RemoteAddr(), err)
			continue
		}
		s.track(st, true)
		s.wg.Add(1)
		go s.handle(st)
		n++
		if s.limit > 0 && n >= s.limit {
			s.ln.Close()
			return nil
		}
	}
}

// handle runs the handshake, prints the summary line and then echoes or
// pipes the connection.
func (s *server) handle(st *sslstream.Stream) {
	defer s.wg.Done()
	defer s.track(st, false)
	defer st.Close()
	peer := st.RemoteAddr()
	hctx, cancel := context.WithTimeout(s.e.ctx, s.hsTimeout)
	err := st.HandshakeContext(hctx)
	cancel()
	if err != nil {
		s.logf("Connection from %s: handshake failed: %v\n", peer, err)
		return
	}
	s.logf("Connection from %s: %s\n", peer, serverSummary(st, s.alpn))
	if s.echo {
		if err := echo(st); err != nil && s.e.ctx.Err() == nil {
			s.logf("Connection from %s: %v\n", peer, err)
		}
		return
	}
	s.pipeMu.Lock()
	busy := s.piping
	s.piping = true
	s.pipeMu.Unlock()
	if busy {
		s.logf("Connection from %s: closed, already piping another connection (use --echo to serve many)\n", peer)
		return
	}
	s.piped <- pump(s.e, st)
}

// serverSummary is the per-connection line's content; with alpn it says
// which protocol was negotiated; a resumed session is marked.
func serverSummary(st *sslstream.Stream, alpn bool) string {
	cs := st.ConnectionState()
	subject := "(none)"
	if c, err := st.PeerCertificate(); err == nil && c != nil {
		subject = c.SubjectString()
	}
	code, text := st.VerifyResult()
	line := fmt.Sprintf("Protocol: %s, Cipher: %s, Client certificate subject: %s, Verify return code: %d (%s)",
		sslstream.ProtocolName(cs.Version), cipherName(cs.CipherSuite), subject, code, text)
	if cs.NegotiatedProtocol != "" {
		line += ", ALPN protocol: " + cs.NegotiatedProtocol
	} else if alpn {
		line += ", No ALPN negotiated"
	}
	if st.Resumed() {
		line += ", Session: reused"
	}
	line += groupSummary(st)
	return line
}

// echo sends back everything the client sends until it closes, then
// closes too (close_notify).
func echo(st *sslstream.Stream) error {
	buf := make([]byte, 32<<10)
	for {
		n, err := st.Read(buf)
		if n > 0 {
			if _, werr := st.Write(buf[:n]); werr != nil {
				return fmt.Errorf("echo: %w", werr)
			}
			if ferr := st.Flush(); ferr != nil {
				return fmt.Errorf("echo: %w", ferr)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "connection reset") {
				return nil
			}
			return fmt.Errorf("echo: %w", err)
		}
	}
}
