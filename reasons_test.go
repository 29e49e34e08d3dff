package sslstream

import (
	"crypto/tls"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
)

// pipeHandshake runs a crypto/tls client and server handshake over
// net.Pipe and returns both errors, the server connection and the raw
// ends (still open; the client's incoming data is discarded).
func pipeHandshake(t *testing.T, ccfg, scfg *tls.Config) (cerr, serr error, c, s *tls.Conn, craw, sraw net.Conn) {
	t.Helper()
	craw, sraw = net.Pipe()
	deadline := time.Now().Add(10 * time.Second)
	craw.SetDeadline(deadline)
	sraw.SetDeadline(deadline)
	t.Cleanup(func() { craw.Close(); sraw.Close() })
	c, s = tls.Client(craw, ccfg), tls.Server(sraw, scfg)
	sch := make(chan error, 1)
	go func() {
		err := s.Handshake()
		if err != nil {
			sraw.Close()
		}
		sch <- err
	}()
	cerr = c.Handshake()
	if cerr != nil {
		craw.Close()
	} else {
		// Take the server's alert, if it fails after the client is done
		// (net.Pipe writes wait for a reader).
		go io.Copy(io.Discard, c)
	}
	serr = <-sch
	return cerr, serr, c, s, craw, sraw
}

// craftedServer runs a crypto/tls client handshake against a peer that
// reads the ClientHello record and answers with records, and returns the
// client's error.
func craftedServer(t *testing.T, ccfg *tls.Config, records ...[]byte) error {
	t.Helper()
	craw, sraw := net.Pipe()
	deadline := time.Now().Add(10 * time.Second)
	craw.SetDeadline(deadline)
	sraw.SetDeadline(deadline)
	defer craw.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer sraw.Close()
		var hdr [5]byte
		if _, err := io.ReadFull(sraw, hdr[:]); err != nil {
			return
		}
		if _, err := io.CopyN(io.Discard, sraw, int64(binary.BigEndian.Uint16(hdr[3:]))); err != nil {
			return
		}
		for _, r := range records {
			if _, err := sraw.Write(r); err != nil {
				return
			}
		}
		io.Copy(io.Discard, sraw) // the client's alert, until it closes
	}()
	err := tls.Client(craw, ccfg).Handshake()
	craw.Close()
	<-done
	return err
}

// craftedClient sends records to a crypto/tls server and returns the
// server's handshake error.
func craftedClient(t *testing.T, scfg *tls.Config, records ...[]byte) error {
	t.Helper()
	craw, sraw := net.Pipe()
	deadline := time.Now().Add(10 * time.Second)
	craw.SetDeadline(deadline)
	sraw.SetDeadline(deadline)
	defer sraw.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer craw.Close()
		go func() {
			for _, r := range records {
				if _, err := craw.Write(r); err != nil {
					return
				}
			}
		}()
		io.Copy(io.Discard, craw)
	}()
	err := tls.Server(sraw, scfg).Handshake()
	sraw.Close()
	<-done
	return err
}

// record frames body as a TLS record of type typ.
func record(typ byte, body []byte) []byte {
	return append([]byte{typ, 3, 3, byte(len(body) >> 8), byte(len(body))}, body...)
}

// handshakeMsg frames body as a handshake message of type typ.
func handshakeMsg(typ byte, body []byte) []byte {
	n := len(body)
	return append([]byte{typ, byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}

// serverHello is a ServerHello record without extensions for version
// (TLS 1.2 or below) choosing suite, with the given last 8 bytes of the
// server random.
func serverHello(version, suite uint16, randomTail string) []byte {
	body := []byte{byte(version >> 8), byte(version)}
	random := make([]byte, 32)
	copy(random[24:], randomTail)
	body = append(body, random...)
	body = append(body, 0)                              // empty session ID
	body = append(body, byte(suite>>8), byte(suite), 0) // suite, no compression
	return record(22, handshakeMsg(2, body))
}

// TestMessageReasonsMatchCryptoTLS provokes, with the crypto/tls this
// package is built with, each handshake error whose text reasonForMessage
// maps to an OpenSSL reason, and checks that the text still maps to that
// reason: a Go release that rewords a message fails here instead of
// silently losing the OpenSSL code. The few messages that need a peer able
// to sign or encrypt wrongly are checked against crypto/tls's source
// instead.
func TestMessageReasonsMatchCryptoTLS(t *testing.T) {
	t.Parallel()
	f := minipki.New()
	leaf, err := f.SelfSigned("localhost", minipki.DNS("localhost"))
	if err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{leaf.DER()}, PrivateKey: leaf.Key}
	server := func(mod func(*tls.Config)) *tls.Config {
		c := &tls.Config{Certificates: []tls.Certificate{cert}}
		if mod != nil {
			mod(c)
		}
		return c
	}
	client := func(mod func(*tls.Config)) *tls.Config {
		c := &tls.Config{InsecureSkipVerify: true, ServerName: "localhost"}
		if mod != nil {
			mod(c)
		}
		return c
	}
	const (
		ecdsaGCM128 = tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
		ecdsaGCM256 = tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
	)
	tls12 := func(c *tls.Config) { c.MaxVersion = tls.VersionTLS12 }

	cases := []struct {
		name   string
		reason uint32
		run    func(t *testing.T) error // the error whose text must map
	}{
		{"no shared cipher", CodeNoSharedCipher, func(t *testing.T) error {
			_, serr, _, _, _, _ := pipeHandshake(t,
				client(func(c *tls.Config) { tls12(c); c.CipherSuites = []uint16{ecdsaGCM128} }),
				server(func(c *tls.Config) { tls12(c); c.CipherSuites = []uint16{ecdsaGCM256} }))
			return serr
		}},
		{"client sent no certificate", CodePeerDidNotReturnACertificate, func(t *testing.T) error {
			_, serr, _, _, _, _ := pipeHandshake(t, client(nil), server(func(c *tls.Config) { c.ClientAuth = tls.RequireAnyClientCert }))
			return serr
		}},
		{"server chose an old version", CodeUnsupportedProtocol, func(t *testing.T) error {
			// crypto/tls servers refuse rather than pick a version the
			// client did not offer, so the ServerHello is made by hand.
			return craftedServer(t, client(nil), serverHello(tls.VersionTLS11, ecdsaGCM128, ""))
		}},
		{"client offers only old versions", CodeUnsupportedProtocol, func(t *testing.T) error {
			_, serr, _, _, _, _ := pipeHandshake(t, client(tls12), server(func(c *tls.Config) { c.MinVersion = tls.VersionTLS13 }))
			return serr
		}},
		{"MinVersion above MaxVersion", CodeNoProtocolsAvailable, func(t *testing.T) error {
			cerr, _, _, _, _, _ := pipeHandshake(t, client(func(c *tls.Config) { c.MinVersion, c.MaxVersion = tls.VersionTLS13, tls.VersionTLS12 }), server(nil))
			return cerr
		}},
		{"no shared group", CodeNoSharedGroups, func(t *testing.T) error {
			_, serr, _, _, _, _ := pipeHandshake(t, client(func(c *tls.Config) { c.CurvePreferences = []tls.CurveID{tls.X25519} }),
				server(func(c *tls.Config) { c.CurvePreferences = []tls.CurveID{tls.CurveP256} }))
			return serr
		}},
		{"record that fails to decrypt", CodeDecryptionFailedOrBadRecordMAC, func(t *testing.T) error {
			cerr, serr, _, s, craw, _ := pipeHandshake(t, client(tls12), server(tls12))
			if cerr != nil || serr != nil {
				t.Fatalf("handshake: %v, %v", cerr, serr)
			}
			go craw.Write(record(23, make([]byte, 40))) // not encrypted with the session's keys
			_, err := s.Read(make([]byte, 10))
			return err
		}},
		{"server picks a suite not offered", CodeWrongCipherReturned, func(t *testing.T) error {
			return craftedServer(t, client(tls12), serverHello(tls.VersionTLS12, tls.TLS_RSA_WITH_RC4_128_SHA, ""))
		}},
		{"server random says downgrade", CodeInappropriateFallback, func(t *testing.T) error {
			return craftedServer(t, client(nil), serverHello(tls.VersionTLS12, ecdsaGCM128, "DOWNGRD\x01"))
		}},
		{"Finished instead of ServerHello", CodeUnexpectedMessage, func(t *testing.T) error {
			return craftedServer(t, client(tls12), record(22, handshakeMsg(20, make([]byte, 12))))
		}},
		{"ChangeCipherSpec instead of Certificate", CodeUnexpectedMessage, func(t *testing.T) error {
			return craftedServer(t, client(tls12), serverHello(tls.VersionTLS12, ecdsaGCM128, ""), record(20, []byte{1}))
		}},
		{"oversized record", CodePacketLengthTooLong, func(t *testing.T) error {
			return craftedClient(t, server(nil), []byte{22, 3, 1, 0x50, 0x00})
		}},
		{"oversized handshake message", CodeExcessiveMessageSize, func(t *testing.T) error {
			return craftedClient(t, server(nil), record(22, []byte{1, 0xff, 0xff, 0xff}))
		}},
	}
	provoked := map[string]bool{}
	for _, tc := range cases {
		start := time.Now()
		err := tc.run(t)
		if d := time.Since(start); d > 5*time.Second {
			t.Logf("%s took %v", tc.name, d)
		}
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		got, ok := reasonForMessage(err.Error())
		if !ok || packCode(got) != tc.reason {
			t.Errorf("%s: crypto/tls says %q, which maps to reason %d (%v), want %s", tc.name, err, got, ok, ErrorString(tc.reason))
			continue
		}
		for _, m := range messageReasons {
			if strings.Contains(err.Error(), m.substr) {
				provoked[m.substr] = true
				break
			}
		}
	}
	// The rest need a misbehaving signer or encrypter; their texts must at
	// least still be in crypto/tls.
	src := cryptoTLSSource(t)
	for _, m := range messageReasons {
		if provoked[m.substr] {
			continue
		}
		if src == "" {
			t.Logf("not provoked and crypto/tls source not found: %q", m.substr)
			continue
		}
		if !strings.Contains(src, m.substr) {
			t.Errorf("messageReasons entry %q (reason %d) is neither provoked here nor in crypto/tls's source: crypto/tls no longer says it", m.substr, m.reason)
		}
	}
}

// cryptoTLSSource returns the concatenated non-test sources of the
// crypto/tls in use ("" when GOROOT's sources are not installed).
func cryptoTLSSource(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return ""
	}
	files, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "src", "crypto", "tls", "*.go"))
	var b strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}
