package crl

import (
	"fmt"
	"slices"

	"github.com/sslstream/sslstream/dn"
)

// Store holds CRLs indexed by issuer name. It is immutable and safe for
// concurrent use.
type Store struct {
	all      []*CRL
	byIssuer map[string][]*CRL // key: dn.Canonical of the issuer
}

// NewStore indexes crls by issuer. Nil entries are ignored. A CRL whose
// issuer name cannot be canonicalised (malformed strings, which OpenSSL would
// not have parsed either) is kept in All but matches no issuer.
func NewStore(crls ...*CRL) *Store {
	s := &Store{byIssuer: make(map[string][]*CRL)}
	for _, c := range crls {
		if c == nil || c.List == nil {
			continue
		}
		s.all = append(s.all, c)
		key, err := dn.Canonical(c.List.RawIssuer)
		if err != nil {
			continue
		}
		s.byIssuer[string(key)] = append(s.byIssuer[string(key)], c)
	}
	return s
}

// CRLs returns the CRLs whose issuer name equals rawIssuer (a DER Name) as
// OpenSSL's X509_NAME_cmp compares names (dn.Equal), in the order they were
// given to NewStore. The returned slice is a copy.
func (s *Store) CRLs(rawIssuer []byte) ([]*CRL, error) {
	if s == nil {
		return nil, nil
	}
	key, err := dn.Canonical(rawIssuer)
	if err != nil {
		return nil, fmt.Errorf("crl: looking up CRLs by issuer: %w", err)
	}
	return slices.Clone(s.byIssuer[string(key)]), nil
}

// All returns every CRL of the store in the order given to NewStore. The
// returned slice is a copy.
func (s *Store) All() []*CRL {
	if s == nil {
		return nil
	}
	return slices.Clone(s.all)
}
