package sslstream

import (
	"strings"
	"testing"
)

// FuzzFeatureSettings feeds arbitrary values to the feature settings'
// parsers: no panic, and an accepted alpn value round-trips through its
// comma form.
func FuzzFeatureSettings(f *testing.F) {
	for _, seed := range [][2]string{
		{"alpn", "h2,http/1.1"}, {"alpn", "none"}, {"alpn", " h2 , , "}, {"alpn", ""},
		{"crl-expired", "grace"}, {"crl-missing", "allow"}, {"crl-grace", "36h"}, {"crl-grace", "-1s"},
		{"session-tickets", "off"}, {"trace", "yes"}, {"keylog", "/tmp/k"}, {"crl-skip-trust-anchor", "1"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		var s Settings
		err := s.Set(name, value)
		var o Overrides
		oerr := o.Set(name, value)
		if normalizeName(name) != "alpn" {
			return
		}
		if (err == nil) != (oerr == nil) {
			t.Fatalf("alpn %q: Settings.Set %v, Overrides.Set %v", value, err, oerr)
		}
		if err != nil {
			return
		}
		for _, p := range s.ALPN {
			if p == "" || len(p) > 255 || strings.Contains(p, ",") {
				t.Fatalf("alpn %q gave protocol %q", value, p)
			}
		}
		again, err := parseALPN(strings.Join(s.ALPN, ","))
		if err != nil || strings.Join(again, ",") != strings.Join(s.ALPN, ",") {
			t.Fatalf("alpn %q: %q does not round-trip: %q %v", value, s.ALPN, again, err)
		}
	})
}
