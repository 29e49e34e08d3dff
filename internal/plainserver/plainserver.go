// Package plainserver is the baseline that sslstream's server is measured
// against: a crypto/tls server with one goroutine per connection, the
// handshake under a deadline, then an echo loop. bench/serverload runs it
// as "serverload plain-server"; an sslstream binary built with the build
// tag sslstream_baseline runs the same code as "sslstream
// baseline-server", so that the command's server and this one can be
// compared within one binary (docs/PERFORMANCE.md, "The layout term").
package plainserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
)

// WritePKI writes the files the baseline and its clients load into dir
// (made if need be): ca.pem, the root CA; server.pem and server.key, an
// ECDSA P-256 leaf for localhost and 127.0.0.1; server-rsa.pem and
// server-rsa.key, the same as RSA 2048; client.pem and client.key, an
// ECDSA client certificate.
func WritePKI(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f := minipki.New()
	root, err := f.Root("Load Root CA")
	if err != nil {
		return err
	}
	srv, err := root.Leaf("localhost", minipki.IP("127.0.0.1"))
	if err != nil {
		return err
	}
	srvRSA, err := root.Leaf("localhost", minipki.IP("127.0.0.1"), minipki.RSA())
	if err != nil {
		return err
	}
	cli, err := root.Leaf("load.client")
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{
		"ca.pem": root.CertPEM(), "server.pem": srv.CertPEM(), "server.key": srv.KeyPEM(),
		"server-rsa.pem": srvRSA.CertPEM(), "server-rsa.key": srvRSA.KeyPEM(),
		"client.pem": cli.CertPEM(), "client.key": cli.KeyPEM(),
	} {
		if _, err := minipki.WriteFile(dir, name, data); err != nil {
			return err
		}
	}
	return nil
}

// NewConfig is the baseline's configuration from a directory that
// "serverload pki" wrote: the certificate NAME.pem with its key NAME.key
// and, with verify, client certificates required and verified against
// ca.pem. With verify the server also sends ca.pem's root after its leaf,
// as `sslstream server` and `openssl s_server` do when their CA file
// holds the leaf's issuer (the automatic chain), so that every server of
// a comparison sends the same certificates.
func NewConfig(dir, name string, verify bool) (*tls.Config, error) {
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key"))
	if err != nil {
		return nil, fmt.Errorf("plain server certificate %s: %w", name, err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{pair}}
	if verify {
		roots, ders, err := loadRoots(dir)
		if err != nil {
			return nil, err
		}
		cfg.ClientCAs, cfg.ClientAuth = roots, tls.RequireAndVerifyClientCert
		cfg.Certificates[0].Certificate = append(pair.Certificate, ders...)
	}
	return cfg, nil
}

// LoadRoots reads the CA certificates of ca.pem in dir.
func LoadRoots(dir string) (*x509.CertPool, error) {
	p, _, err := loadRoots(dir)
	return p, err
}

// loadRoots reads the CA certificates of ca.pem in dir, as a pool and as
// DER in the file's order.
func loadRoots(dir string) (*x509.CertPool, [][]byte, error) {
	file := filepath.Join(dir, "ca.pem")
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	p := x509.NewCertPool()
	var ders [][]byte
	for rest := b; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file, err)
		}
		p.AddCert(c)
		ders = append(ders, blk.Bytes)
	}
	if len(ders) == 0 {
		return nil, nil, fmt.Errorf("%s: no PEM certificate", file)
	}
	return p, ders, nil
}

// Server is one plain crypto/tls echo server. Set its fields, then call
// Serve; a Server serves one listener once.
type Server struct {
	// TLS is the server's configuration, shared by every connection.
	TLS *tls.Config
	// HandshakeTimeout drops a client that has not completed the
	// handshake after this long (30 seconds when zero).
	HandshakeTimeout time.Duration
	// Small picks the echo loop of `sslstream server --echo` (Echo): a
	// one-byte Read, then a pooled buffer. Without it a connection copies
	// through its own 32 KiB buffer (io.CopyBuffer).
	Small bool

	pool  sync.Pool
	conns sync.Map
	wg    sync.WaitGroup
}

// Serve accepts connections on ln until ctx is done, then closes ln and
// every connection and returns once their goroutines have ended.
func (s *Server) Serve(ctx context.Context, ln net.Listener) {
	if s.HandshakeTimeout <= 0 {
		s.HandshakeTimeout = 30 * time.Second
	}
	s.pool.New = newEchoBuffer
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
		case <-done:
		}
		ln.Close()
		s.conns.Range(func(k, _ any) bool { k.(net.Conn).Close(); return true })
	}()
	s.accept(ln)
	close(done)
	s.wg.Wait()
}

// accept is the accept loop (named for the profiles).
func (s *Server) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go s.handle(c)
	}
}

// handle is one connection (named for the profiles).
func (s *Server) handle(c net.Conn) {
	defer s.wg.Done()
	t := tls.Server(c, s.TLS)
	s.conns.Store(t, struct{}{})
	defer s.conns.Delete(t)
	defer t.Close()
	t.SetDeadline(time.Now().Add(s.HandshakeTimeout))
	if err := t.Handshake(); err != nil {
		return
	}
	t.SetDeadline(time.Time{})
	if !s.Small {
		io.CopyBuffer(t, struct{ io.Reader }{t}, make([]byte, 32<<10))
		return
	}
	Echo(t, &s.pool)
}

// EchoPool returns a pool of the buffers Echo borrows.
func EchoPool() *sync.Pool { return &sync.Pool{New: newEchoBuffer} }

func newEchoBuffer() any { return new([16 << 10]byte) }

// Conn is what Echo needs of a connection: a *tls.Conn or an
// *sslstream.Stream.
type Conn interface {
	io.ReadWriter
	SetReadDeadline(time.Time) error
}

// Echo is the echo loop of `sslstream server --echo`: block on a one-byte
// Read, then take what else is there into a buffer from pool (EchoPool)
// without waiting, send it back (and flush it, for a connection that has
// Flush). It returns when the connection fails or ends.
func Echo(t Conn, pool *sync.Pool) {
	flush := func() error { return nil }
	if f, ok := t.(interface{ Flush() error }); ok {
		flush = f.Flush
	}
	first := make([]byte, 1)
	for {
		n, err := t.Read(first)
		if n > 0 {
			bp := pool.Get().(*[16 << 10]byte)
			buf := bp[:]
			buf[0] = first[0]
			k := 1
			t.SetReadDeadline(time.Unix(1, 0))
			var rerr error
			for {
				var m int
				m, rerr = t.Read(buf[k:])
				k += m
				if k > 0 {
					if _, werr := t.Write(buf[:k]); werr != nil || flush() != nil {
						pool.Put(bp)
						return
					}
					k = 0
				}
				if rerr != nil {
					break
				}
			}
			pool.Put(bp)
			var ne net.Error
			if !errors.As(rerr, &ne) || !ne.Timeout() {
				return
			}
			t.SetReadDeadline(time.Time{})
		}
		if err != nil {
			return
		}
	}
}
