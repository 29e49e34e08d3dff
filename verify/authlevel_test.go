package verify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/internal/minipki"
)

// Keys made once per test binary: RSA key generation is slow.
var (
	rsaKeysOnce      sync.Once
	rsa1024, rsa3072 *rsa.PrivateKey
	p384Key, p521Key *ecdsa.PrivateKey
	rsaKeysErr       error
)

func sharedKeys(t testing.TB) {
	t.Helper()
	rsaKeysOnce.Do(func() {
		if rsa1024, rsaKeysErr = rsa.GenerateKey(rand.Reader, 1024); rsaKeysErr != nil {
			return
		}
		if rsa3072, rsaKeysErr = rsa.GenerateKey(rand.Reader, 3072); rsaKeysErr != nil {
			return
		}
		if p384Key, rsaKeysErr = ecdsa.GenerateKey(elliptic.P384(), rand.Reader); rsaKeysErr != nil {
			return
		}
		p521Key, rsaKeysErr = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	})
	if rsaKeysErr != nil {
		t.Fatal(rsaKeysErr)
	}
}

// fakeRSA is an RSA public key of any size without its private half: a
// leaf's key is only rated, never used, so a random odd modulus will do.
type fakeRSA struct{ pub *rsa.PublicKey }

func (k fakeRSA) Public() crypto.PublicKey { return k.pub }
func (k fakeRSA) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("fake key")
}

func fakeRSAKey(t testing.TB, bits int) minipki.Option {
	t.Helper()
	m, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(bits-1)))
	if err != nil {
		t.Fatal(err)
	}
	m.SetBit(m, bits-1, 1)
	m.SetBit(m, 0, 1)
	return minipki.WithKey(fakeRSA{&rsa.PublicKey{N: m, E: 65537}})
}

func TestRSASecurityBitsSteps(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]int{512: 0, 919: 0, 920: 80, 1024: 80, 1962: 80, 1963: 112, 2048: 112, 2670: 112, 2671: 128, 3072: 128,
		4096: 128, 6946: 128, 6947: 192, 7680: 192, 13913: 192, 13914: 256, 15360: 256} {
		if got := rsaSecurityBits(n); got != want {
			t.Errorf("rsaSecurityBits(%d) = %d, want %d", n, got, want)
		}
	}
	for _, c := range []struct{ l, n, want int }{{1024, 160, 80}, {2048, 224, 112}, {2048, 256, 112}, {3072, 256, 128}, {1024, 128, 0}, {7680, 256, 128}, {512, 160, 0}} {
		if got := dsaSecurityBits(c.l, c.n); got != c.want {
			t.Errorf("dsaSecurityBits(%d, %d) = %d, want %d", c.l, c.n, got, c.want)
		}
	}
}

// TestAuthLevelDifferential compares -auth_level 0-5 with openssl on
// chains whose leaf, intermediate or root key (RSA 1024/2048/3072, odd RSA
// sizes around OpenSSL's thresholds, P-256, P-384, Ed25519) or signature
// digest (SHA-1) is too weak, and with a trusted intermediate as anchor.
func TestAuthLevelDifferential(t *testing.T) {
	needOpenSSL(t)
	sharedKeys(t)
	f := newFactory()
	// strong is a P-521 key: 256 bits, and it signs with SHA-512.
	strong := func(t *testing.T, more ...minipki.Option) []minipki.Option {
		k, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return append([]minipki.Option{minipki.WithKey(k)}, more...)
	}
	keys := []struct {
		name string
		opt  func() []minipki.Option
	}{
		{"RSA-1024", func() []minipki.Option { return []minipki.Option{minipki.WithKey(rsa1024)} }},
		{"RSA-2048", func() []minipki.Option { return []minipki.Option{minipki.RSA()} }},
		{"RSA-3072", func() []minipki.Option { return []minipki.Option{minipki.WithKey(rsa3072)} }},
		{"P-256", func() []minipki.Option { return nil }},
		{"P-384", func() []minipki.Option { return []minipki.Option{minipki.WithKey(p384Key)} }},
	}
	sha1 := minipki.Template(func(c *x509.Certificate) { c.SignatureAlgorithm = x509.SHA1WithRSA })
	type tcase struct {
		name string
		tc   func(t *testing.T) opensslCase
	}
	var cases []tcase
	for level := 0; level <= 5; level++ {
		add := func(name string, fn func(t *testing.T) opensslCase) {
			cases = append(cases, tcase{fmt.Sprintf("level %d %s", level, name), func(t *testing.T) opensslCase {
				c := fn(t)
				c.authLevel = level
				return c
			}})
		}
		for _, bits := range []int{919, 920, 1962, 1963, 2670, 2671, 6946, 6947, 13913, 13914} {
			add(fmt.Sprintf("leaf RSA-%d", bits), func(t *testing.T) opensslCase {
				return newPKI(t, f, "leaf.example.com", strong(t), strong(t), []minipki.Option{fakeRSAKey(t, bits)}).std()
			})
		}
		add("leaf Ed25519", func(t *testing.T) opensslCase {
			_, k, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			return newPKI(t, f, "leaf.example.com", strong(t), strong(t), []minipki.Option{minipki.WithKey(k)}).std()
		})
		for _, k := range keys {
			add("leaf "+k.name, func(t *testing.T) opensslCase {
				return newPKI(t, f, "leaf.example.com", strong(t), strong(t), k.opt()).std()
			})
			add("intermediate "+k.name, func(t *testing.T) opensslCase {
				return newPKI(t, f, "leaf.example.com", strong(t), k.opt(), strong(t)).std()
			})
			add("root "+k.name, func(t *testing.T) opensslCase {
				return newPKI(t, f, "leaf.example.com", k.opt(), strong(t), strong(t)).std()
			})
			add("trusted intermediate "+k.name+" partial chain", func(t *testing.T) opensslCase {
				p := newPKI(t, f, "leaf.example.com", strong(t), k.opt(), strong(t))
				return opensslCase{leaf: p.leaf.Cert, trusted: []*x509.Certificate{p.inter.Cert}, depth: -1, partial: true}
			})
		}
		add("SHA-1 leaf", func(t *testing.T) opensslCase {
			return newPKI(t, f, "leaf.example.com", strong(t), []minipki.Option{minipki.WithKey(rsa3072)}, strong(t, sha1)).std()
		})
		add("SHA-1 intermediate", func(t *testing.T) opensslCase {
			return newPKI(t, f, "leaf.example.com", []minipki.Option{minipki.WithKey(rsa3072)}, strong(t, sha1), strong(t)).std()
		})
		add("SHA-1 root self-signature", func(t *testing.T) opensslCase {
			return newPKI(t, f, "leaf.example.com", []minipki.Option{minipki.WithKey(rsa3072), sha1}, strong(t), strong(t)).std()
		})
		add("SHA-1 trusted intermediate partial chain", func(t *testing.T) opensslCase {
			p := newPKI(t, f, "leaf.example.com", []minipki.Option{minipki.WithKey(rsa3072)}, strong(t, sha1), strong(t))
			return opensslCase{leaf: p.leaf.Cert, trusted: []*x509.Certificate{p.inter.Cert}, depth: -1, partial: true}
		})
		add("SHA-1 everywhere RSA-1024", func(t *testing.T) opensslCase {
			k := []minipki.Option{minipki.WithKey(rsa1024), sha1}
			return newPKI(t, f, "leaf.example.com", k, k, k).std()
		})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			want, got, res := runBoth(t, c.tc(t))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("problems differ from openssl verify (-openssl +ours):\n%s", diff)
			}
			if len(want) == 0 && !res.OK() {
				t.Errorf("openssl verified the chain, we got code %d", res.Code)
			}
		})
	}
	t.Logf("%d differential cases", len(cases))
}
