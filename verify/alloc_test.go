package verify

import (
	"crypto/x509"
	"testing"
)

// TestFirstTimeVerifyAllocatesLessThanX509 checks the allocation half of
// BenchmarkVerify*NoCache as a property: verifying a chain never seen
// before allocates no more objects and no more bytes than
// x509.Certificate.Verify does on the same chain. It runs alone (not in
// parallel), as the counts are the whole process's.
func TestFirstTimeVerifyAllocatesLessThanX509(t *testing.T) {
	for _, rsa := range []bool{false, true} {
		name := map[bool]string{false: "ECDSA", true: "RSA"}[rsa]
		p := benchChain(t, rsa)
		pool := NewPool([]*x509.Certificate{p.root.Cert})
		pool.sigs = nil
		opts := &Options{Trust: []IssuerSource{pool},
			Intermediates: []*x509.Certificate{p.inter.Cert}, MaxDepth: -1, Time: baseTime,
			Hostname: "bench.example.com", Purpose: PurposeSSLServer}
		roots, inters := x509.NewCertPool(), x509.NewCertPool()
		roots.AddCert(p.root.Cert)
		inters.AddCert(p.inter.Cert)
		xopts := x509.VerifyOptions{Roots: roots, Intermediates: inters, CurrentTime: baseTime,
			DNSName: "bench.example.com", KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
		if r := Verify(p.leaf.Cert, opts); !r.OK() {
			t.Fatalf("%s: our verify: %d %s", name, r.Code, r.Text())
		}
		if _, err := p.leaf.Cert.Verify(xopts); err != nil {
			t.Fatalf("%s: x509 verify: %v", name, err)
		}
		ob, oa := allocsOf(func() { Verify(p.leaf.Cert, opts) })
		xb, xa := allocsOf(func() { p.leaf.Cert.Verify(xopts) })
		t.Logf("%s: ours %.0f B in %.1f objects, x509 %.0f B in %.1f", name, ob, oa, xb, xa)
		if oa > xa || ob > xb {
			t.Errorf("%s: Verify allocates %.0f B in %.1f objects, x509.Verify %.0f B in %.1f", name, ob, oa, xb, xa)
		}
	}
}
