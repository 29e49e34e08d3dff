package hostile

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream"
)

// handshakeWith feeds data from a peer to our stream made by mk over
// net.Pipe, then hangs up, and returns the handshake's error. Whatever our
// side writes is read and thrown away.
func handshakeWith(t testing.TB, data []byte, mk func(net.Conn) (*sslstream.Stream, error)) error {
	ours, peer := net.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(io.Discard, peer)
	}()
	go func() {
		_, _ = peer.Write(data)
		_ = peer.Close()
	}()
	st, err := mk(ours)
	if err != nil {
		ours.Close()
		<-done
		return err
	}
	_ = st.SetDeadline(time.Now().Add(5 * time.Second))
	err = st.Handshake()
	st.Close()
	<-done
	return err
}

func checkFuzzHandshakeErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("random bytes completed a handshake")
	}
	var e *sslstream.Error
	if !errors.As(err, &e) {
		t.Fatalf("want *sslstream.Error, got %T: %v", err, err)
	}
	if e.Timeout() {
		t.Fatalf("handshake timed out instead of failing on the input (hang): %v", err)
	}
}

func handshakeSeeds(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))
	f.Add([]byte{22, 3, 1, 0xff, 0xff})
	f.Add(record(22, []byte{1, 0xff, 0xff, 0xff}))
	f.Add(record(21, []byte{2, 40}))
	f.Add(clientHello(f, &tls.Config{InsecureSkipVerify: true}))
	f.Add(clientHello(f, &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12}))
}

// FuzzServerHandshake: random bytes from a client never panic or hang our
// server; they end in an *sslstream.Error.
func FuzzServerHandshake(f *testing.F) {
	handshakeSeeds(f)
	srv, _ := contexts(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		err := handshakeWith(t, data, func(c net.Conn) (*sslstream.Stream, error) { return srv.Server(c, nil) })
		checkFuzzHandshakeErr(t, err)
	})
}

// FuzzClientHandshake: random bytes from a server never panic or hang our
// client.
func FuzzClientHandshake(f *testing.F) {
	handshakeSeeds(f)
	f.Add(record(22, []byte{2, 0, 0, 0x26, 3, 3}))
	f.Add([]byte("220 smtp.example ESMTP\r\n"))
	_, cli := contexts(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		err := handshakeWith(t, data, func(c net.Conn) (*sslstream.Stream, error) { return cli.Client(c, nil) })
		checkFuzzHandshakeErr(t, err)
	})
}

// fileSettings name files; the fuzzer must not make contexts read them
// (it could name /dev/stdin or a FIFO).
var fileSettings = map[string]bool{
	"certificate": true, "key": true, "ca-file": true, "ca-directory": true, "crl-file": true,
}

func normalized(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.TrimPrefix(n, ":")
	n = strings.TrimPrefix(n, "--")
	return strings.ReplaceAll(n, "_", "-")
}

// FuzzSettingsSet: Settings.Set and Overrides.Set never panic, errors name
// the setting, and a value Set accepts is one a context accepts or refuses
// with an *sslstream.Error (never a panic).
func FuzzSettingsSet(f *testing.F) {
	for _, s := range [][2]string{
		{"method", "tlsv1.2+"}, {"method", "tlsv1.1,tlsv1.3"}, {"method", "sslv2"}, {"verify", "required"},
		{"max-depth", "3"}, {"max-depth", "-1"}, {"max-depth", "99999999999999999999"}, {"ciphers", "HIGH:!aNULL:@SECLEVEL=0"},
		{"ciphersuites", "TLS_AES_128_GCM_SHA256"}, {"prefer-server-cipher-order", "yes"}, {"crl-check", "all"},
		{"server-name", "localhost"}, {"x509-strict", "t"}, {"unbuffered", "on"}, {":CA_FILE", "x"}, {"--verify", "nil"},
		{"certificate-password", "hunter2"}, {"nonsense", ""}, {"", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		var s sslstream.Settings
		err := s.Set(name, value)
		if err != nil {
			if n := normalized(name); !strings.Contains(err.Error(), n) && !strings.Contains(err.Error(), strconv.Quote(name)) {
				t.Fatalf("Set(%q, %q) error does not name the setting: %v", name, value, err)
			}
		} else if !fileSettings[normalized(name)] {
			if _, err := sslstream.NewClientContext(s); err != nil {
				var e *sslstream.Error
				if !errors.As(err, &e) {
					t.Fatalf("NewClientContext after Set(%q, %q): %T %v", name, value, err, err)
				}
			}
		}
		var o sslstream.Overrides
		if err := o.Set(name, value); err == nil {
			_, cli := contexts(t)
			a, b := net.Pipe()
			st, err := cli.Client(a, &o)
			if err == nil {
				st.Close()
			} else {
				a.Close()
			}
			b.Close()
		}
	})
}

// FuzzParseMethod: ParseMethod never panics, and what it accepts prints
// as a method it accepts again.
func FuzzParseMethod(f *testing.F) {
	for _, s := range []string{"tlsv1+", "sslv23", "tlsv1.2,tlsv1.3", "sslv3+", "TLSV1.3", "tlsv1,tlsv1.2", "", ","} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := sslstream.ParseMethod(s)
		if err != nil {
			if !strings.Contains(err.Error(), "method") {
				t.Fatalf("ParseMethod(%q) error does not name the setting: %v", s, err)
			}
			return
		}
		if _, err := sslstream.ParseMethod(m.String()); err != nil {
			t.Fatalf("ParseMethod(%q) = %q, which does not parse again: %v", s, m.String(), err)
		}
	})
}
