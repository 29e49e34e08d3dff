package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// `ciphers` lists what the string selects, as `openssl ciphers`; --json
// also says which of those suites are not offered on the wire and why.
func TestCiphersJSONSaysWhatIsNotOffered(t *testing.T) {
	t.Parallel()
	text := ss(t, "ciphers", "DEFAULT")
	wantCode(t, text, 0)
	if !strings.Contains(text.stdout, ":ECDHE-RSA-AES128-SHA256:") {
		t.Errorf("ciphers DEFAULT lost a suite OpenSSL lists: %s", text.stdout)
	}
	for _, tc := range []struct {
		s    string
		want []string
	}{
		{"DEFAULT", []string{"ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256", "AES128-SHA256"}},
		{"DEFAULT:AES128-SHA256", []string{"ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256"}},
		{"DEFAULT:@SECLEVEL=0", nil},
	} {
		r := ss(t, "ciphers", "--json", tc.s)
		wantCode(t, r, 0)
		var out ciphersJSON
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("ciphers --json %q: %v\n%s", tc.s, err, r)
		}
		var got []string
		for _, n := range out.NotOffered {
			got = append(got, n.Name)
			if !strings.Contains(n.Reason, "Lucky13") {
				t.Errorf("%s: reason %q", n.Name, n.Reason)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ciphers --json %q: not offered (-want +got):\n%s", tc.s, diff)
		}
		if len(out.Offered)+len(out.NotOffered) != len(out.Selected) {
			t.Errorf("ciphers --json %q: %d offered + %d not != %d selected", tc.s, len(out.Offered), len(out.NotOffered), len(out.Selected))
		}
		if plain := ss(t, "ciphers", tc.s); strings.TrimSpace(plain.stdout) != strings.Join(out.Selected, ":") {
			t.Errorf("ciphers --json %q selected %q, text output %q", tc.s, out.Selected, plain.stdout)
		}
	}
}

// The client's summary (text and --json) names the suites not offered.
func TestClientSummaryNamesSuitesNotOffered(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	_, port := startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo")
	addr := "127.0.0.1:" + port
	r := sslstreamIn(t, p.dir, strings.NewReader("x"), "client", addr, "--ca-file", "ca.pem", "--server-name", "server.example", "--method", "tlsv1.2")
	wantCode(t, r, 0)
	line := summary(r.stderr)["Ciphers selected but not offered"]
	if !strings.HasPrefix(line, "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:AES128-SHA256 (") || !strings.Contains(line, "Lucky13") {
		t.Errorf("summary line %q\n%s", line, r)
	}
	// A server under DEFAULT refuses a client that offers only the suite;
	// one that names it accepts.
	named := []string{"--ciphers", "ECDHE-ECDSA-AES128-SHA256", "--method", "tlsv1.2", "--json"}
	r = sslstreamIn(t, p.dir, strings.NewReader("x"), append([]string{"client", addr, "--ca-file", "ca.pem", "--server-name", "server.example"}, named...)...)
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "handshake failure")
	_, port = startOurServer(t, "--certificate", p.path("server-all.pem"), "--echo", "--ciphers", "DEFAULT:ECDHE-ECDSA-AES128-SHA256")
	r = sslstreamIn(t, p.dir, strings.NewReader("x"), append([]string{"client", "127.0.0.1:" + port, "--ca-file", "ca.pem", "--server-name", "server.example"}, named...)...)
	wantCode(t, r, 0)
	var c clientJSON
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.stderr)), &c); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if c.Cipher != "ECDHE-ECDSA-AES128-SHA256" || c.CiphersNotOffered == nil || len(c.CiphersNotOffered) != 0 {
		t.Errorf("named suite: %+v", c)
	}
	r = sslstreamIn(t, p.dir, strings.NewReader("x"), "client", addr, "--ca-file", "ca.pem", "--server-name", "server.example", "--json")
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.stderr)), &c); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if len(c.CiphersNotOffered) != 3 || c.CiphersNotOffered[2].Name != "AES128-SHA256" {
		t.Errorf("DEFAULT: %+v", c.CiphersNotOffered)
	}
}
