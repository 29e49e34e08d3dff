package dn

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// ASN.1 universal tags of the string types OpenSSL canonicalises.
const (
	tagUTF8      = 12
	tagPrintable = 19
	tagT61       = 20
	tagIA5       = 22
	tagVisible   = 26
	tagUniversal = 28
	tagBMP       = 30
)

// Canonical returns OpenSSL's canonical encoding of a DER Name, the bytes
// that X509_NAME_cmp compares and X509_NAME_hash digests:
//
//   - every value of type UTF8String, PrintableString, T61String, IA5String,
//     VisibleString, UniversalString or BMPString is converted to UTF-8
//     (the one-byte types as Latin-1, BMPString as UCS-2 without surrogate
//     pairs, UniversalString as UCS-4; a value that is not valid Unicode is an
//     error, as it is for OpenSSL);
//   - leading and trailing ASCII white space (space, \t, \n, \v, \f, \r) is
//     removed and each inner run of it becomes one space;
//   - ASCII letters A-Z are folded to lower case; no other character changes;
//   - the value is re-encoded as a UTF8String. Values of other types
//     (NumericString, SEQUENCE, ...) are kept with their original tag and
//     content;
//   - each RDN is DER-encoded as a SET OF (so the attributes of a
//     multi-valued RDN are sorted by their encoding) and the SETs are
//     concatenated without the outer SEQUENCE header.
//
// The empty name (an empty SEQUENCE, or one whose RDNs are all empty) has the
// empty canonical encoding.
func Canonical(der []byte) ([]byte, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, errors.New("dn: malformed name: not a DER SEQUENCE")
	}
	out := make([]byte, 0, len(der))
	var entries [][]byte
	for rdn := 0; !seq.Empty(); rdn++ {
		var set cryptobyte.String
		if !seq.ReadASN1(&set, cbasn1.SET) {
			return nil, fmt.Errorf("dn: malformed name: RDN %d is not a SET", rdn+1)
		}
		entries = entries[:0]
		for !set.Empty() {
			var atv, oid, val cryptobyte.String
			var tag cbasn1.Tag
			if !set.ReadASN1(&atv, cbasn1.SEQUENCE) ||
				!atv.ReadASN1Element(&oid, cbasn1.OBJECT_IDENTIFIER) ||
				!atv.ReadAnyASN1Element(&val, &tag) || !atv.Empty() {
				return nil, fmt.Errorf("dn: malformed name: bad AttributeTypeAndValue in RDN %d", rdn+1)
			}
			enc, err := canonicalEntry(oid, val, tag)
			if err != nil {
				return nil, fmt.Errorf("dn: RDN %d: %w", rdn+1, err)
			}
			entries = append(entries, enc)
		}
		if len(entries) == 0 {
			continue // an empty RDN has no entries and so no canonical form
		}
		// DER SET OF: elements sorted by their encodings (bytes.Compare
		// orders a proper prefix first, as OpenSSL's der_cmp does).
		slices.SortFunc(entries, bytes.Compare)
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
			for _, e := range entries {
				b.AddBytes(e)
			}
		})
		rdnEnc, err := b.Bytes()
		if err != nil {
			return nil, fmt.Errorf("dn: RDN %d: %w", rdn+1, err)
		}
		out = append(out, rdnEnc...)
	}
	return out, nil
}

// canonicalEntry encodes one AttributeTypeAndValue in canonical form; oid and
// val are complete DER elements.
func canonicalEntry(oid, val cryptobyte.String, tag cbasn1.Tag) ([]byte, error) {
	valueElem := []byte(val)
	switch tag {
	case tagUTF8, tagPrintable, tagT61, tagIA5, tagVisible, tagUniversal, tagBMP:
		var content cryptobyte.String
		v := val
		if !v.ReadASN1(&content, tag) {
			return nil, errors.New("malformed attribute value")
		}
		u, err := toUTF8(int(tag), content)
		if err != nil {
			return nil, err
		}
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.UTF8String, func(b *cryptobyte.Builder) {
			b.AddBytes(foldSpaceCase(u))
		})
		valueElem, err = b.Bytes()
		if err != nil {
			return nil, err
		}
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(oid)
		b.AddBytes(valueElem)
	})
	return b.Bytes()
}

// validRune reports whether OpenSSL accepts r as a Unicode character
// (is_unicode_valid: below 0x110000 and not a surrogate).
func validRune(r uint32) bool {
	return r < 0x110000 && (r < 0xd800 || r > 0xdfff)
}

// toUTF8 converts a string value's content to UTF-8 as ASN1_STRING_to_UTF8
// does.
func toUTF8(tag int, b []byte) ([]byte, error) {
	switch tag {
	case tagUTF8:
		if !utf8.Valid(b) {
			return nil, errors.New("invalid UTF8String")
		}
		return b, nil
	case tagBMP:
		if len(b)%2 != 0 {
			return nil, errors.New("invalid BMPString length")
		}
		out := make([]byte, 0, len(b)*3/2)
		for i := 0; i < len(b); i += 2 {
			r := uint32(b[i])<<8 | uint32(b[i+1])
			if !validRune(r) {
				return nil, fmt.Errorf("illegal character U+%04X in BMPString", r)
			}
			out = utf8.AppendRune(out, rune(r))
		}
		return out, nil
	case tagUniversal:
		if len(b)%4 != 0 {
			return nil, errors.New("invalid UniversalString length")
		}
		out := make([]byte, 0, len(b))
		for i := 0; i < len(b); i += 4 {
			r := binary.BigEndian.Uint32(b[i:])
			if !validRune(r) {
				return nil, fmt.Errorf("illegal character U+%X in UniversalString", r)
			}
			out = utf8.AppendRune(out, rune(r))
		}
		return out, nil
	default: // one byte per character, taken as Latin-1
		out := make([]byte, 0, len(b))
		for _, c := range b {
			out = utf8.AppendRune(out, rune(c))
		}
		return out, nil
	}
}

func isSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// foldSpaceCase trims and collapses ASCII white space and folds A-Z to
// lower case, in a new slice.
func foldSpaceCase(s []byte) []byte {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isSpace(c):
			out = append(out, ' ')
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		out = append(out, c)
		i++
	}
	return out
}

// Hash returns OpenSSL's X509_NAME_hash of a DER Name: the first four bytes
// of the SHA-1 of its Canonical encoding, read little endian. It names the
// files of a hashed certificate directory (`%08x.0`).
func Hash(der []byte) (uint32, error) {
	c, err := Canonical(der)
	if err != nil {
		return 0, err
	}
	sum := sha1.Sum(c)
	return binary.LittleEndian.Uint32(sum[:4]), nil
}

// HashOld returns OpenSSL's X509_NAME_hash_old: the first four bytes of the
// MD5 of the name's DER encoding, read little endian (the hash of OpenSSL
// before 1.0, used by `openssl rehash -compat`). The name must be a
// well-formed DER SEQUENCE.
func HashOld(der []byte) (uint32, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return 0, errors.New("dn: malformed name: not a DER SEQUENCE")
	}
	sum := md5.Sum(der)
	return binary.LittleEndian.Uint32(sum[:4]), nil
}

// Equal reports whether two DER Names are equal as OpenSSL's X509_NAME_cmp
// sees them: their Canonical encodings are identical. A name that cannot be
// canonicalised equals nothing, not even itself.
func Equal(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return Valid(a)
	}
	if eq, multi := equalFast(a, b); !multi {
		return eq
	}
	return equalCanonical(a, b)
}

// equalCanonical is Equal by building both canonical encodings.
func equalCanonical(a, b []byte) bool {
	ca, err := Canonical(a)
	if err != nil {
		return false
	}
	cb, err := Canonical(b)
	if err != nil {
		return false
	}
	return bytes.Equal(ca, cb)
}
