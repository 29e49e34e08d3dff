package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestInstructionsCountsRepeatably: instructions counts the same work the
// same, run after run (what makes it a measure beside CPU time on a shared
// machine), and counts a resumed TLS 1.2 handshake, which makes neither a
// key exchange nor a signature, as much less work than a full one.
func TestInstructionsCountsRepeatably(t *testing.T) {
	if _, err := exec.LookPath("valgrind"); err != nil {
		t.Skip("valgrind is not installed (Debian package valgrind): serverload instructions needs it")
	}
	if testing.Short() {
		t.Skip("runs a server under valgrind: not in -short")
	}
	dir := t.TempDir()
	if err := writePKI([]string{dir}); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "serverload")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	count := func(version string, resume bool) float64 {
		t.Helper()
		args := []string{"--dir", dir, "--n", "40", "--warmup", "10", "--version", version}
		if resume {
			args = append(args, "--resume")
		}
		args = append(args, "--", bin, "plain-server", "--dir", dir, "--loop", "small")
		var out bytes.Buffer
		if err := instructions(args, &out); err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(out.String())
		if len(f) < 2 || f[0] != "instructions-per-handshake" {
			t.Fatalf("instructions printed %q", out.String())
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			t.Fatalf("instructions printed %q: %v", out.String(), err)
		}
		return v
	}
	full1, full2 := count("1.3", false), count("1.3", false)
	full12, resumed12 := count("1.2", false), count("1.2", true)
	t.Logf("instructions per handshake: TLS 1.3 full %.0f and %.0f; TLS 1.2 full %.0f, resumed %.0f", full1, full2, full12, resumed12)
	// An ECDSA P-256 signature and an X25519 key exchange alone are
	// several hundred thousand instructions.
	if full1 < 300e3 {
		t.Errorf("a full handshake counted as %.0f instructions: too few to be one", full1)
	}
	if d := full1/full2 - 1; d > 0.03 || d < -0.03 {
		t.Errorf("the same handshakes counted %.0f and %.0f instructions: %.1f %% apart, want within 3 %%", full1, full2, 100*d)
	}
	// A resumed TLS 1.2 session has neither a key exchange nor a signature.
	if resumed12 > 0.5*full12 {
		t.Errorf("a resumed TLS 1.2 handshake counted %.0f instructions, a full one %.0f: want under half", resumed12, full12)
	}
}

// TestInstructionsNeedsACommand: without the server's command, or with
// counts that are not positive, instructions says what is missing.
func TestInstructionsNeedsACommand(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--dir", "x"}, "the server's command"},
		{[]string{"--n", "0", "--", "true"}, "--n, --parallel and --parts must be positive"},
		{[]string{"--n", "2", "--parts", "3", "--", "true"}, "--parts at most --n"},
	} {
		err := instructions(c.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("instructions(%q) = %v, want an error with %q", c.args, err, c.want)
		}
	}
}
