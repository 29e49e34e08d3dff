package verify

import (
	"crypto/x509"
	"math/big"
	"testing"
	"time"

	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/internal/minipki"
)

// TestCRLSignatureCache checks that remembering CRL signature checks in the
// Pool never changes an outcome: a good CRL keeps verifying and a badly
// signed one keeps failing (8) on every later verification with the same
// Pool.
func TestCRLSignatureCache(t *testing.T) {
	t.Parallel()
	f := minipki.New()
	root, err := f.Root("CRL Cache Root")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := root.Leaf("leaf.example")
	if err != nil {
		t.Fatal(err)
	}
	der, err := root.CRL([]*big.Int{big.NewInt(7)}, f.Now.Add(-time.Hour), f.Now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), der...)
	bad[len(bad)-1] ^= 1
	for _, tc := range []struct {
		name string
		der  []byte
		want int
	}{{"good", der, OK}, {"bad signature", bad, CRLSignatureFailure}} {
		crls, err := crl.Parse(tc.der, tc.name)
		if err != nil {
			t.Fatal(err)
		}
		pool := NewPool([]*x509.Certificate{root.Cert})
		opts := &Options{Trust: []IssuerSource{pool}, CRLs: []CRLSource{crl.NewStore(crls...)}, CRLCheck: CRLPeer, Time: f.Now}
		for i := 0; i < 3; i++ {
			if r := Verify(leaf.Cert, opts); r.Code != tc.want {
				t.Fatalf("%s, verification %d: code %d (%s), want %d", tc.name, i+1, r.Code, r.Text(), tc.want)
			}
		}
	}
}
