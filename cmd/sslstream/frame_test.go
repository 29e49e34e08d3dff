package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream"
)

func TestFlagParsingInterspersed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args     []string
		pos      []string
		name     string
		echo     bool
		settings []setting
	}{
		{args: []string{"a", "--name", "x", "b"}, pos: []string{"a", "b"}, name: "x"},
		{args: []string{"--name=x", "a"}, pos: []string{"a"}, name: "x"},
		{args: []string{"-name", "x", "a", "-echo"}, pos: []string{"a"}, name: "x", echo: true},
		{args: []string{"a", "--echo=false"}, pos: []string{"a"}},
		{args: []string{"--echo", "--", "--name", "-x"}, pos: []string{"--name", "-x"}, echo: true},
		{args: []string{"--name", "--", "a"}, pos: []string{"a"}, name: "--"},
		{args: []string{"-", "--verify", "required"}, pos: []string{"-"}, settings: []setting{{"verify", "required"}}},
		{args: []string{"--prefer-server-cipher-order", "--ca-file=a.pem", "h:1", "--prefer-server-cipher-order=false"}, pos: []string{"h:1"},
			settings: []setting{{"prefer-server-cipher-order", "true"}, {"ca-file", "a.pem"}, {"prefer-server-cipher-order", "false"}}},
		// --flag value for booleans too, when the value is
		// literally true or false.
		{args: []string{"--prefer-server-cipher-order", "false", "h:1"}, pos: []string{"h:1"},
			settings: []setting{{"prefer-server-cipher-order", "false"}}},
		{args: []string{"h:1", "--prefer-server-cipher-order", "true", "--echo", "false", "b"}, pos: []string{"h:1", "b"},
			settings: []setting{{"prefer-server-cipher-order", "true"}}},
		{args: []string{"-echo", "true"}, echo: true},
		{args: []string{"--echo", "--", "false"}, pos: []string{"false"}, echo: true},
		{args: []string{"--echo=true", "false"}, pos: []string{"false"}, echo: true},
		{args: []string{"--echo", "no"}, pos: []string{"no"}, echo: true},
		{args: []string{"--name", "--echo", "false"}, pos: []string{"false"}, name: "--echo"},
	}
	for _, tt := range tests {
		fs := newFlagSet(&command{name: "t"})
		name := fs.String("name", "", "")
		echo := fs.Bool("echo", false, "")
		sf := fs.addSettings()
		pos, err := fs.parse(tt.args)
		if err != nil {
			t.Errorf("parse(%q): %v", tt.args, err)
			continue
		}
		if diff := cmp.Diff(tt.pos, pos); diff != "" {
			t.Errorf("parse(%q) positional (-want +got):\n%s", tt.args, diff)
		}
		if *name != tt.name || *echo != tt.echo {
			t.Errorf("parse(%q): name=%q echo=%v, want %q %v", tt.args, *name, *echo, tt.name, tt.echo)
		}
		if diff := cmp.Diff(tt.settings, sf.list, cmp.AllowUnexported(setting{})); diff != "" {
			t.Errorf("parse(%q) settings (-want +got):\n%s", tt.args, diff)
		}
	}
}

func TestFlagParsingErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--nope"},
		{"a", "--name"},
		{"--prefer-server-cipher-order=maybe"},
		{"--echo=2x"},
	} {
		fs := newFlagSet(&command{name: "t"})
		fs.String("name", "", "")
		fs.Bool("echo", false, "")
		fs.addSettings()
		if _, err := fs.parse(args); err == nil {
			t.Errorf("parse(%q) succeeded, want an error", args)
		}
	}
}

func TestMainHelpAndUnknownCommand(t *testing.T) {
	t.Parallel()
	r := ss(t)
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "Usage: sslstream COMMAND")

	r = ss(t, "help")
	wantCode(t, r, 0)
	for _, c := range []string{"client", "server", "verify", "ciphers", "rehash", "demo", "version"} {
		if !regexp.MustCompile(`(?m)^  ` + c + ` +\S`).MatchString(r.stdout) {
			t.Errorf("help does not list %s:\n%s", c, r.stdout)
		}
	}
	r = ss(t, "--help")
	wantCode(t, r, 0)

	r = ss(t, "frobnicate")
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, `unknown command "frobnicate"`)

	r = ss(t, "help", "frobnicate")
	wantCode(t, r, 1)
}

func TestEveryCommandHasHelp(t *testing.T) {
	t.Parallel()
	for _, c := range commands() {
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			r := ss(t, args...)
			wantCode(t, r, 0)
			wantContains(t, strings.Join(args, " "), r.stdout, "Usage: sslstream "+c.name)
			wantContains(t, strings.Join(args, " "), r.stdout, "Examples:")
			if r.stderr != "" {
				t.Errorf("%v wrote to stderr: %s", args, r.stderr)
			}
		}
	}
}

func TestBadFlagExitsOne(t *testing.T) {
	t.Parallel()
	for _, c := range commands() {
		r := ss(t, c.name, "--no-such-flag")
		wantCode(t, r, 1)
		wantContains(t, c.name+" stderr", r.stderr, "unknown flag --no-such-flag")
		wantContains(t, c.name+" stderr", r.stderr, "sslstream "+c.name+" --help")
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	r := ss(t, "version")
	wantCode(t, r, 0)
	if !regexp.MustCompile(`^sslstream \S.* go1\.\d+\S* \w+/\w+\n$`).MatchString(r.stdout) {
		t.Errorf("version line %q", r.stdout)
	}
	r = ss(t, "version", "extra")
	wantCode(t, r, 1)
	r = ss(t, "--version")
	wantCode(t, r, 0)
}

// TestSpecFlagNames pins the documented flag names: scripts depend on
// them to the letter.
func TestSpecFlagNames(t *testing.T) {
	t.Parallel()
	settings := []string{"--method", "--certificate", "--key", "--certificate-password", "--verify", "--max-depth",
		"--ca-file", "--ca-directory", "--ciphers", "--ciphersuites", "--crl-check", "--crl-file", "--server-name",
		"--prefer-server-cipher-order"}
	want := map[string][]string{
		"client":  append([]string{"--starttls", "--showcerts", "--reconnect", "--json"}, settings...),
		"server":  append([]string{"--listen", "--echo", "--reload-interval"}, settings...),
		"verify":  {"--ca-file", "--ca-directory", "--untrusted", "--crl-file", "--crl-check", "--max-depth", "--server-name", "--purpose", "--attime", "--x509-strict", "--json"},
		"ciphers": {"--method", "-v"},
		"rehash":  {},
		"demo":    {},
	}
	// Every setting of the library's registry is a flag of client and
	// server under its setting name.
	for _, info := range sslstream.SettingsInfo() {
		want["client"] = append(want["client"], "--"+info.Name)
		want["server"] = append(want["server"], "--"+info.Name)
	}
	for cmd, flags := range want {
		r := ss(t, cmd, "--help")
		wantCode(t, r, 0)
		for _, f := range flags {
			if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(f) + `( |$)`).MatchString(r.stdout) {
				t.Errorf("%s --help lacks flag %s", cmd, f)
			}
		}
	}
}
