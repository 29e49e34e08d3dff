package cipherlist

import (
	"cmp"
	"crypto/tls"
	"slices"
	"strings"
)

// Suite is one cipher suite of OpenSSL's table.
type Suite struct {
	Name     string // OpenSSL name, e.g. "ECDHE-RSA-AES128-GCM-SHA256"
	IANA     string // e.g. "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
	ID       uint16 // IANA code point
	Protocol string // as `openssl ciphers -v` prints: "TLSv1.3", "TLSv1.2", "SSLv3", "TLSv1"
	Kx       string // key exchange as `openssl ciphers -v` prints it ("ECDH", "DH", "RSA", "PSK", ...)
	Au       string // authentication ("RSA", "ECDSA", "DSS", "None", "PSK", "SRP", "any")
	Enc      string // bulk cipher ("AESGCM(128)", "CHACHA20/POLY1305(256)", "None", ...)
	Mac      string // MAC ("AEAD", "SHA1", "SHA256", "SHA384", "MD5")
	Bits     int    // strength bits used by @STRENGTH
	Go       bool   // crypto/tls can negotiate it (tls.CipherSuites() or tls.InsecureCipherSuites())
	// GoInsecure reports that crypto/tls lists the suite in
	// tls.InsecureCipherSuites (RSA key exchange, CBC-SHA256): it still
	// negotiates when configured explicitly, but Go never offers it by default.
	GoInsecure bool

	mkey, auth, enc, mac uint32
	minVersion           uint16
	strength             uint32
}

// MinVersion is the lowest protocol version (tls.VersionSSL30, tls.VersionTLS10,
// tls.VersionTLS12 or tls.VersionTLS13) the suite can be used with.
func (s Suite) MinVersion() uint16 { return s.minVersion }

// MaxVersion is the highest protocol version the suite can be used with:
// tls.VersionTLS12 for TLS <= 1.2 suites, tls.VersionTLS13 for TLS 1.3 suites.
func (s Suite) MaxVersion() uint16 {
	if s.minVersion == tls.VersionTLS13 {
		return tls.VersionTLS13
	}
	return tls.VersionTLS12
}

// String returns a line in the format of `openssl ciphers -v`.
func (s Suite) String() string {
	var b strings.Builder
	pad := func(v string, n int) {
		b.WriteString(v)
		for i := len(v); i < n; i++ {
			b.WriteByte(' ')
		}
	}
	pad(s.Name, 30)
	b.WriteByte(' ')
	pad(s.Protocol, 7)
	b.WriteString(" Kx=")
	pad(s.Kx, 8)
	b.WriteString(" Au=")
	pad(s.Au, 5)
	b.WriteString(" Enc=")
	pad(s.Enc, 22)
	b.WriteString(" Mac=")
	pad(s.Mac, 4)
	return b.String()
}

// Algorithm bits. Each suite has exactly one bit in each of mkey, auth, enc
// and mac; aliases are unions (or complements) of them, as in OpenSSL.
const (
	kRSA uint32 = 1 << iota
	kDHE
	kECDHE
	kPSK
	kRSAPSK
	kECDHEPSK
	kDHEPSK
	kSRP
	kAny // TLS 1.3
)

const (
	aRSA uint32 = 1 << iota
	aDSS
	aNULL
	aECDSA
	aPSK
	aSRP
	aAny // TLS 1.3
)

const (
	encNULL uint32 = 1 << iota
	enc3DES
	encAES128
	encAES256
	encAES128GCM
	encAES256GCM
	encAES128CCM
	encAES256CCM
	encAES128CCM8
	encAES256CCM8
	encCAMELLIA128
	encCAMELLIA256
	encCHACHA20POLY1305
	encARIA128GCM
	encARIA256GCM

	encAESGCM   = encAES128GCM | encAES256GCM
	encAES      = encAES128 | encAES256 | encAESGCM | encAES128CCM | encAES256CCM | encAES128CCM8 | encAES256CCM8
	encCAMELLIA = encCAMELLIA128 | encCAMELLIA256
	encARIA     = encARIA128GCM | encARIA256GCM
	encCBC      = enc3DES | encAES128 | encAES256 | encCAMELLIA128 | encCAMELLIA256
)

const (
	macMD5 uint32 = 1 << iota
	macSHA1
	macSHA256
	macSHA384
	macAEAD
)

const (
	verSSL3  = 0x0300 // SSL 3.0, OpenSSL's minimum for these suites; never negotiated
	verTLS1  = tls.VersionTLS10
	verTLS12 = tls.VersionTLS12
	verTLS13 = tls.VersionTLS13
)

// Strength classes (OpenSSL's algo_strength). The low five bits form the
// "strong" group and the sixth the "default" group; a rule matches a suite
// when it shares a bit with the suite in every group the rule constrains.
const (
	strengthNone uint32 = 1 << iota
	strengthLow
	strengthMedium
	strengthHigh
	strengthFIPS
	strengthNotDefault

	strengthStrongMask  = strengthNone | strengthLow | strengthMedium | strengthHigh | strengthFIPS
	strengthDefaultMask = strengthNotDefault
)

// tls13Table holds the TLS 1.3 suites OpenSSL 3.0 knows, in OpenSSL's
// default ciphersuites order. The CCM suites exist in OpenSSL but are not in
// its default list, and crypto/tls cannot negotiate them.
var tls13Table = [...]Suite{
	{Name: "TLS_AES_256_GCM_SHA384", IANA: "TLS_AES_256_GCM_SHA384", ID: 0x1302, Protocol: "TLSv1.3", Kx: "any", Au: "any", Enc: "AESGCM(256)", Mac: "AEAD", Bits: 256, Go: true,
		mkey: kAny, auth: aAny, enc: encAES256GCM, mac: macAEAD, minVersion: verTLS13, strength: strengthHigh | strengthFIPS},
	{Name: "TLS_CHACHA20_POLY1305_SHA256", IANA: "TLS_CHACHA20_POLY1305_SHA256", ID: 0x1303, Protocol: "TLSv1.3", Kx: "any", Au: "any", Enc: "CHACHA20/POLY1305(256)", Mac: "AEAD", Bits: 256, Go: true,
		mkey: kAny, auth: aAny, enc: encCHACHA20POLY1305, mac: macAEAD, minVersion: verTLS13, strength: strengthHigh},
	{Name: "TLS_AES_128_GCM_SHA256", IANA: "TLS_AES_128_GCM_SHA256", ID: 0x1301, Protocol: "TLSv1.3", Kx: "any", Au: "any", Enc: "AESGCM(128)", Mac: "AEAD", Bits: 128, Go: true,
		mkey: kAny, auth: aAny, enc: encAES128GCM, mac: macAEAD, minVersion: verTLS13, strength: strengthHigh | strengthFIPS},
	{Name: "TLS_AES_128_CCM_SHA256", IANA: "TLS_AES_128_CCM_SHA256", ID: 0x1304, Protocol: "TLSv1.3", Kx: "any", Au: "any", Enc: "AESCCM(128)", Mac: "AEAD", Bits: 128,
		mkey: kAny, auth: aAny, enc: encAES128CCM, mac: macAEAD, minVersion: verTLS13, strength: strengthHigh | strengthFIPS},
	{Name: "TLS_AES_128_CCM_8_SHA256", IANA: "TLS_AES_128_CCM_8_SHA256", ID: 0x1305, Protocol: "TLSv1.3", Kx: "any", Au: "any", Enc: "AESCCM8(128)", Mac: "AEAD", Bits: 128,
		mkey: kAny, auth: aAny, enc: encAES128CCM8, mac: macAEAD, minVersion: verTLS13, strength: strengthHigh},
}

// ByName finds a suite by OpenSSL name or IANA name (TLS 1.3 suites
// included). The match is exact (case-sensitive), as in OpenSSL.
func ByName(name string) (Suite, bool) {
	for i := range table {
		if table[i].Name == name || table[i].IANA == name {
			return table[i], true
		}
	}
	for i := range tls13Table {
		if tls13Table[i].Name == name {
			return tls13Table[i], true
		}
	}
	return Suite{}, false
}

// ByID finds a suite (TLS 1.3 suites included) by its IANA code point.
// The TLS <= 1.2 table is sorted by code point and searched in halves: a
// server names the negotiated suite for every connection it logs.
func ByID(id uint16) (Suite, bool) {
	if i, ok := slices.BinarySearchFunc(table[:], id, func(s Suite, id uint16) int { return cmp.Compare(s.ID, id) }); ok {
		return table[i], true
	}
	for i := range tls13Table {
		if tls13Table[i].ID == id {
			return tls13Table[i], true
		}
	}
	return Suite{}, false
}

// All returns OpenSSL's whole TLS <= 1.2 table (what
// `openssl ciphers ALL:COMPLEMENTOFALL` lists), sorted by code point.
func All() []Suite {
	out := make([]Suite, len(table))
	copy(out, table[:])
	return out
}
