package main

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/cipherlist"
)

// connFlags are the flags client and server share: the library's
// settings and the password file.
type connFlags struct {
	settings     *settingFlags
	passwordFile *string
}

// addConnFlags defines the setting flags and the shared extras.
func (fs *flagSet) addConnFlags() *connFlags {
	cf := &connFlags{settings: fs.addSettings()}
	cf.passwordFile = fs.String("certificate-password-file", "", "read the certificate password from the first line of `FILE` (safer than --certificate-password)")
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
	if *cf.passwordFile != "" {
		if _, ok := cf.settings.get("certificate-password"); ok {
			return s, usagef("--certificate-password and --certificate-password-file are mutually exclusive")
		}
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

// lockedWriter serializes writes to w: the trace handler and the command's
// own lines share stderr.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

// Write writes p to the underlying writer under the lock.
func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
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

// cipherName is OpenSSL's name for a suite: ECDHE-RSA-AES128-GCM-SHA256 for
// TLS <= 1.2, the RFC name (which OpenSSL uses too) for TLS 1.3.
func cipherName(id uint16) string {
	if s, ok := cipherlist.ByID(id); ok && s.Name != "" {
		return s.Name
	}
	return tls.CipherSuiteName(id)
}
