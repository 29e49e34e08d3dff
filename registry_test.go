package sslstream

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's settings table from the registry")

// readmeTable renders the registry as the README's settings table.
func readmeTable() string {
	var b strings.Builder
	b.WriteString("| setting | values | default | per connection |\n|---|---|---|---|\n")
	for _, info := range SettingsInfo() {
		per := "no"
		if info.Overridable {
			per = "yes"
		}
		b.WriteString("| `" + info.Name + "` | " + info.Values + " | " + info.Default + " | " + per + " |\n")
	}
	return b.String()
}

// TestReadmeSettingsTableMatchesRegistry keeps the README's table of
// settings equal to the registry: every name, its values, its default and
// whether a connection may override it. Run with -update-readme to rewrite
// the table after changing the registry.
func TestReadmeSettingsTableMatchesRegistry(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	const head = "| setting | values | default | per connection |\n"
	start := strings.Index(readme, head)
	if start < 0 {
		t.Fatalf("README.md has no settings table starting %q", head)
	}
	end := start
	for _, line := range strings.SplitAfter(readme[start:], "\n") {
		if !strings.HasPrefix(line, "|") {
			break
		}
		end += len(line)
	}
	got, want := readme[start:end], readmeTable()
	if got == want {
		return
	}
	if *updateReadme {
		if err := os.WriteFile("README.md", []byte(readme[:start]+want+readme[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(gl), len(wl)); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Errorf("README settings table line %d:\n got: %s\nwant: %s", i+1, g, w)
		}
	}
	t.Log("run go test -run TestReadmeSettingsTableMatchesRegistry -update-readme . to rewrite it")
}
