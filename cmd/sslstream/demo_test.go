package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDemo runs the README's first command: exit 0, at least ten case rows,
// every one marked ok, and the cases the issue lists present.
func TestDemo(t *testing.T) {
	t.Parallel()
	r := ss(t, "demo")
	wantCode(t, r, 0)
	rowRe := regexp.MustCompile(`(?m)^(\d+) +(.+?) {2,}.* (\S+)$`)
	rows := rowRe.FindAllStringSubmatch(r.stdout, -1)
	if len(rows) < 10 {
		t.Fatalf("%d case rows, want at least 10:\n%s", len(rows), r.stdout)
	}
	for _, row := range rows {
		if row[3] != "ok" {
			t.Errorf("case %s (%s) did not match: %s", row[1], row[2], row[0])
		}
	}
	for _, want := range []string{
		"trusted chain", "expired certificate", "18 (self-signed certificate)", "20 (unable to get local issuer certificate)",
		"62 (hostname mismatch)", "23 (certificate revoked)", "client cert required, missing", "client cert required, sent",
		"server cipher preference", "22 (certificate chain too long)",
	} {
		wantContains(t, "demo table", r.stdout, want)
	}
	wantContains(t, "demo", r.stdout, "cases came out as expected")
	if strings.Contains(r.stdout, "\033[") || strings.Contains(r.stderr, "\033[") {
		t.Errorf("colour codes in output that is not a terminal")
	}
	r = ss(t, "demo", "-v")
	wantCode(t, r, 0)
	wantContains(t, "demo -v", r.stdout, "hint: ")
	wantContains(t, "demo -v", r.stdout, "negotiated: TLSv1.2 ECDHE-ECDSA-CHACHA20-POLY1305")
	wantCode(t, ss(t, "demo", "extra"), 1)
}

// TestDemoDetectsMismatch runs the cases in-process with wrong expectations:
// each must be reported as a mismatch (the table is not a rubber stamp).
func TestDemoDetectsMismatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files, err := makeDemoPKI(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, dc := range demoCases(files) {
		o, err := runDemoCase(context.Background(), dc)
		if err != nil {
			t.Fatalf("%s: %v", dc.name, err)
		}
		if !o.matches(dc) {
			t.Errorf("%s: %+v does not match its expectation", dc.name, o)
		}
		wrong := dc
		wrong.connect = !dc.connect
		if o.matches(wrong) {
			t.Errorf("%s: outcome matches the opposite expectation", dc.name)
		}
		wrong = dc
		wrong.code = dc.code + 1
		if o.matches(wrong) {
			t.Errorf("%s: outcome matches a wrong verify code", dc.name)
		}
		if dc.cipher != "" {
			wrong = dc
			wrong.cipher = "AES128-SHA"
			if o.matches(wrong) {
				t.Errorf("%s: outcome matches a wrong cipher", dc.name)
			}
		}
	}
	// The whole run in-process (goroutines checked by goleak in TestMain).
	var out, errb bytes.Buffer
	e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	if code := report(e, demoCommand(), runDemo(e, false)); code != 0 {
		t.Fatalf("in-process demo exit %d:\n%s%s", code, out.String(), errb.String())
	}
	// A table with a case expecting the wrong outcome exits 1 and says so.
	cases := demoCases(files)[:2]
	cases[1].code = 0
	out.Reset()
	if code := report(e, demoCommand(), runDemoTable(e, cases, false, time.Now())); code != 1 {
		t.Errorf("demo with a wrong expectation exit %d, want 1:\n%s", code, out.String())
	}
	wantContains(t, "table", out.String(), "MISMATCH")
	wantContains(t, "table", out.String(), "1 of 2 cases did NOT come out as expected")
}

// TestDemoOnTerminal runs the demo under script(1), which gives it a
// terminal: then, and only then, progress and colour appear.
func TestDemoOnTerminal(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script(1) not available to provide a terminal")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qec", binPath+" demo", "/dev/null")
	cmd.Env = append(os.Environ(), "TERM=xterm")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("script: %v\n%s", err, out.String())
	}
	got := out.String()
	wantContains(t, "terminal output", got, "running case 1/")
	wantContains(t, "terminal output", got, "\033[32mok\033[0m")
	if strings.Contains(got, "MISMATCH") {
		t.Errorf("a case did not match:\n%s", got)
	}
}
