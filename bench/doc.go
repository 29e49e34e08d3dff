// Package bench holds the performance benchmarks of sslstream (issue 7):
// each compares the public API with a baseline measured in the same
// benchmark — raw crypto/tls for streams and handshakes, crypto/cipher's
// AES-128-GCM for the physical limit — and reports the ratio with
// b.ReportMetric. The package has no exported API; everything is in its
// external test package. Run it with
//
//	go test -run '^$' -bench . -count 5 ./bench/
//
// or through scripts/bench, which adds the openssl side-by-side runs and
// prints the table of docs/PERFORMANCE.md.
package bench
