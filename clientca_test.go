package sslstream

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/cadir"
)

// caNamesSection returns what s_client prints about the client CA names:
// the names under "Acceptable client certificate CA names", or
// ["(none)"] for "No client certificate CA names sent", or nil.
func caNamesSection(out string) []string {
	if strings.Contains(out, "No client certificate CA names sent") {
		return []string{"(none)"}
	}
	_, rest, ok := strings.Cut(out, "Acceptable client certificate CA names\n")
	if !ok {
		return nil
	}
	var names []string
	for _, l := range strings.Split(rest, "\n") {
		if strings.HasPrefix(l, "Requested Signature Algorithms") || l == "" || l == "---" {
			break
		}
		names = append(names, l)
	}
	return names
}

// Our server names its ca-file CAs as openssl s_server -CAfile does; a
// hashed directory names none, as OpenSSL; client-ca-names false turns
// the names off.
func TestClientCANamesAgainstSClient(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	both := writeTemp(t, "two-cas.pem", append(append([]byte{}, p.root.CertPEM()...), p.otherRoot.CertPEM()...))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "root.pem"), p.root.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := cadir.Rehash(dir, cadir.RehashOptions{}); err != nil {
		t.Fatal(err)
	}

	srv := startSServer(t, "-cert", p.serverCert, "-cert_chain", p.interAsCAFile, "-key", p.serverKey, "-CAfile", both, "-verify", "1", "-naccept", "1")
	want := caNamesSection(runSClient(t, srv.addr, "", "-CAfile", p.caFile))
	if !slices.Equal(want, []string{"CN = Test Root CA", "CN = Other Root CA"}) {
		t.Fatalf("s_server -CAfile: s_client shows %q", want)
	}
	for _, tc := range []struct {
		name string
		s    func(*Settings)
		want []string
	}{
		{"ca-file", func(s *Settings) { s.CAFile = both }, want},
		{"client-ca-names false", func(s *Settings) { s.CAFile = both; s.ClientCANames = new(false) }, []string{"(none)"}},
		{"ca-directory only", func(s *Settings) { s.CADirectory = dir }, []string{"(none)"}},
	} {
		ss := p.serverSettings()
		ss.Verify = VerifyOptional
		tc.s(&ss)
		sctx, err := NewServerContext(ss)
		if err != nil {
			t.Fatal(err)
		}
		addr, res := featureServe(t, sctx, 1, nil)
		out := runSClient(t, addr, "ping\n", "-CAfile", p.caFile, "-ign_eof")
		if r := <-res; r.err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, r.err, out)
		}
		if got := caNamesSection(out); !slices.Equal(got, tc.want) {
			t.Errorf("%s: s_client shows %q, want %q", tc.name, got, tc.want)
		}
	}
}

// Sending names does not make crypto/tls verify the client's chain: a
// certificate from a CA that is not named still reaches our verification,
// which reports OpenSSL's code; one that verifies passes.
func TestClientCANamesLeaveVerificationOurs(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	for _, method := range []string{"tlsv1.2", "tlsv1.3"} {
		ss := p.serverSettings()
		ss.Verify, ss.CAFile, ss.Method = VerifyOptional, p.caFile, method
		sctx, err := NewServerContext(ss)
		if err != nil {
			t.Fatal(err)
		}
		addr, res := featureServe(t, sctx, 2, nil)
		runSClient(t, addr, "ping\n", "-cert", p.otherCert, "-key", p.otherKey, "-ign_eof", versionFlag(method))
		r := <-res
		if r.err == nil || r.verify != 20 && !strings.Contains(r.err.Error(), "unable to get local issuer certificate") {
			t.Errorf("%s: foreign client certificate: %v (verify %d), want our code 20", method, r.err, r.verify)
		}
		if r.err != nil && strings.Contains(r.err.Error(), "x509:") {
			t.Errorf("%s: crypto/x509 verified the client: %v", method, r.err)
		}
		out := runSClient(t, addr, "ping\n", "-cert", p.clientCert, "-cert_chain", p.interAsCAFile, "-key", p.clientKey, "-ign_eof", versionFlag(method))
		if r := <-res; r.err != nil || r.verify != 0 {
			t.Errorf("%s: good client certificate: %v (verify %d)\n%s", method, r.err, r.verify, out)
		}
	}
}

// Our client reports the names an OpenSSL server sends.
func TestClientSeesAcceptableCANames(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	both := writeTemp(t, "two-cas.pem", append(append([]byte{}, p.otherRoot.CertPEM()...), p.root.CertPEM()...))
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"-CAfile", both, "-verify", "1"}, []string{"CN = Other Root CA", "CN = Test Root CA"}},
		{nil, nil},
	} {
		srv := startSServer(t, append([]string{"-cert", p.serverCert, "-cert_chain", p.interAsCAFile, "-key", p.serverKey, "-naccept", "1"}, tc.args...)...)
		cctx, err := NewClientContext(Settings{CAFile: p.caFile, ServerName: "localhost"})
		if err != nil {
			t.Fatal(err)
		}
		conn, err := net.Dial("tcp", srv.addr)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := cctx.Client(conn, nil)
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if err := c.Handshake(); err != nil {
			t.Fatalf("s_server %v: %v", tc.args, err)
		}
		if got := c.AcceptableCANames(); !slices.Equal(got, tc.want) || c.CertificateRequested() != (tc.want != nil) {
			t.Errorf("s_server %v: names %q requested %v, want %q", tc.args, got, c.CertificateRequested(), tc.want)
		}
		c.Close()
	}
}
