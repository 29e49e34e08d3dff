package sslstream

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"

	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/verify"
)

// ownChains gives each of certs (loaded from the files named alike) the
// chain libssl would send with it. Under build-chain the chain is built
// once and must verify (buildChain); otherwise a certificate that holds
// its leaf alone gets the automatic chain (autoChain).
func ownChains(certs []tls.Certificate, files []string, t *trust, build bool) error {
	for i := range certs {
		c := &certs[i]
		if c.Leaf == nil {
			continue
		}
		if build {
			if err := buildChain(c, files[i], t); err != nil {
				return err
			}
			continue
		}
		autoChain(c, t)
	}
	return nil
}

// autoChain completes, from the context's trust, a certificate that holds
// its leaf alone (its file has no intermediates and no certificate-chain
// setting names any), as OpenSSL does for a certificate it sends without a
// chain of its own (libssl's automatic chain, on unless
// SSL_MODE_NO_AUTO_CHAIN): the chain is built as verification builds it,
// from the chain store (chain-ca-file, chain-ca-directory, chain-ca-store)
// when one is given, else from ca-file, ca-directory, ca-store and the
// default trust store where the context uses them, its errors ignored, and
// sent whole, trust anchor included. So `openssl s_server -cert leaf.pem
// -CAfile bundle.pem` and the same settings here send the same
// certificates. A chain that cannot be built past the leaf adds nothing; a
// certificate with a chain of its own is sent as it is.
func autoChain(c *tls.Certificate, t *trust) {
	if len(c.Certificate) != 1 {
		return
	}
	srcs := t.chainSources([]*x509.Certificate{c.Leaf})
	if len(srcs) == 0 {
		return
	}
	r := verify.Verify(c.Leaf, chainOptions(srcs))
	if len(r.Chain) < 2 || r.Chain[0] != c.Leaf {
		return // nothing past the leaf (or no chain at all)
	}
	for _, ca := range r.Chain[1:] {
		c.Certificate = append(c.Certificate, ca.Raw)
	}
}

// chainOptions are the options libssl builds its own chains with: the
// store's defaults, so no purpose, the default depth, no CRLs.
func chainOptions(srcs []verify.IssuerSource) *verify.Options {
	return &verify.Options{Trust: srcs, MaxDepth: -1, Purpose: verify.PurposeAny}
}

// buildChain is build-chain for one certificate, as libssl's
// SSL_CTX_build_cert_chain with the flags s_server and s_client give it:
// a certificate with a chain of its own has that chain checked alone
// (every certificate of it, the leaf too, is the only trust:
// SSL_BUILD_CHAIN_FLAG_CHECK), so it must reach a self-signed root, and
// is sent in the order verification puts it, without the certificates
// it does not need; a leaf alone gets the chain built from the chain
// store, or without one from the context's trust settings, with no
// untrusted certificates. The chain must verify (under the store's
// defaults, as autoChain's), else the context is not made: the error
// names the certificate file, where the chain was built from and the
// verify result. The chain is sent whole, root included, and a leaf that
// is its own trust anchor is sent alone.
func buildChain(c *tls.Certificate, file string, t *trust) error {
	var srcs []verify.IssuerSource
	from := t.ownFrom
	if len(c.Certificate) > 1 {
		own := []*x509.Certificate{c.Leaf}
		for i, raw := range c.Certificate[1:] {
			ca, err := x509.ParseCertificate(raw)
			if err != nil {
				return settingsError("build certificate chain", fmt.Errorf("certificate %s: chain certificate %d: %w", file, i+1, err))
			}
			own = append(own, ca)
		}
		from = "the certificate's own chain"
		srcs = []verify.IssuerSource{verify.NewNamedPool(from, own)}
	} else {
		srcs = t.chainSources([]*x509.Certificate{c.Leaf})
	}
	r := verify.Verify(c.Leaf, chainOptions(srcs))
	if r.Code != verify.OK {
		subject := ""
		if r.Depth < len(r.Chain) {
			subject = " (" + dn.String(r.Chain[r.Depth].RawSubject) + ")"
		}
		e := settingsError("build certificate chain",
			fmt.Errorf("certificate %s: build-chain: no verified chain from %s: error %d at depth %d%s: %s",
				file, from, r.Code, r.Depth, subject, verify.Text(r.Code)),
			reasonCertificateVerifyFail)
		e.VerifyResult, e.VerifyResultString = r.Code, verify.Text(r.Code)
		return e
	}
	chain := [][]byte{c.Leaf.Raw}
	for _, ca := range r.Chain[1:] {
		chain = append(chain, ca.Raw)
	}
	c.Certificate = chain
	return nil
}
