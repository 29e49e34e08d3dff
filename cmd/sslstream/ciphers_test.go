package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/cipherlist"
)

// cipherStrings are compared with `openssl ciphers`.
var cipherStrings = []string{
	"", "DEFAULT", "ALL", "HIGH", "HIGH:!aNULL:!MD5", "ECDHE+AESGCM", "DEFAULT:@STRENGTH",
	"ALL:@STRENGTH", "AES128", "AES256:!SHA1", "kRSA", "aECDSA", "CHACHA20", "ECDHE:!AES128",
	"ECDHE-RSA-AES128-GCM-SHA256", "AES128-SHA:ECDHE-ECDSA-AES256-SHA", "-ALL:AESGCM", "TLSv1.2",
	"SSLv3", "MEDIUM:HIGH", "ALL:+kRSA", "ALL:-ECDHE:ECDHE-RSA-AES256-SHA", "COMPLEMENTOFDEFAULT:ALL",
	"HIGH:@SECLEVEL=0", "EECDH+AESGCM:EDH+AESGCM", "AES:!CBC", "SHA256:SHA384", "ALL:!RSA",
}

// negotiableNames keeps the names (colon list) crypto/tls can speak.
func negotiableNames(list string) []string {
	var out []string
	for _, n := range strings.Split(strings.TrimSpace(list), ":") {
		if s, ok := cipherlist.ByName(n); ok && s.Go {
			out = append(out, n)
		}
	}
	return out
}

func TestCiphersAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	for _, s := range cipherStrings {
		oargs := []string{"ciphers"} // TLS 1.3 suites first, as ours
		if s != "" {                 // sslstream: "" means DEFAULT as in the library; openssl rejects it
			oargs = append(oargs, s)
		}
		want := openssl(t, "", oargs...)
		got := ss(t, "ciphers", s)
		if want.code != 0 {
			if got.code != 1 {
				t.Errorf("ciphers %q: openssl rejects it, we exit %d:\n%s", s, got.code, got)
			}
			continue
		}
		wantNames := negotiableNames(want.stdout)
		if len(wantNames) == 0 {
			wantCode(t, got, 1)
			continue
		}
		wantCode(t, got, 0)
		if diff := cmp.Diff(wantNames, strings.Split(strings.TrimSpace(got.stdout), ":")); diff != "" {
			t.Errorf("ciphers %q differs from openssl (-openssl +ours):\n%s", s, diff)
		}
	}
}

func TestCiphersVerboseAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	for _, s := range []string{"HIGH", "ALL:@STRENGTH", "AES128-SHA:ECDHE-RSA-CHACHA20-POLY1305"} {
		for _, flags := range [][]string{{"-v"}, {"-V"}, {"-v", "--stdname"}, {"-V", "--stdname"}} {
			oflags := []string{}
			for _, f := range flags {
				oflags = append(oflags, strings.TrimPrefix(f, "-"))
			}
			for i := range oflags {
				if !strings.HasPrefix(oflags[i], "-") {
					oflags[i] = "-" + oflags[i]
				}
			}
			want := openssl(t, "", append(append([]string{"ciphers"}, oflags...), s)...)
			wantCode(t, want, 0)
			var wantLines []string
			for _, line := range strings.Split(strings.TrimRight(want.stdout, "\n"), "\n") {
				f := strings.Fields(line)
				name := f[0]
				switch {
				case f[0] == "-" || strings.HasPrefix(f[0], "0x") && len(flags) == 2:
					name = f[4]
				case strings.HasPrefix(f[0], "0x"):
					name = f[2]
				case len(flags) == 2:
					name = f[2]
				}
				if su, ok := cipherlist.ByName(name); ok && su.Go {
					wantLines = append(wantLines, line)
				}
			}
			got := ss(t, append(append([]string{"ciphers"}, flags...), s)...)
			wantCode(t, got, 0)
			if diff := cmp.Diff(wantLines, strings.Split(strings.TrimRight(got.stdout, "\n"), "\n")); diff != "" {
				t.Errorf("ciphers %v %q differs from openssl (-openssl +ours):\n%s", flags, s, diff)
			}
		}
	}
}

func TestCiphersMethodAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	for _, tc := range []struct{ method, oflag, s string }{
		{"tlsv1.2", "-tls1_2", "ALL"},
		{"tlsv1", "-tls1", "HIGH:@SECLEVEL=0"},
		{"tlsv1.1", "-tls1_1", "ALL:@SECLEVEL=0"},
	} {
		want := openssl(t, "", "ciphers", "-s", tc.oflag, "-ciphersuites", "", tc.s)
		wantCode(t, want, 0)
		got := ss(t, "ciphers", tc.s, "--method", tc.method)
		wantCode(t, got, 0)
		if diff := cmp.Diff(negotiableNames(want.stdout), strings.Split(strings.TrimSpace(got.stdout), ":")); diff != "" {
			t.Errorf("ciphers --method %s %q differs from openssl %s (-openssl +ours):\n%s", tc.method, tc.s, tc.oflag, diff)
		}
	}
}

func TestCiphersErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ciphers", "BOGUS"}, `"BOGUS"`},
		{[]string{"ciphers", "HIGH", "--method", "tlsv1.3", "--ciphersuites", ""}, "selects no suite"},
		{[]string{"ciphers", "HIGH", "--ciphersuites", "BOGUS"}, `unknown TLS 1.3 suite "BOGUS"`},
		{[]string{"ciphers", "--convert", "X", "HIGH"}, "--convert takes no cipher string"},
		{[]string{"ciphers", "HIGH", "--method", "sslv3"}, "SSLv3 cannot be offered"},
		{[]string{"ciphers", "HIGH", "--method", "tlsv1,tlsv1.2"}, "contiguous"},
		{[]string{"ciphers", "HIGH", "--method", "tlsv9"}, "unknown"},
		{[]string{"ciphers", "HIGH", "LOW"}, "one cipher string expected"},
		{[]string{"ciphers", "--method"}, "needs a value"},
	} {
		r := ss(t, tc.args...)
		wantCode(t, r, 1)
		wantContains(t, strings.Join(tc.args, " "), r.stderr, tc.want)
		if r.stdout != "" {
			t.Errorf("%v printed on stdout: %q", tc.args, r.stdout)
		}
	}
}

func TestMethodRange(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		m      string
		lo, hi uint16
	}{
		{"tlsv1+", 0x0301, 0x0304}, {"tlsv1.2", 0x0303, 0x0303}, {"tlsv1.2,tlsv1.3", 0x0303, 0x0304},
		{"sslv23", 0x0301, 0x0304}, {"sslv3+", 0x0301, 0x0304}, {"TLSv1.3+", 0x0304, 0x0304},
		{"tlsv1.1,tlsv1,tlsv1.2", 0x0301, 0x0303},
	} {
		lo, hi, err := methodRange(tc.m)
		if err != nil || lo != tc.lo || hi != tc.hi {
			t.Errorf("methodRange(%q) = %#x, %#x, %v; want %#x, %#x", tc.m, lo, hi, err, tc.lo, tc.hi)
		}
	}
	for _, m := range []string{"", "sslv2", "sslv3", "tlsv2", "tlsv1,tlsv1.3", "tlsv1.2+,tlsv1.3"} {
		if _, _, err := methodRange(m); err == nil {
			t.Errorf("methodRange(%q) accepted", m)
		}
	}
}

// ciphersLinesFor keeps the lines of openssl ciphers output that name a
// suite crypto/tls can negotiate (any field: -V and -stdname move the name).
func ciphersLinesFor(out string, verbose bool) []string {
	if !verbose {
		return negotiableNames(out)
	}
	var keep []string
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		for _, f := range strings.Fields(line) {
			if su, ok := cipherlist.ByName(f); ok && su.Go {
				keep = append(keep, line)
				break
			}
		}
	}
	return keep
}

// TestCiphersOpenSSLFlagsAgainstOpenSSL passes the same openssl ciphers
// command line (OpenSSL's spellings: -s, -tls1_2, -ciphersuites, -v, -V,
// -stdname) to openssl and to sslstream and compares the output line by
// line, limited to the suites crypto/tls can negotiate.
func TestCiphersOpenSSLFlagsAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	for _, flags := range [][]string{
		{}, {"-s"}, {"-s", "-tls1_2"}, {"-s", "-tls1_3"}, {"-tls1_2"}, {"-s", "-tls1"}, {"-s", "-tls1_1"},
		{"-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"}, {"-ciphersuites", ""},
		{"-ciphersuites", "TLS_AES_128_CCM_SHA256:TLS_AES_256_GCM_SHA384"},
		{"-v"}, {"-V", "-stdname"}, {"-s", "-v", "-tls1_3"}, {"-s", "-V", "-tls1_2", "-ciphersuites", ""},
	} {
		for _, s := range []string{"DEFAULT", "HIGH", "ALL:@STRENGTH", "ECDHE+AESGCM:@SECLEVEL=0", "ALL:@SECLEVEL=3", "ALL:@SECLEVEL=4", "AES128-SHA:ECDHE-RSA-CHACHA20-POLY1305"} {
			args := append(append([]string{"ciphers"}, flags...), s)
			want := openssl(t, "", args...)
			got := ss(t, args...)
			verbose := strings.Contains(strings.Join(flags, " "), "-v") || strings.Contains(strings.Join(flags, " "), "-V")
			wantLines := ciphersLinesFor(want.stdout, verbose)
			if want.code != 0 || len(wantLines) == 0 {
				if got.code == 0 {
					t.Errorf("%q: openssl exit %d with %d usable suites, we exit 0:\n%s", args, want.code, len(wantLines), got)
				}
				continue
			}
			wantCode(t, got, 0)
			gotLines := strings.Split(strings.TrimRight(got.stdout, "\n"), "\n")
			if !verbose {
				gotLines = strings.Split(strings.TrimSpace(got.stdout), ":")
			}
			if diff := cmp.Diff(wantLines, gotLines); diff != "" {
				t.Errorf("%q differs from openssl (-openssl +ours):\n%s", args, diff)
			}
		}
	}
}

func TestCiphersConvertAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	for _, name := range []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_AES_128_GCM_SHA256",
		"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "BOGUS", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"} {
		want := openssl(t, "", "ciphers", "-convert", name)
		got := ss(t, "ciphers", "-convert", name)
		if got.code != want.code || got.stdout != want.stdout {
			t.Errorf("-convert %s: openssl exit %d %q, ours exit %d %q", name, want.code, want.stdout, got.code, got.stdout)
		}
	}
}

func TestCiphersJSON(t *testing.T) {
	t.Parallel()
	r := ss(t, "ciphers", "--json", "--ciphersuites", "TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256")
	wantCode(t, r, 0)
	var out ciphersJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	got := out.Suites
	want := []cipherJSON{
		{Name: "TLS_AES_128_GCM_SHA256", IANA: "TLS_AES_128_GCM_SHA256", ID: "0x13,0x01", Protocol: "TLSv1.3", Kx: "any", Au: "any", Enc: "AESGCM(128)", Mac: "AEAD", Bits: 128},
		{Name: "ECDHE-RSA-AES128-GCM-SHA256", IANA: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", ID: "0xC0,0x2F", Protocol: "TLSv1.2", Kx: "ECDH", Au: "RSA", Enc: "AESGCM(128)", Mac: "AEAD", Bits: 128},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	r = ss(t, "ciphers", "--json", "--convert", "TLS_RSA_WITH_AES_128_CBC_SHA")
	wantCode(t, r, 0)
	if strings.TrimSpace(r.stdout) != `{"openssl":"AES128-SHA","standard":"TLS_RSA_WITH_AES_128_CBC_SHA"}` {
		t.Errorf("--json --convert: %s", r.stdout)
	}
}
