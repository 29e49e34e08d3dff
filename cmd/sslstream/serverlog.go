package main

import (
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// maxPendingLog bounds what a lineWriter holds unwritten: beyond it,
// writers wait for the writer goroutine (a stderr nobody reads must not
// grow the heap without end).
const maxPendingLog = 1 << 20

// lineWriter lets many goroutines write to one io.Writer (the server's
// stderr) without waiting for each other or for the write itself (issue
// 18: a lock held across each write to stderr was 10–20 % of the wait per
// handshake at 1,000 connections). Write copies p into a node and pushes
// it onto a lock-free stack (one compare-and-swap); one goroutine takes
// the whole stack at once, puts it back in the order of the Writes and
// writes it out in one call to the underlying writer. Each Write should
// carry whole lines, as fmt.Fprintf and slog's handlers do; they then come
// out whole.
//
// Close writes what is pending and ends the goroutine; later Writes go
// straight to the underlying writer.
type lineWriter struct {
	w    io.Writer
	head atomic.Pointer[logNode] // newest first
	wake chan struct{}           // capacity 1: the stack was empty and is not
	quit chan struct{}           // closed by Close
	done chan struct{}           // closed when the goroutine has ended

	pending atomic.Int64 // bytes pushed and not yet written
	closed  atomic.Bool

	mu  sync.Mutex // after Close: serializes the direct writes
	err error      // the first error of the underlying writer (goroutine's, then mu's)
}

// logNode is one Write's bytes on the stack.
type logNode struct {
	b    []byte
	next *logNode
}

// newLineWriter starts the goroutine that writes to w.
func newLineWriter(w io.Writer) *lineWriter {
	l := &lineWriter{w: w, wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go l.run()
	return l
}

// Write queues a copy of p. It returns an error only when an earlier
// write to the underlying writer failed.
func (l *lineWriter) Write(p []byte) (int, error) {
	if l.closed.Load() {
		<-l.done
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.err != nil {
			return 0, l.err
		}
		return l.w.Write(p)
	}
	for l.pending.Load() > maxPendingLog && !l.closed.Load() {
		time.Sleep(time.Millisecond) // stderr is stuck: only then
	}
	n := &logNode{b: append([]byte(nil), p...)}
	l.pending.Add(int64(len(p)))
	for {
		old := l.head.Load()
		n.next = old
		if l.head.CompareAndSwap(old, n) {
			if old == nil {
				select {
				case l.wake <- struct{}{}:
				default:
				}
			}
			break
		}
	}
	return len(p), nil
}

// logBatch is how long the writer goroutine lets lines gather after the
// first one arrives: a busy server writes its lines in one call per
// logBatch rather than one per connection (each write(2) to a file or
// terminal costs the CPU of a small handshake's tenth), a quiet one
// shows each line that much later.
const logBatch = 2 * time.Millisecond

// run writes out what is pushed until Close.
func (l *lineWriter) run() {
	defer close(l.done)
	var buf []byte
	batch := time.NewTimer(logBatch)
	batch.Stop()
	for {
		quit := false
		select {
		case <-l.wake:
			batch.Reset(logBatch)
			select {
			case <-batch.C:
			case <-l.quit:
				batch.Stop()
				quit = true
			}
		case <-l.quit:
			quit = true
		}
		// Everything pushed so far, newest first: reverse, then write.
		var list *logNode
		for n := l.head.Swap(nil); n != nil; {
			next := n.next
			n.next = list
			list = n
			n = next
		}
		buf = buf[:0]
		for n := list; n != nil; n = n.next {
			buf = append(buf, n.b...)
		}
		if len(buf) > 0 {
			if _, err := l.w.Write(buf); err != nil && l.err == nil {
				l.err = err
			}
			l.pending.Add(-int64(len(buf)))
		}
		if cap(buf) > 64<<10 {
			buf = nil // a burst's large buffer is let go
		}
		if quit {
			return
		}
	}
}

// Close writes what is pending and ends the goroutine. Call it once no
// Write is under way (the server closes it after its last connection);
// Writes after it go straight to the underlying writer.
func (l *lineWriter) Close() {
	if !l.closed.Swap(true) {
		close(l.quit)
	}
	<-l.done
	// A Write that saw closed false may have pushed after the last swap.
	l.mu.Lock()
	defer l.mu.Unlock()
	var list *logNode
	for n := l.head.Swap(nil); n != nil; {
		next := n.next
		n.next = list
		list = n
		n = next
	}
	for n := list; n != nil && l.err == nil; n = n.next {
		_, l.err = l.w.Write(n.b)
	}
}
