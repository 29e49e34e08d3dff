package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testnet"
)

// secLevelDir writes the files of TestOwnCertificateSecLevelCommand: an
// RSA 1024 leaf (weak.pem, weak.key), a leaf below a SHA-1-signed
// intermediate (under-sha1.pem, under-sha1.key) and the CA file its chain
// is built from (sha1-bundle.pem).
func secLevelDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	f := minipki.New()
	st := &minipki.Steps{Dir: dir}
	root := st.Cert(f.Root("SecLevel Root"))
	inter := st.Cert(root.Intermediate("SHA-1 Intermediate", minipki.Template(func(c *x509.Certificate) { c.SignatureAlgorithm = x509.ECDSAWithSHA1 })))
	weak := st.Cert(root.Leaf("localhost", minipki.WithKey(rsa1024)))
	under := st.Cert(inter.Leaf("localhost"))
	st.File("weak.pem", weak.CertPEM())
	st.File("weak.key", weak.KeyPEM())
	st.File("under-sha1.pem", under.CertPEM())
	st.File("under-sha1.key", under.KeyPEM())
	st.File("sha1-bundle.pem", inter.CertPEM(), root.CertPEM())
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	return dir
}

// TestOwnCertificateSecLevelCommand: a certificate whose key is too small
// for the security level stops `sslstream server` and `sslstream client`
// at startup with exit status 1 and OpenSSL's reason, as it stops
// s_server and s_client; at a level it reaches both start. A CA
// certificate of the chain built from --ca-file whose signature is too
// weak fails each handshake instead (internal_error), and the server
// keeps running, as s_server does; a client fails when the server asks
// for its certificate, as s_client does.
func TestOwnCertificateSecLevelCommand(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	dir := secLevelDir(t)
	path := func(name string) string { return filepath.Join(dir, name) }
	level := func(n string) string { return "DEFAULT:@SECLEVEL=" + n }
	opensslTrust := []string{"-no-CApath", "-no-CAstore"}

	// At startup.
	for _, role := range []string{"server", "client"} {
		var ours, theirs result
		if role == "server" {
			ours = sslstreamIn(t, dir, nil, "server", "--listen", "127.0.0.1:0", "--certificate", "weak.pem", "--key", "weak.key", "--ciphers", level("2"))
			theirs = runIn(t, dir, nil, nil, 20*time.Second, "openssl", append([]string{"s_server", "-accept", "127.0.0.1:0", "-cert", "weak.pem", "-key", "weak.key", "-cipher", level("2")}, opensslTrust...)...)
		} else {
			// Nothing listens there: both stop before connecting.
			ours = sslstreamIn(t, dir, nil, "client", "127.0.0.1:1", "--certificate", "weak.pem", "--key", "weak.key", "--ciphers", level("2"))
			theirs = runIn(t, dir, nil, nil, 20*time.Second, "openssl", append([]string{"s_client", "-connect", "127.0.0.1:1", "-cert", "weak.pem", "-key", "weak.key", "-cipher", level("2")}, opensslTrust...)...)
		}
		if ours.code != 1 || theirs.code != 1 {
			t.Errorf("%s at level 2: our exit %d, openssl's %d\nours: %s\nopenssl: %s", role, ours.code, theirs.code, ours, theirs)
		}
		wantContains(t, "openssl s_"+role+" stderr", theirs.stderr, "ee key too small")
		for _, want := range []string{"error:0A00018F:SSL routines::ee key too small", "certificate weak.pem: RSA 1024-bit key is too small for security level 2"} {
			wantContains(t, "sslstream "+role+" stderr", ours.stderr, want)
		}
		if strings.Contains(ours.stderr, "refused") {
			t.Errorf("our client tried to connect:\n%s", ours)
		}
	}
	startOurServer(t, "--certificate", path("weak.pem"), "--key", path("weak.key"), "--ciphers", level("1"))
	startOpenSSLServer(t, dir, "-cert", "weak.pem", "-key", "weak.key", "-cipher", level("1"))

	// At the handshake: the server.
	goClient := func(port string) error {
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", "127.0.0.1:"+port, &tls.Config{InsecureSkipVerify: true})
		if err == nil {
			c.SetDeadline(time.Now().Add(10 * time.Second))
			_, err = c.Read(make([]byte, 1))
			c.Close()
		}
		return err
	}
	ourProc, ourPort := startOurServer(t, "--certificate", path("under-sha1.pem"), "--key", path("under-sha1.key"), "--ca-file", path("sha1-bundle.pem"), "--ciphers", level("1"))
	theirProc, theirPort := startOpenSSLServer(t, dir, append([]string{"-cert", "under-sha1.pem", "-key", "under-sha1.key", "-CAfile", "sha1-bundle.pem", "-cipher", level("1")}, opensslTrust...)...)
	for i := 0; i < 2; i++ {
		for name, port := range map[string]string{"our server": ourPort, "s_server": theirPort} {
			if err := goClient(port); err == nil || !strings.Contains(err.Error(), "internal error") {
				t.Errorf("%s, connection %d: client error %v, want an internal error alert", name, i+1, err)
			}
		}
	}
	if !ourProc.WaitForText("error:0A00018E:SSL routines::ca md too weak", 10*time.Second) || !ourProc.WaitForText("CA certificate 1 of the chain built for it from the trust settings (CN = SHA-1 Intermediate)", time.Second) {
		t.Errorf("our server's log does not say why:\n%s", ourProc)
	}
	if !theirProc.WaitForText("ca md too weak", 10*time.Second) {
		t.Errorf("s_server's output does not say ca md too weak:\n%s", theirProc)
	}
	select {
	case <-ourProc.Done():
		t.Errorf("our server exited:\n%s", ourProc)
	default:
	}

	// At the handshake: the client, asked for its certificate.
	serverCert := func() tls.Certificate {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		c, err := minipki.New().SelfSigned("localhost", minipki.WithKey(k))
		if err != nil {
			t.Fatal(err)
		}
		return tls.Certificate{Certificate: [][]byte{c.DER()}, PrivateKey: k}
	}()
	addr := testnet.Serve(t, func(c net.Conn) {
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		s := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientAuth: tls.RequireAnyClientCert})
		if s.Handshake() == nil {
			s.Write([]byte("x"))
		}
	})
	ours := sslstreamIn(t, dir, nil, "client", addr, "--certificate", "under-sha1.pem", "--key", "under-sha1.key", "--ca-file", "sha1-bundle.pem", "--ciphers", level("1"))
	theirs := runIn(t, dir, nil, nil, 20*time.Second, "openssl", append([]string{"s_client", "-connect", addr, "-cert", "under-sha1.pem", "-key", "under-sha1.key", "-CAfile", "sha1-bundle.pem", "-cipher", level("1")}, opensslTrust...)...)
	if ours.code != 1 || theirs.code != 1 {
		t.Errorf("client, chain built from its CA file: our exit %d, s_client's %d\nours: %s\nopenssl: %s", ours.code, theirs.code, ours, theirs)
	}
	wantContains(t, "openssl s_client output", theirs.stdout+theirs.stderr, "ca md too weak")
	wantContains(t, "sslstream client stderr", ours.stderr, "error:0A00018E:SSL routines::ca md too weak")
}
