package cipherlist

import (
	"strings"
	"testing"
)

// FuzzParseCiphersuites: the TLS 1.3 list parser never panics; an error
// names the setting and stays short whatever the input's length; a list it
// accepts has no duplicates, at least one suite crypto/tls can negotiate,
// and parses again to the same suites when printed back.
func FuzzParseCiphersuites(f *testing.F) {
	for _, s := range []string{
		"", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
		"TLS_AES_128_CCM_SHA256", " TLS_AES_128_GCM_SHA256 : :TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
		"tls_aes_128_gcm_sha256", ":", strings.Repeat("TLS_NOPE:", 1000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		suites, err := ParseCiphersuites(s)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "ciphersuites") {
				t.Fatalf("ParseCiphersuites(%q): error does not name the setting: %v", s, err)
			}
			if len(msg) > 2048 {
				t.Fatalf("ParseCiphersuites: %d-byte error for a %d-byte input", len(msg), len(s))
			}
			return
		}
		seen := map[uint16]bool{}
		goOK := false
		names := make([]string, 0, len(suites))
		for _, su := range suites {
			if seen[su.ID] {
				t.Fatalf("ParseCiphersuites(%q): %s twice", s, su.Name)
			}
			seen[su.ID] = true
			goOK = goOK || su.Go
			names = append(names, su.Name)
		}
		if !goOK {
			t.Fatalf("ParseCiphersuites(%q) accepted a list crypto/tls cannot negotiate", s)
		}
		again, err := ParseCiphersuites(strings.Join(names, ":"))
		if err != nil || len(again) != len(suites) {
			t.Fatalf("ParseCiphersuites(%q) = %v; printed back and parsed again: %v, %v", s, names, again, err)
		}
		for i := range again {
			if again[i].ID != suites[i].ID {
				t.Fatalf("ParseCiphersuites(%q): order changed on a second parse: %v vs %v", s, names, again)
			}
		}
	})
}
