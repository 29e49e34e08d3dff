package sslstream

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"
)

// Error is the one error type for everything TLS-level (Allegro CL's
// ssl-error): failed handshakes, alerts received, records that do not
// decrypt, and settings that cannot be applied. Use errors.As to get at it
// and errors.Is/As on its Unwrap chain for the underlying Go error.
//
// Transport failures (timeouts, resets) during a handshake are also returned
// as *Error so that the call that started the handshake and every later call
// return the same value; *Error implements net.Error by delegating to the
// wrapped error, and errors.Is(err, os.ErrDeadlineExceeded) works through
// Unwrap.
type Error struct {
	// What is the operation under way: "handshake", "read", "write",
	// "load certificate", "settings", ...
	What string
	// Codes are OpenSSL 3.0 packed error codes (lib<<23 | reason, with the
	// SSL library, 20) describing what happened, oldest first. Empty when
	// OpenSSL would report a system error rather than an SSL one (for
	// example a connection reset).
	Codes []uint32
	// Strings are the printed forms of Codes, exactly as OpenSSL 3.0
	// prints them, e.g. "error:0A000086:SSL routines::certificate verify failed".
	Strings []string
	// VerifyResult and VerifyResultString are the certificate verification
	// result (OpenSSL 3.0 numbering) when a certificate was involved, else
	// 0 and "".
	VerifyResult       int
	VerifyResultString string
	// Err is the underlying Go error.
	Err error
}

// Error returns a one-line description naming the operation, the OpenSSL
// error strings, the verify result when there is one, and the cause.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("sslstream: ")
	b.WriteString(e.What)
	if len(e.Strings) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Strings, ", "))
	}
	if e.VerifyResultString != "" {
		fmt.Fprintf(&b, " (verify result %d: %s)", e.VerifyResult, e.VerifyResultString)
	}
	if e.Err != nil {
		var vf *verifyFailure
		if !errors.As(e.Err, &vf) || len(e.Strings) == 0 {
			b.WriteString(": ")
			b.WriteString(e.Err.Error())
		} else if vf.hint != "" {
			b.WriteString(": ")
			b.WriteString(vf.hint)
		}
	}
	return b.String()
}

// Unwrap returns the underlying Go error.
func (e *Error) Unwrap() error { return e.Err }

// Timeout reports whether the underlying error is a timeout (net.Error).
func (e *Error) Timeout() bool {
	var ne net.Error
	return errors.As(e.Err, &ne) && ne.Timeout()
}

// Temporary is part of net.Error; it is deprecated there and always
// reports the same as Timeout here.
func (e *Error) Temporary() bool { return e.Timeout() }

// HasCode reports whether code (packed, e.g. 0x0A000086) is among e.Codes.
func (e *Error) HasCode(code uint32) bool {
	for _, c := range e.Codes {
		if c == code {
			return true
		}
	}
	return false
}

// OpenSSL 3.0 SSL-library reason codes used by this package.
const (
	reasonBadSignature           = 123
	reasonCertificateVerifyFail  = 134
	reasonDigestCheckFailed      = 149
	reasonExcessiveMessageSize   = 152
	reasonHTTPSProxyRequest      = 155
	reasonHTTPRequest            = 156
	reasonNoCipherMatch          = 185
	reasonNoProtocolsAvailable   = 191
	reasonNoSharedCipher         = 193
	reasonPacketLengthTooLong    = 198
	reasonPeerDidNotReturnCert   = 199
	reasonUnexpectedMessage      = 244
	reasonUnsupportedProtocol    = 258
	reasonWrongCipherReturned    = 261
	reasonWrongVersionNumber     = 267
	reasonBadRecordMAC           = 281
	reasonUnexpectedEOF          = 294
	reasonNoSuitableSigAlg       = 118
	reasonInappropriateFallback  = 373
	reasonWrongCurve             = 378
	reasonNoSharedGroups         = 410
	reasonAlertOffset            = 1000
	reasonNoCertificatesReturned = 176
)

// sslLib is OpenSSL's library number for "SSL routines".
const sslLib = 20

// packCode packs an SSL-library reason the way OpenSSL 3.0 does.
func packCode(reason uint32) uint32 { return sslLib<<23 | reason }

// ErrorString returns OpenSSL 3.0's printed form of a packed SSL-library
// error code, e.g. ErrorString(0x0A000086) ==
// "error:0A000086:SSL routines::certificate verify failed". An SSL reason
// without a text prints as OpenSSL prints it ("reason(N)"). Only the SSL
// library's texts are known: a code of another library prints as
// "error:XXXXXXXX:lib(N)::reason(N)", which is OpenSSL's form only for
// libraries it does not know (it names its own, e.g. "x509 certificate
// routines"); this package produces SSL-library codes only.
func ErrorString(code uint32) string {
	lib := code >> 23
	reason := code & (1<<23 - 1)
	if lib == sslLib {
		if text, ok := sslReasons[reason]; ok {
			return fmt.Sprintf("error:%08X:SSL routines::%s", code, text)
		}
		return fmt.Sprintf("error:%08X:SSL routines::reason(%d)", code, reason)
	}
	return fmt.Sprintf("error:%08X:lib(%d)::reason(%d)", code, lib, reason)
}

// newError builds an *Error for op from reasons (SSL library reason codes).
func newError(op string, err error, reasons ...uint32) *Error {
	e := &Error{What: op, Err: err}
	for _, r := range reasons {
		c := packCode(r)
		e.Codes = append(e.Codes, c)
		e.Strings = append(e.Strings, ErrorString(c))
	}
	return e
}

// verifyFailure is the error our VerifyConnection callback returns when
// the verify mode says the handshake must fail.
type verifyFailure struct {
	code int
	text string
	hint string
}

func (v *verifyFailure) Error() string {
	s := fmt.Sprintf("certificate verify failed: %d (%s)", v.code, v.text)
	if v.hint != "" {
		s += ": " + v.hint
	}
	return s
}

// suiteFailure is returned when a TLS 1.3 peer negotiated a cipher suite
// outside the ciphersuites setting.
type suiteFailure struct {
	suite   string
	allowed string
	server  bool
	// noneOffered: the client offered none of the allowed suites (refused
	// at the ClientHello, before any suite was chosen).
	noneOffered bool
}

func (s *suiteFailure) Error() string {
	if s.noneOffered {
		return fmt.Sprintf("the client offers none of the TLS 1.3 cipher suites of ciphersuites %q", s.allowed)
	}
	return fmt.Sprintf("negotiated TLS 1.3 cipher suite %s is not in ciphersuites %q (crypto/tls cannot restrict TLS 1.3 offers, so the connection was refused after the choice)", s.suite, s.allowed)
}

// alertNumber extracts the alert number from a crypto/tls alert value
// (an unexported uint8 type) or a tls.AlertError.
func alertNumber(err error) (uint8, bool) {
	if err == nil {
		return 0, false
	}
	var ae tls.AlertError
	if errors.As(err, &ae) {
		return uint8(ae), true
	}
	v := reflect.ValueOf(err)
	if v.Kind() == reflect.Uint8 && v.Type().PkgPath() == "crypto/tls" {
		return uint8(v.Uint()), true
	}
	return 0, false
}

// classify turns an error from crypto/tls into an *Error for operation op,
// attaching the verify outcome when one is known. It returns nil for nil.
func classify(op string, err error, vr *verifyOutcome) *Error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return already
	}
	e := &Error{What: op, Err: err}
	var reasons []uint32
	var vf *verifyFailure
	var sf *suiteFailure
	var of *ocspFailure
	var rhe tls.RecordHeaderError
	var opErr *net.OpError
	msg := err.Error()
	switch {
	case errors.As(err, &vf):
		reasons = []uint32{reasonCertificateVerifyFail}
		e.VerifyResult, e.VerifyResultString = vf.code, vf.text
	case errors.As(err, &of):
		reasons = []uint32{reasonInvalidStatusResponse}
	case errors.As(err, &sf):
		if sf.server {
			reasons = []uint32{reasonNoSharedCipher}
		} else {
			reasons = []uint32{reasonWrongCipherReturned}
		}
	case errors.As(err, &opErr) && opErr.Op == "remote error":
		if n, ok := alertNumber(opErr.Err); ok {
			reasons = []uint32{reasonAlertOffset + uint32(n)}
		}
	case errors.As(err, &rhe):
		h := string(rhe.RecordHeader[:])
		switch {
		case strings.Contains(rhe.Msg, "oversized record"):
			// OpenSSL: a record longer than its read buffer.
			reasons = []uint32{reasonPacketLengthTooLong}
		case (h[0] == 20 || h[0] == 23) && h[1] == 3:
			// A well-formed ChangeCipherSpec or application-data record
			// where the first handshake message belongs, as OpenSSL 3.0
			// reports it.
			reasons = []uint32{reasonUnexpectedMessage}
		case strings.HasPrefix(h, "GET ") || strings.HasPrefix(h, "POST ") || strings.HasPrefix(h, "HEAD ") || strings.HasPrefix(h, "PUT "):
			reasons = []uint32{reasonHTTPRequest}
		case strings.HasPrefix(h, "CONNE"):
			reasons = []uint32{reasonHTTPSProxyRequest}
		default:
			reasons = []uint32{reasonWrongVersionNumber}
		}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		reasons = []uint32{reasonUnexpectedEOF}
	default:
		if r, ok := reasonForMessage(msg); ok {
			reasons = []uint32{r}
		}
	}
	for _, r := range reasons {
		c := packCode(r)
		e.Codes = append(e.Codes, c)
		e.Strings = append(e.Strings, ErrorString(c))
	}
	if e.VerifyResultString == "" && vr != nil && vr.present && vr.reported != 0 {
		code := vr.reported
		e.VerifyResult, e.VerifyResultString = code, vr.textOf(code)
	}
	return e
}

// messageReasons maps crypto/tls error texts (as of Go 1.26) onto the
// OpenSSL reason that OpenSSL reports for the same situation.
var messageReasons = []struct {
	substr string
	reason uint32
}{
	{"no cipher suite supported by both client and server", reasonNoSharedCipher},
	{"client didn't provide a certificate", reasonPeerDidNotReturnCert},
	{"server selected unsupported protocol version", reasonUnsupportedProtocol},
	{"client offered only unsupported versions", reasonUnsupportedProtocol},
	{"no supported versions satisfy MinVersion and MaxVersion", reasonNoProtocolsAvailable},
	{"server chose an unconfigured cipher suite", reasonWrongCipherReturned},
	{"no key exchanges supported by both client and server", reasonNoSharedGroups},
	{"server selected unsupported curve", reasonWrongCurve},
	{"signature algorithms", reasonNoSuitableSigAlg},
	{"received unexpected handshake message", reasonUnexpectedMessage},
	{"unexpected message", reasonUnexpectedMessage},
	{"invalid signature by the", reasonBadSignature},
	{"Finished message", reasonDigestCheckFailed},
	{"bad record MAC", reasonBadRecordMAC},
	{"oversized record received", reasonPacketLengthTooLong},
	{"handshake message of length", reasonExcessiveMessageSize},
	{"downgrade attempt detected", reasonInappropriateFallback},
	{"received empty certificates message", reasonNoCertificatesReturned},
}

func reasonForMessage(msg string) (uint32, bool) {
	for _, m := range messageReasons {
		if strings.Contains(msg, m.substr) {
			return m.reason, true
		}
	}
	return 0, false
}
