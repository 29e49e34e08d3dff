package verify

import (
	"crypto/x509"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
)

// benchChain issues root -> intermediate -> leaf (RSA when rsa is set).
func benchChain(b testing.TB, rsa bool) pki {
	f := newFactory()
	var o []minipki.Option
	if rsa {
		o = []minipki.Option{minipki.RSA()}
	}
	return newPKI(b, f, "bench.example.com", o, o, o)
}

func benchVerify(b *testing.B, rsa, cache bool) {
	p := benchChain(b, rsa)
	pool := NewPool([]*x509.Certificate{p.root.Cert})
	if !cache {
		// Every signature is checked anew, as for a chain never seen
		// before; the Pool keeps what it computed for its anchors.
		pool.sigs = nil
	}
	opts := &Options{Trust: []IssuerSource{pool},
		Intermediates: []*x509.Certificate{p.inter.Cert}, MaxDepth: -1, Time: baseTime,
		Hostname: "bench.example.com", Purpose: PurposeSSLServer}
	roots := x509.NewCertPool()
	roots.AddCert(p.root.Cert)
	inters := x509.NewCertPool()
	inters.AddCert(p.inter.Cert)
	xopts := x509.VerifyOptions{Roots: roots, Intermediates: inters, CurrentTime: baseTime,
		DNSName: "bench.example.com", KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if r := Verify(p.leaf.Cert, opts); !r.OK() {
		b.Fatalf("our verify: %d %s", r.Code, r.Text())
	}
	if _, err := p.leaf.Cert.Verify(xopts); err != nil {
		b.Fatalf("x509 verify: %v", err)
	}
	// Baseline and ours alternate in rounds so that both see the same
	// machine conditions, and who goes first alternates too. The ratio is
	// of the median round times (x509's over ours): on a shared machine a
	// preempted round would otherwise decide a ratio of sums.
	runOurs := func() time.Duration {
		t0 := time.Now()
		if r := Verify(p.leaf.Cert, opts); r.Code != 0 {
			b.Fatal("verify failed")
		}
		return time.Since(t0)
	}
	runTheirs := func() time.Duration {
		t0 := time.Now()
		if _, err := p.leaf.Cert.Verify(xopts); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	var ours, theirs []time.Duration
	for b.Loop() {
		if len(ours)%2 == 0 {
			ours = append(ours, runOurs())
			theirs = append(theirs, runTheirs())
		} else {
			theirs = append(theirs, runTheirs())
			ours = append(ours, runOurs())
		}
	}
	if mo, mt := median(ours), median(theirs); mo > 0 && mt > 0 {
		b.ReportMetric(float64(mt)/float64(mo), "speed-vs-x509")
		b.ReportMetric(float64(time.Second)/float64(mo), "verifies/s")
		b.ReportMetric(float64(time.Second)/float64(mt), "x509-verifies/s")
	}
	// -benchmem counts both; these count each on its own.
	oursB, oursAllocs := allocsOf(func() { Verify(p.leaf.Cert, opts) })
	theirsB, theirsAllocs := allocsOf(func() { p.leaf.Cert.Verify(xopts) })
	b.ReportMetric(oursB, "B/verify")
	b.ReportMetric(oursAllocs, "allocs/verify")
	b.ReportMetric(theirsB, "x509-B/verify")
	b.ReportMetric(theirsAllocs, "x509-allocs/verify")
}

// median returns the median of d (0 when empty); it sorts d.
func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	return d[len(d)/2]
}

// allocsOf returns the bytes and objects fn allocates per call (averaged
// over 200 calls).
func allocsOf(fn func()) (bytes, objects float64) {
	const runs = 200
	fn()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < runs; i++ {
		fn()
	}
	runtime.ReadMemStats(&after)
	return float64(after.TotalAlloc-before.TotalAlloc) / runs, float64(after.Mallocs-before.Mallocs) / runs
}

// BenchmarkVerifyECDSA compares Verify with x509.Certificate.Verify on the
// same three-certificate ECDSA chain (speed-vs-x509 > 1 means faster), as a
// TLS client verifies the same server again: the Pool's signature cache
// answers after the first time.
func BenchmarkVerifyECDSA(b *testing.B) { benchVerify(b, false, true) }

// BenchmarkVerifyRSA is BenchmarkVerifyECDSA with RSA-2048 keys.
func BenchmarkVerifyRSA(b *testing.B) { benchVerify(b, true, true) }

// BenchmarkVerifyECDSANoCache is BenchmarkVerifyECDSA with every signature
// checked anew (no signature cache).
func BenchmarkVerifyECDSANoCache(b *testing.B) { benchVerify(b, false, false) }

// BenchmarkVerifyRSANoCache is BenchmarkVerifyRSA with every signature
// checked anew (no signature cache).
func BenchmarkVerifyRSANoCache(b *testing.B) { benchVerify(b, true, false) }
