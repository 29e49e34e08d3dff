package sslstream

import (
	"context"
	"errors"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
)

// crlSpec is one CRL to issue: its issuer, dates and revoked serials.
type crlSpec struct {
	issuer              *minipki.Cert
	thisUpdate, nextUpd time.Time
	revoked             []*big.Int
}

// writeCRLs writes the CRLs of specs to path as PEM.
func writeCRLs(t *testing.T, path string, specs ...crlSpec) string {
	t.Helper()
	var all []byte
	for _, s := range specs {
		der, err := s.issuer.CRL(s.revoked, s.thisUpdate, s.nextUpd)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, minipki.CRLPEM(der)...)
	}
	writeAtomic(t, path, all)
	return path
}

// crlHandshake connects a client with cs to a server with the fixture's
// certificate and returns the client's handshake error and verify result.
//
//lint:ignore ST1008 the handshake error is what each case looks at first
func crlHandshake(t *testing.T, cs Settings) (error, int, []string) {
	t.Helper()
	p := pki(t)
	c, s := pairStreams(t, "tcp", cs, p.serverSettings())
	cerr, _ := both(t, c.Handshake, s.Handshake)
	code, _ := c.VerifyResult()
	return cerr, code, c.CRLsUsed()
}

func TestCRLPolicy(t *testing.T) {
	t.Parallel()
	p := pki(t)
	now := time.Now()
	dir := t.TempDir()
	good := writeCRLs(t, filepath.Join(dir, "good.pem"), crlSpec{p.inter, now.Add(-time.Hour), now.Add(24 * time.Hour), nil})
	rootOnly := writeCRLs(t, filepath.Join(dir, "root-only.pem"), crlSpec{p.root, now.Add(-time.Hour), now.Add(24 * time.Hour), nil})
	expired := writeCRLs(t, filepath.Join(dir, "expired.pem"), crlSpec{p.inter, now.Add(-48 * time.Hour), now.Add(-time.Hour), nil})
	expiredRevoked := writeCRLs(t, filepath.Join(dir, "expired-revoked.pem"),
		crlSpec{p.inter, now.Add(-48 * time.Hour), now.Add(-time.Hour), []*big.Int{p.server.Cert.SerialNumber}})
	future := writeCRLs(t, filepath.Join(dir, "future.pem"), crlSpec{p.inter, now.Add(time.Hour), now.Add(48 * time.Hour), nil})
	chain := writeCRLs(t, filepath.Join(dir, "chain.pem"),
		crlSpec{p.inter, now.Add(-time.Hour), now.Add(24 * time.Hour), nil},
		crlSpec{p.root, now.Add(-time.Hour), now.Add(24 * time.Hour), nil})
	leafOnly := writeCRLs(t, filepath.Join(dir, "leaf-only.pem"), crlSpec{p.inter, now.Add(-time.Hour), now.Add(24 * time.Hour), nil})

	cases := []struct {
		name     string
		file     string
		check    CRLCheck
		policy   CRLPolicy
		wantCode int // verify result; 0 = handshake succeeds
	}{
		{"good CRL", good, CRLPeer, CRLPolicy{}, 0},
		{"missing CRL fails as OpenSSL", rootOnly, CRLPeer, CRLPolicy{}, 3},
		{"missing CRL allowed", rootOnly, CRLPeer, CRLPolicy{Missing: CRLAllow}, 0},
		{"expired CRL fails as OpenSSL", expired, CRLPeer, CRLPolicy{}, 12},
		{"expired CRL allowed", expired, CRLPeer, CRLPolicy{Expired: CRLAllow}, 0},
		{"expired CRL within grace", expired, CRLPeer, CRLPolicy{Expired: CRLGrace, Grace: 2 * time.Hour}, 0},
		{"expired CRL beyond grace", expired, CRLPeer, CRLPolicy{Expired: CRLGrace, Grace: 30 * time.Minute}, 12},
		{"revocation is never relaxed", expiredRevoked, CRLPeer, CRLPolicy{Expired: CRLAllow}, 23},
		{"CRL not yet valid fails as OpenSSL", future, CRLPeer, CRLPolicy{}, 11},
		{"CRL not yet valid within grace", future, CRLPeer, CRLPolicy{NotYetValid: CRLGrace, Grace: 2 * time.Hour}, 0},
		{"CRL not yet valid beyond grace", future, CRLPeer, CRLPolicy{NotYetValid: CRLGrace, Grace: time.Minute}, 11},
		{"crl-check all without the root's CRL", leafOnly, CRLAll, CRLPolicy{}, 3},
		{"crl-check all with both CRLs", chain, CRLAll, CRLPolicy{}, 0},
		{"skip trust anchor does not excuse the intermediate", leafOnly, CRLAll, CRLPolicy{SkipTrustAnchor: true}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cs := Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired, CRLCheck: tc.check, CRLFile: tc.file,
				CRLPolicy: tc.policy}
			err, code, used := crlHandshake(t, cs)
			if code != tc.wantCode {
				t.Errorf("verify result %d, want %d (handshake error %v)", code, tc.wantCode, err)
			}
			if (err == nil) != (tc.wantCode == 0) {
				t.Errorf("handshake error %v with verify result %d", err, code)
			}
			if tc.wantCode == 0 && tc.file != rootOnly && (len(used) == 0 || !strings.Contains(strings.Join(used, " "), filepath.Base(tc.file))) {
				t.Errorf("CRLsUsed %q, want the crl-file", used)
			}
			// Under verify none the handshake succeeds and the result
			// is the relaxed one too.
			cs.Verify = VerifyNone
			err, code, _ = crlHandshake(t, cs)
			if err != nil || code != tc.wantCode {
				t.Errorf("verify none: %v, result %d, want %d", err, code, tc.wantCode)
			}
		})
	}
}

// The skip-trust-anchor option: the chain's top CA needs no CRL of its own.
func TestCRLSkipTrustAnchor(t *testing.T) {
	t.Parallel()
	p := pki(t)
	now := time.Now()
	// A good CRL by the intermediate, an expired one by the root.
	path := writeCRLs(t, filepath.Join(t.TempDir(), "crls.pem"),
		crlSpec{p.inter, now.Add(-time.Hour), now.Add(24 * time.Hour), nil},
		crlSpec{p.root, now.Add(-48 * time.Hour), now.Add(-time.Hour), nil})
	cs := Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired, CRLCheck: CRLAll, CRLFile: path}
	// The expired root CRL is reported for the intermediate (depth 1)
	// and for the self-signed root itself (depth 2), as OpenSSL does
	// under crl_check_all. Skipping the anchor removes only depth 2.
	depths := func(cs Settings) ([]int, error) {
		c, s := pairStreams(t, "tcp", cs, p.serverSettings())
		err, _ := both(t, c.Handshake, s.Handshake)
		var d []int
		for _, pr := range c.VerifyReport().Problems {
			if pr.Code != 12 {
				t.Errorf("problem %+v", pr)
			}
			d = append(d, pr.Depth)
		}
		return d, err
	}
	d, err := depths(cs)
	if len(d) != 2 || d[0] != 1 || d[1] != 2 || err == nil {
		t.Fatalf("expired root CRL: problems at depths %v (handshake error %v), want 1 and 2", d, err)
	}
	cs.CRLPolicy.SkipTrustAnchor = true
	d, err = depths(cs)
	if len(d) != 1 || d[0] != 1 || err == nil {
		t.Errorf("skip-trust-anchor: problems at depths %v (handshake error %v), want only 1", d, err)
	}
	cs.CRLPolicy.Expired = CRLAllow
	if d, err = depths(cs); len(d) != 0 || err != nil {
		t.Errorf("expired allowed: problems at depths %v, handshake error %v", d, err)
	}
}

func TestCRLPolicySettings(t *testing.T) {
	t.Parallel()
	var s Settings
	for _, kv := range [][2]string{{"crl-missing", "allow"}, {"crl-expired", "grace"}, {"crl-not-yet-valid", "allow"}, {"crl-grace", "36h"}, {"crl-skip-trust-anchor", "yes"}} {
		if err := s.Set(kv[0], kv[1]); err != nil {
			t.Fatalf("%s %s: %v", kv[0], kv[1], err)
		}
	}
	want := CRLPolicy{Missing: CRLAllow, Expired: CRLGrace, NotYetValid: CRLAllow, Grace: 36 * time.Hour, SkipTrustAnchor: true}
	if s.CRLPolicy != want {
		t.Errorf("policy %+v, want %+v", s.CRLPolicy, want)
	}
	for _, kv := range [][2]string{{"crl-missing", "grace"}, {"crl-expired", "sometimes"}, {"crl-grace", "-1h"}, {"crl-grace", "soon"}} {
		if err := s.Set(kv[0], kv[1]); err == nil || !strings.Contains(err.Error(), kv[0]) {
			t.Errorf("%s %s: error %v, want one naming the setting", kv[0], kv[1], err)
		}
	}
	if _, err := NewClientContext(Settings{CRLPolicy: CRLPolicy{Expired: 7}}); err == nil {
		t.Error("bad CRLAction accepted")
	}
}

// A CRL file replaced on disk is picked up by the watcher: the leaf,
// revoked in the new CRL, fails on the next connection.
func TestCRLRefreshByWatch(t *testing.T) {
	t.Parallel()
	p := pki(t)
	now := time.Now()
	path := writeCRLs(t, filepath.Join(t.TempDir(), "crl.pem"), crlSpec{p.inter, now.Add(-time.Hour), now.Add(24 * time.Hour), nil})
	cctx, err := NewClientContext(Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired, CRLCheck: CRLPeer, CRLFile: path})
	if err != nil {
		t.Fatal(err)
	}
	sctx, err := NewServerContext(p.serverSettings())
	if err != nil {
		t.Fatal(err)
	}
	addr := reloadServer(t, sctx)
	if _, err := ping(cctx, addr); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	reloaded := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- cctx.Watch(ctx, WatchOptions{Interval: 20 * time.Millisecond, OnReload: func([]string) {
			select { // never block the watcher: the deferred cancel waits for it
			case reloaded <- struct{}{}:
			default:
			}
		}})
	}()
	defer func() { cancel(); <-done }()
	time.Sleep(50 * time.Millisecond)
	writeCRLs(t, path, crlSpec{p.inter, now.Add(-time.Minute), now.Add(24 * time.Hour), []*big.Int{p.server.Cert.SerialNumber}})
	select {
	case <-reloaded:
	case <-time.After(5 * time.Second):
		t.Fatal("CRL change not picked up within 5s")
	}
	_, err = ping(cctx, addr)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "certificate revoked") {
		t.Errorf("after the CRL revoking the server: %v, want certificate revoked", err)
	}
}
