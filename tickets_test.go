package sslstream

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"
)

func randomKeyLine(t *testing.T) string {
	t.Helper()
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// resumesAt connects twice with a fresh client cache, first to from and
// then to to, and reports whether the second connection resumed.
func resumesAt(t *testing.T, from, to *ServerContext, method string) bool {
	t.Helper()
	p := pki(t)
	cctx, err := NewClientContext(Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired, SessionTickets: new(true), Method: method})
	if err != nil {
		t.Fatal(err)
	}
	a, resA := featureServe(t, from, 1, nil)
	if _, err := featureDial(t, cctx, a, nil); err != nil {
		t.Fatal(err)
	}
	if r := <-resA; r.err != nil || r.resumed {
		t.Fatalf("first connection: %v resumed %v", r.err, r.resumed)
	}
	b, resB := featureServe(t, to, 1, nil)
	c, err := featureDial(t, cctx, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := <-resB
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.resumed != c.Resumed() {
		t.Errorf("server resumed %v, client %v", r.resumed, c.Resumed())
	}
	return r.resumed
}

func serverWithKeys(t *testing.T, file string, lifetime time.Duration) *ServerContext {
	t.Helper()
	ss := pki(t).serverSettings()
	ss.SessionTicketKeys, ss.SessionTicketLifetime = file, lifetime
	sctx, err := NewServerContext(ss)
	if err != nil {
		t.Fatal(err)
	}
	return sctx
}

// Two servers sharing a key file resume each other's sessions; a server
// with other keys does not; an older key listed after the newest still
// opens tickets.
func TestSessionTicketKeysSharedAcrossServers(t *testing.T) {
	t.Parallel()
	k1, k2 := randomKeyLine(t), randomKeyLine(t)
	shared := writeTemp(t, "keys", []byte("# fleet keys, newest first\n"+k1+"\n\n"+k2+"\n"))
	other := writeTemp(t, "other", []byte(randomKeyLine(t)+"\n"))
	rotated := writeTemp(t, "rotated", []byte(randomKeyLine(t)+"\n"+k1+"\n"))
	for _, method := range []string{"tlsv1.2", "tlsv1.3"} {
		a, b := serverWithKeys(t, shared, 0), serverWithKeys(t, shared, 0)
		if !resumesAt(t, a, b, method) {
			t.Errorf("%s: a session from server A did not resume at server B (same key file)", method)
		}
		if resumesAt(t, a, serverWithKeys(t, other, 0), method) {
			t.Errorf("%s: resumed at a server with other keys", method)
		}
		if !resumesAt(t, a, serverWithKeys(t, rotated, 0), method) {
			t.Errorf("%s: a server whose file lists the old key second did not resume", method)
		}
		// Two contexts without a key file: each has its own keys.
		if resumesAt(t, serverWithKeys(t, "", 0), serverWithKeys(t, "", 0), method) {
			t.Errorf("%s: resumed across contexts with their own keys", method)
		}
	}
}

// Reload re-reads the key file: once the old key is gone, its tickets no
// longer resume; while listed second, they do.
func TestSessionTicketKeysReload(t *testing.T) {
	t.Parallel()
	k1, k2 := randomKeyLine(t), randomKeyLine(t)
	file := writeTemp(t, "keys", []byte(k1+"\n"))
	sctx := serverWithKeys(t, file, 0)
	issuer := serverWithKeys(t, writeTemp(t, "k1", []byte(k1+"\n")), 0)
	if err := os.WriteFile(file, []byte(k2+"\n"+k1+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := sctx.Reload(); err != nil {
		t.Fatal(err)
	}
	if !resumesAt(t, issuer, sctx, "tlsv1.3") {
		t.Error("old key listed second after reload: not resumed")
	}
	if err := os.WriteFile(file, []byte(k2+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := sctx.Reload(); err != nil {
		t.Fatal(err)
	}
	if resumesAt(t, issuer, sctx, "tlsv1.3") {
		t.Error("old key removed: still resumed")
	}
}

func TestSessionTicketSettings(t *testing.T) {
	t.Parallel()
	var s Settings
	for in, want := range map[string]time.Duration{"7200": 2 * time.Hour, "90m": 90 * time.Minute, "1": time.Second} {
		if err := s.Set("session-ticket-lifetime", in); err != nil || s.SessionTicketLifetime != want {
			t.Errorf("lifetime %q: %v %v", in, s.SessionTicketLifetime, err)
		}
	}
	for _, bad := range []string{"0", "-5", "10ms", "soon"} {
		if err := s.Set("session-ticket-lifetime", bad); err == nil || !strings.Contains(err.Error(), "session-ticket-lifetime") {
			t.Errorf("lifetime %q: %v", bad, err)
		}
	}
	ss := pki(t).serverSettings()
	for name, content := range map[string]string{"empty": "# nothing\n", "short": "abcd\n", "bad hex": strings.Repeat("zz", 32) + "\n"} {
		ss.SessionTicketKeys = writeTemp(t, "keys", []byte(content))
		_, err := NewServerContext(ss)
		if err == nil || !strings.Contains(err.Error(), "session-ticket-keys") || !strings.Contains(err.Error(), ss.SessionTicketKeys) {
			t.Errorf("%s key file: %v", name, err)
		}
	}
	ss.SessionTicketKeys = writeTemp(t, "keys", []byte("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"))
	if _, err := NewServerContext(ss); err != nil {
		t.Errorf("base64 key: %v", err)
	}
}

// The context's own keys rotate every lifetime and keep the previous key
// for opening while its tickets may be valid; a ticket past the lifetime
// of its full handshake does not resume.
func TestSessionTicketRotationAndLifetime(t *testing.T) {
	t.Parallel()
	tk, err := newTicketKeys("")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	tk.now = func() time.Time { return now }
	life := time.Hour
	t1, err := tk.seal(now, []byte("state one"), life)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(life + time.Minute) // rotation
	t2, _ := tk.seal(now, []byte("state two"), life)
	if bytes.Equal(t1[:16], t2[:16]) {
		t.Error("key not rotated after a lifetime")
	}
	if _, st, ok := tk.open(t1); !ok || string(st) != "state one" {
		t.Error("the previous key no longer opens its ticket")
	}
	now = now.Add(life) // the first key made two lifetimes ago: dropped at the next seal
	tk.seal(now, []byte("state three"), life)
	if _, _, ok := tk.open(t1); ok {
		t.Error("a key older than two lifetimes still opens tickets")
	}
	if _, _, ok := tk.open(t2); !ok {
		t.Error("the previous key was dropped too early")
	}
	forged := bytes.Clone(t2)
	forged[len(forged)-1] ^= 1
	if _, _, ok := tk.open(forged); ok {
		t.Error("a forged ticket opened")
	}

	// End to end: a session resumes within the lifetime of its full
	// handshake, also from a ticket issued on a resumed connection, and
	// not after it.
	for _, method := range []string{"tlsv1.2", "tlsv1.3"} {
		sctx := serverWithKeys(t, "", 2*time.Hour)
		keys := sctx.cfg().tickets
		shift := func(d time.Duration) {
			keys.mu.Lock()
			keys.now = func() time.Time { return time.Now().Add(d) }
			keys.mu.Unlock()
		}
		p := pki(t)
		cctx, _ := NewClientContext(Settings{CAFile: p.caFile, ServerName: "localhost", SessionTickets: new(true), Method: method})
		addr, res := featureServe(t, sctx, 3, nil)
		before := time.Now().Add(-time.Second)
		featureDial(t, cctx, addr, nil)
		if r := <-res; !r.sessionStart.IsZero() || r.ticketExpired {
			t.Errorf("%s: full handshake: SessionStart %v, TicketExpired %v", method, r.sessionStart, r.ticketExpired)
		}
		after := time.Now().Add(time.Second)
		shift(time.Hour)
		c, _ := featureDial(t, cctx, addr, nil)
		r := <-res
		if !r.resumed || !c.Resumed() {
			t.Errorf("%s: not resumed an hour later (lifetime 2h)", method)
		}
		if r.sessionStart.Before(before) || r.sessionStart.After(after) || r.ticketExpired {
			t.Errorf("%s: resumed: SessionStart %v, want the full handshake's time (%v..%v); TicketExpired %v", method, r.sessionStart, before, after, r.ticketExpired)
		}
		shift(2*time.Hour + time.Minute)
		c, _ = featureDial(t, cctx, addr, nil)
		if r := <-res; r.resumed || c.Resumed() || !r.ticketExpired || !r.sessionStart.IsZero() {
			t.Errorf("%s: 2h01m after the full handshake (lifetime 2h): resumed %v, TicketExpired %v, SessionStart %v", method, r.resumed, r.ticketExpired, r.sessionStart)
		}
	}
}

// Watch looks at the key file too.
func TestSessionTicketKeysWatched(t *testing.T) {
	t.Parallel()
	file := writeTemp(t, "keys", []byte(randomKeyLine(t)+"\n"))
	sctx := serverWithKeys(t, file, 0)
	files, _ := sctx.watchedFiles()
	found := false
	for _, f := range files {
		found = found || f == file
	}
	if !found {
		t.Errorf("watched files %q lack the key file", files)
	}
	if f, n, life := sctx.SessionTickets(); f != file || n != 1 || life != DefaultSessionTicketLifetime {
		t.Errorf("SessionTickets() = %q %d %v", f, n, life)
	}
}
