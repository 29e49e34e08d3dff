// Package dercheck holds the checks of DER content octets that OpenSSL's ASN.1
// decoder makes and that more than one of sslstream's decoders need (the
// trust settings of keyfile, the policy and proxy extensions of verify).
package dercheck

// ValidOID reports whether b, the content octets of an OBJECT IDENTIFIER,
// are what OpenSSL's decoder accepts: not empty, no sub-identifier starting
// with the padding octet 0x80, the last octet ending a sub-identifier.
func ValidOID(b []byte) bool {
	if len(b) == 0 || b[len(b)-1]&0x80 != 0 {
		return false
	}
	start := true
	for _, c := range b {
		if start && c == 0x80 {
			return false
		}
		start = c&0x80 == 0
	}
	return true
}

// MinimalInteger reports whether b, the content octets of an INTEGER, are
// what OpenSSL's c2i_ASN1_INTEGER accepts: not empty, and no leading octet
// that only pads (0x00 before an octet whose top bit is clear, 0xff before
// one whose top bit is set).
func MinimalInteger(b []byte) bool {
	return len(b) == 1 || len(b) > 1 && !(b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0)
}
