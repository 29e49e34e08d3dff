package main

import (
	"strings"
	"testing"
)

// TestLayoutNamesWhatTheBuildLinked: "serverload layout" prints
// "default" for a build without layout_* tags, the packages a tag linked
// in otherwise, and refuses arguments.
func TestLayoutNamesWhatTheBuildLinked(t *testing.T) {
	var out strings.Builder
	if err := layoutMode(nil, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(out.String())
	if len(layoutLinked) == 0 {
		if len(lines) != 1 || lines[0] != "default" {
			t.Errorf("default build prints %q, want default", lines)
		}
	} else if len(lines) != len(layoutLinked) {
		t.Errorf("prints %q for %d linked packages", lines, len(layoutLinked))
	}
	if err := layoutMode([]string{"x"}, &out); err == nil || !strings.Contains(err.Error(), "no arguments") {
		t.Errorf("layout x: %v", err)
	}
}
