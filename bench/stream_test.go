package bench_test

import (
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
)

// rounds splits n operations into rounds of about per operations, so that
// ours and the baseline alternate often and see the same conditions on a
// shared, noisy machine.
func rounds(n, per int) []int {
	k := max(1, (n+per-1)/per)
	out := make([]int, k)
	for i := range out {
		out[i] = n / k
		if i < n%k {
			out[i]++
		}
	}
	return out
}

// pairTimes runs ours and base over b.N operations in alternating rounds
// of about per operations and returns the median time per operation of
// each over the rounds. Medians, because on a shared machine a few rounds
// stall for hundreds of milliseconds (scheduling), which would dominate a
// mean.
func pairTimes(b *testing.B, per int, ours, base func(ops int) (time.Duration, error)) (tOurs, tBase time.Duration) {
	b.Helper()
	b.ResetTimer()
	var po, pb []time.Duration
	for i, n := range rounds(b.N, per) {
		first, second := ours, base
		if i%2 == 1 {
			first, second = base, ours
		}
		d1, err := first(n)
		if err != nil {
			b.Fatal(err)
		}
		d2, err := second(n)
		if err != nil {
			b.Fatal(err)
		}
		if i%2 == 1 {
			d1, d2 = d2, d1
		}
		po = append(po, d1/time.Duration(n))
		pb = append(pb, d2/time.Duration(n))
	}
	b.StopTimer()
	return medianDuration(po), medianDuration(pb)
}

func medianDuration(d []time.Duration) time.Duration {
	slices.Sort(d)
	if len(d)%2 == 1 {
		return d[len(d)/2]
	}
	return (d[len(d)/2-1] + d[len(d)/2]) / 2
}

// report sets ns/op to ours (median per operation) and adds the baseline
// and the ratio base/ours (> 1: ours is faster; for throughput, ours over
// baseline).
func report(b *testing.B, tOurs, tBase time.Duration, bytesPerOp int64) (oursMBs float64) {
	b.ReportMetric(float64(tOurs.Nanoseconds()), "ns/op")
	b.ReportMetric(float64(tBase.Nanoseconds()), "base-ns/op")
	b.ReportMetric(float64(tBase)/float64(tOurs), "ratio")
	if bytesPerOp > 0 {
		oursMBs = float64(bytesPerOp) / tOurs.Seconds() / 1e6
		b.ReportMetric(oursMBs, "MB/s")
		b.ReportMetric(float64(bytesPerOp)/tBase.Seconds()/1e6, "base-MB/s")
	}
	return oursMBs
}

// sealMBs measures AES-128-GCM Seal of 16 KiB blocks on this goroutine
// (one core) for about d and returns MB/s: the physical reference.
func sealMBs(d time.Duration) float64 {
	key := make([]byte, 16)
	block, _ := aes.NewCipher(key)
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, aead.NonceSize())
	src := make([]byte, 16<<10)
	dst := make([]byte, 0, len(src)+aead.Overhead())
	var bytes int64
	start := time.Now()
	for time.Since(start) < d {
		for range 16 {
			dst = aead.Seal(dst[:0], nonce, src, nil)
			nonce[0]++
			bytes += int64(len(src))
		}
	}
	return float64(bytes) / time.Since(start).Seconds() / 1e6
}

// BenchmarkAESGCMSeal is the physical reference: AES-128-GCM sealing of
// 16 KiB blocks with crypto/cipher on one core.
func BenchmarkAESGCMSeal(b *testing.B) {
	block, err := aes.NewCipher(make([]byte, 16))
	if err != nil {
		b.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		b.Fatal(err)
	}
	nonce := make([]byte, aead.NonceSize())
	src := make([]byte, 16<<10)
	dst := make([]byte, 0, len(src)+aead.Overhead())
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		dst = aead.Seal(dst[:0], nonce, src, nil)
		nonce[0]++
	}
}

// BenchmarkBulk sends 16 KiB writes client to server over loopback TCP
// with sslstream at both ends and, alternating in rounds, with raw
// crypto/tls at both ends under the same protocol, suite and
// certificates. ratio is sslstream's throughput over crypto/tls's (goal
// >= 0.97); of-aes-seal is sslstream's throughput as a fraction of
// AES-128-GCM Seal on one core, measured in the same benchmark.
func BenchmarkBulk(b *testing.B) {
	for _, s := range []suite{tls13AES, tls12RSA} {
		b.Run(s.name, func(b *testing.B) {
			oc, os := oursPair(b, s, nil)
			rc, rs := rawPair(b, s)
			chunk := make([]byte, 16<<10)
			rbuf := make([]byte, 32<<10)
			// Warm up both (dynamic record sizing, buffers).
			for _, p := range [][2]endpoint{{oc, os}, {rc, rs}} {
				if _, err := transfer(p[0], p[1], 64, chunk, rbuf); err != nil {
					b.Fatal(err)
				}
			}
			tOurs, tBase := pairTimes(b, 16,
				func(n int) (time.Duration, error) { return transfer(oc, os, n, chunk, rbuf) },
				func(n int) (time.Duration, error) { return transfer(rc, rs, n, chunk, rbuf) })
			mbs := report(b, tOurs, tBase, int64(len(chunk)))
			b.ReportMetric(mbs/sealMBs(200*time.Millisecond), "of-aes-seal")
		})
	}
}

// BenchmarkSmallWrites makes 1,000 writes of 64 bytes and then one Flush
// on a buffered sslstream stream, against raw crypto/tls writing each of
// them (one record each). ratio is how many times faster sslstream is
// (goal >= 5).
func BenchmarkSmallWrites(b *testing.B) {
	benchWrites(b, tls13AES, 64, 1000)
}

// BenchmarkWriteSizes compares one write of each size (1,000 writes of 64
// bytes for the small one) on a buffered sslstream stream with raw
// crypto/tls; a Flush ends each round. Buffering must never be slower:
// ratio >= 1 within noise for every size.
func BenchmarkWriteSizes(b *testing.B) {
	for _, size := range []int{256, 1 << 10, 4 << 10, 8 << 10, 16 << 10, 64 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("%dB", size), func(b *testing.B) { benchWrites(b, tls13AES, size, 1) })
	}
}

// benchWrites times ops of perOp writes of size bytes (then a Flush).
func benchWrites(b *testing.B, s suite, size, perOp int) {
	oc, os := oursPair(b, s, nil)
	rc, rs := rawPair(b, s)
	chunk := make([]byte, size)
	rbuf := make([]byte, 32<<10)
	for _, p := range [][2]endpoint{{oc, os}, {rc, rs}} {
		if _, err := transfer(p[0], p[1], max(perOp, 64), chunk, rbuf); err != nil {
			b.Fatal(err)
		}
	}
	tOurs, tBase := pairTimes(b, 16,
		func(n int) (time.Duration, error) { return transfer(oc, os, n*perOp, chunk, rbuf) },
		func(n int) (time.Duration, error) { return transfer(rc, rs, n*perOp, chunk, rbuf) })
	report(b, tOurs, tBase, int64(size*perOp))
}

// BenchmarkBulkUnbuffered is BenchmarkBulk's TLS 1.3 case with the
// Unbuffered setting (every Write goes straight to crypto/tls).
func BenchmarkBulkUnbuffered(b *testing.B) {
	s := tls13AES
	oc, os := oursPair(b, s, func(st *sslstream.Settings) { st.Unbuffered = true })
	rc, rs := rawPair(b, s)
	chunk := make([]byte, 16<<10)
	rbuf := make([]byte, 32<<10)
	tOurs, tBase := pairTimes(b, 16,
		func(n int) (time.Duration, error) { return transfer(oc, os, n, chunk, rbuf) },
		func(n int) (time.Duration, error) { return transfer(rc, rs, n, chunk, rbuf) })
	report(b, tOurs, tBase, int64(len(chunk)))
}
