package sslstream

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os/exec"
	"slices"
	"testing"
	"time"
)

// chainPKI is the fixture's PKI (root, intermediate, leaves issued by the
// intermediate) with files of the leaves alone and of every trust file
// the tests name.
type chainPKI struct {
	serverLeaf, serverKey string // the leaf alone
	clientLeaf, clientKey string
	files                 map[string]string // trust file name -> path
}

func newChainPKI(t *testing.T) *chainPKI {
	t.Helper()
	p := pki(t)
	return &chainPKI{
		serverLeaf: writeTemp(t, "server-leaf.pem", p.server.CertPEM()),
		serverKey:  p.serverKey,
		clientLeaf: writeTemp(t, "client-leaf.pem", p.client.CertPEM()),
		clientKey:  p.clientKey,
		files: map[string]string{
			"root and intermediate": writeTemp(t, "bundle.pem", append(p.inter.CertPEM(), p.root.CertPEM()...)),
			"root":                  p.caFile,
			"intermediate":          p.interAsCAFile,
		},
	}
}

// subjectsOf returns the common names of raw certificates, for messages.
func subjectsOf(t *testing.T, raw [][]byte) []string {
	t.Helper()
	out := make([]string, len(raw))
	for i, r := range raw {
		c, err := x509.ParseCertificate(r)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = c.Subject.CommonName
	}
	return out
}

// chainCase is one way a certificate without a chain of its own is
// configured: the trust file (none, or one of chainPKI.files) and whether
// the intermediate is named as the certificate's chain.
type chainCase struct {
	trust string
	chain bool
}

func (c chainCase) String() string {
	s := "no CA file"
	if c.trust != "" {
		s = "CA file of the " + c.trust
	}
	if c.chain {
		s += ", certificate chain given"
	}
	return s
}

var chainCases = []chainCase{
	{"", false},
	{"root and intermediate", false},
	{"root", false},
	{"intermediate", false},
	{"root and intermediate", true},
}

// openSSLTrustArgs are an openssl command's flags for c's trust: only the
// file named, never the default paths.
func (p *chainPKI) openSSLTrustArgs(c chainCase) []string {
	args := []string{"-no-CApath", "-no-CAstore"}
	if c.trust == "" {
		args = append(args, "-no-CAfile")
	} else {
		args = append(args, "-CAfile", p.files[c.trust])
	}
	if c.chain {
		args = append(args, "-cert_chain", p.files["intermediate"])
	}
	return args
}

// settings are our settings for c, with the certificate and key given.
func (p *chainPKI) settings(c chainCase, cert, key string) Settings {
	s := Settings{Certificate: cert, Key: key, CAFile: p.files[c.trust]}
	if c.chain {
		s.CertificateChain = p.files["intermediate"]
	}
	return s
}

// serverSends returns the certificates a server at addr sends.
func serverSends(t *testing.T, addr string) [][]byte {
	t.Helper()
	var got [][]byte
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr, &tls.Config{
		InsecureSkipVerify: true,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			got = slices.Clone(raw)
			return nil
		},
	})
	if err != nil {
		t.Fatalf("handshake with %s: %v", addr, err)
	}
	c.Close()
	return got
}

// TestAutoChainAgainstSServer: a server certificate whose file holds the
// leaf alone is sent with the chain built from the CA file, trust anchor
// included, exactly as openssl s_server sends it; a certificate chain
// given is sent as it is, and a chain that cannot be built adds nothing.
func TestAutoChainAgainstSServer(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := newChainPKI(t)
	for _, c := range chainCases {
		srv := startSServer(t, append([]string{"-cert", p.serverLeaf, "-key", p.serverKey, "-www"}, p.openSSLTrustArgs(c)...)...)
		want := serverSends(t, srv.addr)
		ln, done := serveOneHandshake(t, p.settings(c, p.serverLeaf, p.serverKey))
		got := serverSends(t, ln.Addr().String())
		if err := <-done; err != nil {
			t.Errorf("%s: our server: %v", c, err)
		}
		if !slices.EqualFunc(got, want, bytes.Equal) {
			t.Errorf("%s: our server sends %q, s_server %q", c, subjectsOf(t, got), subjectsOf(t, want))
		}
	}
}

// clientSends runs one handshake of a client (started by connect with the
// address of a server that asks for any client certificate) and returns
// the certificates it sent.
func clientSends(t *testing.T, connect func(addr string) error) [][]byte {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan [][]byte, 1)
	cert, err := tls.LoadX509KeyPair(pki(t).serverCert, pki(t).serverKey)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			got <- nil
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		var sent [][]byte
		s := tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAnyClientCert,
			VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error { sent = slices.Clone(raw); return nil }})
		s.Handshake()
		s.Write([]byte("x"))
		got <- sent
	}()
	if err := connect(ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	return <-got
}

// TestAutoChainAgainstSClient: the same for a client certificate, against
// openssl s_client.
func TestAutoChainAgainstSClient(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := newChainPKI(t)
	for _, c := range chainCases {
		want := clientSends(t, func(addr string) error {
			args := append([]string{"s_client", "-connect", addr, "-cert", p.clientLeaf, "-key", p.clientKey}, p.openSSLTrustArgs(c)...)
			cmd := exec.Command("openssl", args...)
			cmd.Stdin = bytes.NewReader(nil)
			if out, err := cmd.CombinedOutput(); err != nil && !bytes.Contains(out, []byte("CONNECTED")) {
				return fmt.Errorf("%s: s_client: %v\n%s", c, err, out)
			}
			return nil
		})
		got := clientSends(t, func(addr string) error {
			conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
			if err != nil {
				return err
			}
			s, err := Client(conn, p.settings(c, p.clientLeaf, p.clientKey))
			if err != nil {
				conn.Close()
				return fmt.Errorf("%s: %w", c, err)
			}
			defer s.Close()
			s.SetDeadline(time.Now().Add(10 * time.Second))
			if err := s.Handshake(); err != nil {
				return fmt.Errorf("%s: our client: %w", c, err)
			}
			_, err = s.Read(make([]byte, 1))
			return err
		})
		if !slices.EqualFunc(got, want, bytes.Equal) {
			t.Errorf("%s: our client sends %q, s_client %q", c, subjectsOf(t, got), subjectsOf(t, want))
		}
	}
}
