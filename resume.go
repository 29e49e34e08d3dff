package sslstream

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"sync"
)

// A resumed session keeps the verify result of the handshake that made it,
// as in OpenSSL (SSL_get_verify_result of a resumed session is the
// session's): a server does not verify the client's chain again when the
// client resumes, as crypto/tls's own server does not either. The result
// stays in the server's memory (resumeOutcomes) and the session ticket
// names it: an entry in crypto/tls's SessionState.Extra, sealed with the
// rest of the ticket, so that no client can forge or alter it. A ticket
// issued under another configuration (before a Reload or Update, or by
// another process sharing the ticket key file) names a configuration
// this one is not, and the chain is verified again, under the settings
// now in force.

// resumeOutcomes holds, for one server configuration, the verification
// outcomes of the client chains its session tickets were issued for.
type resumeOutcomes struct {
	id [16]byte // this configuration's, random

	mu sync.Mutex
	m  map[[16]byte]*verifyOutcome
}

// maxResumeOutcomes bounds resumeOutcomes: beyond it, one outcome is
// forgotten for each new one, and a client resuming a forgotten session
// has its chain verified again.
const maxResumeOutcomes = 4096

// resumeTag starts the SessionState.Extra entry that names an outcome:
// tag || configuration id (16) || outcome key (16).
const resumeTag = "sslstream verify outcome 1\x00"

func newResumeOutcomes() *resumeOutcomes {
	r := &resumeOutcomes{m: make(map[[16]byte]*verifyOutcome)}
	_, _ = rand.Read(r.id[:]) // crypto/rand.Read does not fail (Go 1.24)
	return r
}

// put keeps o and returns its key.
func (r *resumeOutcomes) put(o *verifyOutcome) [16]byte {
	var k [16]byte
	_, _ = rand.Read(k[:])
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.m) >= maxResumeOutcomes {
		for old := range r.m {
			delete(r.m, old)
			break
		}
	}
	r.m[k] = o
	return k
}

// get returns the outcome kept under k, nil when there is none.
func (r *resumeOutcomes) get(k [16]byte) *verifyOutcome {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[k]
}

// extra returns the Extra entry naming key.
func (r *resumeOutcomes) extra(key [16]byte) []byte {
	b := make([]byte, 0, len(resumeTag)+32)
	b = append(b, resumeTag...)
	b = append(b, r.id[:]...)
	return append(b, key[:]...)
}

// lookup returns the outcome an Extra list names, and its key, when one
// of its entries was made by this configuration and the outcome is still
// kept.
func (r *resumeOutcomes) lookup(extra [][]byte) (*verifyOutcome, [16]byte) {
	for _, e := range extra {
		rest, ok := bytes.CutPrefix(e, []byte(resumeTag))
		if !ok || len(rest) != 32 || !bytes.Equal(rest[:16], r.id[:]) {
			continue
		}
		k := [16]byte(rest[16:])
		if o := r.get(k); o != nil {
			return o, k
		}
	}
	return nil, [16]byte{}
}

// withoutResumeEntries returns extra without the entries resumeTag starts
// (a session's own, carried into the tickets of its resumption).
func withoutResumeEntries(extra [][]byte) [][]byte {
	out := extra[:0:0]
	for _, e := range extra {
		if !bytes.HasPrefix(e, []byte(resumeTag)) {
			out = append(out, e)
		}
	}
	return out
}

// noteResumed records on stream s the outcome a ticket's session state
// names, for verifyClient to report instead of verifying again; nil when
// it names none. Every ticket opened replaces what the one before left
// (crypto/tls opens a TLS 1.3 client's PSK identities in turn, until one
// is accepted), and verifyClient uses it only for a resumed handshake
// whose client chain is the one the outcome is of.
func (c *config) noteResumed(ss *tls.SessionState, s *Stream) {
	if s == nil || c.resumed == nil {
		return
	}
	if o, k := c.resumed.lookup(ss.Extra); o != nil {
		s.resumedVR.Store(&resumedOutcome{o: o, key: k})
		return
	}
	s.resumedVR.Store(nil)
}

// sameChain reports whether certs (a resumed session's peer certificates)
// are the chain the outcome o is of, certificate by certificate.
func (o *verifyOutcome) sameChain(certs []*x509.Certificate) bool {
	if !o.present || o.result == nil || len(o.result.Sent) != len(certs) {
		return false
	}
	for i, c := range certs {
		if !bytes.Equal(c.Raw, o.result.Sent[i].Raw) {
			return false
		}
	}
	return true
}

// nameOutcome adds to ss, a session about to be sealed into a ticket, the
// entry naming the verification outcome of stream s's client chain (the
// one it resumed with, or the one of its full handshake).
func (c *config) nameOutcome(ss *tls.SessionState, s *Stream) {
	if s == nil || c.resumed == nil {
		return
	}
	ss.Extra = withoutResumeEntries(ss.Extra)
	var key [16]byte
	if r := s.resumedVR.Load(); r != nil {
		key = r.key
	} else if o := s.vr.Load(); o != nil && o.present {
		key = c.resumed.put(o)
	} else {
		return
	}
	ss.Extra = append(ss.Extra, c.resumed.extra(key))
}

// resumedOutcome is what a resumed stream's ticket named: the outcome and
// its key.
type resumedOutcome struct {
	o   *verifyOutcome
	key [16]byte
}
