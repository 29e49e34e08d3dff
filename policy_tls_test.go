package sslstream

import (
	"strings"
	"testing"
)

// TestPolicySettingsInTLS: the policy settings, given by name as a
// configuration would, reach the verification of the server's chain (which
// has no certificate policies): the verify result is `openssl s_client`'s
// with the same OpenSSL flags, under verify none (the last error) and
// required (the first, which fails the handshake).
func TestPolicySettingsInTLS(t *testing.T) {
	t.Parallel()
	requireOpenSSL(t)
	p := pki(t)
	inter := writeTemp(t, "inter.pem", p.inter.CertPEM())
	srv := startSServer(t, "-cert", p.serverCert, "-key", p.serverKey, "-cert_chain", inter)
	for _, tc := range []struct {
		settings [][2]string
		flags    []string
	}{
		{[][2]string{{"policy-check", "true"}}, []string{"-policy_check"}},
		{[][2]string{{"explicit-policy", "true"}}, []string{"-explicit_policy"}},
		{[][2]string{{"policy", "1.3.6.1.4.1.55555.1, 1.3.6.1.4.1.55555.2"}}, []string{"-policy", "1.3.6.1.4.1.55555.1", "-policy", "1.3.6.1.4.1.55555.2"}},
		{[][2]string{{"inhibit-any", "yes"}, {"inhibit-map", "on"}}, []string{"-inhibit_any", "-inhibit_map"}},
		{[][2]string{{"policy", "anyPolicy"}, {"explicit-policy", "true"}}, []string{"-policy", "anyPolicy", "-explicit_policy"}},
	} {
		for _, mode := range []VerifyMode{VerifyNone, VerifyRequired} {
			s := Settings{CAFile: p.caFile, ServerName: "localhost", Verify: mode}
			for _, kv := range tc.settings {
				if err := s.Set(kv[0], kv[1]); err != nil {
					t.Fatal(err)
				}
			}
			args := append([]string{"-CAfile", p.caFile, "-no-CApath", "-no-CAstore"}, tc.flags...)
			if mode == VerifyRequired {
				args = append(args, "-verify_return_error")
			}
			want, _ := sClientVerifyCode(t, runSClient(t, srv.addr, "Q\n", args...))
			c, _, cerr, _ := handshakePair(t, s, p.serverSettings())
			got, _ := c.VerifyResult()
			if got != want {
				t.Errorf("%v, verify %s: our verify result %d, s_client's %d", tc.settings, mode, got, want)
			}
			if mode == VerifyRequired && (cerr != nil) != (want != 0) {
				t.Errorf("%v, verify required: handshake error %v, s_client's result %d", tc.settings, cerr, want)
			}
		}
	}
}

// TestPolicySettingErrors: a value that is not an OID is refused by Set,
// and by NewClientContext when set in the struct, naming the setting.
func TestPolicySettingErrors(t *testing.T) {
	t.Parallel()
	var s Settings
	if err := s.Set("policy", "1.2.3,not-an-oid"); err == nil || !strings.Contains(err.Error(), `policy "not-an-oid"`) {
		t.Errorf("Set(policy, bad): %v", err)
	}
	if err := s.Set("policy", " 1.2.3  1.2.4,anyPolicy "); err != nil || len(s.Policies) != 3 {
		t.Errorf("Set(policy, list): %v, %q", err, s.Policies)
	}
	if _, err := NewClientContext(Settings{Policies: []string{"1..2"}}); err == nil || !strings.Contains(err.Error(), `policy "1..2"`) {
		t.Errorf("NewClientContext with a bad policy: %v", err)
	}
}
