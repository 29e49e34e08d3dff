package interop

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
)

// caseTimeout bounds every step of one matrix case.
const caseTimeout = 60 * time.Second

var fixtureDir string

// keyType is the key algorithm of every certificate of a case.
type keyType string

const (
	rsaKey   keyType = "rsa"
	ecdsaKey keyType = "ecdsa"
)

// certFiles is one end's certificate written in the forms the peers want.
type certFiles struct {
	leaf      string // leaf only (openssl -cert)
	chain     string // intermediate only (openssl -cert_chain)
	fullchain string // leaf + intermediate (ours, GnuTLS, Python)
	key       string
	cn        string
}

type fixtures struct {
	caFile string // both roots
	server map[keyType]certFiles
	client map[keyType]certFiles
	pyFile string // the Python peer script
}

var (
	fixOnce sync.Once
	fix     *fixtures
	fixErr  error
)

func pki(t testing.TB) *fixtures {
	t.Helper()
	fixOnce.Do(func() { fix, fixErr = makeFixtures(fixtureDir) })
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

func makeFixtures(dir string) (*fixtures, error) {
	f := minipki.New()
	fx := &fixtures{server: map[keyType]certFiles{}, client: map[keyType]certFiles{}}
	var roots []byte
	for _, kt := range []keyType{rsaKey, ecdsaKey} {
		var opts []minipki.Option
		if kt == rsaKey {
			opts = append(opts, minipki.RSA())
		}
		root, err := f.Root("Interop Root "+string(kt), opts...)
		if err != nil {
			return nil, err
		}
		roots = append(roots, root.CertPEM()...)
		inter, err := root.Intermediate("Interop Intermediate "+string(kt), opts...)
		if err != nil {
			return nil, err
		}
		srv, err := inter.Leaf("localhost", append([]minipki.Option{minipki.IP("127.0.0.1")}, opts...)...)
		if err != nil {
			return nil, err
		}
		cli, err := inter.Leaf("client.example", opts...)
		if err != nil {
			return nil, err
		}
		for _, e := range []struct {
			name string
			c    *minipki.Cert
			into map[keyType]certFiles
		}{{"server", srv, fx.server}, {"client", cli, fx.client}} {
			base := e.name + "-" + string(kt)
			cf := certFiles{cn: e.c.Cert.Subject.CommonName}
			if cf.leaf, err = minipki.WriteFile(dir, base+"-leaf.pem", e.c.CertPEM()); err != nil {
				return nil, err
			}
			if cf.chain, err = minipki.WriteFile(dir, base+"-chain.pem", inter.CertPEM()); err != nil {
				return nil, err
			}
			if cf.fullchain, err = minipki.WriteFile(dir, base+"-fullchain.pem", e.c.ChainPEM()); err != nil {
				return nil, err
			}
			if cf.key, err = minipki.WriteFile(dir, base+".key", e.c.KeyPEM()); err != nil {
				return nil, err
			}
			e.into[kt] = cf
		}
	}
	var err error
	if fx.caFile, err = minipki.WriteFile(dir, "ca.pem", roots); err != nil {
		return nil, err
	}
	if fx.pyFile, err = minipki.WriteFile(dir, "peer.py", []byte(pythonPeer)); err != nil {
		return nil, err
	}
	return fx, nil
}

// listeningPort finds the TCP port process pid listens on, from
// /proc/<pid>/fd and /proc/net/tcp{,6} (gnutls-serv does not print the port
// the OS chose for -p 0).
func listeningPort(pid int, d time.Duration) (int, error) {
	deadline := time.Now().Add(d)
	for {
		port, err := findListeningPort(pid)
		if err == nil {
			return port, nil
		}
		if time.Now().After(deadline) {
			return 0, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func findListeningPort(pid int) (int, error) {
	fdDir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(fdDir)
	if err != nil {
		return 0, err
	}
	inodes := map[string]bool{}
	for _, e := range ents {
		l, err := os.Readlink(filepath.Join(fdDir, e.Name()))
		if err == nil && strings.HasPrefix(l, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
		}
	}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
			if len(fields) < 10 || fields[3] != "0A" || !inodes[fields[9]] {
				continue
			}
			i := strings.LastIndexByte(fields[1], ':')
			port, err := strconv.ParseUint(fields[1][i+1:], 16, 16)
			if err == nil && port != 0 {
				f.Close()
				return int(port), nil
			}
		}
		f.Close()
	}
	return 0, errors.New("no listening socket yet")
}

// runWithin runs fn and fails the test if it takes longer than d.
func runWithin(t *testing.T, d time.Duration, what string, fn func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- fn(ctx) }()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(d + 5*time.Second):
		t.Fatalf("%s: did not finish within %v", what, d)
	}
}

// pythonPeer is the Python ssl-module peer. Usage:
//
//	peer.py server VERSION CA CERTCHAIN KEY REQUIRE_CLIENT(0|1)
//	peer.py client VERSION CA CERTCHAIN|- KEY|- PORT NBYTES
//
// The server prints "PORT n" on stdout, accepts one connection, answers
// every line with the line reversed and exits at the client's EOF. The
// client sends stdin, reads NBYTES and writes them to stdout. Both print
// one JSON line with what they saw to stderr.
const pythonPeer = `
import json, socket, ssl, sys

def ctx_for(side, version, ca, cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if side == "server" else ssl.PROTOCOL_TLS_CLIENT)
    v = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[version]
    ctx.minimum_version = v
    ctx.maximum_version = v
    if cert != "-":
        ctx.load_cert_chain(cert, key)
    ctx.load_verify_locations(ca)
    return ctx

def report(s):
    pc = s.getpeercert()
    cn = ""
    if pc:
        for rdn in pc.get("subject", ()):
            for k, v in rdn:
                if k == "commonName":
                    cn = v
    sys.stderr.write(json.dumps({"version": s.version(), "cipher": s.cipher()[0], "peer_cn": cn}) + "\n")
    sys.stderr.flush()

side = sys.argv[1]
if side == "server":
    version, ca, cert, key, req = sys.argv[2:7]
    ctx = ctx_for("server", version, ca, cert, key)
    ctx.verify_mode = ssl.CERT_REQUIRED if req == "1" else ssl.CERT_NONE
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    print("PORT %d" % ls.getsockname()[1], flush=True)
    raw, _ = ls.accept()
    ls.close()
    s = ctx.wrap_socket(raw, server_side=True)
    report(s)
    buf = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        buf += d
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            s.sendall(line[::-1] + b"\n")
    try:
        s.unwrap()
    except (ssl.SSLError, OSError):
        pass
    s.close()
else:
    version, ca, cert, key, port, n = sys.argv[2:8]
    ctx = ctx_for("client", version, ca, cert, key)
    raw = socket.create_connection(("127.0.0.1", int(port)))
    s = ctx.wrap_socket(raw, server_hostname="localhost")
    report(s)
    s.sendall(sys.stdin.buffer.read())
    want, got = int(n), b""
    while len(got) < want:
        d = s.recv(65536)
        if not d:
            break
        got += d
    sys.stdout.buffer.write(got)
    sys.stdout.flush()
    try:
        s.unwrap()
    except (ssl.SSLError, OSError):
        pass
    s.close()
`
