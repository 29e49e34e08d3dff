package verify

import (
	"crypto/x509"
	"sync"
	"testing"
)

// TestConcurrentVerify shares one Pool (and its signature cache) between
// goroutines verifying good and bad chains; run with -race.
func TestConcurrentVerify(t *testing.T) {
	f := newFactory()
	p := newPKI(t, f, "leaf.example.com", nil, nil, nil)
	bad := badSig(t, p.leaf.Cert)
	pool := NewPool([]*x509.Certificate{p.root.Cert})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				leaf, want := p.leaf.Cert, OK
				if (g+i)%2 == 1 {
					leaf, want = bad, CertSignatureFailure
				}
				r := Verify(leaf, &Options{Trust: []IssuerSource{pool}, Intermediates: []*x509.Certificate{p.inter.Cert}, MaxDepth: -1, Time: baseTime})
				if r.Code != want {
					t.Errorf("goroutine %d: code %d, want %d", g, r.Code, want)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

// TestLongChainIsBounded verifies a chain of 150 intermediates sent in
// reverse order without a depth limit: OpenSSL's default depth (100)
// applies and the work stays small.
func TestLongChainIsBounded(t *testing.T) {
	f := newFactory()
	leaf, inters, root := depthChain(t, f, 150)
	for i, j := 0, len(inters)-1; i < j; i, j = i+1, j-1 {
		inters[i], inters[j] = inters[j], inters[i]
	}
	r := Verify(leaf, &Options{Trust: []IssuerSource{NewPool([]*x509.Certificate{root})}, Intermediates: inters, MaxDepth: -1, Time: baseTime})
	if r.Code != CertChainTooLong || r.Depth != 101 {
		t.Errorf("code %d at depth %d, want 22 at 101", r.Code, r.Depth)
	}
	r = Verify(leaf, &Options{Trust: []IssuerSource{NewPool([]*x509.Certificate{root})}, Intermediates: inters, MaxDepth: 150, Time: baseTime})
	if !r.OK() {
		t.Errorf("with max depth 150: code %d at %d", r.Code, r.Depth)
	}
}
