package keyfile

import (
	"errors"
	"strings"
)

// Sentinel errors. Every error returned by this package is an *Error whose
// Kind is one of these (or nil for plain read/parse failures), so callers can
// test with errors.Is.
var (
	// ErrPasswordRequired: the key or PKCS#12 file is encrypted and no
	// password (certificate-password) was given.
	ErrPasswordRequired = errors.New("password required")
	// ErrBadPassword: a password was given but does not decrypt the key or
	// PKCS#12 file (MAC check, padding or structure after decryption failed).
	ErrBadPassword = errors.New("wrong password")
	// ErrKeyMismatch: the private key does not belong to the leaf certificate.
	ErrKeyMismatch = errors.New("key does not match certificate")
	// ErrNoCertificate: the data holds no certificate.
	ErrNoCertificate = errors.New("no certificate found")
	// ErrNoKey: the data holds no private key.
	ErrNoKey = errors.New("no private key found")
	// ErrUnsupported: the data is well formed but uses an algorithm or format
	// this package (or Go's crypto/tls) cannot use, such as DSA or Ed448 keys.
	ErrUnsupported = errors.New("unsupported format or algorithm")
)

// Error describes a failure to read or decode a certificate or key file.
// Its text has the form "keyfile: NAME: REASON[: CAUSE]". It never contains
// a password or key material.
type Error struct {
	// Name is the file name (or the name given to a Parse function).
	Name string
	// Reason says what is wrong, in words.
	Reason string
	// Kind is one of the package's sentinel errors, or nil.
	Kind error
	// Err is the underlying cause, or nil.
	Err error
}

// Error implements the error interface.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("keyfile: ")
	if e.Name != "" {
		b.WriteString(e.Name)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the sentinel kind and the underlying cause, so that
// errors.Is and errors.As see both.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func newErr(name string, kind error, cause error, reason string) *Error {
	return &Error{Name: name, Reason: reason, Kind: kind, Err: cause}
}
