package sslstream

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/hkdf"

	"github.com/sslstream/sslstream/internal/testproc"
)

// recordingConn keeps a copy of everything written to it.
type recordingConn struct {
	net.Conn
	mu      sync.Mutex
	written bytes.Buffer
}

func (r *recordingConn) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.written.Write(p)
	r.mu.Unlock()
	return r.Conn.Write(p)
}

func (r *recordingConn) bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.written.Bytes())
}

type tlsRecord struct {
	header []byte
	body   []byte
}

// records splits wire bytes into TLS records.
func records(b []byte) []tlsRecord {
	var out []tlsRecord
	for len(b) >= 5 {
		n := int(binary.BigEndian.Uint16(b[3:5]))
		if len(b) < 5+n {
			break
		}
		out = append(out, tlsRecord{header: b[:5], body: b[5 : 5+n]})
		b = b[5+n:]
	}
	return out
}

// clientRandom extracts the random of the ClientHello that starts wire.
func clientRandom(t *testing.T, wire []byte) string {
	t.Helper()
	// record header (5), handshake header (4), legacy version (2), random (32)
	if len(wire) < 43 || wire[0] != 22 || wire[5] != 1 {
		t.Fatalf("client's first bytes are not a ClientHello: % x", wire[:min(len(wire), 16)])
	}
	return hex.EncodeToString(wire[11:43])
}

type keyLogLine struct{ label, random, secret string }

// parseKeyLog checks the NSS key log format strictly: comments and blank
// lines allowed, else LABEL <64 hex> <hex secret> with a known label and a
// secret length that fits it.
func parseKeyLog(t *testing.T, data string) []keyLogLine {
	t.Helper()
	secretLen := map[string][]int{
		"CLIENT_RANDOM":                   {48},
		"CLIENT_HANDSHAKE_TRAFFIC_SECRET": {32, 48},
		"SERVER_HANDSHAKE_TRAFFIC_SECRET": {32, 48},
		"CLIENT_TRAFFIC_SECRET_0":         {32, 48},
		"SERVER_TRAFFIC_SECRET_0":         {32, 48},
	}
	var out []keyLogLine
	for i, line := range strings.Split(data, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, " ")
		if len(f) != 3 {
			t.Fatalf("key log line %d %q: want 3 space-separated fields", i+1, line)
		}
		lens, ok := secretLen[f[0]]
		if !ok {
			t.Fatalf("key log line %d: unknown label %q", i+1, f[0])
		}
		r, err1 := hex.DecodeString(f[1])
		s, err2 := hex.DecodeString(f[2])
		if err1 != nil || err2 != nil || len(r) != 32 || f[1] != strings.ToLower(f[1]) {
			t.Fatalf("key log line %d %q: bad client random or secret", i+1, line)
		}
		if len(s) != lens[0] && (len(lens) == 1 || len(s) != lens[1]) {
			t.Fatalf("key log line %d: %s secret of %d bytes", i+1, f[0], len(s))
		}
		out = append(out, keyLogLine{f[0], f[1], f[2]})
	}
	return out
}

// hkdfExpandLabel is TLS 1.3's HKDF-Expand-Label with an empty context.
func hkdfExpandLabel(secret []byte, label string, n int) []byte {
	full := "tls13 " + label
	info := []byte{byte(n >> 8), byte(n), byte(len(full))}
	info = append(info, full...)
	info = append(info, 0)
	out := make([]byte, n)
	if _, err := io.ReadFull(hkdf.Expand(sha256.New, secret, info), out); err != nil {
		panic(err)
	}
	return out
}

// decrypt13 opens a TLS 1.3 AES-128-GCM record with sequence number seq.
func decrypt13(secret []byte, rec tlsRecord, seq uint64) ([]byte, error) {
	key, iv := hkdfExpandLabel(secret, "key", 16), hkdfExpandLabel(secret, "iv", 12)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	nonce := bytes.Clone(iv)
	for i := 0; i < 8; i++ {
		nonce[11-i] ^= byte(seq >> (8 * i))
	}
	return aead.Open(nil, nonce, rec.body, rec.header)
}

func TestKeyLogMatchesHandshake(t *testing.T) {
	t.Parallel()
	p := pki(t)
	for _, method := range []string{"tlsv1.2", "tlsv1.3"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			var clientLog, serverLog testproc.Buffer
			fileLog := filepath.Join(t.TempDir(), "keys.log")
			cs := Settings{CAFile: p.caFile, ServerName: "localhost", Method: method,
				Ciphersuites: "TLS_AES_128_GCM_SHA256", KeyLogWriter: &clientLog, KeyLog: fileLog}
			ss := p.serverSettings()
			ss.KeyLogWriter = &serverLog
			cc, sc := connPair(t, "tcp")
			rec := &recordingConn{Conn: cc}
			cctx, err := NewClientContext(cs)
			if err != nil {
				t.Fatal(err)
			}
			c, err := cctx.Client(rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Server(sc, ss)
			if err != nil {
				t.Fatal(err)
			}
			cerr, serr := both(t, func() error {
				if _, err := c.Write([]byte("ping\n")); err != nil {
					return err
				}
				buf := make([]byte, 5)
				_, err := io.ReadFull(c, buf)
				return err
			}, func() error { return echoOnce(s, 5) })
			if cerr != nil || serr != nil {
				t.Fatal(cerr, serr)
			}
			c.Close()
			s.Close()
			random := clientRandom(t, rec.bytes())
			lines := parseKeyLog(t, clientLog.String())
			want := 1
			if method == "tlsv1.3" {
				want = 4
			}
			if len(lines) != want {
				t.Fatalf("client key log has %d lines, want %d:\n%s", len(lines), want, clientLog.String())
			}
			for _, l := range lines {
				if l.random != random {
					t.Errorf("%s line: client random %s, handshake's %s", l.label, l.random, random)
				}
			}
			if serverLog.String() != clientLog.String() {
				t.Errorf("server and client key logs differ:\n%s\n%s", serverLog.String(), clientLog.String())
			}
			fi, err := os.Stat(fileLog)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("key log file mode %v, want 0600", fi.Mode().Perm())
			}
			data, _ := os.ReadFile(fileLog)
			if string(data) != clientLog.String() {
				t.Errorf("key log file differs from the writer's copy:\n%s", data)
			}
			if method != "tlsv1.3" {
				return
			}
			// The log is usable without OpenSSL: CLIENT_TRAFFIC_SECRET_0
			// decrypts the client's first application data record.
			var secret []byte
			for _, l := range lines {
				if l.label == "CLIENT_TRAFFIC_SECRET_0" {
					secret, _ = hex.DecodeString(l.secret)
				}
			}
			found := false
			for _, r := range records(rec.bytes()) {
				if r.header[0] != 23 {
					continue
				}
				if pt, err := decrypt13(secret, r, 0); err == nil {
					found = bytes.Equal(pt, []byte("ping\n\x17"))
					if !found {
						t.Errorf("decrypted %q, want ping and content type 23", pt)
					}
					break
				}
			}
			if !found {
				t.Error("no client record decrypts with the logged CLIENT_TRAFFIC_SECRET_0")
			}
		})
	}
}

func TestKeyLogFromEnvIsOptIn(t *testing.T) {
	// Not parallel: it sets the environment.
	p := pki(t)
	path := filepath.Join(t.TempDir(), "env-keys.log")
	t.Setenv("SSLKEYLOGFILE", path)
	for _, optIn := range []bool{false, true} {
		cs := Settings{CAFile: p.caFile, ServerName: "localhost", KeyLogFromEnv: optIn}
		c, s := pairStreams(t, "tcp", cs, p.serverSettings())
		cerr, serr := both(t, c.Handshake, s.Handshake)
		if cerr != nil || serr != nil {
			t.Fatal(cerr, serr)
		}
		data, err := os.ReadFile(path)
		switch {
		case !optIn && !errors.Is(err, os.ErrNotExist):
			t.Fatalf("SSLKEYLOGFILE written without keylog-from-env: %v %q", err, data)
		case optIn && (err != nil || len(parseKeyLog(t, string(data))) != 4):
			t.Fatalf("keylog-from-env: %v %q", err, data)
		}
	}
	var s Settings
	if err := s.Set("keylog-from-env", "yes"); err != nil || !s.KeyLogFromEnv {
		t.Errorf("keylog-from-env: %v", err)
	}
	if err := s.Set("keylog", path); err != nil || s.KeyLog != path {
		t.Errorf("keylog: %v", err)
	}
	if _, err := NewClientContext(Settings{KeyLog: filepath.Join(t.TempDir(), "no", "such", "dir")}); err == nil || !strings.Contains(err.Error(), "keylog") {
		t.Errorf("unwritable key log: %v", err)
	}
}

func TestHandshakeTrace(t *testing.T) {
	t.Parallel()
	p := pki(t)
	var clog, slogBuf testproc.Buffer
	cs := Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired, Certificate: p.clientCert, Key: p.clientKey,
		ALPN: []string{"h2"}, TraceLogger: slog.New(slog.NewJSONHandler(&clog, nil))}
	ss := p.serverSettings()
	ss.CAFile, ss.Verify, ss.ALPN = p.caFile, VerifyRequired, []string{"h2"}
	ss.TraceLogger = slog.New(slog.NewJSONHandler(&slogBuf, nil))
	c, s := pairStreams(t, "tcp", cs, ss)
	cerr, serr := both(t, c.Handshake, s.Handshake)
	if cerr != nil || serr != nil {
		t.Fatal(cerr, serr)
	}
	c.Handshake() // a second call adds nothing
	parse := func(out string) []map[string]any {
		var recs []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("trace line %q: %v", line, err)
			}
			recs = append(recs, m)
		}
		return recs
	}
	check := func(role string, recs []map[string]any, msgs []string) {
		t.Helper()
		var got []string
		last := -1.0
		phases := recs[:0:0]
		for _, r := range recs {
			if r["msg"] == "tls message" {
				continue
			}
			phases = append(phases, r)
			got = append(got, r["msg"].(string))
			if r["role"] != role {
				t.Errorf("%s record with role %v", role, r["role"])
			}
			e, _ := r["elapsed"].(float64)
			if e < last {
				t.Errorf("%s: elapsed goes back: %v", role, recs)
			}
			last = e
		}
		if strings.Join(got, "|") != strings.Join(msgs, "|") {
			t.Errorf("%s trace:\n%v\nwant\n%v", role, got, msgs)
		}
		done := phases[len(phases)-1]
		if done["version"] != "TLSv1.3" || done["alpn"] != "h2" || done["resumed"] != false || done["verify_result"] != 0.0 || done["cipher"] == "" {
			t.Errorf("%s done record %v", role, done)
		}
	}
	byMsg := func(recs []map[string]any, msg string) map[string]any {
		for _, r := range recs {
			if r["msg"] == msg {
				return r
			}
		}
		return nil
	}
	// wire lists the "tls message" records as "dir type".
	wire := func(recs []map[string]any) string {
		var w []string
		for _, r := range recs {
			if r["msg"] == "tls message" {
				w = append(w, fmt.Sprint(r["dir"], " ", r["type"]))
			}
		}
		return strings.Join(w, ", ")
	}
	cr := parse(clog.String())
	check("client", cr, []string{"tls handshake start", "tls peer certificate verified", "tls handshake done"})
	if byMsg(cr, "tls handshake start")["server_name"] != "localhost" || byMsg(cr, "tls peer certificate verified")["subject"] != "CN = localhost" ||
		byMsg(cr, "tls peer certificate verified")["trust"] == nil {
		t.Errorf("client records %v", cr)
	}
	// TLS 1.3: the hellos in clear, then encrypted records.
	if w := wire(cr); !strings.HasPrefix(w, "sent ClientHello, received ServerHello, ") || !strings.Contains(w, "received encrypted ApplicationData record") ||
		!strings.Contains(w, "sent encrypted ApplicationData record") {
		t.Errorf("client wire trace: %s", w)
	}
	sr := parse(slogBuf.String())
	check("server", sr, []string{"tls handshake start", "tls ClientHello received", "tls certificate chosen", "tls peer certificate verified", "tls handshake done"})
	if byMsg(sr, "tls ClientHello received")["server_name"] != "localhost" || byMsg(sr, "tls certificate chosen")["subject"] != "CN = localhost" ||
		byMsg(sr, "tls peer certificate verified")["subject"] != "CN = client.example" {
		t.Errorf("server records %v", sr)
	}
	if w := wire(sr); !strings.HasPrefix(w, "received ClientHello, sent ServerHello, ") {
		t.Errorf("server wire trace: %s", w)
	}

	// TLS 1.2: every handshake message up to ChangeCipherSpec by name.
	var l12 testproc.Buffer
	cs12 := Settings{CAFile: p.caFile, ServerName: "localhost", Method: "tlsv1.2", TraceLogger: slog.New(slog.NewJSONHandler(&l12, nil))}
	c12, s12 := pairStreams(t, "tcp", cs12, p.serverSettings())
	if cerr, serr := both(t, c12.Handshake, s12.Handshake); cerr != nil || serr != nil {
		t.Fatal(cerr, serr)
	}
	want12 := "sent ClientHello, received ServerHello, received Certificate, received ServerKeyExchange, received ServerHelloDone, " +
		"sent ClientKeyExchange, sent ChangeCipherSpec, sent encrypted Handshake record, received ChangeCipherSpec, received encrypted Handshake record"
	if w := wire(parse(l12.String())); w != want12 {
		t.Errorf("TLS 1.2 client wire trace:\n%s\nwant\n%s", w, want12)
	}

	// A failed handshake ends with a failure record.
	var flog testproc.Buffer
	cs2 := Settings{CAFile: p.otherCAFile, ServerName: "localhost", Verify: VerifyRequired,
		TraceLogger: slog.New(slog.NewJSONHandler(&flog, nil))}
	c2, s2 := pairStreams(t, "tcp", cs2, p.serverSettings())
	both(t, c2.Handshake, s2.Handshake)
	fr := parse(flog.String())
	if last := fr[len(fr)-1]; last["msg"] != "tls handshake failed" || !strings.Contains(last["error"].(string), "certificate verify failed") {
		t.Errorf("failure trace %v", fr)
	}
	var st Settings
	if err := st.Set("trace", "on"); err != nil || !st.Trace {
		t.Errorf("trace setting: %v", err)
	}
}
