package sslstream

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/sslstream/sslstream/cipherlist"
	"github.com/sslstream/sslstream/keyfile"
)

// ClientContext holds client settings once loaded and checked. It is
// immutable and safe for use by any number of goroutines and connections,
// except that Reload, Update and Watch (reload.go) replace its whole
// configuration atomically for the connections made afterwards.
type ClientContext struct{ live }

// ServerContext holds server settings once loaded and checked, including
// the server's certificates. It is immutable and safe for concurrent use,
// except that Reload, Update and Watch (reload.go) replace its whole
// configuration atomically for the connections made afterwards.
type ServerContext struct{ live }

// config is the resolved, immutable form of Settings shared by a context's
// connections. Overrides produce a modified copy.
type config struct {
	server       bool
	method       Method
	ciphers      string
	cipherIDs    []uint16          // TLS <= 1.2 suites in the configured order
	held         []SuiteNotOffered // selected but not offered (wiresuites.go)
	secLevel     int
	own          []*ownChain // the own certificates, rated for security levels (seclevel.go)
	ciphersuites string
	suites13     []uint16
	groups       []tls.CurveID // nil = crypto/tls's default (groups.go)
	reneg        Renegotiation // renegotiation.go
	verify       VerifyMode
	maxDepth     int
	preferServer bool
	serverName   string
	unbuffered   bool
	status       StatusPolicy // client: the OCSP staple policy (ocsp.go)
	trust        *trust       // frozen settings: shared by every override
	feat         *features    // features.go: ALPN, key log, trace, CRL policy
	ech          *echSetup    // ech.go: ech-config (client), ech-keys (server)
	tls          *tls.Config
	// start is the config a server stream of this config starts with
	// (streamStart, handshake_server.go), made by apply.
	start *tls.Config
	// wbufs recycles the write buffers of this context's streams (see
	// writeBuffers in stream.go); shared by overrides of the context.
	wbufs *writeBuffers

	// tickets seal and open a server's session tickets; ticketLifetime
	// bounds a session's age (tickets.go).
	tickets        *ticketKeys
	ticketLifetime time.Duration
	// resumed keeps the outcomes of the client chains verified by a
	// server (resume.go): nil for clients and for overrides of a context.
	resumed *resumeOutcomes
}

// NewClientContext loads and checks client settings. It does no network
// I/O. Errors are *Error values naming the setting, value or file.
func NewClientContext(s Settings) (*ClientContext, error) {
	c, err := newConfig(s, false)
	if err != nil {
		return nil, err
	}
	cc := &ClientContext{}
	if err := cc.init(c, s); err != nil {
		return nil, err
	}
	return cc, nil
}

// NewServerContext loads and checks server settings; Certificate is
// mandatory. It does no network I/O.
func NewServerContext(s Settings) (*ServerContext, error) {
	c, err := newConfig(s, true)
	if err != nil {
		return nil, err
	}
	sc := &ServerContext{}
	if err := sc.init(c, s); err != nil {
		return nil, err
	}
	return sc, nil
}

// settingsError wraps a bad setting as an *Error for operation what.
func settingsError(what string, err error, reasons ...uint32) *Error {
	return newError(what, err, reasons...)
}

func newConfig(s Settings, server bool) (*config, error) {
	c := &config{server: server, verify: s.Verify, serverName: s.ServerName, unbuffered: s.Unbuffered, wbufs: new(writeBuffers)}
	if !s.Verify.valid() {
		return nil, settingsError("settings", fmt.Errorf("verify %d: allowed values are VerifyNone, VerifyOptional, VerifyRequired", int(s.Verify)))
	}
	if s.CRLCheck < CRLNone || s.CRLCheck > CRLAll {
		return nil, settingsError("settings", fmt.Errorf("crl-check %d: allowed values are CRLNone, CRLPeer, CRLAll", int(s.CRLCheck)))
	}
	c.maxDepth = DefaultMaxDepth
	if s.MaxDepth != nil {
		if *s.MaxDepth < 0 {
			return nil, settingsError("settings", fmt.Errorf("max-depth %d: want an integer >= 0", *s.MaxDepth))
		}
		c.maxDepth = *s.MaxDepth
	}
	c.preferServer = server
	if s.PreferServerCipherOrder != nil {
		c.preferServer = *s.PreferServerCipherOrder
	}
	var err error
	if c.method, err = ParseMethod(s.Method); err != nil {
		return nil, settingsError("settings", err)
	}
	if err := c.setCiphers(s.Ciphers, s.Ciphersuites); err != nil {
		return nil, err
	}
	if err := checkGroups(s.Groups); err != nil {
		return nil, settingsError("settings", err)
	}
	c.groups = append([]tls.CurveID(nil), s.Groups...)
	if err := c.setRenegotiation(s.Renegotiation); err != nil {
		return nil, err
	}

	var certs []tls.Certificate
	var certFiles []string // the file of each of certs, for messages
	switch {
	case s.Certificate != "":
		cert, err := keyfile.LoadKeyPair(s.Certificate, s.Key, s.CertificatePassword)
		if err != nil {
			return nil, settingsError("load certificate", err)
		}
		if err := checkLoadedCertificate(&cert, s.Certificate, c.secLevel); err != nil { // seclevel.go
			return nil, err
		}
		if s.CertificateChain != "" {
			chain, err := keyfile.LoadCertificates(s.CertificateChain)
			if err != nil {
				return nil, settingsError("load certificate chain", err)
			}
			if err := checkLoadedChain(chain, s.CertificateChain, c.secLevel); err != nil {
				return nil, err
			}
			for _, c := range chain {
				cert.Certificate = append(cert.Certificate, c.Raw)
			}
		}
		certs = append(certs, cert)
		certFiles = append(certFiles, s.Certificate)
	case s.CertificateChain != "":
		return nil, settingsError("load certificate chain", fmt.Errorf("certificate chain %q given without a certificate", s.CertificateChain))
	case s.Key != "":
		return nil, settingsError("load certificate", fmt.Errorf("key %q given without a certificate", s.Key))
	case server:
		return nil, settingsError("load certificate", errors.New("a server needs a certificate (setting \"certificate\")"), reasonNoCertificateAssigned)
	}
	for _, f := range s.ExtraCertificates {
		if !server {
			return nil, settingsError("load certificate", errors.New("extra certificates are for servers only"))
		}
		pw := f.CertificatePassword
		if pw == "" {
			pw = s.CertificatePassword // the extra-certificate setting names none
		}
		cert, err := keyfile.LoadKeyPair(f.Certificate, f.Key, pw)
		if err != nil {
			return nil, settingsError("load certificate", err)
		}
		if err := checkLoadedCertificate(&cert, f.Certificate, c.secLevel); err != nil {
			return nil, err
		}
		certs = append(certs, cert)
		certFiles = append(certFiles, f.Certificate)
	}

	if s.StatusFile != "" {
		if !server {
			return nil, settingsError("settings", errors.New("status-file is for servers (a client asks with the status setting)"))
		}
		der, err := loadStatusFile(s.StatusFile, &certs[0])
		if err != nil {
			return nil, settingsError("load status-file", err)
		}
		certs[0].OCSPStaple = der
	}
	if s.Status < StatusNone || s.Status > StatusRequire {
		return nil, settingsError("settings", fmt.Errorf("status %d: allowed values are StatusNone, StatusCheck, StatusRequire", int(s.Status)))
	}
	c.status = s.Status
	loaded := chainLengths(certs) // before the automatic chain (seclevel.go)
	if c.trust, err = loadTrust(s, server); err != nil {
		return nil, err
	}
	if err := ownChains(certs, certFiles, c.trust, s.BuildChain); err != nil { // autochain.go
		return nil, err
	}
	if err := checkBuiltChains(certs, certFiles, s.BuildChain, c.secLevel); err != nil { // seclevel.go
		return nil, err
	}

	t := &tls.Config{
		Certificates:  certs,
		MinVersion:    tls.VersionTLS12,
		MaxVersion:    tls.VersionTLS13,
		Renegotiation: tls.RenegotiateNever,
	}
	c.own = rateOwnChains(certs, certFiles, loaded) // seclevel.go
	if server {
		// Tickets are sealed by the context's keys (tickets.go), shared
		// by every connection and, without a key file, kept by Reload.
		if err := c.setTickets(s); err != nil {
			return nil, err
		}
		c.resumed = newResumeOutcomes()
	} else {
		// Verification is ours (VerifyConnection), never crypto/tls's.
		t.InsecureSkipVerify = true
	}
	c.setClientCAs(s, t) // clientca.go
	if err := c.setFeatures(s, t); err != nil {
		return nil, err
	}
	if err := c.setECH(s, t); err != nil { // ech.go
		return nil, err
	}
	c.tls = t
	if err := c.apply(); err != nil {
		return nil, err
	}
	return c, nil
}

// reasonNoCertificateAssigned is OpenSSL's "no certificate assigned".
const reasonNoCertificateAssigned = 177

// setCiphers compiles the cipher settings into c.
func (c *config) setCiphers(ciphers, ciphersuites string) error {
	list, err := cipherlist.Compile(ciphers)
	if err != nil {
		return settingsError("settings", fmt.Errorf("ciphers: %w", err), reasonNoCipherMatch)
	}
	suites, err := cipherlist.ParseCiphersuites(ciphersuites)
	if err != nil {
		return settingsError("settings", err, reasonNoCipherMatch)
	}
	c.ciphers, c.ciphersuites = ciphers, ciphersuites
	c.secLevel = list.SecLevel
	c.cipherIDs = list.IDs()
	c.held = heldBackIDs(list, ciphers)
	c.suites13 = c.suites13[:0:0]
	for _, s := range suites {
		if s.Go {
			c.suites13 = append(c.suites13, s.ID)
		}
	}
	return nil
}

// apply recomputes the fields of c.tls that depend on overridable settings.
// c.tls must be c's own (fresh or cloned) config.
func (c *config) apply() error {
	lo, hi, ok := c.method.effectiveRange(c.secLevel)
	if !ok {
		return settingsError("settings", fmt.Errorf("method %q allows only %s–%s, which OpenSSL 3.0 negotiates only at security level 0; add \"@SECLEVEL=0\" to the ciphers setting or allow TLS 1.2", c.method, ProtocolName(c.method.Min), ProtocolName(c.method.Max)), reasonNoProtocolsAvailable)
	}
	var ids []uint16
	for _, id := range c.cipherIDs {
		if info, ok := goSuites[id]; ok && info.usable(lo, hi) && !c.isHeld(id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 && lo < tls.VersionTLS13 {
		// A string that selects no suite this library can offer
		// is an error at creation, also when TLS 1.3 (whose suites the
		// ciphers setting does not govern) would remain: silently
		// dropping TLS 1.2 would hide the mistake.
		also := ""
		if hi == tls.VersionTLS13 {
			also = "; for TLS 1.3 alone, set method tlsv1.3"
		}
		if len(c.held) > 0 {
			also += "; it selects only suites not offered by default (" + reasonNoLucky13 + ")"
		}
		return settingsError("settings", fmt.Errorf("ciphers %q selects no cipher suite this library can negotiate with %s–%s%s", c.ciphers, ProtocolName(lo), ProtocolName(min(hi, tls.VersionTLS12)), also), reasonNoCipherMatch)
	}
	c.tls.MinVersion, c.tls.MaxVersion = lo, hi
	c.tls.CipherSuites = ids
	c.tls.CurvePreferences = c.groups
	c.tls.Renegotiation, _ = c.reneg.tlsRenegotiation(c.server) // checked by setRenegotiation
	if !c.server && len(c.tls.Certificates) > 0 {
		// Bound to this config: its security level (seclevel.go).
		c.tls.GetClientCertificate = c.clientCertificate(&c.tls.Certificates[0])
	}
	if c.server {
		switch c.verify {
		case VerifyNone:
			c.tls.ClientAuth = tls.NoClientCert
		case VerifyOptional:
			c.tls.ClientAuth = tls.RequestClientCert
		case VerifyRequired:
			c.tls.ClientAuth = tls.RequireAnyClientCert
		}
	} else {
		c.tls.ServerName = ""
		if c.serverName != "" && net.ParseIP(c.serverName) == nil {
			c.tls.ServerName = c.serverName
		}
	}
	if err := c.applyECH(); err != nil { // ech.go
		return err
	}
	if c.server {
		// Made after every setting it reads (versions, ECH keys); a
		// copy made by with is applied again and gets its own.
		c.start = c.streamStart()
	}
	return nil
}

// with returns c itself when o changes nothing, else a copy with o applied
// and its own tls.Config.
func (c *config) with(o *Overrides) (*config, error) {
	if o.empty() {
		return c, nil
	}
	n := *c
	n.tls = c.tls.Clone()
	// A stream with overrides verifies the chain of a resumed session
	// again: its settings may not be those the session was verified with.
	n.resumed = nil
	if o.Method != "" {
		m, err := ParseMethod(o.Method)
		if err != nil {
			return nil, settingsError("settings", err)
		}
		n.method = m
	}
	if o.Ciphers != "" || o.Ciphersuites != "" {
		ciphers, suites := c.ciphers, c.ciphersuites
		if o.Ciphers != "" {
			ciphers = o.Ciphers
		}
		if o.Ciphersuites != "" {
			suites = o.Ciphersuites
		}
		if err := n.setCiphers(ciphers, suites); err != nil {
			return nil, err
		}
	}
	if o.Verify != nil {
		if !o.Verify.valid() {
			return nil, settingsError("settings", fmt.Errorf("verify %d: allowed values are VerifyNone, VerifyOptional, VerifyRequired", int(*o.Verify)))
		}
		n.verify = *o.Verify
	}
	if o.MaxDepth != nil {
		if *o.MaxDepth < 0 {
			return nil, settingsError("settings", fmt.Errorf("max-depth %d: want an integer >= 0", *o.MaxDepth))
		}
		n.maxDepth = *o.MaxDepth
	}
	if o.PreferServerCipherOrder != nil {
		n.preferServer = *o.PreferServerCipherOrder
	}
	if o.ServerName != "" {
		n.serverName = o.ServerName
	}
	if o.Unbuffered != nil {
		n.unbuffered = *o.Unbuffered
	}
	if o.ALPN != "" {
		if err := n.overrideALPN(o.ALPN); err != nil {
			return nil, err
		}
	}
	if o.Renegotiation != nil {
		if err := n.setRenegotiation(*o.Renegotiation); err != nil {
			return nil, err
		}
	}
	if o.Groups != "" {
		if err := n.overrideGroups(o.Groups); err != nil {
			return nil, err
		}
	}
	if err := n.apply(); err != nil {
		return nil, err
	}
	return &n, nil
}

// Client wraps conn, already connected, as a client stream using the
// context's settings with o applied (o may be nil). It does no I/O; the
// handshake runs on first use. After this call, use only the stream: it
// owns conn and closes it.
func (c *ClientContext) Client(conn net.Conn, o *Overrides) (*Stream, error) {
	cfg, err := c.cfg().with(o)
	if err != nil {
		return nil, err
	}
	return newStream(conn, cfg), nil
}

// Server wraps conn, already accepted, as a server stream using the
// context's settings with o applied (o may be nil). It does no I/O.
func (c *ServerContext) Server(conn net.Conn, o *Overrides) (*Stream, error) {
	cfg, err := c.cfg().with(o)
	if err != nil {
		return nil, err
	}
	return newStream(conn, cfg), nil
}

// Client wraps conn as a client stream with a private context made from s.
func Client(conn net.Conn, s Settings) (*Stream, error) {
	c, err := newConfig(s, false)
	if err != nil {
		return nil, err
	}
	return newStream(conn, c), nil
}

// Server wraps conn as a server stream with a private context made from s.
func Server(conn net.Conn, s Settings) (*Stream, error) {
	c, err := newConfig(s, true)
	if err != nil {
		return nil, err
	}
	return newStream(conn, c), nil
}

// TLSConfig returns a *tls.Config with the context's settings and
// verification, for net/http, gRPC, tls.Dial and other users of
// crypto/tls. Each call returns a new Config, a snapshot of the context
// (a later Reload does not reach it).
//
// Verification is ours, with OpenSSL's rules, under the context's verify
// mode; a failure our code decides surfaces as an *Error (errors.As) with
// the verify result, where crypto/tls keeps the cause. When the context has
// no server-name, the caller's Config.ServerName (net/http and gRPC set it
// from the URL or target) is checked by crypto/tls itself, exactly as a
// plain crypto/tls client checks it (DNS names, IPv4 and IPv6 literals),
// with the context's trust anchors as RootCAs, and by our verification too
// when it is sent as SNI (code 62): a chain must then satisfy crypto/x509
// as well as OpenSSL's rules, and a name mismatch is crypto/x509's
// HostnameError. With server-name set, our verification alone decides, as
// on a stream.
//
// The caller may set ServerName, NextProtos (ALPN offers), Time, Rand,
// ClientSessionCache, and MinVersion/MaxVersion within the context's
// method. Changing RootCAs, InsecureSkipVerify, VerifyConnection,
// CipherSuites or Certificates changes what this package's settings mean:
// use the settings instead.
func (c *ClientContext) TLSConfig() *tls.Config { return c.cfg().exportClientConfig() }

// TLSConfig returns a *tls.Config with the server context's settings,
// OpenSSL's cipher choice and our verification of client certificates,
// for net/http, gRPC and other users of crypto/tls. Each handshake uses
// the context's configuration current when its ClientHello arrives, so
// Reload and Watch reach it.
//
// Set on the returned Config itself (before its first use) NextProtos,
// merged with the alpn setting (http.Server adds "h2" and "http/1.1"
// there, so it serves HTTP/2), and MinVersion or MaxVersion, which narrow
// the context's versions. Changes made to a copy of it (Config.Clone, as
// grpc's credentials.NewTLS makes) are not seen: give such users the alpn
// setting instead ("h2" for gRPC). Every other field is the context's.
func (c *ServerContext) TLSConfig() *tls.Config { return c.exportLive() }

// String describes the context's effective settings (never secrets).
func (c *ClientContext) String() string { return c.cfg().describe() }

// String describes the context's effective settings (never secrets).
func (c *ServerContext) String() string { return c.cfg().describe() }

func (c *config) describe() string {
	var b strings.Builder
	role := "client"
	if c.server {
		role = "server"
	}
	fmt.Fprintf(&b, "%s method=%s (%s–%s) verify=%s max-depth=%d", role, c.method, ProtocolName(c.tls.MinVersion), ProtocolName(c.tls.MaxVersion), c.verify, c.maxDepth)
	if c.serverName != "" {
		fmt.Fprintf(&b, " server-name=%s", c.serverName)
	}
	return b.String()
}

// MethodNote returns the note made while parsing the method setting (for
// example that "sslv3+" starts at TLS 1.0), or "".
func (c *ClientContext) MethodNote() string { return c.cfg().method.Note }

// MethodNote returns the note made while parsing the method setting, or "".
func (c *ServerContext) MethodNote() string { return c.cfg().method.Note }
