package sslstream

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
)

// ocspPKI is a CA with an intermediate issuing a server certificate, a
// must-staple server certificate and a delegated OCSP responder, written
// to dir, with OCSP responses made by `openssl ocsp`.
type ocspPKI struct {
	dir                      string
	caFile, interFile        string
	server, mustStaple       *minipki.Cert
	serverCert, serverKey    string
	mustCert, mustKey        string
	good, revoked, delegated string // DER responses for server
	otherCert                string // a response for mustStaple, not server
}

func makeOCSPPKI(t *testing.T) *ocspPKI {
	t.Helper()
	requireOpenSSL(t)
	dir := t.TempDir()
	f := minipki.New()
	st := &minipki.Steps{Dir: dir}
	root := st.Cert(f.Root("OCSP Test Root"))
	inter := st.Cert(root.Intermediate("OCSP Test Intermediate"))
	feature, _ := asn1.Marshal([]int{5}) // TLS feature status_request
	p := &ocspPKI{dir: dir}
	p.server = st.Cert(inter.Leaf("localhost", minipki.IP("127.0.0.1")))
	p.mustStaple = st.Cert(inter.Leaf("localhost", minipki.IP("127.0.0.1"),
		minipki.Extra(pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 24}, Value: feature})))
	responder := st.Cert(inter.Leaf("OCSP Responder", minipki.DNS(), minipki.ExtKeyUsage(x509.ExtKeyUsageOCSPSigning)))
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	p.caFile = st.File("ca.pem", root.CertPEM())
	interFile := st.File("inter.pem", inter.CertPEM())
	p.interFile = interFile
	interKey := st.File("inter.key", inter.KeyPEM())
	respFile := st.File("responder.pem", responder.CertPEM())
	respKey := st.File("responder.key", responder.KeyPEM())
	p.serverCert = st.File("server.pem", p.server.ChainPEM())
	p.serverKey = st.File("server.key", p.server.KeyPEM())
	p.mustCert = st.File("must.pem", p.mustStaple.ChainPEM())
	p.mustKey = st.File("must.key", p.mustStaple.KeyPEM())
	leafOnly := st.File("server-leaf.pem", p.server.CertPEM())
	mustOnly := st.File("must-leaf.pem", p.mustStaple.CertPEM())
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	index := func(name string, revoked bool) string {
		exp := p.server.Cert.NotAfter.UTC().Format("060102150405Z")
		line := fmt.Sprintf("V\t%s\t\t%X\tunknown\t/CN=localhost\n", exp, p.server.Cert.SerialNumber)
		if revoked {
			line = fmt.Sprintf("R\t%s\t%s\t%X\tunknown\t/CN=localhost\n", exp, time.Now().Add(-time.Hour).UTC().Format("060102150405Z"), p.server.Cert.SerialNumber)
		}
		line += fmt.Sprintf("V\t%s\t\t%X\tunknown\t/CN=localhost\n", exp, p.mustStaple.Cert.SerialNumber)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
		// Both certificates are CN=localhost.
		if err := os.WriteFile(path+".attr", []byte("unique_subject = no\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	respond := func(out, idx, signer, key, leaf string) string {
		path := filepath.Join(dir, out)
		runOpenSSL(t, nil, "ocsp", "-index", idx, "-rsigner", signer, "-rkey", key, "-CA", interFile,
			"-issuer", interFile, "-cert", leaf, "-respout", path, "-ndays", "1")
		return path
	}
	goodIdx, revIdx := index("index-good.txt", false), index("index-revoked.txt", true)
	p.good = respond("good.der", goodIdx, interFile, interKey, leafOnly)
	p.revoked = respond("revoked.der", revIdx, interFile, interKey, leafOnly)
	p.delegated = respond("delegated.der", goodIdx, respFile, respKey, leafOnly)
	p.otherCert = respond("other.der", goodIdx, interFile, interKey, mustOnly)
	return p
}

// TestOCSPStapleToSClient: our server staples a response made by `openssl
// ocsp`, and `openssl s_client -status` reports it as good or revoked.
func TestOCSPStapleToSClient(t *testing.T) {
	t.Parallel()
	p := makeOCSPPKI(t)
	for _, tc := range []struct{ file, want string }{{p.good, "Cert Status: good"}, {p.revoked, "Cert Status: revoked"}} {
		sctx, err := NewServerContext(Settings{Certificate: p.serverCert, Key: p.serverKey, StatusFile: tc.file})
		if err != nil {
			t.Fatal(err)
		}
		addr := serveHandshakes(t, sctx)
		out := runSClient(t, addr, "Q\n", "-status", "-CAfile", p.caFile)
		if !strings.Contains(out, "OCSP Response Status: successful") || !strings.Contains(out, tc.want) {
			t.Errorf("%s: s_client -status does not show %q:\n%s", filepath.Base(tc.file), tc.want, out)
		}
	}
	// Without a status file s_client sees no response.
	sctx, err := NewServerContext(Settings{Certificate: p.serverCert, Key: p.serverKey})
	if err != nil {
		t.Fatal(err)
	}
	if out := runSClient(t, serveHandshakes(t, sctx), "Q\n", "-status", "-CAfile", p.caFile); !strings.Contains(out, "OCSP response: no response sent") {
		t.Errorf("no status file: s_client -status:\n%s", out)
	}
}

// serveHandshakes accepts connections for sctx until the test ends, each
// handshaking and closing.
func serveHandshakes(t *testing.T, sctx *ServerContext) string {
	t.Helper()
	ln, err := sctx.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			s, err := ln.AcceptStream()
			if err != nil {
				return
			}
			go func() {
				s.SetDeadline(time.Now().Add(10 * time.Second))
				s.Handshake()
				buf := make([]byte, 1)
				s.Read(buf)
				s.Close()
			}()
		}
	}()
	return ln.Addr().String()
}

// TestStatusFileRefusedWhenNotForTheCertificate: a response for another
// certificate, or a file that is no OCSP response, is an error at load.
func TestStatusFileRefusedWhenNotForTheCertificate(t *testing.T) {
	t.Parallel()
	p := makeOCSPPKI(t)
	for _, bad := range []string{p.otherCert, p.caFile} {
		_, err := NewServerContext(Settings{Certificate: p.serverCert, Key: p.serverKey, StatusFile: bad})
		if err == nil || !strings.Contains(err.Error(), "status-file") || !strings.Contains(err.Error(), filepath.Base(bad)) {
			t.Errorf("status-file %s: %v, want an error naming the setting and the file", filepath.Base(bad), err)
		}
	}
	if _, err := NewClientContext(Settings{StatusFile: p.good}); err == nil {
		t.Error("a client accepted status-file")
	}
}

// TestClientChecksStapleFromSServer: our client against `openssl s_server
// -status_file`: good and delegated responses verify; a revoked one fails
// with 23 under verify required (and is only reported under verify none);
// a must-staple certificate without a staple fails under status check.
func TestClientChecksStapleFromSServer(t *testing.T) {
	t.Parallel()
	p := makeOCSPPKI(t)
	dial := func(srv *sServer, s Settings) (*Stream, error) {
		conn, err := net.DialTimeout("tcp", srv.addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Client(conn, s)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(10 * time.Second))
		return c, c.Handshake()
	}
	base := Settings{CAFile: p.caFile, ServerName: "localhost", Verify: VerifyRequired, Status: StatusCheck}
	for _, tc := range []struct {
		name, cert, key, file string
		status                StatusPolicy
		verify                VerifyMode
		certStatus            string
		code                  int
		fail                  string // "" = the handshake succeeds
	}{
		{"good", p.serverCert, p.serverKey, p.good, StatusCheck, VerifyRequired, "good", 0, ""},
		{"delegated responder", p.serverCert, p.serverKey, p.delegated, StatusCheck, VerifyRequired, "good", 0, ""},
		{"revoked", p.serverCert, p.serverKey, p.revoked, StatusCheck, VerifyRequired, "revoked", 23, "certificate revoked"},
		{"revoked, verify none", p.serverCert, p.serverKey, p.revoked, StatusCheck, VerifyNone, "revoked", 0, ""},
		{"revoked, status none", p.serverCert, p.serverKey, p.revoked, StatusNone, VerifyRequired, "revoked", 0, ""},
		{"no staple", p.serverCert, p.serverKey, "", StatusCheck, VerifyRequired, "", 0, ""},
		{"no staple, status require", p.serverCert, p.serverKey, "", StatusRequire, VerifyRequired, "", 0, "no OCSP response stapled"},
		{"must-staple without staple", p.mustCert, p.mustKey, "", StatusCheck, VerifyRequired, "", 0, "demands an OCSP staple"},
		{"staple for another certificate", p.serverCert, p.serverKey, p.otherCert, StatusCheck, VerifyRequired, "", 0, "not valid"},
	} {
		// s_server sends only the first certificate of -cert.
		args := []string{"-cert", tc.cert, "-key", tc.key, "-cert_chain", p.interFile}
		if tc.file != "" {
			args = append(args, "-status_file", tc.file)
		}
		srv := startSServer(t, args...)
		s := base
		s.Status, s.Verify = tc.status, tc.verify
		c, err := dial(srv, s)
		switch {
		case tc.fail == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
			continue
		case tc.fail != "":
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), tc.fail) {
				t.Errorf("%s: error %v, want an *Error saying %q", tc.name, err, tc.fail)
				continue
			}
			if tc.code != 0 && e.VerifyResult != tc.code {
				t.Errorf("%s: verify result %d, want %d", tc.name, e.VerifyResult, tc.code)
			}
			if tc.code == 0 && !e.HasCode(packCode(reasonInvalidStatusResponse)) {
				t.Errorf("%s: codes %v, want OpenSSL's invalid status response", tc.name, e.Strings)
			}
		}
		st := c.OCSPStatus()
		if st == nil || st.Stapled != (tc.file != "") || (tc.certStatus != "" && st.CertStatus != tc.certStatus) {
			t.Errorf("%s: OCSPStatus %+v, want stapled=%v cert status %q", tc.name, st, tc.file != "", tc.certStatus)
		}
		if code, _ := c.VerifyResult(); code != tc.code {
			t.Errorf("%s: VerifyResult %d, want %d", tc.name, code, tc.code)
		}
	}
}
