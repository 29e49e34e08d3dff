package dn

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"

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
	oid, elem, content []byte
	tag                byte
	isString           bool
}

// tlv parses the DER element that starts at b[pos] and must end by end, as
// cryptobyte's ReadAnyASN1 does (one-byte tags, minimal definite lengths of
// at most four octets). It works on offsets: walking a name this way writes
// no pointers, which keeps the garbage collector's write barrier out of the
// loop.
func tlv(b []byte, pos, end int) (tag byte, cstart, cend int, ok bool) {
	if end-pos < 2 {
		return 0, 0, 0, false
	}
	tag, l := b[pos], b[pos+1]
	if tag&0x1f == 0x1f {
		return 0, 0, 0, false
	}
	if l&0x80 == 0 {
		cstart = pos + 2
		cend = cstart + int(l)
	} else {
		n := int(l & 0x7f)
		if n == 0 || n > 4 || end-pos < 2+n {
			return 0, 0, 0, false
		}
		var v uint32
		for i := 0; i < n; i++ {
			v = v<<8 | uint32(b[pos+2+i])
		}
		if v < 128 || v>>((n-1)*8) == 0 {
			return 0, 0, 0, false
		}
		cstart = pos + 2 + n
		if int64(cstart)+int64(v) > int64(end) {
			return 0, 0, 0, false
		}
		cend = cstart + int(v)
	}
	if cend > end {
		return 0, 0, 0, false
	}
	return tag, cstart, cend, true
}

// rdnWalker yields the attributes of a Name whose RDNs are single-valued.
type rdnWalker struct {
	b        []byte
	pos, end int // the RDNs still to read
}

// walk step results.
const (
	walkEntry = iota // an attribute
	walkEnd          // the end of the name
	walkBad          // a name Canonical refuses
	walkMulti        // a multi-valued RDN: use Canonical
)

func newWalker(der []byte) (rdnWalker, bool) {
	tag, cs, ce, ok := tlv(der, 0, len(der))
	if !ok || tag != 0x30 || ce != len(der) {
		return rdnWalker{}, false
	}
	return rdnWalker{b: der, pos: cs, end: ce}, true
}

// next returns the next attribute, skipping empty RDNs (which have no
// canonical form).
func (w *rdnWalker) next() (entry, int) {
	b := w.b
	for w.pos < w.end {
		tag, ss, se, ok := tlv(b, w.pos, w.end)
		if !ok || tag != 0x31 {
			return entry{}, walkBad
		}
		w.pos = se
		if ss == se {
			continue
		}
		tag, as, ae, ok := tlv(b, ss, se)
		if !ok || tag != 0x30 {
			return entry{}, walkBad
		}
		otag, _, oe, ok := tlv(b, as, ae)
		if !ok || otag != 0x06 {
			return entry{}, walkBad
		}
		vtag, vs, ve, ok := tlv(b, oe, ae)
		if !ok || ve != ae {
			return entry{}, walkBad
		}
		if ae != se {
			return entry{}, walkMulti
		}
		e := entry{oid: b[as:oe], elem: b[oe:ve], content: b[vs:ve], tag: vtag}
		switch cbasn1.Tag(vtag) {
		case tagUTF8, tagPrintable, tagT61, tagIA5, tagVisible, tagUniversal, tagBMP:
			e.isString = true
			if (vtag == tagBMP && len(e.content)%2 != 0) || (vtag == tagUniversal && len(e.content)%4 != 0) {
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
	tag     byte
	b       []byte
	pos     int // the next character's offset in b
	pending [utf8.UTFMax]byte
	np, ip  int  // pending[ip:np] are still to be returned
	started bool // a character was returned
	space   bool // a run of white space is waiting for a next character
	bad     bool // the value is not valid for its type
}

// rune decodes the next character of f.b.
func (f *folder) rune() (rune, bool) {
	b, i := f.b, f.pos
	if i >= len(b) {
		return 0, false
	}
	switch f.tag {
	case tagUTF8:
		if c := b[i]; c < utf8.RuneSelf {
			f.pos++
			return rune(c), true
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			f.bad = true
			return 0, false
		}
		f.pos += n
		return r, true
	case tagBMP:
		r := uint32(b[i])<<8 | uint32(b[i+1])
		f.pos += 2
		if !validRune(r) {
			f.bad = true
			return 0, false
		}
		return rune(r), true
	case tagUniversal:
		r := binary.BigEndian.Uint32(b[i:])
		f.pos += 4
		if !validRune(r) {
			f.bad = true
			return 0, false
		}
		return rune(r), true
	default: // Latin-1
		f.pos++
		return rune(b[i]), true
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
		if r < utf8.RuneSelf {
			c := byte(r)
			if isSpace(c) {
				f.space = f.started
				continue
			}
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			f.started = true
			if f.space {
				f.space = false
				f.pending[0], f.ip, f.np = c, 0, 1
				return ' ', true
			}
			return c, true
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

// Valid reports whether der has a canonical form (Canonical would not
// fail), without building it for names without multi-valued RDNs. A name
// that is not Valid is Equal to nothing.
func Valid(der []byte) bool {
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
		if e.isString && !validContent(e.tag, e.content) {
			return false
		}
	}
}

// validContent reports whether a string value converts to UTF-8 (toUTF8
// succeeds); its length was checked by the walker.
func validContent(tag byte, b []byte) bool {
	switch tag {
	case tagUTF8:
		return utf8.Valid(b)
	case tagBMP:
		for i := 0; i+1 < len(b); i += 2 {
			if !validRune(uint32(b[i])<<8 | uint32(b[i+1])) {
				return false
			}
		}
	case tagUniversal:
		for i := 0; i+3 < len(b); i += 4 {
			if !validRune(binary.BigEndian.Uint32(b[i:])) {
				return false
			}
		}
	}
	return true // one byte per character: always valid
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
