package main

import (
	"strings"
	"testing"
)

// FuzzFlagParse: any argument list parses or fails cleanly, and every
// argument ends up as a positional, a flag or a flag's value.
func FuzzFlagParse(f *testing.F) {
	f.Add("a\x00--verify\x00required\x00b")
	f.Add("--\x00--x")
	f.Add("--prefer-server-cipher-order=false\x00h:1\x00--max-depth=3")
	f.Add("-v\x00--name\x00--")
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		fs := newFlagSet(&command{name: "fuzz"})
		fs.String("name", "", "")
		fs.Bool("v", false, "")
		fs.addSettings()
		pos, err := fs.parse(args)
		if err != nil {
			return
		}
		if len(pos) > len(args) {
			t.Fatalf("parse(%q) returned %d positionals from %d args", args, len(pos), len(args))
		}
	})
}
