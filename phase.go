package sslstream

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
)

// Handshake phases, as far as the stream can see them from the bytes it
// reads and the callbacks crypto/tls makes. They name what the stream was
// waiting for when a handshake stalls or the peer goes away.
const (
	phaseHello    int32 = iota // nothing of the peer's first message yet (or part of it)
	phaseFlight                // server: ClientHello seen; client: ServerHello arriving
	phaseFinished              // the peer's certificate was checked; its Finished is due
)

// phaseTracker records how far a handshake got. Its zero value is ready.
type phaseTracker struct {
	phase     atomic.Int32
	read      atomic.Int64 // bytes read from the peer during the handshake
	wantsCert atomic.Bool  // server: a client certificate was asked for

	// plainAlert is 1 + the description of a plaintext alert record the
	// peer sent during the handshake, 0 if none (see wireConn).
	plainAlert atomic.Int32
}

// phaseDone marks a completed handshake (no more counting).
const phaseDone int32 = 100

// describe says what the handshake was waiting for.
func (t *phaseTracker) describe(server bool) string {
	got := t.read.Load()
	switch p := t.phase.Load(); {
	case server && p == phaseHello:
		if got == 0 {
			return "waiting for the ClientHello (nothing received)"
		}
		return fmt.Sprintf("waiting for the rest of the ClientHello (%d bytes received)", got)
	case server && p == phaseFlight && t.wantsCert.Load():
		return "waiting for the client's certificate and Finished"
	case server:
		return "waiting for the client's Finished"
	case p == phaseHello && got == 0:
		return "waiting for the ServerHello (nothing received)"
	case p == phaseHello || p == phaseFlight:
		return "waiting for the server's certificate (ServerHello started arriving)"
	default:
		return "waiting for the server's Finished"
	}
}

// stalledError says in which phase a handshake failed for a reason
// outside TLS: a timeout, a cancelled context, the peer closing or
// resetting the connection. It wraps that reason unchanged, so net.Error,
// os.ErrDeadlineExceeded, context.DeadlineExceeded and io.EOF still match.
type stalledError struct {
	phase string
	err   error
}

func (e *stalledError) Error() string { return e.phase + ": " + e.err.Error() }
func (e *stalledError) Unwrap() error { return e.err }

// Timeout reports whether the wrapped error is a timeout.
func (e *stalledError) Timeout() bool {
	var ne net.Error
	return errors.As(e.err, &ne) && ne.Timeout()
}

// Temporary is the same as Timeout (net.Error's deprecated method).
func (e *stalledError) Temporary() bool { return e.Timeout() }

// isTransport reports whether a handshake error came from the connection
// or the context rather than from the TLS protocol.
func isTransport(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && (opErr.Op == "remote error" || opErr.Op == "local error") {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, net.ErrClosed)
}

// handshakeError adds the phase to a handshake error that came from the
// connection or the context rather than from TLS, and turns crypto/tls's
// "bad record MAC" into the alert the peer really sent in plaintext.
func (s *Stream) handshakeError(err error) error {
	if a := s.ph.plainAlert.Load(); a > 0 && strings.Contains(err.Error(), "bad record MAC") {
		// The peer's alert, not a decryption failure (see wireConn).
		return &net.OpError{Op: "remote error", Err: tls.AlertError(a - 1)}
	}
	if isTransport(err) {
		return &stalledError{phase: s.ph.describe(s.server), err: err}
	}
	return err
}
