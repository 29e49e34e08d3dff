package main

import (
	"io"
	"sync"
)

// maxPendingLog bounds what a lineWriter holds unwritten: beyond it,
// writers wait for the writer goroutine (a stderr nobody reads must not
// grow the heap without end).
const maxPendingLog = 1 << 20

// lineWriter lets many goroutines write to one io.Writer (the server's
// stderr) without any of them waiting for the write itself: Write appends
// p to a pending buffer under a mutex held only for the copy, and one
// goroutine writes out what is pending, in one call to the underlying
// writer, in the order the Writes came. A connection's handshake therefore
// never queues behind another connection's log line (issue 18: a lock held
// across each write to stderr was 10–20 % of the wait per handshake at
// 1,000 connections). Each Write should carry whole lines, as fmt.Fprintf
// and slog's handlers do; they then come out whole.
//
// Close writes what is pending and ends the goroutine; later Writes go
// straight to the underlying writer.
type lineWriter struct {
	w    io.Writer
	wake chan struct{} // capacity 1: something is pending; closed by Close
	done chan struct{} // closed when the goroutine has ended

	mu      sync.Mutex
	room    *sync.Cond // signalled when the goroutine took the pending bytes
	pending []byte
	spare   []byte
	err     error // the first error of the underlying writer
	closed  bool
}

// newLineWriter starts the goroutine that writes to w.
func newLineWriter(w io.Writer) *lineWriter {
	l := &lineWriter{w: w, wake: make(chan struct{}, 1), done: make(chan struct{})}
	l.room = sync.NewCond(&l.mu)
	go l.run()
	return l
}

// Write queues p. It returns an error only when an earlier write to the
// underlying writer failed.
func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	for len(l.pending) > maxPendingLog && !l.closed {
		l.room.Wait()
	}
	if l.closed {
		// After Close: straight through, once the goroutine is gone.
		l.mu.Unlock()
		<-l.done
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.err != nil {
			return 0, l.err
		}
		return l.w.Write(p)
	}
	defer l.mu.Unlock()
	if l.err != nil {
		return 0, l.err
	}
	l.pending = append(l.pending, p...)
	select {
	case l.wake <- struct{}{}: // never blocks: capacity 1, under mu
	default:
	}
	return len(p), nil
}

// run writes out what is pending each time it is woken, until Close.
func (l *lineWriter) run() {
	defer close(l.done)
	for {
		_, more := <-l.wake
		l.mu.Lock()
		out := l.pending
		l.pending = l.spare[:0]
		l.spare = nil
		l.room.Broadcast()
		l.mu.Unlock()
		if len(out) > 0 {
			_, err := l.w.Write(out)
			l.mu.Lock()
			if err != nil && l.err == nil {
				l.err = err
			}
			if cap(out) <= 64<<10 {
				l.spare = out[:0] // reused; a burst's large buffer is let go
			}
			l.mu.Unlock()
		}
		if !more {
			return
		}
	}
}

// Close writes what is pending and ends the goroutine.
func (l *lineWriter) Close() {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.wake) // under mu: no Write sends after this
		l.room.Broadcast()
	}
	l.mu.Unlock()
	<-l.done
}
