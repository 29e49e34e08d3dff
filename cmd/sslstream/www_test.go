package main

import (
	"crypto/tls"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// wwwMasked are the status page's lines that legitimately differ between
// s_server -www and ours, each with the reason; the value after the
// label is masked, the label itself still compared.
var wwwMasked = []struct {
	label, why string
}{
	{"    Session-ID:", "random: OpenSSL's own ID in TLS 1.3 (ours is empty), the client's random ID on a TLS 1.2 resumption"},
	{"    Session-ID-ctx:", "s_server's context 01000000; ours has none"},
	{"    Master-Key:", "secret, random; crypto/tls does not expose it (ours is empty)"},
	{"    Resumption PSK:", "secret, random; crypto/tls does not expose it (ours is empty)"},
	{"    Start Time:", "timing"},
}

// wwwNormalize masks the wwwMasked values and the command-line line of
// a page, leaving every other line as it is.
func wwwNormalize(page string) []string {
	lines := strings.Split(page, "\n")
	for i, l := range lines {
		if i > 0 && lines[i-1] == "<pre>" && l == "" && i+1 < len(lines) {
			lines[i+1] = "(command line: s_server's arguments, ours \"sslstream server\")"
		}
		for _, m := range wwwMasked {
			if strings.HasPrefix(l, m.label) {
				lines[i] = m.label + " (masked: " + m.why + ")"
			}
		}
	}
	return lines
}

// wwwHybrids are the hybrid groups crypto/tls offers and shares, which
// OpenSSL 3.0 does not know: it prints "<NULL>" for them among the
// client's groups and shares none of them.
var wwwHybrids = []string{"X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024"}

// wwwAsOpenSSL30 rewrites our page's group lines as OpenSSL 3.0, which
// knows no hybrid group, would print them (wwwHybrids).
func wwwAsOpenSSL30(page string) string {
	lines := strings.Split(page, "\n")
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, "Supported groups: "); ok {
			for _, h := range wwwHybrids {
				rest = strings.ReplaceAll(rest, h, "<NULL>")
			}
			lines[i] = "Supported groups: " + rest
		}
		if rest, ok := strings.CutPrefix(l, "Shared groups: "); ok {
			var keep []string
			for _, g := range strings.Split(rest, ":") {
				if !slices.Contains(wwwHybrids, g) {
					keep = append(keep, g)
				}
			}
			lines[i] = "Shared groups: " + strings.Join(keep, ":")
		}
	}
	return strings.Join(lines, "\n")
}

// wwwPageStart finds the page from its HTTP header on (s_client -quiet prints
// nothing before it).
var wwwPageStart = regexp.MustCompile(`(?s)HTTP/1\.0 200 ok.*</HTML>\r\n\r\n`)

// TestServerWWWPageLineByLine: the whole status page of --www, line by
// line, against s_server -www -no_cache (a server whose sessions live in
// tickets only, as ours) for the same s_client: TLS 1.3 and 1.2, full
// and resumed, with and without a client certificate, under the
// client's and the server's preference, a TLS 1.2 server meeting a TLS
// 1.3 client (a session cache miss), and for a crypto/tls client
// (sslstream client), whose hybrid groups are rewritten as OpenSSL 3.0
// prints them (wwwAsOpenSSL30). Both servers are given the same
// suites, and s_server the signature algorithms and groups crypto/tls
// has (in crypto/tls's order), so that the lists shared are the same
// sets; only the wwwMasked lines and the command line may differ.
func TestServerWWWPageLineByLine(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getNetPKI(t)
	const (
		ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384"
		suites  = "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"
		// crypto/tls's signature algorithms and groups in its order.
		sigalgs = "rsa_pss_rsae_sha256:ECDSA+SHA256:ed25519:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:RSA+SHA256:RSA+SHA384:RSA+SHA512:ECDSA+SHA384:ECDSA+SHA512"
		groups  = "X25519:P-256:P-384:P-521"
	)
	clientCert := []string{"-cert", "client.pem", "-key", "client.key"}
	goClientCert := []string{"--certificate", "client.pem", "--key", "client.key"}
	for _, tc := range []struct {
		name         string
		server, ours []string // beyond the certificate, suites and -www
		client       []string
		goClient     bool // client is sslstream client's flags (crypto/tls), not s_client's
		// unknown are lines of s_server's page that ours cannot have,
		// with the reason, dropped before the comparison.
		unknown map[string]string
	}{
		{"TLS 1.3, client's order", nil, []string{"--prefer-server-cipher-order=false"}, nil, false, nil},
		{"TLS 1.3, server's order", []string{"-serverpref"}, nil, nil, false, nil},
		{"TLS 1.3, client certificate", []string{"-verify", "1", "-CAfile", "client-ca.pem"},
			[]string{"--prefer-server-cipher-order=false", "--verify", "optional", "--ca-file", p.path("client-ca.pem")}, clientCert, false, nil},
		{"TLS 1.2 client, client's order", nil, []string{"--prefer-server-cipher-order=false"}, []string{"-tls1_2"}, false, nil},
		{"TLS 1.2 client, server's order", []string{"-serverpref"}, nil, []string{"-tls1_2"}, false, nil},
		{"TLS 1.2, client certificate", []string{"-verify", "1", "-CAfile", "client-ca.pem"},
			[]string{"--prefer-server-cipher-order=false", "--verify", "optional", "--ca-file", p.path("client-ca.pem")}, append([]string{"-tls1_2"}, clientCert...), false, nil},
		{"TLS 1.2 server, TLS 1.3 client", []string{"-tls1_2"}, []string{"--prefer-server-cipher-order=false", "--method", "tlsv1.2"}, nil, false, nil},
		{"TLS 1.3, client's groups narrowed", nil, []string{"--prefer-server-cipher-order=false"}, []string{"-groups", "P-384:X25519", "-sigalgs", "ECDSA+SHA384:ECDSA+SHA256:ed448"}, false, nil},
		{"Go client, TLS 1.3", nil, []string{"--prefer-server-cipher-order=false"}, nil, true, nil},
		{"Go client, TLS 1.3, client certificate", []string{"-verify", "1", "-CAfile", "client-ca.pem"},
			[]string{"--prefer-server-cipher-order=false", "--verify", "optional", "--ca-file", p.path("client-ca.pem")}, goClientCert, true, nil},
		{"Go client, TLS 1.2, client certificate", []string{"-verify", "1", "-CAfile", "client-ca.pem"},
			[]string{"--prefer-server-cipher-order=false", "--verify", "optional", "--ca-file", p.path("client-ca.pem")}, append([]string{"--method", "tlsv1.2"}, goClientCert...), true, nil},
		{"TLS 1.2, RSA client certificate", []string{"-verify", "1", "-CAfile", "ca.pem"},
			[]string{"--prefer-server-cipher-order=false", "--verify", "optional", "--ca-file", p.path("ca.pem")},
			[]string{"-tls1_2", "-cert", "rsa.pem", "-key", "rsa.key"}, false, nil},
		{"TLS 1.3, RSA client certificate", []string{"-verify", "1", "-CAfile", "ca.pem"},
			[]string{"--prefer-server-cipher-order=false", "--verify", "optional", "--ca-file", p.path("ca.pem")},
			[]string{"-cert", "rsa.pem", "-key", "rsa.key"}, false,
			map[string]string{"Peer signing digest:": "the digest of an RSA client's CertificateVerify, encrypted in TLS 1.3, is the client's choice: not known"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, oport := startOpenSSLServer(t, p.dir, append([]string{"-cert", "server.pem", "-key", "server.key", "-www", "-no_cache",
				"-cipher", ciphers, "-ciphersuites", suites, "-sigalgs", sigalgs, "-groups", groups}, tc.server...)...)
			_, port := startOurServer(t, append([]string{"--certificate", p.path("server.pem"), "--key", p.path("server.key"), "--www",
				"--ciphers", ciphers, "--ciphersuites", suites}, tc.ours...)...)
			firstStart := map[string]string{}
			for _, resume := range []bool{false, true} {
				pages := map[string][]string{}
				for who, port := range map[string]string{"s_server": oport, "ours": port} {
					sess := fmt.Sprintf("sess-%s-%s.pem", strings.NewReplacer(" ", "_", ",", "", "'", "", ".", "").Replace(tc.name), who)
					var r result
					if tc.goClient {
						args := append([]string{"client", "127.0.0.1:" + port, "--ca-file", "ca.pem", "--verify", "required", "--server-name", "server.example",
							"--ciphers", ciphers, "--ciphersuites", suites}, tc.client...)
						if resume {
							args = append(args, "--sess-in", sess)
						} else {
							args = append(args, "--sess-out", sess)
						}
						r = sslstreamIn(t, p.dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), args...)
					} else {
						args := append([]string{"s_client", "-connect", "127.0.0.1:" + port, "-quiet", "-cipher", ciphers, "-ciphersuites", suites}, tc.client...)
						if resume {
							args = append(args, "-sess_in", sess)
						} else {
							args = append(args, "-sess_out", sess)
						}
						r = opensslUntil(t, p.dir, "GET / HTTP/1.0\r\n\r\n", "</HTML>", args...)
					}
					page := wwwPageStart.FindString(r.stdout)
					if page == "" {
						t.Fatalf("%s (resume %v): no page:\n%s\n%s", who, resume, r.stdout, r.stderr)
					}
					if who == "ours" {
						page = wwwAsOpenSSL30(page)
					} else {
						var keep []string
						for _, l := range strings.Split(page, "\n") {
							drop := false
							for prefix := range tc.unknown {
								drop = drop || strings.HasPrefix(l, prefix)
							}
							if !drop {
								keep = append(keep, l)
							}
						}
						page = strings.Join(keep, "\n")
					}
					pages[who] = wwwNormalize(page)
					// The masked Start Time: a TLS 1.2 resumption keeps the
					// session's, for both servers.
					start := regexp.MustCompile(`(?m)^    Start Time: (\d+)$`).FindStringSubmatch(page)
					if start == nil {
						t.Fatalf("%s: no Start Time:\n%s", who, page)
					}
					if !resume {
						firstStart[who] = start[1]
					} else if strings.Contains(page, "Protocol  : TLSv1.2\n") && start[1] != firstStart[who] {
						t.Errorf("%s: TLS 1.2 resumption's Start Time %s, the session's %s", who, start[1], firstStart[who])
					}
				}
				want, got := pages["s_server"], pages["ours"]
				for i := 0; i < max(len(want), len(got)); i++ {
					w, g := "(none)", "(none)"
					if i < len(want) {
						w = want[i]
					}
					if i < len(got) {
						g = got[i]
					}
					if w != g {
						t.Errorf("resume %v, line %d:\n ours     %q\n s_server %q", resume, i+1, g, w)
					}
				}
				if resume && !strings.Contains(strings.Join(got, "\n"), "\nReused, ") {
					t.Errorf("second connection not resumed:\n%s", strings.Join(got, "\n"))
				}
			}
		})
	}
}

// TestParseClientHelloBad: truncated or malformed records are refused
// (ok false), never read past their end.
func TestParseClientHelloBad(t *testing.T) {
	t.Parallel()
	for _, raw := range [][]byte{
		nil,
		{22, 3, 1, 0, 4, 1, 0, 0, 40},      // a ClientHello longer than its record
		{23, 3, 3, 0, 1, 0},                // not a handshake record
		{22, 3, 1, 0, 4, 2, 0, 0, 0},       // a ServerHello
		{22, 3, 1, 0, 6, 1, 0, 0, 2, 3, 3}, // no random
	} {
		if _, ok := parseClientHello(raw); ok {
			t.Errorf("parseClientHello(% x): ok", raw)
		}
	}
}

// TestParseClientHelloGo: a crypto/tls client's ClientHello gives its
// suites, signature schemes and groups in its order, the extended master
// secret and the secure renegotiation it offers.
func TestParseClientHelloGo(t *testing.T) {
	t.Parallel()
	cfg := &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12, CurvePreferences: []tls.CurveID{tls.CurveP384, tls.X25519},
		CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}
	h, ok := parseClientHello(recordClientHello(t, cfg))
	if !ok {
		t.Fatal("not parsed")
	}
	if !h.ems || !h.renegExt || h.renegSCSV || h.ticket || h.certVerify != 0 {
		t.Errorf("ems %v, renegotiation_info %v, SCSV %v, ticket %v, CertificateVerify %#x", h.ems, h.renegExt, h.renegSCSV, h.ticket, h.certVerify)
	}
	if !slices.Contains(h.suites, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256) {
		t.Errorf("suites %x", h.suites)
	}
	if want := []uint16{uint16(tls.X25519), uint16(tls.CurveP384)}; !slices.Equal(h.groups, want) {
		t.Errorf("groups %v, want %v (crypto/tls's order)", h.groups, want)
	}
	if len(h.sigalgs) == 0 || h.sigalgs[0] != uint16(tls.PSSWithSHA256) {
		t.Errorf("signature schemes %x", h.sigalgs)
	}
}

// TestServerWWWTicketTimeout: a ticket refused as older than the
// session-ticket-lifetime counts as a session cache timeout, as OpenSSL
// counts a session from a ticket that has timed out (ssl/ssl_sess.c
// ssl_get_prev_session). s_server has no setting for its session timeout
// (7200 s), so this one is checked against the counts OpenSSL's rule
// gives, not against s_server: after a full handshake, and a second
// connection 2 s later offering the ticket of the first with a lifetime
// of 1 s, 2 accepts, 2 finished, no hit and one timeout.
func TestServerWWWTicketTimeout(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	p := getNetPKI(t)
	_, port := startOurServer(t, "--certificate", p.path("server.pem"), "--key", p.path("server.key"), "--www", "--session-ticket-lifetime", "1")
	for _, tc := range []struct {
		name   string
		client []string
	}{{"TLS 1.3", nil}, {"TLS 1.2", []string{"-tls1_2"}}} {
		sess := "sess-timeout-" + strings.ReplaceAll(tc.name, " ", "") + ".pem"
		args := append([]string{"s_client", "-connect", "127.0.0.1:" + port, "-quiet"}, tc.client...)
		opensslUntil(t, p.dir, "GET / HTTP/1.0\r\n\r\n", "</HTML>", append(args, "-sess_out", sess)...)
		time.Sleep(2100 * time.Millisecond)
		page := opensslUntil(t, p.dir, "GET / HTTP/1.0\r\n\r\n", "</HTML>", append(args, "-sess_in", sess)...).stdout
		if !strings.Contains(page, "\nNew, ") {
			t.Errorf("%s: an expired ticket resumed:\n%s", tc.name, page)
		}
		n := 2
		if tc.name == "TLS 1.2" {
			n = 4 // the TLS 1.3 connections came first
		}
		for _, want := range []string{
			fmt.Sprintf("%4d server accepts (SSL_accept())\n", n),
			fmt.Sprintf("%4d server accepts that finished\n", n),
			"   0 session cache hits\n",
			fmt.Sprintf("%4d session cache timeouts\n", n/2),
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: no line %q:\n%s", tc.name, want, page)
			}
		}
	}
}
