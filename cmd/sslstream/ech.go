package main

import (
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"os"

	"github.com/sslstream/sslstream"
)

func echKeygenCommand() *command {
	return &command{
		name:    "ech-keygen",
		summary: "make an Encrypted Client Hello key for a server (--ech-keys) and print its config for clients",
		usage:   "ech-keygen --public-name NAME --out FILE [--force]",
		about: `Makes a new ECH (Encrypted Client Hello, RFC 9849) key: an X25519 key with a
random config_id and an ECHConfig offering HKDF-SHA256 with AES-128-GCM and
ChaCha20Poly1305, for the public name NAME (the name clients send in the
clear; the server needs a certificate valid for it, with which clients
authenticate a rejection of their ECH).

FILE receives the server's key file (mode 0600): a PEM "PRIVATE KEY" block
(PKCS#8 X25519) and a PEM "ECHCONFIG" block, for 'sslstream server
--ech-keys FILE'. Several such files may be concatenated to serve several
keys (rotation); every key's config is also sent to clients as a retry
config. An existing FILE is not overwritten without --force.

Stdout receives the ECHConfigList in base64, what clients take with
--ech-config and what a DNS HTTPS record carries as its ech= parameter.`,
		examples: []string{
			"sslstream ech-keygen --public-name public.example.com --out ech.pem > ech.b64",
			"sslstream server --listen :4433 --certificate server.pem --key server.key --ech-keys ech.pem --echo",
			"sslstream client --server-name secret.example.com --ech-config \"$(cat ech.b64)\" 127.0.0.1:4433",
		},
		setup: func(fs *flagSet) func(*env, []string) error {
			name := fs.String("public-name", "", "the ECH public `NAME`, a DNS name of the client-facing server (required)")
			out := fs.String("out", "", "write the server's key file to `FILE` (required)")
			force := fs.Bool("force", false, "overwrite an existing FILE")
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected argument %q", args[0])
				}
				if *name == "" {
					return usagef("--public-name NAME is required")
				}
				if *out == "" {
					return usagef("--out FILE is required (the private key is never printed)")
				}
				keyFile, list, err := sslstream.GenerateECHKey(*name)
				if err != nil {
					return err
				}
				flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
				if *force {
					flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
				}
				f, err := os.OpenFile(*out, flags, 0o600)
				if errors.Is(err, os.ErrExist) {
					return fmt.Errorf("--out %s: the file exists (--force overwrites it)", *out)
				}
				if err != nil {
					return fmt.Errorf("--out: %w", err)
				}
				if _, err := f.Write(keyFile); err != nil {
					f.Close()
					return fmt.Errorf("--out %s: %w", *out, err)
				}
				if err := f.Close(); err != nil {
					return fmt.Errorf("--out %s: %w", *out, err)
				}
				fmt.Fprintln(e.stdout, base64.StdEncoding.EncodeToString(list))
				return nil
			}
		},
	}
}

// echLine is the client summary's line about Encrypted Client Hello.
func echLine(st *sslstream.Stream) string {
	switch {
	case st.ECHAccepted():
		return "ECH: accepted\n"
	case st.ECHOffered():
		return "ECH: not accepted\n"
	}
	return "ECH: not offered\n"
}

// echFailureLine is the line printed when the handshake failed because
// the server rejected the client's ECH, "" otherwise.
func echFailureLine(err error) string {
	retry, ok := sslstream.ECHRejection(err)
	if !ok {
		return ""
	}
	return fmt.Sprintf("ECH: rejected by the server (retry configs: %d)\n", countECHConfigs(retry))
}

// countECHConfigs is the number of configs in an ECHConfigList, 0 for
// none or a malformed list.
func countECHConfigs(list []byte) int {
	cs, err := sslstream.ParseECHConfigList(list)
	if err != nil {
		return 0
	}
	return len(cs)
}

// echJSON fills the client JSON's ECH fields: "accepted", "rejected",
// "not offered" (or "not accepted" when the handshake failed otherwise).
func echJSON(out *clientJSON, st *sslstream.Stream, herr error) {
	switch retry, rejected := sslstream.ECHRejection(herr); {
	case rejected:
		out.ECH, out.ECHRetryConfigs = "rejected", countECHConfigs(retry)
		out.ECHRetryConfigList = base64.StdEncoding.EncodeToString(retry)
	case st.ECHAccepted():
		out.ECH = "accepted"
	case st.ECHOffered():
		out.ECH = "not accepted"
	default:
		out.ECH = "not offered"
	}
}

// echSummary is the server line's part about ECH: said when the client
// offered it.
func echSummary(st *sslstream.Stream, cs tls.ConnectionState) string {
	switch {
	case cs.ECHAccepted:
		return ", ECH: accepted"
	case st.ECHOffered():
		return ", ECH: rejected"
	}
	return ""
}
