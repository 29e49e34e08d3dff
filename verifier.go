package sslstream

import (
	"crypto/tls"
	"crypto/x509"

	"github.com/sslstream/sslstream/cadir"
	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/keyfile"
	"github.com/sslstream/sslstream/verify"
)

// trust holds the frozen verification settings of a context: trust
// anchors, CRLs and their options, loaded once at creation and shared
// (read-only) by every connection.
type trust struct {
	anchors  []verify.IssuerSource
	crls     []verify.CRLSource
	crlCheck verify.CRLMode
	strict   bool
}

func loadTrust(s Settings) (*trust, error) {
	t := &trust{strict: s.X509Strict, crlCheck: s.CRLCheck}
	if s.CAFile != "" {
		certs, err := keyfile.LoadCertificates(s.CAFile)
		if err != nil {
			return nil, settingsError("load ca-file", err)
		}
		t.anchors = append(t.anchors, verify.NewNamedPool("ca-file "+s.CAFile, certs))
	}
	if s.CRLFile != "" {
		crls, err := crl.Load(s.CRLFile)
		if err != nil {
			return nil, settingsError("load crl-file", err)
		}
		t.crls = append(t.crls, crl.NewStore(crls...))
	}
	if s.CADirectory != "" {
		d, err := cadir.Open(s.CADirectory)
		if err != nil {
			return nil, settingsError("load ca-directory", err) // names the directory
		}
		t.anchors = append(t.anchors, d)
		t.crls = append(t.crls, d)
	}
	return t, nil
}

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
		Trust:         c.trust.anchors,
		Intermediates: certs[1:],
		CRLs:          c.trust.crls,
		CRLCheck:      c.trust.crlCheck,
		CRLPolicy:     c.feat.crl,
		MaxDepth:      c.maxDepth,
		Strict:        c.trust.strict,
		// As libssl: the chain is held to the context's security level
		// (weak keys 66/67, weak signatures 68).
		AuthLevel: c.secLevel,
	}
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
	o, err := c.decide(cs, s)
	if err != nil && s == nil {
		return o, classify("handshake", err, o)
	}
	return o, err
}

func (c *config) decide(cs tls.ConnectionState, s *Stream) (*verifyOutcome, error) {
	o := c.verifyPeer(cs.PeerCertificates)
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
	return o, nil
}

func (c *config) ciphersuitesString() string {
	if c.ciphersuites == "" {
		return "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"
	}
	return c.ciphersuites
}
