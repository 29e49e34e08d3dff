package cadir

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/internal/safefile"
	"github.com/sslstream/sslstream/internal/x509fallback"
	"github.com/sslstream/sslstream/keyfile"
)

// maxStoreFileSize bounds a file of a certificate store: it may hold CRLs.
const maxStoreFileSize = crl.MaxFileSize

// Store is a certificate store URI (OpenSSL 3.0's -CAstore, the file:
// scheme of its OSSL_STORE) opened for lookups. A URI naming a file makes
// every certificate and CRL of the file available; one naming a directory
// makes available, for a name, the certificates and CRLs of the files
// named <hash>.N or <hash>.rN (any number, in any order: unlike a
// ca-directory, the numbers need not follow each other, and both kinds of
// file are read for certificates and for CRLs). It is safe for concurrent
// use.
//
// As OpenSSL's store lookup, a file is read object by object (PEM blocks,
// or one DER certificate or CRL) and a lookup succeeds only when the last
// object read is a certificate or a CRL: a key or parameters block ends
// the file without success, a block that does not decode ends it keeping
// the outcome of the one before. What was read stays cached even when the
// lookup failed, as in OpenSSL's X509_STORE: a later lookup of a
// certificate finds it there (the cache is asked first), and a CRL lookup
// returns the cached CRLs of the name once any were cached.
type Store struct {
	uri, path string
	dir       bool

	mu     sync.Mutex
	file   *storeRead            // the file's objects, read once
	byHash map[uint32]*storeRead // a directory's files of each hash, read once
	certs  []*x509.Certificate   // every certificate read so far
	crls   []*crl.CRL            // every CRL read so far

	trust sync.Map // *x509.Certificate -> *keyfile.TrustSettings
}

// storeRead is the outcome of one read of a file, or of the files of a hash.
type storeRead struct {
	objs *storeObjects
	ok   bool
}

// storeObjects are what one lookup made available.
type storeObjects struct {
	certs []*x509.Certificate
	crls  []*crl.CRL
}

// StorePath resolves a store URI to a path as OpenSSL 3.0's file store
// does: a plain path; file:/PATH, file:///PATH and file://localhost/PATH
// (an absolute path, taken as it is: no percent-decoding); another
// scheme with an authority (http://...) is not supported, and one without
// (x:path) is only a path. It returns the first candidate that exists.
func StorePath(uri string) (string, error) {
	type candidate struct {
		path     string
		absolute bool
	}
	cands := []candidate{{path: uri}}
	if i := strings.IndexByte(uri, ':'); i >= 0 && !strings.EqualFold(uri[:i], "file") && strings.HasPrefix(uri[i+1:], "//") {
		return "", fmt.Errorf("cadir: ca-store %s: unsupported URI scheme %q (only file: URIs and paths)", uri, uri[:i])
	}
	if len(uri) >= 5 && strings.EqualFold(uri[:5], "file:") {
		p := uri[5:]
		if strings.HasPrefix(p, "//") {
			cands = cands[:0]
			switch {
			case len(uri) >= 17 && strings.EqualFold(uri[7:17], "localhost/"):
				p = uri[16:]
			case len(uri) > 7 && uri[7] == '/':
				p = uri[7:]
			default:
				return "", fmt.Errorf("cadir: ca-store %s: a file: URI may name no host but localhost", uri)
			}
		}
		cands = append(cands, candidate{path: p, absolute: true})
	}
	var lastErr error
	for _, c := range cands {
		if c.absolute && !strings.HasPrefix(c.path, "/") {
			return "", fmt.Errorf("cadir: ca-store %s: the path of a file: URI must be absolute", uri)
		}
		if _, err := os.Stat(c.path); err != nil {
			lastErr = err
			continue
		}
		return c.path, nil
	}
	return "", fmt.Errorf("cadir: ca-store %s: %w", uri, lastErr)
}

// OpenStore resolves uri (StorePath) and checks that it names a directory
// or a regular file that can be opened; it reads no certificate. A file or
// directory without certificates is no error here: lookups then find
// nothing, as with OpenSSL.
func OpenStore(uri string) (*Store, error) {
	path, err := StorePath(uri)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("cadir: ca-store %s: %w", uri, err)
	}
	s := &Store{uri: uri, path: path, dir: fi.IsDir(), byHash: map[uint32]*storeRead{}}
	if !s.dir && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("cadir: ca-store %s: not a regular file or a directory but %s", uri, describeMode(fi.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cadir: ca-store %s: %w", uri, err)
	}
	f.Close()
	return s, nil
}

// URI returns the store's URI as given to OpenStore.
func (s *Store) URI() string { return s.uri }

// Name is the trust source reported for anchors found in the store.
func (s *Store) Name() string { return "ca-store " + s.uri }

// Issuers returns the store's certificates whose subject equals rawSubject
// under OpenSSL's name comparison: the cached ones, else those of a new
// read when it succeeds. Unreadable files count as files without
// certificates, as for OpenSSL.
func (s *Store) Issuers(rawSubject []byte) ([]*x509.Certificate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if found := s.cachedIssuers(rawSubject); len(found) > 0 {
		return found, nil
	}
	ok, err := s.read(rawSubject)
	if err != nil || !ok {
		return nil, err
	}
	return s.cachedIssuers(rawSubject), nil
}

func (s *Store) cachedIssuers(rawSubject []byte) []*x509.Certificate {
	var out []*x509.Certificate
	for _, c := range s.certs {
		if dn.Equal(c.RawSubject, rawSubject) {
			out = append(out, c)
		}
	}
	return out
}

// CRLs returns the store's CRLs whose issuer equals rawIssuer: after a read,
// the cached ones when the read succeeded or some were cached before.
func (s *Store) CRLs(rawIssuer []byte) ([]*crl.CRL, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	before, err := crl.NewStore(s.crls...).CRLs(rawIssuer)
	if err != nil {
		return nil, fmt.Errorf("cadir: %s: %w", s.Name(), err)
	}
	ok, err := s.read(rawIssuer)
	if err != nil {
		return nil, err
	}
	if !ok && len(before) == 0 {
		return nil, nil
	}
	found, err := crl.NewStore(s.crls...).CRLs(rawIssuer)
	if err != nil {
		return nil, fmt.Errorf("cadir: %s: %w", s.Name(), err)
	}
	return found, nil
}

// TrustSettings returns the trust settings of c, a certificate Issuers
// returned from a TRUSTED CERTIFICATE block, nil when it has none.
func (s *Store) TrustSettings(c *x509.Certificate) *keyfile.TrustSettings {
	if s == nil {
		return nil
	}
	return trustOf(&s.trust, c)
}

// read is one lookup of name in the store: the file, or the directory's
// files of the name's hash (each read once); what it read joins the cache.
// s.mu is held.
func (s *Store) read(rawName []byte) (bool, error) {
	var r *storeRead
	if !s.dir {
		if s.file == nil {
			objs, ok := s.readFile(s.path)
			s.file = &storeRead{objs: objs, ok: ok}
			s.cache(objs)
		}
		r = s.file
	} else {
		h, err := dn.Hash(rawName)
		if err != nil {
			return false, fmt.Errorf("cadir: looking up %s: %w", s.Name(), err)
		}
		r = s.byHash[h]
		if r == nil {
			objs, ok := s.readDirHash(h)
			r = &storeRead{objs: objs, ok: ok}
			s.byHash[h] = r
			s.cache(objs)
		}
	}
	return r.ok, nil
}

// cache adds what a read found to the cache, each object once.
func (s *Store) cache(objs *storeObjects) {
	if objs == nil {
		return
	}
	for _, c := range objs.certs {
		dup := false
		for _, old := range s.certs {
			dup = dup || old.Equal(c)
		}
		if !dup {
			s.certs = append(s.certs, c)
		}
	}
	for _, c := range objs.crls {
		dup := false
		for _, old := range s.crls {
			dup = dup || bytes.Equal(old.List.Raw, c.List.Raw)
		}
		if !dup {
			s.crls = append(s.crls, c)
		}
	}
}

// readDirHash reads the files of the directory named for hash h, in name
// order, up to the first that fails; it succeeds when there is one at
// least and the last read succeeds.
func (s *Store) readDirHash(h uint32) (*storeObjects, bool) {
	all := &storeObjects{}
	entries, err := os.ReadDir(s.path)
	if err != nil {
		return all, false
	}
	prefix := fmt.Sprintf("%08x", h)
	ok := false
	for _, e := range entries {
		if !storeNameMatches(e.Name(), prefix) {
			continue
		}
		objs, fileOK := s.readFile(filepath.Join(s.path, e.Name()))
		if objs != nil {
			all.certs = append(all.certs, objs.certs...)
			all.crls = append(all.crls, objs.crls...)
		}
		ok = fileOK
		if !ok {
			break
		}
	}
	return all, ok
}

// storeNameMatches is the name test of OpenSSL's file store for a search by
// name: the hash (any case), a dot, an optional 'r' and decimal digits.
func storeNameMatches(name, hash string) bool {
	if len(name) < len(hash)+2 || !strings.EqualFold(name[:len(hash)], hash) || name[len(hash)] != '.' {
		return false
	}
	rest := name[len(hash)+1:]
	rest = strings.TrimPrefix(rest, "r")
	if rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] < '0' || rest[i] > '9' {
			return false
		}
	}
	return true
}

// readFile reads one file of the store. ok is the outcome of the last
// object read, as in OpenSSL's cache_objects.
func (s *Store) readFile(path string) (*storeObjects, bool) {
	data, err := safefile.Read(path, maxStoreFileSize)
	if err != nil {
		return nil, false
	}
	return s.parseObjects(data, path)
}

// parseObjects reads the objects of a store file.
func (s *Store) parseObjects(data []byte, name string) (*storeObjects, bool) {
	objs := &storeObjects{}
	if !bytes.Contains(data, []byte("-----BEGIN ")) {
		if c, err := x509fallback.ParseCertificate(data); err == nil {
			objs.certs = append(objs.certs, c)
			return objs, true
		}
		if len(data) > 0 && data[0] == 0x30 {
			if list, err := crl.Parse(data, name); err == nil {
				objs.crls = append(objs.crls, list...)
				return objs, true
			}
		}
		return objs, false
	}
	ok := false
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch {
		case isCertPEMType(b.Type):
			der, trust, err := keyfile.SplitTrustedCertificate(b.Bytes)
			if err != nil {
				return objs, ok
			}
			c, err := x509fallback.ParseCertificate(der)
			if err != nil {
				return objs, ok
			}
			if trust != nil {
				s.trust.Store(c, trust)
			}
			objs.certs = append(objs.certs, c)
			ok = true
		case b.Type == crl.PEMType:
			list, err := crl.Parse(b.Bytes, name)
			if err != nil {
				return objs, ok
			}
			objs.crls = append(objs.crls, list...)
			ok = true
		case strings.HasSuffix(b.Type, "PRIVATE KEY") || strings.HasSuffix(b.Type, "PUBLIC KEY") || strings.HasSuffix(b.Type, "PARAMETERS"):
			return objs, false // not something a certificate store holds
		default:
			return objs, ok // does not decode: the end of the file
		}
	}
	return objs, ok
}
