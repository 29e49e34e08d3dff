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
