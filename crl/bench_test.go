package crl

import (
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

const benchEntries = 1_000_000

var (
	bigOnce sync.Once
	bigDER  []byte
	bigPEM  []byte
)

// bigCRL returns a signed CRL with a million entries (a quarter with a
// reason code), DER and PEM, made once per test binary.
func bigCRL(b *testing.B) (der, pemData []byte) {
	bigOnce.Do(func() {
		bigDER = handCRL(b, benchEntries, false)
		bigPEM = pem.EncodeToMemory(&pem.Block{Type: PEMType, Bytes: bigDER})
	})
	return bigDER, bigPEM
}

// timeStdlib measures x509.ParseRevocationList on der (best of runs) and
// the bytes it allocates per run.
func timeStdlib(b *testing.B, der []byte, runs int) (time.Duration, uint64) {
	best := time.Duration(1 << 62)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		start := time.Now()
		if _, err := x509.ParseRevocationList(der); err != nil {
			b.Fatal(err)
		}
		if d := time.Since(start); d < best {
			best = d
		}
		runtime.GC()
	}
	runtime.ReadMemStats(&after)
	return best, (after.TotalAlloc - before.TotalAlloc) / uint64(runs)
}

// BenchmarkLoad1M loads a million-entry CRL file with Load, DER and PEM,
// and reports how many times faster that is than x509.ParseRevocationList
// on the DER bytes alone, measured in the same benchmark.
func BenchmarkLoad1M(b *testing.B) {
	der, pemData := bigCRL(b)
	dir := b.TempDir()
	for _, f := range []struct {
		name string
		data []byte
	}{{"DER", der}, {"PEM", pemData}} {
		b.Run(f.name, func(b *testing.B) {
			path := filepath.Join(dir, "big."+f.name)
			if err := os.WriteFile(path, f.data, 0o600); err != nil {
				b.Fatal(err)
			}
			base, baseBytes := timeStdlib(b, der, 2)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				crls, err := Load(path)
				if err != nil || crls[0].Len() != benchEntries {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			perOp := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(base)/float64(perOp), "x-vs-stdlib")
			b.ReportMetric(float64(base.Milliseconds()), "stdlib-ms")
			b.ReportMetric(float64(baseBytes)/1e6, "stdlib-MB/op")
		})
	}
}

// BenchmarkLookup1M looks up present and absent serials in the
// million-entry CRL and reports the ratio to a map[string] built from
// x509.ParseRevocationList's entries (the obvious design).
func BenchmarkLookup1M(b *testing.B) {
	der, _ := bigCRL(b)
	crls, err := Parse(der, "big")
	if err != nil {
		b.Fatal(err)
	}
	c := crls[0]
	queries := make([]*big.Int, 1024)
	for i := range queries {
		if i%2 == 0 {
			queries[i] = benchSerial(1 + i*977%benchEntries)
		} else {
			queries[i] = benchSerial(benchEntries + i) // absent
		}
	}
	rl, err := x509.ParseRevocationList(der)
	if err != nil {
		b.Fatal(err)
	}
	m := make(map[string]*x509.RevocationListEntry, len(rl.RevokedCertificateEntries))
	for i := range rl.RevokedCertificateEntries {
		e := &rl.RevokedCertificateEntries[i]
		m[string(e.SerialNumber.Bytes())] = e
	}
	start := time.Now()
	const baseRuns = 200_000
	found := 0
	for i := range baseRuns {
		if _, ok := m[string(queries[i%len(queries)].Bytes())]; ok {
			found++
		}
	}
	base := time.Since(start) / baseRuns
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		q := queries[i%len(queries)]
		_, ok := c.Lookup(q)
		if ok != (i%len(queries)%2 == 0) {
			b.Fatalf("Lookup(%v) = %v", q, ok)
		}
		i++
	}
	b.StopTimer()
	perOp := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(base)/float64(perOp), "x-vs-map")
	_ = found
}
