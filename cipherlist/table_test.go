package cipherlist

import (
	"crypto/tls"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestTableMatchesOpenSSL compares every field `openssl ciphers -V -stdname`
// prints with the table, in both directions.
func TestTableMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	for _, str := range []string{"ALL:COMPLEMENTOFALL", "DEFAULT"} {
		out, err := execOpenSSL("ciphers", "-V", "-stdname", "-ciphersuites",
			"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256", str)
		if err != nil {
			t.Fatalf("openssl ciphers -V %s: %v", str, err)
		}
		seen := 0
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			f := strings.Fields(line)
			// 0xC0,0x2C - IANA - NAME PROTO Kx=.. Au=.. Enc=.. Mac=..
			if len(f) != 10 {
				t.Fatalf("unexpected line %q", line)
			}
			hi, err1 := strconv.ParseUint(strings.TrimPrefix(strings.Split(f[0], ",")[0], "0x"), 16, 8)
			lo, err2 := strconv.ParseUint(strings.TrimPrefix(strings.Split(f[0], ",")[1], "0x"), 16, 8)
			if err1 != nil || err2 != nil {
				t.Fatalf("bad id in %q", line)
			}
			id := uint16(hi<<8 | lo)
			s, ok := ByID(id)
			if !ok {
				t.Errorf("openssl lists %s (0x%04X), missing from the table", f[4], id)
				continue
			}
			got := []string{s.IANA, s.Name, s.Protocol, "Kx=" + s.Kx, "Au=" + s.Au, "Enc=" + s.Enc, "Mac=" + s.Mac}
			want := []string{f[2], f[4], f[5], f[6], f[7], f[8], f[9]}
			if !slices.Equal(got, want) {
				t.Errorf("0x%04X: table %v, openssl %v", id, got, want)
			}
			if s.Protocol != "TLSv1.3" {
				seen++
			}
			// String() is the `openssl ciphers -v` line.
			if v := s.String(); strings.Join(strings.Fields(v), " ") != strings.Join(f[4:], " ") {
				t.Errorf("String() = %q, openssl -v fields %v", v, f[4:])
			}
			if s2, ok := ByName(s.Name); !ok || s2.ID != id {
				t.Errorf("ByName(%q) = %v, %v", s.Name, s2.ID, ok)
			}
			if s2, ok := ByName(s.IANA); !ok || s2.ID != id {
				t.Errorf("ByName(%q) = %v, %v", s.IANA, s2.ID, ok)
			}
		}
		if str == "ALL:COMPLEMENTOFALL" && seen != len(table) {
			t.Errorf("openssl lists %d TLS <= 1.2 suites, table has %d", seen, len(table))
		}
	}
	all := All()
	if len(all) != len(table) || !slices.IsSortedFunc(all, func(a, b Suite) int { return int(a.ID) - int(b.ID) }) {
		t.Errorf("All() returned %d suites, sorted %v", len(all), slices.IsSortedFunc(all, func(a, b Suite) int { return int(a.ID) - int(b.ID) }))
	}
	all[0].Name = "changed"
	if table[0].Name == "changed" {
		t.Error("All() exposes the table")
	}
	if _, ok := ByName("NO-SUCH-SUITE"); ok {
		t.Error("ByName found a suite that does not exist")
	}
	if _, ok := ByID(0xFFFF); ok {
		t.Error("ByID found a suite that does not exist")
	}
}

func execOpenSSL(args ...string) (string, error) {
	cmd := exec.Command("openssl", args...)
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%v: %w", args, err)
	}
	return string(out), nil
}

// TestBitsMatchOpenSSL checks the strength bits through @STRENGTH: sorting
// the whole table by strength must give OpenSSL's order, and Bits must be
// non-increasing along it.
func TestBitsMatchOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	want := runOpenSSL(t, "ALL:COMPLEMENTOFALL:@STRENGTH")
	l, err := Compile("ALL:COMPLEMENTOFALL:@STRENGTH")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.Names(), want.names) {
		t.Fatalf("order differs:\n got %v\nwant %v", l.Names(), want.names)
	}
	for i := 1; i < len(l.Suites); i++ {
		if l.Suites[i].Bits > l.Suites[i-1].Bits {
			t.Errorf("%s (%d bits) after %s (%d bits)", l.Suites[i].Name, l.Suites[i].Bits, l.Suites[i-1].Name, l.Suites[i-1].Bits)
		}
	}
}

// TestGoFlags checks the table's Go and GoInsecure flags against the lists
// crypto/tls publishes.
func TestGoFlags(t *testing.T) {
	t.Parallel()
	count := 0
	for _, s := range table {
		known, insecure := goSupported(s.ID)
		if s.Go != known || s.GoInsecure != insecure {
			t.Errorf("%s: table Go=%v GoInsecure=%v, crypto/tls known=%v insecure=%v", s.Name, s.Go, s.GoInsecure, known, insecure)
		}
		if s.Go {
			count++
		}
	}
	if count != 17 {
		t.Errorf("%d suites marked Go, want 17", count)
	}
	for _, s := range tls13Table {
		known, _ := goSupported(s.ID)
		if s.Go != known {
			t.Errorf("%s: table Go=%v, crypto/tls %v", s.Name, s.Go, known)
		}
	}
}

func TestNegotiableIsIntersection(t *testing.T) {
	t.Parallel()
	goIDs := map[uint16]bool{}
	for _, cs := range tls.CipherSuites() {
		goIDs[cs.ID] = true
	}
	for _, cs := range tls.InsecureCipherSuites() {
		goIDs[cs.ID] = true
	}
	for _, str := range []string{"DEFAULT", "ALL:COMPLEMENTOFALL", "HIGH:!aNULL:!MD5", "ALL:@STRENGTH",
		"kRSA", "ECDHE+AESGCM", "CAMELLIA:ARIA", "ALL:+ECDHE:+AES128", "DHE", "SHA256"} {
		t.Run(str, func(t *testing.T) {
			t.Parallel()
			l, err := Compile(str)
			if err != nil {
				t.Fatal(err)
			}
			var want []Suite
			var wantIDs []uint16
			for _, s := range l.Suites {
				if goIDs[s.ID] {
					want = append(want, s)
					wantIDs = append(wantIDs, s.ID)
				}
			}
			if got := l.Negotiable(); !slices.Equal(got, want) {
				t.Errorf("Negotiable() = %v, want %v", names(got), names(want))
			}
			if got := l.IDs(); !slices.Equal(got, wantIDs) {
				t.Errorf("IDs() = %x, want %x", got, wantIDs)
			}
		})
	}
	l, err := Compile("DHE:CAMELLIA")
	if err != nil {
		t.Fatal(err)
	}
	if n := l.Negotiable(); len(n) != 0 || len(l.IDs()) != 0 {
		t.Errorf("DHE:CAMELLIA negotiable %v", names(n))
	}
	// The Go subset of DEFAULT, in OpenSSL order.
	l, _ = Compile("DEFAULT")
	want := []string{"ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
		"ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
		"ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA",
		"ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "AES256-GCM-SHA384", "AES128-GCM-SHA256",
		"AES128-SHA256", "AES256-SHA", "AES128-SHA"}
	if got := names(l.Negotiable()); !slices.Equal(got, want) {
		t.Errorf("DEFAULT negotiable:\n got %v\nwant %v", got, want)
	}
}

func names(s []Suite) []string { return suiteNames(s) }

func TestForVersionsMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	versions := []struct {
		flag     string
		min, max uint16
	}{
		{"-tls1", tls.VersionTLS10, tls.VersionTLS10},
		{"-tls1_1", tls.VersionTLS11, tls.VersionTLS11},
		{"-tls1_2", tls.VersionTLS12, tls.VersionTLS12},
		{"-tls1_3", tls.VersionTLS13, tls.VersionTLS13},
	}
	for _, str := range []string{"ALL:COMPLEMENTOFALL", "DEFAULT", "HIGH:!aNULL", "TLSv1.2:SSLv3", "PSK:SRP:@STRENGTH"} {
		for _, v := range versions {
			t.Run(str+v.flag, func(t *testing.T) {
				t.Parallel()
				// -s filters by the security level as well: level 0 keeps all.
				want := runOpenSSL(t, str+":@SECLEVEL=0", "-s", "-psk", "-srp", v.flag)
				l, err := Compile(str)
				if err != nil {
					t.Fatal(err)
				}
				got := l.ForVersions(v.min, v.max)
				if !slices.Equal(got.Names(), want.names) {
					t.Errorf("ForVersions(%x, %x):\n got %v\nwant %v", v.min, v.max, got.Names(), want.names)
				}
				if got.SecLevel != l.SecLevel || len(l.Suites) == 0 {
					t.Errorf("ForVersions lost fields or modified the input")
				}
			})
		}
	}
	l, _ := Compile("ALL")
	if n := len(l.ForVersions(tls.VersionTLS10, tls.VersionTLS13).Suites); n != len(l.Suites) {
		t.Errorf("TLS 1.0-1.3 keeps %d of %d", n, len(l.Suites))
	}
}

func TestForSecLevelMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	for _, str := range []string{"ALL:COMPLEMENTOFALL", "DEFAULT", "HIGH", "ALL:COMPLEMENTOFALL:@STRENGTH", "PSK:SRP:eNULL:aNULL"} {
		for level := 0; level <= 5; level++ {
			t.Run(fmt.Sprintf("%s@%d", str, level), func(t *testing.T) {
				t.Parallel()
				full := fmt.Sprintf("%s:@SECLEVEL=%d", str, level)
				want := runOpenSSL(t, full, "-s", "-psk", "-srp")
				l, err := Compile(full)
				if err != nil {
					t.Fatal(err)
				}
				if l.SecLevel != level || !l.SecLevelSet {
					t.Errorf("SecLevel = %d (set %v), want %d", l.SecLevel, l.SecLevelSet, level)
				}
				got := l.ForSecLevel(l.SecLevel)
				if !slices.Equal(got.Names(), want.names) {
					t.Errorf("ForSecLevel(%d):\n got %v\nwant %v", level, got.Names(), want.names)
				}
			})
		}
	}
}

func TestSecLevel(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s     string
		level int
		set   bool
	}{
		{"DEFAULT", DefaultSecLevel, false},
		{"", DefaultSecLevel, false},
		{"HIGH:@SECLEVEL=0", 0, true},
		{"@SECLEVEL=3:HIGH", 3, true},
		{"HIGH:@SECLEVEL=2:@SECLEVEL=5", 5, true},
		{"DEFAULT@SECLEVEL=4", 4, true},
		{"SUITEB128:@SECLEVEL=0", DefaultSecLevel, false}, // Suite B replaces the whole string
	} {
		l, err := Compile(c.s)
		if err != nil {
			t.Fatalf("Compile(%q): %v", c.s, err)
		}
		if l.SecLevel != c.level || l.SecLevelSet != c.set {
			t.Errorf("Compile(%q): SecLevel %d set %v, want %d %v", c.s, l.SecLevel, l.SecLevelSet, c.level, c.set)
		}
	}
}

// goSupported reports whether crypto/tls knows the suite id at all; used by
// tests to cross-check the table's Go flags.
func goSupported(id uint16) (known, insecure bool) {
	for _, cs := range tls.CipherSuites() {
		if cs.ID == id {
			return true, false
		}
	}
	for _, cs := range tls.InsecureCipherSuites() {
		if cs.ID == id {
			return true, true
		}
	}
	return false, false
}

// TestByIDFindsEverySuite looks up every code point (0 to 0xFFFF) and
// compares with a walk through both tables: ByID's search in halves must
// find exactly the suites there are.
func TestByIDFindsEverySuite(t *testing.T) {
	t.Parallel()
	want := map[uint16]string{}
	for _, s := range table {
		want[s.ID] = s.Name
	}
	for _, s := range tls13Table {
		want[s.ID] = s.Name
	}
	found := 0
	for id := 0; id <= 0xFFFF; id++ {
		s, ok := ByID(uint16(id))
		name, in := want[uint16(id)]
		if ok != in || (ok && (s.ID != uint16(id) || s.Name != name)) {
			t.Fatalf("ByID(0x%04X) = %q %v, want %q %v", id, s.Name, ok, name, in)
		}
		if ok {
			found++
		}
	}
	if found != len(table)+len(tls13Table) {
		t.Errorf("ByID finds %d suites, the tables hold %d", found, len(table)+len(tls13Table))
	}
}
