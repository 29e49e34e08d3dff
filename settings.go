package sslstream

import (
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

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

// Settings holds every setting of a client or server. The zero value is
// valid for a client and means what OpenSSL's and Allegro CL's defaults
// mean: TLS 1.2–1.3 in effect, OpenSSL's DEFAULT ciphers, and verify none
// (the server's certificate is checked and the result reported, but the
// handshake succeeds whatever it is). Set Verify to VerifyRequired for a
// secure client. A server needs Certificate. Pointer fields distinguish
// "not set" from the zero value; Go 1.26's new(expr) makes them easy to
// fill: MaxDepth: new(2).
//
// Every field that has a name (SettingsInfo lists them) can also be set
// with Set, for configuration files and command lines.
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
	// CertificateChain is the path of a file of certificates (PEM or DER)
	// sent after those of Certificate, leaf side first: the intermediate
	// CAs, for a Certificate file that holds the leaf alone (openssl
	// -cert_chain). Without it, a Certificate file of the leaf alone is
	// sent, as OpenSSL sends it, with the chain built for the leaf from
	// the trust settings (CAFile, CADirectory, CAStore, the default store
	// where used), trust anchor included, or alone if none can be built.
	CertificateChain string
	// Verify is the verify mode; the zero value is VerifyNone.
	Verify VerifyMode
	// MaxDepth is the most intermediate CA certificates allowed between the
	// peer's certificate and the trust anchor; nil = DefaultMaxDepth.
	MaxDepth *int
	// CAFile is a PEM bundle of trusted CAs.
	CAFile string
	// CADirectory is a hashed CA directory as made by `openssl rehash`.
	CADirectory string
	// CAStore is an OpenSSL 3.0 certificate store URI (openssl -CAstore):
	// a file: URI (file:///PATH, file:/PATH, file://localhost/PATH) or a
	// path, naming a file whose certificates and CRLs are all trusted or
	// a directory searched by subject hash (<hash>.N and <hash>.rN files;
	// see cadir.Store).
	CAStore string
	// CADefault selects the default trust store (setting "ca-default";
	// "no-ca-default" sets it to false): the file and directory named by
	// SSL_CERT_FILE and SSL_CERT_DIR when set, else the system's (see
	// DefaultTrust). nil = automatic: a client that verifies (any verify
	// mode) and has none of CAFile, CADirectory and CAStore uses it, as openssl
	// s_client and Python's ssl.create_default_context do; a server never
	// does, since that would accept any publicly issued client certificate.
	// true = use it beside CAFile and CADirectory; false = never.
	CADefault *bool
	// ChainCAFile, ChainCADirectory and ChainCAStore are the chain store
	// (settings "chain-ca-file", "chain-ca-directory", "chain-ca-store";
	// openssl -chainCAfile, -chainCApath, -chainCAstore, libssl's
	// SSL_CTX_set1_chain_cert_store): a PEM bundle, a hashed directory
	// and a store URI, as for CAFile, CADirectory and CAStore. When any is
	// set, the chain sent with the own certificate (the automatic chain
	// of a certificate file that holds its leaf alone, and BuildChain) is
	// built from them alone instead of from CAFile, CADirectory, CAStore
	// and the default store. They never verify the peer.
	ChainCAFile string
	// ChainCADirectory is the chain store's hashed directory; see
	// ChainCAFile.
	ChainCADirectory string
	// ChainCAStore is the chain store's store URI; see ChainCAFile.
	ChainCAStore string
	// VerifyCAFile, VerifyCADirectory and VerifyCAStore are the verify
	// store (settings "verify-ca-file", "verify-ca-directory",
	// "verify-ca-store"; openssl -verifyCAfile, -verifyCApath,
	// -verifyCAstore, libssl's SSL_CTX_set1_verify_cert_store). When any
	// is set, the peer's certificate is verified against them alone, with
	// the CRLs of CRLFile and of the verify store itself, instead of
	// CAFile, CADirectory, CAStore and the default store. Those keep
	// their other uses, as in OpenSSL: the automatic chain of the own
	// certificate (unless a chain store is set) and, from CAFile, the CA
	// names a server sends when it asks for a client certificate.
	VerifyCAFile string
	// VerifyCADirectory is the verify store's hashed directory; see
	// VerifyCAFile.
	VerifyCADirectory string
	// VerifyCAStore is the verify store's store URI; see VerifyCAFile.
	VerifyCAStore string
	// BuildChain builds the chain of each own certificate once, when the
	// context is created (setting "build-chain"; openssl -build_chain,
	// SSL_CTX_build_cert_chain), and fails the creation when it does not
	// verify. A certificate with a chain of its own (certificate-chain, or
	// certificates after the leaf in its file) has that chain checked
	// alone, put in order and stripped of certificates it does not need,
	// and it must end in a self-signed root; a certificate file of the
	// leaf alone gets the chain the chain store builds (or, without one,
	// CAFile, CADirectory, CAStore and the default store). The chain is
	// verified as OpenSSL builds it: at the current time, for no
	// particular purpose, without CRLs, and sent whole, root included.
	BuildChain bool
	// Ciphers is an OpenSSL cipher-list string for TLS ≤ 1.2; "" = "DEFAULT".
	// Its @SECLEVEL=n (0 to 5; 1 without it, as upstream OpenSSL 3.0) is
	// the security level: the peer's chain must reach it (verify codes 66
	// to 68), and so must the own certificates, as libssl holds them: a
	// Certificate, CertificateChain or ExtraCertificates whose key or
	// signature falls short is an error at creation (CodeEEKeyTooSmall,
	// CodeCAKeyTooSmall, CodeCAMDTooWeak), a chain built from the trust
	// settings or a level raised by an override fails the handshake.
	Ciphers string
	// Ciphersuites is a colon list of TLS 1.3 suites; "" = all three.
	Ciphersuites string
	// Groups are the key exchange groups allowed (setting "groups",
	// OpenSSL's -groups/-curves: "X25519MLKEM768:X25519:P-256"; see
	// ParseGroups); nil = crypto/tls's default. Unlike OpenSSL, the order
	// is not a preference: crypto/tls orders them itself (X25519MLKEM768,
	// SecP256r1MLKEM768, SecP384r1MLKEM1024, X25519, P-256, P-384, P-521).
	// A client sends a key share for the first of its groups in that order
	// (with a hybrid, also one for its classic half); a server prefers a
	// group the client sent a key share for, and otherwise asks for one
	// (HelloRetryRequest, Stream.HelloRetryRequest).
	Groups []tls.CurveID
	// ClientCANames makes a server that asks for a client certificate
	// list the subjects of its CAFile certificates in the request, as
	// openssl s_server does from -CAfile (setting "client-ca-names"; nil
	// = true). A CADirectory or the default trust store adds no names.
	// The names only guide the client; verification is unchanged.
	ClientCANames *bool
	// Renegotiation says whether a client follows a TLS 1.2 server's
	// request to renegotiate (setting "renegotiation": never, once,
	// freely; see Renegotiation). Servers accept only RenegotiateNever:
	// they never renegotiate and refuse a client's renegotiation.
	Renegotiation Renegotiation
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
	// AllowProxyCerts accepts RFC 3820 proxy certificates in the peer's
	// chain (setting "allow-proxy-certs", openssl -allow_proxy_certs),
	// checked as OpenSSL 3.0 checks them; without it a proxy certificate
	// fails verification with error 40.
	AllowProxyCerts bool
	// Policies are the certificate policies the peer's chain must allow
	// when an explicit policy is required (setting "policy"; openssl
	// -policy): dotted OIDs, or anyPolicy. Any of the policy settings turns
	// policy checking on (see verify.Options.PolicyCheck): a malformed
	// policy extension fails with 42, a required explicit policy missing
	// with 43.
	Policies []string
	// ExplicitPolicy requires a valid policy (setting "explicit-policy";
	// openssl -explicit_policy).
	ExplicitPolicy bool
	// InhibitAnyPolicy does not let anyPolicy match (setting "inhibit-any";
	// openssl -inhibit_any).
	InhibitAnyPolicy bool
	// InhibitPolicyMapping ignores policy mappings (setting "inhibit-map";
	// openssl -inhibit_map).
	InhibitPolicyMapping bool
	// PolicyCheck checks certificate policies (setting "policy-check";
	// openssl -policy_check).
	PolicyCheck bool
	// Unbuffered makes every Write reach the peer at once, as with
	// tls.Conn, instead of buffering until Flush, Read or Close.
	Unbuffered bool
	// StatusFile is, for a server, a DER OCSP response for Certificate,
	// stapled to every handshake that asks (openssl s_server -status_file;
	// setting "status-file"). It is checked at load (a successful response
	// for the certificate, signed by its issuer or the issuer's responder)
	// and read again by Reload and Watch.
	StatusFile string
	// Status is, for a client, what to do with the server's stapled OCSP
	// response (setting "status"; see StatusPolicy and Stream.OCSPStatus).
	Status StatusPolicy
	// ECHConfig is, for a client, the server's ECHConfigList for Encrypted
	// Client Hello (setting "ech-config"): base64 (as in the "ech"
	// parameter of a DNS HTTPS record) or the name of a file holding it
	// (PEM "ECHCONFIG" blocks, base64 text or the raw bytes). The client
	// then sends its real server name encrypted, the config's public name
	// in the clear, and needs TLS 1.3; a server that cannot decrypt it
	// fails the handshake (see ECHRejection). Stream.ECHAccepted reports
	// the outcome.
	ECHConfig string
	// ECHKeys is, for a server, a file of its ECH keys (setting
	// "ech-keys"): PEM "PRIVATE KEY" (PKCS#8 X25519) and "ECHCONFIG"
	// blocks, one pair per key, as GenerateECHKey and `sslstream
	// ech-keygen` write them. Every config is also sent as a retry config
	// to clients whose ECH the keys do not decrypt. Read again by Reload
	// and Watch.
	ECHKeys string
	// ExtraCertificates are further certificates of a server, chosen by
	// the name the client asks for (SNI); Certificate stays the default
	// (setting "extra-certificate", repeatable). An entry without a
	// password uses CertificatePassword.
	ExtraCertificates []CertificateFiles

	// The settings below go beyond OpenSSL's (docs/FEATURES.md has an
	// example of each).

	// ALPN lists the application protocols, most preferred first (setting
	// "alpn", a comma list such as "h2,http/1.1"). A client offers them; a
	// server picks the first of its own that the client offers and, when
	// the client offers protocols and none matches, fails the handshake
	// with alert no_application_protocol, as OpenSSL's s_server does (one
	// exception, from crypto/tls: a client offering http/1.1 to a server
	// with h2 but not http/1.1 gets no ALPN instead). Empty = no ALPN.
	// Stream.NegotiatedProtocol reports the outcome.
	ALPN []string

	// SessionTickets turns session resumption on or off (setting
	// "session-tickets"). A server issues session tickets unless it is
	// false (nil = on, as in OpenSSL); its ticket key survives Reload. A
	// client keeps a session cache per context only when it is true (nil
	// = off: an OpenSSL client resumes only when the application hands it
	// a saved session) and then offers the cached session on the next
	// connection to the same server name (or address). A resumed
	// handshake reports the same verify result as the original: the
	// peer's chain, kept in the session, is verified again.
	//
	// With a client cache, a TLS 1.3 server sends its tickets after the
	// client's Finished; over an unbuffered transport such as net.Pipe a
	// client that writes before it reads then waits for the server, which
	// waits to send the ticket. TCP sockets are unaffected.
	SessionTickets *bool
	// SessionTicketLifetime is how long after its full handshake a
	// session may be resumed from a server's ticket (setting
	// "session-ticket-lifetime", seconds or a duration; 0 =
	// DefaultSessionTicketLifetime, 7200 s as OpenSSL's session timeout).
	// Resuming does not extend it. Servers only.
	SessionTicketLifetime time.Duration
	// SessionTicketKeys is a file of session ticket keys shared by several
	// servers, so that each resumes the others' sessions (setting
	// "session-ticket-keys"): one key a line, newest first, each 32
	// random bytes in hex (openssl rand -hex 32) or base64; # comments.
	// The first key seals new tickets, every key opens them; Reload and
	// Watch read a rotated file. "" = the context's own keys, which
	// rotate every lifetime (the previous ones still open tickets) and
	// survive Reload. Keep the file secret: it decrypts every session.
	// Servers only.
	SessionTicketKeys string

	// KeyLog is a file to which the TLS secrets of every connection are
	// appended in the NSS key log format that Wireshark reads (setting
	// "keylog"). It decrypts every recorded connection: for debugging
	// only. The file is created with mode 0600 and opened for each line,
	// so it may be rotated or deleted at any time.
	KeyLog string
	// KeyLogFromEnv uses the file named by the SSLKEYLOGFILE environment
	// variable when KeyLog is "" (setting "keylog-from-env"). Off by
	// default: a variable in the environment alone never makes this
	// library write secrets.
	KeyLogFromEnv bool
	// KeyLogWriter receives the key log lines too (not settable by name).
	// Writes are serialized per context.
	KeyLogWriter io.Writer

	// Trace logs a structured record of each handshake phase with its
	// timing (setting "trace"): ClientHello sent or received, certificate
	// chosen, peer certificate verified with the result, handshake done
	// with version, suite, ALPN protocol and resumption, or failed. Records
	// go to TraceLogger, or to slog.Default() when TraceLogger is nil.
	Trace bool
	// TraceLogger receives the trace records; setting it turns Trace on.
	TraceLogger *slog.Logger

	// CRLPolicy relaxes CRL checking (settings "crl-missing",
	// "crl-expired", "crl-not-yet-valid", "crl-grace",
	// "crl-skip-trust-anchor"; see CRLPolicy).
	CRLPolicy CRLPolicy
}

// CertificateFiles names one certificate and its key for
// Settings.ExtraCertificates.
type CertificateFiles struct {
	Certificate, Key, CertificatePassword string
}

// Overrides are the settings one connection may change when it is made
// from a context. Zero fields keep the context's value. The
// frozen settings (certificate, key, certificate-password, ca-file,
// ca-directory, ca-store, crl-file, crl-check) have no field here, so they cannot be
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
	// Groups replaces the context's key exchange groups when not "": a
	// colon list as for the groups setting ("P-256:X25519").
	Groups string
	// Renegotiation replaces the context's renegotiation setting when
	// not nil (clients only).
	Renegotiation *Renegotiation
}

func (o *Overrides) empty() bool {
	return o == nil || *o == Overrides{}
}
