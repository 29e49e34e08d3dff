// Command ciphers writes cipherlist/table.go, OpenSSL 3.0's table of TLS <=
// 1.2 cipher suites, from openssl-ciphers.tsv. The table's algorithm bits
// (key exchange, authentication, cipher, MAC, minimum version, strength
// class) are derived from the columns `openssl ciphers -v` prints, and the
// Go and GoInsecure flags from the crypto/tls the generator is built with,
// so that no attribute is written down twice.
//
// Run by go generate in cipherlist/:
//
//	go run ../internal/gen/ciphers ../internal/gen/ciphers/openssl-ciphers.tsv table.go
package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("ciphers: ")
	if len(os.Args) != 3 {
		log.Fatal("usage: ciphers openssl-ciphers.tsv out.go")
	}
	in, out := os.Args[1], os.Args[2]
	data, err := os.ReadFile(in)
	if err != nil {
		log.Fatal(err)
	}
	rows, err := parse(data)
	if err != nil {
		log.Fatalf("%s: %v", in, err)
	}
	src, err := format.Source(render(filepath.Base(in), rows))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

// The cipherlist constant naming each printed value.
var (
	kxBits = map[string]string{"RSA": "kRSA", "DH": "kDHE", "ECDH": "kECDHE", "PSK": "kPSK", "RSAPSK": "kRSAPSK",
		"ECDHEPSK": "kECDHEPSK", "DHEPSK": "kDHEPSK", "SRP": "kSRP"}
	auBits  = map[string]string{"RSA": "aRSA", "DSS": "aDSS", "None": "aNULL", "ECDSA": "aECDSA", "PSK": "aPSK", "SRP": "aSRP"}
	encBits = map[string]string{"None": "encNULL", "3DES(168)": "enc3DES", "AES(128)": "encAES128", "AES(256)": "encAES256",
		"AESGCM(128)": "encAES128GCM", "AESGCM(256)": "encAES256GCM", "AESCCM(128)": "encAES128CCM", "AESCCM(256)": "encAES256CCM",
		"AESCCM8(128)": "encAES128CCM8", "AESCCM8(256)": "encAES256CCM8", "Camellia(128)": "encCAMELLIA128",
		"Camellia(256)": "encCAMELLIA256", "CHACHA20/POLY1305(256)": "encCHACHA20POLY1305",
		"ARIAGCM(128)": "encARIA128GCM", "ARIAGCM(256)": "encARIA256GCM"}
	macBits     = map[string]string{"MD5": "macMD5", "SHA1": "macSHA1", "SHA256": "macSHA256", "SHA384": "macSHA384", "AEAD": "macAEAD"}
	versionBits = map[string]string{"SSLv3": "verSSL3", "TLSv1": "verTLS1", "TLSv1.2": "verTLS12"}
	classBits   = map[string]string{"FIPS": "strengthFIPS", "NOTDEFAULT": "strengthNotDefault"}
)

type row struct {
	name, iana                string
	id                        uint16
	protocol, kx, au, enc, mc string
	bits                      int
	classes                   []string
	// derived
	mkey, auth, encBit, macBit, version, strength string
}

func parse(data []byte) ([]row, error) {
	var rows []row
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		s := sc.Text()
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		r, err := parseRow(strings.Split(s, "\t"))
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if len(rows) > 0 && rows[len(rows)-1].id >= r.id {
			return nil, fmt.Errorf("line %d: %s (0x%04X) out of code point order", line, r.name, r.id)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

func parseRow(f []string) (row, error) {
	if len(f) != 10 {
		return row{}, fmt.Errorf("want 10 tab-separated fields, got %d", len(f))
	}
	r := row{name: f[0], iana: f[1], protocol: f[3], kx: f[4], au: f[5], enc: f[6], mc: f[7]}
	id, err := strconv.ParseUint(strings.TrimPrefix(f[2], "0x"), 16, 16)
	if err != nil {
		return r, fmt.Errorf("code point %q: %v", f[2], err)
	}
	r.id = uint16(id)
	if r.bits, err = strconv.Atoi(f[8]); err != nil || r.bits < 0 {
		return r, fmt.Errorf("bits %q: want a number >= 0", f[8])
	}
	lookup := func(m map[string]string, what, v string) (string, error) {
		if c, ok := m[v]; ok {
			return c, nil
		}
		return "", fmt.Errorf("%s: unknown %s %q", r.name, what, v)
	}
	for _, d := range []struct {
		dst  *string
		m    map[string]string
		what string
		v    string
	}{{&r.mkey, kxBits, "Kx", r.kx}, {&r.auth, auBits, "Au", r.au}, {&r.encBit, encBits, "Enc", r.enc},
		{&r.macBit, macBits, "Mac", r.mc}, {&r.version, versionBits, "protocol", r.protocol}} {
		if *d.dst, err = lookup(d.m, d.what, d.v); err != nil {
			return r, err
		}
	}
	// OpenSSL's strength classes follow the cipher's bits: none for the
	// NULL ciphers, HIGH from 128 bits, MEDIUM for 3DES's 112, LOW below.
	strength := []string{"strengthLow"}
	switch {
	case r.bits == 0:
		strength[0] = "strengthNone"
	case r.bits >= 128:
		strength[0] = "strengthHigh"
	case r.bits >= 112:
		strength[0] = "strengthMedium"
	}
	if f[9] != "-" {
		for _, c := range strings.Fields(f[9]) {
			b, err := lookup(classBits, "class", c)
			if err != nil {
				return r, err
			}
			r.classes = append(r.classes, c)
			strength = append(strength, b)
		}
	}
	r.strength = strings.Join(strength, " | ")
	return r, nil
}

func render(src string, rows []row) []byte {
	known, insecure := map[uint16]bool{}, map[uint16]bool{}
	for _, s := range tls.CipherSuites() {
		known[s.ID] = true
	}
	for _, s := range tls.InsecureCipherSuites() {
		known[s.ID], insecure[s.ID] = true, true
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by internal/gen/ciphers from %s and crypto/tls's suite lists; DO NOT EDIT.\n\n", src)
	b.WriteString("package cipherlist\n\n")
	b.WriteString("// table holds every TLS <= 1.2 cipher suite OpenSSL 3.0 (default build, default\n")
	b.WriteString("// provider) knows, sorted by code point.\n")
	b.WriteString("var table = [...]Suite{\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "\t{Name: %q, IANA: %q, ID: 0x%04X, Protocol: %q, Kx: %q, Au: %q, Enc: %q, Mac: %q, Bits: %d, Go: %v, GoInsecure: %v,\n",
			r.name, r.iana, r.id, r.protocol, r.kx, r.au, r.enc, r.mc, r.bits, known[r.id], insecure[r.id])
		fmt.Fprintf(&b, "\t\tmkey: %s, auth: %s, enc: %s, mac: %s, minVersion: %s, strength: %s},\n",
			r.mkey, r.auth, r.encBit, r.macBit, r.version, r.strength)
	}
	b.WriteString("}\n")
	return b.Bytes()
}
