package verify

import (
	"bytes"
	"unicode/utf8"
)

// ulabelSize is the size of OpenSSL's U-label buffer in nc_email_eai,
// the terminating NUL included.
const ulabelSize = 256

// a2ulabel is OpenSSL 3.0's ossl_a2ulabel: each dot-separated label of in
// that starts with "xn--" is Punycode-decoded into UTF-8, the others are
// copied. It fails when a label does not decode or when the result and a
// terminating NUL do not fit in size bytes.
func a2ulabel(in []byte, size int) ([]byte, bool) {
	var out []byte
	for {
		label := in
		dot := bytes.IndexByte(in, '.')
		if dot >= 0 {
			label = in[:dot]
		}
		if bytes.HasPrefix(label, []byte("xn--")) {
			cps, ok := punycodeDecode(label[4:])
			if !ok {
				return nil, false
			}
			for _, cp := range cps {
				if cp > utf8.MaxRune {
					return nil, false
				}
				out = appendUTF8(out, cp)
			}
		} else {
			out = append(out, label...)
		}
		if dot < 0 {
			break
		}
		out = append(out, '.')
		in = in[dot+1:]
	}
	if len(out)+1 > size {
		return nil, false
	}
	return out, true
}

// appendUTF8 encodes cp as OpenSSL's codepoint2utf8 does: surrogates too.
func appendUTF8(b []byte, cp uint32) []byte {
	switch {
	case cp <= 0x7f:
		return append(b, byte(cp))
	case cp <= 0x7ff:
		return append(b, byte(cp>>6)|0xc0, byte(cp)&0x3f|0x80)
	case cp <= 0xffff:
		return append(b, byte(cp>>12)|0xe0, byte(cp>>6)&0x3f|0x80, byte(cp)&0x3f|0x80)
	}
	return append(b, byte(cp>>18)|0xf0, byte(cp>>12)&0x3f|0x80, byte(cp>>6)&0x3f|0x80, byte(cp)&0x3f|0x80)
}

// punycodeDecode is RFC 3492 decoding with OpenSSL 3.0's limits: at most
// 512 code points, 32-bit overflow checks, and a delimiter in first place
// not taken as one.
func punycodeDecode(enc []byte) ([]uint32, bool) {
	const (
		base, tmin, tmax, skew, damp = 36, 1, 26, 38, 700
		maxOut                       = 512
		maxInt                       = 0xffffffff
	)
	n, i, bias := uint32(0x80), uint32(0), uint32(72)
	basic := bytes.LastIndexByte(enc, '-')
	var out []uint32
	pos := 0
	if basic > 0 {
		if basic > maxOut {
			return nil, false
		}
		for _, c := range enc[:basic] {
			if c >= 0x80 {
				return nil, false
			}
			out = append(out, uint32(c))
		}
		pos = basic + 1
	}
	adapt := func(delta, numPoints uint32, first bool) uint32 {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / numPoints
		k := uint32(0)
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		return k + ((base-tmin+1)*delta)/(delta+skew)
	}
	for pos < len(enc) {
		oldi, w := i, uint32(1)
		for k := uint32(base); ; k += base {
			if pos >= len(enc) {
				return nil, false
			}
			d := punyDigit(enc[pos])
			pos++
			if d < 0 {
				return nil, false
			}
			digit := uint32(d)
			if digit > (maxInt-i)/w {
				return nil, false
			}
			i += digit * w
			t := k - bias
			if k <= bias {
				t = tmin
			} else if k >= bias+tmax {
				t = tmax
			}
			if digit < t {
				break
			}
			if w > maxInt/(base-t) {
				return nil, false
			}
			w *= base - t
		}
		count := uint32(len(out)) + 1
		bias = adapt(i-oldi, count, oldi == 0)
		if i/count > maxInt-n {
			return nil, false
		}
		n += i / count
		i %= count
		if len(out) >= maxOut {
			return nil, false
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = n
		i++
	}
	return out, true
}

func punyDigit(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c - 'a')
	case c >= '0' && c <= '9':
		return int(c-'0') + 26
	}
	return -1
}
