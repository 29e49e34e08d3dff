package cipherlist

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestEmptyIsDefault(t *testing.T) {
	t.Parallel()
	a, err := Compile("")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Compile("DEFAULT")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Names(), b.Names()) || len(a.Suites) != 57 {
		t.Errorf("Compile(\"\") = %d suites, DEFAULT %d", len(a.Suites), len(b.Suites))
	}
	if a.Suites[0].Name != "ECDHE-ECDSA-AES256-GCM-SHA384" {
		t.Errorf("DEFAULT starts with %s", a.Suites[0].Name)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s       string
		noMatch bool
		elem    string
		offset  int
		reason  string
	}{
		{s: "FOO", noMatch: true, offset: -1},
		{s: "!ALL", noMatch: true, offset: -1},
		{s: "HIGH_FOO", elem: "_", offset: 4, reason: `found '_'`},
		{s: "HIGH:@FOO", elem: "@FOO", offset: 5, reason: "unknown command"},
		{s: "HIGH:@SECLEVEL=9", elem: "@SECLEVEL=9", offset: 5, reason: "0 to 5"},
		{s: "DEFAULT:@SECLEVEL=7", elem: "@SECLEVEL=7", offset: 8, reason: "0 to 5"},
		{s: "HIGH:!", elem: "!", offset: 5, reason: "end of string"},
		{s: "HIGH+", elem: "HIGH+", offset: 0, reason: "end of string"},
		{s: "HIGH:é", elem: "\xc3", offset: 5, reason: "byte 0xc3"},
		{s: "HIGH\tRSA", elem: "\t", offset: 4, reason: `'\t'`},
		{s: "HIGH:\x00", elem: "\x00", offset: 5, reason: `'\x00'`},
	} {
		_, err := Compile(c.s)
		if err == nil {
			t.Errorf("Compile(%q) succeeded", c.s)
			continue
		}
		var ce *Error
		if !errors.As(err, &ce) {
			t.Fatalf("Compile(%q) error %T", c.s, err)
		}
		if errors.Is(err, ErrNoMatch) != c.noMatch {
			t.Errorf("Compile(%q): %v; errors.Is(ErrNoMatch) != %v", c.s, err, c.noMatch)
		}
		if ce.String != c.s || ce.Offset != c.offset || (c.elem != "" && ce.Elem != c.elem) {
			t.Errorf("Compile(%q): %#v", c.s, ce)
		}
		if !strings.Contains(err.Error(), c.reason) || !strings.Contains(err.Error(), "cipher string") {
			t.Errorf("Compile(%q): %q lacks %q", c.s, err, c.reason)
		}
	}
}

func TestIgnored(t *testing.T) {
	t.Parallel()
	l, err := Compile("HIGH:FOO:kRSA+kECDHE:!BAR_BAZ:RC4-SHA:ECDHE")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"FOO", "kRSA+kECDHE", "!BAR_BAZ", "RC4-SHA"}
	if !slices.Equal(l.Ignored, want) {
		t.Errorf("Ignored = %q, want %q", l.Ignored, want)
	}
	l, err = Compile(strings.Repeat("X:", 1000) + "HIGH")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Ignored) != maxIgnored {
		t.Errorf("Ignored has %d entries", len(l.Ignored))
	}
}

func TestSuiteB(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]string{
		"SUITEB128":      "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384",
		"SUITEB128ONLY":  "ECDHE-ECDSA-AES128-GCM-SHA256",
		"SUITEB128C2":    "ECDHE-ECDSA-AES256-GCM-SHA384",
		"SUITEB192:HIGH": "ECDHE-ECDSA-AES256-GCM-SHA384",
	} {
		l, err := Compile(s)
		if err != nil {
			t.Fatal(err)
		}
		if l.String() != want || !strings.HasPrefix(s, l.SuiteB) || l.SuiteB == "" {
			t.Errorf("Compile(%q) = %s (SuiteB %q), want %s", s, l, l.SuiteB, want)
		}
	}
}

func TestParseCiphersuites(t *testing.T) {
	t.Parallel()
	def := []string{"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"}
	for _, c := range []struct {
		in   string
		want []string
		err  string
	}{
		{in: "", want: def},
		{in: strings.Join(def, ":"), want: def},
		{in: "TLS_AES_128_GCM_SHA256", want: def[2:]},
		{in: " TLS_AES_128_GCM_SHA256 : TLS_AES_256_GCM_SHA384 ", want: []string{def[2], def[0]}},
		{in: "TLS_AES_128_GCM_SHA256::TLS_AES_128_GCM_SHA256:", want: def[2:]},
		{in: "TLS_AES_128_CCM_SHA256:TLS_CHACHA20_POLY1305_SHA256", want: []string{"TLS_AES_128_CCM_SHA256", def[1]}},
		{in: "TLS_AES_128_CCM_8_SHA256", err: "cannot negotiate"},
		{in: "TLS_AES_128_GCM_SHA256:FOO", err: `unknown TLS 1.3 suite "FOO"`},
		{in: "tls_aes_128_gcm_sha256", err: "unknown"},
		{in: "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384", err: "unknown"},
		{in: "ECDHE-RSA-AES128-GCM-SHA256", err: "ciphers setting"},
		{in: ":", err: "names no TLS 1.3 suite"},
	} {
		got, err := ParseCiphersuites(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseCiphersuites(%q) = %v, %v; want error with %q", c.in, names(got), err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(names(got), c.want) {
			t.Errorf("ParseCiphersuites(%q) = %v, %v; want %v", c.in, names(got), err, c.want)
		}
		for _, s := range got {
			if s.Protocol != "TLSv1.3" || s.MinVersion() != tls.VersionTLS13 || s.MaxVersion() != tls.VersionTLS13 {
				t.Errorf("%s: %s %x-%x", s.Name, s.Protocol, s.MinVersion(), s.MaxVersion())
			}
		}
	}
}

// TestParseCiphersuitesMatchesOpenSSL checks the accepted names and their
// order against `openssl ciphers -ciphersuites`.
func TestParseCiphersuitesMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	for _, in := range []string{
		"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384",
		"TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_GCM_SHA256",
		" TLS_AES_256_GCM_SHA384 :: TLS_AES_128_GCM_SHA256",
	} {
		out, err := execOpenSSL("ciphers", "-ciphersuites", in, "ECDHE-RSA-AES128-GCM-SHA256")
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Split(strings.TrimSpace(out), ":")
		want = want[:len(want)-1] // the TLS 1.2 suite
		got, err := ParseCiphersuites(in)
		if err != nil || !slices.Equal(names(got), want) {
			t.Errorf("ParseCiphersuites(%q) = %v, %v; openssl %v", in, names(got), err, want)
		}
	}
}

var (
	certsOnce sync.Once
	certs     []tls.Certificate
	certsErr  error
)

// testCerts makes one RSA and one ECDSA self-signed certificate per test
// binary.
func testCerts(t *testing.T) []tls.Certificate {
	t.Helper()
	certsOnce.Do(func() {
		rk, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			certsErr = err
			return
		}
		ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			certsErr = err
			return
		}
		for _, k := range []struct{ priv, pub any }{{rk, &rk.PublicKey}, {ek, &ek.PublicKey}} {
			tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "cipherlist test"},
				NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"localhost"}}
			der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.pub, k.priv)
			if err != nil {
				certsErr = err
				return
			}
			certs = append(certs, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k.priv})
		}
	})
	if certsErr != nil {
		t.Fatal(certsErr)
	}
	return certs
}

// handshake runs a TLS 1.2 handshake over a pipe with both sides limited to
// ids, and returns the negotiated suite.
func handshake(t *testing.T, ids []uint16) (uint16, error) {
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	srv := tls.Server(c1, &tls.Config{Certificates: testCerts(t), CipherSuites: ids, MaxVersion: tls.VersionTLS12})
	cli := tls.Client(c2, &tls.Config{InsecureSkipVerify: true, CipherSuites: ids, MaxVersion: tls.VersionTLS12})
	errc := make(chan error, 1)
	go func() {
		err := srv.Handshake()
		if err != nil {
			c1.Close()
		}
		errc <- err
	}()
	err := cli.Handshake()
	if err != nil {
		c2.Close()
	}
	if serr := <-errc; err == nil {
		err = serr
	}
	return cli.ConnectionState().CipherSuite, err
}

// TestGoNegotiates is the experiment behind the Go flags: every suite marked
// Go completes a TLS 1.2 handshake in crypto/tls when it is the only one
// configured, and no other suite of the table does.
func TestGoNegotiates(t *testing.T) {
	t.Parallel()
	for _, s := range table {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			got, err := handshake(t, []uint16{s.ID})
			if s.Go && (err != nil || got != s.ID) {
				t.Errorf("Go suite %s: handshake %v, negotiated %04x", s.Name, err, got)
			}
			if !s.Go && err == nil {
				t.Errorf("non-Go suite %s negotiated %04x", s.Name, got)
			}
		})
	}
	// A compiled list fed to crypto/tls negotiates one of its suites. Which
	// one is crypto/tls's choice: since Go 1.17 it ignores the order of
	// Config.CipherSuites.
	l, err := Compile("ECDHE+AESGCM:ECDHE+CHACHA20:@STRENGTH")
	if err != nil {
		t.Fatal(err)
	}
	got, err := handshake(t, l.IDs())
	if err != nil || !slices.Contains(l.IDs(), got) {
		t.Errorf("handshake with %v: %v, negotiated %04x", names(l.Negotiable()), err, got)
	}
}

// TestHugeString checks that 1 MB strings are handled (the test binary's
// timeout catches a hang); each costs well under a second.
func TestHugeString(t *testing.T) {
	t.Parallel()
	size := 1 << 20
	if raceEnabled {
		size = 64 << 10 // the race detector slows the rule engine ~20 times
	}
	for _, s := range []string{
		strings.Repeat("HIGH:", size/5),
		strings.Repeat("@STRENGTH:", size/10),
		strings.Repeat("ALL:-ALL:", size/9) + "RSA",
		strings.Repeat("x", size),
		strings.Repeat("RSA+", size/4) + "HIGH",
		"HIGH:" + strings.Repeat("!", size),
	} {
		l, err := Compile(s)
		if err == nil && len(l.Suites) == 0 {
			t.Errorf("empty list without error")
		}
		if err != nil && len(err.Error()) > 400 {
			t.Errorf("error message of %d bytes", len(err.Error()))
		}
	}
}

func FuzzCompile(f *testing.F) {
	for _, s := range []string{"", "DEFAULT", "HIGH:!aNULL:!MD5", "ECDHE+AESGCM", "DEFAULT:@STRENGTH",
		"ALL:COMPLEMENTOFALL:@SECLEVEL=0", "SUITEB128", "HIGH_FOO", "kRSA+kECDHE", "COMPLEMENTOFDEFAULT+HIGH",
		"!ALL", "ALL:-RSA:+SHA1:RSA", "@SECLEVEL=9", "HIGH!RSA@STRENGTH", "AES128-SHA+HIGH"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Compile(s)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T", err)
			}
			_ = err.Error()
			return
		}
		if len(l.Suites) == 0 {
			t.Fatal("empty list without error")
		}
		seen := map[uint16]bool{}
		for _, s := range l.Suites {
			if seen[s.ID] {
				t.Fatalf("duplicate %s", s.Name)
			}
			seen[s.ID] = true
			if _, ok := ByID(s.ID); !ok {
				t.Fatalf("unknown suite %04x", s.ID)
			}
		}
		if l.SecLevel < 0 || l.SecLevel > 5 {
			t.Fatalf("SecLevel %d", l.SecLevel)
		}
		if len(l.Ignored) > maxIgnored {
			t.Fatalf("%d ignored", len(l.Ignored))
		}
	})
}

func BenchmarkCompile(b *testing.B) {
	typical := "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!MD5:!DSS:@STRENGTH"
	measure := func(s string) time.Duration {
		start := time.Now()
		const n = 200
		for range n {
			if _, err := Compile(s); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start) / n
	}
	b.Run("DEFAULT", func(b *testing.B) {
		for b.Loop() {
			if _, err := Compile("DEFAULT"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("typical", func(b *testing.B) {
		for b.Loop() {
			if _, err := Compile(typical); err != nil {
				b.Fatal(err)
			}
		}
		// Baseline measured in the same run: the typical string costs this
		// many times a bare DEFAULT.
		tt, td := measure(typical), measure("DEFAULT")
		b.ReportMetric(float64(tt)/float64(td), "x-DEFAULT")
	})
}
