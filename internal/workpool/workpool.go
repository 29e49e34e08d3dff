// Package workpool runs jobs on goroutines that outlive them: a goroutine
// whose job is done waits for the next one instead of exiting, up to a
// number of waiting goroutines.
//
// A goroutine starts with a small stack. A TLS handshake needs more (ECDSA
// and RSA signatures, certificate parsing, the key schedule), so a fresh
// goroutine per connection grows its stack about three times in every
// handshake, and each growth copies the stack and walks its frames' tables:
// about 4 % of the instructions of an ECDSA TLS 1.3 handshake, more of a
// resumed one (measured with valgrind's callgrind, docs/PERFORMANCE.md). A
// goroutine that served a handshake before has its stack grown already, for
// as long as the garbage collector leaves it (it halves the stack of a
// goroutine that uses little of it, at most once per cycle).
package workpool

import (
	"sync"
	"sync/atomic"
)

// Pool runs each job given to Go with the function given to New, on a
// waiting goroutine when there is one (the one that waited least, whose
// stack is the likeliest to be grown still), else on a new one. At most
// Idle goroutines wait; one more finishing its job exits. The zero Pool is
// not usable: make one with New.
type Pool[T any] struct {
	run  func(T)
	idle int
	wg   sync.WaitGroup

	mu     sync.Mutex
	ready  []chan T // the waiting goroutines' channels, the latest last
	closed bool
	// nready is len(ready), stored under mu and read without it: when
	// many connections start or end at once, the pool is empty for Go or
	// full for park, and neither takes the lock to find that out.
	nready  atomic.Int32
	started atomic.Int64
}

// New returns a pool that runs its jobs with run and keeps up to idle
// goroutines waiting for jobs (at least 1).
func New[T any](idle int, run func(T)) *Pool[T] {
	return &Pool[T]{run: run, idle: max(idle, 1)}
}

// Go runs run(job) on a goroutine of the pool, at once: a waiting one, or
// a new one. It must not be called after (or during) Close.
func (p *Pool[T]) Go(job T) {
	if p.nready.Load() > 0 {
		p.mu.Lock()
		if n := len(p.ready); n > 0 {
			ch := p.ready[n-1]
			p.ready[n-1] = nil
			p.ready = p.ready[:n-1]
			p.nready.Store(int32(n - 1))
			p.mu.Unlock()
			ch <- job // buffered: its goroutine is waiting for this one job
			return
		}
		p.mu.Unlock()
	}
	p.started.Add(1)
	p.wg.Add(1)
	go p.work(job, make(chan T, 1))
}

// work runs job, then the jobs it is given on ch while it waits, until the
// pool has enough waiting goroutines or is closed.
func (p *Pool[T]) work(job T, ch chan T) {
	defer p.wg.Done()
	for {
		p.run(job)
		var zero T
		job = zero // nothing of the last job is kept while waiting
		if !p.park(ch) {
			return
		}
		var ok bool
		if job, ok = <-ch; !ok {
			return
		}
	}
}

// park adds a goroutine's channel to the waiting ones, unless the pool has
// enough of them or is closed (false: the goroutine exits). Apart from Go,
// it is the one place a job's goroutine waits for another's (p.mu): a
// profile of waiting shows the pool's share under these two names.
func (p *Pool[T]) park(ch chan T) bool {
	if int(p.nready.Load()) >= p.idle {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.ready) >= p.idle {
		return false
	}
	p.ready = append(p.ready, ch)
	p.nready.Store(int32(len(p.ready)))
	return true
}

// Started returns how many goroutines the pool has started.
func (p *Pool[T]) Started() int64 { return p.started.Load() }

// Waiting returns how many goroutines wait for a job.
func (p *Pool[T]) Waiting() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.ready)
}

// Close waits for the jobs that are running to end and for the pool's
// goroutines to exit. Go must not be called after Close.
func (p *Pool[T]) Close() {
	p.mu.Lock()
	p.closed = true
	for _, ch := range p.ready {
		close(ch)
	}
	p.ready = nil
	p.nready.Store(0)
	p.mu.Unlock()
	p.wg.Wait()
}
