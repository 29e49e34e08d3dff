package sslstream

import "crypto/tls"

// The client's side of the handshake: every crypto/tls hook a client
// connection uses is set here, for streams and for the exported
// ClientContext.TLSConfig alike. The context's base tls.Config (versions,
// suites, certificate, session cache, ALPN, key log) is built once in
// newConfig and apply; this file binds it to one connection.

// clientTLSConfig returns the tls.Config of one client connection: the
// context's with our verification bound to stream s.
func (c *config) clientTLSConfig(s *Stream) *tls.Config {
	t := c.tls.Clone()
	t.GetClientCertificate = s.recordCANames(s.noteRefusal(t.GetClientCertificate)) // clientca.go, seclevel.go
	t.VerifyConnection = func(cs tls.ConnectionState) error {
		s.ph.phase.Store(phaseFinished)
		_, err := c.check(cs, s)
		return err
	}
	c.setECHClientHooks(t) // ech.go
	return t
}

// exportClientConfig is ClientContext.TLSConfig: the context's tls.Config
// with our verification, for net/http, gRPC and tls.Dial, which set
// Config.ServerName on their own copy of it.
//
// Our callback cannot see that copy: crypto/tls tells VerifyConnection the
// name it sent as SNI, and it never sends an IP address as SNI. So when
// the context has no server-name and verifies, crypto/tls's own
// verification stays on, with the context's trust anchors as RootCAs: it
// checks the certificate against Config.ServerName exactly as plain
// crypto/tls does (DNS names, IPv4 and IPv6 literals), and our OpenSSL
// verification (CRLs, depth, purposes, security level, codes) runs after
// it. A chain must then satisfy both crypto/x509 and OpenSSL's rules. With
// a server-name in the context, our verification alone decides, as on a
// stream.
func (c *config) exportClientConfig() *tls.Config {
	t := c.tls.Clone()
	if c.verify != VerifyNone && c.serverName == "" {
		t.InsecureSkipVerify = false
		t.RootCAs = c.trust.rootCAs()
	}
	t.VerifyConnection = func(cs tls.ConnectionState) error {
		v := c
		if c.serverName == "" && cs.ServerName != "" {
			// The name the user of the Config (net/http: the URL's
			// host) sent as SNI: check the certificate against it too,
			// with OpenSSL's rules and codes (62).
			n := *c
			n.serverName = cs.ServerName
			v = &n
		}
		_, err := v.check(cs, nil)
		return err
	}
	c.setECHClientHooks(t) // ech.go
	return t
}

// openSSLClientCertificate chooses the client certificate the way OpenSSL
// does: the configured one is sent whenever the server asks for a
// certificate and one of the signature algorithms it accepts fits the key,
// whatever CA names the server lists. (crypto/tls on its own sends nothing
// when the issuer is not among those names, so the server would report
// "certificate required" where OpenSSL's peers see the certificate and
// report what is wrong with it, e.g. "unknown ca".)
func openSSLClientCertificate(cert *tls.Certificate) func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	return func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
		anyCA := *cri
		anyCA.AcceptableCAs = nil
		if anyCA.SupportsCertificate(cert) != nil {
			return new(tls.Certificate), nil // no usable signature algorithm: send none
		}
		return cert, nil
	}
}
