package sslstream

import (
	"crypto/tls"
	"crypto/x509"
	"sync/atomic"

	"github.com/sslstream/sslstream/dn"
)

// Client CA names: a server that asks for a client certificate lists the
// subjects of its ca-file certificates in the CertificateRequest, as
// openssl s_server does from -CAfile (SSL_CTX_set_client_CA_list), unless
// the client-ca-names setting is false. A hashed directory or the default
// trust store contributes none (OpenSSL cannot list a directory's names
// either). crypto/tls takes the names from tls.Config.ClientCAs; with the
// ClientAuth modes this library uses (RequestClientCert,
// RequireAnyClientCert) it does not verify the client's chain against
// them: verification stays ours.

// clientCAPool returns the pool whose subjects a server sends, or nil.
func clientCAPool(certs []*x509.Certificate) *x509.CertPool {
	if len(certs) == 0 {
		return nil
	}
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

// setClientCAs sets t.ClientCAs for a server from the ca-file, unless s
// turns the names off.
func (c *config) setClientCAs(s Settings, t *tls.Config) {
	if c.server && (s.ClientCANames == nil || *s.ClientCANames) {
		t.ClientCAs = clientCAPool(c.trust.caFileCerts)
	}
}

// caNames records the CA names of the server's CertificateRequest for a
// client stream.
type caNames struct {
	asked atomic.Bool
	names atomic.Pointer[[]string]
}

// recordCANames wraps a client's GetClientCertificate (nil: send none) so
// that the stream keeps the CA names the server sent.
func (s *Stream) recordCANames(next func(*tls.CertificateRequestInfo) (*tls.Certificate, error)) func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	return func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
		names := make([]string, 0, len(cri.AcceptableCAs))
		for _, raw := range cri.AcceptableCAs {
			names = append(names, dn.String(raw))
		}
		s.caNames.names.Store(&names)
		s.caNames.asked.Store(true)
		if next == nil {
			return new(tls.Certificate), nil
		}
		return next(cri)
	}
}

// CertificateRequested reports whether the server asked this client for
// a certificate (the last handshake's CertificateRequest); false for a
// server stream. It does not start the handshake.
func (s *Stream) CertificateRequested() bool { return s.caNames.asked.Load() }

// AcceptableCANames returns the CA names the server listed when it asked
// for a client certificate ("CN = Test Root CA", in the server's order),
// as openssl s_client prints them under "Acceptable client certificate CA
// names"; empty when it listed none, nil when it asked for no certificate
// (see CertificateRequested) or for a server stream.
func (s *Stream) AcceptableCANames() []string {
	if p := s.caNames.names.Load(); p != nil {
		return append([]string{}, (*p)...)
	}
	return nil
}
