package keyfile

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzLimits keep each fuzz input cheap: OpenSSL's default PBKDF2 count
// (2048) still decrypts, larger costs are refused quickly.
var fuzzLimits = limits{
	maxPBKDF2Iter:   4096,
	maxScryptMemory: 2 << 20,
	maxScryptP:      2,
	maxPKCS12Iter:   4096,
}

const fuzzPassword = "fuzz-pw"

// goSeeds returns keys and certificates made in Go, so that the fuzz
// targets have seeds even without openssl.
func goSeeds(t testing.TB) (keyPEM, certPEM, keyDER, certDER []byte) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ = x509.MarshalPKCS8PrivateKey(ec)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "seed"},
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Unix(1<<31, 0),
	}
	certDER, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, ec.Public(), ec)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER})
	return
}

// opensslSeeds generates encrypted and PKCS#12 seeds with openssl, if
// present: each entry is a file's contents.
func opensslSeeds(t testing.TB) (keys [][]byte, certs [][]byte, p12 [][]byte) {
	if _, err := exec.LookPath("openssl"); err != nil {
		return nil, nil, nil
	}
	dir := t.TempDir()
	key := filepath.Join(dir, "k.pem")
	cert := filepath.Join(dir, "c.pem")
	ossl(t, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
	ossl(t, "req", "-x509", "-new", "-key", key, "-subj", "/CN=seed", "-days", "2", "-out", cert)
	pw := "pass:" + fuzzPassword
	out := func(args ...string) []byte {
		p := filepath.Join(dir, "out")
		ossl(t, append(args, "-out", p)...)
		return readFile(t, p)
	}
	keys = append(keys,
		readFile(t, key),
		out("pkey", "-in", key, "-aes256", "-passout", pw),
		out("pkcs8", "-topk8", "-in", key, "-v2", "des3", "-v2prf", "hmacWithSHA1", "-outform", "DER", "-passout", pw),
		out("pkcs8", "-topk8", "-in", key, "-scrypt", "-passout", pw),
		out("ec", "-in", key, "-aes128", "-passout", pw),
		out("ec", "-in", key, "-outform", "DER"),
		out("pkcs8", "-topk8", "-in", key, "-v1", "PBE-SHA1-3DES", "-passout", pw),
		out("pkcs8", "-topk8", "-in", key, "-v1", "PBE-SHA1-2DES", "-outform", "DER", "-passout", pw),
	)
	certs = append(certs,
		readFile(t, cert),
		out("x509", "-in", cert, "-trustout", "-addtrust", "serverAuth"),
		out("x509", "-in", cert, "-outform", "DER"),
	)
	p12 = append(p12,
		out("pkcs12", "-export", "-inkey", key, "-in", cert, "-passout", pw),
		out("pkcs12", "-export", "-legacy", "-inkey", key, "-in", cert, "-passout", pw),
	)
	return keys, certs, p12
}

// checkFuzzErr checks the invariants of every error: our type, the name,
// no password.
func checkFuzzErr(t *testing.T, err error, name string) {
	t.Helper()
	var ke *Error
	if !errors.As(err, &ke) {
		t.Fatalf("error %q (%T) is not a *keyfile.Error", err, err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "keyfile: "+name+": ") {
		t.Fatalf("error %q does not start with the name", msg)
	}
	if strings.Contains(msg, fuzzPassword) {
		t.Fatalf("error %q contains the password", msg)
	}
}

func FuzzParsePrivateKey(f *testing.F) {
	keyPEM, certPEM, keyDER, _ := goSeeds(f)
	f.Add(keyPEM, false)
	f.Add(keyDER, false)
	f.Add(append(certPEM, keyPEM...), false)
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"), true)
	keys, _, p12 := opensslSeeds(f)
	for _, k := range append(keys, p12...) {
		f.Add(k, true)
	}
	p := parser{lim: fuzzLimits}
	f.Fuzz(func(t *testing.T, data []byte, withPassword bool) {
		pw := ""
		if withPassword {
			pw = fuzzPassword
		}
		orig := bytes.Clone(data)
		k, err := p.parsePrivateKey(data, "fuzz.key", pw)
		if !bytes.Equal(orig, data) {
			t.Fatal("input modified")
		}
		if err != nil {
			if k != nil {
				t.Fatal("key and error")
			}
			checkFuzzErr(t, err, "fuzz.key")
			return
		}
		if _, err := x509.MarshalPKIXPublicKey(k.Public()); err != nil {
			t.Fatalf("parsed key %T has an unusable public key: %v", k, err)
		}
		if ek, ok := k.(ed25519.PrivateKey); ok && len(ek) != ed25519.PrivateKeySize {
			t.Fatal("bad Ed25519 key")
		}
	})
}

func FuzzParseCertificates(f *testing.F) {
	keyPEM, certPEM, _, certDER := goSeeds(f)
	f.Add(certPEM)
	f.Add(certDER)
	f.Add(append(append([]byte("text\r\n"), keyPEM...), bytes.ReplaceAll(certPEM, []byte("\n"), []byte("\r\n"))...))
	_, certs, _ := opensslSeeds(f)
	for _, c := range certs {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := bytes.Clone(data)
		certs, err := ParseCertificates(data, "fuzz.pem")
		if !bytes.Equal(orig, data) {
			t.Fatal("input modified")
		}
		if err != nil {
			if certs != nil {
				t.Fatal("certificates and error")
			}
			checkFuzzErr(t, err, "fuzz.pem")
			return
		}
		if len(certs) == 0 {
			t.Fatal("no certificates and no error")
		}
		for _, c := range certs {
			if c == nil || len(c.Raw) == 0 {
				t.Fatal("empty certificate")
			}
		}
	})
}

func FuzzParseKeyPair(f *testing.F) {
	keyPEM, certPEM, keyDER, certDER := goSeeds(f)
	f.Add(append(keyPEM, certPEM...), []byte(nil), false)
	f.Add(certPEM, keyPEM, false)
	f.Add(certDER, keyDER, false)
	keys, certs, p12 := opensslSeeds(f)
	if len(certs) > 0 {
		for _, k := range keys {
			f.Add(certs[0], k, true)
		}
		for _, p := range p12 {
			f.Add(p, []byte(nil), true)
		}
	}
	p := parser{lim: fuzzLimits}
	f.Fuzz(func(t *testing.T, certData, keyData []byte, withPassword bool) {
		pw := ""
		if withPassword {
			pw = fuzzPassword
		}
		keyName := "fuzz.key"
		if len(keyData) == 0 {
			keyData, keyName = nil, ""
		}
		c, err := p.parseKeyPair(certData, "fuzz.crt", keyData, keyName, pw)
		if err != nil {
			var ke *Error
			if !errors.As(err, &ke) || (ke.Name != "fuzz.crt" && ke.Name != "fuzz.key") || strings.Contains(err.Error(), fuzzPassword) {
				t.Fatalf("bad error %q", err)
			}
			return
		}
		if c.Leaf == nil || len(c.Certificate) == 0 || !bytes.Equal(c.Leaf.Raw, c.Certificate[0]) {
			t.Fatal("Leaf not set")
		}
		if !keyMatches(c.Leaf.PublicKey, c.PrivateKey.(crypto.Signer)) {
			t.Fatal("key does not match")
		}
	})
}

// FuzzScanPEM checks the PEM scanner against encoding/pem: blocks we
// decode, re-encoded by encoding/pem, decode to the same blocks.
func FuzzScanPEM(f *testing.F) {
	keyPEM, certPEM, _, _ := goSeeds(f)
	f.Add(keyPEM)
	f.Add(append(certPEM, keyPEM...))
	f.Add([]byte("junk\n-----BEGIN X-----\nA: b\n\nAAAA\n-----END X-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		blocks, err := scanPEM(data)
		if err != nil {
			return
		}
		var re []byte
		for _, b := range blocks {
			if strings.ContainsAny(b.Type, "\r\n") || strings.Contains(b.Type, "-----") {
				t.Fatalf("block type %q", b.Type)
			}
			re = append(re, pem.EncodeToMemory(&pem.Block{Type: b.Type, Bytes: b.Bytes})...)
		}
		again, err := scanPEM(re)
		if err != nil {
			t.Fatalf("re-encoded blocks do not scan: %v", err)
		}
		if len(again) != len(blocks) {
			t.Fatalf("%d blocks, %d after round trip", len(blocks), len(again))
		}
		for i := range again {
			if again[i].Type != blocks[i].Type || !bytes.Equal(again[i].Bytes, blocks[i].Bytes) {
				t.Fatalf("block %d differs after round trip", i)
			}
		}
	})
}
