package hostile

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
)

// secretNeedles returns the strings that must never appear in rendered
// output: the password and pieces of the private key in every encoding a
// careless formatter might produce (PEM base64 lines, DER hex, the scalar
// in decimal and hex).
func secretNeedles(t *testing.T, p *files) []string {
	t.Helper()
	needles := []string{p.encKeyPassword}
	for _, keyPEM := range [][]byte{p.serverKeyPEM, mustRead(t, p.encKey)} {
		for _, line := range strings.Split(string(keyPEM), "\n") {
			if len(line) >= 40 && !strings.HasPrefix(line, "-----") && !strings.Contains(line, ":") {
				needles = append(needles, line[8:40])
			}
		}
	}
	blk, _ := pem.Decode(p.serverKeyPEM)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 the raw scalar is the secret that must not appear in logs
	d := k.(*ecdsa.PrivateKey).D
	needles = append(needles, d.String()[:20], d.Text(16)[:20], fmt.Sprintf("%x", blk.Bytes)[40:80])
	return needles
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := readFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// renderings formats v every way a log line might.
func renderings(v any) []string {
	return []string{
		fmt.Sprint(v),
		fmt.Sprintf("%v", v),
		fmt.Sprintf("%+v", v),
		fmt.Sprintf("%#v", v),
		fmt.Sprintf("%s", v),
		fmt.Sprintf("%q", v),
	}
}

// TestSecretsNeverRendered: passwords and private keys never appear in
// errors or in the printed forms of settings, contexts and streams.
func TestSecretsNeverRendered(t *testing.T) {
	t.Parallel()
	p := pki(t)
	needles := secretNeedles(t, p)

	settings := sslstream.Settings{
		Certificate:         p.serverCert,
		Key:                 p.encKey,
		CertificatePassword: p.encKeyPassword,
		CAFile:              p.caFile,
		ExtraCertificates: []sslstream.CertificateFiles{{
			Certificate: p.serverCert, Key: p.encKey, CertificatePassword: p.encKeyPassword,
		}},
	}
	srv, err := sslstream.NewServerContext(settings)
	if err != nil {
		t.Fatalf("server context with the encrypted key: %v", err)
	}
	_, cli := contexts(t)

	// A complete connection, so that streams hold live key material.
	c, s := tcpPair(t)
	sst, err := srv.Server(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sst.Close()
	cst, err := cli.Client(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cst.Close()
	_ = sst.SetDeadline(time.Now().Add(ioDeadline))
	_ = cst.SetDeadline(time.Now().Add(ioDeadline))
	herr := make(chan error, 1)
	go func() { herr <- sst.Handshake() }()
	if err := cst.Handshake(); err != nil {
		t.Fatal(err)
	}
	if err := <-herr; err != nil {
		t.Fatal(err)
	}

	// Errors that involve the password or the key.
	wrong := settings
	wrong.CertificatePassword = p.encKeyPassword + "x"
	wrong.ExtraCertificates = nil
	_, errWrong := sslstream.NewServerContext(wrong)
	mismatch := sslstream.Settings{Certificate: p.clientCert, Key: p.serverKey}
	_, errMismatch := sslstream.NewServerContext(mismatch)
	truncated := sslstream.Settings{Certificate: p.serverCert, Key: writeFile(t, "t.key", p.serverKeyPEM[:len(p.serverKeyPEM)-60])}
	_, errTrunc := sslstream.NewServerContext(truncated)
	keyAsCert := sslstream.Settings{Certificate: p.serverKey, CertificatePassword: p.encKeyPassword}
	_, errKeyAsCert := sslstream.NewServerContext(keyAsCert)
	var ov sslstream.Overrides
	errFrozen := ov.Set("certificate-password", p.encKeyPassword)
	var ss sslstream.Settings
	_ = ss.Set("certificate-password", p.encKeyPassword)

	objects := map[string]any{
		"Settings":           settings,
		"*Settings":          &settings,
		"Settings via Set":   ss,
		"CertificateFiles":   settings.ExtraCertificates[0],
		"*ServerContext":     srv,
		"*ClientContext":     cli,
		"server *Stream":     sst,
		"client *Stream":     cst,
		"wrong password err": errWrong,
		"mismatch err":       errMismatch,
		"truncated key err":  errTrunc,
		"key as cert err":    errKeyAsCert,
		"frozen override":    errFrozen,
	}
	for name, obj := range objects {
		for i, out := range renderings(obj) {
			for _, n := range needles {
				if strings.Contains(out, n) {
					t.Errorf("%s rendered with verb %d contains secret %q:\n%s", name, i, n, clip(out))
				}
			}
		}
	}
	for name, e := range map[string]error{"wrong password": errWrong, "mismatch": errMismatch, "truncated key": errTrunc, "key as cert": errKeyAsCert} {
		if e == nil {
			t.Errorf("%s: want an error", name)
		}
	}
	if !bytes.Contains([]byte(fmt.Sprint(errWrong)), []byte("password")) {
		t.Errorf("wrong-password error does not say so: %v", errWrong)
	}
}
