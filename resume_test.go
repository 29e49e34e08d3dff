package sslstream

import (
	"crypto/x509"
	"testing"

	"github.com/sslstream/sslstream/verify"
)

// TestResumedSessionKeepsVerifyOutcome: a client that resumes its session
// is not verified again (OpenSSL keeps a session's verify result, and
// crypto/tls's own server runs no chain verification on resumption): the
// server stream of the resumed handshake reports the very outcome of the
// full one. After a Reload, and for a stream with overrides, the chain of
// a resumed session is verified again, under the settings in force.
func TestResumedSessionKeepsVerifyOutcome(t *testing.T) {
	t.Parallel()
	p := pki(t)
	for _, method := range []string{"tlsv1.2", "tlsv1.3"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			ss := p.serverSettings()
			ss.Method = method
			ss.CAFile = p.caFile
			ss.Verify = VerifyRequired
			sctx, err := NewServerContext(ss)
			if err != nil {
				t.Fatal(err)
			}
			cctx, err := NewClientContext(Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired,
				Certificate: p.clientCert, Key: p.clientKey, SessionTickets: new(true)})
			if err != nil {
				t.Fatal(err)
			}
			addr, res := featureServe(t, sctx, 4, nil)
			one := func(what string, wantResumed bool) *verify.Result {
				t.Helper()
				c, err := featureDial(t, cctx, addr, nil)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				r := <-res
				if r.err != nil {
					t.Fatalf("%s: server: %v", what, r.err)
				}
				if c.Resumed() != wantResumed || r.resumed != wantResumed {
					t.Fatalf("%s: client resumed %v, server %v, want %v", what, c.Resumed(), r.resumed, wantResumed)
				}
				if r.verify != 0 || r.report == nil || !r.report.OK() || len(r.report.Sent) == 0 {
					t.Fatalf("%s: server's verify result %d, report %+v: want 0 and the client's chain", what, r.verify, r.report)
				}
				return r.report
			}
			full := one("full handshake", false)
			if again := one("resumed", true); again != full {
				t.Error("the resumed handshake verified the client's chain again: its report is not the full handshake's")
			}
			if again := one("resumed twice", true); again != full {
				t.Error("the second resumption verified the client's chain again")
			}
			if err := sctx.Reload(); err != nil {
				t.Fatal(err)
			}
			if after := one("resumed after Reload", true); after == full {
				t.Error("after Reload, a resumed session kept the outcome of the configuration before it")
			}
		})
	}
}

// TestResumedOutcomeNeedsTheSameChain: an outcome is reused only for the
// chain it is of, certificate by certificate, and only when verification
// ran to a result.
func TestResumedOutcomeNeedsTheSameChain(t *testing.T) {
	t.Parallel()
	p := pki(t)
	leaf, inter := p.client.Cert, p.inter.Cert
	o := &verifyOutcome{present: true, result: &verify.Result{Sent: []*x509.Certificate{leaf, inter}}}
	if !o.sameChain([]*x509.Certificate{leaf, inter}) {
		t.Error("the same chain is not the same")
	}
	for name, certs := range map[string][]*x509.Certificate{
		"leaf only":      {leaf},
		"other leaf":     {inter, inter},
		"longer":         {leaf, inter, inter},
		"no certificate": nil,
	} {
		if o.sameChain(certs) {
			t.Errorf("%s: taken for the chain of the outcome", name)
		}
	}
	if (&verifyOutcome{present: true, result: &verify.Result{}}).sameChain([]*x509.Certificate{leaf}) {
		t.Error("an outcome without the chain sent (a recovered panic) was reused")
	}
	if (&verifyOutcome{}).sameChain(nil) {
		t.Error("an outcome without a peer certificate was reused")
	}
}

// TestResumeOutcomesBounded: the server keeps at most maxResumeOutcomes
// outcomes, and an Extra entry names one only for the configuration that
// made it.
func TestResumeOutcomesBounded(t *testing.T) {
	t.Parallel()
	r := newResumeOutcomes()
	o := &verifyOutcome{present: true}
	for range maxResumeOutcomes + 10 {
		r.put(o)
	}
	if n := len(r.m); n != maxResumeOutcomes {
		t.Errorf("%d outcomes kept, want %d", n, maxResumeOutcomes)
	}
	k := r.put(o)
	if got, key := r.lookup([][]byte{[]byte("other"), r.extra(k)}); got != o || key != k {
		t.Error("an entry of this configuration was not found")
	}
	if got, _ := newResumeOutcomes().lookup([][]byte{r.extra(k)}); got != nil {
		t.Error("another configuration's entry named an outcome")
	}
	bad := r.extra(k)
	if got, _ := r.lookup([][]byte{bad[:len(bad)-1]}); got != nil {
		t.Error("a truncated entry named an outcome")
	}
	if got := withoutResumeEntries([][]byte{[]byte("x"), r.extra(k)}); len(got) != 1 || string(got[0]) != "x" {
		t.Errorf("withoutResumeEntries = %q", got)
	}
}
