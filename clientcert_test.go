package sslstream

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"strconv"
	"testing"
	"time"
)

// TestClientSendsCertificateWhateverCANames: like OpenSSL, a client with a
// certificate sends it when asked, also when its issuer is not among the
// CA names the server lists (crypto/tls alone would send none).
func TestClientSendsCertificateWhateverCANames(t *testing.T) {
	t.Parallel()
	p := pki(t)
	otherPool := x509.NewCertPool()
	otherPool.AddCert(p.otherRoot.Cert)
	srvPair, err := tls.LoadX509KeyPair(p.serverCert, p.serverKey)
	if err != nil {
		t.Fatal(err)
	}
	// received reports the client certificate a crypto/tls server listing
	// only the unrelated CA got from a client built by dial ("" if none).
	received := func(t *testing.T, dial func(net.Conn) error) string {
		cc, sc := connPair(t, "tcp")
		got := make(chan string, 1)
		go func() {
			s := tls.Server(sc, &tls.Config{Certificates: []tls.Certificate{srvPair}, ClientCAs: otherPool,
				ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12})
			s.SetDeadline(time.Now().Add(10 * time.Second))
			name := ""
			if s.Handshake() == nil {
				if pc := s.ConnectionState().PeerCertificates; len(pc) > 0 {
					name = pc[0].Subject.CommonName
				}
			}
			s.Close()
			got <- name
		}()
		if err := dial(cc); err != nil {
			t.Errorf("client handshake: %v", err)
		}
		return <-got
	}
	// The baseline: crypto/tls's own choice sends nothing here.
	pair, err := tls.LoadX509KeyPair(p.clientCert, p.clientKey)
	if err != nil {
		t.Fatal(err)
	}
	if name := received(t, func(c net.Conn) error {
		tc := tls.Client(c, &tls.Config{Certificates: []tls.Certificate{pair}, InsecureSkipVerify: true})
		defer tc.Close()
		return tc.Handshake()
	}); name != "" {
		t.Fatalf("crypto/tls sent %q although its issuer is not listed: the test no longer shows anything", name)
	}
	for _, method := range []string{"tlsv1.2", "tlsv1.3"} {
		t.Run(method, func(t *testing.T) {
			name := received(t, func(c net.Conn) error {
				s, err := Client(c, Settings{Method: method, Certificate: p.clientCert, Key: p.clientKey})
				if err != nil {
					return err
				}
				defer s.Close()
				return s.Handshake()
			})
			if name != "client.example" {
				t.Errorf("server received client certificate %q, want client.example", name)
			}
		})
	}
}

// TestClientCertificateUnderForeignCANamesAgreesWithSClient: against
// `s_server -Verify -CAfile other-ca.pem` (which lists only the unrelated
// CA), our client and `openssl s_client` with the same certificate get the
// same verdict from the server.
func TestClientCertificateUnderForeignCANamesAgreesWithSClient(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	verdict := func(t *testing.T, connect func(addr string)) (int, string) {
		srv := startSServer(t, "-cert", p.serverCert, "-key", p.serverKey, "-CAfile", p.otherCAFile,
			"-Verify", "5", "-verify_return_error", "-naccept", "1", "-tls1_3")
		connect(srv.addr)
		out := srv.finalOutput()
		if m := sServerVerifyErrRE.FindStringSubmatch(out); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n, out
		}
		return 0, out
	}
	want, wantOut := verdict(t, func(addr string) {
		runSClient(t, addr, "x\n", "-cert", p.clientCert, "-key", p.clientKey, "-cert_chain", p.interAsCAFile)
	})
	if want == 0 {
		t.Fatalf("s_server reports no verify error for openssl's client:\n%s", wantOut)
	}
	got, gotOut := verdict(t, func(addr string) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Client(conn, Settings{Certificate: p.clientCert, Key: p.clientKey})
		if err != nil {
			conn.Close()
			t.Fatal(err)
		}
		defer s.Close()
		s.SetDeadline(time.Now().Add(10 * time.Second))
		if err := s.Handshake(); err == nil {
			s.Write([]byte("x\n"))
			s.Read(make([]byte, 1)) // the server's alert
		}
	})
	if got != want {
		t.Errorf("s_server's verdict on our client's certificate: %d, on openssl's: %d\nours:\n%s\nopenssl's:\n%s", got, want, gotOut, wantOut)
	}
}
