package sslstream

// Temporary until cadir/ is committed: the ca-directory lookup, reading
// <hash>.N and <hash>.rN files on demand with dn.Hash.

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/keyfile"
)

type caDir struct{ path string }

func openCADir(path string) (*caDir, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("not a directory")
	}
	return &caDir{path: path}, nil
}

func (d *caDir) Issuers(rawSubject []byte) ([]*x509.Certificate, error) {
	h, err := dn.Hash(rawSubject)
	if err != nil {
		return nil, nil
	}
	var out []*x509.Certificate
	for i := 0; ; i++ {
		certs, err := keyfile.LoadCertificates(filepath.Join(d.path, fmt.Sprintf("%08x.%d", h, i)))
		if err != nil {
			break
		}
		for _, c := range certs {
			if dn.Equal(c.RawSubject, rawSubject) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

func (d *caDir) CRLs(rawIssuer []byte) ([]*crl.CRL, error) {
	h, err := dn.Hash(rawIssuer)
	if err != nil {
		return nil, nil
	}
	var out []*crl.CRL
	for i := 0; ; i++ {
		crls, err := crl.Load(filepath.Join(d.path, fmt.Sprintf("%08x.r%d", h, i)))
		if err != nil {
			break
		}
		for _, c := range crls {
			if dn.Equal(c.List.RawIssuer, rawIssuer) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}
