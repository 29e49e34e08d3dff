package main

import (
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
		oargs := []string{"ciphers", "-ciphersuites", ""}
		if s != "" { // sslstream: "" means DEFAULT as in the library; openssl rejects it
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
			want := openssl(t, "", append(append([]string{"ciphers"}, oflags...), "-ciphersuites", "", s)...)
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
		{[]string{"ciphers", "HIGH", "--method", "tlsv1.3"}, "selects no suite"},
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
