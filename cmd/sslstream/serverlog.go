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

// logBatchMin and logBatchMax bound how long the writer goroutine lets
// lines gather before it writes them: a busy server writes its lines in
// one call per logBatchMax rather than one per connection, and the
// goroutine wakes once per batch, not once per line (each write(2) to a
// file or terminal, and each wake-up of a parked goroutine, costs about a
// tenth of a resumed handshake's CPU; with 20 ms batches a busy server's
// lines still cost it 2-3 % more CPU per handshake than with 200 ms). The
// first batch after a quiet spell is written logBatchMin after its first
// line, and each batch that finds lines waits twice as long as the one
// before, up to logBatchMax: a quiet server shows its lines at once, a
// busy one at most logBatchMax late.
const (
	logBatchMin = 10 * time.Millisecond
	logBatchMax = 200 * time.Millisecond
)

// run writes out what is pushed until Close. It waits on wake only when
// the stack was found empty: while lines keep coming, it sleeps, writes
// what gathered, and sleeps again, so that the writers' pushes, which find
// the wake channel already full or nobody waiting on it, wake no
// goroutine.
func (l *lineWriter) run() {
	defer close(l.done)
	var buf []byte
	tick := time.NewTimer(logBatchMax)
	tick.Stop()
	for {
		select {
		case <-l.wake:
		case <-l.quit:
			l.writeOut(&buf)
			return
		}
		for d := logBatchMin; ; d = min(2*d, logBatchMax) {
			tick.Reset(d)
			select {
			case <-tick.C:
			case <-l.quit:
				tick.Stop()
				l.writeOut(&buf)
				return
			}
			if !l.writeOut(&buf) {
				break // a quiet batch: wait for the next line
			}
		}
	}
}

// takeAll empties the stack and returns what it held in the order of the
// Writes (the stack holds the newest first).
func (l *lineWriter) takeAll() *logNode {
	var list *logNode
	for n := l.head.Swap(nil); n != nil; {
		next := n.next
		n.next = list
		list = n
		n = next
	}
	return list
}

// writeOut writes everything pushed so far in one call, in the order of
// the Writes, and reports whether there was anything. buf is the writer
// goroutine's buffer, kept between calls.
func (l *lineWriter) writeOut(buf *[]byte) bool {
	list := l.takeAll()
	if list == nil {
		return false
	}
	b := (*buf)[:0]
	for n := list; n != nil; n = n.next {
		b = append(b, n.b...)
	}
	if _, err := l.w.Write(b); err != nil && l.err == nil {
		l.err = err
	}
	l.pending.Add(-int64(len(b)))
	if cap(b) > 64<<10 {
		b = nil // a burst's large buffer is let go
	}
	*buf = b
	return true
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
	for n := l.takeAll(); n != nil && l.err == nil; n = n.next {
		_, l.err = l.w.Write(n.b)
	}
}
