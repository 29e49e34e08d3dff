package dn

import (
	"bytes"
	"testing"

	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// checkAgainstCanonical fails unless Equal and CanonicalHash agree with
// the canonical encodings of a and b.
func checkAgainstCanonical(t *testing.T, a, b []byte) {
	t.Helper()
	ca, erra := Canonical(a)
	cb, errb := Canonical(b)
	want := erra == nil && errb == nil && bytes.Equal(ca, cb)
	if got := Equal(a, b); got != want {
		t.Fatalf("Equal(%x, %x) = %v, canonical forms say %v (%v, %v)", a, b, got, want, erra, errb)
	}
	if Valid(a) != (erra == nil) || Valid(b) != (errb == nil) {
		t.Fatalf("Valid(%x) = %v, Valid(%x) = %v; Canonical errors %v, %v", a, Valid(a), b, Valid(b), erra, errb)
	}
	ha, herra := CanonicalHash(a)
	hb, herrb := CanonicalHash(b)
	if (herra == nil) != (erra == nil) || (herrb == nil) != (errb == nil) {
		t.Fatalf("CanonicalHash errors %v, %v; Canonical %v, %v", herra, herrb, erra, errb)
	}
	if want && ha != hb {
		t.Fatalf("equal names %x and %x hash differently", a, b)
	}
}

// variants of one name that canonicalise alike, and some that do not.
func compareNames(t testing.TB) [][]byte {
	names := [][]byte{
		buildName(t, one(oidCN, cbasn1.UTF8String, []byte("Example CA"))),
		buildName(t, one(oidCN, cbasn1.PrintableString, []byte("  EXAMPLE   ca "))),
		buildName(t, one(oidCN, cbasn1.Tag(30), bmp("example\tCA"))),
		buildName(t, one(oidCN, cbasn1.Tag(28), ucs4("Example  CA"))),
		buildName(t, one(oidCN, cbasn1.T61String, []byte("example ca"))),
		buildName(t, one(oidCN, cbasn1.UTF8String, []byte("Example CA")), nil),
		buildName(t, one(oidCN, cbasn1.UTF8String, []byte("Example CB"))),
		buildName(t, one(oidCN, cbasn1.UTF8String, []byte("Example CA2"))),
		buildName(t, one(oidCN, cbasn1.UTF8String, []byte("ExampleCA"))),
		buildName(t, one(oidO, cbasn1.UTF8String, []byte("Example CA"))),
		buildName(t, one(oidCN, cbasn1.Tag(18), []byte("Example CA"))),
		buildName(t, one(oidCN, cbasn1.UTF8String, []byte("Caf\xc3\xa9"))),
		buildName(t, one(oidCN, cbasn1.T61String, []byte("Caf\xe9"))),
		buildName(t, one(oidCN, cbasn1.UTF8String, []byte("Caf\xe9"))),  // invalid UTF-8
		buildName(t, one(oidCN, cbasn1.Tag(30), []byte{0, 'a', 0})),     // odd BMPString
		buildName(t, one(oidCN, cbasn1.Tag(30), []byte{0xd8, 0x00})),    // surrogate
		buildName(t, one(oidCN, cbasn1.Tag(28), []byte{0, 0x11, 0, 0})), // beyond Unicode
		buildName(t, []av{{oidCN, cbasn1.UTF8String, []byte("a")}, {oidO, cbasn1.UTF8String, []byte("B")}}),
		buildName(t, []av{{oidO, cbasn1.PrintableString, []byte("b")}, {oidCN, cbasn1.UTF8String, []byte(" A ")}}),
		buildName(t, one(oidC, cbasn1.PrintableString, []byte("DE")), one(oidCN, cbasn1.UTF8String, []byte("x"))),
		buildName(t, one(oidC, cbasn1.PrintableString, []byte("de")), one(oidCN, cbasn1.UTF8String, []byte("X  "))),
		buildName(t, one(oidC, cbasn1.PrintableString, []byte("de"))),
		buildName(t),
		{0x30, 0x02, 0x31, 0x00},
		{0x30, 0x03, 0x31, 0x01},
		{0x31, 0x00},
		nil,
	}
	for _, n := range testNames(t) {
		names = append(names, n)
	}
	return names
}

// TestEqualMatchesCanonical: Equal (which compares without building the
// canonical forms) and CanonicalHash agree with Canonical on every pair.
func TestEqualMatchesCanonical(t *testing.T) {
	t.Parallel()
	names := compareNames(t)
	for _, a := range names {
		for _, b := range names {
			checkAgainstCanonical(t, a, b)
		}
	}
	// The first five are one name spelled five ways.
	for _, b := range names[1:6] {
		if !Equal(names[0], b) {
			t.Errorf("Equal(%x, %x) false", names[0], b)
		}
	}
}

// TestEqualAllocations: the usual comparison allocates nothing.
func TestEqualAllocations(t *testing.T) {
	a := buildName(t, one(oidC, cbasn1.PrintableString, []byte("DE")), one(oidCN, cbasn1.UTF8String, []byte("Example CA")))
	b := buildName(t, one(oidC, cbasn1.PrintableString, []byte("de")), one(oidCN, cbasn1.PrintableString, []byte("example  ca")))
	if n := testing.AllocsPerRun(100, func() {
		if !Equal(a, b) || !Equal(a, a) {
			t.Fatal("not equal")
		}
		if _, err := CanonicalHash(a); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("%v allocations per Equal and CanonicalHash, want 0", n)
	}
}

func FuzzEqual(f *testing.F) {
	names := compareNames(f)
	for i, a := range names {
		f.Add(a, names[(i+1)%len(names)])
		f.Add(a, a)
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		checkAgainstCanonical(t, a, b)
		checkAgainstCanonical(t, a, a)
	})
}
