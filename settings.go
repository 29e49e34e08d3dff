package sslstream

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sslstream/sslstream/verify"
)

// VerifyMode is the verify setting: whether and how the peer's certificate
// must verify for the handshake to succeed.
type VerifyMode int

const (
	// VerifyNone (the zero value, Lisp nil): the handshake succeeds whatever
	// the peer sends; a client still verifies the server's certificate and
	// reports the result; a server does not ask for a client certificate.
	VerifyNone VerifyMode = iota
	// VerifyOptional: a server asks for a client certificate but accepts
	// its absence; a certificate that is sent must verify.
	VerifyOptional
	// VerifyRequired: the peer must send a certificate and it must verify.
	VerifyRequired
)

// String returns the setting value: "none", "optional" or "required".
func (v VerifyMode) String() string {
	switch v {
	case VerifyNone:
		return "none"
	case VerifyOptional:
		return "optional"
	case VerifyRequired:
		return "required"
	}
	return fmt.Sprintf("VerifyMode(%d)", int(v))
}

// ParseVerifyMode parses "none" (also "nil" and ""), "optional" or "required".
func ParseVerifyMode(s string) (VerifyMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none", "nil":
		return VerifyNone, nil
	case "optional":
		return VerifyOptional, nil
	case "required":
		return VerifyRequired, nil
	}
	return 0, fmt.Errorf("verify %q: allowed values are none, optional, required", s)
}

func (v VerifyMode) valid() bool { return v >= VerifyNone && v <= VerifyRequired }

// CRLCheck is the crl-check setting. It is the verification engine's
// CRLMode, so the value passes to verify.Options unchanged; String returns
// the setting value: "none", "peer" or "all".
type CRLCheck = verify.CRLMode

const (
	// CRLNone (the zero value): no revocation check.
	CRLNone = verify.CRLNone
	// CRLPeer checks the peer's own certificate against the CRLs.
	CRLPeer = verify.CRLPeer
	// CRLAll checks every certificate of the chain.
	CRLAll = verify.CRLAll
)

// ParseCRLCheck parses "none" (also ""), "peer" or "all".
func ParseCRLCheck(s string) (CRLCheck, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none":
		return CRLNone, nil
	case "peer":
		return CRLPeer, nil
	case "all":
		return CRLAll, nil
	}
	return 0, fmt.Errorf("crl-check %q: allowed values are none, peer, all", s)
}

// DefaultMaxDepth is the default max-depth, as in OpenSSL.
const DefaultMaxDepth = 10

// Settings holds every setting of a client or server (SPEC §3, the seed's
// keyword arguments). The zero value is valid for a client: TLS 1.2–1.3 in
// effect, OpenSSL's DEFAULT ciphers, verify none. A server needs
// Certificate. Pointer fields distinguish "not set" from the zero value;
// Go 1.26's new(expr) makes them easy to fill: MaxDepth: new(2).
type Settings struct {
	// Method is the allowed protocol versions (see ParseMethod); "" = "tlsv1+".
	Method string
	// Certificate is the path of the own certificate: PEM (chain, leaf
	// first, may also hold the key), DER, or PKCS#12 (.p12/.pfx).
	Certificate string
	// Key is the path of the private key; "" = read it from Certificate.
	Key string
	// CertificatePassword decrypts an encrypted key or PKCS#12 file.
	CertificatePassword string
	// Verify is the verify mode; the zero value is VerifyNone.
	Verify VerifyMode
	// MaxDepth is the most intermediate CA certificates allowed between the
	// peer's certificate and the trust anchor; nil = DefaultMaxDepth.
	MaxDepth *int
	// CAFile is a PEM bundle of trusted CAs.
	CAFile string
	// CADirectory is a hashed CA directory as made by `openssl rehash`.
	CADirectory string
	// Ciphers is an OpenSSL cipher-list string for TLS ≤ 1.2; "" = "DEFAULT".
	Ciphers string
	// Ciphersuites is a colon list of TLS 1.3 suites; "" = all three.
	Ciphersuites string
	// PreferServerCipherOrder makes the server's cipher order win (TLS ≤
	// 1.2); nil = true for servers. Meaningful for servers only.
	PreferServerCipherOrder *bool
	// CRLCheck selects which certificates are checked against CRLs.
	CRLCheck CRLCheck
	// CRLFile is a PEM or DER file with one or more CRLs.
	CRLFile string
	// ServerName is, for a client, the name sent as SNI and checked against
	// the server's certificate; for a server, informational (the names it
	// answers for are those of its certificates).
	ServerName string
	// X509Strict adds RFC 5280 checks beyond OpenSSL's to verification.
	X509Strict bool
	// Unbuffered makes every Write reach the peer at once, as with
	// tls.Conn, instead of buffering until Flush, Read or Close.
	Unbuffered bool
	// ExtraCertificates are further certificates of a server, chosen by
	// the name the client asks for (SNI); Certificate stays the default.
	ExtraCertificates []CertificateFiles

	// Features beyond OpenSSL's settings (see features.go and
	// docs/FEATURES.md): ALPN, session resumption, key log, handshake
	// trace, CRL policy.
	Features
}

// CertificateFiles names one certificate and its key for
// Settings.ExtraCertificates.
type CertificateFiles struct {
	Certificate, Key, CertificatePassword string
}

// settingNames lists every name accepted by Settings.Set, in SPEC order.
var settingNames = []string{
	"method", "certificate", "key", "certificate-password", "verify", "max-depth",
	"ca-file", "ca-directory", "ciphers", "ciphersuites", "prefer-server-cipher-order",
	"crl-check", "crl-file", "server-name", "x509-strict", "unbuffered",
}

// overridableNames are the settings a connection may override.
var overridableNames = []string{
	"method", "ciphers", "ciphersuites", "verify", "max-depth",
	"prefer-server-cipher-order", "server-name", "unbuffered",
}

func normalizeName(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.TrimPrefix(n, ":") // Lisp keyword style
	n = strings.TrimPrefix(n, "--")
	return strings.ReplaceAll(n, "_", "-")
}

func parseDepth(value string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("max-depth %q: want an integer >= 0", value)
	}
	return n, nil
}

func parseBool(name, value string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "true", "yes", "on", "1", "t":
		return true, nil
	case "false", "no", "off", "0", "nil", "":
		return false, nil
	}
	return false, fmt.Errorf("%s %q: want true or false", name, value)
}

// Set sets one setting by its SPEC name ("method", "ca-file", "max-depth",
// ...), for command lines and configuration files. Values are parsed and
// checked where that needs no file access; files are read when a context or
// stream is created. Unknown names and bad values are errors naming the
// setting, the value and what is allowed.
func (s *Settings) Set(name, value string) error {
	switch normalizeName(name) {
	case "method":
		if _, err := ParseMethod(value); err != nil {
			return err
		}
		s.Method = value
	case "certificate":
		s.Certificate = value
	case "key":
		s.Key = value
	case "certificate-password":
		s.CertificatePassword = value
	case "verify":
		v, err := ParseVerifyMode(value)
		if err != nil {
			return err
		}
		s.Verify = v
	case "max-depth":
		n, err := parseDepth(value)
		if err != nil {
			return err
		}
		s.MaxDepth = &n
	case "ca-file":
		s.CAFile = value
	case "ca-directory":
		s.CADirectory = value
	case "ciphers":
		s.Ciphers = value
	case "ciphersuites":
		s.Ciphersuites = value
	case "prefer-server-cipher-order":
		b, err := parseBool("prefer-server-cipher-order", value)
		if err != nil {
			return err
		}
		s.PreferServerCipherOrder = &b
	case "crl-check":
		c, err := ParseCRLCheck(value)
		if err != nil {
			return err
		}
		s.CRLCheck = c
	case "crl-file":
		s.CRLFile = value
	case "server-name":
		s.ServerName = value
	case "x509-strict":
		b, err := parseBool("x509-strict", value)
		if err != nil {
			return err
		}
		s.X509Strict = b
	case "unbuffered":
		b, err := parseBool("unbuffered", value)
		if err != nil {
			return err
		}
		s.Unbuffered = b
	default:
		if handled, err := s.Features.set(normalizeName(name), value); handled {
			return err
		}
		return fmt.Errorf("unknown setting %q (known: %s)", name, strings.Join(settingNames, ", "))
	}
	return nil
}

// Overrides are the settings one connection may change when it is made
// from a context (SPEC §2). Zero fields keep the context's value. The
// frozen settings (certificate, key, certificate-password, ca-file,
// ca-directory, crl-file, crl-check) have no field here, so they cannot be
// overridden by construction.
type Overrides struct {
	// Method, Ciphers and Ciphersuites replace the context's when not "".
	Method, Ciphers, Ciphersuites string
	// Verify replaces the context's verify mode when not nil.
	Verify *VerifyMode
	// MaxDepth replaces the context's max-depth when not nil.
	MaxDepth *int
	// PreferServerCipherOrder replaces the context's when not nil.
	PreferServerCipherOrder *bool
	// ServerName replaces the context's server-name when not "".
	ServerName string
	// Unbuffered replaces the context's write buffering choice when not nil.
	Unbuffered *bool
	// ALPN replaces the context's ALPN protocols when not "": a comma
	// list as for the alpn setting ("h2,http/1.1"); "none" offers none.
	ALPN string
}

// Set sets one overridable setting by its SPEC name. A frozen setting is
// rejected with an error saying it is fixed by the context.
func (o *Overrides) Set(name, value string) error {
	switch n := normalizeName(name); n {
	case "method":
		if _, err := ParseMethod(value); err != nil {
			return err
		}
		o.Method = value
	case "ciphers":
		o.Ciphers = value
	case "ciphersuites":
		o.Ciphersuites = value
	case "verify":
		v, err := ParseVerifyMode(value)
		if err != nil {
			return err
		}
		o.Verify = &v
	case "max-depth":
		d, err := parseDepth(value)
		if err != nil {
			return err
		}
		o.MaxDepth = &d
	case "prefer-server-cipher-order":
		b, err := parseBool("prefer-server-cipher-order", value)
		if err != nil {
			return err
		}
		o.PreferServerCipherOrder = &b
	case "server-name":
		o.ServerName = value
	case "unbuffered":
		b, err := parseBool("unbuffered", value)
		if err != nil {
			return err
		}
		o.Unbuffered = &b
	case "alpn":
		if _, err := parseALPN(value); err != nil {
			return err
		}
		o.ALPN = value
	default:
		for _, f := range append(settingNames, featureSettingNames...) {
			if f == n {
				return fmt.Errorf("setting %q is fixed by the context and cannot be overridden per connection (overridable: %s)", n, strings.Join(overridableNames, ", "))
			}
		}
		return fmt.Errorf("unknown setting %q (overridable per connection: %s)", name, strings.Join(overridableNames, ", "))
	}
	return nil
}

func (o *Overrides) empty() bool {
	return o == nil || *o == Overrides{}
}
