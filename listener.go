package sslstream

import (
	"context"
	"crypto/tls"
	"net"

	"github.com/sslstream/sslstream/cipherlist"
)

// Listener accepts connections from an inner net.Listener and returns them
// as server streams of one context. It is a net.Listener, so it drops into
// http.Server.Serve and other accept loops. The handshake of each stream is
// lazy, as always: it runs on the stream's first use, in the goroutine that
// handles the connection, so a slow client never holds up Accept. A
// server of many short connections spends less CPU per handshake when
// that goroutine has served a connection before (see the workers
// example).
type Listener struct {
	inner net.Listener
	ctx   *ServerContext
	o     *Overrides
}

// NewListener returns a Listener over inner whose streams use the context's
// settings with o applied (o may be nil). Closing the Listener closes inner.
func (c *ServerContext) NewListener(inner net.Listener, o *Overrides) *Listener {
	return &Listener{inner: inner, ctx: c, o: o}
}

// Listen announces on the local network address (net.Listen) and returns
// a Listener of the context's server streams.
func (c *ServerContext) Listen(network, address string) (*Listener, error) {
	ln, err := net.Listen(network, address)
	if err != nil {
		return nil, err
	}
	return c.NewListener(ln, nil), nil
}

// Accept waits for the next connection and returns it as a *Stream.
func (l *Listener) Accept() (net.Conn, error) { return l.AcceptStream() }

// AcceptStream is Accept returning the *Stream type. A bad override is
// reported for the connection, which is then closed.
func (l *Listener) AcceptStream() (*Stream, error) {
	conn, err := l.inner.Accept()
	if err != nil {
		return nil, err
	}
	s, err := l.ctx.Server(conn, l.o)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the inner listener.
func (l *Listener) Close() error { return l.inner.Close() }

// Addr returns the inner listener's address.
func (l *Listener) Addr() net.Addr { return l.inner.Addr() }

// Dial connects to address on the named network and returns a client
// stream whose handshake has completed, as tls.Dial does. When the context
// has no server-name, the host part of address is sent as SNI and checked
// against the certificate.
func (c *ClientContext) Dial(network, address string) (*Stream, error) {
	return c.DialContext(context.Background(), network, address)
}

// DialContext is Dial with a context, which bounds the connection and the
// handshake.
func (c *ClientContext) DialContext(ctx context.Context, network, address string) (*Stream, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	var o *Overrides
	if c.cfg().serverName == "" {
		if host, _, err := net.SplitHostPort(address); err == nil && host != "" {
			o = &Overrides{ServerName: host}
		}
	}
	s, err := c.Client(conn, o)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if err := s.HandshakeContext(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// NetConn returns the connection the stream wraps. Reading or writing it
// directly corrupts the TLS stream: it is for deadlines, addresses and
// socket options the stream does not expose.
func (s *Stream) NetConn() net.Conn { return s.raw }

// CipherName returns OpenSSL's name of the negotiated cipher suite
// (ECDHE-RSA-AES128-GCM-SHA256 for TLS <= 1.2; the RFC name, which OpenSSL
// uses too, for TLS 1.3), or "" before the handshake. It does not start the
// handshake.
func (s *Stream) CipherName() string {
	cs := s.conn.ConnectionState()
	if !cs.HandshakeComplete {
		return ""
	}
	return CipherSuiteName(cs.CipherSuite)
}

// CipherSuiteName returns OpenSSL's name of the cipher suite id, as
// SSL_CIPHER_get_name does; crypto/tls's name when OpenSSL has none.
func CipherSuiteName(id uint16) string {
	if s, ok := cipherlist.ByID(id); ok && s.Name != "" {
		return s.Name
	}
	return tls.CipherSuiteName(id)
}
