package sslstream

import (
	"fmt"
	"io"
	"strings"
)

// Printing settings and contexts never shows a password: the types that
// hold one print it as "[redacted]" with every fmt verb.

// redacted replaces passwords in printed settings.
const redacted = "[redacted]"

// Format prints Settings with every verb (%v, %+v, %#v, %s, %q, ...) as
// fmt would, except that a CertificatePassword (also those of
// ExtraCertificates) is shown as "[redacted]", so settings can be logged.
func (s Settings) Format(f fmt.State, verb rune) {
	type plain Settings // same fields, no methods: no recursion
	if s.CertificatePassword != "" {
		s.CertificatePassword = redacted
	}
	formatRedacted(f, verb, plain(s), "sslstream.Settings")
}

// Format prints CertificateFiles like fmt would, with CertificatePassword
// shown as "[redacted]".
func (c CertificateFiles) Format(f fmt.State, verb rune) {
	type plain CertificateFiles
	if c.CertificatePassword != "" {
		c.CertificatePassword = redacted
	}
	formatRedacted(f, verb, plain(c), "sslstream.CertificateFiles")
}

// formatRedacted prints v (a method-less copy of a settings type) with the
// verb and flags of f; for %#v it shows the original type name.
func formatRedacted(f fmt.State, verb rune, v any, typeName string) {
	out := fmt.Sprintf(fmt.FormatString(f, verb), v)
	if verb == 'v' && f.Flag('#') {
		out = strings.Replace(out, "sslstream.plain", typeName, 1)
	}
	_, _ = io.WriteString(f, out)
}

// GoString describes the context for %#v without its internals (which
// hold the settings, password included, and the private keys).
func (c *ClientContext) GoString() string {
	if c == nil {
		return "(*sslstream.ClientContext)(nil)"
	}
	return fmt.Sprintf("&sslstream.ClientContext{%q}", c.String())
}

// GoString describes the context for %#v without its internals.
func (c *ServerContext) GoString() string {
	if c == nil {
		return "(*sslstream.ServerContext)(nil)"
	}
	return fmt.Sprintf("&sslstream.ServerContext{%q}", c.String())
}
