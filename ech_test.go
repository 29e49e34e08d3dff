package sslstream

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
)

// echPKI is a server with a certificate for the inner name (localhost,
// from the fixture) and one for the ECH public name, and an ECH key.
type echPKI struct {
	*pkiFiles
	publicCert, publicKey string
	keyFile               string // the server's ech-keys
	list                  []byte // the clients' ech-config
}

const echPublicName = "public.example"

func makeECHPKI(t *testing.T) *echPKI {
	t.Helper()
	p := pki(t)
	pub, err := p.inter.Leaf(echPublicName)
	if err != nil {
		t.Fatal(err)
	}
	keyFile, list, err := GenerateECHKey(echPublicName)
	if err != nil {
		t.Fatal(err)
	}
	return &echPKI{
		pkiFiles:   p,
		publicCert: writeTemp(t, "public.pem", pub.ChainPEM()),
		publicKey:  writeTemp(t, "public.key", pub.KeyPEM()),
		keyFile:    writeTemp(t, "ech.pem", keyFile),
		list:       list,
	}
}

func (e *echPKI) serverSettings() Settings {
	return Settings{Certificate: e.serverCert, Key: e.serverKey, ECHKeys: e.keyFile,
		ExtraCertificates: []CertificateFiles{{Certificate: e.publicCert, Key: e.publicKey}}}
}

// recordConn keeps what the server received, to see what went in clear.
type recordConn struct {
	net.Conn
	mu  sync.Mutex
	buf bytes.Buffer
}

func (r *recordConn) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.mu.Lock()
	r.buf.Write(p[:n])
	r.mu.Unlock()
	return n, err
}

func (r *recordConn) received() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.buf.Bytes())
}

// echHandshake runs one handshake over TCP and returns both streams, the
// errors and what the server received.
func echHandshake(t *testing.T, cs, ss Settings) (c, s *Stream, wire []byte, cerr, serr error) {
	t.Helper()
	cc, sc := connPair(t, "tcp")
	rec := &recordConn{Conn: sc}
	var err error
	if c, err = Client(cc, cs); err != nil {
		t.Fatalf("Client: %v", err)
	}
	if s, err = Server(rec, ss); err != nil {
		t.Fatalf("Server: %v", err)
	}
	t.Cleanup(func() { cc.Close(); sc.Close(); c.Close(); s.Close() })
	cerr, serr = both(t, c.Handshake, func() error {
		err := s.Handshake()
		if err != nil {
			sc.Close() // the client may wait for more
		}
		return err
	})
	return c, s, rec.received(), cerr, serr
}

// A client with the server's config: ECH is accepted, the server sees the
// inner name (and picks its certificate by it), and the inner name never
// crosses the wire in clear while the public name does.
func TestECHAcceptedInnerNameReachesServer(t *testing.T) {
	t.Parallel()
	e := makeECHPKI(t)
	var trace bytes.Buffer
	cs := Settings{ServerName: "localhost", Verify: VerifyRequired, CAFile: e.caFile,
		ECHConfig: base64.StdEncoding.EncodeToString(e.list), TraceLogger: slog.New(slog.NewTextHandler(&trace, nil))}
	c, s, wire, cerr, serr := echHandshake(t, cs, e.serverSettings())
	if cerr != nil || serr != nil {
		t.Fatalf("handshake: client %v, server %v", cerr, serr)
	}
	if !strings.Contains(trace.String(), "ech_accepted=true") {
		t.Errorf("the trace does not say ECH was accepted:\n%s", trace.String())
	}
	if !c.ECHAccepted() || !s.ECHAccepted() {
		t.Errorf("ECHAccepted: client %v, server %v; want both true", c.ECHAccepted(), s.ECHAccepted())
	}
	if !c.ECHOffered() || !s.ECHOffered() {
		t.Errorf("ECHOffered: client %v, server %v; want both true", c.ECHOffered(), s.ECHOffered())
	}
	if got := s.ConnectionState().ServerName; got != "localhost" {
		t.Errorf("server saw SNI %q, want the inner name localhost", got)
	}
	if pc, _ := c.PeerCertificate(); pc == nil || !strings.Contains(pc.SubjectString(), "localhost") {
		t.Errorf("the client got the certificate %v, want the inner name's", pc)
	}
	if !bytes.Contains(wire, []byte(echPublicName)) {
		t.Error("the public name is not in the outer ClientHello")
	}
	if bytes.Contains(wire, []byte("localhost")) {
		t.Error("the inner server name crossed the wire in clear")
	}
	if c.ConnectionState().Version != tls.VersionTLS13 {
		t.Errorf("version %x, want TLS 1.3", c.ConnectionState().Version)
	}
}

// A client without ECH still connects to a server with ECH keys.
func TestECHNotOfferedStillWorks(t *testing.T) {
	t.Parallel()
	e := makeECHPKI(t)
	cs := Settings{ServerName: "localhost", Verify: VerifyRequired, CAFile: e.caFile}
	c, s, wire, cerr, serr := echHandshake(t, cs, e.serverSettings())
	if cerr != nil || serr != nil {
		t.Fatalf("handshake: client %v, server %v", cerr, serr)
	}
	if c.ECHAccepted() || s.ECHAccepted() || c.ECHOffered() || s.ECHOffered() {
		t.Errorf("ECH accepted %v/%v offered %v/%v without ech-config", c.ECHAccepted(), s.ECHAccepted(), c.ECHOffered(), s.ECHOffered())
	}
	if !bytes.Contains(wire, []byte("localhost")) {
		t.Error("without ECH the SNI should be in clear")
	}
}

// A client with a config for another key is rejected: the handshake
// fails with an *Error that says so, wrapping crypto/tls's
// ECHRejectionError with the server's retry configs, which are the
// server's own config. The rejecting server's certificate is checked for
// the public name.
func TestECHRejectedWithRetryConfigs(t *testing.T) {
	t.Parallel()
	e := makeECHPKI(t)
	_, other, err := GenerateECHKey(echPublicName)
	if err != nil {
		t.Fatal(err)
	}
	cs := Settings{ServerName: "localhost", Verify: VerifyRequired, CAFile: e.caFile,
		ECHConfig: writeTemp(t, "other.pem", pem.EncodeToMemory(&pem.Block{Type: "ECHCONFIG", Bytes: other}))}
	c, s, _, cerr, _ := echHandshake(t, cs, e.serverSettings())
	if cerr == nil {
		t.Fatal("handshake succeeded with a config for another key")
	}
	se := asError(t, cerr)
	if !strings.Contains(se.Error(), "rejected ECH") || !strings.Contains(se.Error(), "1 retry config") {
		t.Errorf("error %q does not say ECH was rejected with 1 retry config", se.Error())
	}
	var re *tls.ECHRejectionError
	if !errors.As(cerr, &re) {
		t.Fatalf("error %v does not wrap tls.ECHRejectionError", cerr)
	}
	retry, ok := ECHRejection(cerr)
	if !ok || !bytes.Equal(retry, e.list) {
		t.Errorf("retry configs %x (ok %v), want the server's list %x", retry, ok, e.list)
	}
	if c.ECHAccepted() || s.ECHAccepted() {
		t.Error("ECHAccepted after a rejection")
	}
	if !s.ECHOffered() {
		t.Error("the server did not note that the client offered ECH")
	}
	// The retry configs work.
	cs.ECHConfig = base64.StdEncoding.EncodeToString(retry)
	c2, _, _, cerr, serr := echHandshake(t, cs, e.serverSettings())
	if cerr != nil || serr != nil || !c2.ECHAccepted() {
		t.Fatalf("retry: client %v, server %v, accepted %v", cerr, serr, c2.ECHAccepted())
	}
}

// A rejecting server whose certificate is not valid for the public name
// fails verification (the retry configs are not to be trusted).
func TestECHRejectionNeedsPublicNameCertificate(t *testing.T) {
	t.Parallel()
	e := makeECHPKI(t)
	_, other, err := GenerateECHKey(echPublicName)
	if err != nil {
		t.Fatal(err)
	}
	ss := e.serverSettings()
	ss.ExtraCertificates = nil // only localhost's certificate
	cs := Settings{ServerName: "localhost", Verify: VerifyRequired, CAFile: e.caFile,
		ECHConfig: base64.StdEncoding.EncodeToString(other)}
	_, _, _, cerr, _ := echHandshake(t, cs, ss)
	se := asError(t, cerr)
	if se.VerifyResult != 62 {
		t.Errorf("error %v: verify result %d, want 62 (hostname mismatch for the public name)", se, se.VerifyResult)
	}
	if _, ok := ECHRejection(cerr); ok {
		t.Error("an unauthenticated rejection was reported as ECHRejectionError")
	}
	// Under verify none nothing is authenticated: the rejection is
	// reported with its (untrusted) retry configs.
	cs.Verify = VerifyNone
	_, _, _, cerr, _ = echHandshake(t, cs, ss)
	if retry, ok := ECHRejection(cerr); !ok || !bytes.Equal(retry, e.list) {
		t.Errorf("verify none: %v, retry %x", cerr, retry)
	}
}

// Bad ech-config and ech-keys input gives errors naming the setting and
// what is wrong.
func TestECHBadInput(t *testing.T) {
	t.Parallel()
	e := makeECHPKI(t)
	keyFile, _, err := GenerateECHKey("other.example")
	if err != nil {
		t.Fatal(err)
	}
	var keyPEM []byte
	for rest := keyFile; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type == "PRIVATE KEY" {
			keyPEM = pem.EncodeToMemory(b)
		}
	}
	serverKey, err := os.ReadFile(e.serverKey)
	if err != nil {
		t.Fatal(err)
	}
	ecdsaKey, _ := pem.Decode(serverKey)
	mismatched := append(append([]byte{}, keyPEM...), pem.EncodeToMemory(&pem.Block{Type: "ECHCONFIG", Bytes: e.list})...)
	badVersion := append([]byte{}, e.list...)
	badVersion[2], badVersion[3] = 0xfe, 0x0a

	for _, tc := range []struct {
		name   string
		client bool
		value  string
		want   []string
	}{
		{"not base64 nor file", true, "no-such-file.example", []string{"ech-config", "neither an existing file nor a base64"}},
		{"short list", true, base64.StdEncoding.EncodeToString(e.list[:len(e.list)-3]), []string{"ech-config", "shorter than its 2-byte length prefix"}},
		{"unknown version only", true, base64.StdEncoding.EncodeToString(badVersion), []string{"ech-config", "no usable ECHConfig", "version 0xfe0a"}},
		{"key file as config", true, e.keyFile, []string{"ech-config", "PRIVATE KEY", "ech-keys"}},
		{"config as key file", false, writeTemp(t, "cfg.pem", pem.EncodeToMemory(&pem.Block{Type: "ECHCONFIG", Bytes: e.list})), []string{"ech-keys", "no PRIVATE KEY in the file matches"}},
		{"key without config", false, writeTemp(t, "key.pem", keyPEM), []string{"ech-keys", "no ECHCONFIG block"}},
		{"mismatched pair", false, writeTemp(t, "mismatch.pem", mismatched), []string{"ech-keys", "no PRIVATE KEY in the file matches its public key"}},
		{"ECDSA key", false, writeTemp(t, "ecdsa.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecdsaKey.Bytes})), []string{"ech-keys", "PRIVATE KEY block 1"}},
		{"not PEM", false, writeTemp(t, "empty.pem", []byte("hello")), []string{"ech-keys", "no PEM blocks"}},
		{"missing", false, "/nonexistent/ech.pem", []string{"ech-keys", "/nonexistent/ech.pem"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.client {
				var s Settings
				if err = s.Set("ech-config", tc.value); err == nil {
					_, err = NewClientContext(s)
				}
			} else {
				s := e.serverSettings()
				if err = s.Set("ech-keys", tc.value); err == nil {
					_, err = NewServerContext(s)
				}
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	// The roles are checked, and ECH needs TLS 1.3.
	if _, err := NewServerContext(Settings{Certificate: e.serverCert, Key: e.serverKey, ECHConfig: base64.StdEncoding.EncodeToString(e.list)}); err == nil || !strings.Contains(err.Error(), "ech-config is for clients") {
		t.Errorf("server with ech-config: %v", err)
	}
	if _, err := NewClientContext(Settings{ECHKeys: e.keyFile}); err == nil || !strings.Contains(err.Error(), "ech-keys is for servers") {
		t.Errorf("client with ech-keys: %v", err)
	}
	if _, err := NewClientContext(Settings{Method: "tlsv1.2", ECHConfig: base64.StdEncoding.EncodeToString(e.list)}); err == nil || !strings.Contains(err.Error(), "ech-config needs TLS 1.3") {
		t.Errorf("TLS 1.2 client with ech-config: %v", err)
	}
	if _, _, err := GenerateECHKey("localhost"); err == nil || !strings.Contains(err.Error(), "two or more labels") {
		t.Errorf("GenerateECHKey(localhost): %v", err)
	}
}

// The generated config has the fields RFC 9849 asks for, and the key file
// loads with the private key matching.
func TestGenerateECHKeyEncoding(t *testing.T) {
	t.Parallel()
	keyFile, list, err := GenerateECHKey("Public.Example.COM")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := ParseECHConfigList(list)
	if err != nil || len(cs) != 1 {
		t.Fatalf("ParseECHConfigList: %v, %d configs", err, len(cs))
	}
	c := cs[0]
	want := []ECHCipherSuite{{KDFID: 1, AEADID: 1}, {KDFID: 1, AEADID: 3}}
	if c.Version != 0xfe0d || c.KEMID != 0x0020 || len(c.PublicKey) != 32 || c.PublicName != "public.example.com" ||
		len(c.CipherSuites) != 2 || c.CipherSuites[0] != want[0] || c.CipherSuites[1] != want[1] || len(c.Extensions) != 0 {
		t.Errorf("config %+v", c)
	}
	if !bytes.Equal(list[2:], c.Raw) || int(list[0])<<8|int(list[1]) != len(list)-2 {
		t.Errorf("list framing: %x", list)
	}
	keys, err := parseECHKeys(keyFile)
	if err != nil || len(keys) != 1 || !bytes.Equal(keys[0].Config, c.Raw) || len(keys[0].PrivateKey) != 32 || !keys[0].SendAsRetry {
		t.Fatalf("parseECHKeys: %v %+v", err, keys)
	}
	// Two keys in one file (rotation) load as two.
	k2, _, err := GenerateECHKey("public.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if keys, err := parseECHKeys(append(append([]byte{}, keyFile...), k2...)); err != nil || len(keys) != 2 {
		t.Errorf("two keys: %v, %d", err, len(keys))
	}
	// A base64 file and a bare-config PEM block read as the list.
	for name, data := range map[string][]byte{
		"base64": []byte(base64.StdEncoding.EncodeToString(list) + "\n"),
		"bare":   pem.EncodeToMemory(&pem.Block{Type: "ECHCONFIG", Bytes: c.Raw}),
		"raw":    list,
	} {
		got, err := echConfigFromFile(data)
		if err != nil || !bytes.Equal(got, list) {
			t.Errorf("%s: %x, %v", name, got, err)
		}
	}
}

// Reload reads a new ech-keys file: a client with the new config is then
// accepted.
func TestECHKeysReload(t *testing.T) {
	t.Parallel()
	e := makeECHPKI(t)
	sctx, err := NewServerContext(e.serverSettings())
	if err != nil {
		t.Fatal(err)
	}
	keyFile, list, err := GenerateECHKey(echPublicName)
	if err != nil {
		t.Fatal(err)
	}
	writeAtomic(t, e.keyFile, keyFile)
	if err := sctx.Reload(); err != nil {
		t.Fatal(err)
	}
	addr := serveHandshakes(t, sctx)
	cctx, err := NewClientContext(Settings{ServerName: "localhost", CAFile: e.caFile, Verify: VerifyRequired,
		ECHConfig: base64.StdEncoding.EncodeToString(list)})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	st, err := cctx.Client(conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Handshake(); err != nil || !st.ECHAccepted() {
		t.Fatalf("after reload: %v, accepted %v", err, st.ECHAccepted())
	}
}

// FuzzParseECHConfigList: the parser never panics, and what it accepts
// re-encodes to the same bytes.
func FuzzParseECHConfigList(f *testing.F) {
	_, list, err := GenerateECHKey("public.example")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(list)
	f.Add([]byte{0, 0})
	f.Add([]byte{0, 4, 0xfe, 0x0a, 0, 0})
	f.Add(list[:len(list)-1])
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ParseECHConfigList(data)
		if err != nil {
			return
		}
		var raws [][]byte
		for i := range cs {
			_ = cs[i].usable()
			raws = append(raws, cs[i].Raw)
		}
		again, err := echConfigList(raws...)
		if err != nil || !bytes.Equal(again, data) {
			t.Errorf("re-encoded %x, want %x (%v)", again, data, err)
		}
		_, _ = parseECHKeys(pem.EncodeToMemory(&pem.Block{Type: "ECHCONFIG", Bytes: data}))
	})
}

// FuzzECHFiles: the ech-config file reader and the ech-keys parser never
// panic, and a key file they accept pairs every config with its key.
func FuzzECHFiles(f *testing.F) {
	keyFile, list, err := GenerateECHKey("public.example")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(keyFile)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "ECHCONFIG", Bytes: list}))
	f.Add([]byte(base64.StdEncoding.EncodeToString(list)))
	f.Add(list)
	f.Fuzz(func(t *testing.T, data []byte) {
		if l, err := echConfigFromFile(data); err == nil {
			_, _ = checkECHConfigList(l)
		}
		keys, err := parseECHKeys(data)
		if err != nil {
			return
		}
		for _, k := range keys {
			cs, err := ParseECHConfigList(append([]byte{byte(len(k.Config) >> 8), byte(len(k.Config))}, k.Config...))
			if err != nil || len(cs) != 1 || cs[0].usable() != "" || len(k.PrivateKey) != 32 {
				t.Errorf("accepted key %+v: %v", k, err)
			}
		}
	})
}

// The exported configs carry ECH too: ClientContext.TLSConfig against
// ServerContext.TLSConfig, both plain crypto/tls connections.
func TestECHExportedConfigs(t *testing.T) {
	t.Parallel()
	e := makeECHPKI(t)
	sctx, err := NewServerContext(e.serverSettings())
	if err != nil {
		t.Fatal(err)
	}
	cctx, err := NewClientContext(Settings{ServerName: "localhost", Verify: VerifyRequired, CAFile: e.caFile,
		ECHConfig: base64.StdEncoding.EncodeToString(e.list)})
	if err != nil {
		t.Fatal(err)
	}
	cc, sc := connPair(t, "tcp")
	c, s := tls.Client(cc, cctx.TLSConfig()), tls.Server(sc, sctx.TLSConfig())
	defer c.Close()
	defer s.Close()
	if cerr, serr := both(t, c.Handshake, s.Handshake); cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if !c.ConnectionState().ECHAccepted || !s.ConnectionState().ECHAccepted || s.ConnectionState().ServerName != "localhost" {
		t.Errorf("accepted %v/%v, server name %q", c.ConnectionState().ECHAccepted, s.ConnectionState().ECHAccepted, s.ConnectionState().ServerName)
	}
}
