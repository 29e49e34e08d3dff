package dercheck

import (
	"encoding/asn1"
	"math/big"
	"testing"
)

func TestValidOID(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		want bool
	}{
		{[]byte{0x2a, 0x03, 0x04}, true},              // 1.2.3.4
		{[]byte{0x2a, 0x86, 0x48, 0x86, 0xf7}, false}, // ends inside a sub-identifier
		{[]byte{0x2a, 0x86, 0x48}, true},              // 1.2.840
		{[]byte{0x2a, 0x80, 0x01}, false},             // padded sub-identifier
		{[]byte{0x80, 0x01}, false},                   // padded first sub-identifier
		{nil, false},
		{[]byte{0x00}, true}, // 0.0
	} {
		if got := ValidOID(c.b); got != c.want {
			t.Errorf("ValidOID(% x) = %v, want %v", c.b, got, c.want)
		}
	}
}

// TestValidOIDAgainstEncodingASN1: every OID encoding/asn1 writes is
// valid, and what encoding/asn1 refuses to parse for padding is not.
func TestValidOIDAgainstEncodingASN1(t *testing.T) {
	for _, oid := range []asn1.ObjectIdentifier{{1, 2}, {1, 2, 840, 113549, 1, 1, 11}, {2, 5, 29, 32, 0}, {1, 3, 6, 1, 4, 1, 311, 21, 20}, {2, 999, 1 << 28}} {
		enc, err := asn1.Marshal(oid)
		if err != nil {
			t.Fatal(err)
		}
		if !ValidOID(enc[2:]) {
			t.Errorf("%v (% x): not valid", oid, enc[2:])
		}
		// The first sub-identifier padded with a leading 0x80.
		padded := append([]byte{enc[0], enc[1] + 1, 0x80}, enc[2:]...)
		var back asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(padded, &back); err == nil {
			t.Fatalf("encoding/asn1 took the padded % x", padded)
		}
		if ValidOID(padded[2:]) {
			t.Errorf("padded % x: valid", padded[2:])
		}
		// Cut inside the last sub-identifier, when it has two octets.
		if n := len(enc); n > 3 && enc[n-2]&0x80 != 0 {
			if ValidOID(enc[2 : n-1]) {
				t.Errorf("cut % x: valid", enc[2:n-1])
			}
		}
	}
}

// TestMinimalIntegerAgainstEncodingASN1: the minimal encodings
// encoding/asn1 writes are minimal, and each with one more padding octet
// is not.
func TestMinimalIntegerAgainstEncodingASN1(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 127, 128, -128, -129, 255, 256, 1 << 40, -(1 << 40)} {
		enc, err := asn1.Marshal(big.NewInt(v))
		if err != nil {
			t.Fatal(err)
		}
		content := enc[2:]
		if !MinimalInteger(content) {
			t.Errorf("%d (% x): not minimal", v, content)
		}
		pad := byte(0)
		if v < 0 {
			pad = 0xff
		}
		if MinimalInteger(append([]byte{pad}, content...)) {
			t.Errorf("%d padded: minimal", v)
		}
	}
	if MinimalInteger(nil) {
		t.Error("empty content: minimal")
	}
}
