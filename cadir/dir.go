package cadir

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/internal/x509fallback"
	"github.com/sslstream/sslstream/keyfile"
)

// maxFileSize bounds what a lookup reads from one certificate file; CRL
// files are not bounded (a CRL of millions of entries is legitimate).
const maxFileSize = 16 << 20

// Dir is a hashed certificate directory opened for lookups. It is safe for
// concurrent use; lookups of different hashes proceed in parallel.
type Dir struct {
	path string

	mu    sync.Mutex
	certs map[uint32]*certEntry
	crls  map[uint32]*crlEntry
	// trust holds the trust settings of the certificates read that have
	// some (*x509.Certificate -> *keyfile.TrustSettings).
	trust sync.Map

	filesRead atomic.Int64 // files read so far (for tests and benchmarks)
}

// certEntry caches the certificate files of one hash read so far.
type certEntry struct {
	mu    sync.Mutex
	next  int // number of the next file to look for
	certs []*x509.Certificate
	canon []string // dn.Canonical of each certificate's subject
}

// crlEntry caches the CRL files of one hash read so far.
type crlEntry struct {
	mu   sync.Mutex
	next int
	crls []*crl.CRL
}

// Open checks that path is a directory that can be opened and returns a Dir
// for it. It reads no file of the directory.
func Open(path string) (*Dir, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("cadir: ca-directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("cadir: ca-directory %s: not a directory", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cadir: ca-directory: %w", err)
	}
	f.Close()
	return &Dir{path: path, certs: map[uint32]*certEntry{}, crls: map[uint32]*crlEntry{}}, nil
}

// Path returns the directory's path as given to Open.
func (d *Dir) Path() string { return d.path }

// Issuers returns the certificates of the directory whose subject equals
// rawSubject (a DER Name) under OpenSSL's name comparison (dn.Equal). It
// reads `<hash>.0`, `<hash>.1`, ... (PEM files, each may hold several
// certificates, as OpenSSL reads them) up to the first missing number.
// A file that cannot be read or parsed ends the scan with an error naming
// it; the certificates found before it are returned with the error.
func (d *Dir) Issuers(rawSubject []byte) ([]*x509.Certificate, error) {
	canon, err := dn.Canonical(rawSubject)
	if err != nil {
		return nil, fmt.Errorf("cadir: looking up issuer in %s: %w", d.path, err)
	}
	h, err := dn.Hash(rawSubject)
	if err != nil {
		return nil, fmt.Errorf("cadir: looking up issuer in %s: %w", d.path, err)
	}
	d.mu.Lock()
	e := d.certs[h]
	if e == nil {
		e = &certEntry{}
		d.certs[h] = e
	}
	d.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if found := e.match(canon); len(found) > 0 {
		return found, nil
	}
	for {
		name := filepath.Join(d.path, fmt.Sprintf("%08x.%d", h, e.next))
		data, ok, err := d.readHashFile(name, maxFileSize)
		if err != nil {
			return e.match(canon), err
		}
		if !ok {
			break
		}
		certs, err := parsePEMCerts(data, name)
		if err != nil {
			return e.match(canon), err
		}
		for _, tc := range certs {
			c := tc.Cert
			if e.has(c) {
				continue // the same certificate under two numbers: kept once, as OpenSSL's store does
			}
			if tc.Trust != nil {
				d.trust.Store(c, tc.Trust)
			}
			cc, err := dn.Canonical(c.RawSubject)
			if err != nil {
				cc = []byte{0xff} // matches nothing: canonical forms start with a SET or are empty
			}
			e.certs = append(e.certs, c)
			e.canon = append(e.canon, string(cc))
		}
		e.next++
	}
	return e.match(canon), nil
}

// CRLs returns the CRLs of the directory whose issuer equals rawIssuer (a
// DER Name) under dn.Equal, read from `<hash>.r0`, `<hash>.r1`, ... Each
// call looks for files numbered after the last one read (as OpenSSL does);
// files already read are not read again.
func (d *Dir) CRLs(rawIssuer []byte) ([]*crl.CRL, error) {
	h, err := dn.Hash(rawIssuer)
	if err != nil {
		return nil, fmt.Errorf("cadir: looking up CRLs in %s: %w", d.path, err)
	}
	d.mu.Lock()
	e := d.crls[h]
	if e == nil {
		e = &crlEntry{}
		d.crls[h] = e
	}
	d.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	var scanErr error
	for {
		name := filepath.Join(d.path, fmt.Sprintf("%08x.r%d", h, e.next))
		data, ok, err := d.readHashFile(name, -1)
		if err != nil {
			scanErr = err
			break
		}
		if !ok {
			break
		}
		list, err := crl.Parse(data, name)
		if err != nil {
			scanErr = fmt.Errorf("cadir: %w", err)
			break
		}
		for _, c := range list {
			dup := false
			for _, old := range e.crls {
				dup = dup || bytes.Equal(old.List.Raw, c.List.Raw)
			}
			if !dup {
				e.crls = append(e.crls, c)
			}
		}
		e.next++
	}
	found, err := crl.NewStore(e.crls...).CRLs(rawIssuer)
	if err != nil {
		return nil, fmt.Errorf("cadir: %w", err)
	}
	return found, scanErr
}

// readHashFile reads one numbered file. ok is false when it does not exist
// (including a dangling link: the end of the numbering). A symlink loop,
// a file that is not a regular file (a FIFO would block) or an unreadable
// file is an error naming it.
func (d *Dir) readHashFile(name string, limit int64) (data []byte, ok bool, err error) {
	fi, err := os.Stat(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("cadir: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, false, fmt.Errorf("cadir: %s: not a regular file but %s", name, describeMode(fi.Mode()))
	}
	if limit > 0 && fi.Size() > limit {
		return nil, false, fmt.Errorf("cadir: %s: file too large for a certificate file (%d bytes)", name, fi.Size())
	}
	d.filesRead.Add(1)
	data, err = os.ReadFile(name)
	if err != nil {
		return nil, false, fmt.Errorf("cadir: %w", err)
	}
	return data, true, nil
}

// describeMode names the kind of a file that is not a regular file.
func describeMode(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file (" + m.Type().String() + ")"
}

// isCertPEMType reports whether t is a PEM block type OpenSSL reads
// certificates from.
func isCertPEMType(t string) bool {
	return t == "CERTIFICATE" || t == "X509 CERTIFICATE" || t == "TRUSTED CERTIFICATE"
}

// TrustSettings returns the trust settings of c, a certificate Issuers
// returned, nil when its file gave none. As OpenSSL's hashed-directory
// lookup (PEM_read_bio_X509_AUX), trust settings after the certificate are
// read in CERTIFICATE and X509 CERTIFICATE blocks too.
func (d *Dir) TrustSettings(c *x509.Certificate) *keyfile.TrustSettings {
	if d == nil {
		return nil
	}
	return trustOf(&d.trust, c)
}

// trustOf is the trust settings m (certificate -> *keyfile.TrustSettings)
// holds for c, nil for none.
func trustOf(m *sync.Map, c *x509.Certificate) *keyfile.TrustSettings {
	if v, ok := m.Load(c); ok {
		return v.(*keyfile.TrustSettings)
	}
	return nil
}

// parsePEMCerts parses every certificate block of a PEM file with its trust
// settings (other blocks are skipped). Trust settings that do not decode
// make the file an error, as OpenSSL then skips it.
func parsePEMCerts(data []byte, name string) ([]keyfile.TrustedCertificate, error) {
	var out []keyfile.TrustedCertificate
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if !isCertPEMType(b.Type) {
			continue
		}
		der, trust, err := keyfile.SplitTrustedCertificate(b.Bytes)
		if err != nil {
			return out, fmt.Errorf("cadir: %s: certificate %d: %w", name, len(out)+1, err)
		}
		c, err := x509fallback.ParseCertificate(der)
		if err != nil {
			return out, fmt.Errorf("cadir: %s: certificate %d: %w", name, len(out)+1, err)
		}
		out = append(out, keyfile.TrustedCertificate{Cert: c, Trust: trust})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("cadir: %s: no PEM certificate in the file (OpenSSL reads hashed directories as PEM)", name)
	}
	return out, nil
}

// has reports whether the cache holds c already.
func (e *certEntry) has(c *x509.Certificate) bool {
	for _, old := range e.certs {
		if old.Equal(c) {
			return true
		}
	}
	return false
}

// match returns the cached certificates whose canonical subject is canon.
func (e *certEntry) match(canon []byte) []*x509.Certificate {
	var out []*x509.Certificate
	for i, c := range e.certs {
		if e.canon[i] == string(canon) {
			out = append(out, c)
		}
	}
	return out
}
