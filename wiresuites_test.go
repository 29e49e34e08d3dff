package sslstream

import (
	"crypto/tls"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/cipherlist"
)

// captureHello runs a client stream made from cs (with o) against a
// crypto/tls server that records the ClientHello and then refuses it.
func captureHello(t *testing.T, cs Settings, o *Overrides) *tls.ClientHelloInfo {
	t.Helper()
	cctx, err := NewClientContext(cs)
	if err != nil {
		t.Fatal(err)
	}
	cc, sc := connPair(t, "tcp")
	got := make(chan *tls.ClientHelloInfo, 1)
	srv := tls.Server(sc, &tls.Config{GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		got <- h
		return nil, errors.New("captured")
	}})
	go func() { srv.Handshake(); srv.Close() }()
	c, err := cctx.Client(cc, o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	_ = c.Handshake()
	select {
	case h := <-got:
		return h
	case <-time.After(10 * time.Second):
		t.Fatal("no ClientHello")
		return nil
	}
}

func suiteID(t *testing.T, name string) uint16 {
	t.Helper()
	s, ok := cipherlist.ByName(name)
	if !ok {
		t.Fatalf("no suite %s", name)
	}
	return s.ID
}

var cbcSHA256 = []string{"ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256", "AES128-SHA256"}

func TestDefaultOffersNoCBCSHA256OnTheWire(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, ciphers string
		want, wantNot []string
	}{
		{"DEFAULT", "", []string{"ECDHE-ECDSA-AES128-SHA", "AES128-GCM-SHA256", "AES128-SHA"}, cbcSHA256},
		{"named", "DEFAULT:ECDHE-RSA-AES128-SHA256:+AES128-SHA256", []string{"ECDHE-RSA-AES128-SHA256", "AES128-SHA256"}, []string{"ECDHE-ECDSA-AES128-SHA256"}},
		{"seclevel 0", "DEFAULT:@SECLEVEL=0", cbcSHA256, nil},
		{"excluded by name", "DEFAULT:!ECDHE-RSA-AES128-SHA256", nil, cbcSHA256},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := captureHello(t, Settings{Ciphers: tc.ciphers, Method: "tlsv1.2"}, nil)
			for _, n := range tc.want {
				if !slices.Contains(h.CipherSuites, suiteID(t, n)) {
					t.Errorf("ciphers %q: ClientHello lacks %s", tc.ciphers, n)
				}
			}
			for _, n := range tc.wantNot {
				if slices.Contains(h.CipherSuites, suiteID(t, n)) {
					t.Errorf("ciphers %q: ClientHello offers %s", tc.ciphers, n)
				}
			}
		})
	}
	// Per connection too: an override naming the suite offers it.
	h := captureHello(t, Settings{Method: "tlsv1.2"}, &Overrides{Ciphers: "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256"})
	// (crypto/tls orders a client's suites itself.)
	if !slices.Contains(h.CipherSuites, suiteID(t, "ECDHE-ECDSA-AES128-SHA256")) || !slices.Contains(h.CipherSuites, suiteID(t, "ECDHE-ECDSA-AES128-GCM-SHA256")) {
		t.Errorf("override: ClientHello suites %x", h.CipherSuites)
	}
}

func TestWireSuitesReportsWhatIsNotOffered(t *testing.T) {
	t.Parallel()
	offered, held, err := WireSuites("DEFAULT")
	if err != nil {
		t.Fatal(err)
	}
	var heldNames []string
	for _, h := range held {
		heldNames = append(heldNames, h.Name)
		if !strings.Contains(h.Reason, "Lucky13") || !strings.Contains(h.Reason, "@SECLEVEL=0") {
			t.Errorf("%s: reason %q", h.Name, h.Reason)
		}
	}
	if !slices.Equal(heldNames, cbcSHA256) {
		t.Errorf("not offered %q, want %q", heldNames, cbcSHA256)
	}
	l, _ := cipherlist.Compile("DEFAULT")
	if len(offered)+len(held) != len(l.Negotiable()) {
		t.Errorf("offered %d + held %d != negotiable %d", len(offered), len(held), len(l.Negotiable()))
	}
	for _, s := range offered {
		if slices.Contains(cbcSHA256, s.Name) {
			t.Errorf("%s offered", s.Name)
		}
	}
	if _, held, _ := WireSuites("DEFAULT:AES128-SHA256"); len(held) != 2 {
		t.Errorf("naming AES128-SHA256: held %v", held)
	}
	cctx, err := NewClientContext(Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if n := cctx.SuitesNotOffered(); len(n) != 3 {
		t.Errorf("context: %v", n)
	}
	if c13, _ := NewClientContext(Settings{Method: "tlsv1.3"}); len(c13.SuitesNotOffered()) != 0 {
		t.Errorf("TLS 1.3 only: %v", c13.SuitesNotOffered())
	}
	// A string selecting only held-back suites fails and says why.
	_, err = NewClientContext(Settings{Ciphers: "SHA256:!kRSA:!DHE"})
	if err == nil || !strings.Contains(err.Error(), "Lucky13") {
		t.Errorf("only CBC-SHA256 selected: %v", err)
	}
	if _, err := NewClientContext(Settings{Ciphers: "SHA256:!kRSA:!DHE:@SECLEVEL=0"}); err != nil {
		t.Errorf("only CBC-SHA256 at level 0: %v", err)
	}
}

// An OpenSSL client that offers only a CBC-SHA256 suite is refused by our
// server under DEFAULT, and accepted once the server names the suite.
func TestServerRefusesCBCSHA256ClientUnderDefault(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	for _, tc := range []struct {
		ciphers string
		ok      bool
	}{{"", false}, {"DEFAULT:ECDHE-ECDSA-AES128-SHA256", true}} {
		ss := p.serverSettings()
		ss.Ciphers = tc.ciphers
		sctx, err := NewServerContext(ss)
		if err != nil {
			t.Fatal(err)
		}
		addr, res := featureServe(t, sctx, 1, nil)
		out := runSClient(t, addr, "ping\n", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256", "-ign_eof")
		r := <-res
		if tc.ok {
			if r.err != nil || !strings.Contains(out, "Cipher is ECDHE-ECDSA-AES128-SHA256") {
				t.Errorf("server ciphers %q: %v\n%s", tc.ciphers, r.err, out)
			}
			continue
		}
		if r.err == nil || !strings.Contains(out, "handshake failure") {
			t.Errorf("server ciphers %q accepted ECDHE-ECDSA-AES128-SHA256 (server error %v)\n%s", tc.ciphers, r.err, out)
		}
	}
}
