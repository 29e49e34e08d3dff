package conformance

import (
	"context"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/internal/testnet"
	"github.com/sslstream/sslstream/internal/testproc"
)

var (
	acceptLine    = regexp.MustCompile(`^ACCEPT (.*)$`)
	alertNumberRE = regexp.MustCompile(`SSL alert number (\d+)`)
)

// sServer starts `openssl s_server -accept 127.0.0.1:0 args...` and
// returns its address; it is killed when the test ends.
func sServer(t *testing.T, args ...string) string {
	t.Helper()
	testproc.Require(t, "openssl")
	p := testproc.Start(t, exec.Command("openssl", append([]string{"s_server", "-accept", "127.0.0.1:0"}, args...)...), nil, false)
	m, ok := p.WaitForLine(acceptLine, 10*time.Second)
	if !ok {
		t.Fatalf("openssl s_server did not start accepting:\n%s", p)
	}
	return m[1]
}

// sClientAlert runs s_client against addr (waiting for the server to
// close, -ign_eof) and returns the alert number it reports receiving, -1
// if none, and its output.
func sClientAlert(t *testing.T, addr string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "openssl", append([]string{"s_client", "-connect", addr, "-ign_eof"}, args...)...)
	cmd.Stdin = strings.NewReader("")
	out, _ := cmd.CombinedOutput()
	m := alertNumberRE.FindStringSubmatch(string(out))
	if m == nil {
		return -1, string(out)
	}
	n, _ := strconv.Atoi(m[1])
	return n, string(out)
}

// serveOurs runs an echo server on ss until the test ends and returns its
// address and the handshake errors.
func serveOurs(t *testing.T, ss sslstream.Settings) (string, <-chan error) {
	t.Helper()
	ctx, err := sslstream.NewServerContext(ss)
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 16)
	addr := testnet.Serve(t, func(c net.Conn) {
		st, err := ctx.Server(c, nil)
		if err != nil {
			c.Close()
			return
		}
		defer st.Close()
		_ = st.SetDeadline(time.Now().Add(handshakeDeadline))
		err = st.Handshake()
		select {
		case errc <- err:
		default:
		}
		if err == nil {
			echo(st, st.Flush)
		}
	})
	return addr, errc
}

// alertRow is one refusal our server makes during a handshake.
type alertRow struct {
	name    string
	ours    sslstream.Settings
	sServer []string // the same settings for openssl s_server
	sClient []string
	// wantOurs and wantOpenSSL are the alerts s_client sees.
	wantOurs, wantOpenSSL int
	// fixedBy says, where the two differ, why crypto/tls decides ours.
	fixedBy string
}

// Where crypto/tls fixes the alert (docs/INTEROP.md, "Alerts").
const (
	fixedVerify = "crypto/tls sends bad_certificate (42) for any error from VerifyConnection, where OpenSSL maps the verify result to its alert"
)

// TestAlertTableAgainstOpenSSL: for each refusal our server makes during a
// handshake, the alert openssl s_client sees from us and the one it sees
// from openssl s_server with the same settings. They must be equal except
// where crypto/tls fixes the alert (fixedBy, documented in
// docs/INTEROP.md); the table pins both, so a change on either side shows.
func TestAlertTableAgainstOpenSSL(t *testing.T) {
	testproc.Require(t, "openssl")
	p := pki(t)
	srv := sslstream.Settings{Certificate: p.certFile, Key: p.key}
	sbase := []string{"-cert", p.certFile, "-key", p.key}
	with := func(f func(*sslstream.Settings)) sslstream.Settings { s := srv; f(&s); return s }
	req := func(method string) sslstream.Settings {
		return with(func(s *sslstream.Settings) { s.Verify, s.CAFile, s.Method = sslstream.VerifyRequired, p.caFile, method })
	}
	sreq := func(v string) []string {
		return append(append([]string{}, sbase...), "-Verify", "5", "-verify_return_error", "-CAfile", p.caFile, v)
	}
	rows := []alertRow{
		{name: "no shared cipher suite (TLS 1.2)",
			ours:    with(func(s *sslstream.Settings) { s.Ciphers, s.Method = "ECDHE-ECDSA-AES128-GCM-SHA256", "tlsv1.2" }),
			sServer: append(append([]string{}, sbase...), "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"),
			sClient: []string{"-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"}, wantOurs: 40, wantOpenSSL: 40},
		{name: "no shared TLS 1.3 cipher suite",
			ours:    with(func(s *sslstream.Settings) { s.Ciphersuites = "TLS_AES_256_GCM_SHA384" }),
			sServer: append(append([]string{}, sbase...), "-ciphersuites", "TLS_AES_256_GCM_SHA384"),
			sClient: []string{"-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"}, wantOurs: 40, wantOpenSSL: 40},
		{name: "no shared TLS 1.3 cipher suite, client also offers TLS 1.2",
			ours:    with(func(s *sslstream.Settings) { s.Ciphersuites = "TLS_AES_256_GCM_SHA384" }),
			sServer: append(append([]string{}, sbase...), "-ciphersuites", "TLS_AES_256_GCM_SHA384"),
			sClient: []string{"-ciphersuites", "TLS_AES_128_GCM_SHA256"}, wantOurs: 40, wantOpenSSL: 40},
		{name: "TLS 1.3 client offering only CCM (crypto/tls lacks it)",
			ours: srv, sServer: sbase,
			sClient: []string{"-tls1_3", "-ciphersuites", "TLS_AES_128_CCM_SHA256"}, wantOurs: 40, wantOpenSSL: 40},
		{name: "no shared version (server TLS 1.3, client TLS 1.2)",
			ours:    with(func(s *sslstream.Settings) { s.Method = "tlsv1.3" }),
			sServer: append(append([]string{}, sbase...), "-tls1_3"),
			sClient: []string{"-tls1_2"}, wantOurs: 70, wantOpenSSL: 70},
		{name: "no shared version (server TLS 1.2, client TLS 1.3)",
			ours:    with(func(s *sslstream.Settings) { s.Method = "tlsv1.2" }),
			sServer: append(append([]string{}, sbase...), "-tls1_2"),
			sClient: []string{"-tls1_3"}, wantOurs: 70, wantOpenSSL: 70},
		{name: "ALPN mismatch",
			ours:    with(func(s *sslstream.Settings) { s.ALPN = []string{"h2"} }),
			sServer: append(append([]string{}, sbase...), "-alpn", "h2"),
			sClient: []string{"-alpn", "foo"}, wantOurs: 120, wantOpenSSL: 120},
	}
	for _, v := range []struct{ method, flag string }{{"tlsv1.3", "-tls1_3"}, {"tlsv1.2", "-tls1_2"}} {
		noCert := 116 // certificate_required (TLS 1.3)
		if v.method == "tlsv1.2" {
			noCert = 40
		}
		rows = append(rows,
			alertRow{name: "client certificate from an unknown CA (" + v.method + ")", ours: req(v.method), sServer: sreq(v.flag),
				sClient: []string{"-cert", p.untrustedCert, "-key", p.untrustedKey}, wantOurs: 42, wantOpenSSL: 48, fixedBy: fixedVerify},
			alertRow{name: "missing client certificate (" + v.method + ")", ours: req(v.method), sServer: sreq(v.flag),
				wantOurs: noCert, wantOpenSSL: noCert},
			alertRow{name: "expired client certificate (" + v.method + ")", ours: req(v.method), sServer: sreq(v.flag),
				sClient: []string{"-cert", p.expiredCert, "-key", p.expiredKey}, wantOurs: 42, wantOpenSSL: 45, fixedBy: fixedVerify},
		)
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			ref := sServer(t, r.sServer...)
			ours, errc := serveOurs(t, r.ours)
			gotRef, refOut := sClientAlert(t, ref, r.sClient...)
			got, out := sClientAlert(t, ours, r.sClient...)
			var serr error
			select {
			case serr = <-errc:
			case <-time.After(10 * time.Second):
				t.Fatal("our server did not finish its handshake")
			}
			if serr == nil {
				t.Errorf("our server accepted the handshake")
			}
			if gotRef != r.wantOpenSSL {
				t.Errorf("openssl s_server: s_client saw alert %d, the table says %d\n%s", gotRef, r.wantOpenSSL, refOut)
			}
			if got != r.wantOurs {
				t.Errorf("our server: s_client saw alert %d, the table says %d\n%s", got, r.wantOurs, out)
			}
			if (r.wantOurs != r.wantOpenSSL) != (r.fixedBy != "") {
				t.Errorf("table row: alerts %d and %d, fixedBy %q: a difference needs its reason, and only a difference", r.wantOurs, r.wantOpenSSL, r.fixedBy)
			}
			note := "same as OpenSSL"
			if r.fixedBy != "" {
				note = "differs: " + r.fixedBy
			}
			t.Logf("ours %d, openssl %d (%s); our error: %v", got, gotRef, note, serr)
		})
	}
}

// serverSeenAlert starts openssl s_server with args, runs connect against
// it, and returns the alert number s_server reports receiving (-1 if none
// within 5 s) and its output.
func serverSeenAlert(t *testing.T, args []string, connect func(addr string)) (int, string) {
	t.Helper()
	testproc.Require(t, "openssl")
	p := testproc.Start(t, exec.Command("openssl", append([]string{"s_server", "-accept", "127.0.0.1:0"}, args...)...), nil, false)
	m, ok := p.WaitForLine(acceptLine, 10*time.Second)
	if !ok {
		t.Fatalf("openssl s_server did not start accepting:\n%s", p)
	}
	connect(m[1])
	got, ok := p.WaitFor(alertNumberRE, 5*time.Second)
	if !ok {
		return -1, p.String()
	}
	n, _ := strconv.Atoi(got[1])
	return n, p.String()
}

// TestClientAlertTableAgainstOpenSSL: each refusal our client makes of a
// server's certificate, the alert openssl s_server sees from us, and the
// one it sees from openssl s_client with the same settings
// (-verify_return_error -CAfile -verify_hostname). crypto/tls fixes ours
// at bad_certificate (42) for any VerifyConnection error; OpenSSL sends 42
// too for a name mismatch, unknown_ca (48) and certificate_expired (45)
// for the others.
func TestClientAlertTableAgainstOpenSSL(t *testing.T) {
	testproc.Require(t, "openssl")
	p := pki(t)
	type row struct {
		name                  string
		cert, key, serverName string
		wantOurs, wantOpenSSL int
	}
	rows := []row{
		{"server certificate from an unknown CA", p.untrustedCert, p.untrustedKey, "untrusted.example", 42, 48},
		{"server certificate for another name", p.certFile, p.key, "other.example", 42, 42},
		{"expired server certificate", p.expiredCert, p.expiredKey, "expired.example", 42, 45},
	}
	for _, v := range []struct{ method, flag string }{{"tlsv1.3", "-tls1_3"}, {"tlsv1.2", "-tls1_2"}} {
		for _, r := range rows {
			t.Run(r.name+" ("+v.method+")", func(t *testing.T) {
				sargs := []string{"-cert", r.cert, "-key", r.key, v.flag}
				cli, err := sslstream.NewClientContext(sslstream.Settings{CAFile: p.caFile, Verify: sslstream.VerifyRequired, ServerName: r.serverName, Method: v.method})
				if err != nil {
					t.Fatal(err)
				}
				var herr error
				got, out := serverSeenAlert(t, sargs, func(addr string) {
					c, err := net.DialTimeout("tcp", addr, 5*time.Second)
					if err != nil {
						t.Fatal(err)
					}
					st, err := cli.Client(c, nil)
					if err != nil {
						c.Close()
						t.Fatal(err)
					}
					defer st.Close()
					_ = st.SetDeadline(time.Now().Add(10 * time.Second))
					herr = st.Handshake()
				})
				ref, refOut := serverSeenAlert(t, sargs, func(addr string) {
					_, _ = sClientAlert(t, addr, "-verify_return_error", "-CAfile", p.caFile, "-verify_hostname", r.serverName, v.flag)
				})
				if herr == nil {
					t.Errorf("our client accepted the server's certificate")
				}
				if ref != r.wantOpenSSL {
					t.Errorf("openssl s_client: s_server saw alert %d, the table says %d\n%s", ref, r.wantOpenSSL, refOut)
				}
				if got != r.wantOurs {
					t.Errorf("our client: s_server saw alert %d, the table says %d\n%s", got, r.wantOurs, out)
				}
				note := "same as OpenSSL"
				if r.wantOurs != r.wantOpenSSL {
					note = "differs: " + fixedVerify
				}
				t.Logf("ours %d, openssl %d (%s); our error: %v", got, ref, note, herr)
			})
		}
	}
}
