package verify

import (
	"bytes"

	"github.com/sslstream/sslstream/dn"
)

// matchHost is X509_check_host with OpenSSL 3.0's default flags: DNS
// subject alternative names first; the subject's commonName attributes only
// when the certificate has no DNS name in its subjectAltName. In strict
// mode the commonName is never used and partial-label wildcards
// ("foo*.example.com") do not match.
func matchHost(ci *certInfo, host string, strict bool) bool {
	if host == "" {
		return false
	}
	// Embedded NULs are refused, a trailing one is tolerated.
	h := []byte(host)
	if len(h) > 1 && h[len(h)-1] == 0 {
		h = h[:len(h)-1]
	}
	if bytes.IndexByte(h, 0) >= 0 {
		return false
	}
	sanDNS := false
	for _, g := range ci.sans {
		if g.typ != genDNS {
			continue
		}
		sanDNS = true
		if len(g.value) > 0 && equalWildcard(g.value, h, strict) {
			return true
		}
	}
	if sanDNS || strict {
		return false
	}
	attrs, err := dn.Parse(ci.c.RawSubject)
	if err != nil {
		return false
	}
	for _, a := range attrs {
		if a.Type != "CN" || a.Value == "" {
			continue
		}
		if equalWildcard([]byte(a.Value), h, false) {
			return true
		}
	}
	return false
}

// matchIP is X509_check_ip: an iPAddress subject alternative name equal to
// ip byte for byte (an IPv4 address never matches an IPv6 one).
func matchIP(ci *certInfo, ip []byte) bool {
	for _, g := range ci.sans {
		if g.typ == genIP && bytes.Equal(g.value, ip) {
			return true
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalNocase compares ASCII case-insensitively; the pattern must not
// contain NUL.
func equalNocase(pattern, subject []byte) bool {
	return equalNocaseSub(pattern, subject, false)
}

// equalNocaseSub is equalNocase; with dotSub (a host name starting with
// '.', OpenSSL's _X509_CHECK_FLAG_DOT_SUBDOMAINS) a longer pattern matches
// when its suffix of the subject's length does (skip_prefix).
func equalNocaseSub(pattern, subject []byte, dotSub bool) bool {
	if dotSub {
		p := pattern
		for len(p) > len(subject) && p[0] != 0 {
			p = p[1:]
		}
		if len(p) == len(subject) {
			pattern = p
		}
	}
	if len(pattern) != len(subject) {
		return false
	}
	for i := range pattern {
		l, r := pattern[i], subject[i]
		if l == 0 {
			return false
		}
		if l != r && lowerASCII(l) != lowerASCII(r) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// validStar is OpenSSL's valid_star: the position of the one acceptable
// wildcard in pattern, or -1. The wildcard must be in the first label, at
// its start or end, not in an IDNA label, and at least two dots must follow.
func validStar(p []byte, noPartial bool) int {
	const (
		labelStart  = 1
		labelIDNA   = 2
		labelHyphen = 4
	)
	star := -1
	state := labelStart
	dots := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '*':
			atStart := state&labelStart != 0
			atEnd := i == len(p)-1 || p[i+1] == '.'
			if star >= 0 || state&labelIDNA != 0 || dots > 0 {
				return -1
			}
			if !atStart && !atEnd {
				return -1
			}
			if noPartial && !(atStart && atEnd) {
				return -1
			}
			star = i
			state &^= labelStart
		case isAlnum(c):
			if state&labelStart != 0 && len(p)-i >= 4 && equalNocase([]byte("xn--"), p[i:i+4]) {
				state |= labelIDNA
			}
			state &^= labelHyphen | labelStart
		case c == '.':
			if state&(labelHyphen|labelStart) != 0 {
				return -1
			}
			state = labelStart
			dots++
		case c == '-':
			if state&labelStart != 0 {
				return -1
			}
			state |= labelHyphen
		default:
			return -1
		}
	}
	if state&(labelStart|labelHyphen) != 0 || dots < 2 {
		return -1
	}
	return star
}

// equalWildcard is OpenSSL's equal_wildcard (noPartial: the flag
// X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS).
func equalWildcard(pattern, subject []byte, noPartial bool) bool {
	star := -1
	if !(len(subject) > 1 && subject[0] == '.') {
		star = validStar(pattern, noPartial)
	}
	if star < 0 {
		return equalNocaseSub(pattern, subject, len(subject) > 1 && subject[0] == '.')
	}
	return wildcardMatch(pattern[:star], pattern[star+1:], subject)
}

// wildcardMatch is OpenSSL's wildcard_match.
func wildcardMatch(prefix, suffix, subject []byte) bool {
	if len(subject) < len(prefix)+len(suffix) {
		return false
	}
	if !equalNocase(prefix, subject[:len(prefix)]) {
		return false
	}
	wStart := len(prefix)
	wEnd := len(subject) - len(suffix)
	if !equalNocase(subject[wEnd:], suffix) {
		return false
	}
	allowIDNA := false
	if len(prefix) == 0 && len(suffix) > 0 && suffix[0] == '.' {
		if wStart == wEnd {
			return false
		}
		allowIDNA = true
	}
	if !allowIDNA && len(subject) >= 4 && equalNocase([]byte("xn--"), subject[:4]) {
		return false
	}
	if wEnd == wStart+1 && subject[wStart] == '*' {
		return true
	}
	for _, c := range subject[wStart:wEnd] {
		if !(isAlnum(c) || c == '-') {
			return false
		}
	}
	return true
}
