package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/starttls"
)

func clientCommand() *command {
	return &command{
		name:    "client",
		summary: "connect to a TLS server and copy stdin/stdout (like openssl s_client)",
		usage:   "client HOST:PORT [flags]",
		about: `Connects to HOST:PORT, performs the handshake with the settings given as
flags, and prints a summary on stderr:

  Protocol: TLSv1.3
  Cipher: TLS_AES_128_GCM_SHA256          (OpenSSL names, e.g. ECDHE-RSA-AES128-GCM-SHA256 for TLS 1.2)
  Server certificate subject: CN = example.com
  Verify return code: 0 (ok)

then copies stdin to the connection and the connection to stdout. At the end
of stdin it sends close_notify and exits once the server has sent the rest of
its data and closed (so 'head -c 1G /dev/zero | sslstream client ...' against
an echo server is a throughput test). When the server closes first, the
client exits at once.

--server-name defaults to HOST: it is sent as SNI and, unless --verify is
none, the certificate must match it (code 62, or 64 for an IP address).
Give --server-name= (empty) to send no name and check none. Under
--verify none the handshake succeeds whatever the server sends and the
verify result is still printed.

--starttls upgrades a plaintext protocol first, with the dialogue of openssl
s_client -starttls: ftp, imap, irc, ldap, lmtp, mysql, nntp, pop3, postgres,
sieve, smtp, telnet, xmpp or xmpp-server (--starttls-name sets the EHLO/LHLO
name and XMPP's to=); a refusal names the step and quotes the server.
--showcerts prints the chain the server sent as PEM, on stderr with the
summary (stdout carries only the connection's data).

--alpn h2,http/1.1 offers application protocols; the summary then says
"ALPN protocol: h2" or "No ALPN negotiated" (as s_client). --reconnect
connects a second time after the session ends, with the same context and a
session cache (unless --session-tickets=false), and prints "New, TLSv1.3,
Cipher is ..." for the first connection and "Reused, ..." (or "New, ...")
for the second, as s_client -reconnect. Under TLS 1.3 the server's ticket
arrives after the handshake: it is there when the first session has read
something. --json prints each connection's summary (and a failed handshake's error)
as one JSON object per line on stderr instead. --keylog FILE writes the
session secrets for Wireshark; --trace
logs each handshake step on stderr. The --crl-* policy flags relax
--crl-check (docs/FEATURES.md).

--sess-out FILE saves the session at its end (ticket and secrets, mode
0600) and --sess-in FILE offers it again: the summary then says "Reused,
TLSv1.3, Cipher is ..." or "New, ..." (as s_client -sess_out/-sess_in; the
file format is sslstream's own, as crypto/tls resumes only sessions it
encoded).

--brief prints s_client -brief's lines instead of the summary (CONNECTION
ESTABLISHED, Protocol version, Ciphersuite, Peer certificate, Verification,
Server Temp Key). --ign-eof keeps the session open at the end of stdin
until the server closes.

OpenSSL's spellings work too (see below): 'sslstream s_client -connect
HOST:PORT -CAfile ca.pem -servername HOST -verify_return_error'.

Exit status: 0 after a successful session (also under --verify none when
the certificate did not verify: the result is printed); 2 when the
handshake fails because the server's certificate did not verify; 1 when
connecting or the handshake fails otherwise (the error, the verify code and
text and a hint on stderr).`,
		examples: []string{
			"sslstream client example.com:443 --ca-file /etc/ssl/certs/ca-certificates.crt --verify required < /dev/null",
			"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | sslstream client localhost:8443 --ca-file ca.pem --verify=required",
			"sslstream client mail.example.com:25 --starttls smtp --ca-directory /etc/ssl/certs --verify required",
			"sslstream client localhost:4433 --certificate client.pem --key client.key --certificate-password-file pw.txt",
			"sslstream client 127.0.0.1:4433 --method tlsv1.2 --ciphers 'ECDHE+AESGCM' --showcerts </dev/null",
			"head -c 100M /dev/zero | sslstream client localhost:4433 --verify none | wc -c",
			"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | sslstream client example.com:443 --alpn h2,http/1.1 --reconnect --keylog keys.log",
			"sslstream client localhost:4433 --crl-check all --crl-file crls.pem --crl-expired grace --crl-grace 36h --trace </dev/null",
			"sslstream s_client -connect example.com:443 -CAfile ca.pem -servername example.com -verify_return_error -brief </dev/null",
			"sslstream s_client -connect ldap.example.com:389 -starttls ldap -CApath /etc/ssl/certs -verify_return_error",
		},
		setup: func(fs *flagSet) func(*env, []string) error {
			cf := fs.addConnFlags()
			starttlsProto := &choice{allowed: starttls.Protocols()}
			fs.Var(starttlsProto, "starttls", "upgrade a plaintext session first; `PROTOCOL` is "+strings.Join(starttls.Protocols(), ", "))
			starttlsName := fs.String("starttls-name", "", "the `HOST` name announced in SMTP's EHLO, LMTP's LHLO (default mail.example.com) and XMPP's to= (default the server's host)")
			brief := fs.Bool("brief", false, "print only OpenSSL's brief summary (CONNECTION ESTABLISHED, Protocol version, Ciphersuite, Peer certificate, Verification) on stderr")
			ignEOF := fs.Bool("ign-eof", false, "at the end of stdin keep the session open and exit when the server closes (openssl -ign_eof)")
			showCerts := fs.Bool("showcerts", false, "print the server's certificate chain as PEM (on stderr)")
			timeout := fs.Duration("connect-timeout", 30*time.Second, "give up connecting and handshaking after this `DURATION`")
			quiet := fs.Bool("quiet", false, "print no summary (errors are still printed)")
			asJSON := fs.Bool("json", false, "print the summary of each connection as one JSON object on stderr (stdout carries the data)")
			sessOut := fs.String("sess-out", "", "at the end of the session write it (ticket and secrets) to `FILE`, for --sess-in (openssl -sess_out; the formats differ)")
			sessIn := fs.String("sess-in", "", "offer the session saved in `FILE` by --sess-out; the summary says Reused or New (openssl -sess_in)")
			reconnect := fs.Bool("reconnect", false, "after the session ends, connect once more with the same context and session tickets on, and print New or Reused for each connection (as openssl s_client -reconnect)")
			return func(e *env, args []string) error {
				if len(args) != 1 {
					return usagef("want exactly one HOST:PORT, got %d arguments", len(args))
				}
				addr := args[0]
				host, port, err := net.SplitHostPort(addr)
				if err != nil {
					return usagef("%q is not HOST:PORT: %v", addr, err)
				}
				if port == "" {
					return usagef("%q is not HOST:PORT: no port", addr)
				}
				if _, ok := cf.settings.get("server-name"); !ok {
					cf.settings.list = append([]setting{{"server-name", host}}, cf.settings.list...)
				}
				tickets, ticketsSet := cf.settings.get("session-tickets")
				if (*sessIn != "" || *sessOut != "") && ticketsSet && tickets == "false" {
					return usagef("--sess-in and --sess-out need sessions: drop --session-tickets=false")
				}
				if (*reconnect || *sessIn != "" || *sessOut != "") && !ticketsSet {
					cf.settings.list = append(cf.settings.list, setting{"session-tickets", "true"})
				}
				var saved *tls.ClientSessionState
				if *sessIn != "" {
					if saved, err = decodeSession(*sessIn); err != nil {
						return err
					}
				}
				settings, err := cf.build(e.stderr)
				if err != nil {
					return err
				}
				cctx, err := sslstream.NewClientContext(settings)
				if err != nil {
					return err
				}
				if note := cctx.MethodNote(); note != "" && !*quiet && !*asJSON {
					fmt.Fprintf(e.stderr, "note: %s\n", note)
				}
				sn, _ := cf.settings.get("server-name")
				return runClient(e, cctx, addr, clientOptions{starttls: starttlsProto.value, starttlsName: *starttlsName, host: host,
					sessIn: saved, sessOut: *sessOut, serverName: sn,
					showCerts: *showCerts, timeout: *timeout, quiet: *quiet || *brief, brief: *brief, ignEOF: *ignEOF,
					reconnect: *reconnect, alpn: len(settings.ALPN) > 0, json: *asJSON, addr: addr})
			}
		},
	}
}

type clientOptions struct {
	starttls string
	// starttlsName is --starttls-name, host the server's host name.
	starttlsName, host string
	// sessIn is the session --sess-in offers, sessOut the --sess-out
	// file; serverName is the server-name setting (the session cache's
	// key, or the address when empty).
	sessIn     *tls.ClientSessionState
	sessOut    string
	serverName string
	// brief prints OpenSSL's brief summary (--brief); ignEOF keeps the
	// session open at the end of stdin (--ign-eof).
	brief, ignEOF bool
	showCerts     bool
	timeout       time.Duration
	quiet         bool
	// reconnect connects a second time after the session (--reconnect).
	reconnect bool
	// alpn is true when protocols are offered: the summary says which one
	// was negotiated.
	alpn bool
	// json prints each connection's summary as JSON (--json); conn
	// numbers the connections for it.
	json bool
	conn int
	addr string
}

func runClient(e *env, cctx *sslstream.ClientContext, addr string, o clientOptions) error {
	o.conn = 1
	st, err := connect(e, cctx, addr, o)
	if err != nil {
		return err
	}
	switch {
	case o.json:
		printClientJSON(e, st, o, nil)
	case o.brief:
		printBrief(e, st)
	case !o.quiet:
		printClientSummary(e, st, o)
	}
	err = renegotiationOutcome(e, st, o, pumpWith(e, st, o.ignEOF))
	st.Close()
	if o.sessOut != "" && err == nil {
		if werr := writeSession(cctx.TLSConfig().ClientSessionCache, sessionKey(o, st), o.sessOut); werr != nil {
			fmt.Fprintf(e.stderr, "sslstream client: %v\n", werr)
			return &silentError{code: exitError}
		}
	}
	if err != nil || !o.reconnect || e.ctx.Err() != nil {
		return err
	}
	// The session is over: connect again with the same context, whose
	// session cache now holds what the first handshake (TLS 1.2) or the
	// server's tickets read during the session (TLS 1.3) left there.
	if !o.quiet && !o.json {
		fmt.Fprintln(e.stderr, "---\nReconnecting (drop connection and then reconnect)")
	}
	o.showCerts = false
	o.conn = 2
	o.sessIn = nil // the cache now holds what the first connection left
	st, err = connect(e, cctx, addr, o)
	if err != nil {
		return err
	}
	defer st.Close()
	switch {
	case o.json:
		printClientJSON(e, st, o, nil)
	case o.brief:
		printBrief(e, st)
	case !o.quiet:
		fmt.Fprintln(e.stderr, sessionLine(st))
		code, text := st.VerifyResult()
		fmt.Fprintf(e.stderr, "Verify return code: %d (%s)\n", code, text)
	}
	return nil
}

// sessionLine is s_client's "New, TLSv1.3, Cipher is X" line, "Reused"
// for a resumed session.
func sessionLine(st *sslstream.Stream) string {
	cs := st.ConnectionState()
	what := "New"
	if st.Resumed() {
		what = "Reused"
	}
	return fmt.Sprintf("%s, %s, Cipher is %s", what, sslstream.ProtocolName(cs.Version), cipherName(cs.CipherSuite))
}

// connect dials addr, runs STARTTLS when asked and performs the handshake;
// a failed handshake is reported on stderr (error, verify code, hint) and
// returned as a silentError.
func connect(e *env, cctx *sslstream.ClientContext, addr string, o clientOptions) (*sslstream.Stream, error) {
	if e.tty && !o.quiet {
		fmt.Fprintf(e.stderr, "Connecting to %s...\n", addr)
	}
	dctx, cancel := context.WithTimeout(e.ctx, o.timeout)
	defer cancel()
	var d net.Dialer
	raw, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", addr, err)
	}
	if o.starttls != "" {
		if err := startTLS(dctx, raw, o.starttls, o.host, o.starttlsName); err != nil {
			raw.Close()
			return nil, fmt.Errorf("%w (server %s)", err, addr)
		}
	}
	if o.sessIn != nil {
		cache := cctx.TLSConfig().ClientSessionCache
		if cache == nil {
			raw.Close()
			return nil, errors.New("--sess-in: the client context has no session cache")
		}
		cache.Put(sessionKeyFor(o, raw.RemoteAddr()), o.sessIn)
	}
	st, err := cctx.Client(raw, pumpOverrides())
	if err != nil {
		raw.Close()
		return nil, err
	}
	if err := st.HandshakeContext(dctx); err != nil {
		defer st.Close()
		var se *sslstream.Error
		errors.As(err, &se)
		exit := exitError
		if isVerifyFailure(se) {
			exit = exitVerifyFail
		}
		if o.json {
			printClientJSON(e, st, o, err)
			return nil, &silentError{code: exit}
		}
		code, text := st.VerifyResult()
		if se != nil && se.VerifyResultString != "" {
			code, text = se.VerifyResult, se.VerifyResultString
		}
		fmt.Fprintf(e.stderr, "sslstream client: handshake with %s failed: %v\n", addr, err)
		if se != nil {
			for _, s := range se.Strings {
				fmt.Fprintln(e.stderr, s)
			}
		}
		fmt.Fprint(e.stderr, echFailureLine(err)) // ech.go
		fmt.Fprintf(e.stderr, "Verify return code: %d (%s)\n", code, text)
		if h := st.VerifyHint(); h != "" && code != 0 && isVerifyFailure(se) {
			fmt.Fprintf(e.stderr, "Hint: %s\n", h)
		}
		return nil, &silentError{code: exit}
	}
	return st, nil
}

// isVerifyFailure reports whether the handshake failed because the
// certificate did not verify (not, say, over a cipher).
func isVerifyFailure(se *sslstream.Error) bool {
	if se == nil {
		return false
	}
	for _, s := range se.Strings {
		if strings.HasSuffix(s, "certificate verify failed") {
			return true
		}
	}
	return false
}

// printClientSummary prints the connection summary lines on stderr.
func printClientSummary(e *env, st *sslstream.Stream, o clientOptions) {
	showCerts := o.showCerts
	cs := st.ConnectionState()
	var b strings.Builder
	chain, _ := st.PeerChain()
	if showCerts {
		b.WriteString("Certificate chain\n")
		for i, c := range chain {
			fmt.Fprintf(&b, " %d s:%s\n   i:%s\n", i, c.SubjectString(), c.IssuerString())
			b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.X509().Raw}))
		}
		b.WriteString("---\n")
	}
	fmt.Fprintf(&b, "Protocol: %s\n", sslstream.ProtocolName(cs.Version))
	fmt.Fprintf(&b, "Cipher: %s\n", cipherName(cs.CipherSuite))
	if l := notOfferedLine(st.SuitesNotOffered()); l != "" {
		b.WriteString(l + "\n")
	}
	b.WriteString(groupLines(cs))
	b.WriteString(caNamesLines(st))
	b.WriteString(ocspLines(st))
	b.WriteString(echLine(st)) // ech.go
	if r := st.Renegotiation(); r != sslstream.RenegotiateNever {
		fmt.Fprintf(&b, "Renegotiation: %s (when the server asks)\n", r)
	}
	if len(chain) > 0 {
		fmt.Fprintf(&b, "Server certificate subject: %s\n", chain[0].SubjectString())
		fmt.Fprintf(&b, "Server certificate issuer: %s\n", chain[0].IssuerString())
	} else {
		b.WriteString("Server certificate subject: (none)\n")
	}
	if p := cs.NegotiatedProtocol; p != "" {
		fmt.Fprintf(&b, "ALPN protocol: %s\n", p)
	} else if o.alpn {
		b.WriteString("No ALPN negotiated\n")
	}
	if o.reconnect || o.sessIn != nil || o.sessOut != "" {
		b.WriteString(sessionLine(st) + "\n")
	}
	code, text := st.VerifyResult()
	fmt.Fprintf(&b, "Verify return code: %d (%s)\n", code, text)
	if h := st.VerifyHint(); h != "" && code != 0 {
		fmt.Fprintf(&b, "Hint: %s\n", h)
	}
	if e.tty {
		b.WriteString("---\n")
	}
	io.WriteString(e.stderr, b.String())
}

// pump copies stdin to the stream and the stream to stdout. At the end of
// stdin it sends close_notify and keeps reading until the peer closes; when
// the peer closes first it returns at once. An interrupt closes the stream.
func pump(e *env, st *sslstream.Stream) error { return pumpWith(e, st, false) }

// pumpWith is pump; with ignEOF the end of stdin leaves the session open
// (no close_notify) until the peer closes, as openssl -ign_eof.
func pumpWith(e *env, st *sslstream.Stream, ignEOF bool) error {
	sendErr := make(chan error, 1)
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := e.stdin.Read(buf)
			if n > 0 {
				if _, werr := st.Write(buf[:n]); werr != nil {
					sendErr <- werr
					return
				}
				if ferr := st.Flush(); ferr != nil {
					sendErr <- ferr
					return
				}
			}
			if err == io.EOF {
				if ignEOF {
					sendErr <- nil
					return
				}
				sendErr <- st.CloseWrite()
				return
			}
			if err != nil {
				sendErr <- fmt.Errorf("reading stdin: %w", err)
				return
			}
		}
	}()
	recvErr := make(chan error, 1)
	go func() {
		_, err := io.Copy(e.stdout, st)
		recvErr <- err
	}()
	for {
		select {
		case err := <-recvErr:
			if err != nil && !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("receiving: %w", err)
			}
			return nil
		case err := <-sendErr:
			if err == nil {
				sendErr = nil // keep reading until the peer closes
				continue
			}
			if !isBrokenPipe(err) {
				st.Close()
				<-recvErr
				return fmt.Errorf("sending: %w", err)
			}
			// The peer has gone. What it sent before going is still to
			// be read: the rest of its data, or the alert that says why
			// it refused us (a client certificate rejected after a TLS
			// 1.3 handshake). Closing now would lose it.
			return drainAfterPeerGone(e, st, recvErr)
		case <-e.ctx.Done():
			st.Close()
			<-recvErr
			return errors.New("interrupted")
		}
	}
}

// pumpOverrides makes a stream unbuffered for pump and echo, which send
// every chunk at once anyway: the stream's buffer would only add a copy.
func pumpOverrides() *sslstream.Overrides {
	unbuffered := true
	return &sslstream.Overrides{Unbuffered: &unbuffered}
}

// peerGoneGrace bounds the wait for the receiving side once sending found
// the peer gone: what is left to read is already here.
const peerGoneGrace = 5 * time.Second

// drainAfterPeerGone lets the receiving side of pump read what the peer
// sent before it went and reports a TLS-level error found there (an alert);
// the peer's going itself (reset, EOF) is not an error of ours.
func drainAfterPeerGone(e *env, st *sslstream.Stream, recvErr <-chan error) error {
	timer := time.NewTimer(peerGoneGrace)
	defer timer.Stop()
	select {
	case err := <-recvErr:
		st.Close()
		if err != nil && !isBrokenPipe(err) {
			return fmt.Errorf("receiving: %w", err)
		}
		return nil
	case <-timer.C:
	case <-e.ctx.Done():
	}
	st.Close()
	<-recvErr
	if e.ctx.Err() != nil {
		return errors.New("interrupted")
	}
	return nil
}

// isBrokenPipe reports an error from writing to a peer that has already
// closed: the session is over, which is not an error of ours.
func isBrokenPipe(err error) bool {
	return errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrClosed) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

// clientJSON is the --json summary of one connection.
type clientJSON struct {
	Address string `json:"address"`
	// Connection is 1, or 2 for the second connection of --reconnect.
	Connection         int           `json:"connection"`
	OK                 bool          `json:"ok"`
	Error              string        `json:"error"`
	Protocol           string        `json:"protocol"`
	Cipher             string        `json:"cipher"`
	ALPN               string        `json:"alpn"`
	Resumed            bool          `json:"resumed"`
	VerifyResult       int           `json:"verify_result"`
	VerifyResultString string        `json:"verify_result_string"`
	Depth              int           `json:"depth"`
	Errors             []problemJSON `json:"errors"`
	Hint               string        `json:"hint"`
	Chain              []certJSON    `json:"chain"`
	Sent               []certJSON    `json:"sent"`
	TrustSource        string        `json:"trust_source"`
	CRLsUsed           []string      `json:"crls_used"`
	// CiphersNotOffered are suites the ciphers setting selects that were
	// not offered on the wire, with the reason.
	CiphersNotOffered []notOfferedJSON `json:"ciphers_not_offered"`
	// Group is the key exchange group ("X25519MLKEM768", "P-256"; "" for
	// RSA key exchange); HelloRetryRequest says the server asked for
	// another key share.
	Group             string `json:"group"`
	HelloRetryRequest bool   `json:"hello_retry_request"`
	// Renegotiation is the renegotiation setting: never, once, freely.
	Renegotiation string `json:"renegotiation"`
	// CertificateRequested says the server asked for a client
	// certificate, listing AcceptableCANames (s_client's "Acceptable
	// client certificate CA names").
	CertificateRequested bool     `json:"certificate_requested"`
	AcceptableCANames    []string `json:"acceptable_ca_names"`
	// ECH is "accepted", "rejected", "not accepted" or "not offered";
	// a rejecting server's retry configs are counted and given (base64).
	ECH                string `json:"ech"`
	ECHRetryConfigs    int    `json:"ech_retry_configs"`
	ECHRetryConfigList string `json:"ech_retry_config_list"`
}

// printClientJSON prints one connection's summary as a line of JSON on
// stderr; herr is the handshake's error, if it failed.
func printClientJSON(e *env, st *sslstream.Stream, o clientOptions, herr error) {
	out := clientJSON{Address: o.addr, Connection: o.conn, OK: herr == nil, Errors: []problemJSON{},
		Chain: []certJSON{}, Sent: []certJSON{}, CRLsUsed: []string{}, CiphersNotOffered: notOfferedList(st.SuitesNotOffered())}
	code, text := st.VerifyResult()
	if herr != nil {
		out.Error = herr.Error()
		var se *sslstream.Error
		if errors.As(herr, &se) && se.VerifyResultString != "" {
			code, text = se.VerifyResult, se.VerifyResultString
		}
	} else {
		cs := st.ConnectionState()
		out.Protocol, out.Cipher = sslstream.ProtocolName(cs.Version), cipherName(cs.CipherSuite)
		out.ALPN, out.Resumed = cs.NegotiatedProtocol, st.Resumed()
		out.Group, out.HelloRetryRequest = st.Group(), st.HelloRetryRequest()
		out.Renegotiation = st.Renegotiation().String()
		out.CertificateRequested, out.AcceptableCANames = st.CertificateRequested(), st.AcceptableCANames()
	}
	out.VerifyResult, out.VerifyResultString = code, text
	echJSON(&out, st, herr) // ech.go
	if r := st.VerifyReport(); r != nil {
		out.Depth, out.Hint, out.TrustSource = r.Depth, r.Hint, r.TrustSource
		out.Chain, out.Sent = certsJSON(r.Chain), certsJSON(r.Sent)
		for _, p := range r.Problems {
			out.Errors = append(out.Errors, problemJSON{Code: p.Code, Text: p.Text, Depth: p.Depth, Subject: p.Subject})
		}
		if r.CRLsUsed != nil {
			out.CRLsUsed = r.CRLsUsed
		}
	}
	if code == 0 {
		out.Hint = ""
	}
	b, err := json.Marshal(out)
	if err != nil {
		fmt.Fprintf(e.stderr, "sslstream client: encoding the summary: %v\n", err)
		return
	}
	e.stderr.Write(append(b, '\n'))
}

// printBrief prints s_client -brief's summary on stderr: the verification
// errors met ("depth=N SUBJECT", "verify error:num=N:TEXT"), then
// CONNECTION ESTABLISHED, Protocol version, Ciphersuite, Peer certificate,
// Verification and Server Temp Key. crypto/tls does not say which
// signature scheme the server used, so s_client's "Hash used" and
// "Signature type" lines are left out.
func printBrief(e *env, st *sslstream.Stream) {
	var b strings.Builder
	if r := st.VerifyReport(); r != nil {
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "depth=%d %s\nverify error:num=%d:%s\n", p.Depth, p.Subject, p.Code, p.Text)
		}
	}
	cs := st.ConnectionState()
	b.WriteString("CONNECTION ESTABLISHED\n")
	fmt.Fprintf(&b, "Protocol version: %s\n", sslstream.ProtocolName(cs.Version))
	fmt.Fprintf(&b, "Ciphersuite: %s\n", cipherName(cs.CipherSuite))
	if c, err := st.PeerCertificate(); err == nil && c != nil {
		fmt.Fprintf(&b, "Peer certificate: %s\n", c.SubjectString())
	} else {
		b.WriteString("No peer certificate\n")
	}
	if code, text := st.VerifyResult(); code == 0 {
		b.WriteString("Verification: OK\n")
	} else {
		fmt.Fprintf(&b, "Verification error: %s\n", text)
	}
	if k := tempKey(cs.CurveID); k != "" {
		fmt.Fprintf(&b, "Server Temp Key: %s\n", k)
	}
	io.WriteString(e.stderr, b.String())
}

// tempKey is s_client's description of the key exchange group.
func tempKey(id tls.CurveID) string {
	switch id {
	case 0:
		return ""
	case tls.X25519:
		return "X25519, 253 bits"
	case tls.CurveP256:
		return "ECDH, prime256v1, 256 bits"
	case tls.CurveP384:
		return "ECDH, secp384r1, 384 bits"
	case tls.CurveP521:
		return "ECDH, secp521r1, 521 bits"
	}
	return id.String()
}

// sessionKey is the key crypto/tls files the stream's session under in
// the client session cache: the server name, or the address without one.
func sessionKey(o clientOptions, st *sslstream.Stream) string {
	return sessionKeyFor(o, st.RemoteAddr())
}

func sessionKeyFor(o clientOptions, remote net.Addr) string {
	if o.serverName != "" {
		return o.serverName
	}
	return remote.String()
}
