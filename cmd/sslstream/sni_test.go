package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
)

// TestServerExtraCertificateBySNI: `sslstream server --extra-certificate`
// (openssl s_server -cert2/-key2) answers `openssl s_client -servername`
// with the certificate for the name asked, and the default otherwise.
func TestServerExtraCertificateBySNI(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	dir := t.TempDir()
	f := minipki.New()
	st := &minipki.Steps{Dir: dir}
	root := st.Cert(f.Root("SNI Root"))
	def := st.Cert(root.Leaf("default.example"))
	other := st.Cert(root.Leaf("other.example"))
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	st.File("def.pem", def.CertPEM())
	st.File("def.key", def.KeyPEM())
	st.File("other.pem", other.CertPEM())
	st.File("other.key", other.KeyPEM())
	if st.Err != nil {
		t.Fatal(st.Err)
	}
	_, port := startOurServer(t, "--certificate", filepath.Join(dir, "def.pem"), "--key", filepath.Join(dir, "def.key"),
		"--extra-certificate", filepath.Join(dir, "other.pem")+","+filepath.Join(dir, "other.key"), "--echo")
	// The same with s_server's spelling.
	_, port2 := startOurServer(t, "-cert", filepath.Join(dir, "def.pem"), "-key", filepath.Join(dir, "def.key"),
		"-cert2", filepath.Join(dir, "other.pem"), "-key2", filepath.Join(dir, "other.key"), "--echo")
	out := runIn(t, dir, nil, strings.NewReader("Q\n"), 30*time.Second, "openssl", "s_client", "-connect", "127.0.0.1:"+port2, "-servername", "other.example")
	if !strings.Contains(out.stdout, "CN = other.example") {
		t.Errorf("-cert2/-key2: s_client -servername other.example did not get its certificate:\n%s", out.stdout)
	}
	for _, tc := range []struct{ sni, want string }{{"other.example", "CN = other.example"}, {"default.example", "CN = default.example"}, {"unknown.example", "CN = default.example"}} {
		out = runIn(t, dir, nil, strings.NewReader("Q\n"), 30*time.Second, "openssl", "s_client", "-connect", "127.0.0.1:"+port, "-servername", tc.sni)
		if !strings.Contains(out.stdout, tc.want) {
			t.Errorf("SNI %s: s_client did not get %q:\n%s", tc.sni, tc.want, out.stdout)
		}
	}
}
