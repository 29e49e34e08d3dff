package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"strings"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/internal/minipki"
)

func demoCommand() *command {
	return &command{
		name:    "demo",
		summary: "show verification, client certificates and cipher choice at work (needs nothing else)",
		usage:   "demo [-v]",
		about: `Makes a throwaway CA hierarchy in memory (written to a temporary directory
that is removed afterwards, because settings name files), runs a server and
a client in this process over 127.0.0.1 for each case, and prints a table:
the case, the settings that matter, the expected and the actual outcome, and
the verify code and text (the client's, or the server's where it judges a
client certificate). Cases: a trusted chain; an expired and a not yet valid
certificate; a self-signed server under verify none (code 18, connection
made); an unknown CA; a hostname mismatch; a missing intermediate; a
certificate revoked by a CRL; a client certificate required and missing,
accepted, and from an unknown CA; the server's and the client's cipher
preference under TLS 1.2; max-depth exceeded; no common protocol version.

Exit status 0 only if every case came out as expected. -v adds the error and
the hint under each row.`,
		examples: []string{"sslstream demo", "sslstream demo -v", "go run ./cmd/sslstream demo"},
		setup: func(fs *flagSet) func(*env, []string) error {
			verbose := fs.Bool("v", false, "print the error and the hint of each case")
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return usagef("demo takes no arguments (got %q)", args[0])
				}
				return runDemo(e, *verbose)
			}
		},
	}
}

// demoCase is one row of the demo.
type demoCase struct {
	name    string
	setting string // what the row changes, for the table
	server  []string
	client  []string
	// expectations
	connect bool
	code    int
	side    string // whose verify result the row shows: "client" or "server"
	cipher  string // expected TLS <= 1.2 suite (OpenSSL name), "" = any
}

// demoOutcome is what happened.
type demoOutcome struct {
	connected bool
	reason    string // why not, short
	detail    string // the full error
	code      int
	text      string
	cipher    string
	proto     string
	hint      string
}

// demoFiles are the PKI files of the demo, by role.
type demoFiles map[string]string

func makeDemoPKI(dir string) (demoFiles, error) {
	f := minipki.New()
	files := demoFiles{}
	var err error
	write := func(name string, data ...[]byte) {
		if err != nil {
			return
		}
		var p string
		p, err = minipki.WriteFile(dir, name, data...)
		files[name] = p
	}
	issue := func(fn func() (*minipki.Cert, error)) *minipki.Cert {
		if err != nil {
			return nil
		}
		var c *minipki.Cert
		c, err = fn()
		return c
	}
	root := issue(func() (*minipki.Cert, error) { return f.Root("Demo Root CA") })
	inter := issue(func() (*minipki.Cert, error) { return root.Intermediate("Demo Intermediate CA") })
	inter2 := issue(func() (*minipki.Cert, error) { return inter.Intermediate("Demo Sub-Intermediate CA") })
	server := issue(func() (*minipki.Cert, error) { return inter.Leaf("server.demo") })
	expired := issue(func() (*minipki.Cert, error) { return inter.Leaf("server.demo", minipki.Expired()) })
	future := issue(func() (*minipki.Cert, error) { return inter.Leaf("server.demo", minipki.NotYetValid()) })
	revoked := issue(func() (*minipki.Cert, error) { return inter.Leaf("server.demo") })
	deep := issue(func() (*minipki.Cert, error) { return inter2.Leaf("server.demo") })
	self := issue(func() (*minipki.Cert, error) { return f.SelfSigned("server.demo") })
	other := issue(func() (*minipki.Cert, error) { return f.Root("Some Other Root CA") })
	clientCA := issue(func() (*minipki.Cert, error) { return f.Root("Demo Client CA") })
	alice := issue(func() (*minipki.Cert, error) {
		return clientCA.Leaf("alice", minipki.ExtKeyUsage(x509.ExtKeyUsageClientAuth))
	})
	mallory := issue(func() (*minipki.Cert, error) {
		return other.Leaf("mallory", minipki.ExtKeyUsage(x509.ExtKeyUsageClientAuth))
	})
	if err != nil {
		return nil, err
	}
	crl, err := inter.CRL([]*big.Int{revoked.Cert.SerialNumber}, f.Now.Add(-time.Hour), f.Now.Add(24*time.Hour))
	if err != nil {
		return nil, err
	}
	write("root.pem", root.CertPEM())
	write("other-root.pem", other.CertPEM())
	write("client-ca.pem", clientCA.CertPEM())
	write("server.pem", server.ChainPEM(), server.KeyPEM())
	write("server-leaf-only.pem", server.CertPEM(), server.KeyPEM())
	write("expired.pem", expired.ChainPEM(), expired.KeyPEM())
	write("future.pem", future.ChainPEM(), future.KeyPEM())
	write("revoked.pem", revoked.ChainPEM(), revoked.KeyPEM())
	write("deep.pem", deep.ChainPEM(), deep.KeyPEM())
	write("self.pem", self.CertPEM(), self.KeyPEM())
	write("alice.pem", alice.CertPEM(), alice.KeyPEM())
	write("mallory.pem", mallory.CertPEM(), mallory.KeyPEM())
	write("intermediate.crl", minipki.CRLPEM(crl))
	return files, err
}

func demoCases(f demoFiles) []demoCase {
	trust := []string{"verify", "required", "ca-file", f["root.pem"], "server-name", "server.demo"}
	with := func(base []string, kv ...string) []string { return append(append([]string(nil), base...), kv...) }
	srv := func(cert string, kv ...string) []string { return append([]string{"certificate", f[cert]}, kv...) }
	tls12 := []string{"method", "tlsv1.2"}
	return []demoCase{
		{name: "trusted chain", setting: "verify required, ca-file root",
			server: srv("server.pem"), client: trust, connect: true, code: 0, side: "client"},
		{name: "expired certificate", setting: "server cert expired an hour ago",
			server: srv("expired.pem"), client: trust, code: 10, side: "client"},
		{name: "not yet valid", setting: "server cert valid from tomorrow",
			server: srv("future.pem"), client: trust, code: 9, side: "client"},
		{name: "self-signed, verify none", setting: "verify none",
			server: srv("self.pem"), client: []string{"verify", "none", "ca-file", f["root.pem"]}, connect: true, code: 18, side: "client"},
		{name: "unknown CA", setting: "ca-file: another root",
			server: srv("server.pem"), client: with(trust, "ca-file", f["other-root.pem"]), code: 20, side: "client"},
		{name: "hostname mismatch", setting: "server-name www.example.com",
			server: srv("server.pem"), client: with(trust, "server-name", "www.example.com"), code: 62, side: "client"},
		{name: "missing intermediate", setting: "server sends leaf only",
			server: srv("server-leaf-only.pem"), client: trust, code: 20, side: "client"},
		{name: "revoked by CRL", setting: "crl-check peer, crl-file",
			server: srv("revoked.pem"), client: with(trust, "crl-check", "peer", "crl-file", f["intermediate.crl"]), code: 23, side: "client"},
		{name: "revoked, CRLs not checked", setting: "crl-check none",
			server: srv("revoked.pem"), client: trust, connect: true, code: 0, side: "client"},
		{name: "max-depth exceeded", setting: "max-depth 1, 2 intermediates",
			server: srv("deep.pem"), client: with(trust, "max-depth", "1"), code: 22, side: "client"},
		{name: "client cert required, missing", setting: "server verify required; no cert",
			server: srv("server.pem", "verify", "required", "ca-file", f["client-ca.pem"]), client: trust, code: 0, side: "server"},
		{name: "client cert required, sent", setting: "server verify required; cert",
			server: srv("server.pem", "verify", "required", "ca-file", f["client-ca.pem"]),
			client: with(trust, "certificate", f["alice.pem"]), connect: true, code: 0, side: "server"},
		{name: "client cert from unknown CA", setting: "client cert from another CA",
			server: srv("server.pem", "verify", "required", "ca-file", f["client-ca.pem"]),
			client: with(trust, "certificate", f["mallory.pem"]), code: 20, side: "server"},
		{name: "client cert optional, none", setting: "server verify optional; no cert",
			server: srv("server.pem", "verify", "optional", "ca-file", f["client-ca.pem"]), client: trust, connect: true, code: 0, side: "server"},
		{name: "server cipher preference", setting: "TLS 1.2, server: CHACHA20 first",
			server:  srv("server.pem", append(tls12, "ciphers", "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256")...),
			client:  with(trust, append(tls12, "ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305")...),
			connect: true, code: 0, side: "client", cipher: "ECDHE-ECDSA-CHACHA20-POLY1305"},
		{name: "client cipher preference", setting: "prefer-server-cipher-order false",
			server:  srv("server.pem", append(tls12, "ciphers", "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256", "prefer-server-cipher-order", "false")...),
			client:  with(trust, append(tls12, "ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305")...),
			connect: true, code: 0, side: "client", cipher: "ECDHE-ECDSA-AES128-GCM-SHA256"},
		{name: "no common protocol", setting: "server tlsv1.2, client tlsv1.3",
			server: srv("server.pem", tls12...), client: with(trust, "method", "tlsv1.3"), code: 0, side: "client"},
	}
}

// settingsFrom applies name/value pairs with Settings.Set.
func settingsFrom(kv []string) (sslstream.Settings, error) {
	var s sslstream.Settings
	for i := 0; i+1 < len(kv); i += 2 {
		if err := s.Set(kv[i], kv[i+1]); err != nil {
			return s, err
		}
	}
	return s, nil
}

// serverSide is what the server end of a case saw.
type serverSide struct {
	err        error
	code       int
	text, hint string
}

// runDemoCase runs one case: a server and a client over 127.0.0.1, a few
// bytes each way.
func runDemoCase(ctx context.Context, dc demoCase) (demoOutcome, error) {
	var out demoOutcome
	ss, err := settingsFrom(dc.server)
	if err != nil {
		return out, fmt.Errorf("server settings: %w", err)
	}
	cs, err := settingsFrom(dc.client)
	if err != nil {
		return out, fmt.Errorf("client settings: %w", err)
	}
	sctx, err := sslstream.NewServerContext(ss)
	if err != nil {
		return out, err
	}
	cctx, err := sslstream.NewClientContext(cs)
	if err != nil {
		return out, err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return out, err
	}
	defer ln.Close()
	// Generous: a loaded machine must not turn a case into a timeout.
	deadline := time.Now().Add(20 * time.Second)
	srvc := make(chan serverSide, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			srvc <- serverSide{err: err}
			return
		}
		st, err := sctx.Server(c, nil)
		if err != nil {
			c.Close()
			srvc <- serverSide{err: err}
			return
		}
		defer st.Close()
		_ = st.SetDeadline(deadline)
		res := serverSide{err: st.HandshakeContext(ctx)}
		res.code, res.text = st.VerifyResult()
		res.hint = st.VerifyHint()
		var se *sslstream.Error
		if errors.As(res.err, &se) && se.VerifyResultString != "" {
			res.code, res.text = se.VerifyResult, se.VerifyResultString
		}
		if res.err == nil {
			buf := make([]byte, 4)
			if _, err := io.ReadFull(st, buf); err == nil {
				_, _ = st.Write(buf)
				_ = st.Flush()
			}
		}
		srvc <- res
	}()

	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", ln.Addr().String())
	if err != nil {
		ln.Close()
		<-srvc
		return out, err
	}
	st, err := cctx.Client(conn, nil)
	if err != nil {
		conn.Close()
		ln.Close()
		<-srvc
		return out, err
	}
	_ = st.SetDeadline(deadline)
	cerr := st.HandshakeContext(ctx)
	if cerr == nil {
		// TLS 1.3 servers refuse a client certificate after the client's
		// handshake is done: only data shows whether the session works.
		if _, err := st.Write([]byte("ping")); err != nil {
			cerr = err
		} else if err := st.Flush(); err != nil {
			cerr = err
		} else {
			buf := make([]byte, 4)
			if _, err := io.ReadFull(st, buf); err != nil {
				cerr = err
			} else if string(buf) != "ping" {
				cerr = fmt.Errorf("echo returned %q", buf)
			}
		}
	}
	cs2 := st.ConnectionState()
	out.proto, out.cipher = sslstream.ProtocolName(cs2.Version), cipherName(cs2.CipherSuite)
	out.code, out.text = st.VerifyResult()
	out.hint = st.VerifyHint()
	var se *sslstream.Error
	if errors.As(cerr, &se) && se.VerifyResultString != "" {
		out.code, out.text = se.VerifyResult, se.VerifyResultString
	}
	st.Close()
	ln.Close()
	srv := <-srvc
	if dc.side == "server" {
		out.code, out.text, out.hint = srv.code, srv.text, srv.hint
	}
	out.connected = cerr == nil && srv.err == nil
	if !out.connected {
		err := cerr
		if dc.side == "server" && srv.err != nil {
			err = srv.err
		}
		if err == nil {
			err = srv.err
		}
		out.reason, out.detail = shortReason(err), err.Error()
	}
	return out, nil
}

// shortReason is the OpenSSL reason text of an error ("certificate verify
// failed", "tlsv13 alert certificate required"), or its Go text.
func shortReason(err error) string {
	var se *sslstream.Error
	if errors.As(err, &se) && len(se.Strings) > 0 {
		s := se.Strings[len(se.Strings)-1]
		if i := strings.LastIndex(s, "::"); i >= 0 {
			return s[i+2:]
		}
		return s
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return "timeout"
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

func (dc demoCase) expected() string {
	if dc.connect {
		if dc.cipher != "" {
			return "connected, " + dc.cipher
		}
		return "connected"
	}
	return "refused"
}

func (o demoOutcome) actual(dc demoCase) string {
	if o.connected {
		if dc.cipher != "" {
			return "connected, " + o.cipher
		}
		return "connected"
	}
	return "refused: " + o.reason
}

func (o demoOutcome) matches(dc demoCase) bool {
	if o.connected != dc.connect || o.code != dc.code {
		return false
	}
	return dc.cipher == "" || o.cipher == dc.cipher
}

// runDemo builds the PKI, runs every case and prints the table.
func runDemo(e *env, verbose bool) error {
	began := time.Now()
	dir, err := os.MkdirTemp("", "sslstream-demo-")
	if err != nil {
		return fmt.Errorf("demo: temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)
	files, err := makeDemoPKI(dir)
	if err != nil {
		return fmt.Errorf("demo: making the test PKI: %w", err)
	}
	return runDemoTable(e, demoCases(files), verbose, began)
}

// runDemoTable runs the cases and prints the table; a case that does not
// come out as expected makes it return an exit-1 error.
func runDemoTable(e *env, cases []demoCase, verbose bool, began time.Time) error {
	fmt.Fprintln(e.stdout, "sslstream demo: a throwaway CA hierarchy, a server and a client over 127.0.0.1 for each case")
	fmt.Fprintln(e.stdout, "(verify codes and texts are OpenSSL 3.0's; \"(server)\" marks the server's verdict on a client certificate)")
	fmt.Fprintln(e.stdout)

	header := []string{"#", "case", "setting", "expected", "actual", "verify code and text", "result"}
	rows := [][]string{header}
	var details []string
	failed := 0
	for i, dc := range cases {
		if e.tty {
			fmt.Fprintf(e.stderr, "\r  running case %d/%d...", i+1, len(cases))
		}
		o, err := runDemoCase(e.ctx, dc)
		verdict := "ok"
		var act, code string
		if err != nil {
			act, code, verdict = "error: "+err.Error(), "-", "MISMATCH"
			failed++
		} else {
			act = o.actual(dc)
			code = fmt.Sprintf("%d (%s)", o.code, o.text)
			if dc.side == "server" {
				code += " (server)"
			}
			if !o.matches(dc) {
				verdict = "MISMATCH"
				failed++
				code += fmt.Sprintf(" [want %d]", dc.code)
			}
		}
		rows = append(rows, []string{fmt.Sprint(i + 1), dc.name, dc.setting, dc.expected(), act, code, verdict})
		if verbose && err == nil {
			var b strings.Builder
			if o.detail != "" {
				fmt.Fprintf(&b, "     error: %s\n", o.detail)
			}
			if o.hint != "" && !strings.Contains(o.detail, o.hint) {
				fmt.Fprintf(&b, "     hint: %s\n", o.hint)
			}
			if o.proto != "" && o.connected {
				fmt.Fprintf(&b, "     negotiated: %s %s\n", o.proto, o.cipher)
			}
			details = append(details, b.String())
		} else {
			details = append(details, "")
		}
	}
	if e.tty {
		fmt.Fprint(e.stderr, "\r\033[K")
	}
	printTable(e, rows, details)
	fmt.Fprintln(e.stdout)
	elapsed := time.Since(began).Round(10 * time.Millisecond)
	if failed > 0 {
		fmt.Fprintf(e.stdout, "%d of %d cases did NOT come out as expected (%v)\n", failed, len(cases), elapsed)
		return &silentError{code: exitError}
	}
	fmt.Fprintf(e.stdout, "all %d cases came out as expected (%v)\n", len(cases), elapsed)
	return nil
}

// printTable prints rows with aligned columns; the last column is
// coloured on a terminal. details[i] (if any) follows data row i.
func printTable(e *env, rows [][]string, details []string) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			if n := len([]rune(c)); n > widths[i] {
				widths[i] = n
			}
		}
	}
	for ri, r := range rows {
		var b strings.Builder
		for i, c := range r {
			last := i == len(r)-1
			if last && e.tty && ri > 0 {
				colour := "\033[32m"
				if c != "ok" {
					colour = "\033[31;1m"
				}
				c = colour + c + "\033[0m"
			}
			b.WriteString(c)
			if !last {
				b.WriteString(strings.Repeat(" ", widths[i]-len([]rune(r[i]))+2))
			}
		}
		fmt.Fprintln(e.stdout, strings.TrimRight(b.String(), " "))
		if ri == 0 {
			total := 0
			for _, w := range widths {
				total += w + 2
			}
			fmt.Fprintln(e.stdout, strings.Repeat("-", total-2))
		} else if d := details[ri-1]; d != "" {
			fmt.Fprint(e.stdout, d)
		}
	}
}
