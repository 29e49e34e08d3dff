package cadir

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
)

// hashName matches the certificate entries of a hashed directory:
// eight hex digits, a dot, a number (CRLs, `.rN`, are not matched).
var hashName = regexp.MustCompile(`^[0-9a-f]{8}\.[0-9]+$`)

// Certificates reads every certificate entry of the directory
// (`<hash>.N`, in name order), for callers that need the whole set at once,
// such as a crypto/x509 pool. Unlike Issuers it reads every file; an
// unreadable or unparsable entry is an error naming it.
func (d *Dir) Certificates() ([]*x509.Certificate, error) {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return nil, fmt.Errorf("cadir: ca-directory: %w", err)
	}
	var names []string
	for _, e := range entries {
		if hashName.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var out []*x509.Certificate
	for _, n := range names {
		path := filepath.Join(d.path, n)
		data, ok, err := d.readHashFile(path, maxFileSize)
		if err != nil {
			return out, err
		}
		if !ok {
			continue
		}
		certs, err := parsePEMCerts(data, path)
		if err != nil {
			return out, err
		}
		for _, tc := range certs {
			out = append(out, tc.Cert)
		}
	}
	return out, nil
}
