package sslstream

import (
	"crypto/tls"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMethod(t *testing.T) {
	t.Parallel()
	ok := []struct {
		in       string
		min, max uint16
		note     bool
	}{
		{"", tls.VersionTLS10, tls.VersionTLS13, false},
		{"tlsv1+", tls.VersionTLS10, tls.VersionTLS13, false},
		{"TLSv1.2", tls.VersionTLS12, tls.VersionTLS12, false},
		{"tlsv1.3", tls.VersionTLS13, tls.VersionTLS13, false},
		{"tlsv1.1+", tls.VersionTLS11, tls.VersionTLS13, false},
		{"tlsv1.2+", tls.VersionTLS12, tls.VersionTLS13, false},
		{"tlsv1.3+", tls.VersionTLS13, tls.VersionTLS13, false},
		{"tlsv1", tls.VersionTLS10, tls.VersionTLS10, false},
		{"sslv23", tls.VersionTLS10, tls.VersionTLS13, true},
		{"sslv3+", tls.VersionTLS10, tls.VersionTLS13, true},
		{"tlsv1.2,tlsv1.3", tls.VersionTLS12, tls.VersionTLS13, false},
		{"tlsv1.3:tlsv1.2", tls.VersionTLS12, tls.VersionTLS13, false},
		{"tlsv1 tlsv1.1 tlsv1.2", tls.VersionTLS10, tls.VersionTLS12, false},
		{"sslv3,tlsv1", tls.VersionTLS10, tls.VersionTLS10, true},
	}
	for _, tc := range ok {
		m, err := ParseMethod(tc.in)
		if err != nil {
			t.Errorf("ParseMethod(%q): %v", tc.in, err)
			continue
		}
		if m.Min != tc.min || m.Max != tc.max || (m.Note != "") != tc.note {
			t.Errorf("ParseMethod(%q) = %x..%x note %q", tc.in, m.Min, m.Max, m.Note)
		}
	}
	bad := map[string]string{
		"sslv2":               "SSLv2 cannot be offered",
		"sslv3":               "SSLv3 cannot be offered",
		"sslv2,sslv3":         "SSLv2 and SSLv3 cannot be offered",
		"tlsv1.4":             "unknown version",
		"tls1.2":              "unknown version",
		"tlsv9+":              "unknown method",
		"sslv2+":              "unknown method",
		"tlsv1,tlsv1.2":       "contiguous",
		"tlsv1.2,tlsv1.2":     "twice",
		"tlsv1.2,tlsv1.3+":    "cannot be part of a list",
		",":                   "no version",
		"tlsv1.1,tlsv1.3":     "tlsv1.2 is missing",
		"tlsv1, sslv23":       "cannot be part of a list",
		"sslv2,tlsv1.2":       "contiguous",
		"tlsv1.2 junk":        "unknown version \"junk\"",
		"tlsv1.3,,,tlsv1.1 x": "unknown version",
	}
	for in, want := range bad {
		_, err := ParseMethod(in)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "allowed:") {
			t.Errorf("ParseMethod(%q) error %v, want it to mention %q and the allowed values", in, err, want)
		}
	}
}

func TestSettingsSet(t *testing.T) {
	t.Parallel()
	var s Settings
	pairs := [][2]string{
		{"method", "tlsv1.2+"}, {"certificate", "/c.pem"}, {"key", "/k.pem"},
		{"certificate-password", "pw"}, {"verify", "required"}, {"max-depth", "3"},
		{"ca-file", "/ca.pem"}, {"ca-directory", "/etc/ssl/certs"}, {"ciphers", "HIGH"},
		{"ciphersuites", "TLS_AES_128_GCM_SHA256"}, {"prefer-server-cipher-order", "false"},
		{"crl-check", "all"}, {"crl-file", "/crl.pem"}, {"server-name", "example.com"},
		{"x509-strict", "true"}, {"unbuffered", "yes"},
	}
	for _, p := range pairs {
		if err := s.Set(p[0], p[1]); err != nil {
			t.Fatalf("Set(%q, %q): %v", p[0], p[1], err)
		}
	}
	f := false
	three := 3
	want := Settings{
		Method: "tlsv1.2+", Certificate: "/c.pem", Key: "/k.pem", CertificatePassword: "pw",
		Verify: VerifyRequired, MaxDepth: &three, CAFile: "/ca.pem", CADirectory: "/etc/ssl/certs",
		Ciphers: "HIGH", Ciphersuites: "TLS_AES_128_GCM_SHA256", PreferServerCipherOrder: &f,
		CRLCheck: CRLAll, CRLFile: "/crl.pem", ServerName: "example.com", X509Strict: true, Unbuffered: true,
	}
	if d := cmp.Diff(want, s); d != "" {
		t.Errorf("settings after Set (-want +got):\n%s", d)
	}
	// The settings above appear in the registry in this order.
	pos := map[string]int{}
	for i, info := range SettingsInfo() {
		pos[info.Name] = i
	}
	for i := 1; i < len(pairs); i++ {
		if pos[pairs[i-1][0]] >= pos[pairs[i][0]] {
			t.Errorf("registry lists %q before %q", pairs[i][0], pairs[i-1][0])
		}
	}
	// Alternative spellings of names.
	if err := s.Set(":max_depth", "4"); err != nil || *s.MaxDepth != 4 {
		t.Errorf("Set(:max_depth): %v", err)
	}
	for _, bad := range [][3]string{
		{"verify", "maybe", "none, optional, required"},
		{"max-depth", "-1", "integer >= 0"},
		{"max-depth", "ten", "integer >= 0"},
		{"crl-check", "leaf", "none, peer, all"},
		{"method", "sslv3", "SSLv3"},
		{"prefer-server-cipher-order", "sometimes", "true or false"},
		{"colour", "blue", "unknown setting"},
	} {
		err := s.Set(bad[0], bad[1])
		if err == nil || !strings.Contains(err.Error(), bad[2]) || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("Set(%q, %q) error %v, want it to name the value and %q", bad[0], bad[1], err, bad[2])
		}
	}
}

func TestOverridesRejectFrozenSettings(t *testing.T) {
	t.Parallel()
	frozen := []string{"certificate", "key", "certificate-password", "ca-file", "ca-directory", "crl-file", "crl-check"}
	for _, name := range frozen {
		var o Overrides
		err := o.Set(name, "x")
		if err == nil || !strings.Contains(err.Error(), "fixed by the context") || !strings.Contains(err.Error(), name) {
			t.Errorf("Overrides.Set(%q) error %v, want 'fixed by the context'", name, err)
		}
	}
	var o Overrides
	for _, p := range [][2]string{{"method", "tlsv1.2"}, {"ciphers", "HIGH"}, {"ciphersuites", "TLS_AES_128_GCM_SHA256"},
		{"verify", "optional"}, {"max-depth", "2"}, {"prefer-server-cipher-order", "false"}, {"server-name", "x.example"}, {"unbuffered", "true"}} {
		if err := o.Set(p[0], p[1]); err != nil {
			t.Errorf("Overrides.Set(%q): %v", p[0], err)
		}
	}
	if o.Verify == nil || *o.Verify != VerifyOptional || *o.MaxDepth != 2 || o.ServerName != "x.example" {
		t.Errorf("overrides %+v", o)
	}
	if err := o.Set("bogus", "1"); err == nil || !strings.Contains(err.Error(), "unknown setting") {
		t.Errorf("unknown override error %v", err)
	}
}

func TestOverrideDoesNotChangeContext(t *testing.T) {
	t.Parallel()
	p := pki(t)
	ctx, err := NewClientContext(Settings{CAFile: p.caFile, Verify: VerifyRequired, Method: "tlsv1.2+", ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	sctx, err := NewServerContext(p.serverSettings())
	if err != nil {
		t.Fatal(err)
	}
	run := func(o *Overrides) (*Stream, error) {
		cc, sc := connPair(t, "tcp")
		c, err := ctx.Client(cc, o)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := sctx.Server(sc, nil)
		defer s.Close()
		defer c.Close()
		defer cc.Close()
		cerr, _ := both(t, c.Handshake, s.Handshake)
		return c, cerr
	}
	none := VerifyNone
	c, err := run(&Overrides{Verify: &none, Method: "tlsv1.2", ServerName: "wrong.example"})
	if err != nil {
		t.Fatalf("with overrides: %v", err)
	}
	if v := c.ConnectionState().Version; v != tls.VersionTLS12 {
		t.Errorf("override method tlsv1.2 gave version %x", v)
	}
	if code, _ := c.VerifyResult(); code != 62 {
		t.Errorf("override server-name: verify result %d, want 62 (reported under none)", code)
	}
	// The context is unchanged: required, TLS 1.3 allowed, server-name localhost.
	c, err = run(nil)
	if err != nil {
		t.Fatalf("context after override: %v", err)
	}
	if v := c.ConnectionState().Version; v != tls.VersionTLS13 {
		t.Errorf("context version %x, want TLS 1.3", v)
	}
	if code, _ := c.VerifyResult(); code != 0 {
		t.Errorf("context verify result %d, want 0", code)
	}
	// And required still fails on a bad name from the context's own setting.
	c, err = run(&Overrides{ServerName: "wrong.example"})
	if e := asError(t, err); e.VerifyResult != 62 {
		t.Errorf("required with wrong name: %v", e)
	}
	_ = c
}

func TestBadSettingsFailAtCreation(t *testing.T) {
	t.Parallel()
	p := pki(t)
	missing := "/nonexistent/file.pem"
	garbage := writeTemp(t, "garbage.pem", []byte("not a certificate"))
	cases := []struct {
		name   string
		s      Settings
		server bool
		want   []string
		code   uint32
	}{
		{"server without certificate", Settings{}, true, []string{"certificate"}, 0x0A0000B1},
		{"missing certificate", Settings{Certificate: missing}, true, []string{missing}, 0},
		{"garbage certificate", Settings{Certificate: garbage}, true, []string{garbage}, 0},
		{"key mismatch", Settings{Certificate: p.serverCert, Key: p.clientKey}, true, []string{p.serverCert, "does not match"}, 0},
		{"key without certificate", Settings{Key: p.clientKey}, false, []string{"without a certificate"}, 0},
		{"missing ca-file", Settings{CAFile: missing}, false, []string{"ca-file", missing}, 0},
		{"garbage ca-file", Settings{CAFile: garbage}, false, []string{"ca-file", garbage}, 0},
		{"missing crl-file", Settings{CRLFile: missing}, false, []string{"crl-file", missing}, 0},
		{"ca-directory is a file", Settings{CADirectory: p.caFile}, false, []string{"ca-directory", "not a directory"}, 0},
		{"bad method", Settings{Method: "sslv3"}, false, []string{"sslv3", "SSLv3 cannot be offered"}, 0},
		{"bad ciphers", Settings{Ciphers: "NOTHING-MATCHES"}, false, []string{"NOTHING-MATCHES"}, CodeNoCipherMatch},
		{"ciphers Go cannot speak", Settings{Ciphers: "DHE-RSA-AES128-SHA", Method: "tlsv1.2"}, false, []string{"DHE-RSA-AES128-SHA"}, CodeNoCipherMatch},
		// Also when TLS 1.3 remains in the method's range.
		{"ciphers Go cannot speak, TLS 1.3 allowed", Settings{Ciphers: "DHE-RSA-AES128-SHA"}, false, []string{"DHE-RSA-AES128-SHA", "method tlsv1.3"}, CodeNoCipherMatch},
		{"ciphers selecting only NULL suites", Settings{Ciphers: "eNULL", Method: "tlsv1.2+"}, false, []string{"eNULL"}, CodeNoCipherMatch},
		{"bad ciphersuites", Settings{Ciphersuites: "TLS_FOO"}, false, []string{"TLS_FOO"}, CodeNoCipherMatch},
		{"bad verify", Settings{Verify: 7}, false, []string{"verify 7"}, 0},
		{"bad crl-check", Settings{CRLCheck: 9}, false, []string{"crl-check 9"}, 0},
		{"negative max-depth", Settings{MaxDepth: new(-2)}, false, []string{"max-depth -2"}, 0},
		{"old TLS at default security level", Settings{Method: "tlsv1.1"}, false, []string{"@SECLEVEL=0"}, CodeNoProtocolsAvailable},
		{"encrypted key, no password", Settings{Certificate: p.serverCert, Key: encryptedKey(t, p, "secret")}, true, []string{"password"}, 0},
		{"encrypted key, wrong password", Settings{Certificate: p.serverCert, Key: encryptedKey(t, p, "secret"), CertificatePassword: "Xyzzy-42"}, true, []string{"password"}, 0},
	}
	for _, tc := range cases {
		var err error
		if tc.server {
			_, err = NewServerContext(tc.s)
		} else {
			_, err = NewClientContext(tc.s)
		}
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		e := asError(t, err)
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, w)
			}
		}
		if tc.code != 0 && !e.HasCode(tc.code) {
			t.Errorf("%s: error %v lacks code %08X", tc.name, e, tc.code)
		}
		if tc.s.CertificatePassword != "" && strings.Contains(err.Error(), tc.s.CertificatePassword) {
			t.Errorf("%s: error reveals the password", tc.name)
		}
	}
	// The same through a per-connection override.
	ctx, err := NewClientContext(Settings{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []*Overrides{{Method: "sslv2"}, {Ciphers: "NOTHING-MATCHES"}, {Ciphers: "aNULL"}, {MaxDepth: new(-1)}, {Ciphersuites: "nope"}} {
		cc, _ := connPair(t, "pipe")
		if _, err := ctx.Client(cc, o); err == nil {
			t.Errorf("override %+v accepted", o)
		}
	}
}

// encryptedKey writes the server key encrypted with password, using
// openssl when available, else skips the caller's case by returning a path
// to the plain key encrypted by keyfile's own format support.
func encryptedKey(t *testing.T, p *pkiFiles, password string) string {
	t.Helper()
	requireOpenSSL(t)
	out := writeTemp(t, "enc.key", nil)
	runOpenSSL(t, nil, "pkey", "-in", p.serverKey, "-aes256", "-passout", "pass:"+password, "-out", out)
	return out
}

func TestErrorTableMatchesReference(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../shared/reference/ssl-error-codes.tsv")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("../shared/reference/ssl-error-codes.tsv not present")
	}
	if err != nil {
		t.Fatal(err)
	}
	rows, err := parseReasonTableForTest(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(sslReasons) {
		t.Errorf("reference has %d reasons, generated table %d: run go run gen_errcodes.go", len(rows), len(sslReasons))
	}
	for reason, printed := range rows {
		if got := ErrorString(packCode(reason)); got != printed {
			t.Errorf("ErrorString(%08X) = %q, reference %q", packCode(reason), got, printed)
		}
	}
	if got := ErrorString(CodeCertificateVerifyFailed); got != "error:0A000086:SSL routines::certificate verify failed" {
		t.Errorf("ErrorString(0A000086) = %q", got)
	}
}

func parseReasonTableForTest(data []byte) (map[uint32]string, error) {
	out := make(map[uint32]string)
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, errors.New("bad line " + line)
		}
		var reason uint32
		for _, ch := range f[1] {
			reason = reason*10 + uint32(ch-'0')
		}
		if _, dup := out[reason]; dup {
			return nil, errors.New("duplicate reason on line " + f[1])
		}
		_ = i
		out[reason] = f[2]
	}
	return out, nil
}

// TestSetValidatesAtOnce: Set checks the value when it is called, as its
// doc promises, not later at context creation.
func TestSetValidatesAtOnce(t *testing.T) {
	t.Parallel()
	for _, bad := range [][3]string{
		{"ciphers", "FOO", "FOO"},
		{"ciphersuites", "TLS_NOPE", "TLS_NOPE"},
		{"alpn", "h2,,x", "alpn"},
		{"crl-missing", "grace", "crl-missing"},
		{"crl-grace", "-1h", "crl-grace"},
		{"ca-default", "sometimes", "auto, true or false"},
	} {
		var s Settings
		if err := s.Set(bad[0], bad[1]); err == nil || !strings.Contains(err.Error(), bad[2]) {
			t.Errorf("Settings.Set(%q, %q) = %v, want an error naming %q", bad[0], bad[1], err, bad[2])
		}
		if s.Ciphers != "" || s.Ciphersuites != "" || s.ALPN != nil || s.CADefault != nil {
			t.Errorf("Settings.Set(%q, %q) changed the settings although it failed: %+v", bad[0], bad[1], s)
		}
	}
	var o Overrides
	if err := o.Set("ciphers", "FOO"); err == nil {
		t.Error("Overrides.Set(ciphers, FOO) accepted a cipher string that selects nothing")
	}
	var s Settings
	for _, p := range [][2]string{{"no-ca-default", "true"}} {
		if err := s.Set(p[0], p[1]); err != nil {
			t.Fatal(err)
		}
	}
	if s.CADefault == nil || *s.CADefault {
		t.Errorf("no-ca-default true: CADefault = %v, want false", s.CADefault)
	}
	if err := s.Set("ca-default", "auto"); err != nil || s.CADefault != nil {
		t.Errorf("ca-default auto: %v, %v", err, s.CADefault)
	}
}
