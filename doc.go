// Package sslstream gives Go programs OpenSSL-style TLS over a socket they
// already hold: STARTTLS in SMTP, IMAP, LDAP or PostgreSQL, proxies, custom
// protocols. It speaks TLS with crypto/tls (no cgo, no OpenSSL at run time)
// but is configured and reports the OpenSSL way: OpenSSL cipher strings,
// CApath hashed directories, CRL files, encrypted PEM and PKCS#12 keys,
// verify modes none/optional/required with a depth, OpenSSL 3.0's numeric
// verify results (20 "unable to get local issuer certificate") and its
// packed error codes (error:0A000086:SSL routines::certificate verify
// failed). It is also the Go counterpart of Allegro CL's
// make-ssl-client-stream and make-ssl-server-stream (docs/PORTING.md).
//
// Use crypto/tls directly when Go's defaults and its error messages suit
// you. Use this package when settings arrive in OpenSSL's terms (from a
// configuration file, from operators, from a port of C or Lisp code), when
// you need OpenSSL's verdict on a chain (same first error, same depth), CRL
// checking, hashed CA directories, or a handshake that starts on first use
// over a connection you already talked plain text on.
//
// The secure client, checking the server against the system's trust store
// (or SSL_CERT_FILE / SSL_CERT_DIR), as openssl s_client does:
//
//	s, err := sslstream.Client(conn, sslstream.Settings{Verify: sslstream.VerifyRequired, ServerName: "mail.example.com"})
//
// The zero Settings value is OpenSSL's and Allegro CL's default, verify
// none: the server's certificate is checked and the result reported
// (VerifyResult), but the handshake succeeds whatever it is.
//
// A server, one context for every connection:
//
//	ctx, err := sslstream.NewServerContext(sslstream.Settings{Certificate: "server.pem", Key: "server.key"})
//	ln, err := ctx.Listen("tcp", ":8443") // or ctx.Server(conn, nil) per accepted conn
//
// # Streams
//
// Client and Server wrap a connected net.Conn from plain Settings;
// ClientContext.Client and ServerContext.Server do the same from a shared
// context plus per-connection Overrides. Creating a stream does no network
// I/O: it checks the settings, loads the files and returns.
//
// The handshake is lazy. It runs on the first Read, on the first Write that
// reaches the socket, on Flush, on Close when data is pending, on
// PeerCertificate, or at once with Handshake/HandshakeContext (a second call
// returns the first result). Writes are buffered until the buffer (16 KiB)
// fills or Flush is called — Allegro CL's force-output; Read flushes pending
// writes first, so request/response protocols never deadlock on a forgotten
// Flush, and Close flushes too. Settings.Unbuffered makes every Write reach
// the peer at once, as with tls.Conn.
//
// A handshake failure is returned by whichever call started it and by every
// later call, as the same *Error. Close flushes, sends close_notify and
// closes the underlying connection.
//
// After wrapping, do not use the raw connection: the stream owns it, and
// bytes read or written behind its back corrupt the TLS session.
//
// Both ends of a connection in one goroutine deadlock: a handshake needs the
// peer to answer at the same time, exactly as in Allegro CL, where a single
// Lisp process writing to its own client stream hangs. Run the client and
// the server in different goroutines (or processes). Over a synchronous
// net.Pipe even two goroutines can deadlock when a handshake fails: the
// server may still be writing its first flight (session tickets included)
// while the client, having rejected the certificate, writes its alert, and
// neither reads. Real sockets buffer enough for this not to happen; with
// net.Pipe, set deadlines.
//
// # Contexts and overrides
//
// NewClientContext and NewServerContext load and check every setting once;
// the contexts are immutable and may be shared by any number of goroutines,
// connections and listeners. Overrides can change method, ciphers,
// ciphersuites, verify, max-depth, prefer-server-cipher-order, server-name
// and write buffering for one connection; the frozen settings (certificate,
// key, certificate-password, ca-file, ca-directory, crl-file, crl-check) have
// no Overrides field, and Overrides.Set rejects them by name for settings
// that arrive as strings. An override never changes the context.
//
// TLSConfig exports a *tls.Config with the same settings and verification
// for net/http, gRPC and other users of crypto/tls; Listen, NewListener,
// Dial and DialContext give net.Listener and tls.Dial equivalents.
//
// # Verification
//
// Verification is this package's, not crypto/tls's: every handshake
// computes the result with package verify (OpenSSL 3.0's X509_verify_cert
// outcome: same first error, same depth, same numbers and texts), also under
// verify none. VerifyResult returns (code, text): (0, "ok") before the
// handshake — asking does not start it — and when the peer sent no
// certificate. Under verify none it is what SSL_get_verify_result reports
// after OpenSSL continued past every error (for example 18 for a
// self-signed server); under optional and required it is the first error,
// which failed the handshake. VerifyReport gives every problem, the chain as
// sent and as built, the trust source, the CRLs used and a one-line hint.
//
// A client checks the server's certificate for the TLS server purpose and,
// when server-name is set, for that name (62, or 64 for an IP address); a
// server checks client certificates for the TLS client purpose.
//
// # Errors
//
// Every TLS-level failure is an *Error: What (the operation), Codes and
// Strings (OpenSSL 3.0 packed codes and their printed forms, such as
// error:0A000086:SSL routines::certificate verify failed), VerifyResult and
// VerifyResultString, and the underlying Go error (Unwrap). Alerts received
// map to OpenSSL's "sslv3 alert ..."/"tlsv1 alert ..." reasons. Transport
// errors after the handshake are returned unchanged (net.Error, io.EOF,
// io.ErrClosedPipe); during the handshake they are wrapped in an *Error
// that is itself a net.Error, and errors.Is(err, os.ErrDeadlineExceeded)
// works through it.
//
// # Limitations of crypto/tls
//
//   - TLS 1.3 cipher suites cannot be restricted in crypto/tls: a crypto/tls
//     client always offers all three and a crypto/tls server picks by its own
//     preference. The ciphersuites setting is therefore enforced after the
//     choice: a connection whose negotiated TLS 1.3 suite is outside the list
//     fails with "wrong cipher returned" (client) or "no shared cipher"
//     (server). A server refuses a client that offers none of the listed
//     suites at its ClientHello already, as OpenSSL does. Against OpenSSL
//     peers that offer only listed suites it works as expected; between two
//     crypto/tls peers a list without TLS_AES_128_GCM_SHA256 usually fails,
//     and a crypto/tls server cannot be steered towards AES-256-GCM when the
//     client also offers AES-128-GCM.
//   - crypto/tls ignores the order of Config.CipherSuites. For TLS ≤ 1.2 a
//     server emulates OpenSSL's choice (server preference by default, client
//     preference with prefer-server-cipher-order false) by offering only the
//     chosen suite for each ClientHello; a client's offer order is
//     crypto/tls's own.
//   - SSLv2 and SSLv3 do not exist in crypto/tls (nor in OpenSSL 3.0's
//     defaults); TLS 1.0 and 1.1 negotiate only with @SECLEVEL=0 in the
//     cipher string, as in OpenSSL 3.0.
//   - A failed verification sends the bad_certificate alert (crypto/tls
//     chooses it), where OpenSSL would send for example unknown_ca.
//   - Read returns io.EOF when the peer closes the TCP connection without
//     close_notify, as tls.Conn does; OpenSSL 3.0 reports "unexpected eof
//     while reading" there.
//   - Sessions: a server context keeps one session-ticket key for its life
//     (as an OpenSSL SSL_CTX does), so tickets resume across its
//     connections; a client caches sessions only with session-tickets.
package sslstream
