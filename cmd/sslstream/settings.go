package main

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/sslstream/sslstream"
)

// connFlags are the flags client and server share: the library's
// settings and the password file.
type connFlags struct {
	settings       *settingFlags
	passwordFile   *string
	passwordSource *string
}

// addConnFlags defines the setting flags and the shared extras.
func (fs *flagSet) addConnFlags() *connFlags {
	cf := &connFlags{settings: fs.addSettings()}
	cf.passwordFile = fs.String("certificate-password-file", "", "read the certificate password from the first line of `FILE` (safer than --certificate-password)")
	cf.passwordSource = fs.String("certificate-password-source", "", "the certificate password in openssl -pass syntax: `SOURCE` is pass:PASSWORD, env:VARIABLE, file:PATH (first line), fd:N (first line) or stdin (first line)")
	return cf
}

// build turns the flags into sslstream.Settings through Settings.Set, so
// that every value is validated by the library with its own messages.
// --trace logs through a text handler on stderr.
func (cf *connFlags) build(stderr io.Writer) (sslstream.Settings, error) {
	var s sslstream.Settings
	for _, st := range cf.settings.list {
		if err := s.Set(st.name, st.value); err != nil {
			return s, usagef("--%s: %v", st.name, err)
		}
	}
	given := 0
	if _, ok := cf.settings.get("certificate-password"); ok {
		given++
	}
	if *cf.passwordFile != "" {
		given++
	}
	if *cf.passwordSource != "" {
		given++
	}
	if given > 1 {
		return s, usagef("--certificate-password, --certificate-password-file and --certificate-password-source (openssl -pass) are mutually exclusive")
	}
	if *cf.passwordSource != "" {
		pw, err := readPasswordSource(*cf.passwordSource)
		if err != nil {
			return s, err
		}
		s.CertificatePassword = pw
	}
	if *cf.passwordFile != "" {
		pw, err := readPasswordFile(*cf.passwordFile)
		if err != nil {
			return s, err
		}
		s.CertificatePassword = pw
	}
	if s.Trace {
		s.TraceLogger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	return s, nil
}

// readPasswordFile returns the first line of path without its line ending.
func readPasswordFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("certificate-password-file: %w", err)
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("certificate-password-file %s: empty file", path)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// readPasswordSource reads a password given in openssl's pass phrase
// syntax (openssl-passphrase-options(1)): pass:PASSWORD, env:VARIABLE,
// file:PATH, fd:N or stdin; for the last three, the first line.
func readPasswordSource(src string) (string, error) {
	kind, arg, _ := strings.Cut(src, ":")
	switch kind {
	case "pass":
		return arg, nil
	case "env":
		v, ok := os.LookupEnv(arg)
		if !ok {
			return "", usagef("--certificate-password-source %s: environment variable %q is not set", src, arg)
		}
		return v, nil
	case "file":
		pw, err := readPasswordFile(arg)
		if err != nil {
			return "", fmt.Errorf("--certificate-password-source %s: %w", src, err)
		}
		return pw, nil
	case "fd":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 {
			return "", usagef("--certificate-password-source %s: %q is not a file descriptor number", src, arg)
		}
		return readFirstLine(os.NewFile(uintptr(n), "fd:"+arg), src)
	case "stdin":
		if arg != "" || strings.Contains(src, ":") {
			break
		}
		return readFirstLine(os.Stdin, src)
	}
	return "", usagef("--certificate-password-source %q: want pass:PASSWORD, env:VARIABLE, file:PATH, fd:N or stdin", src)
}

// readFirstLine reads one line from f byte by byte, so that what follows
// it (the data for the connection, on stdin) stays unread.
func readFirstLine(f *os.File, src string) (string, error) {
	if f == nil {
		return "", usagef("--certificate-password-source %s: no such file descriptor", src)
	}
	var b []byte
	one := make([]byte, 1)
	for len(b) < 4096 {
		n, err := f.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				break
			}
			b = append(b, one[0])
			continue
		}
		if err != nil {
			if len(b) == 0 {
				return "", fmt.Errorf("--certificate-password-source %s: no password (%v)", src, err)
			}
			break
		}
	}
	return strings.TrimRight(string(b), "\r"), nil
}

// cipherName is OpenSSL's name for a suite: ECDHE-RSA-AES128-GCM-SHA256 for
// TLS <= 1.2, the RFC name (which OpenSSL uses too) for TLS 1.3.
func cipherName(id uint16) string { return sslstream.CipherSuiteName(id) }
