package bench_test

import (
	"crypto/tls"
	"io"
	"net"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
)

// tls12EC is TLS 1.2 with the ECDSA leaf (ECDHE-ECDSA-AES128-GCM-SHA256).
var tls12EC = suite{name: "TLS12-ECDHE-ECDSA-AES128GCM", method: "tlsv1.2", ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256",
	version: tls.VersionTLS12, cipherIDs: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
	want: tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}

// serverCPUBlock is how many handshakes each side makes before the other
// takes its turn.
const serverCPUBlock = 16

// BenchmarkServerHandshakeCPU measures what the library's server adds to
// a handshake: an sslstream server stream and a crypto/tls server, each
// against the same crypto/tls client (X25519, a session cache when
// resumed), over in-memory connections (net.Pipe: no syscalls, so that
// the figure is CPU, not the kernel's). Each op is one handshake, one
// byte each way and a close; the two alternate in blocks of 16. Reported:
// ratio (sslstream's handshakes/s over crypto/tls's, client included),
// extra-us/hs (sslstream's median time per handshake minus crypto/tls's:
// the server's added cost, the client being the same), and the heap
// allocations per handshake of each (whole process, both ends).
func BenchmarkServerHandshakeCPU(b *testing.B) {
	for _, s := range []suite{tls12EC, tls12RSA, ecdhe13} {
		for _, resumed := range []bool{false, true} {
			name := s.name + "/full"
			if resumed {
				name = s.name + "/resumed"
			}
			b.Run(name, func(b *testing.B) { serverCPU(b, s, resumed) })
		}
	}
}

func serverCPU(b *testing.B, s suite, resumed bool) {
	p := fixture(b)
	sctx, err := sslstream.NewServerContext(s.serverSettings(p))
	if err != nil {
		b.Fatal(err)
	}
	rawCfg := s.rawServer(p)
	client := func() *tls.Config {
		c := s.rawClient(p)
		c.CurvePreferences = []tls.CurveID{tls.X25519}
		if resumed {
			c.ClientSessionCache = tls.NewLRUClientSessionCache(4)
		}
		return c
	}
	oc, rc := client(), client()
	ours := func(c net.Conn) (endpoint, error) {
		st, err := sctx.Server(c, nil)
		if err != nil {
			return nil, err
		}
		return st, st.Handshake()
	}
	raw := func(c net.Conn) (endpoint, error) {
		t := tls.Server(c, rawCfg)
		return rawConn{t}, t.Handshake()
	}
	check := false // not while priming the caches
	one := func(server func(net.Conn) (endpoint, error), cc *tls.Config) error {
		cn, sn := net.Pipe()
		// net.Pipe is synchronous: the client hangs up without a
		// close_notify (both ends sending one at once would wait for
		// each other), and a deadline bounds a mistake.
		dl := time.Now().Add(10 * time.Second)
		cn.SetDeadline(dl)
		sn.SetDeadline(dl)
		errc := make(chan error, 1)
		go func() {
			e, err := server(sn)
			if err == nil {
				var x [1]byte
				if _, err = io.ReadFull(e, x[:]); err == nil {
					_, err = e.Write(x[:])
				}
				if err == nil {
					err = e.Flush()
				}
			}
			if e != nil {
				e.Close()
			} else {
				sn.Close()
			}
			errc <- err
		}()
		t := tls.Client(cn, cc)
		err := t.Handshake()
		if err == nil {
			if _, err = t.Write([]byte{1}); err == nil {
				var x [1]byte
				_, err = io.ReadFull(t, x[:])
			}
		}
		if err == nil && check && t.ConnectionState().DidResume != resumed {
			err = errResumed(resumed)
		}
		cn.Close()
		if serr := <-errc; err == nil && serr != nil && serr != io.EOF {
			err = serr
		}
		return err
	}
	// Warm up both (and prime the session caches).
	for range 4 {
		if err := one(ours, oc); err != nil {
			b.Fatal("sslstream server: ", err)
		}
		if err := one(raw, rc); err != nil {
			b.Fatal("crypto/tls server: ", err)
		}
	}
	check = true
	type sample struct{ ns, allocs float64 }
	block := func(server func(net.Conn) (endpoint, error), cc *tls.Config, n int) (sample, error) {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		t0 := time.Now()
		for range n {
			if err := one(server, cc); err != nil {
				return sample{}, err
			}
		}
		d := time.Since(t0)
		runtime.ReadMemStats(&m1)
		return sample{float64(d.Nanoseconds()) / float64(n), float64(m1.Mallocs-m0.Mallocs) / float64(n)}, nil
	}
	var so, sr []sample
	b.ResetTimer()
	for done := 0; done < b.N; done += serverCPUBlock {
		n := min(serverCPUBlock, b.N-done)
		o, err := block(ours, oc, n)
		if err != nil {
			b.Fatal("sslstream server: ", err)
		}
		r, err := block(raw, rc, n)
		if err != nil {
			b.Fatal("crypto/tls server: ", err)
		}
		so, sr = append(so, o), append(sr, r)
	}
	b.StopTimer()
	med := func(xs []sample, f func(sample) float64) float64 {
		v := make([]float64, len(xs))
		for i, x := range xs {
			v[i] = f(x)
		}
		sort.Float64s(v)
		return v[len(v)/2]
	}
	ns := func(x sample) float64 { return x.ns }
	al := func(x sample) float64 { return x.allocs }
	o, r := med(so, ns), med(sr, ns)
	b.ReportMetric(r/o, "ratio")
	b.ReportMetric((o-r)/1e3, "extra-us/hs")
	b.ReportMetric(med(so, al), "allocs/hs")
	b.ReportMetric(med(sr, al), "base-allocs/hs")
}

type errResumed bool

func (e errResumed) Error() string {
	if e {
		return "the handshake did not resume"
	}
	return "a full handshake resumed"
}
