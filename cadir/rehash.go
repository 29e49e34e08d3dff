package cadir

import (
	"bytes"
	"crypto/sha1"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/sslstream/sslstream/dn"
)

// HashKind selects which name hash Rehash names links by.
type HashKind int

const (
	// HashNew names links by X509_NAME_hash (OpenSSL 1.0 and later; the
	// default).
	HashNew HashKind = iota
	// HashOld names links by X509_NAME_hash_old (`openssl rehash -old`).
	HashOld
	// HashBoth makes links for both hashes (`openssl rehash -compat`).
	HashBoth
)

// RehashOptions are the options of `openssl rehash`.
type RehashOptions struct {
	// Hash selects the hash (default HashNew).
	Hash HashKind
	// KeepLinks leaves existing hash links that are no longer needed in
	// place (`openssl rehash -n`).
	KeepLinks bool
}

// Link is one hash link Rehash left in place or made.
type Link struct {
	// Name is the link's name in the directory, e.g. "5ad8a5d6.0" or
	// "5ad8a5d6.r0".
	Name string
	// Target is the file the link points to, relative to the directory
	// (the file's name in it), as the link holds it.
	Target string
	// Kept is true when the link already existed and was used as it was.
	Kept bool
}

// RehashReport says what Rehash did to one directory.
type RehashReport struct {
	// Dir is the directory.
	Dir string
	// Links are the hash links in use after the run, in the order OpenSSL
	// handles them.
	Links []Link
	// Removed are the names of hash links that were deleted.
	Removed []string
	// Actions are the lines `openssl rehash -v` prints after "Doing DIR",
	// in its order: "link FILE -> NAME" and "unlink NAME".
	Actions []string
	// Warnings are OpenSSL's warnings, without the program name, e.g.
	// "warning: skipping duplicate certificate in a.pem" or
	// "warning: skipping b.pem,it does not contain exactly one certificate
	// or CRL" (sic).
	Warnings []string
	// Errors are the problems that count as errors (OpenSSL's exit status
	// is their number). Where OpenSSL prints a message the text is its own
	// without the program name ("error: skipping x.pem, cannot open file");
	// where it counts an error silently (a file holding only a private key)
	// the text says what happened.
	Errors []string
}

const maxCollisions = 256

var suffixes = [2]string{"", "r"}

// hentry is one file (or existing link target) under one hash.
type hentry struct {
	filename    string
	oldID       uint16 // number of an existing link; 0xffff = none
	needSymlink bool
	digest      [sha1.Size]byte
	hasDigest   bool
}

// bucket holds the files of one (type, hash).
type bucket struct {
	typ       int
	hash      uint32
	entries   []*hentry
	numNeeded int
}

// rehasher mirrors the state of one `openssl rehash` run over a directory.
type rehasher struct {
	dir   string
	opts  RehashOptions
	table [257][]*bucket // each chain newest first, as OpenSSL's
	rep   *RehashReport
}

// Rehash creates, in dir, the `<hash>.N` and `<hash>.rN` symbolic links that
// `openssl rehash dir` (OpenSSL 3.0) creates, with the same names and
// numbering, relative targets, and the same handling of existing links,
// duplicates (same SHA-1 fingerprint: skipped with a warning) and files
// that do not hold exactly one certificate or CRL (skipped with a warning).
//
// As OpenSSL does, it considers every entry of the directory (hidden files
// included) in byte order of their names: symbolic links named like hash
// links are taken as existing links; other files are read only if their name
// ends in .pem, .crt, .cer or .crl (any case), and only as PEM (a DER file
// is skipped with the "does not contain exactly one" warning). Existing
// links pointing to the right file keep their number; links no longer
// needed are removed unless opts.KeepLinks. One difference: a FIFO or other
// non-regular file with such an extension is reported as an error instead of
// blocking forever as OpenSSL does.
//
// The error is non-nil only when the directory itself cannot be used (not
// writable, not readable); problems with single files are in the report.
func Rehash(dir string, opts RehashOptions) (*RehashReport, error) {
	rep := &RehashReport{Dir: dir}
	if err := canWrite(dir); err != nil {
		return rep, fmt.Errorf("cadir: rehash: skipping %s, can't write: %w", dir, err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return rep, fmt.Errorf("cadir: rehash: %w", err)
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	r := &rehasher{dir: dir, opts: opts, rep: rep}
	for _, name := range names {
		full := filepath.Join(dir, name)
		fi, err := os.Lstat(full)
		if err != nil {
			continue
		}
		if fi.Mode()&fs.ModeSymlink != 0 && r.handleSymlink(name, full) == 0 {
			continue
		}
		r.doFile(name, full)
	}
	r.finish()
	return rep, nil
}

func (r *rehasher) warn(format string, args ...any) {
	r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf(format, args...))
}

func (r *rehasher) fail(format string, args ...any) int {
	r.rep.Errors = append(r.rep.Errors, fmt.Sprintf(format, args...))
	return 1
}

// addEntry records a file (digest non-nil, needing a link) or an existing
// link's target (digest nil) under (typ, hash). It returns the number of
// errors.
func (r *rehasher) addEntry(typ int, hash uint32, filename string, digest *[sha1.Size]byte, needSymlink bool, oldID uint16) int {
	ndx := (uint32(typ) + hash) % uint32(len(r.table))
	var bp *bucket
	for _, b := range r.table[ndx] {
		if b.typ == typ && b.hash == hash {
			bp = b
			break
		}
	}
	if bp == nil {
		bp = &bucket{typ: typ, hash: hash}
		r.table[ndx] = append([]*bucket{bp}, r.table[ndx]...)
	}
	var found *hentry
	for _, ep := range bp.entries {
		if digest != nil && ep.hasDigest && *digest == ep.digest {
			kind := "certificate"
			if typ == 1 {
				kind = "CRL"
			}
			r.warn("warning: skipping duplicate %s in %s", kind, filename)
			return 0
		}
		if filename == ep.filename {
			found = ep
			if digest == nil {
				break
			}
		}
	}
	ep := found
	if ep == nil {
		if bp.numNeeded >= maxCollisions {
			return r.fail("error: hash table overflow for %s", filename)
		}
		ep = &hentry{filename: filename, oldID: 0xffff}
		bp.entries = append(bp.entries, ep)
	}
	if oldID < ep.oldID {
		ep.oldID = oldID
	}
	if needSymlink && !ep.needSymlink {
		ep.needSymlink = true
		bp.numNeeded++
		ep.digest = *digest
		ep.hasDigest = true
	}
	return 0
}

// handleSymlink takes a symbolic link named like a hash link as an existing
// link. It returns 0 when it did, -1 when the name is not a hash-link name
// (the entry is then handled as a file), or an error count.
func (r *rehasher) handleSymlink(name, full string) int {
	if len(name) < 9 || name[8] != '.' {
		return -1
	}
	var hash uint32
	for i := 0; i < 8; i++ {
		v, ok := hexVal(name[i])
		if !ok {
			return -1
		}
		hash = hash<<4 | uint32(v)
	}
	rest := name[9:]
	typ := 0
	if len(rest) > 0 && (rest[0] == 'r' || rest[0] == 'R') {
		typ = 1
		rest = rest[1:]
	}
	id, ok := strtoul(rest)
	if !ok {
		return -1
	}
	target, err := os.Readlink(full)
	if err != nil || len(target) >= 4096 {
		return -1
	}
	return r.addEntry(typ, hash, target, nil, false, uint16(id))
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// strtoul mimics C's strtoul(s, &end, 10) followed by a check that *end is
// the terminating NUL: leading white space and a sign are allowed, an empty
// string is 0, and a negative or overflowing value wraps as in C.
func strtoul(s string) (uint64, bool) {
	if s == "" {
		return 0, true
	}
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var v uint64
	overflow := false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		d := uint64(s[i] - '0')
		if v > (^uint64(0)-d)/10 {
			overflow = true
		}
		v = v*10 + d
		i++
	}
	if i == start || i != len(s) {
		return 0, false // no digits (end would be s itself) or trailing junk
	}
	if overflow {
		return ^uint64(0), true
	}
	if neg {
		v = -v
	}
	return v, true
}

// pemInfo is one X509_INFO: what PEM_X509_INFO_read_bio groups together.
type pemInfo struct {
	cert, crl []byte // DER of the certificate / CRL
	key       bool
}

// readInfos reads a PEM file the way PEM_X509_INFO_read_bio does: a
// certificate, a CRL and a private key are grouped into one item until a
// second of the same kind starts a new one; other blocks are ignored. ok is
// false when the file is malformed (OpenSSL then skips it silently).
func readInfos(data []byte) (infos []pemInfo, ok bool) {
	var cur pemInfo
	empty := true
	begins := 0
	for _, line := range bytes.Split(data, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("-----BEGIN ")) {
			begins++
		}
	}
	decoded := 0
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		decoded++
		switch {
		case isCertPEMType(b.Type):
			der, ok := certElement(b.Bytes)
			if !ok {
				return nil, false
			}
			if cur.cert != nil {
				infos = append(infos, cur)
				cur = pemInfo{}
			}
			cur.cert, empty = der, false
		case b.Type == "X509 CRL":
			der, ok := crlElement(b.Bytes)
			if !ok {
				return nil, false
			}
			if cur.crl != nil {
				infos = append(infos, cur)
				cur = pemInfo{}
			}
			cur.crl, empty = der, false
		case strings.Contains(b.Type, "PRIVATE KEY"):
			if cur.key {
				infos = append(infos, cur)
				cur = pemInfo{}
			}
			cur.key, empty = true, false
		}
	}
	if decoded < begins {
		return nil, false // a block that does not decode: OpenSSL fails the file
	}
	if !empty {
		infos = append(infos, cur)
	}
	return infos, true
}

// certElement checks the outline of a DER certificate (enough to find its
// subject) and returns the certificate's element.
func certElement(b []byte) ([]byte, bool) {
	s := cryptobyte.String(b)
	var cert, body cryptobyte.String
	if !s.ReadASN1Element(&cert, cbasn1.SEQUENCE) {
		return nil, false
	}
	body = cert
	var tbs, alg cryptobyte.String
	var sig cryptobyte.String
	if !body.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadASN1(&tbs, cbasn1.SEQUENCE) ||
		!body.ReadASN1(&alg, cbasn1.SEQUENCE) || !body.ReadASN1(&sig, cbasn1.BIT_STRING) {
		return nil, false
	}
	if _, ok := certSubject(cert); !ok {
		return nil, false
	}
	return cert, true
}

// certSubject returns the raw subject Name of a DER certificate.
func certSubject(cert []byte) ([]byte, bool) {
	s := cryptobyte.String(cert)
	var body, tbs, skip, subject cryptobyte.String
	if !s.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadASN1(&tbs, cbasn1.SEQUENCE) ||
		!tbs.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!tbs.ReadASN1(&skip, cbasn1.INTEGER) || !tbs.ReadASN1(&skip, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1(&skip, cbasn1.SEQUENCE) || !tbs.ReadASN1(&skip, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&subject, cbasn1.SEQUENCE) {
		return nil, false
	}
	if _, err := dn.Canonical(subject); err != nil {
		return nil, false
	}
	return subject, true
}

// crlElement checks the outline of a DER CRL and returns its element.
func crlElement(b []byte) ([]byte, bool) {
	s := cryptobyte.String(b)
	var el cryptobyte.String
	if !s.ReadASN1Element(&el, cbasn1.SEQUENCE) {
		return nil, false
	}
	if _, ok := crlIssuer(el); !ok {
		return nil, false
	}
	return el, true
}

// crlIssuer returns the raw issuer Name of a DER CRL.
func crlIssuer(der []byte) ([]byte, bool) {
	s := cryptobyte.String(der)
	var body, tbs, alg, sig, skip, issuer cryptobyte.String
	if !s.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadASN1(&tbs, cbasn1.SEQUENCE) ||
		!body.ReadASN1(&alg, cbasn1.SEQUENCE) || !body.ReadASN1(&sig, cbasn1.BIT_STRING) {
		return nil, false
	}
	if tbs.PeekASN1Tag(cbasn1.INTEGER) && !tbs.ReadASN1(&skip, cbasn1.INTEGER) {
		return nil, false
	}
	if !tbs.ReadASN1(&skip, cbasn1.SEQUENCE) || !tbs.ReadASN1Element(&issuer, cbasn1.SEQUENCE) {
		return nil, false
	}
	if _, err := dn.Canonical(issuer); err != nil {
		return nil, false
	}
	return issuer, true
}

// doFile handles one directory entry that is not an existing hash link.
func (r *rehasher) doFile(name, full string) {
	ext := strings.LastIndexByte(name, '.')
	if ext < 0 {
		return
	}
	switch strings.ToLower(name[ext+1:]) {
	case "pem", "crt", "cer", "crl":
	default:
		return
	}
	fi, err := os.Stat(full)
	if err != nil {
		r.fail("error: skipping %s, cannot open file", name)
		return
	}
	var data []byte
	switch {
	case fi.IsDir():
		// OpenSSL opens it and reads nothing.
	case !fi.Mode().IsRegular():
		r.fail("error: skipping %s, not a regular file but %s", name, describeMode(fi.Mode()))
		return
	default:
		data, err = os.ReadFile(full)
		if err != nil {
			r.fail("error: skipping %s, cannot open file", name)
			return
		}
	}
	infos, ok := readInfos(data)
	if !ok {
		return // OpenSSL skips a malformed PEM file without a word
	}
	if len(infos) != 1 {
		r.warn("warning: skipping %s,it does not contain exactly one certificate or CRL", name)
		return
	}
	info := infos[0]
	var typ int
	var nameDER, obj []byte
	switch {
	case info.cert != nil:
		typ, obj = 0, info.cert
		nameDER, _ = certSubject(info.cert)
	case info.crl != nil:
		typ, obj = 1, info.crl
		nameDER, _ = crlIssuer(info.crl)
	default:
		r.fail("error: skipping %s, it holds a private key but no certificate or CRL", name)
		return
	}
	digest := sha1.Sum(obj)
	if r.opts.Hash == HashNew || r.opts.Hash == HashBoth {
		h, err := dn.Hash(nameDER)
		if err == nil {
			r.addEntry(typ, h, name, &digest, true, 0xffff)
		}
	}
	if r.opts.Hash == HashOld || r.opts.Hash == HashBoth {
		h, err := dn.HashOld(nameDER)
		if err == nil {
			r.addEntry(typ, h, name, &digest, true, 0xffff)
		}
	}
}

// finish makes and removes links, bucket by bucket in OpenSSL's order.
func (r *rehasher) finish() {
	for i := range r.table {
		for _, bp := range r.table[i] {
			// Kept links take numbers below numNeeded; new links take the
			// lowest free numbers, which can go past numNeeded when a stale
			// link keeps a low number (as in OpenSSL).
			used := make([]bool, bp.numNeeded+len(bp.entries)+1)
			for _, ep := range bp.entries {
				if int(ep.oldID) < bp.numNeeded {
					used[ep.oldID] = true
				}
			}
			nextID := 0
			for _, ep := range bp.entries {
				switch {
				case int(ep.oldID) < bp.numNeeded:
					link := fmt.Sprintf("%08x.%s%d", bp.hash, suffixes[bp.typ], ep.oldID)
					r.rep.Actions = append(r.rep.Actions, fmt.Sprintf("link %s -> %s", ep.filename, link))
					r.rep.Links = append(r.rep.Links, Link{Name: link, Target: ep.filename, Kept: true})
				case ep.needSymlink:
					for used[nextID] {
						nextID++
					}
					link := fmt.Sprintf("%08x.%s%d", bp.hash, suffixes[bp.typ], nextID)
					r.rep.Actions = append(r.rep.Actions, fmt.Sprintf("link %s -> %s", ep.filename, link))
					full := filepath.Join(r.dir, link)
					if err := unlink(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
						r.fail("Can't unlink %s, %v", full, errText(err))
					}
					if err := os.Symlink(ep.filename, full); err != nil {
						r.fail("Can't symlink %s, %v", ep.filename, errText(err))
					} else {
						r.rep.Links = append(r.rep.Links, Link{Name: link, Target: ep.filename})
					}
					used[nextID] = true
				case !r.opts.KeepLinks:
					link := fmt.Sprintf("%08x.%s%d", bp.hash, suffixes[bp.typ], ep.oldID)
					r.rep.Actions = append(r.rep.Actions, "unlink "+link)
					full := filepath.Join(r.dir, link)
					if err := unlink(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
						r.fail("Can't unlink %s, %v", full, errText(err))
					} else if err == nil {
						r.rep.Removed = append(r.rep.Removed, link)
					}
				}
			}
		}
	}
}

// errText returns the operating system's message of err (like strerror).
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}
