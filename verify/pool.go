package verify

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"sync"
	"sync/atomic"

	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/dn"
)

// IssuerSource answers which trusted certificates have a given subject name.
// A *Pool (ca-file) and a cadir.Dir (ca-directory) implement it.
type IssuerSource interface {
	Issuers(rawSubject []byte) ([]*x509.Certificate, error)
}

// Pool is an immutable set of trust anchors (the certificates of a ca-file)
// indexed by canonical subject name, as OpenSSL's X509_STORE indexes them.
// It is safe for concurrent use.
type Pool struct {
	sigs    *sigCache
	name    string
	bySubj  map[string][]*x509.Certificate
	certs   []*x509.Certificate
	byRawDN map[string]bool
	// byRaw maps each certificate's raw subject to its canonical bucket,
	// so that the usual lookup (issuer name bytes equal to the subject
	// bytes) skips canonicalisation.
	byRaw map[string]string
}

// NewPool returns a Pool holding certs (nil entries are skipped, exact
// duplicates kept once). Its trust source name is "ca-file".
func NewPool(certs []*x509.Certificate) *Pool {
	return NewNamedPool("ca-file", certs)
}

// NewNamedPool is NewPool with the name Result.TrustSource reports for
// anchors found in this pool (for example "ca-file /etc/ssl/ca.pem").
func NewNamedPool(name string, certs []*x509.Certificate) *Pool {
	p := &Pool{sigs: &sigCache{}, name: name, bySubj: make(map[string][]*x509.Certificate), byRawDN: make(map[string]bool), byRaw: make(map[string]string)}
	for _, c := range certs {
		if c == nil || p.byRawDN[string(c.Raw)] {
			continue
		}
		p.byRawDN[string(c.Raw)] = true
		p.certs = append(p.certs, c)
		key, ok := p.byRaw[string(c.RawSubject)]
		if !ok {
			key = canonKey(c.RawSubject)
			p.byRaw[string(c.RawSubject)] = key
		}
		p.bySubj[key] = append(p.bySubj[key], c)
	}
	return p
}

func canonKey(raw []byte) string {
	if c, err := dn.Canonical(raw); err == nil {
		return "c" + string(c)
	}
	return "r" + string(raw)
}

// Issuers returns the certificates of the pool whose subject equals
// rawSubject (X509_NAME_cmp semantics). It never fails.
func (p *Pool) Issuers(rawSubject []byte) ([]*x509.Certificate, error) {
	if p == nil {
		return nil, nil
	}
	if key, ok := p.byRaw[string(rawSubject)]; ok {
		return p.bySubj[key], nil
	}
	return p.bySubj[canonKey(rawSubject)], nil
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

// sigCacheMax bounds the signature cache of a Pool.
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

// checkCRL returns whether c's signature verifies under issuer's key,
// computing it with fn on a miss. Without it every handshake that checks
// revocation would verify the CRL's signature again.
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
