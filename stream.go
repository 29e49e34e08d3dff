package sslstream

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sslstream/sslstream/verify"
)

// writeBufferSize is the write buffer of a buffered stream: one TLS record
// of plaintext, so a full buffer becomes one record.
const writeBufferSize = 16 << 10

// Stream is a TLS stream over an already-connected net.Conn: Allegro CL's
// SSL socket stream. It implements net.Conn. The handshake runs on first
// use (Read, a Write that reaches the socket, Flush, Close with pending
// data, Handshake, PeerCertificate). Writes are buffered until the buffer
// fills, Flush, Read or Close, unless the Unbuffered setting is on.
//
// Read and Write may be called from different goroutines at the same
// time; the rest of the methods are safe for concurrent use too.
type Stream struct {
	conn   *tls.Conn
	raw    net.Conn // the connection wrapped, as given
	cfg    *config
	server bool

	vr    atomic.Pointer[verifyOutcome]
	ocsp  atomic.Pointer[OCSPStatus] // client: the server's staple (ocsp.go)
	hsErr atomic.Pointer[Error]

	wmu  sync.Mutex
	wbuf []byte
	// werr is the error of a write that failed: crypto/tls fails every
	// later write then, so buffered data is dropped and later writes
	// return werr at once (reads, which flush first, go on reading what
	// the peer sent, such as the alert that explains the failure).
	werr error

	peerOnce  sync.Once
	peerChain []*Certificate

	closed atomic.Bool

	ph phaseTracker // how far the handshake got, for stall errors (phase.go)
	// hsActive counts goroutines inside crypto/tls's handshake, so that
	// Close does not queue behind a handshake that may never end.
	hsActive atomic.Int32

	trace *streamTrace // trace.go; nil unless the trace feature is on

	// wire is the connection crypto/tls reads and writes: conn, observed
	// until the handshake ends (wire.go).
	wire wireConn

	firstUnique atomic.Pointer[[]byte] // tls-unique of the first handshake (renegotiation.go)
	caNames     caNames                // client: the server's CertificateRequest (clientca.go)
	echOffered  atomic.Bool            // server: the ClientHello carried ECH (ech.go)
	// server: the resumed session's origin (Unix ms) from its ticket, and
	// whether a ticket was refused for its age (tickets.go)
	ticketOrigin  atomic.Int64
	ticketExpired atomic.Bool
	// server: the verification outcome the resumed session's ticket named
	// (resume.go)
	resumedVR atomic.Pointer[resumedOutcome]
}

// newStream binds a connection to cfg. The verification outcome belongs to
// the stream, so crypto/tls's callbacks are bound to it: the client's
// config is cloned once per stream (handshake_client.go), the server's per
// ClientHello together with the cipher choice (handshake_server.go).
// Session ticket keys are set explicitly on the context's config, so every
// clone shares them.
func newStream(conn net.Conn, cfg *config) *Stream {
	s := &Stream{cfg: cfg, server: cfg.server, raw: conn}
	s.trace = newStreamTrace(cfg)
	s.wire.init(s, conn) // phases, plaintext alerts, trace (wire.go)
	if cfg.server {
		s.conn = tls.Server(&s.wire, cfg.start) // made by apply (streamStart)
	} else {
		s.conn = tls.Client(&s.wire, cfg.clientTLSConfig(s))
	}
	return s
}

// Handshake runs the handshake now if it has not run yet. Calling it again
// returns the first result. Errors are *Error.
func (s *Stream) Handshake() error { return s.HandshakeContext(context.Background()) }

// HandshakeContext is Handshake with a context: if ctx ends before the
// handshake completes, the handshake is aborted and fails for good.
func (s *Stream) HandshakeContext(ctx context.Context) error {
	if e := s.hsErr.Load(); e != nil {
		return e
	}
	if s.server && s.ph.phase.Load() == phaseDone {
		// Done, and done well (only success stores phaseDone), and a
		// crypto/tls server never renegotiates: what crypto/tls would
		// answer, without its lock and its large frame (a fresh
		// goroutine's first Read would grow its stack for it). A client
		// asks crypto/tls, which may be in a renegotiation.
		return nil
	}
	s.trace.begin(s)
	s.hsActive.Add(1)
	err := s.conn.HandshakeContext(ctx)
	s.hsActive.Add(-1)
	if err == nil {
		s.ph.phase.Store(phaseDone)
		s.noteFirstHandshake()
		s.trace.end(s, nil)
		return nil
	}
	err = s.handshakeError(err) // says where it stalled, if it did
	err = s.explainECH(err)     // ech.go
	e := classify("handshake", err, s.vr.Load())
	if !s.hsErr.CompareAndSwap(nil, e) {
		// Set first by our own refusal (configForClient), whose reason
		// is better than crypto/tls's, or by a concurrent call.
		e = s.hsErr.Load()
	}
	s.trace.end(s, e)
	return e
}

// Read reads decrypted data, running the handshake first if needed and
// flushing buffered writes (unless another goroutine is writing).
// It returns io.EOF once the peer has closed the connection, and
// net.ErrClosed after Close. If sending
// the buffered writes fails, Read returns that error and the data is
// dropped (nothing more can be sent); later Reads return what the peer
// sent, such as the alert that says why it stopped accepting data.
func (s *Stream) Read(p []byte) (int, error) {
	if s.closed.Load() {
		return 0, net.ErrClosed
	}
	if err := s.Handshake(); err != nil {
		return 0, err
	}
	if s.wmu.TryLock() {
		err := s.flushLocked()
		s.wmu.Unlock()
		if err != nil {
			return 0, err
		}
	}
	n, err := s.conn.Read(p)
	return n, s.ioError("read", err)
}

// Write buffers p (or, unbuffered, sends it at once). A write that reaches
// the socket runs the handshake first.
func (s *Stream) Write(p []byte) (int, error) {
	if e := s.hsErr.Load(); e != nil {
		return 0, e
	}
	if s.closed.Load() {
		return 0, net.ErrClosed
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.werr != nil {
		return 0, s.werr
	}
	if s.cfg.unbuffered {
		return s.writeThrough("write", p)
	}
	if len(s.wbuf) == 0 && len(p) >= writeBufferSize {
		// Nothing to coalesce with: send p as it is, without a copy.
		return s.writeThrough("write", p)
	}
	if len(s.wbuf)+len(p) <= writeBufferSize {
		if s.wbuf == nil {
			s.wbuf = s.cfg.wbufs.get()
		}
		s.wbuf = append(s.wbuf, p...)
		return len(p), nil
	}
	if err := s.flushLocked(); err != nil {
		return 0, err
	}
	if len(p) >= writeBufferSize {
		return s.writeThrough("write", p)
	}
	if s.wbuf == nil {
		s.wbuf = s.cfg.wbufs.get()
	}
	s.wbuf = append(s.wbuf, p...)
	return len(p), nil
}

// writeThrough sends p now, running the handshake first if needed. The
// caller holds wmu.
func (s *Stream) writeThrough(op string, p []byte) (int, error) {
	if err := s.Handshake(); err != nil {
		return 0, err
	}
	n, err := s.conn.Write(p)
	if err != nil {
		s.werr = s.ioError(op, err) // for good: see werr
		return n, s.werr
	}
	return n, nil
}

// Flush sends buffered writes (Allegro CL's force-output), running the
// handshake first if needed. With nothing buffered it still runs the
// handshake. After Close it returns net.ErrClosed, as Write does.
func (s *Stream) Flush() error {
	if s.closed.Load() {
		return net.ErrClosed
	}
	if err := s.Handshake(); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.werr != nil {
		return s.werr
	}
	return s.flushLocked()
}

// writeBuffers recycles the write buffers of a context's buffered streams:
// a stream holds one only while it has unsent data, so that an idle
// connection costs no buffer (16 KiB each otherwise; docs/PERFORMANCE.md).
// Each context has its own; what it holds is never observable (every buffer
// is used from length 0), as with crypto/tls's own record-buffer pool.
type writeBuffers struct{ pool sync.Pool }

// get returns an empty buffer of writeBufferSize capacity, recycled when
// possible.
func (w *writeBuffers) get() []byte {
	if b, ok := w.pool.Get().(*[writeBufferSize]byte); ok {
		return b[:0]
	}
	return make([]byte, 0, writeBufferSize)
}

// put recycles b, which the stream no longer uses.
func (w *writeBuffers) put(b []byte) {
	if cap(b) == writeBufferSize {
		w.pool.Put((*[writeBufferSize]byte)(b[:writeBufferSize]))
	}
}

func (s *Stream) flushLocked() error {
	if len(s.wbuf) == 0 {
		return nil
	}
	n, err := s.writeThrough("write", s.wbuf)
	if err != nil {
		// Nothing more can be sent on this connection (see werr).
		s.cfg.wbufs.put(s.wbuf)
		s.wbuf = nil
		return err
	}
	s.wbuf = s.wbuf[:copy(s.wbuf, s.wbuf[n:])]
	if len(s.wbuf) == 0 {
		// Sent: give the buffer back, so that an idle stream holds none.
		s.cfg.wbufs.put(s.wbuf)
		s.wbuf = nil
	}
	return err
}

// Close flushes buffered writes (running the handshake if they need it),
// sends close_notify when a handshake completed, and closes the underlying
// connection. It returns the first error among these. If another goroutine
// is still inside the handshake, Close does not wait for it (it might wait
// for ever on a silent peer): it closes the connection, which ends that
// handshake, and reports the buffered bytes it could not send.
func (s *Stream) Close() error {
	if s.closed.Swap(true) {
		return net.ErrClosed
	}
	var ferr error
	if s.wmu.TryLock() {
		switch {
		case len(s.wbuf) > 0 && s.hsActive.Load() > 0:
			// Another goroutine is stuck in the handshake (a silent
			// peer, no deadline): waiting for it could take for ever.
			// Closing the connection below ends it; the data is lost.
			ferr = newError("close", fmt.Errorf("%d buffered bytes not sent: Close ended the handshake still running in another goroutine", len(s.wbuf)))
		case len(s.wbuf) > 0:
			ferr = s.Handshake()
			if ferr == nil {
				ferr = s.flushLocked()
			}
		}
		s.cfg.wbufs.put(s.wbuf)
		s.wbuf = nil
		s.wmu.Unlock()
	}
	cerr := s.conn.Close()
	if ferr != nil {
		return ferr
	}
	if cerr != nil && s.hsErr.Load() == nil && s.conn.ConnectionState().HandshakeComplete {
		return s.ioError("close", cerr)
	}
	return nil
}

// CloseWrite sends close_notify after flushing, without closing the
// connection, so that the peer sees the end of the data while this side
// keeps reading. It needs a completed handshake (it runs one if needed).
// crypto/tls gives the close_notify write (here and in Close) a fixed
// 5-second deadline: when the peer has left that much earlier data unread
// that the socket buffer stays full, the close_notify is not sent and an
// i/o timeout is returned. Wait for the peer's acknowledgement first where
// that matters.
func (s *Stream) CloseWrite() error {
	if err := s.Flush(); err != nil {
		return err
	}
	return s.ioError("close", s.conn.CloseWrite())
}

// ioError converts an error from a tls.Conn Read or Write after the
// handshake: io.EOF and transport errors (a net.Error, net.ErrClosed, and
// io.ErrClosedPipe of a net.Pipe or io.Pipe) pass unchanged; TLS-level
// failures become *Error.
func (s *Stream) ioError(op string, err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return err
	}
	if e := s.hsErr.Load(); e != nil {
		return e
	}
	if oe, ok := err.(*net.OpError); ok && oe.Timeout() && oe.Op != "remote error" && oe.Op != "local error" {
		// A deadline that passed, as it is: what the checks below would
		// find too (a timeout wraps no alert), without their reflection.
		// An echo or a poll with a past deadline meets it on every call.
		return err
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && (opErr.Op == "remote error" || opErr.Op == "local error") {
		// An alert received, or one crypto/tls sent because a record
		// failed (bad record MAC, oversized record): TLS-level, an *Error.
		return classify(op, err, nil)
	}
	if _, ok := alertNumber(err); ok {
		return classify(op, err, nil)
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrClosedPipe) {
		return err
	}
	return classify(op, err, nil)
}

// ConnectionState returns crypto/tls's state of the connection. It does not
// start the handshake.
func (s *Stream) ConnectionState() tls.ConnectionState { return s.conn.ConnectionState() }

// VerifyResult returns the verify result as OpenSSL numbers and words it
// (SSL_get_verify_result): (0, "ok") before the handshake and when the peer
// sent no certificate. Under verify none it is the result OpenSSL reports
// after continuing past every error; under optional and required, the
// first error (which also failed the handshake). It never starts the
// handshake.
func (s *Stream) VerifyResult() (int, string) {
	o := s.vr.Load()
	if o == nil || !o.present {
		return 0, "ok"
	}
	return o.reported, verify.Text(o.reported)
}

// VerifyReport returns the full verification report of the peer's chain
// (every problem with depth and subject, the chain as sent and as built,
// the trust source, the CRLs used, a hint), or nil before the handshake
// and when the peer sent no certificate. It never starts the handshake.
// On a server stream whose client resumed a session, it is the report of
// the session's full handshake, shared by the streams that resumed it:
// read it, do not change it.
func (s *Stream) VerifyReport() *verify.Result {
	o := s.vr.Load()
	if o == nil || !o.present {
		return nil
	}
	return o.result
}

// VerifyHint returns one line of advice about the verify result (which
// certificate to add to ca-file, which intermediate the peer must send,
// which dates or names disagree), or "" when there is none.
func (s *Stream) VerifyHint() string {
	if r := s.VerifyReport(); r != nil {
		return r.Hint
	}
	return ""
}

// PeerCertificate returns the peer's certificate, running the handshake
// if needed; nil (and no error) when the peer sent none. Every call returns
// the same object.
func (s *Stream) PeerCertificate() (*Certificate, error) {
	chain, err := s.PeerChain()
	if err != nil || len(chain) == 0 {
		return nil, err
	}
	return chain[0], nil
}

// PeerChain returns the certificates the peer sent, leaf first, running
// the handshake if needed. Every call returns the same objects.
func (s *Stream) PeerChain() ([]*Certificate, error) {
	if err := s.Handshake(); err != nil {
		return nil, err
	}
	s.peerOnce.Do(func() {
		for _, c := range s.conn.ConnectionState().PeerCertificates {
			s.peerChain = append(s.peerChain, newCertificate(c))
		}
	})
	return s.peerChain, nil
}

// LocalAddr returns the local network address.
func (s *Stream) LocalAddr() net.Addr { return s.conn.LocalAddr() }

// RemoteAddr returns the remote network address.
func (s *Stream) RemoteAddr() net.Addr { return s.conn.RemoteAddr() }

// SetDeadline sets the read and write deadlines of the underlying
// connection (handshake included). See net.Conn.
func (s *Stream) SetDeadline(t time.Time) error { return s.conn.SetDeadline(t) }

// SetReadDeadline sets the read deadline. See net.Conn.
func (s *Stream) SetReadDeadline(t time.Time) error { return s.conn.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline. See net.Conn.
func (s *Stream) SetWriteDeadline(t time.Time) error { return s.conn.SetWriteDeadline(t) }

// IsServer reports whether s is the server end.
func (s *Stream) IsServer() bool { return s.server }

// compile-time check
var _ net.Conn = (*Stream)(nil)
