package sslstream

import (
	"crypto/tls"
	"crypto/x509"
	"errors"

	"github.com/sslstream/sslstream/verify"
)

// verifyOutcome is the verification of one peer chain, as a stream
// reports it.
type verifyOutcome struct {
	// present is false when the peer sent no certificate.
	present bool
	// reported is the stream's verify result under its verify mode: the
	// first error under optional/required, the final one under none.
	reported int
	result   *verify.Result
}

func (o *verifyOutcome) textOf(code int) string { return verify.Text(code) }

// verifyPeer verifies a peer's certificates (leaf first) with c's settings.
func (c *config) verifyPeer(certs []*x509.Certificate) *verifyOutcome {
	if len(certs) == 0 {
		return &verifyOutcome{}
	}
	opts := &verify.Options{
		Trust:         c.trust.sources(certs),
		TrustSettings: c.trust.settingsNames(),
		Intermediates: certs[1:],
		CRLs:          c.trust.crls,
		CRLCheck:      c.trust.crlCheck,
		CRLPolicy:     c.feat.crl,
		MaxDepth:      c.maxDepth,
		Strict:        c.trust.strict,
		// Proxy certificates only when allowed (allow-proxy-certs).
		AllowProxyCerts: c.trust.allowProxy,
		// As libssl: the chain is held to the context's security level
		// (weak keys 66/67, weak signatures 68).
		AuthLevel: c.secLevel,
	}
	c.trust.policy.apply(opts)
	// As libssl: a client checks the server purpose, a server the client
	// purpose; the name is checked by clients only.
	if c.server {
		opts.Purpose = verify.PurposeSSLClient
	} else {
		opts.Purpose = verify.PurposeSSLServer
		opts.Hostname = c.serverName
	}
	r := verify.Verify(certs[0], opts)
	o := &verifyOutcome{present: true, result: r, reported: r.Code}
	if c.verify == VerifyNone {
		o.reported = r.FinalCode
	}
	return o
}

// check is the VerifyConnection callback: it verifies the peer, stores the
// outcome on s (when not nil) and decides whether the handshake fails.
// Without a stream (TLSConfig users) the failure is returned as an *Error,
// which crypto/tls passes through to the caller of Handshake.
func (c *config) check(cs tls.ConnectionState, s *Stream) (*verifyOutcome, error) {
	return c.checkOutcome(cs, s, c.verifyPeer(cs.PeerCertificates))
}

// checkOutcome is check with the outcome o of the peer's chain known
// already: verifyPeer's, or a resumed session's (resume.go).
func (c *config) checkOutcome(cs tls.ConnectionState, s *Stream, o *verifyOutcome) (*verifyOutcome, error) {
	o, err := c.decide(cs, s, o)
	if err != nil && s == nil {
		return o, classify("handshake", err, o)
	}
	return o, err
}

// decide records the peer chain's outcome o on s and decides whether the
// handshake fails (the OCSP staple of a server, the TLS 1.3 suite, the
// verify mode).
func (c *config) decide(cs tls.ConnectionState, s *Stream, o *verifyOutcome) (*verifyOutcome, error) {
	var stapleErr error
	if !c.server && o.present {
		// The server's OCSP staple, under the status setting (ocsp.go).
		var st *OCSPStatus
		st, stapleErr = c.stapleOutcome(cs, o)
		var vf *verifyFailure
		if errors.As(stapleErr, &vf) && c.verify != VerifyNone && o.result.Code == 0 {
			o.reported = vf.code // revoked, as the staple says
		}
		if s != nil && st != nil {
			s.ocsp.Store(st)
		}
	}
	if s != nil {
		s.vr.Store(o)
		s.trace.verified(s, o)
	}
	if cs.Version == tls.VersionTLS13 && !c.allowed13(cs.CipherSuite) {
		return o, &suiteFailure{suite: tls.CipherSuiteName(cs.CipherSuite), allowed: c.ciphersuitesString(), server: c.server}
	}
	if o.present && c.verify != VerifyNone && o.result.Code != 0 {
		return o, &verifyFailure{code: o.result.Code, text: verify.Text(o.result.Code), hint: o.result.Hint}
	}
	if stapleErr != nil && c.verify != VerifyNone {
		return o, stapleErr
	}
	return o, nil
}

func (c *config) ciphersuitesString() string {
	if c.ciphersuites == "" {
		return "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"
	}
	return c.ciphersuites
}
