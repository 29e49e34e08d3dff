package sslstream

import (
	"crypto/tls"
	"fmt"
	"slices"
)

// The server's side of the handshake: every crypto/tls hook a server
// connection uses is set here, for streams and for the exported
// ServerContext.TLSConfig alike. A server connection starts from a tiny
// config whose GetConfigForClient, once the ClientHello is in, returns the
// context's config bound to the connection: the certificate chosen by SNI,
// for TLS <= 1.2 the one suite OpenSSL would pick (ciphers.go), our
// verification of the client's certificate, and the stream's phase and
// trace records.

// streamStart returns the config every server stream of c starts with,
// made once per config (apply) and shared by its streams: the stream is
// found from the connection crypto/tls shows the hooks (ClientHelloInfo's
// Conn is the stream's wireConn), so nothing is made per connection
// before the ClientHello. Session tickets are off here: left to
// crypto/tls, it would make a session ticket key for this config, never
// to use it, since the context's keys seal and open the tickets
// (bindTickets, tickets.go) and the config of the ClientHello says whether
// tickets are issued.
func (c *config) streamStart() *tls.Config {
	return &tls.Config{
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			s, err := helloStream(hello)
			if err != nil {
				return nil, err
			}
			return c.helloConfig(hello, s, nil)
		},
		GetEncryptedClientHelloKeys: func(*tls.ClientHelloInfo) ([]tls.EncryptedClientHelloKey, error) {
			return c.echKeys(), nil
		},
		MinVersion:             c.tls.MinVersion,
		MaxVersion:             c.tls.MaxVersion,
		SessionTicketsDisabled: true,
	}
}

// helloStream returns the stream whose connection hello arrived on.
func helloStream(hello *tls.ClientHelloInfo) (*Stream, error) {
	if w, ok := hello.Conn.(*wireConn); ok {
		return w.s, nil
	}
	return nil, fmt.Errorf("sslstream: a ClientHello on a connection (%T) that is not a stream's", hello.Conn)
}

// exportServerConfig is ServerContext.TLSConfig. current returns the
// context's config when the ClientHello arrives (a context's latest after
// Reload); the exported config lives for many connections, so it keeps
// crypto/tls's session tickets as the caller sets them. What the caller sets on
// the returned config before first use is honoured: NextProtos are
// merged with the alpn setting (so http.Server, which adds "h2" and
// "http/1.1" there, serves HTTP/2), and MinVersion and MaxVersion narrow
// the context's versions.
func exportServerConfig(current func() *config) *tls.Config {
	c := current()
	out := &tls.Config{
		// ECH is decrypted before GetConfigForClient runs (ech.go).
		GetEncryptedClientHelloKeys: func(*tls.ClientHelloInfo) ([]tls.EncryptedClientHelloKey, error) {
			return current().echKeys(), nil
		},
		// Used only if the handshake fails before the ClientHello.
		MinVersion: c.tls.MinVersion,
		MaxVersion: c.tls.MaxVersion,
		NextProtos: slices.Clone(c.tls.NextProtos),
	}
	lo, hi := out.MinVersion, out.MaxVersion // as exported, to tell the caller's changes
	out.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		return current().helloConfig(hello, nil, &callerSettings{
			nextProtos: out.NextProtos,
			minVersion: changed(out.MinVersion, lo),
			maxVersion: changed(out.MaxVersion, hi),
		})
	}
	return out
}

// changed returns v when it differs from the exported value, else 0.
func changed(v, exported uint16) uint16 {
	if v != exported {
		return v
	}
	return 0
}

// callerSettings are the fields a user of an exported server config set
// on it (net/http adds its protocols to NextProtos).
type callerSettings struct {
	nextProtos             []string
	minVersion, maxVersion uint16 // 0 = not changed
}

// helloConfig is the GetConfigForClient of every server connection: the
// config for this ClientHello (configForClient, ciphers.go) with the
// caller's changes of an exported config applied and, for a stream, its
// trace and phase records.
func (c *config) helloConfig(hello *tls.ClientHelloInfo, s *Stream, caller *callerSettings) (*tls.Config, error) {
	if caller != nil && (caller.minVersion != 0 || caller.maxVersion != 0) {
		n := *c
		n.tls = c.tls.Clone()
		if caller.minVersion > n.tls.MinVersion {
			n.tls.MinVersion = caller.minVersion
		}
		if caller.maxVersion != 0 && caller.maxVersion < n.tls.MaxVersion {
			n.tls.MaxVersion = caller.maxVersion
		}
		c = &n
	}
	t, err := c.configForClient(hello, s)
	if err != nil {
		return nil, err
	}
	c.bindTickets(t, s) // tickets.go
	if caller != nil {
		for _, p := range caller.nextProtos {
			if !slices.Contains(t.NextProtos, p) {
				t.NextProtos = append(t.NextProtos, p)
			}
		}
	}
	if s == nil {
		return t, nil
	}
	s.onClientHello(hello, t) // trace.go
	s.noteECHHello(hello)     // ech.go
	s.ph.wantsCert.Store(t.ClientAuth != tls.NoClientCert)
	s.ph.phase.Store(phaseFlight)
	return t, nil
}

// verifyClient is the VerifyConnection of a server connection: our
// verification of the client's certificate, recorded on stream s (nil for
// an exported config). A resumed session whose ticket names the outcome of
// its chain's verification under this configuration reports that outcome
// without verifying again (resume.go).
func (c *config) verifyClient(s *Stream) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if s != nil {
			s.ph.phase.Store(phaseFinished)
			if r := s.resumedVR.Load(); r != nil {
				if cs.DidResume && r.o.sameChain(cs.PeerCertificates) {
					_, err := c.checkOutcome(cs, s, r.o)
					return err
				}
				s.resumedVR.Store(nil) // a full handshake, or not that session
			}
		}
		_, err := c.check(cs, s)
		return err
	}
}

// pickCertificate returns the certificate crypto/tls would choose for hello
// among the server's: the first that supports the ClientHello (names, key
// type), else the first.
func (c *config) pickCertificate(hello *tls.ClientHelloInfo) *tls.Certificate {
	certs := c.tls.Certificates
	if len(certs) == 0 {
		return nil
	}
	if len(certs) > 1 {
		for i := range certs {
			if hello.SupportsCertificate(&certs[i]) == nil {
				return &certs[i]
			}
		}
	}
	return &certs[0]
}

// serverConfigFor is the per-ClientHello configuration of a server: the
// context's tls.Config with our verification bound to stream s (nil for
// TLSConfig users) and, for TLS <= 1.2, only the suite OpenSSL would pick.
func (c *config) serverConfigFor(hello *tls.ClientHelloInfo, s *Stream) *tls.Config {
	t := c.tls.Clone()
	t.VerifyConnection = c.verifyClient(s) // handshake_server.go
	cert := c.pickCertificate(hello)
	if cert == nil {
		return t
	}
	if err := c.ownChainError(cert); err != nil {
		// Its chain falls short of this connection's security level
		// (seclevel.go).
		refuseCertificate(t, err)
		return t
	}
	if len(t.Certificates) > 1 {
		t.Certificates = []tls.Certificate{*cert}
	}
	v := negotiatedVersion(hello, c.tls.MinVersion, c.tls.MaxVersion)
	if v != 0 && v < tls.VersionTLS13 {
		if id, ok := c.chooseSuite(hello.CipherSuites, v, cert); ok {
			t.CipherSuites = []uint16{id}
		}
	}
	return t
}

// configForClient is the GetConfigForClient of a server: serverConfigFor,
// except when TLS 1.3 will be negotiated and the client offers none of the
// ciphersuites setting's suites. OpenSSL refuses such a client before its
// ServerHello with handshake_failure (40), also when the client could do
// TLS 1.2. An error returned here would make crypto/tls send
// internal_error (80) instead, so the configuration returned then makes
// crypto/tls refuse by itself, with handshake_failure, right after its
// TLS 1.3 cipher choice: TLS 1.3 only, and no key exchange group that any
// client can share. The stream's handshake error (s may be nil for
// TLSConfig users, who get crypto/tls's own error) still says why: OpenSSL's
// "no shared cipher" and the suites allowed.
func (c *config) configForClient(hello *tls.ClientHelloInfo, s *Stream) (*tls.Config, error) {
	if negotiatedVersion(hello, c.tls.MinVersion, c.tls.MaxVersion) == tls.VersionTLS13 &&
		!slices.ContainsFunc(hello.CipherSuites, c.allowed13) {
		t := c.serverConfigFor(hello, s)
		t.MinVersion = tls.VersionTLS13
		// crypto/tls keeps only the groups it implements that are also in
		// CurvePreferences: none here, so it answers "no key exchanges
		// supported by both client and server" with handshake_failure.
		t.CurvePreferences = []tls.CurveID{0xffff}
		if s != nil {
			// Recorded first, so Handshake returns it rather than
			// crypto/tls's text about key exchanges.
			s.hsErr.CompareAndSwap(nil, classify("handshake", &suiteFailure{allowed: c.ciphersuitesString(), server: true, noneOffered: true}, nil))
		}
		return t, nil
	}
	return c.serverConfigFor(hello, s), nil
}
