package sslstream

import (
	"crypto/tls"
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

// serverTLSConfig returns the config a server connection starts with.
// current returns the context's config when the ClientHello arrives (a
// context's latest after Reload); s is the stream, nil for an exported
// config.
func serverTLSConfig(current func() *config, s *Stream) *tls.Config {
	c := current()
	return &tls.Config{
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			return current().helloConfig(hello, s, nil)
		},
		// ECH is decrypted before GetConfigForClient runs (ech.go).
		GetEncryptedClientHelloKeys: serverECHKeys(current),
		// Used only if the handshake fails before the ClientHello.
		MinVersion: c.tls.MinVersion,
		MaxVersion: c.tls.MaxVersion,
	}
}

// exportServerConfig is ServerContext.TLSConfig. What the caller sets on
// the returned config before first use is honoured: NextProtos are
// merged with the alpn setting (so http.Server, which adds "h2" and
// "http/1.1" there, serves HTTP/2), and MinVersion and MaxVersion narrow
// the context's versions.
func exportServerConfig(current func() *config) *tls.Config {
	out := serverTLSConfig(current, nil)
	out.NextProtos = slices.Clone(current().tls.NextProtos)
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
// an exported config).
func (c *config) verifyClient(s *Stream) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if s != nil {
			s.ph.phase.Store(phaseFinished)
		}
		_, err := c.check(cs, s)
		return err
	}
}
