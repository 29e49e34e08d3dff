package sslstream

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// trust holds the frozen verification settings of a context: trust
// anchors, CRLs and their options, loaded once at creation.
type trust struct {
	caFile   string
	caCerts  []*x509.Certificate
	caDir    string
	crlFile  string
	crls     []*x509.RevocationList
	crlCheck CRLCheck
	strict   bool
}

func loadTrust(s Settings) (*trust, error) {
	t := &trust{caFile: s.CAFile, caDir: s.CADirectory, crlFile: s.CRLFile, crlCheck: s.CRLCheck, strict: s.X509Strict}
	if s.CAFile != "" {
		certs, err := loadCAFile(s.CAFile)
		if err != nil {
			return nil, settingsError("load ca-file", fmt.Errorf("ca-file %q: %w", s.CAFile, err))
		}
		t.caCerts = certs
	}
	if s.CADirectory != "" {
		fi, err := os.Stat(s.CADirectory)
		if err != nil {
			return nil, settingsError("load ca-directory", fmt.Errorf("ca-directory: %w", err))
		}
		if !fi.IsDir() {
			return nil, settingsError("load ca-directory", fmt.Errorf("ca-directory %q: not a directory", s.CADirectory))
		}
	}
	if s.CRLFile != "" {
		crls, err := loadCRLFile(s.CRLFile)
		if err != nil {
			return nil, settingsError("load crl-file", fmt.Errorf("crl-file %q: %w", s.CRLFile, err))
		}
		t.crls = crls
	}
	return t, nil
}

// verifyOutcome is the verification of one peer chain, as a stream
// reports it.
type verifyOutcome struct {
	// present is false when the peer sent no certificate.
	present bool
	// code and depth are the first error (what optional/required fail on).
	code, depth int
	// final is what OpenSSL reports when verification continues past
	// every error (verify none).
	final int
	// reported is the stream's verify result under its verify mode.
	reported int
	hint     string
	report   *report
}

func (o *verifyOutcome) textOf(code int) string { return verifyText(code) }

// verifyPeer verifies a peer's certificates (leaf first) with c's settings.
func (c *config) verifyPeer(certs []*x509.Certificate) *verifyOutcome {
	if len(certs) == 0 {
		return &verifyOutcome{}
	}
	host := ""
	if !c.server {
		host = c.serverName
	}
	r := runVerify(certs, c.trust, c.maxDepth, host, !c.server)
	o := &verifyOutcome{present: true, code: r.code, depth: r.depth, final: r.final, hint: r.hint, report: r}
	o.reported = o.code
	if c.verify == VerifyNone {
		o.reported = o.final
	}
	return o
}

// check is the VerifyConnection callback: it verifies the peer, stores the
// outcome on s (when not nil) and decides whether the handshake fails.
func (c *config) check(cs tls.ConnectionState, s *Stream) (*verifyOutcome, error) {
	o := c.verifyPeer(cs.PeerCertificates)
	if s != nil {
		s.vr.Store(o)
	}
	if cs.Version == tls.VersionTLS13 && !c.allowed13(cs.CipherSuite) {
		return o, &suiteFailure{suite: tls.CipherSuiteName(cs.CipherSuite), allowed: c.ciphersuitesString(), server: c.server}
	}
	if o.present && c.verify != VerifyNone && o.code != 0 {
		return o, &verifyFailure{code: o.code, text: verifyText(o.code), hint: o.hint}
	}
	return o, nil
}

func (c *config) ciphersuitesString() string {
	if c.ciphersuites == "" {
		return "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"
	}
	return c.ciphersuites
}
