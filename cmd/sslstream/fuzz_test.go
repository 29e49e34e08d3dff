package main

import (
	"crypto/tls"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzFlagParse: any argument list parses or fails cleanly, and every
// argument ends up as a positional, a flag or a flag's value.
func FuzzFlagParse(f *testing.F) {
	f.Add("a\x00--verify\x00required\x00b")
	f.Add("--\x00--x")
	f.Add("--prefer-server-cipher-order=false\x00h:1\x00--max-depth=3")
	f.Add("-v\x00--name\x00--")
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		fs := newFlagSet(&command{name: "fuzz"})
		fs.String("name", "", "")
		fs.Bool("v", false, "")
		fs.addSettings()
		pos, err := fs.parse(args)
		if err != nil {
			return
		}
		if len(pos) > len(args) {
			t.Fatalf("parse(%q) returned %d positionals from %d args", args, len(pos), len(args))
		}
	})
}

// FuzzDecodeSession: any --sess-in file is decoded or refused cleanly.
func FuzzDecodeSession(f *testing.F) {
	f.Add([]byte("-----BEGIN SSLSTREAM TLS SESSION-----\nServer: x\n\nAAAAAQE=\n-----END SSLSTREAM TLS SESSION-----\n"))
	f.Add([]byte("-----BEGIN SSL SESSION PARAMETERS-----\nMAA=\n-----END SSL SESSION PARAMETERS-----\n"))
	f.Add([]byte("-----BEGIN SSLSTREAM TLS SESSION-----\n/////w==\n-----END SSLSTREAM TLS SESSION-----\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "s.pem")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if cs, err := decodeSession(path); err == nil && cs == nil {
			t.Fatal("nil session without error")
		}
	})
}

// FuzzTranslateOpenSSL: any argument list is translated or refused
// cleanly for each command, and what comes out parses or fails cleanly.
func FuzzTranslateOpenSSL(f *testing.F) {
	f.Add(uint8(0), "-connect\x00h:1\x00-CAfile\x00ca.pem\x00-verify\x002\x00-verify_return_error")
	f.Add(uint8(1), "-accept\x00*:4433\x00-Verify\x001\x00-naccept\x001")
	f.Add(uint8(2), "-CAfile\x00ca.pem\x00-crl_check_all\x00leaf.pem")
	f.Add(uint8(3), "-s\x00-tls1_2\x00-V\x00ALL")
	f.Add(uint8(0), "-no_tls1_2\x00-no_tls1\x00--\x00-quiet")
	cmds := []string{"client", "server", "verify", "ciphers", "rehash"}
	f.Fuzz(func(t *testing.T, which uint8, joined string) {
		name := cmds[int(which)%len(cmds)]
		c := findCommand(name)
		fs := newFlagSet(c)
		c.setup(fs)
		args := strings.Split(joined, "\x00")
		out, _, err := translateOpenSSL(name, args, fs)
		if err != nil {
			return
		}
		_, _ = fs.parse(out)
	})
}

// FuzzParseClientHello: any bytes a client sends first are parsed or
// refused cleanly, and a parsed hello prints its status page lines.
func FuzzParseClientHello(f *testing.F) {
	f.Add(recordClientHello(f, &tls.Config{InsecureSkipVerify: true}))
	f.Add(recordClientHello(f, &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12}))
	f.Add([]byte{22, 3, 1, 0, 4, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, raw []byte) {
		h, ok := parseClientHello(raw)
		if !ok {
			return
		}
		for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
			_ = wwwSigGroupLines(h, v, false, true, nil, nil)
			_, _ = peerSignature(h.certVerify, v, nil)
		}
	})
}

// recordClientHello returns the first bytes a crypto/tls client of cfg
// sends: its ClientHello's record.
func recordClientHello(f testing.TB, cfg *tls.Config) []byte {
	c, s := net.Pipe()
	defer s.Close()
	go func() {
		_ = tls.Client(c, cfg).Handshake()
		c.Close()
	}()
	buf := make([]byte, 1<<14)
	n, err := io.ReadAtLeast(s, buf, 5)
	if err != nil {
		f.Fatalf("recording a ClientHello: %v", err)
	}
	for n < 5+(int(buf[3])<<8|int(buf[4])) {
		m, err := s.Read(buf[n:])
		if err != nil {
			f.Fatalf("recording a ClientHello: %v", err)
		}
		n += m
	}
	return buf[:n]
}
