package dn

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// This file compares and hashes names by their Canonical encodings without
// building them: the common name, whose RDNs hold one attribute each, is
// walked attribute by attribute and its string values are converted, trimmed
// and folded one character at a time. Names with a multi-valued RDN (whose
// canonical form sorts the attributes) fall back to Canonical.

// entry is one AttributeTypeAndValue: the type's DER element, the value's
// tag and DER element, and the value's content octets.
type entry struct {
	oid, elem, content cryptobyte.String
	tag                cbasn1.Tag
	isString           bool
}

// rdnWalker yields the attributes of a Name whose RDNs are single-valued.
type rdnWalker struct {
	seq cryptobyte.String
}

// walk step results.
const (
	walkEntry = iota // an attribute
	walkEnd          // the end of the name
	walkBad          // a name Canonical refuses
	walkMulti        // a multi-valued RDN: use Canonical
)

func newWalker(der []byte) (rdnWalker, bool) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return rdnWalker{}, false
	}
	return rdnWalker{seq: seq}, true
}

// next returns the next attribute, skipping empty RDNs (which have no
// canonical form).
func (w *rdnWalker) next() (entry, int) {
	for !w.seq.Empty() {
		var set cryptobyte.String
		if !w.seq.ReadASN1(&set, cbasn1.SET) {
			return entry{}, walkBad
		}
		if set.Empty() {
			continue
		}
		var atv cryptobyte.String
		var e entry
		if !set.ReadASN1(&atv, cbasn1.SEQUENCE) ||
			!atv.ReadASN1Element(&e.oid, cbasn1.OBJECT_IDENTIFIER) ||
			!atv.ReadAnyASN1Element(&e.elem, &e.tag) || !atv.Empty() {
			return entry{}, walkBad
		}
		if !set.Empty() {
			return entry{}, walkMulti
		}
		switch e.tag {
		case tagUTF8, tagPrintable, tagT61, tagIA5, tagVisible, tagUniversal, tagBMP:
			v := e.elem
			if !v.ReadASN1(&e.content, e.tag) {
				return entry{}, walkBad
			}
			e.isString = true
			if (e.tag == tagBMP && len(e.content)%2 != 0) || (e.tag == tagUniversal && len(e.content)%4 != 0) {
				return entry{}, walkBad
			}
		}
		return e, walkEntry
	}
	return entry{}, walkEnd
}

// folder yields the canonical bytes of a string value: its characters as
// UTF-8, without leading and trailing ASCII white space, inner runs of it
// as one space, A-Z folded to lower case (as Canonical's toUTF8 and
// foldSpaceCase).
type folder struct {
	tag     cbasn1.Tag
	b       []byte
	pending [utf8.UTFMax]byte
	np, ip  int  // pending[ip:np] are still to be returned
	started bool // a character was returned
	space   bool // a run of white space is waiting for a next character
	bad     bool // the value is not valid for its type
}

// rune decodes the next character of f.b.
func (f *folder) rune() (rune, bool) {
	if len(f.b) == 0 {
		return 0, false
	}
	switch f.tag {
	case tagUTF8:
		r, n := utf8.DecodeRune(f.b)
		if r == utf8.RuneError && n <= 1 {
			f.bad = true
			return 0, false
		}
		f.b = f.b[n:]
		return r, true
	case tagBMP:
		r := uint32(f.b[0])<<8 | uint32(f.b[1])
		f.b = f.b[2:]
		if !validRune(r) {
			f.bad = true
			return 0, false
		}
		return rune(r), true
	case tagUniversal:
		r := binary.BigEndian.Uint32(f.b)
		f.b = f.b[4:]
		if !validRune(r) {
			f.bad = true
			return 0, false
		}
		return rune(r), true
	default: // Latin-1
		r := rune(f.b[0])
		f.b = f.b[1:]
		return r, true
	}
}

// next returns the next canonical byte; false at the end or on a bad value
// (then f.bad is set).
func (f *folder) next() (byte, bool) {
	if f.ip < f.np {
		c := f.pending[f.ip]
		f.ip++
		return c, true
	}
	for {
		r, ok := f.rune()
		if !ok {
			return 0, false // a trailing run of white space is dropped
		}
		if r < utf8.RuneSelf && isSpace(byte(r)) {
			f.space = f.started
			continue
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		f.np = utf8.EncodeRune(f.pending[:], r)
		f.ip = 0
		f.started = true
		if f.space {
			f.space = false
			return ' ', true
		}
		f.ip = 1
		return f.pending[0], true
	}
}

// sameValue reports whether two attribute values have the same canonical
// form; it reads string values to the end, so that an invalid one is
// noticed (it then differs from everything).
func sameValue(a, b entry) bool {
	if a.isString != b.isString {
		return false
	}
	if !a.isString {
		return bytes.Equal(a.elem, b.elem)
	}
	fa, fb := folder{tag: a.tag, b: a.content}, folder{tag: b.tag, b: b.content}
	for {
		ca, oka := fa.next()
		cb, okb := fb.next()
		if fa.bad || fb.bad || oka != okb || ca != cb {
			return false
		}
		if !oka {
			return true
		}
	}
}

// equalFast is Equal for names without multi-valued RDNs; multi reports
// that one has some, and the answer must come from Canonical.
func equalFast(a, b []byte) (equal, multi bool) {
	wa, oka := newWalker(a)
	wb, okb := newWalker(b)
	if !oka || !okb {
		return false, false
	}
	for {
		ea, ra := wa.next()
		eb, rb := wb.next()
		if ra == walkMulti || rb == walkMulti {
			return false, true
		}
		if ra == walkBad || rb == walkBad || ra != rb {
			return false, false
		}
		if ra == walkEnd {
			return true, false
		}
		if !bytes.Equal(ea.oid, eb.oid) || !sameValue(ea, eb) {
			return false, false
		}
	}
}

// valid reports whether Canonical accepts der, without building the
// canonical form for names without multi-valued RDNs.
func valid(der []byte) bool {
	w, ok := newWalker(der)
	if !ok {
		return false
	}
	for {
		e, r := w.next()
		switch r {
		case walkEnd:
			return true
		case walkBad:
			return false
		case walkMulti:
			_, err := Canonical(der)
			return err == nil
		}
		if e.isString {
			f := folder{tag: e.tag, b: e.content}
			for {
				if _, ok := f.next(); !ok {
					break
				}
			}
			if f.bad {
				return false
			}
		}
	}
}

// CanonicalHash returns a 64-bit hash of der's Canonical encoding, computed
// without building it for the usual names: two names that are Equal have
// the same hash. It fails where Canonical fails. (It is not OpenSSL's
// X509_NAME_hash, which is Hash.)
func CanonicalHash(der []byte) (uint64, error) {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	add := func(c byte) { h = (h ^ uint64(c)) * prime }
	w, ok := newWalker(der)
	if !ok {
		_, err := Canonical(der)
		return 0, err
	}
	for {
		e, r := w.next()
		switch r {
		case walkEnd:
			return h, nil
		case walkBad, walkMulti:
			c, err := Canonical(der)
			if err != nil {
				return 0, err
			}
			h = offset ^ 1 // a different family: names with multi-valued RDNs
			for _, b := range c {
				add(b)
			}
			return h, nil
		}
		for _, b := range e.oid {
			add(b)
		}
		if !e.isString {
			for _, b := range e.elem {
				add(b)
			}
			continue
		}
		add(tagUTF8)
		f := folder{tag: e.tag, b: e.content}
		n := 0
		for {
			c, ok := f.next()
			if !ok {
				break
			}
			add(c)
			n++
		}
		if f.bad {
			_, err := Canonical(der)
			return 0, err
		}
		// The length ends the value: a value may contain any byte.
		for i := 0; i < 8; i++ {
			add(byte(n >> (8 * i)))
		}
	}
}
