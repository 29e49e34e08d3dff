package main

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// FuzzReadReply feeds arbitrary server bytes to the SMTP/FTP reply reader:
// it must return without panicking, never read past the reply's last line,
// and a well-formed reply must come back with its code.
func FuzzReadReply(f *testing.F) {
	for _, s := range []string{
		"220 ready\r\n", "220-a\r\n220-b\r\n220 c\r\n", "250-x\n250 STARTTLS\n", "2\r\n", "",
		"554 no\r\nEXTRA", strings.Repeat("x", 5000), "220", "220-\r\n", "234 AUTH TLS OK\r\n\x16\x03\x01",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		code, lines, err := readReply(r)
		if err != nil {
			return
		}
		if len(code) != 3 || len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], code) {
			t.Fatalf("readReply(%q) = %q, %q", data, code, lines)
		}
		consumed := len(data) - r.Len()
		if i := bytes.LastIndexByte(data[:consumed], '\n'); i != consumed-1 {
			t.Fatalf("readReply(%q) read past the end of the reply (consumed %d)", data, consumed)
		}
	})
}

// FuzzStartTLS runs every STARTTLS dialogue against a server that sends
// arbitrary bytes: no panic, no hang, and success only on a plausible
// dialogue.
func FuzzStartTLS(f *testing.F) {
	f.Add("smtp", []byte("220 hi\r\n250 STARTTLS\r\n220 go\r\n"))
	f.Add("imap", []byte("* OK hi\r\n* CAPABILITY STARTTLS\r\na1 OK\r\na2 OK go\r\n"))
	f.Add("ftp", []byte("220 hi\r\n234 ok\r\n"))
	f.Add("postgres", []byte("S"))
	f.Add("postgres", []byte("N"))
	f.Add("smtp", []byte("220-a\r\n220 b\r\n250-x\r\n250 y\r\n"))
	f.Fuzz(func(t *testing.T, proto string, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		client, server := net.Pipe()
		defer client.Close()
		go func() {
			defer server.Close()
			go io.Copy(io.Discard, server)
			server.Write(data)
		}()
		client.SetDeadline(time.Now().Add(2 * time.Second))
		err := startTLS(client, proto)
		if err == nil {
			switch proto {
			case "postgres":
				if len(data) == 0 || data[0] != 'S' {
					t.Fatalf("postgres accepted %q", data)
				}
			case "smtp", "imap":
				if !bytes.Contains(bytes.ToUpper(data), []byte("STARTTLS")) {
					t.Fatalf("%s accepted a dialogue without STARTTLS: %q", proto, data)
				}
			case "ftp":
				if !bytes.Contains(data, []byte("234")) {
					t.Fatalf("ftp accepted %q", data)
				}
			default:
				t.Fatalf("unknown protocol %q accepted", proto)
			}
		}
	})
}

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
