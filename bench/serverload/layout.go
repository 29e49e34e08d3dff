package main

import (
	"fmt"
	"io"
	"sort"
)

// What a server costs in CPU depends on more than its code: the same
// crypto/tls server, built into binaries that link different packages
// besides, differs by 5-18 % per handshake on the machines we
// measure on, because the linker places the hot code and tables of
// crypto/internal/fips140 elsewhere (docs/PERFORMANCE.md, "The layout
// term"). scripts/bench therefore also builds serverload with the build
// tags layout_nethttp and layout_text, which link more of the standard
// library into the same program, and runs the plain server from each
// build side by side: the spread of its three builds is the noise floor
// of any comparison between two binaries.

// layoutLinked names the packages a layout_* build tag linked in, each
// with one of its functions kept reachable (an init stores it here).
var layoutLinked = map[string]any{}

// layoutMode is "serverload layout": it prints to w the packages the
// build's layout_* tags linked in, one per line ("default" when none).
func layoutMode(args []string, w io.Writer) error {
	if len(args) != 0 {
		return fmt.Errorf("layout takes no arguments")
	}
	names := make([]string, 0, len(layoutLinked))
	for n := range layoutLinked {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		names = []string{"default"}
	}
	for _, n := range names {
		fmt.Fprintln(w, n)
	}
	return nil
}
