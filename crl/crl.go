package crl

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"hash/maphash"
	"math/big"
	"slices"
	"sort"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/sslstream/sslstream/internal/safefile"
)

// PEMType is the PEM block type of a CRL ("-----BEGIN X509 CRL-----"), the
// only one OpenSSL reads CRLs from.
const PEMType = "X509 CRL"

var (
	oidCertificateIssuer = asn1.ObjectIdentifier{2, 5, 29, 29}
)

// CRL is one parsed certificate revocation list. It is immutable after
// Parse and safe for concurrent use.
type CRL struct {
	// List holds the CRL as crypto/x509 parses it, except that
	// RevokedCertificateEntries and RevokedCertificates are always empty:
	// the revoked entries are reached through Lookup, Len and Entry. Raw and
	// RawTBSRevocationList are the original bytes (the signature is over
	// RawTBSRevocationList); RawIssuer, Issuer, SignatureAlgorithm,
	// Signature, ThisUpdate, NextUpdate (zero when absent), Number,
	// AuthorityKeyId and Extensions (with their Critical flags) are filled.
	// A version 1 CRL (no version field, as `openssl ca -gencrl` makes
	// without CRL extensions) is accepted, as OpenSSL accepts it.
	List *x509.RevocationList
	// Source names where the CRL came from: the file name given to Load or
	// Parse, with " #N" appended for the N-th CRL (from 1) of a file that
	// holds several.
	Source string
	// V1 is true when the CRL has no version field (a version 1 CRL).
	V1 bool
	// AlgorithmMismatch is true when the signature algorithm inside the
	// tbsCertList differs (as encoded) from the outer one. OpenSSL 3.0
	// verifies the signature with the outer algorithm and does not compare
	// them (for certificates it does); List.SignatureAlgorithm is the
	// outer one.
	AlgorithmMismatch bool

	revoked  []byte   // content of the revokedCertificates SEQUENCE
	entries  []uint32 // offset of each entry's DER in revoked (in order)
	table    []uint64 // open addressing: hash<<32 | (entry index + 1); 0 = empty slot
	seed     maphash.Seed
	critical []asn1.ObjectIdentifier
	dups     map[uint32][]uint32 // entry index -> later entries with the same serial
	issuers  []issuerChange      // where a certificateIssuer entry extension takes effect
}

// issuerChange records that from entry index start on (until the next
// change), the entries belong to the certificate issuer gens (RFC 5280
// 5.3.3: the extension applies to its entry and the following ones).
type issuerChange struct {
	start int
	gens  []byte
}

// Revoked is one CRL entry with the certificate issuer it applies to.
type Revoked struct {
	x509.RevocationListEntry
	// Issuer is the DER GeneralNames of the certificateIssuer entry
	// extension in effect for this entry (its own or carried over from an
	// earlier entry, as RFC 5280 and OpenSSL read indirect CRLs), or nil
	// when the entry belongs to the CRL's issuer.
	Issuer []byte
}

// Len returns the number of revoked entries in the CRL.
func (c *CRL) Len() int { return len(c.entries) }

// Entry returns the i-th revoked entry (0 <= i < Len()) in the CRL's order.
func (c *CRL) Entry(i int) x509.RevocationListEntry {
	e, _ := c.entryAt(c.entries[i])
	return e
}

// CriticalEntryExtensions returns the distinct types of the entry extensions
// that are marked critical in any entry, in order of first appearance.
// OpenSSL handles only the certificateIssuer entry extension (2.5.29.29);
// any other critical entry extension makes it reject the whole CRL
// ("unhandled critical CRL extension").
func (c *CRL) CriticalEntryExtensions() []asn1.ObjectIdentifier {
	return append([]asn1.ObjectIdentifier(nil), c.critical...)
}

// UnhandledCriticalExtension reports whether the CRL has a critical
// extension that OpenSSL 3.0 does not handle, which makes OpenSSL refuse the
// CRL ("unhandled critical CRL extension"). OpenSSL handles these critical
// CRL extensions: issuing distribution point (2.5.29.28), authority key
// identifier (2.5.29.35) and delta CRL indicator (2.5.29.27); any other,
// including a critical CRL number, counts as unhandled. Of entry extensions
// it handles only the certificate issuer (2.5.29.29).
func (c *CRL) UnhandledCriticalExtension() bool {
	for _, oid := range c.critical {
		if !oid.Equal(oidCertificateIssuer) {
			return true
		}
	}
	for _, e := range c.List.Extensions {
		if !e.Critical {
			continue
		}
		id := e.Id
		handled := len(id) == 4 && id[0] == 2 && id[1] == 5 && id[2] == 29 &&
			(id[3] == 28 || id[3] == 35 || id[3] == 27)
		if !handled {
			return true
		}
	}
	return false
}

// Lookup reports whether serial is on the list and, if so, returns its entry
// (Raw, SerialNumber, RevocationTime, ReasonCode and Extensions filled as
// x509.ParseRevocationList fills them). It takes constant time on average,
// whatever the size of the CRL. When a serial is listed more than once, the
// first entry is returned; LookupAll returns them all with the certificate
// issuer each applies to (indirect CRLs).
func (c *CRL) Lookup(serial *big.Int) (entry x509.RevocationListEntry, revoked bool) {
	i, ok := c.find(serial)
	if !ok {
		return x509.RevocationListEntry{}, false
	}
	e, err := c.entryAt(c.entries[i])
	if err != nil {
		return x509.RevocationListEntry{}, false // checked at Parse; cannot happen
	}
	return e, true
}

// find returns the index of the first entry for serial.
func (c *CRL) find(serial *big.Int) (uint32, bool) {
	if serial == nil || len(c.table) == 0 {
		return 0, false
	}
	var buf [40]byte
	key := integerContent(buf[:0], serial)
	mask := uint64(len(c.table) - 1)
	h := maphash.Bytes(c.seed, key)
	for i := h & mask; ; i = (i + 1) & mask {
		slot := c.table[i]
		if slot == 0 {
			return 0, false
		}
		if slot>>32 != h>>32 {
			continue
		}
		idx := uint32(slot) - 1
		if bytes.Equal(serialAt(c.revoked, c.entries[idx]), key) {
			return idx, true
		}
	}
}

// integerContent appends the minimal two's complement big-endian encoding of
// n (the content octets of a DER INTEGER).
func integerContent(dst []byte, n *big.Int) []byte {
	switch n.Sign() {
	case 0:
		return append(dst, 0)
	case 1:
		total := (n.BitLen() + 7) / 8
		if n.BitLen()%8 == 0 {
			total++ // a leading zero keeps the value positive
		}
		start := len(dst)
		dst = slices.Grow(dst, total)[:start+total]
		n.FillBytes(dst[start:])
		return dst
	default:
		// -n - 1 in magnitude, inverted, is the two's complement of n.
		m := new(big.Int).Neg(n)
		m.Sub(m, big.NewInt(1))
		b := m.Bytes()
		for i := range b {
			b[i] = ^b[i]
		}
		if len(b) == 0 || b[0]&0x80 == 0 {
			dst = append(dst, 0xff)
		}
		return append(dst, b...)
	}
}

// serialAt returns the serial number's content bytes of the entry at off.
// The structure was checked at Parse.
func serialAt(revoked []byte, off uint32) []byte {
	s := cryptobyte.String(revoked[off:])
	var seq, serial cryptobyte.String
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1(&serial, cbasn1.INTEGER) {
		return nil
	}
	return serial
}

// entryAt decodes the entry whose DER starts at off.
func (c *CRL) entryAt(off uint32) (x509.RevocationListEntry, error) {
	s := cryptobyte.String(c.revoked[off:])
	var raw cryptobyte.String
	if !s.ReadASN1Element(&raw, cbasn1.SEQUENCE) {
		return x509.RevocationListEntry{}, errors.New("malformed revoked entry")
	}
	e, _, err := parseEntry(raw, true)
	return e, err
}

// parseEntry checks one revokedCertificates entry (a complete SEQUENCE
// element). With full set it also builds the x509.RevocationListEntry;
// otherwise it only validates (allocating nothing). It returns the serial's
// content bytes.
func parseEntry(raw cryptobyte.String, full bool) (x509.RevocationListEntry, []byte, error) {
	var e x509.RevocationListEntry
	var seq, serial, ttime cryptobyte.String
	var ttag cbasn1.Tag
	s := raw
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !s.Empty() {
		return e, nil, errors.New("malformed revoked entry")
	}
	if !seq.ReadASN1(&serial, cbasn1.INTEGER) || !validInteger(serial) {
		return e, nil, errors.New("malformed serial number in revoked entry")
	}
	if !seq.ReadAnyASN1(&ttime, &ttag) {
		return e, nil, errors.New("malformed revocation date")
	}
	t, ok := parseTime(ttag, ttime)
	if !ok {
		return e, nil, fmt.Errorf("malformed revocation date %q", []byte(ttime))
	}
	var exts cryptobyte.String
	var present bool
	if !seq.ReadOptionalASN1(&exts, &present, cbasn1.SEQUENCE) || !seq.Empty() {
		return e, nil, errors.New("malformed revoked entry extensions")
	}
	if full {
		e.Raw = raw
		e.SerialNumber = new(big.Int)
		sr := cryptobyte.String(raw)
		var inner cryptobyte.String
		sr.ReadASN1(&inner, cbasn1.SEQUENCE)
		inner.ReadASN1Integer(e.SerialNumber)
		e.RevocationTime = t
	}
	for present && !exts.Empty() {
		var ext, oid, val cryptobyte.String
		critical := false
		if !exts.ReadASN1(&ext, cbasn1.SEQUENCE) ||
			!ext.ReadASN1(&oid, cbasn1.OBJECT_IDENTIFIER) ||
			!readCritical(&ext, &critical) ||
			!ext.ReadASN1(&val, cbasn1.OCTET_STRING) || !ext.Empty() {
			return e, nil, errors.New("malformed revoked entry extension")
		}
		isReason := bytes.Equal(oid, []byte{0x55, 0x1d, 0x15})
		if isReason {
			v := val
			var reason int
			if !v.ReadASN1Enum(&reason) || !v.Empty() {
				return e, nil, errors.New("malformed reasonCode entry extension")
			}
			e.ReasonCode = reason
		}
		if full {
			var id asn1.ObjectIdentifier
			o := cryptobyte.String(append([]byte{0x06, byte(len(oid))}, oid...))
			if len(oid) > 127 || !o.ReadASN1ObjectIdentifier(&id) {
				return e, nil, errors.New("malformed entry extension OID")
			}
			e.Extensions = append(e.Extensions, pkix.Extension{Id: id, Critical: critical, Value: val})
		}
	}
	return e, serial, nil
}

// readCritical reads the optional critical BOOLEAN of an extension. Like
// OpenSSL, and unlike strict DER, any non-zero octet is taken as TRUE.
func readCritical(ext *cryptobyte.String, critical *bool) bool {
	if !ext.PeekASN1Tag(cbasn1.BOOLEAN) {
		return true
	}
	var v cryptobyte.String
	if !ext.ReadASN1(&v, cbasn1.BOOLEAN) || len(v) != 1 {
		return false
	}
	*critical = v[0] != 0
	return true
}

// validInteger reports whether b is the content of a DER INTEGER: not
// empty and minimally encoded.
func validInteger(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if len(b) > 1 && ((b[0] == 0 && b[1]&0x80 == 0) || (b[0] == 0xff && b[1]&0x80 != 0)) {
		return false
	}
	return true
}

// parseTime decodes a UTCTime or GeneralizedTime as crypto/x509 does, without
// going through time.Parse for the usual forms (YYMMDDHHMMSSZ and
// YYYYMMDDHHMMSSZ).
func parseTime(tag cbasn1.Tag, b []byte) (time.Time, bool) {
	var year int
	switch {
	case tag == cbasn1.UTCTime && len(b) == 13 && b[12] == 'Z':
		yy, ok := digits(b[0:2])
		if !ok {
			return time.Time{}, false
		}
		year = 1900 + yy
		if yy < 50 {
			year = 2000 + yy
		}
		b = b[2:]
	case tag == cbasn1.GeneralizedTime && len(b) == 15 && b[14] == 'Z':
		y, ok := digits(b[0:4])
		if !ok {
			return time.Time{}, false
		}
		year = y
		b = b[4:]
	case tag == cbasn1.GeneralizedTime || tag == cbasn1.UTCTime:
		// Rarer forms (fractional seconds, no seconds, offsets): as
		// crypto/x509 reads them.
		var t time.Time
		if len(b) > 127 {
			return time.Time{}, false
		}
		s := cryptobyte.String(append([]byte{byte(tag), byte(len(b))}, b...))
		if tag == cbasn1.UTCTime {
			return t, s.ReadASN1UTCTime(&t)
		}
		return t, s.ReadASN1GeneralizedTime(&t)
	default:
		return time.Time{}, false
	}
	mo, ok1 := digits(b[0:2])
	d, ok2 := digits(b[2:4])
	h, ok3 := digits(b[4:6])
	mi, ok4 := digits(b[6:8])
	se, ok5 := digits(b[8:10])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(mo), d, h, mi, se, 0, time.UTC)
	if t.Day() != d { // day beyond the month's length
		return time.Time{}, false
	}
	return t, true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// MaxFileSize bounds the size of a CRL file Load reads: a CRL of 1,000,000
// entries is about 45 MB in DER and 60 MB in PEM. Larger files, and files
// that are not regular files (a FIFO, a device), are refused before reading.
const MaxFileSize = 512 << 20

// Load reads a CRL file: PEM with one or more "X509 CRL" blocks (other
// blocks are skipped) or a single DER CRL.
func Load(path string) ([]*CRL, error) {
	data, err := safefile.Read(path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("crl: %s: %w", path, err)
	}
	return Parse(data, path)
}

// Parse parses CRLs from data: PEM with one or more "X509 CRL" blocks (other
// PEM blocks, such as certificates, are skipped) or one DER CRL. name (a file
// name) is used in errors and as Source. The CRLs keep references into data
// (after PEM decoding, into the decoded bytes), which must not be modified
// afterwards.
func Parse(data []byte, name string) ([]*CRL, error) {
	if len(data) > 0 && data[0] == 0x30 {
		c, err := parseDER(data)
		if err != nil {
			return nil, fmt.Errorf("crl: %s: %w", name, err)
		}
		c.Source = name
		return []*CRL{c}, nil
	}
	var out []*CRL
	rest := data
	blocks := 0
	for {
		var typ string
		var der []byte
		typ, der, rest = nextPEM(rest)
		if typ == "" {
			break
		}
		blocks++
		if typ != PEMType {
			continue
		}
		c, err := parseDER(der)
		if err != nil {
			return nil, fmt.Errorf("crl: %s: CRL %d (PEM block %d): %w", name, len(out)+1, blocks, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		if blocks == 0 {
			return nil, fmt.Errorf("crl: %s: neither PEM nor DER: no CRL found", name)
		}
		return nil, fmt.Errorf("crl: %s: no %q PEM block among %d blocks", name, PEMType, blocks)
	}
	for i, c := range out {
		c.Source = name
		if len(out) > 1 {
			c.Source = fmt.Sprintf("%s #%d", name, i+1)
		}
	}
	return out, nil
}

// nextPEM finds the next PEM block in data and returns its type, its
// decoded bytes when it is a CRL block (nil otherwise) and the rest of data.
// typ is "" when there is no further block. Large CRLs are decoded with one
// base64 pass over the body; blocks with headers, odd whitespace or other
// irregularities are left to encoding/pem.
func nextPEM(data []byte) (typ string, der []byte, rest []byte) {
	const begin, end, dashes = "-----BEGIN ", "-----END ", "-----"
	for {
		i := bytes.Index(data, []byte(begin))
		if i < 0 {
			return "", nil, nil
		}
		if i > 0 && data[i-1] != '\n' {
			data = data[i+len(begin):]
			continue
		}
		block := data[i:]
		line := block
		if nl := bytes.IndexByte(line, '\n'); nl >= 0 {
			line = line[:nl]
		}
		line = bytes.TrimRight(line, " \t\r")
		if !bytes.HasSuffix(line, []byte(dashes)) || len(line) < len(begin)+len(dashes) {
			data = data[i+len(begin):]
			continue
		}
		typ = string(line[len(begin) : len(line)-len(dashes)])
		endMarker := "\n" + end + typ + dashes
		j := bytes.Index(block, []byte(endMarker))
		if j < 0 {
			// No end line: let encoding/pem judge (it finds nothing).
			p, r := pem.Decode(block)
			if p == nil {
				return "", nil, nil
			}
			return p.Type, p.Bytes, r
		}
		after := block[j+len(endMarker):]
		if typ != PEMType {
			return typ, nil, after
		}
		body := block[len(line):j]
		if bytes.IndexByte(body, ':') < 0 {
			buf := make([]byte, base64.StdEncoding.DecodedLen(len(body)))
			if n, err := base64.StdEncoding.Decode(buf, body); err == nil {
				return typ, buf[:n], after
			}
		}
		p, r := pem.Decode(block)
		if p == nil {
			// Malformed block: skip past its end line.
			return typ, nil, after
		}
		return p.Type, p.Bytes, r
	}
}

// parseDER parses one DER CRL.
func parseDER(der []byte) (*CRL, error) {
	input := cryptobyte.String(der)
	var raw, outer, tbsRaw, tbs, outerAlg, sig cryptobyte.String
	if !input.ReadASN1Element(&raw, cbasn1.SEQUENCE) {
		return nil, errors.New("malformed CRL: not a DER SEQUENCE")
	}
	if !input.Empty() {
		return nil, errors.New("malformed CRL: trailing data after the CRL")
	}
	outer = raw
	if !outer.ReadASN1(&outer, cbasn1.SEQUENCE) ||
		!outer.ReadASN1Element(&tbsRaw, cbasn1.SEQUENCE) ||
		!outer.ReadASN1Element(&outerAlg, cbasn1.SEQUENCE) ||
		!outer.ReadASN1Element(&sig, cbasn1.BIT_STRING) || !outer.Empty() {
		return nil, errors.New("malformed CRL: bad CertificateList structure")
	}
	tbs = tbsRaw
	var version, alg, issuer, thisUpd, nextUpd, revoked, exts cryptobyte.String
	var hasVersion, hasNext, hasRevoked, hasExts bool
	var tag cbasn1.Tag
	if !tbs.ReadASN1(&tbs, cbasn1.SEQUENCE) ||
		!readOptionalElement(&tbs, &version, &hasVersion, cbasn1.INTEGER) ||
		!tbs.ReadASN1Element(&alg, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&issuer, cbasn1.SEQUENCE) ||
		!tbs.ReadAnyASN1Element(&thisUpd, &tag) {
		return nil, errors.New("malformed CRL: bad tbsCertList")
	}
	if tbs.PeekASN1Tag(cbasn1.UTCTime) || tbs.PeekASN1Tag(cbasn1.GeneralizedTime) {
		hasNext = tbs.ReadAnyASN1Element(&nextUpd, &tag)
		if !hasNext {
			return nil, errors.New("malformed CRL: bad nextUpdate")
		}
	}
	if !tbs.ReadOptionalASN1(&revoked, &hasRevoked, cbasn1.SEQUENCE) ||
		!readOptionalElement(&tbs, &exts, &hasExts, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!tbs.Empty() {
		return nil, errors.New("malformed CRL: bad tbsCertList")
	}
	if hasExts && !hasVersion {
		return nil, errors.New("malformed CRL: version 1 CRL with extensions")
	}

	// Let crypto/x509 parse everything but the revoked list: a copy of the
	// CRL without it (and with a v2 version field when there is none).
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			if hasVersion {
				b.AddBytes(version)
			} else {
				b.AddASN1Int64(1)
			}
			// crypto/x509 refuses a tbsCertList signature algorithm
			// that differs from the outer one; OpenSSL verifies with
			// the outer one and ignores the inner (AlgorithmMismatch).
			b.AddBytes(outerAlg)
			b.AddBytes(issuer)
			b.AddBytes(thisUpd)
			if hasNext {
				b.AddBytes(nextUpd)
			}
			if hasExts {
				b.AddBytes(exts)
			}
		})
		b.AddBytes(outerAlg)
		b.AddBytes(sig)
	})
	stripped, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("malformed CRL: %w", err)
	}
	list, err := x509.ParseRevocationList(stripped)
	if err != nil {
		return nil, err
	}
	list.Raw = raw
	list.RawTBSRevocationList = tbsRaw
	list.RawIssuer = issuer
	list.RevokedCertificateEntries = nil
	//lint:ignore SA1019 crypto/x509 still fills the deprecated field; drop it so the entries are not held twice.
	list.RevokedCertificates = nil

	c := &CRL{List: list, V1: !hasVersion, revoked: revoked, seed: maphash.MakeSeed(),
		AlgorithmMismatch: !bytes.Equal(alg, outerAlg)}
	if err := c.index(); err != nil {
		return nil, err
	}
	return c, nil
}

// readOptionalElement reads the next element, tag and length included, if it
// has the given tag.
func readOptionalElement(s *cryptobyte.String, out *cryptobyte.String, present *bool, tag cbasn1.Tag) bool {
	*present = s.PeekASN1Tag(tag)
	if !*present {
		return true
	}
	return s.ReadASN1Element(out, tag)
}

// index checks every revoked entry and builds the hash table.
func (c *CRL) index() error {
	// Count first so that the slices are allocated once.
	n := 0
	s := cryptobyte.String(c.revoked)
	for !s.Empty() {
		var e cryptobyte.String
		if !s.ReadASN1Element(&e, cbasn1.SEQUENCE) {
			return fmt.Errorf("malformed revoked entry %d", n+1)
		}
		n++
	}
	if uint64(len(c.revoked)) >= 1<<32 {
		return errors.New("CRL too large (4 GiB or more of revoked entries)")
	}
	c.entries = make([]uint32, 0, n)
	size := 1
	for size < n+n/2+1 {
		size <<= 1
	}
	if n == 0 {
		size = 0
	}
	c.table = make([]uint64, size)
	mask := uint64(size - 1)
	s = cryptobyte.String(c.revoked)
	var seen map[string]bool
	for i := 0; !s.Empty(); i++ {
		off := uint32(len(c.revoked) - len(s))
		var raw cryptobyte.String
		s.ReadASN1Element(&raw, cbasn1.SEQUENCE)
		_, serial, err := parseEntry(raw, false)
		if err != nil {
			return fmt.Errorf("revoked entry %d: %w", i+1, err)
		}
		if bytes.Contains(raw, []byte{0x01, 0x01}) { // may hold a critical flag
			c.noteCritical(raw, &seen)
		}
		if bytes.Contains(raw, []byte{0x06, 0x03, 0x55, 0x1d, 0x1d}) { // may hold certificateIssuer
			c.noteIssuer(i, raw)
		}
		c.entries = append(c.entries, off)
		h := maphash.Bytes(c.seed, serial)
		for j := h & mask; ; j = (j + 1) & mask {
			slot := c.table[j]
			if slot == 0 {
				c.table[j] = h&^0xffffffff | uint64(i+1)
				break
			}
			if slot>>32 == h>>32 && bytes.Equal(serialAt(c.revoked, c.entries[uint32(slot)-1]), serial) {
				// Duplicate serial: the table keeps the first entry,
				// the others are listed for LookupAll.
				if c.dups == nil {
					c.dups = map[uint32][]uint32{}
				}
				first := uint32(slot) - 1
				c.dups[first] = append(c.dups[first], uint32(i))
				break
			}
		}
	}
	return nil
}

// noteIssuer records a certificateIssuer entry extension of entry i.
func (c *CRL) noteIssuer(i int, raw []byte) {
	e, _, err := parseEntry(raw, true)
	if err != nil {
		return
	}
	for _, x := range e.Extensions {
		if x.Id.Equal(oidCertificateIssuer) {
			c.issuers = append(c.issuers, issuerChange{start: i, gens: x.Value})
		}
	}
}

// issuerOf returns the certificate issuer in effect for entry i.
func (c *CRL) issuerOf(i int) []byte {
	k := sort.Search(len(c.issuers), func(k int) bool { return c.issuers[k].start > i })
	if k == 0 {
		return nil
	}
	return c.issuers[k-1].gens
}

// LookupAll returns every entry for serial, in CRL order, each with the
// certificate issuer it applies to. A CRL may list a serial more than once
// (an indirect CRL lists serials of several issuers; OpenSSL then uses the
// first entry whose issuer matches the certificate's).
func (c *CRL) LookupAll(serial *big.Int) []Revoked {
	first, ok := c.find(serial)
	if !ok {
		return nil
	}
	idx := append([]uint32{first}, c.dups[first]...)
	out := make([]Revoked, 0, len(idx))
	for _, i := range idx {
		e, err := c.entryAt(c.entries[i])
		if err != nil {
			continue
		}
		out = append(out, Revoked{RevocationListEntry: e, Issuer: c.issuerOf(int(i))})
	}
	return out
}

// noteCritical records the types of the critical extensions of an entry.
func (c *CRL) noteCritical(raw []byte, seen *map[string]bool) {
	e, _, err := parseEntry(raw, true)
	if err != nil {
		return
	}
	for _, x := range e.Extensions {
		if !x.Critical {
			continue
		}
		if *seen == nil {
			*seen = map[string]bool{}
		}
		k := x.Id.String()
		if !(*seen)[k] {
			(*seen)[k] = true
			c.critical = append(c.critical, x.Id)
		}
	}
}
