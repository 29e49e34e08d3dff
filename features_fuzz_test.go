package sslstream

import (
	"fmt"
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

// FuzzWireParser: the trace's record parser never panics and reports the
// same events however the bytes are split.
func FuzzWireParser(f *testing.F) {
	f.Add([]byte("\x16\x03\x01\x00\x08\x01\x00\x00\x04abcd\x14\x03\x03\x00\x01\x01\x16\x03\x03\x00\x05xxxxx"), 3)
	f.Add([]byte("\x16\x03\x03\x00\x02\x02\x00\x16\x03\x03\x00\x03\x00\x01z\x17\x03\x03\x00\x00"), 7)
	f.Add([]byte{}, 0)
	f.Fuzz(func(t *testing.T, data []byte, split int) {
		var whole, parts []string
		rec := func(out *[]string) func(dir, what string, n int) {
			return func(dir, what string, n int) { *out = append(*out, fmt.Sprint(dir, what, n)) }
		}
		w1 := wireParser{dir: "x"}
		w1.feed(data, rec(&whole), nil)
		if split < 0 {
			split = -split
		}
		if len(data) > 0 {
			split %= len(data) + 1
		} else {
			split = 0
		}
		w2 := wireParser{dir: "x"}
		w2.feed(data[:split], rec(&parts), nil)
		w2.feed(data[split:], rec(&parts), nil)
		if strings.Join(whole, "|") != strings.Join(parts, "|") {
			t.Fatalf("split at %d: %v vs %v", split, parts, whole)
		}
	})
}
