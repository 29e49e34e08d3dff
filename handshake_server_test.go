package sslstream

import (
	"crypto/tls"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestServerStreamsShareStartConfig checks that the streams of one server
// context start from one shared tls.Config, that an override gets its
// own, and that the shared config still routes each ClientHello to the
// stream it arrived on: concurrent connections, half with a client
// certificate and half without, each see their own verification.
func TestServerStreamsShareStartConfig(t *testing.T) {
	t.Parallel()
	p := pki(t)
	ss := p.serverSettings()
	ss.CAFile, ss.Verify = p.caFile, VerifyOptional
	sctx, err := NewServerContext(ss)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	servers := make([]*Stream, n)
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		cc, sc := connPair(t, "tcp")
		s, err := sctx.Server(sc, nil)
		if err != nil {
			t.Fatal(err)
		}
		servers[i] = s
		cs := Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired}
		if i%2 == 0 {
			cs.Certificate, cs.Key = p.clientCert, p.clientKey
		}
		c, err := Client(cc, cs)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cc.Close(); sc.Close() })
		wg.Add(2)
		go func() { defer wg.Done(); errs <- s.Handshake() }()
		go func() { defer wg.Done(); errs <- c.Handshake() }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("handshake: %v", err)
		}
	}
	start := servers[0].cfg.start
	if start == nil {
		t.Fatal("a server context's config has no start config")
	}
	for i, s := range servers {
		if s.cfg.start != start {
			t.Errorf("stream %d starts from its own config, not the context's", i)
		}
		cert, _ := s.PeerCertificate()
		if want := i%2 == 0; (cert != nil) != want {
			t.Errorf("stream %d: peer certificate %v, want one: %v", i, cert != nil, want)
		}
		if code, text := s.VerifyResult(); code != 0 {
			t.Errorf("stream %d: verify result %d %s", i, code, text)
		}
	}
	o, err := sctx.Server(nil, &Overrides{Verify: new(VerifyRequired)})
	if err != nil {
		t.Fatal(err)
	}
	if o.cfg.start == nil || o.cfg.start == start {
		t.Errorf("an override's stream starts from %p, the context's is %p", o.cfg.start, start)
	}
}

// TestStreamStartRefusesForeignConn checks that the shared start config,
// given to crypto/tls on a connection that is not a stream's, fails the
// handshake with a message saying so instead of crashing.
func TestStreamStartRefusesForeignConn(t *testing.T) {
	t.Parallel()
	sctx, err := NewServerContext(pki(t).serverSettings())
	if err != nil {
		t.Fatal(err)
	}
	cc, sc := connPair(t, "pipe")
	srv := tls.Server(sc, sctx.cfg().start)
	cli := tls.Client(cc, &tls.Config{InsecureSkipVerify: true})
	_, serr := both(t, func() error { err := cli.Handshake(); cc.Close(); return err },
		func() error { err := srv.Handshake(); sc.Close(); return err })
	if serr == nil || !strings.Contains(serr.Error(), "not a stream's") {
		t.Fatalf("server handshake on a foreign connection: %v", serr)
	}
	if want := fmt.Sprintf("(%T)", sc); !strings.Contains(serr.Error(), want) {
		t.Errorf("error %q does not name the connection's type %s", serr, want)
	}
}
