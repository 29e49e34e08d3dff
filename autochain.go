package sslstream

import (
	"crypto/tls"
	"crypto/x509"

	"github.com/sslstream/sslstream/verify"
)

// autoChain completes, from the context's trust, each certificate that
// holds its leaf alone (its file has no intermediates and no
// certificate-chain setting names any), as OpenSSL does for a certificate
// it sends without a chain of its own (libssl's automatic chain, on unless
// SSL_MODE_NO_AUTO_CHAIN): the chain is built as verification builds it,
// from ca-file, ca-directory, ca-store and the default trust store where
// the context uses them, its errors ignored, and sent whole, trust anchor
// included. So `openssl s_server -cert leaf.pem -CAfile bundle.pem` and the
// same settings here send the same certificates. A chain that cannot be
// built past the leaf adds nothing; a certificate with a chain of its own
// is sent as it is.
func autoChain(certs []tls.Certificate, t *trust) {
	for i := range certs {
		c := &certs[i]
		if len(c.Certificate) != 1 || c.Leaf == nil {
			continue
		}
		srcs := t.sources([]*x509.Certificate{c.Leaf})
		if len(srcs) == 0 {
			continue
		}
		// OpenSSL builds it with the store's defaults: no purpose, the
		// default depth.
		r := verify.Verify(c.Leaf, &verify.Options{Trust: srcs, MaxDepth: -1, Purpose: verify.PurposeAny})
		if len(r.Chain) < 2 || r.Chain[0] != c.Leaf {
			continue // nothing past the leaf (or no chain at all)
		}
		for _, ca := range r.Chain[1:] {
			c.Certificate = append(c.Certificate, ca.Raw)
		}
	}
}
