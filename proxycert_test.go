package sslstream

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"strconv"
	"testing"

	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/verify"
)

// TestAllowProxyCertsSetting: a server that requires a client certificate
// gives an RFC 3820 proxy certificate the verdict `openssl s_server
// -Verify` gives it with and without -allow_proxy_certs: refused (40)
// unless the allow-proxy-certs setting is on, then checked as OpenSSL
// checks it (a proxy whose subject is not its issuer's name plus a
// commonName: 72).
func TestAllowProxyCertsSetting(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	st := &minipki.Steps{Dir: t.TempDir()}
	user := st.Cert(p.inter.Leaf("User", minipki.Subject(pkix.Name{Organization: []string{"Proxy Test"}, CommonName: "User"})))
	// ProxyCertInfo { proxyPolicy { id-ppl-inheritAll } }, critical.
	pci := minipki.Extra(pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 14}, Critical: true,
		Value: []byte{0x30, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x15, 0x01}})
	noSAN := minipki.Template(func(c *x509.Certificate) { c.DNSNames, c.IPAddresses = nil, nil })
	cnOID, ouOID := asn1.ObjectIdentifier{2, 5, 4, 3}, asn1.ObjectIdentifier{2, 5, 4, 11}
	// The user's name and one more attribute (ExtraNames alone: they
	// would replace a CommonName of the same type).
	proxyName := func(cn string, typ asn1.ObjectIdentifier) pkix.Name {
		return pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{2, 5, 4, 10}, Value: "Proxy Test"},
			{Type: cnOID, Value: "User"}, {Type: typ, Value: cn}}}
	}
	good := st.Cert(user.Leaf("proxy", minipki.Subject(proxyName("proxy", cnOID)), noSAN, pci))
	bad := st.Cert(user.Leaf("proxy", minipki.Subject(proxyName("proxy", ouOID)), noSAN, pci))
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	type files struct{ chain, cert, key, issuers string }
	write := func(name string, c *minipki.Cert) files {
		return files{st.File(name+".pem", c.ChainPEM()), st.File(name+"-leaf.pem", c.CertPEM()), st.File(name+".key", c.KeyPEM()),
			st.File(name+"-issuers.pem", user.CertPEM(), p.inter.CertPEM())}
	}
	goodFiles, badFiles := write("good", good), write("bad", bad)

	for _, tc := range []struct {
		name  string
		f     files
		allow string
	}{
		{"refused", goodFiles, ""},
		{"refused false", goodFiles, "false"},
		{"allowed", goodFiles, "true"},
		{"allowed bad subject", badFiles, "true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// openssl s_server's verdict on the same client.
			args := []string{"-cert", p.serverCert, "-key", p.serverKey, "-CAfile", p.caFile,
				"-Verify", "5", "-verify_return_error", "-naccept", "1", "-rev"}
			if tc.allow == "true" {
				args = append(args, "-allow_proxy_certs")
			}
			srv := startSServer(t, args...)
			clientArgs := []string{"-tls1_3", "-cert", tc.f.cert, "-key", tc.f.key, "-cert_chain", tc.f.issuers}
			runSClient(t, srv.addr, "x\n", clientArgs...)
			out := srv.finalOutput()
			want := verify.OK
			if m := sServerVerifyErrRE.FindStringSubmatch(out); m != nil {
				want, _ = strconv.Atoi(m[1])
			}
			if (want == verify.OK) != (tc.name == "allowed") {
				t.Fatalf("openssl s_server verdict %d for %s:\n%s", want, tc.name, out)
			}

			ss := p.serverSettings()
			ss.CAFile, ss.Verify = p.caFile, VerifyRequired
			if tc.allow != "" {
				if err := ss.Set("allow-proxy-certs", tc.allow); err != nil {
					t.Fatal(err)
				}
			}
			cs := Settings{Certificate: tc.f.chain, Key: tc.f.key, CAFile: p.caFile}
			_, s, _, serr := handshakePair(t, cs, ss)
			code, text := s.VerifyResult()
			if code != want {
				t.Errorf("our server: verify result %d (%s), openssl s_server %d (%s)", code, text, want, verify.Text(want))
			}
			if (serr == nil) != (want == verify.OK) {
				t.Errorf("server handshake error %v, openssl's verdict %d", serr, want)
			}
		})
	}
	var s Settings
	if err := s.Set("allow-proxy-certs", "maybe"); err == nil {
		t.Error(`allow-proxy-certs "maybe" accepted`)
	}
}
