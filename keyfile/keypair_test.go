package keyfile

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"software.sslmate.com/src/go-pkcs12"
)

// pki is a three-level PKI made with openssl: root CA, intermediate CA and
// leaf, in one directory.
type pki struct {
	dir                  string
	rootKey, root        string
	intKey, intermediate string
	leafKey, leaf        string
	chainPEM             string // leaf + intermediate
	leafKind             string
}

func newPKI(t *testing.T, leafKind string) *pki {
	t.Helper()
	needOpenSSL(t)
	p := &pki{dir: t.TempDir(), leafKind: leafKind}
	p.rootKey = genKey(t, p.dir, "p256")
	p.root = selfSigned(t, p.dir, p.rootKey, "root")
	intDir := filepath.Join(p.dir, "int")
	leafDir := filepath.Join(p.dir, "leaf")
	for _, d := range []string{intDir, leafDir} {
		if err := mkdir(d); err != nil {
			t.Fatal(err)
		}
	}
	p.intKey = genKey(t, intDir, "p384")
	p.intermediate = issue(t, intDir, p.intKey, "intermediate", p.root, p.rootKey, true)
	p.leafKey = genKey(t, leafDir, leafKind)
	p.leaf = issue(t, leafDir, p.leafKey, "leaf", p.intermediate, p.intKey, false)
	p.chainPEM = cat(t, filepath.Join(p.dir, "chain.pem"), p.leaf, p.intermediate)
	return p
}

func fingerprint(c *x509.Certificate) [32]byte { return sha256.Sum256(c.Raw) }

// pemCertsFingerprints reads the certificates openssl printed.
func pemCertsFingerprints(t testing.TB, out []byte) [][32]byte {
	t.Helper()
	var fps [][32]byte
	for {
		var b *pem.Block
		b, out = pem.Decode(out)
		if b == nil {
			return fps
		}
		if b.Type == "CERTIFICATE" {
			fps = append(fps, sha256.Sum256(b.Bytes))
		}
	}
}

func certFingerprints(t testing.TB, paths ...string) [][32]byte {
	t.Helper()
	var fps [][32]byte
	for _, p := range paths {
		fps = append(fps, pemCertsFingerprints(t, readFile(t, p))...)
	}
	return fps
}

func chainFingerprints(c tls.Certificate) [][32]byte {
	var fps [][32]byte
	for _, der := range c.Certificate {
		fps = append(fps, sha256.Sum256(der))
	}
	return fps
}

func sameFingerprints(a, b [][32]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkPair asserts that c holds wantChain (in order) and the key of
// keyPath, with Leaf set.
func checkPair(t *testing.T, c tls.Certificate, wantChain [][32]byte, keyPath string) {
	t.Helper()
	if got := chainFingerprints(c); !sameFingerprints(got, wantChain) {
		t.Fatalf("chain has %d certificates, not the expected %d (or a different order)", len(got), len(wantChain))
	}
	if c.Leaf == nil || !bytes.Equal(c.Leaf.Raw, c.Certificate[0]) {
		t.Fatalf("Leaf not set to the first certificate")
	}
	signer, ok := c.PrivateKey.(crypto.Signer)
	if !ok {
		t.Fatalf("PrivateKey %T is not a signer", c.PrivateKey)
	}
	der, err := x509.MarshalPKIXPublicKey(signer.Public())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(der, opensslPublicKey(t, keyPath, "")) {
		t.Fatalf("private key is not the one in %s", keyPath)
	}
}

func TestLoadKeyPairPEM(t *testing.T) {
	for _, kind := range []string{"p256", "rsa", "ed25519"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			p := newPKI(t, kind)
			want := certFingerprints(t, p.leaf, p.intermediate)

			t.Run("separate-key", func(t *testing.T) {
				c, err := LoadKeyPair(p.chainPEM, p.leafKey, "")
				if err != nil {
					t.Fatal(err)
				}
				checkPair(t, c, want, p.leafKey)
				handshake(t, c)
			})
			t.Run("key-in-cert-file-first", func(t *testing.T) {
				f := cat(t, filepath.Join(p.dir, "keyfirst.pem"), p.leafKey, p.leaf, p.intermediate)
				c, err := LoadKeyPair(f, "", "")
				if err != nil {
					t.Fatal(err)
				}
				checkPair(t, c, want, p.leafKey)
			})
			t.Run("key-in-cert-file-last-crlf", func(t *testing.T) {
				f := cat(t, filepath.Join(p.dir, "keylast.pem"), p.leaf, p.intermediate, p.leafKey)
				writeFile(t, f, bytes.ReplaceAll(readFile(t, f), []byte("\n"), []byte("\r\n")))
				c, err := LoadKeyPair(f, "", "")
				if err != nil {
					t.Fatal(err)
				}
				checkPair(t, c, want, p.leafKey)
			})
			t.Run("encrypted-key-in-cert-file", func(t *testing.T) {
				enc := filepath.Join(p.dir, "enc.pem")
				ossl(t, "pkey", "-in", p.leafKey, "-aes256", "-passout", "pass:"+testPassword, "-out", enc)
				f := cat(t, filepath.Join(p.dir, "both-enc.pem"), p.leaf, p.intermediate, enc)
				c, err := LoadKeyPair(f, "", testPassword)
				if err != nil {
					t.Fatal(err)
				}
				checkPair(t, c, want, p.leafKey)
				_, err = LoadKeyPair(f, "", "")
				checkErr(t, err, ErrPasswordRequired, f)
				_, err = LoadKeyPair(f, "", wrongPassword)
				checkErr(t, err, ErrBadPassword, f)
				_, err = LoadKeyPair(p.chainPEM, enc, wrongPassword)
				checkErr(t, err, ErrBadPassword, enc)
			})
			t.Run("der", func(t *testing.T) {
				certDER := filepath.Join(p.dir, "leaf.der")
				keyDER := filepath.Join(p.dir, "key.der")
				ossl(t, "x509", "-in", p.leaf, "-outform", "DER", "-out", certDER)
				ossl(t, "pkey", "-in", p.leafKey, "-outform", "DER", "-out", keyDER)
				c, err := LoadKeyPair(certDER, keyDER, "")
				if err != nil {
					t.Fatal(err)
				}
				checkPair(t, c, want[:1], p.leafKey)
				_, err = LoadKeyPair(certDER, "", "")
				checkErr(t, err, ErrNoKey, certDER)
			})
			t.Run("no-key", func(t *testing.T) {
				_, err := LoadKeyPair(p.chainPEM, "", "")
				checkErr(t, err, ErrNoKey, p.chainPEM)
				if !strings.Contains(err.Error(), "give the key setting") {
					t.Errorf("error %q gives no hint", err)
				}
			})
		})
	}
}

func TestLoadKeyPairMismatch(t *testing.T) {
	t.Parallel()
	p := newPKI(t, "p256")
	rsa := rsaKey(t)
	_, err := LoadKeyPair(p.chainPEM, rsa, "")
	checkErr(t, err, ErrKeyMismatch, rsa)
	if !strings.Contains(err.Error(), "certificate "+p.chainPEM+" is ECDSA P-256, key is RSA 2048") {
		t.Errorf("error %q does not describe both keys", err)
	}
	// Same type, different key; the intermediate's key against the leaf.
	other := genKey(t, t.TempDir(), "p256")
	_, err = LoadKeyPair(p.chainPEM, other, "")
	checkErr(t, err, ErrKeyMismatch, other)
	// The key of the second certificate of the chain does not count: the
	// key must match the first (leaf) certificate, as in OpenSSL.
	swapped := cat(t, filepath.Join(p.dir, "swapped.pem"), p.intermediate, p.leaf)
	_, err = LoadKeyPair(swapped, p.leafKey, "")
	checkErr(t, err, ErrKeyMismatch, p.leafKey)
	if !strings.Contains(err.Error(), "ECDSA P-384, key is ECDSA P-256") {
		t.Errorf("error %q does not describe both keys", err)
	}
	// openssl agrees that the pair does not match.
	if _, err := osslErr("x509", "-in", p.leaf, "-noout", "-checkend", "0"); err != nil {
		t.Fatalf("leaf unusable: %v", err)
	}
}

func TestLoadKeyPairPKCS12(t *testing.T) {
	needOpenSSL(t)
	p := newPKI(t, "p256")
	rsaPKI := newPKI(t, "rsa")
	cases := []struct {
		name  string
		pki   *pki
		extra []string
		read  []string // extra openssl flags to read the file
		pw    string
		chain bool
	}{
		{"default-aes", p, nil, nil, testPassword, true},
		{"default-rsa", rsaPKI, nil, nil, testPassword, true},
		{"legacy-rc2-3des", p, []string{"-legacy"}, []string{"-legacy"}, testPassword, true},
		{"legacy-rsa", rsaPKI, []string{"-legacy"}, []string{"-legacy"}, testPassword, false},
		{"no-chain", p, nil, nil, testPassword, false},
		{"empty-password", p, nil, nil, "", true},
		{"no-mac", p, []string{"-nomac"}, nil, testPassword, false},
		{"sha512-mac", p, []string{"-macalg", "sha512", "-iter", "4096"}, nil, testPassword, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "bundle.bin") // no .p12 extension: detection by content
			args := []string{"pkcs12", "-export", "-inkey", c.pki.leafKey, "-in", c.pki.leaf, "-passout", "pass:" + c.pw, "-out", out}
			want := certFingerprints(t, c.pki.leaf)
			if c.chain {
				chainFile := cat(t, filepath.Join(t.TempDir(), "cas.pem"), c.pki.intermediate, c.pki.root)
				args = append(args, "-certfile", chainFile)
			}
			args = append(args, c.extra...)
			ossl(t, args...)
			// Differential: openssl's own reading of the file gives the
			// order of the CA certificates after the leaf.
			got := pemCertsFingerprints(t, ossl(t, append([]string{"pkcs12", "-in", out, "-passin", "pass:" + c.pw, "-nokeys", "-cacerts"}, c.read...)...))
			want = append(want, got...)
			if c.chain && len(want) != 3 {
				t.Fatalf("openssl lists %d CA certificates, want 2", len(want)-1)
			}
			cert, err := LoadKeyPair(out, "", c.pw)
			if c.name == "no-mac" {
				// openssl reads it (above); go-pkcs12 refuses encrypted
				// files without a MAC. Documented limitation.
				checkErr(t, err, ErrUnsupported, out)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkPair(t, cert, want, c.pki.leafKey)
			if c.pw != "" {
				_, err = LoadKeyPair(out, "", wrongPassword)
				checkErr(t, err, ErrBadPassword, out)
				_, err = LoadKeyPair(out, "", "")
				checkErr(t, err, ErrPasswordRequired, out)
			}
			// The key setting wins over the key in the PKCS#12 file.
			_, err = LoadKeyPair(out, rsaKey(t), c.pw)
			if c.pki == rsaPKI {
				if err != nil {
					t.Errorf("PKCS#12 with its own key as key setting: %v", err)
				}
			} else {
				checkErr(t, err, ErrKeyMismatch, "")
			}
			// Truncated files fail cleanly.
			data := readFile(t, out)
			_, err = ParseKeyPair(data[:len(data)/2], out, nil, "", c.pw)
			checkErr(t, err, nil, out)
		})
	}
	t.Run("no-key", func(t *testing.T) {
		t.Parallel()
		out := filepath.Join(t.TempDir(), "certs.p12")
		ossl(t, "pkcs12", "-export", "-nokeys", "-in", p.leaf, "-passout", "pass:"+testPassword, "-out", out)
		_, err := LoadKeyPair(out, "", testPassword)
		checkErr(t, err, ErrNoKey, out)
		// go-pkcs12 cannot read a PKCS#12 file without a key, even when
		// the key setting supplies the key (documented limitation).
		_, err = LoadKeyPair(out, p.leafKey, testPassword)
		checkErr(t, err, ErrNoKey, out)
	})
}

func TestLoadKeyPairTrustedCertificate(t *testing.T) {
	t.Parallel()
	p := newPKI(t, "p256")
	tr := filepath.Join(p.dir, "trusted.pem")
	ossl(t, "x509", "-in", p.leaf, "-trustout", "-addtrust", "serverAuth", "-out", tr)
	if !bytes.Contains(readFile(t, tr), []byte("BEGIN TRUSTED CERTIFICATE")) {
		t.Fatal("openssl did not write a TRUSTED CERTIFICATE")
	}
	c, err := LoadKeyPair(tr, p.leafKey, "")
	if err != nil {
		t.Fatal(err)
	}
	checkPair(t, c, certFingerprints(t, p.leaf), p.leafKey)
}

func TestParseKeyPairErrors(t *testing.T) {
	t.Parallel()
	p := newPKI(t, "p256")
	chain := readFile(t, p.chainPEM)
	key := readFile(t, p.leafKey)
	cases := []struct {
		name      string
		cert, key []byte
		keyName   string
		kind      error
		errName   string
	}{
		{"empty-cert", nil, key, "k.pem", ErrNoCertificate, "c.pem"},
		{"garbage-cert", []byte("garbage\x00\xff"), key, "k.pem", nil, "c.pem"},
		{"truncated-cert", chain[:len(chain)/3], key, "k.pem", nil, "c.pem"},
		{"key-only-cert", key, key, "k.pem", ErrNoCertificate, "c.pem"},
		{"empty-key", chain, []byte{}, "k.pem", ErrNoKey, "k.pem"},
		{"garbage-key", chain, []byte("garbage"), "k.pem", ErrNoKey, "k.pem"},
		{"cert-as-key", chain, chain, "k.pem", ErrNoKey, "k.pem"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseKeyPair(c.cert, "c.pem", c.key, c.keyName, "")
			checkErr(t, err, c.kind, c.errName)
		})
	}
}

// handshake runs a TLS 1.3 and a TLS 1.2 handshake with c as the server
// certificate over an in-memory pipe, proving the pair is usable.
func handshake(t *testing.T, c tls.Certificate) {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(c.Leaf)
	for _, v := range []uint16{tls.VersionTLS13, tls.VersionTLS12} {
		a, b := net.Pipe()
		srv := tls.Server(a, &tls.Config{Certificates: []tls.Certificate{c}, MinVersion: v, MaxVersion: v})
		cli := tls.Client(b, &tls.Config{
			ServerName: "leaf", MinVersion: v, MaxVersion: v,
			InsecureSkipVerify: true, // the chain is not the point; the key is
		})
		var wg sync.WaitGroup
		var srvErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			if srvErr = srv.Handshake(); srvErr == nil {
				_, srvErr = srv.Write([]byte("x"))
			}
		}()
		cliErr := cli.Handshake()
		if cliErr == nil {
			_, cliErr = cli.Read(make([]byte, 1))
		}
		a.Close()
		b.Close()
		wg.Wait()
		if cliErr != nil || srvErr != nil {
			t.Fatalf("TLS %x handshake: client %v, server %v", v, cliErr, srvErr)
		}
		if got := cli.ConnectionState().PeerCertificates[0]; !got.Equal(c.Leaf) {
			t.Fatalf("client saw another certificate")
		}
	}
}

// TestPKCS12Encoders: a PKCS#12 file that lists a CA certificate before
// the leaf (as some Windows exports do) still gives the leaf first, then the
// others in file order. Also passwordless and PBMAC1 files from go-pkcs12.
func TestPKCS12Encoders(t *testing.T) {
	t.Parallel()
	p := newPKI(t, "p256")
	key, err := ParsePrivateKey(readFile(t, p.leafKey), p.leafKey, "")
	if err != nil {
		t.Fatal(err)
	}
	load := func(path string) *x509.Certificate {
		cs, err := LoadCertificates(path)
		if err != nil {
			t.Fatal(err)
		}
		return cs[0]
	}
	leaf, inter, root := load(p.leaf), load(p.intermediate), load(p.root)
	want := [][32]byte{fingerprint(leaf), fingerprint(inter), fingerprint(root)}
	for _, c := range []struct {
		name string
		enc  *pkcs12.Encoder
		pw   string
	}{
		{"modern2023", pkcs12.Modern2023, testPassword},
		{"modern2026-pbmac1", pkcs12.Modern2026, testPassword},
		{"legacy-des", pkcs12.LegacyDES, testPassword},
		{"passwordless", pkcs12.Passwordless, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, err := c.enc.Encode(key, inter, []*x509.Certificate{leaf, root}, c.pw)
			if err != nil {
				t.Fatal(err)
			}
			cert, err := ParseKeyPair(data, "x.p12", nil, "", c.pw)
			if err != nil {
				t.Fatal(err)
			}
			if !sameFingerprints(chainFingerprints(cert), want) {
				t.Fatalf("chain not reordered leaf first")
			}
			if c.pw != "" {
				_, err = ParseKeyPair(data, "x.p12", nil, "", wrongPassword)
				checkErr(t, err, ErrBadPassword, "x.p12")
			} else if _, err := ParseKeyPair(data, "x.p12", nil, "", wrongPassword); err != nil {
				// As for plain keys, an unneeded password is ignored.
				t.Errorf("passwordless file with a password: %v", err)
			}
		})
	}
}

func TestLoadDirectoryAndHugeFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := LoadCertificates(dir)
	checkErr(t, err, nil, dir)
	if !strings.Contains(err.Error(), "directory") {
		t.Errorf("error %q does not say it is a directory", err)
	}
	big := filepath.Join(dir, "big.pem")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxFileSize + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	_, err = LoadKeyPair(big, "", "")
	checkErr(t, err, nil, big)
	if !strings.Contains(err.Error(), "larger than") {
		t.Errorf("error %q does not give the size limit", err)
	}
}

// TestMaxKDFIterations: the pre-check finds the key-derivation iteration
// counts openssl wrote (PBES2 for OpenSSL 3's default, PKCS#12 PBE for
// -legacy), without decrypting anything.
func TestMaxKDFIterations(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	dir := t.TempDir()
	key := genKey(t, dir, "p256")
	cert := selfSigned(t, dir, key, "leaf")
	for _, c := range []struct {
		args []string
		want int64
	}{
		{[]string{"-iter", "3001"}, 3001},
		{[]string{"-iter", "2501", "-legacy"}, 2501},
		{[]string{"-iter", "70000"}, 70000},
	} {
		out := filepath.Join(dir, "x.p12")
		ossl(t, append([]string{"pkcs12", "-export", "-inkey", key, "-in", cert, "-passout", "pass:x", "-out", out}, c.args...)...)
		if got := maxKDFIterations(readFile(t, out), 0); got != c.want {
			t.Errorf("%v: maxKDFIterations = %d, want %d", c.args, got, c.want)
		}
	}
}
