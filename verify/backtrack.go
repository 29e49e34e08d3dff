package verify

import (
	"bytes"
	"sort"
)

// Strict mode's path builder backtracks. OpenSSL 3.0's build_chain picks
// one issuer per step (the first that fits and is valid now) and keeps it
// whatever the later checks say; the default mode does the same. In strict
// mode, when the chain so built fails any check, the other candidate
// issuers (trusted or untrusted certificates whose subject, authority key
// identifier and key type fit) are tried depth-first, trusted ones first
// as OpenSSL does, and the first complete chain, up to a trust anchor, that
// passes every check is the result. When none does, the result is the
// first chain's, so the problems reported do not change.
//
// The search is bounded against hostile input (a peer that sends many
// certificates with the same name): at most backtrackCandidates issuers
// are tried for each certificate, at most backtrackBudget issuer choices
// are made in all, and no path is longer than the verify depth allows.

const (
	// backtrackCandidates is how many issuers of one certificate the
	// search tries.
	backtrackCandidates = 8
	// backtrackBudget is how many issuer choices the whole search may
	// make; every chain checked costs at least one.
	backtrackBudget = 100
)

// pathSearch is the state of one backtracking search.
type pathSearch struct {
	e       *engine
	orig    []*certInfo // the chain build_chain made, already checked
	path    []*certInfo // the path being extended, leaf first
	issuers map[*certInfo]*issuerCandidates
	steps   int     // issuer choices made
	chains  int     // complete chains checked (the original excluded)
	found   *engine // the engine of the first chain that passed
}

// issuerCandidates are the possible issuers of one certificate, each list
// ordered as OpenSSL prefers them: valid now first, in their sources'
// order, then the others, the one that expires last first.
type issuerCandidates struct {
	trusted, untrusted []*certInfo
}

// backtrack searches for another chain for the leaf of e's chain that
// passes every check, and returns the engine that checked it, nil when
// there is none within the search's bounds.
func (e *engine) backtrack() *engine {
	s := e.newPathSearch()
	s.extend(1)
	return s.found
}

func (e *engine) newPathSearch() *pathSearch {
	return &pathSearch{
		e:       e,
		orig:    e.chain,
		path:    []*certInfo{e.chain[0]},
		issuers: make(map[*certInfo]*issuerCandidates),
	}
}

// candidates returns the possible issuers of x, computed once per search.
// An untrusted self-signed certificate is left out: it can only end a
// chain without a trust anchor.
func (s *pathSearch) candidates(x *certInfo) *issuerCandidates {
	if c, ok := s.issuers[x]; ok {
		return c
	}
	e := s.e
	c := &issuerCandidates{}
	for _, src := range e.opts.Trust {
		if src == nil {
			continue
		}
		certs, err := src.Issuers(x.c.RawIssuer)
		if err != nil {
			continue
		}
		for _, cert := range certs {
			if cert == nil {
				continue
			}
			e.anchorSrc.note(cert, src)
			if ci := e.info.get(cert); checkIssued(x, ci) {
				c.trusted = append(c.trusted, ci)
			}
		}
	}
	for _, cert := range e.opts.Intermediates {
		if cert == nil {
			continue
		}
		if ci := e.info.get(cert); !ci.selfSigned && checkIssued(x, ci) {
			c.untrusted = append(c.untrusted, ci)
		}
	}
	s.order(c.trusted)
	s.order(c.untrusted)
	s.issuers[x] = c
	return c
}

// order sorts candidates as OpenSSL prefers them (see issuerCandidates).
func (s *pathSearch) order(list []*certInfo) {
	sort.SliceStable(list, func(i, j int) bool {
		vi, vj := s.e.timeValid(list[i]), s.e.timeValid(list[j])
		if vi != vj {
			return vi
		}
		return !vi && list[i].c.NotAfter.After(list[j].c.NotAfter)
	})
}

// onPath reports whether ci is already on the path.
func (s *pathSearch) onPath(ci *certInfo) bool {
	for _, p := range s.path {
		if p == ci || bytes.Equal(p.c.Raw, ci.c.Raw) {
			return true
		}
	}
	return false
}

// extend tries the issuers of the last certificate of the path, whose
// first n certificates are untrusted: trusted ones first, then, while the
// path has no trusted certificate, untrusted ones.
func (s *pathSearch) extend(n int) {
	curr := s.path[len(s.path)-1]
	if curr.selfSigned || len(s.path) > s.e.maxDepth {
		return
	}
	cands := s.candidates(curr)
	var tried [backtrackCandidates]*certInfo
	ntried := 0
	try := func(ci *certInfo, trusted bool) bool {
		if s.found != nil || s.steps >= backtrackBudget || ntried == len(tried) {
			return false
		}
		if s.onPath(ci) {
			return true
		}
		for _, t := range tried[:ntried] {
			if bytes.Equal(t.c.Raw, ci.c.Raw) {
				return true // the same certificate from another source
			}
		}
		tried[ntried] = ci
		ntried++
		s.steps++
		s.path = append(s.path, ci)
		defer func() { s.path = s.path[:len(s.path)-1] }()
		if !trusted {
			s.extend(n + 1)
			return true
		}
		// check_trust on the certificate just added, as build_chain
		// does: a trusted or (partial chain) any trusted certificate
		// anchors the chain, a rejected one fails it, and above a
		// trusted certificate that does neither only trusted issuers
		// are looked for.
		switch s.e.checkTrustOf(ci, false) {
		case trustTrusted:
			s.check(n)
		case trustRejected:
		default:
			if s.e.opts.PartialChain {
				s.check(n)
			} else {
				s.extend(n)
			}
		}
		return true
	}
	for _, ci := range cands.trusted {
		if !try(ci, true) {
			return
		}
	}
	if n < len(s.path) {
		return // only trusted issuers above a trusted certificate
	}
	for _, ci := range cands.untrusted {
		if !try(ci, false) {
			return
		}
	}
}

// check runs every check on the path, a complete chain whose first n
// certificates are untrusted, unless it is the chain already checked.
func (s *pathSearch) check(n int) {
	if sameChain(s.path, s.orig) {
		return
	}
	s.chains++
	alt := s.e.fork()
	alt.checkBuilt(append([]*certInfo(nil), s.path...), n)
	if len(alt.problems) == 0 {
		s.found = alt
	}
}

// sameChain reports whether a and b hold the same certificates.
func sameChain(a, b []*certInfo) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !bytes.Equal(a[i].c.Raw, b[i].c.Raw) {
			return false
		}
	}
	return true
}

// fork is a new engine for the same verification, sharing e's caches.
func (e *engine) fork() *engine {
	f := &engine{opts: e.opts, now: e.now, info: e.info, maxDepth: e.maxDepth,
		sigs: e.sigs, crlPath: e.crlPath}
	f.anchorSrc = append(anchorSources(nil), e.anchorSrc...)
	return f
}

// checkBuilt is run for a chain found by the search instead of by
// build_chain: chain ends at a trusted certificate that anchors it, and
// its first n certificates are untrusted.
func (e *engine) checkBuilt(chain []*certInfo, n int) {
	e.chain, e.numUntrusted = chain, n
	if !e.keyLevelOK(chain[0]) {
		e.report(EEKeyTooSmall, 0, chain[0])
	}
	if e.checkTrust(n) != trustTrusted {
		// Not reached: the search only completes anchored chains.
		top := len(chain) - 1
		e.report(UnableToGetIssuerCertLocally, top, chain[top])
		return
	}
	e.checkChain()
}
