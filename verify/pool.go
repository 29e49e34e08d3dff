package verify

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"sync"
	"sync/atomic"

	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/keyfile"
)

// IssuerSource answers which trusted certificates have a given subject name.
// A *Pool (ca-file) and a cadir.Dir (ca-directory) implement it.
type IssuerSource interface {
	Issuers(rawSubject []byte) ([]*x509.Certificate, error)
}

// Pool is an immutable set of trust anchors (the certificates of a ca-file)
// indexed by subject name under OpenSSL's name comparison, as OpenSSL's
// X509_STORE indexes them. It is safe for concurrent use.
type Pool struct {
	sigs  *sigCache
	name  string
	certs []*x509.Certificate
	// bySubj holds the certificates by dn.CanonicalHash of their subject;
	// a bucket may hold other names too, so lookups compare names.
	bySubj map[uint64][]*x509.Certificate
	// byRaw maps each indexed subject's bytes to its bucket, so that the
	// usual lookup (issuer bytes equal to the subject bytes) is one map
	// access; mixed marks the buckets whose names are not all equal (a
	// hash collision), which lookups must filter.
	byRaw map[string]uint64
	mixed map[uint64]bool
	// byRawOdd holds, by raw subject, the certificates whose subject has
	// no canonical form: found only by the same bytes.
	byRawOdd map[string][]*x509.Certificate
	// infos are the certificates' flags, computed once for every Verify.
	infos map[*x509.Certificate]*certInfo
	// trust holds the trust settings of the certificates that have some
	// (NewTrustedPool).
	trust map[*x509.Certificate]*keyfile.TrustSettings
}

// NewPool returns a Pool holding certs (nil entries are skipped, exact
// duplicates kept once). Its trust source name is "ca-file".
func NewPool(certs []*x509.Certificate) *Pool {
	return NewNamedPool("ca-file", certs)
}

// NewNamedPool is NewPool with the name Result.TrustSource reports for
// anchors found in this pool (for example "ca-file /etc/ssl/ca.pem").
func NewNamedPool(name string, certs []*x509.Certificate) *Pool {
	p := &Pool{sigs: &sigCache{}, name: name, bySubj: make(map[uint64][]*x509.Certificate),
		byRaw: make(map[string]uint64), mixed: make(map[uint64]bool),
		infos: make(map[*x509.Certificate]*certInfo, len(certs))}
	seen := make(map[string]bool, len(certs))
	for _, c := range certs {
		if c == nil || seen[string(c.Raw)] {
			continue
		}
		seen[string(c.Raw)] = true
		p.certs = append(p.certs, c)
		if k, err := dn.CanonicalHash(c.RawSubject); err == nil {
			if b := p.bySubj[k]; len(b) > 0 && !dn.Equal(b[0].RawSubject, c.RawSubject) {
				p.mixed[k] = true
			}
			p.bySubj[k] = append(p.bySubj[k], c)
			p.byRaw[string(c.RawSubject)] = k
		} else {
			if p.byRawOdd == nil {
				p.byRawOdd = make(map[string][]*x509.Certificate)
			}
			p.byRawOdd[string(c.RawSubject)] = append(p.byRawOdd[string(c.RawSubject)], c)
		}
		p.infos[c] = newCertInfo(c)
	}
	return p
}

// Issuers returns the certificates of the pool whose subject equals
// rawSubject (X509_NAME_cmp semantics). It never fails.
func (p *Pool) Issuers(rawSubject []byte) ([]*x509.Certificate, error) {
	if p == nil {
		return nil, nil
	}
	if k, ok := p.byRaw[string(rawSubject)]; ok && !p.mixed[k] {
		return p.bySubj[k], nil
	}
	k, err := dn.CanonicalHash(rawSubject)
	if err != nil {
		return p.byRawOdd[string(rawSubject)], nil
	}
	bucket := p.bySubj[k]
	if len(bucket) == 0 {
		return nil, nil
	}
	if !p.mixed[k] {
		if dn.Equal(bucket[0].RawSubject, rawSubject) {
			return bucket, nil
		}
		return nil, nil
	}
	for i, c := range bucket {
		if !dn.Equal(c.RawSubject, rawSubject) {
			// Rare: a hash collision or a name without canonical form.
			out := append([]*x509.Certificate(nil), bucket[:i]...)
			for _, c := range bucket[i+1:] {
				if dn.Equal(c.RawSubject, rawSubject) {
					out = append(out, c)
				}
			}
			return out, nil
		}
	}
	return bucket, nil
}

// Certificates returns the pool's certificates in the order given.
func (p *Pool) Certificates() []*x509.Certificate {
	if p == nil {
		return nil
	}
	return append([]*x509.Certificate(nil), p.certs...)
}

// Len returns the number of certificates in the pool.
func (p *Pool) Len() int {
	if p == nil {
		return 0
	}
	return len(p.certs)
}

// Name returns the pool's trust source name.
func (p *Pool) Name() string { return p.name }

// anchorSources remembers which trust source first offered each candidate
// anchor of one verification (a handful: a slice beats a map).
type anchorSources []anchorSource

type anchorSource struct {
	c   *x509.Certificate
	src IssuerSource
}

// note records src for c unless c already has a source.
func (a *anchorSources) note(c *x509.Certificate, src IssuerSource) {
	if _, ok := a.of(c); !ok {
		*a = append(*a, anchorSource{c, src})
	}
}

// of returns the source recorded for c.
func (a anchorSources) of(c *x509.Certificate) (IssuerSource, bool) {
	for _, s := range a {
		if s.c == c {
			return s.src, true
		}
	}
	return nil, false
}

// sourceName names a trust or CRL source for the report.
func sourceName(s any) string {
	switch v := s.(type) {
	case interface{ Name() string }:
		return v.Name()
	case interface{ Path() string }:
		return "ca-directory " + v.Path()
	}
	return "trust store"
}

// sigCacheMax bounds each of a Pool's signature caches.
const sigCacheMax = 4096

// sigCache remembers the outcome of signature checks. The outcome is a pure
// function of the issuer's key and the signed certificate's bytes, which
// form the key, so a hit is as good as a new check. A TLS client verifying
// the same server chain on every connection skips the public-key work after
// the first time. Safe for concurrent use, and without a lock on a hit: a
// server verifying client certificates looks here twice per handshake from
// every connection at once (with a mutex, 10,000 concurrent handshakes
// queued on it for tens of milliseconds each: issue 18).
type sigCache struct {
	m     sync.Map // [32]byte -> bool
	n     atomic.Int64
	crls  sync.Map // crlSigKey -> bool
	ncrls atomic.Int64
}

// remember stores k -> ok in m, emptying m first when it holds
// sigCacheMax entries (n counts them, roughly under races: a bound, not a
// count anyone reads).
func remember(m *sync.Map, n *atomic.Int64, k any, ok bool) {
	if n.Add(1) > sigCacheMax {
		m.Clear()
		n.Store(1)
	}
	m.Store(k, ok)
}

// crlSigKey names a CRL signature check: the CRL object (immutable once
// parsed, so its identity stands for its bytes, which may be megabytes)
// and the hash of the issuer's key.
type crlSigKey struct {
	crl  *crl.CRL
	spki [32]byte
}

// checkCRL returns whether l's signature verifies under issuer's key,
// computing it with fn on a miss.
func (c *sigCache) checkCRL(issuer *x509.Certificate, l *crl.CRL, fn func() bool) bool {
	if c == nil {
		return fn()
	}
	k := crlSigKey{crl: l, spki: sha256.Sum256(issuer.RawSubjectPublicKeyInfo)}
	if v, hit := c.crls.Load(k); hit {
		return v.(bool)
	}
	ok := fn()
	remember(&c.crls, &c.ncrls, k, ok)
	return ok
}

// sigKey hashes the issuer's key (length-prefixed) and the signed
// certificate.
func sigKey(issuer, subject *x509.Certificate) [32]byte {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(issuer.RawSubjectPublicKeyInfo)))
	h.Write(n[:])
	h.Write(issuer.RawSubjectPublicKeyInfo)
	h.Write(subject.Raw)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// check returns whether subject's signature verifies under issuer's key,
// computing it with fn on a miss.
func (c *sigCache) check(issuer, subject *x509.Certificate, fn func() bool) bool {
	if c == nil {
		return fn()
	}
	k := sigKey(issuer, subject)
	if v, hit := c.m.Load(k); hit {
		return v.(bool)
	}
	ok := fn()
	remember(&c.m, &c.n, k, ok)
	return ok
}
