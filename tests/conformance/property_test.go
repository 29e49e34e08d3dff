package conformance

import (
	"crypto/tls"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/rawtls"
)

// randomHello draws a ClientHello: legacy_version, supported_versions (or
// none), suites (TLS 1.3, TLS 1.2 for both key types, RSA key exchange,
// CBC, CCM that crypto/tls lacks, GREASE, SCSVs), groups and key shares,
// in random order.
func randomHello(r *rand.Rand) *rawtls.Hello {
	pick := func(pool []uint16, atLeast int) []uint16 {
		p := slices.Clone(pool)
		r.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
		return p[:atLeast+r.IntN(len(p)-atLeast+1)]
	}
	h := rawtls.Modern()
	h.LegacyVersion = []uint16{0x0300, 0x0301, 0x0302, 0x0303, 0x0303, 0x0304, 0x0401, 0xfefe}[r.IntN(8)]
	if r.IntN(2) == 0 {
		h.SupportedVersions = nil
	} else {
		h.SupportedVersions = pick([]uint16{0x0304, 0x0303, 0x0302, 0x0301, 0x7f1c, 0x0a0a}, 1)
	}
	h.CipherSuites = pick([]uint16{
		tls.TLS_AES_128_GCM_SHA256, tls.TLS_AES_256_GCM_SHA384, tls.TLS_CHACHA20_POLY1305_SHA256, 0x1304,
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA, 0x0a0a, 0x00ff,
	}, 0)
	groups := pick([]uint16{uint16(tls.X25519), uint16(tls.CurveP256), uint16(tls.CurveP384), uint16(tls.CurveP521), uint16(tls.X25519MLKEM768), 0x0a0a}, 0)
	h.Groups, h.KeyShares = nil, nil
	for _, g := range groups {
		h.Groups = append(h.Groups, tls.CurveID(g))
		if g != uint16(tls.X25519MLKEM768) && g != 0x0a0a && r.IntN(2) == 0 {
			h.KeyShares = append(h.KeyShares, tls.CurveID(g))
		}
	}
	if len(groups) == 0 && r.IntN(2) == 0 {
		h.Groups = nil
	}
	if r.IntN(6) == 0 {
		h.SigAlgs = []tls.SignatureScheme{tls.PSSWithSHA256, tls.PKCS1WithSHA256}
	}
	return h
}

// exchangeHello sends m to addr in one record and reads up to the
// ServerHello.
func exchangeHello(addr string, m []byte) (rawtls.Reply, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return rawtls.Reply{}, err
	}
	defer c.Close()
	if _, err := c.Write(rawtls.Records(rawtls.Handshake, 0x0301, m, 1<<14)); err != nil {
		return rawtls.Reply{}, err
	}
	return rawtls.ReadServerHello(c, 2*time.Second), nil
}

// TestRandomHellosNegotiateAsPlainCryptoTLS (property): for random
// ClientHellos (versions × suite sets × groups), our server negotiates a
// version and suite whenever plain crypto/tls with the same suites does,
// the same version, and the same suite when the cipher order does not
// differ: for TLS 1.3 (crypto/tls's choice in both) always; for TLS 1.2
// ours must be OpenSSL's pick (the server's order by default, the
// client's with prefer-server-cipher-order off), which is plain
// crypto/tls's whenever the two orders agree. Refusals (alerts) and
// HelloRetryRequests must be identical.
// SSLSTREAM_CONFORMANCE_HELLOS sets the count (default 120 per order).
func TestRandomHellosNegotiateAsPlainCryptoTLS(t *testing.T) {
	n := 120
	if v := os.Getenv("SSLSTREAM_CONFORMANCE_HELLOS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("SSLSTREAM_CONFORMANCE_HELLOS=%q: want a positive integer", v)
		}
	}
	for _, preferServer := range []bool{false, true} {
		t.Run(fmt.Sprintf("prefer-server-cipher-order=%v", preferServer), func(t *testing.T) {
			p := servePairOrder(t, preferServer)
			r := rand.New(rand.NewPCG(17, map[bool]uint64{false: 1, true: 2}[preferServer]))
			type res struct {
				h           *rawtls.Hello
				ours, plain rawtls.Reply
				err         error
			}
			out := make([]res, n)
			for i := range out {
				out[i].h = randomHello(r)
			}
			var wg sync.WaitGroup
			sem := make(chan struct{}, 8)
			for i := range out {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					m, err := out[i].h.Marshal()
					if err != nil {
						out[i].err = err
						return
					}
					var e1, e2 error
					out[i].ours, e1 = exchangeHello(p.ours, m)
					out[i].plain, e2 = exchangeHello(p.plain, m)
					out[i].err = firstErr(e1, e2)
				}()
			}
			wg.Wait()
			negotiated, same, order := 0, 0, 0
			for i, o := range out {
				desc := fmt.Sprintf("hello %d (legacy %#04x, supported_versions %x, suites %x, groups %v, shares %v)",
					i, o.h.LegacyVersion, o.h.SupportedVersions, o.h.CipherSuites, o.h.Groups, o.h.KeyShares)
				if o.err != nil {
					t.Errorf("%s: %v", desc, o.err)
					continue
				}
				ours, plain := o.ours, o.plain
				if plain.ServerHello || plain.HRR {
					negotiated++
				}
				if ours.Outcome() == plain.Outcome() {
					same++
					continue
				}
				if ours.ServerHello && plain.ServerHello && ours.Version == plain.Version &&
					ours.Version == tls.VersionTLS12 && ours.Suite == opensslPick(p.suites, o.h.CipherSuites, preferServer) {
					order++
					continue
				}
				t.Errorf("%s:\n  ours:  %s\n  plain: %s", desc, ours.Outcome(), plain.Outcome())
			}
			t.Logf("%d random ClientHellos: plain crypto/tls negotiated %d; ours identical in %d, differing only by OpenSSL's TLS 1.2 cipher order in %d", n, negotiated, same, order)
			if negotiated == 0 || negotiated == n {
				t.Errorf("the generator should produce both hellos that negotiate and hellos that are refused (negotiated %d of %d)", negotiated, n)
			}
		})
	}
}
