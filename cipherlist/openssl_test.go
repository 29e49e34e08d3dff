package cipherlist

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sslstream/sslstream/internal/testproc"
)

// opensslResult is what `openssl ciphers` printed for one string.
type opensslResult struct {
	names   []string // TLS <= 1.2 names, in order
	failed  bool
	invalid bool // OpenSSL said "invalid command" (a syntax error), not "no cipher match"
	stderr  string
}

// needOpenSSL skips the test when the reference openssl binary is absent.
func needOpenSSL(t testing.TB) {
	t.Helper()
	testproc.Require(t, "openssl")
}

// runOpenSSL runs `openssl ciphers [opts] -- STRING` and drops TLS 1.3 names.
func runOpenSSL(t testing.TB, s string, opts ...string) opensslResult {
	t.Helper()
	args := append([]string{"ciphers"}, opts...)
	args = append(args, "--", s)
	cmd := exec.Command("openssl", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := opensslResult{stderr: stderr.String()}
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running openssl %q: %v", args, err)
		}
		res.failed = true
		res.invalid = strings.Contains(res.stderr, "invalid command")
		if !strings.Contains(res.stderr, "Error in cipher list") {
			t.Fatalf("openssl %q failed unexpectedly: %v\n%s", args, err, res.stderr)
		}
		return res
	}
	out := strings.TrimSpace(stdout.String())
	if out == "" {
		return res
	}
	for _, n := range strings.Split(out, ":") {
		if !strings.HasPrefix(n, "TLS_") {
			res.names = append(res.names, n)
		}
	}
	return res
}

// differentialStrings returns the cipher strings compared with OpenSSL.
func differentialStrings() []string {
	var out []string
	add := func(s ...string) { out = append(out, s...) }

	// Every alias, in several rule contexts.
	unknown := []string{"RC4", "SEED", "IDEA", "RC2", "GOST", "kGOST", "aGOST", "aGOST01", "aGOST12",
		"GOST94", "GOST89MAC", "GOST12", "kGOST18", "GOST2012-GOST8912-GOST8912", "DTLSv1", "DTLSv1.2",
		"TLSv1.1", "TLSv1.3", "SSLv2", "EXPORT", "EXP", "DES", "kDHr", "kDHd", "kECDHe", "aECDH", "AECDSA",
		"high", "Default", "ALL ", "DES-CBC3-SHA", "RC4-SHA", "ECDHE-RSA-DES-CBC3-SHA", "PROFILE=SYSTEM",
		"DEFAULT", "FOO", "SUITEB", "aNULL-", "CHACHA20-POLY1305", "CHACHA", "SHA512", "SHA224", "AEAD", "CCM"}
	for _, a := range AliasNames() {
		add(a, "ALL:!"+a, "DEFAULT:-"+a, "HIGH:+"+a, a+":@STRENGTH", a+"+HIGH", "HIGH+"+a,
			"COMPLEMENTOFALL:"+a, "-"+a+":ALL", "ALL:-"+a+":"+a)
	}
	for _, a := range unknown {
		add(a, "ALL:!"+a, a+"+HIGH", "HIGH+"+a)
	}
	// Every suite name.
	for i := range table {
		add(table[i].Name)
	}
	// Pairs and suite names inside combinations.
	add("AES128-SHA+HIGH", "HIGH+AES128-SHA", "AES128-SHA+SSLv3", "SSLv3+AES128-SHA", "AES128-SHA+TLSv1.2",
		"TLSv1.2+AES128-SHA", "AES128-SHA+AES256-SHA", "ECDHE-RSA-AES128-GCM-SHA256+AESGCM",
		"AESGCM+ECDHE-RSA-AES128-GCM-SHA256", "NULL-SHA+HIGH", "NULL-SHA256+FIPS", "FIPS+AES128-SHA",
		"COMPLEMENTOFDEFAULT+HIGH", "HIGH+COMPLEMENTOFDEFAULT", "COMPLEMENTOFDEFAULT+ALL",
		"ALL+COMPLEMENTOFDEFAULT", "COMPLEMENTOFDEFAULT+COMPLEMENTOFDEFAULT", "HIGH+FIPS", "FIPS+HIGH",
		"kRSA+kECDHE", "ECDHE+RSA", "RSA+ECDHE", "SSLv3+TLSv1", "TLSv1+TLSv1.0", "TLSv1.2+SHA256",
		"SSLv3+kRSA", "TLSv1+kECDHE", "ECDHE+ECDSA+AESGCM", "ECDHE+aRSA+AES256+SHA384",
		"DHE+AESCCM8", "PSK+CHACHA20", "kPSK+AES", "aPSK+CAMELLIA", "SRP+aRSA", "SRP+DSS", "EDH+DSS",
		"ADH+AESGCM", "AECDH+eNULL", "ECDH+aNULL", "DH+aNULL", "MD5+RSA", "SHA+kDHE", "SHA1+AES256",
		"CBC+SHA256", "CBC+AEAD", "ARIA+ECDHE", "CAMELLIA128+kRSA", "AES128+AES256", "AES+CHACHA20")

	// Grammar corner cases.
	add(":::HIGH", "HIGH:::", "HIGH;RSA", "HIGH RSA", "HIGH,RSA", "HIGH, RSA", "HIGH : RSA", " HIGH",
		"HIGH ", "HIGH:+", "HIGH:!", "HIGH:-", "HIGH:!!RSA", "HIGH:-+RSA", "HIGH:+-RSA", "HIGH+", "+HIGH",
		"RSA++HIGH", "ALL:@", "ALL:@@", "ALL:@STRENGTH@STRENGTH", "HIGH!RSA", "HIGH-RSA", "HIGH+RSA!ECDSA",
		"ALL!aNULL!eNULL", "ALL:+RSA+AES", "HIGH@STRENGTH", "HIGH@SECLEVEL=3", "HIGH:@STRENGTH+RSA",
		"HIGH:@STRENGTH:RSA", "HIGH:@SECLEVEL=0", "HIGH:@SECLEVEL=5", "HIGH:@SECLEVEL=6",
		"HIGH:@SECLEVEL=9", "HIGH:@SECLEVEL=10", "HIGH:@SECLEVEL=", "HIGH:@SECLEVEL=a",
		"HIGH:@SECLEVEL=-", "HIGH:@SECLEVELX", "HIGH:@seclevel=1", "HIGH:@STRENGTHX", "HIGH:@strength",
		"@STRENGTH", "@SECLEVEL=1", "@STRENGTH:HIGH", "@SECLEVEL=2:HIGH", "HIGH:@SECLEVEL=2:@SECLEVEL=0",
		"HIGH_FOO", "FOO_HIGH", "FOO_HIGH:RSA", "TLS_AES_128_GCM_SHA256",
		"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256:HIGH", "HIGH:TLS_AES_128_GCM_SHA256",
		"HIGH:\"RSA\"", "HIGH:*", "HIGH:$RSA", "HIGH/RSA", "HIGH:RSA#", "HIGH\tRSA", "HIGH\nRSA",
		"HIGH:é", "é:HIGH", "HIGH:RSA+é", "ALL+FOO:RSA", "FOO+ALL:RSA", "RSA+FOO_BAR:HIGH",
		"RSA+FOO:é", "!FOO_BAR:HIGH", "-FOO:HIGH", "+FOO:HIGH", "@FOO:HIGH", "HIGH:!", "!", "-", "+", "@",
		":", ",", ";", " ", "::", "!:HIGH", "-,HIGH", "HIGH:!RSA:RSA", "HIGH:-RSA:RSA", "HIGH:-RSA:+RSA",
		"ALL:-ALL", "ALL:!ALL", "ALL:-ALL:HIGH", "ALL:!ALL:HIGH", "ALL:-ALL:-ALL:RSA:ECDHE",
		"-ALL:HIGH", "!ALL:HIGH", "+ALL", "HIGH:+ALL", "RSA:+ECDHE:ECDHE", "ECDHE:RSA:+ECDHE",
		"RSA:ECDHE:-ECDHE:DHE:ECDHE", "ALL:-RSA:-ECDHE:RSA:ECDHE", "ALL:-AES128:-AES256:AES256:AES128",
		"ALL:+AES128:+SHA1", "ALL:+aNULL:+eNULL", "ALL:COMPLEMENTOFALL:+aNULL:@STRENGTH",
		"eNULL:ALL", "eNULL:@STRENGTH", "NULL:-eNULL:COMPLEMENTOFALL",
		"ALL:@STRENGTH:+AESGCM", "ALL:+AESGCM:@STRENGTH", "ALL:COMPLEMENTOFALL:@STRENGTH",
		"ALL:COMPLEMENTOFALL:-ALL:HIGH:@STRENGTH:+SHA1",
		// DEFAULT prefix handling.
		"DEFAULT", "DEFAULT:", "DEFAULT::", "DEFAULT:RSA", "DEFAULTFOO", "DEFAULT+RSA", "DEFAULT-RSA",
		"DEFAULT!RSA", "DEFAULT,!RSA", "DEFAULT !RSA", "DEFAULT:!RSA", "DEFAULT:-ECDHE:ECDHE",
		"DEFAULT:@SECLEVEL=0", "DEFAULT@SECLEVEL=0", "DEFAULT:@STRENGTH", "DEFAULT@STRENGTH",
		"DEFAULT:COMPLEMENTOFDEFAULT", "DEFAULT:!COMPLEMENTOFDEFAULT", "RSA:DEFAULT", "HIGH:DEFAULT",
		"DEFAULT:DEFAULT", "DEFAULT_FOO", "DEFAULT:+RSA", "DEFAULT:-RSA:RSA", "DEFAULT:!ALL",
		" DEFAULT", ":DEFAULT", "DEFAULT:HIGH_X", "DEFAULTS", "DEFAULTé",
		// Suite B.
		"SUITEB128", "SUITEB128ONLY", "SUITEB128C2", "SUITEB192", "SUITEB128:RSA", "SUITEB1920",
		"SUITEB128_X", "SUITEB", "SUITEB256", "SUITEB192:@SECLEVEL=9", "HIGH:SUITEB128",
		// Real configurations.
		"HIGH:!aNULL:!MD5", "DEFAULT:@STRENGTH", "ECDHE+AESGCM", "EECDH+AESGCM:EDH+AESGCM",
		"EECDH+AESGCM:EDH+AESGCM:AES256+EECDH:AES256+EDH",
		"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305",
		"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA",
		"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256",
		"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA:DHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA:ECDHE-ECDSA-DES-CBC3-SHA:ECDHE-RSA-DES-CBC3-SHA:EDH-RSA-DES-CBC3-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA:!DSS",
		"HIGH:MEDIUM:!MD5:!RC4:!3DES", "HIGH:MEDIUM:!aNULL:!MD5:!RC4", "HIGH:!aNULL:!MD5:!3DES",
		"ALL:!ADH:!EXPORT:!SSLv2:RC4+RSA:+HIGH:+MEDIUM:+LOW", "ALL:!aNULL:!ADH:!eNULL:!LOW:!EXP:RC4+RSA:+HIGH:+MEDIUM",
		"kEECDH+ECDSA+AES128:kEECDH+ECDSA+AES256:kEECDH+AES128:kEECDH+AES256:kEDH+AES128:kEDH+AES256:DES-CBC3-SHA:+SHA:!aNULL:!eNULL:!LOW:!kECDH:!DSS:!MD5:!EXP:!PSK:!SRP:!CAMELLIA:!SEED",
		"aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH", "ALL:!EXPORT:!LOW:!aNULL:!eNULL:!SSLv2",
		"ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH",
		"EECDH+CHACHA20:EECDH+AES128:RSA+AES128:EECDH+AES256:RSA+AES256:EECDH+3DES:RSA+3DES:!MD5",
		"ECDH+AESGCM:DH+AESGCM:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:RSA+AESGCM:RSA+AES:!aNULL:!MD5:!DSS",
		"EECDH+ECDSA+AESGCM:EECDH+aRSA+AESGCM:EECDH+ECDSA+SHA384:EECDH+ECDSA+SHA256:EECDH+aRSA+SHA384:EECDH+aRSA+SHA256:EECDH+aRSA+RC4:EECDH:EDH+aRSA:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!SRP:!DSS:!RC4",
		"ECDHE:!COMPLEMENTOFDEFAULT:!SHA1", "HIGH:!aNULL:!kRSA:!PSK:!SRP:!MD5:!RC4", "PSK", "PSK:@STRENGTH",
		"!aNULL:!eNULL:HIGH", "HIGH:!SSLv3:!TLSv1", "TLSv1.2:!aNULL:!eNULL", "SECURE128", "SECURE192",
		"HIGH:!AESCCM:!CAMELLIA:!ARIA:!PSK:!SRP:!DSS:!aNULL", "kECDHE+aECDSA+AESGCM:kECDHE+aRSA+AESGCM",
		"ECDHE:DHE:!NULL:!aNULL:@STRENGTH", "ECDHE+AES256:DHE+AES256:@STRENGTH", "AES:-SHA1:-SHA256",
		"AESGCM:CHACHA20:AESCCM:ARIA:CAMELLIA:@STRENGTH", "CHACHA20:AESGCM:+AES128", "!SHA1:!SHA256:!SHA384:ALL",
		"ALL:COMPLEMENTOFALL:!SSLv3:!TLSv1:@STRENGTH:+kRSA:+kPSK", "FIPS:!eNULL:!aNULL",
		"FIPS:@STRENGTH", "LOW:MEDIUM:HIGH", "MEDIUM:HIGH:LOW:@STRENGTH")

	// Pseudo-random combinations (deterministic).
	rng := rand.New(rand.NewPCG(1, 2))
	tokens := append(append([]string{}, AliasNames()...), "FOO", "RC4", "AES128-SHA", "ECDHE-RSA-AES256-GCM-SHA384",
		"DHE-PSK-AES128-CCM", "NULL-MD5", "ADH-AES256-SHA", "SRP-AES-128-CBC-SHA", "ECDHE-ARIA128-GCM-SHA256")
	prefixes := []string{"", "", "", "!", "-", "+"}
	seps := []string{":", ":", ":", ",", " ", ";", ": "}
	for n := 0; n < 200; n++ {
		var b strings.Builder
		if rng.IntN(6) == 0 {
			b.WriteString("DEFAULT:")
		}
		elems := 1 + rng.IntN(6)
		for e := 0; e < elems; e++ {
			if e > 0 {
				b.WriteString(seps[rng.IntN(len(seps))])
			}
			switch rng.IntN(14) {
			case 0:
				b.WriteString("@STRENGTH")
				continue
			case 1:
				b.WriteString("@SECLEVEL=" + strconv.Itoa(rng.IntN(7)))
				continue
			}
			b.WriteString(prefixes[rng.IntN(len(prefixes))])
			parts := 1 + rng.IntN(3)
			for p := 0; p < parts; p++ {
				if p > 0 {
					b.WriteString("+")
				}
				b.WriteString(tokens[rng.IntN(len(tokens))])
			}
		}
		add(b.String())
	}
	return out
}

func TestCompileMatchesOpenSSL(t *testing.T) {
	needOpenSSL(t)
	strs := differentialStrings()
	if len(strs) < 900 {
		t.Fatalf("only %d differential strings", len(strs))
	}
	if testing.Short() {
		// Every third string keeps all categories represented.
		var short []string
		for i := 0; i < len(strs); i += 3 {
			short = append(short, strs[i])
		}
		strs = short
	}
	var accepted, rejected atomic.Int64
	t.Run("strings", func(t *testing.T) {
		for n, s := range strs {
			t.Run(fmt.Sprintf("%03d", n), func(t *testing.T) {
				t.Parallel()
				want := runOpenSSL(t, s)
				got, err := Compile(s)
				if want.failed {
					rejected.Add(1)
					if err == nil {
						t.Fatalf("Compile(%q) = %s; openssl rejects it: %s", s, got, want.stderr)
					}
					var ce *Error
					if !errors.As(err, &ce) {
						t.Fatalf("Compile(%q) error %v is not an *Error", s, err)
					}
					if want.invalid == errors.Is(err, ErrNoMatch) {
						t.Errorf("Compile(%q) error %q; openssl says %q", s, err, want.stderr)
					}
					if !strings.Contains(err.Error(), strconv.Quote(s)[1:min(20, len(strconv.Quote(s)))]) {
						t.Errorf("Compile(%q) error %q does not name the string", s, err)
					}
					return
				}
				accepted.Add(1)
				if err != nil {
					t.Fatalf("Compile(%q): %v; openssl lists %s", s, err, strings.Join(want.names, ":"))
				}
				if g := got.Names(); !slices.Equal(g, want.names) {
					t.Errorf("Compile(%q):\n got %s\nwant %s", s, strings.Join(g, ":"), strings.Join(want.names, ":"))
				}
			})
		}
	})
	if accepted.Load() < 100 || rejected.Load() < 50 {
		t.Errorf("unbalanced corpus: %d accepted, %d rejected by openssl", accepted.Load(), rejected.Load())
	}
	t.Logf("%d strings: %d accepted and %d rejected by openssl", len(strs), accepted.Load(), rejected.Load())
}
