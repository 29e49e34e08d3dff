package hostile

import (
	"strings"
	"testing"
	"unicode"
)

// TestErrorsHaveNoControlCharacters: names from a peer's certificate end up
// in error texts (verify hints); a hostile certificate must not be able to
// put NULs or line breaks into log lines through them.
func TestErrorsHaveNoControlCharacters(t *testing.T) {
	t.Parallel()
	p := pki(t)
	for _, name := range []string{"localhost\x00.evil.example", "localhost\n2026-01-01 INFO forged log line"} {
		leaf, err := p.inter.Leaf(name)
		if err != nil {
			t.Fatal(err)
		}
		err = clientAgainst([][]byte{leaf.DER(), p.inter.DER()}, leaf.Key, nil)(t)
		if err == nil {
			t.Fatalf("%q: handshake succeeded", name)
		}
		msg := err.Error()
		if i := strings.IndexFunc(msg, func(r rune) bool { return unicode.IsControl(r) }); i >= 0 {
			t.Errorf("%q: control character %q at %d of the error text: %q", name, msg[i], i, msg)
		}
	}
}
