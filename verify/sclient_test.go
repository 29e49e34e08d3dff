package verify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
)

var verifyReturn = regexp.MustCompile(`Verify return code: (\d+) `)

// sClientFinalCode serves chain (leaf first) from an in-process TLS server
// and returns the "Verify return code" `openssl s_client` reports for it:
// s_client's callback continues past every error.
func sClientFinalCode(t *testing.T, chain []*minipki.Cert, trusted []*x509.Certificate, extra ...string) int {
	t.Helper()
	var cert tls.Certificate
	for _, c := range chain {
		cert.Certificate = append(cert.Certificate, c.Cert.Raw)
	}
	cert.PrivateKey = chain[0].Key
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
		srv := tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		if srv.Handshake() == nil {
			buf := make([]byte, 1)
			_, _ = srv.Read(buf)
		}
	}()
	dir := t.TempDir()
	args := []string{"s_client", "-connect", ln.Addr().String(), "-attime", strconv.FormatInt(baseTime.Unix(), 10), "-no-CAstore", "-no-CApath"}
	if len(trusted) > 0 {
		p := filepath.Join(dir, "ca.pem")
		if err := os.WriteFile(p, pemOf(trusted...), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-CAfile", p)
	} else {
		args = append(args, "-no-CAfile")
	}
	args = append(args, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "openssl", args...)
	cmd.Stdin = nil
	out, _ := cmd.CombinedOutput()
	ln.Close()
	<-done
	m := verifyReturn.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no verify return code in s_client output:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// TestFinalCodeMatchesSClient checks Result.FinalCode against the verify
// return code of `openssl s_client`, which continues past every error.
func TestFinalCodeMatchesSClient(t *testing.T) {
	needOpenSSL(t)
	f := newFactory()
	type tcase struct {
		name  string
		build func(t *testing.T) ([]*minipki.Cert, []*x509.Certificate)
		host  string
	}
	p3 := func(t *testing.T, leafOpts ...minipki.Option) pki {
		return newPKI(t, f, "leaf.example.com", nil, nil, leafOpts)
	}
	cases := []tcase{
		{name: "good", build: func(t *testing.T) ([]*minipki.Cert, []*x509.Certificate) {
			p := p3(t)
			return []*minipki.Cert{p.leaf, p.inter}, []*x509.Certificate{p.root.Cert}
		}},
		{name: "missing intermediate", build: func(t *testing.T) ([]*minipki.Cert, []*x509.Certificate) {
			p := p3(t)
			return []*minipki.Cert{p.leaf}, []*x509.Certificate{p.root.Cert}
		}},
		{name: "expired leaf", build: func(t *testing.T) ([]*minipki.Cert, []*x509.Certificate) {
			p := p3(t, minipki.Expired())
			return []*minipki.Cert{p.leaf, p.inter}, []*x509.Certificate{p.root.Cert}
		}},
		{name: "untrusted root sent", build: func(t *testing.T) ([]*minipki.Cert, []*x509.Certificate) {
			p := p3(t)
			return []*minipki.Cert{p.leaf, p.inter, p.root}, nil
		}},
		{name: "self-signed", build: func(t *testing.T) ([]*minipki.Cert, []*x509.Certificate) {
			ss := must[*minipki.Cert](t)(f.SelfSigned("self.example.com"))
			return []*minipki.Cert{ss}, nil
		}},
		{name: "hostname mismatch", host: "other.example.com", build: func(t *testing.T) ([]*minipki.Cert, []*x509.Certificate) {
			p := p3(t)
			return []*minipki.Cert{p.leaf, p.inter}, []*x509.Certificate{p.root.Cert}
		}},
		{name: "missing intermediate and wrong purpose", build: func(t *testing.T) ([]*minipki.Cert, []*x509.Certificate) {
			p := p3(t, minipki.ExtKeyUsage(x509.ExtKeyUsageClientAuth))
			return []*minipki.Cert{p.leaf}, []*x509.Certificate{p.root.Cert}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			chain, trusted := tc.build(t)
			var extra []string
			if tc.host != "" {
				extra = append(extra, "-verify_hostname", tc.host)
			}
			want := sClientFinalCode(t, chain, trusted, extra...)
			var inter []*x509.Certificate
			for _, c := range chain[1:] {
				inter = append(inter, c.Cert)
			}
			res := Verify(chain[0].Cert, &Options{Trust: []IssuerSource{NewPool(trusted)}, Intermediates: inter,
				MaxDepth: -1, Time: baseTime, Purpose: PurposeSSLServer, Hostname: tc.host})
			if res.FinalCode != want {
				t.Errorf("FinalCode = %d, s_client says %d (all problems %v)", res.FinalCode, want, res.AllProblems())
			}
		})
	}
}
