package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
)

// TestStatusAgainstOpenSSL: `sslstream s_client -status` against `openssl
// s_server -status_file` prints s_client's OCSP lines, and `sslstream
// s_server -status_file` staples what `openssl s_client -status` reports.
func TestStatusAgainstOpenSSL(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	dir := t.TempDir()
	f := minipki.New()
	st := &minipki.Steps{Dir: dir}
	root := st.Cert(f.Root("Status Root"))
	inter := st.Cert(root.Intermediate("Status Intermediate"))
	leaf := st.Cert(inter.Leaf("localhost", minipki.IP("127.0.0.1")))
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	st.File("ca.pem", root.CertPEM())
	st.File("inter.pem", inter.CertPEM())
	st.File("inter.key", inter.KeyPEM())
	st.File("leaf.pem", leaf.CertPEM())
	st.File("chain.pem", leaf.ChainPEM())
	st.File("leaf.key", leaf.KeyPEM())
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	exp := leaf.Cert.NotAfter.UTC().Format("060102150405Z")
	index := fmt.Sprintf("V\t%s\t\t%X\tunknown\t/CN=localhost\n", exp, leaf.Cert.SerialNumber)
	if err := os.WriteFile(filepath.Join(dir, "index.txt"), []byte(index), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := openssl(t, dir, "ocsp", "-index", "index.txt", "-rsigner", "inter.pem", "-rkey", "inter.key", "-CA", "inter.pem",
		"-issuer", "inter.pem", "-cert", "leaf.pem", "-respout", "resp.der", "-ndays", "1"); r.code != 0 {
		t.Fatalf("openssl ocsp: %s", r)
	}

	// Our client, openssl's server.
	_, port := startOpenSSLServer(t, dir, "-cert", "leaf.pem", "-key", "leaf.key", "-cert_chain", "inter.pem", "-status_file", filepath.Join(dir, "resp.der"), "-www")
	r := sslstreamIn(t, dir, strings.NewReader("GET / HTTP/1.0\r\n\r\n"), "s_client", "-connect", "127.0.0.1:"+port, "-CAfile", "ca.pem", "-status", "-verify_return_error")
	wantCode(t, r, 0)
	wantSummary(t, r, map[string]string{"OCSP Response Status": "successful", "Cert Status": "good", "Verify return code": "0 (ok)"})

	// Openssl's client, our server.
	_, port = startOurServer(t, "--certificate", filepath.Join(dir, "chain.pem"), "--key", filepath.Join(dir, "leaf.key"), "-status_file", filepath.Join(dir, "resp.der"))
	out := runIn(t, dir, nil, strings.NewReader("Q\n"), 30*time.Second, "openssl", "s_client", "-connect", "127.0.0.1:"+port, "-status", "-CAfile", "ca.pem")
	if !strings.Contains(out.stdout, "OCSP Response Status: successful") || !strings.Contains(out.stdout, "Cert Status: good") {
		t.Errorf("openssl s_client -status against sslstream server -status_file:\n%s", out)
	}
}
