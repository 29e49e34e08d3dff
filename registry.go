package sslstream

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sslstream/sslstream/cipherlist"
	"github.com/sslstream/sslstream/verify"
)

// SettingInfo describes one named setting: what Settings.Set and
// Overrides.Set accept, what the command's flags and help show, and what
// the README's settings table lists.
type SettingInfo struct {
	// Name is the setting's name ("ca-file"), also the command's flag
	// (--ca-file).
	Name string
	// Arg names the value in help texts ("FILE"); "" for booleans.
	Arg string
	// Bool reports a boolean setting: a flag that may stand alone.
	Bool bool
	// Overridable reports whether Overrides.Set accepts it, so that one
	// connection made from a context may change it.
	Overridable bool
	// Values says what values are allowed.
	Values string
	// Default is the value in effect when the setting is not given.
	Default string
	// Doc is a one-line description.
	Doc string
}

// setting is one entry of the registry: its description and how a value
// is parsed into Settings and, for overridable settings, into Overrides.
type setting struct {
	SettingInfo
	set      func(s *Settings, value string) error
	override func(o *Overrides, value string) error // nil unless Overridable
}

// registry lists every named setting, OpenSSL's first, then those beyond
// OpenSSL. It is the one table behind Settings.Set, Overrides.Set,
// SettingsInfo, the command's flags and help, and the README's table (a
// test compares them). Adding a setting is one entry here plus its use.
var registry = []setting{
	{SettingInfo{Name: "method", Arg: "METHOD", Overridable: true,
		Values:  "`tlsv1` `tlsv1.1` `tlsv1.2` `tlsv1.3`, `X+`, `sslv23`, or a contiguous list; `sslv2`/`sslv3` alone rejected",
		Default: "tlsv1+", Doc: "allowed protocol versions: tlsv1.2, tlsv1.3, tlsv1.2+, tlsv1+, sslv23 or a comma list (TLS 1.0/1.1 only with @SECLEVEL=0, as OpenSSL 3.0)"},
		func(s *Settings, v string) error { return setMethod(&s.Method, v) },
		func(o *Overrides, v string) error { return setMethod(&o.Method, v) }},
	{SettingInfo{Name: "certificate", Arg: "FILE",
		Values:  "PEM chain (leaf first, key may follow), DER, PKCS#12",
		Default: "none (servers need one)", Doc: "own certificate: PEM (chain, leaf first; may hold the key), DER or PKCS#12"},
		func(s *Settings, v string) error { s.Certificate = v; return nil }, nil},
	{SettingInfo{Name: "key", Arg: "FILE",
		Values:  "PEM/DER PKCS#1, PKCS#8, SEC1, Ed25519, encrypted PKCS#8 (PBKDF2, scrypt), legacy encrypted PEM",
		Default: "from the certificate file", Doc: "private key (PEM or DER, possibly encrypted); default: read from --certificate"},
		func(s *Settings, v string) error { s.Key = v; return nil }, nil},
	{SettingInfo{Name: "certificate-password", Arg: "PASSWORD", Values: "string", Default: "none",
		Doc: "password of an encrypted key or PKCS#12 file (visible to other local users in the process list: prefer --certificate-password-file)"},
		func(s *Settings, v string) error { s.CertificatePassword = v; return nil }, nil},
	{SettingInfo{Name: "certificate-chain", Arg: "FILE", Values: "PEM or DER certificates, leaf side first", Default: "none: a certificate file of the leaf alone is sent with the chain built from the trust settings",
		Doc: "intermediate CA certificates sent after the certificate's own (openssl -cert_chain); without them, as OpenSSL, a certificate file of the leaf alone is sent with the chain that ca-file, ca-directory, ca-store and ca-default build for it, trust anchor included"},
		func(s *Settings, v string) error { s.CertificateChain = v; return nil }, nil},
	{SettingInfo{Name: "verify", Arg: "MODE", Overridable: true, Values: "`none`, `optional`, `required`", Default: "none",
		Doc: "none, optional or required"},
		func(s *Settings, v string) error { return parseInto(&s.Verify, ParseVerifyMode, v) },
		func(o *Overrides, v string) error { return parseIntoPtr(&o.Verify, ParseVerifyMode, v) }},
	{SettingInfo{Name: "max-depth", Arg: "N", Overridable: true, Values: "integer ≥ 0: most intermediates", Default: "10",
		Doc: "most intermediate CAs allowed between leaf and trust anchor"},
		func(s *Settings, v string) error { return parseIntoPtr(&s.MaxDepth, parseDepth, v) },
		func(o *Overrides, v string) error { return parseIntoPtr(&o.MaxDepth, parseDepth, v) }},
	{SettingInfo{Name: "ca-file", Arg: "FILE", Values: "PEM bundle", Default: "none", Doc: "PEM bundle of trusted CAs"},
		func(s *Settings, v string) error { s.CAFile = v; return nil }, nil},
	{SettingInfo{Name: "ca-directory", Arg: "DIR",
		Values:  "OpenSSL hashed directory (`openssl rehash` / `sslstream rehash`)",
		Default: "none", Doc: "hashed CA directory (as made by sslstream rehash or openssl rehash)"},
		func(s *Settings, v string) error { s.CADirectory = v; return nil }, nil},
	{SettingInfo{Name: "ca-store", Arg: "URI",
		Values:  "OpenSSL 3.0 store URI: `file:///PATH`, `file:/PATH`, `file://localhost/PATH` or a path, naming a file or a hashed directory",
		Default: "none", Doc: "certificate store of trusted CAs and CRLs (openssl -CAstore): a file, all of whose certificates are trusted, or a directory searched by subject hash"},
		func(s *Settings, v string) error { s.CAStore = v; return nil }, nil},
	{SettingInfo{Name: "ca-default", Arg: "WHEN",
		Values:  "`auto`, `true`, `false`: SSL_CERT_FILE / SSL_CERT_DIR, else the system's trust store",
		Default: "auto (clients without ca-file, ca-directory or ca-store)", Doc: "the default trust store: auto (a verifying client with no --ca-file, --ca-directory or --ca-store), true (always, beside them) or false"},
		func(s *Settings, v string) error { return parseInto(&s.CADefault, parseAutoBool("ca-default"), v) }, nil},
	{SettingInfo{Name: "no-ca-default", Bool: true, Values: "boolean: ca-default false (openssl -no-CAfile -no-CApath -no-CAstore)", Default: "false",
		Doc: "never use the default trust store (openssl -no-CAfile -no-CApath -no-CAstore)"},
		func(s *Settings, v string) error {
			b, err := parseBool("no-ca-default", v)
			if err != nil {
				return err
			}
			if b {
				s.CADefault = new(false)
			} else if s.CADefault != nil && !*s.CADefault {
				s.CADefault = nil
			}
			return nil
		}, nil},
	{SettingInfo{Name: "chain-ca-file", Arg: "FILE", Values: "PEM bundle", Default: "none: the trust settings build the chain",
		Doc: "CA certificates the own certificate's chain is built from (automatic chain, build-chain) instead of ca-file, ca-directory, ca-store and ca-default; never used to verify the peer (openssl -chainCAfile)"},
		func(s *Settings, v string) error { s.ChainCAFile = v; return nil }, nil},
	{SettingInfo{Name: "chain-ca-directory", Arg: "DIR", Values: "OpenSSL hashed directory", Default: "none",
		Doc: "hashed directory the own certificate's chain is built from, as chain-ca-file (openssl -chainCApath)"},
		func(s *Settings, v string) error { s.ChainCADirectory = v; return nil }, nil},
	{SettingInfo{Name: "chain-ca-store", Arg: "URI", Values: "OpenSSL 3.0 store URI, as for ca-store", Default: "none",
		Doc: "certificate store the own certificate's chain is built from, as chain-ca-file (openssl -chainCAstore)"},
		func(s *Settings, v string) error { s.ChainCAStore = v; return nil }, nil},
	{SettingInfo{Name: "verify-ca-file", Arg: "FILE", Values: "PEM bundle", Default: "none: the trust settings verify the peer",
		Doc: "trusted CAs that verify the peer's certificate instead of ca-file, ca-directory, ca-store and ca-default, which still build the own chain and (ca-file) name a server's client CAs (openssl -verifyCAfile)"},
		func(s *Settings, v string) error { s.VerifyCAFile = v; return nil }, nil},
	{SettingInfo{Name: "verify-ca-directory", Arg: "DIR", Values: "OpenSSL hashed directory", Default: "none",
		Doc: "hashed directory of trusted CAs that verify the peer, as verify-ca-file (openssl -verifyCApath)"},
		func(s *Settings, v string) error { s.VerifyCADirectory = v; return nil }, nil},
	{SettingInfo{Name: "verify-ca-store", Arg: "URI", Values: "OpenSSL 3.0 store URI, as for ca-store", Default: "none",
		Doc: "certificate store of trusted CAs and CRLs that verify the peer, as verify-ca-file (openssl -verifyCAstore)"},
		func(s *Settings, v string) error { s.VerifyCAStore = v; return nil }, nil},
	{SettingInfo{Name: "build-chain", Bool: true, Values: "boolean: build and verify the own chain at creation, root included; an error if it does not verify", Default: "false",
		Doc: "build the own certificate's chain once at creation from chain-ca-* (else the trust settings), or check the chain given with it, and fail if it does not verify; sent root included (openssl -build_chain)"},
		func(s *Settings, v string) error { return parseInto(&s.BuildChain, boolParser("build-chain"), v) }, nil},
	{SettingInfo{Name: "ciphers", Arg: "STRING", Overridable: true, Values: "OpenSSL cipher string", Default: "DEFAULT",
		Doc: "OpenSSL cipher string for TLS <= 1.2; @SECLEVEL=n sets the security level (0-5, default 1) that the peer's and the own certificates must reach"},
		func(s *Settings, v string) error { return setCiphers(&s.Ciphers, v) },
		func(o *Overrides, v string) error { return setCiphers(&o.Ciphers, v) }},
	{SettingInfo{Name: "ciphersuites", Arg: "LIST", Overridable: true, Values: "TLS 1.3 suite names, colon list", Default: "all three",
		Doc: "colon list of TLS 1.3 suites"},
		func(s *Settings, v string) error { return setCiphersuites(&s.Ciphersuites, v) },
		func(o *Overrides, v string) error { return setCiphersuites(&o.Ciphersuites, v) }},
	{SettingInfo{Name: "groups", Arg: "LIST", Overridable: true,
		Values:  "colon list of `X25519MLKEM768`, `X25519`/`x25519`, `P-256`/`prime256v1`/`secp256r1`, `P-384`/`secp384r1`, `P-521`/`secp521r1`, `SecP256r1MLKEM768`, `SecP384r1MLKEM1024`",
		Default: "crypto/tls's: X25519MLKEM768:SecP256r1MLKEM768:SecP384r1MLKEM1024:X25519:P-256:P-384:P-521", Doc: "key exchange groups allowed, colon-separated (openssl -groups/-curves; crypto/tls applies its own order)"},
		func(s *Settings, v string) error { return parseInto(&s.Groups, ParseGroups, v) },
		func(o *Overrides, v string) error {
			if _, err := ParseGroups(v); err != nil {
				return err
			}
			o.Groups = v
			return nil
		}},
	{SettingInfo{Name: "renegotiation", Arg: "WHEN", Overridable: true,
		Values:  "`never`, `once`, `freely` (clients; servers always refuse)",
		Default: "never", Doc: "follow a TLS 1.2 server's renegotiation: never, once or freely (client only; servers refuse renegotiation)"},
		func(s *Settings, v string) error { return parseInto(&s.Renegotiation, ParseRenegotiation, v) },
		func(o *Overrides, v string) error { return parseIntoPtr(&o.Renegotiation, ParseRenegotiation, v) }},
	{SettingInfo{Name: "client-ca-names", Bool: true, Values: "boolean: a server lists its ca-file subjects in the CertificateRequest", Default: "true",
		Doc: "a server asking for a client certificate names the CAs of --ca-file (as s_server -CAfile); a ca-directory adds none"},
		func(s *Settings, v string) error {
			return parseIntoPtr(&s.ClientCANames, boolParser("client-ca-names"), v)
		}, nil},
	{SettingInfo{Name: "prefer-server-cipher-order", Bool: true, Overridable: true, Values: "boolean", Default: "true for servers",
		Doc: "the server's cipher order wins (TLS <= 1.2)"},
		func(s *Settings, v string) error {
			return parseIntoPtr(&s.PreferServerCipherOrder, boolParser("prefer-server-cipher-order"), v)
		},
		func(o *Overrides, v string) error {
			return parseIntoPtr(&o.PreferServerCipherOrder, boolParser("prefer-server-cipher-order"), v)
		}},
	{SettingInfo{Name: "crl-check", Arg: "MODE", Values: "`none`, `peer`, `all`", Default: "none", Doc: "none, peer or all"},
		func(s *Settings, v string) error { return parseInto(&s.CRLCheck, ParseCRLCheck, v) }, nil},
	{SettingInfo{Name: "crl-file", Arg: "FILE", Values: "PEM or DER, several CRLs", Default: "none", Doc: "PEM or DER file with CRLs"},
		func(s *Settings, v string) error { s.CRLFile = v; return nil }, nil},
	{SettingInfo{Name: "extra-certificate", Arg: "CERT[,KEY]",
		Values:  "a further server certificate chosen by SNI, its key after a comma unless in the file (repeatable)",
		Default: "none", Doc: "a further certificate of a server, chosen by the name the client asks for (SNI); repeat for more (openssl s_server -cert2/-key2)"},
		func(s *Settings, v string) error {
			cert, key, _ := strings.Cut(strings.TrimSpace(v), ",")
			if cert == "" {
				return fmt.Errorf("extra-certificate %q: want CERT or CERT,KEY", v)
			}
			s.ExtraCertificates = append(s.ExtraCertificates, CertificateFiles{Certificate: cert, Key: key})
			return nil
		}, nil},
	{SettingInfo{Name: "server-name", Arg: "HOST", Overridable: true, Values: "host name or IP", Default: "none",
		Doc: "client: SNI and the name the certificate must match; server: the name answered for"},
		func(s *Settings, v string) error { s.ServerName = v; return nil },
		func(o *Overrides, v string) error { o.ServerName = v; return nil }},
	{SettingInfo{Name: "x509-strict", Bool: true, Values: "boolean: RFC 5280 / CA/B Forum checks OpenSSL skips", Default: "false",
		Doc: "stricter checks of the peer's certificate: openssl -x509_strict's, then further RFC 5280 and CA/Browser Forum rules (see 'sslstream verify --help')"},
		func(s *Settings, v string) error { return parseInto(&s.X509Strict, boolParser("x509-strict"), v) }, nil},
	{SettingInfo{Name: "allow-proxy-certs", Bool: true, Values: "boolean: accept RFC 3820 proxy certificates (openssl -allow_proxy_certs)", Default: "false",
		Doc: "accept RFC 3820 proxy certificates in the peer's chain under OpenSSL's rules (path length, issuer key usage, subject name); without it a proxy fails with error 40"},
		func(s *Settings, v string) error {
			return parseInto(&s.AllowProxyCerts, boolParser("allow-proxy-certs"), v)
		}, nil},
	{SettingInfo{Name: "policy", Arg: "OIDS", Values: "comma- or space-separated policy OIDs (`1.3.6.1.4.1.99999.1`) or `anyPolicy`; replaces the list", Default: "none (anyPolicy)",
		Doc: "the certificate policies acceptable when an explicit policy is required; turns policy checking on (openssl -policy)"},
		func(s *Settings, v string) error { return parseInto(&s.Policies, parsePolicies, v) }, nil},
	{SettingInfo{Name: "explicit-policy", Bool: true, Values: "boolean", Default: "false",
		Doc: "the peer's chain must have a valid certificate policy (43 otherwise); turns policy checking on (openssl -explicit_policy)"},
		func(s *Settings, v string) error {
			return parseInto(&s.ExplicitPolicy, boolParser("explicit-policy"), v)
		}, nil},
	{SettingInfo{Name: "inhibit-any", Bool: true, Values: "boolean", Default: "false",
		Doc: "anyPolicy in a CA certificate matches no policy; turns policy checking on (openssl -inhibit_any)"},
		func(s *Settings, v string) error { return parseInto(&s.InhibitAnyPolicy, boolParser("inhibit-any"), v) }, nil},
	{SettingInfo{Name: "inhibit-map", Bool: true, Values: "boolean", Default: "false",
		Doc: "policy mappings are not followed; turns policy checking on (openssl -inhibit_map)"},
		func(s *Settings, v string) error {
			return parseInto(&s.InhibitPolicyMapping, boolParser("inhibit-map"), v)
		}, nil},
	{SettingInfo{Name: "policy-check", Bool: true, Values: "boolean", Default: "false",
		Doc: "check the certificate policies of the peer's chain as OpenSSL 3.0 does: a malformed policy extension fails with 42 (openssl -policy_check)"},
		func(s *Settings, v string) error { return parseInto(&s.PolicyCheck, boolParser("policy-check"), v) }, nil},
	{SettingInfo{Name: "unbuffered", Bool: true, Overridable: true, Values: "boolean: every `Write` reaches the peer at once", Default: "false",
		Doc: "send every write at once (the command flushes after each read of stdin anyway)"},
		func(s *Settings, v string) error { return parseInto(&s.Unbuffered, boolParser("unbuffered"), v) },
		func(o *Overrides, v string) error { return parseIntoPtr(&o.Unbuffered, boolParser("unbuffered"), v) }},

	{SettingInfo{Name: "status-file", Arg: "FILE", Values: "DER OCSP response for the certificate (servers)", Default: "none",
		Doc: "staple this DER OCSP response for the certificate to each handshake (openssl s_server -status_file)"},
		func(s *Settings, v string) error { s.StatusFile = v; return nil }, nil},
	{SettingInfo{Name: "status", Arg: "POLICY", Values: "`none`, `check`, `require` (clients)", Default: "none",
		Doc: "the server's stapled OCSP response: none (report it), check (a revoked certificate or a bad response fails; must-staple honoured) or require (a valid staple is needed)"},
		func(s *Settings, v string) error { return parseInto(&s.Status, ParseStatusPolicy, v) }, nil},

	// Beyond OpenSSL.
	{SettingInfo{Name: "alpn", Arg: "LIST", Overridable: true, Values: "comma list of protocols, or `none`", Default: "none",
		Doc: "ALPN protocols, most preferred first, comma-separated (h2,http/1.1)"},
		func(s *Settings, v string) error { return parseInto(&s.ALPN, parseALPN, v) },
		func(o *Overrides, v string) error {
			if _, err := parseALPN(v); err != nil {
				return err
			}
			o.ALPN = v
			return nil
		}},
	{SettingInfo{Name: "ech-config", Arg: "LIST|FILE",
		Values:  "base64 ECHConfigList (DNS HTTPS record `ech=`), or a file: PEM `ECHCONFIG`, base64 or raw (clients; needs TLS 1.3)",
		Default: "none", Doc: "Encrypted Client Hello: the server's ECHConfigList; the real server name is sent encrypted, the config's public name in the clear"},
		setECHConfig, nil},
	{SettingInfo{Name: "ech-keys", Arg: "FILE",
		Values:  "PEM `PRIVATE KEY` (X25519) + `ECHCONFIG` pairs, as `sslstream ech-keygen` writes (servers)",
		Default: "none", Doc: "Encrypted Client Hello: the server's ECH keys and configs (every config is also sent to clients as a retry config)"},
		func(s *Settings, v string) error { s.ECHKeys = strings.TrimSpace(v); return nil }, nil},
	{SettingInfo{Name: "session-tickets", Bool: true, Values: "boolean", Default: "server true, client false",
		Doc: "session resumption: a server issues tickets unless false; a client keeps a session cache when true"},
		func(s *Settings, v string) error {
			return parseIntoPtr(&s.SessionTickets, boolParser("session-tickets"), v)
		}, nil},
	{SettingInfo{Name: "session-ticket-lifetime", Arg: "SECONDS", Values: "seconds (`7200`) or a duration ≥ 1s (`2h`)", Default: "7200 (OpenSSL's session timeout)",
		Doc: "server: how long after its full handshake a session resumes from a ticket (resuming does not extend it)"},
		func(s *Settings, v string) error { return parseInto(&s.SessionTicketLifetime, parseLifetime, v) }, nil},
	{SettingInfo{Name: "session-ticket-keys", Arg: "FILE", Values: "file: one key a line, newest first, 32 bytes hex (`openssl rand -hex 32`) or base64", Default: "none (the context's own keys, rotated every lifetime)",
		Doc: "server: ticket keys shared by several servers so that they resume each other's sessions; re-read by reload"},
		func(s *Settings, v string) error { s.SessionTicketKeys = v; return nil }, nil},
	{SettingInfo{Name: "keylog", Arg: "FILE", Values: "file (NSS key log format)", Default: "none",
		Doc: "append the TLS secrets of each connection to FILE in NSS key log format (Wireshark); for debugging only"},
		func(s *Settings, v string) error { s.KeyLog = v; return nil }, nil},
	{SettingInfo{Name: "keylog-from-env", Bool: true, Values: "boolean: use SSLKEYLOGFILE", Default: "false",
		Doc: "use the file named by SSLKEYLOGFILE when keylog is not given"},
		func(s *Settings, v string) error {
			return parseInto(&s.KeyLogFromEnv, boolParser("keylog-from-env"), v)
		}, nil},
	{SettingInfo{Name: "trace", Bool: true, Values: "boolean: slog handshake trace", Default: "false",
		Doc: "log each handshake step with its timing (slog)"},
		func(s *Settings, v string) error { return parseInto(&s.Trace, boolParser("trace"), v) }, nil},
	{SettingInfo{Name: "crl-missing", Arg: "ACTION", Values: "`fail`, `allow`", Default: "fail",
		Doc: "no CRL for an issuer under crl-check: fail or allow"},
		func(s *Settings, v string) error { return setCRLAction(&s.CRLPolicy.Missing, "crl-missing", v, false) }, nil},
	{SettingInfo{Name: "crl-expired", Arg: "ACTION", Values: "`fail`, `allow`, `grace`", Default: "fail",
		Doc: "expired CRL: fail, allow or grace (see crl-grace)"},
		func(s *Settings, v string) error { return setCRLAction(&s.CRLPolicy.Expired, "crl-expired", v, true) }, nil},
	{SettingInfo{Name: "crl-not-yet-valid", Arg: "ACTION", Values: "`fail`, `allow`, `grace`", Default: "fail",
		Doc: "CRL not yet valid: fail, allow or grace"},
		func(s *Settings, v string) error {
			return setCRLAction(&s.CRLPolicy.NotYetValid, "crl-not-yet-valid", v, true)
		}, nil},
	{SettingInfo{Name: "crl-grace", Arg: "DURATION", Values: "Go duration ≥ 0 (`36h`)", Default: "0",
		Doc: "how long past nextUpdate (or before thisUpdate) a CRL is accepted under grace, e.g. 36h"},
		func(s *Settings, v string) error { return parseInto(&s.CRLPolicy.Grace, parseGrace, v) }, nil},
	{SettingInfo{Name: "crl-skip-trust-anchor", Bool: true, Values: "boolean", Default: "false",
		Doc: "under crl-check all, need no valid CRL about the trust anchor itself"},
		func(s *Settings, v string) error {
			return parseInto(&s.CRLPolicy.SkipTrustAnchor, boolParser("crl-skip-trust-anchor"), v)
		}, nil},
}

// SettingsInfo returns the description of every named setting, in the
// order of the documentation: OpenSSL's settings first, then those beyond.
func SettingsInfo() []SettingInfo {
	out := make([]SettingInfo, len(registry))
	for i, r := range registry {
		out[i] = r.SettingInfo
	}
	return out
}

// lookup finds a setting by name, accepting Lisp keyword (":max-depth"),
// flag ("--max-depth") and underscore ("max_depth") spellings.
func lookup(name string) (*setting, string) {
	n := normalizeName(name)
	for i := range registry {
		if registry[i].Name == n {
			return &registry[i], n
		}
	}
	return nil, n
}

func normalizeName(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.TrimPrefix(n, ":") // Lisp keyword style
	n = strings.TrimPrefix(n, "--")
	return strings.ReplaceAll(n, "_", "-")
}

func names(overridable bool) string {
	var out []string
	for _, r := range registry {
		if !overridable || r.Overridable {
			out = append(out, r.Name)
		}
	}
	return strings.Join(out, ", ")
}

// Set sets one setting by name ("method", "ca-file", "max-depth", ...;
// SettingsInfo lists them), for command lines and configuration files.
// The value is parsed and checked at once (a cipher string is compiled, a
// method parsed); files are read when a context or stream is created.
// Unknown names and bad values are errors naming the setting, the value
// and what is allowed.
func (s *Settings) Set(name, value string) error {
	r, _ := lookup(name)
	if r == nil {
		return fmt.Errorf("unknown setting %q (known: %s)", name, names(false))
	}
	return r.set(s, value)
}

// Set sets one overridable setting by name. A setting fixed by the context
// (certificate, key, certificate-password, ca-file, ca-directory, crl-file,
// crl-check ...) is rejected with an error saying so.
func (o *Overrides) Set(name, value string) error {
	r, n := lookup(name)
	switch {
	case r == nil:
		return fmt.Errorf("unknown setting %q (overridable per connection: %s)", name, names(true))
	case r.override == nil:
		return fmt.Errorf("setting %q is fixed by the context and cannot be overridden per connection (overridable: %s)", n, names(true))
	}
	return r.override(o, value)
}

// parseInto parses value with parse and stores it in *dst.
func parseInto[T any](dst *T, parse func(string) (T, error), value string) error {
	v, err := parse(value)
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

// parseIntoPtr parses value with parse and makes *field point to it.
func parseIntoPtr[T any](field **T, parse func(string) (T, error), value string) error {
	v, err := parse(value)
	if err != nil {
		return err
	}
	*field = &v
	return nil
}

func setMethod(dst *string, value string) error {
	if _, err := ParseMethod(value); err != nil {
		return err
	}
	*dst = value
	return nil
}

func setCiphers(dst *string, value string) error {
	if _, err := cipherlist.Compile(value); err != nil {
		return fmt.Errorf("ciphers %q: %w", value, err)
	}
	*dst = value
	return nil
}

func setCiphersuites(dst *string, value string) error {
	if _, err := cipherlist.ParseCiphersuites(value); err != nil {
		return err
	}
	*dst = value
	return nil
}

// parsePolicies parses the policy setting: OIDs separated by commas or
// spaces, each checked; "" is the empty list.
func parsePolicies(value string) ([]string, error) {
	fields := strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	if len(fields) == 0 {
		return nil, nil
	}
	for _, f := range fields {
		if _, err := verify.ParsePolicyOID(f); err != nil {
			return nil, err
		}
	}
	return fields, nil
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

func boolParser(name string) func(string) (bool, error) {
	return func(v string) (bool, error) { return parseBool(name, v) }
}

// parseAutoBool parses "auto" (also "") as nil, else a boolean.
func parseAutoBool(name string) func(string) (*bool, error) {
	return func(v string) (*bool, error) {
		if t := strings.ToLower(strings.TrimSpace(v)); t == "" || t == "auto" {
			return nil, nil
		}
		b, err := parseBool(name, v)
		if err != nil {
			return nil, fmt.Errorf("%s %q: want auto, true or false", name, v)
		}
		return &b, nil
	}
}

func parseGrace(value string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(value))
	if err != nil || d < 0 {
		return 0, fmt.Errorf("crl-grace %q: want a duration >= 0 such as 36h or 90m", value)
	}
	return d, nil
}

func setCRLAction(dst *CRLAction, name, value string, graceOK bool) error {
	a, err := ParseCRLAction(value)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if a == CRLGrace && !graceOK {
		return fmt.Errorf("%s %q: allowed values are fail, allow (a grace period needs a CRL's dates)", name, value)
	}
	*dst = a
	return nil
}

// parseALPN parses the alpn setting: a comma list of protocol names; ""
// or "none" is no protocol.
func parseALPN(value string) ([]string, error) {
	v := strings.TrimSpace(value)
	if v == "" || strings.EqualFold(v, "none") {
		return nil, nil
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" || len(p) > 255 {
			return nil, fmt.Errorf("alpn %q: each protocol name must be 1 to 255 bytes, separated by commas (\"h2,http/1.1\")", value)
		}
		out = append(out, p)
	}
	return out, nil
}
