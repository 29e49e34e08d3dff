package sslstream

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslstream/sslstream/cipherlist"
	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/internal/testnet"
)

// Handshake tests of issue 5 against openssl s_server / s_client: every
// method value, server cipher preference and the TLS 1.3 ciphersuites
// check. Expected outcomes are derived from openssl talking to openssl with
// the equivalent flags, never written by hand.

// opensslSlots limits the openssl handshakes (and ours beside them) running
// at once, so the matrix stays fast and deterministic on two cores.
var opensslSlots = make(chan struct{}, 4)

func withOpenSSLSlot(f func()) {
	opensslSlots <- struct{}{}
	defer func() { <-opensslSlots }()
	f()
}

// hsResult is the outcome of one handshake: the protocol as OpenSSL names
// it ("TLSv1" ... "TLSv1.3") and the suite's OpenSSL name, or empty
// strings when the handshake failed.
type hsResult struct{ proto, suite string }

func (r hsResult) String() string {
	if r.proto == "" {
		return "failure"
	}
	return r.proto + " " + r.suite
}

var (
	briefProtoRE = regexp.MustCompile(`(?m)^Protocol version: (\S+)`)
	briefSuiteRE = regexp.MustCompile(`(?m)^Ciphersuite: (\S+)`)
)

// sClientResult runs `openssl s_client -brief` against addr and parses what
// it negotiated. (The "New, X, Cipher is" line is no use for versions: X is
// the suite's minimum version, not the protocol.)
func sClientResult(t *testing.T, addr string, args ...string) (hsResult, string) {
	t.Helper()
	out := runSClient(t, addr, "", append([]string{"-brief"}, args...)...)
	var r hsResult
	if m := briefProtoRE.FindStringSubmatch(out); m != nil {
		r.proto = m[1]
		if m := briefSuiteRE.FindStringSubmatch(out); m != nil {
			r.suite = m[1]
		}
	}
	return r, out
}

// suiteName is OpenSSL's name for a suite id.
func suiteName(id uint16) string {
	if s, ok := cipherlist.ByID(id); ok {
		return s.Name
	}
	return fmt.Sprintf("0x%04X", id)
}

// ourClientResult connects our client with cs to addr and handshakes.
func ourClientResult(addr string, cs Settings) (hsResult, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return hsResult{}, err
	}
	c, err := Client(conn, cs)
	if err != nil {
		conn.Close()
		return hsResult{}, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if err := c.Handshake(); err != nil {
		return hsResult{}, err
	}
	st := c.ConnectionState()
	return hsResult{ProtocolName(st.Version), suiteName(st.CipherSuite)}, nil
}

// ourServer accepts connections on 127.0.0.1 with settings ss until the
// end of the test; each handshake's error (nil on success) is sent on the
// returned channel when there is room. After a successful handshake the
// server reads until the client closes when drain is set, else it closes
// at once.
func ourServer(t *testing.T, ss Settings, drain bool) (string, <-chan error) {
	t.Helper()
	errc := make(chan error, 256)
	report := func(err error) {
		select {
		case errc <- err:
		default:
		}
	}
	addr := testnet.Serve(t, func(conn net.Conn) {
		defer conn.Close()
		s, err := Server(conn, ss)
		if err != nil {
			report(err)
			return
		}
		defer s.Close()
		s.SetDeadline(time.Now().Add(10 * time.Second))
		err = s.Handshake()
		report(err)
		if err == nil && drain {
			io.Copy(io.Discard, s) // until s_client closes
		}
	})
	return addr, errc
}

// opensslMethodFlags are the s_client/s_server flags equivalent to our
// method values: single versions and lists as -min_protocol/-max_protocol,
// "X+" as -min_protocol, "sslv23" as OpenSSL's default method and "sslv3+"
// as -min_protocol SSLv3 (which OpenSSL 3.0 cannot offer either).
var opensslMethodFlags = map[string][]string{
	"tlsv1":           {"-min_protocol", "TLSv1", "-max_protocol", "TLSv1"},
	"tlsv1.1":         {"-min_protocol", "TLSv1.1", "-max_protocol", "TLSv1.1"},
	"tlsv1.2":         {"-min_protocol", "TLSv1.2", "-max_protocol", "TLSv1.2"},
	"tlsv1.3":         {"-min_protocol", "TLSv1.3", "-max_protocol", "TLSv1.3"},
	"tlsv1+":          {"-min_protocol", "TLSv1"},
	"tlsv1.1+":        {"-min_protocol", "TLSv1.1"},
	"tlsv1.2+":        {"-min_protocol", "TLSv1.2"},
	"tlsv1.3+":        {"-min_protocol", "TLSv1.3"},
	"sslv23":          {},
	"sslv3+":          {"-min_protocol", "SSLv3"},
	"tlsv1,tlsv1.1":   {"-min_protocol", "TLSv1", "-max_protocol", "TLSv1.1"},
	"tlsv1.1,tlsv1.2": {"-min_protocol", "TLSv1.1", "-max_protocol", "TLSv1.2"},
	"tlsv1.2,tlsv1.3": {"-min_protocol", "TLSv1.2", "-max_protocol", "TLSv1.3"},
}

var matrixMethods = []string{"tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3", "tlsv1+", "tlsv1.1+", "tlsv1.2+", "tlsv1.3+",
	"sslv23", "sslv3+", "tlsv1,tlsv1.1", "tlsv1.1,tlsv1.2", "tlsv1.2,tlsv1.3"}

// matrixPeers are the openssl peer's version flags ("" = none).
var matrixPeers = []string{"", "-tls1", "-tls1_1", "-tls1_2", "-tls1_3"}

func peerArgs(flag string) []string {
	if flag == "" {
		return nil
	}
	return []string{flag}
}

func peerName(flag string) string {
	if flag == "" {
		return "peer=default"
	}
	return "peer=" + strings.TrimPrefix(flag, "-")
}

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// checkCreation asserts that a context for method fails at creation
// exactly when only TLS 1.0/1.1 are allowed and the security level is not
// 0, with an error naming the method and the fix. It reports whether the
// context was created.
func checkCreation(t *testing.T, method string, ctxErr error, low bool) bool {
	t.Helper()
	m, err := ParseMethod(method)
	if err != nil {
		t.Fatalf("ParseMethod(%q): %v", method, err)
	}
	wantFail := !low && m.Max < tls.VersionTLS12
	if wantFail {
		if ctxErr == nil {
			t.Errorf("method %q without @SECLEVEL=0: context created, want a creation error", method)
			return true
		}
		msg := ctxErr.Error()
		if !strings.Contains(msg, fmt.Sprintf("%q", method)) || !strings.Contains(msg, "@SECLEVEL=0") {
			t.Errorf("creation error %q should name the method and @SECLEVEL=0", msg)
		}
		if e := asError(t, ctxErr); !e.HasCode(CodeNoProtocolsAvailable) {
			t.Errorf("creation error %v: want code 0A0000BF (no protocols available)", e)
		}
		return false
	}
	if ctxErr != nil {
		t.Errorf("method %q (low security level %v): creation failed: %v", method, low, ctxErr)
		return false
	}
	return true
}

// TestMethodMatrixAgainstOpenSSL runs every method value against every
// openssl peer version setting, in both roles, and asserts that the
// version negotiated (or the failure) is the one openssl negotiates with
// openssl given the equivalent flags. With "DEFAULT:@SECLEVEL=0" on both
// sides TLS 1.0 and 1.1 are possible; without it, TLS 1.0/1.1-only
// methods fail at creation and ranges negotiate TLS 1.2 or later, as with
// OpenSSL 3.0. The openssl servers run with -serverpref (our servers'
// default), so the suite must agree as well, except the TLS 1.3 suite our
// server picks (crypto/tls's own preference).
func TestMethodMatrixAgainstOpenSSL(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	for _, low := range []bool{true, false} {
		var ours string
		var theirs []string
		name := "default-seclevel"
		if low {
			ours, theirs, name = "DEFAULT:@SECLEVEL=0", []string{"-cipher", "DEFAULT:@SECLEVEL=0"}, "SECLEVEL=0"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			t.Run("our-client", func(t *testing.T) {
				t.Parallel()
				for _, peer := range matrixPeers {
					// -serverpref: the server's order decides, so the suite
					// must agree too whatever order each client offers.
					srv := startSServer(t, concat([]string{"-cert", p.serverCert, "-key", p.serverKey, "-serverpref"}, theirs, peerArgs(peer))...)
					for _, method := range matrixMethods {
						t.Run(peerName(peer)+"/method="+method, func(t *testing.T) {
							t.Parallel()
							cs := Settings{Method: method, Ciphers: ours}
							_, ctxErr := NewClientContext(cs)
							created := checkCreation(t, method, ctxErr, low)
							var want, got hsResult
							var wantOut string
							var err error
							withOpenSSLSlot(func() {
								want, wantOut = sClientResult(t, srv.addr, concat(opensslMethodFlags[method], theirs)...)
								if created {
									got, err = ourClientResult(srv.addr, cs)
								}
							})
							checkVersions(t, low, want, got, err, wantOut)
							if got.proto == want.proto && got.suite != want.suite {
								t.Errorf("%s suite: ours %s, openssl s_client %s (s_server -serverpref)", got.proto, got.suite, want.suite)
							}
							if created && got.proto == "" {
								asError(t, err) // failures are *Error values
							}
						})
					}
				}
			})
			t.Run("our-server", func(t *testing.T) {
				t.Parallel()
				for _, method := range matrixMethods {
					ss := Settings{Certificate: p.serverCert, Key: p.serverKey, Method: method, Ciphers: ours}
					_, ctxErr := NewServerContext(ss)
					created := checkCreation(t, method, ctxErr, low)
					// -serverpref: prefer-server-cipher-order is true by
					// default for our servers, so the TLS <= 1.2 suites must
					// agree too.
					ref := startSServer(t, concat([]string{"-cert", p.serverCert, "-key", p.serverKey, "-serverpref"}, theirs, opensslMethodFlags[method])...)
					addr, _ := ourServer(t, ss, true)
					for _, peer := range matrixPeers {
						t.Run("method="+method+"/"+peerName(peer), func(t *testing.T) {
							t.Parallel()
							var want, got hsResult
							var wantOut, gotOut string
							withOpenSSLSlot(func() {
								args := concat(peerArgs(peer), theirs)
								want, wantOut = sClientResult(t, ref.addr, args...)
								got, gotOut = sClientResult(t, addr, args...)
							})
							if !created && got.proto != "" {
								t.Errorf("s_client negotiated %v with a server whose settings were refused", got)
							}
							checkVersions(t, low, want, got, nil, wantOut+"\n-- s_client against our server:\n"+gotOut)
							// crypto/tls picks TLS 1.3 suites by its own
							// preference (see TestTLS13CiphersuitesAgainstOpenSSL).
							if got.proto == want.proto && got.proto != "TLSv1.3" && got.suite != want.suite {
								t.Errorf("%s suite: ours %s, openssl s_server -serverpref %s", got.proto, got.suite, want.suite)
							}
						})
					}
				}
			})
		})
	}
}

// checkVersions compares the protocol we negotiated with openssl's.
func checkVersions(t *testing.T, low bool, want, got hsResult, err error, out string) {
	t.Helper()
	if got.proto != want.proto {
		t.Errorf("negotiated %v (err %v), openssl with openssl: %v\n%s", got, err, want, out)
	}
	if !low && got.proto != "" && got.proto != "TLSv1.2" && got.proto != "TLSv1.3" {
		t.Errorf("negotiated %s without @SECLEVEL=0", got.proto)
	}
}

var (
	rsaLeafOnce             sync.Once
	rsaLeafCert, rsaLeafKey string
	rsaLeafErr              error
)

// rsaServerFiles writes an RSA server certificate once per test binary.
func rsaServerFiles(t *testing.T) (string, string) {
	t.Helper()
	pki(t)
	rsaLeafOnce.Do(func() {
		var leaf *minipki.Cert
		leaf, rsaLeafErr = pki(t).inter.Leaf("localhost", minipki.RSA())
		if rsaLeafErr != nil {
			return
		}
		rsaLeafCert, rsaLeafErr = minipki.WriteFile(fixtureDir, "rsa-server.pem", leaf.ChainPEM())
		if rsaLeafErr == nil {
			rsaLeafKey, rsaLeafErr = minipki.WriteFile(fixtureDir, "rsa-server.key", leaf.KeyPEM())
		}
	})
	if rsaLeafErr != nil {
		t.Fatal(rsaLeafErr)
	}
	return rsaLeafCert, rsaLeafKey
}

// Cipher lists for the preference tests: each mixes ECDSA and RSA suites so
// that both certificate types have a choice to make.
var (
	prefServerLists = map[string]string{
		"aes256-first":   "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
		"chacha20-first": "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384",
		"aes128-first":   "ECDHE+AES128:ECDHE+CHACHA20:ECDHE+AES256:AES256-GCM-SHA384",
	}
	prefClientLists = map[string]string{
		"aes128-first":   "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
		"chacha20-first": "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
		"cbc-first":      "ECDHE-RSA-AES256-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256",
	}
)

type prefCert struct{ name, cert, key, au string }

func prefCerts(t *testing.T) []prefCert {
	p := pki(t)
	rc, rk := rsaServerFiles(t)
	return []prefCert{{"ecdsa", p.serverCert, p.serverKey, "ECDSA"}, {"rsa", rc, rk, "RSA"}}
}

// TestServerPreferenceAgainstOpenSSLClient: our server with
// prefer-server-cipher-order on and off chooses, for each client offer,
// the TLS 1.2 suite openssl s_server (with -serverpref, resp. without)
// chooses with the same cipher string, certificate and offer.
func TestServerPreferenceAgainstOpenSSLClient(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	for _, cert := range prefCerts(t) {
		for sName, sList := range prefServerLists {
			for _, pref := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/server=%s/serverpref=%v", cert.name, sName, pref), func(t *testing.T) {
					t.Parallel()
					args := []string{"-cert", cert.cert, "-key", cert.key, "-cipher", sList}
					if pref {
						args = append(args, "-serverpref")
					}
					ref := startSServer(t, args...)
					addr, _ := ourServer(t, Settings{Certificate: cert.cert, Key: cert.key, Ciphers: sList, PreferServerCipherOrder: &pref}, true)
					for cName, cList := range prefClientLists {
						t.Run("client="+cName, func(t *testing.T) {
							t.Parallel()
							var want, got hsResult
							var wantOut, gotOut string
							withOpenSSLSlot(func() {
								want, wantOut = sClientResult(t, ref.addr, "-tls1_2", "-cipher", cList)
								got, gotOut = sClientResult(t, addr, "-tls1_2", "-cipher", cList)
							})
							if want.proto == "" {
								t.Fatalf("openssl with openssl negotiated nothing:\n%s", wantOut)
							}
							if got != want {
								t.Errorf("our server: %v, openssl s_server: %v\n%s", got, want, gotOut)
							}
						})
					}
				})
			}
		}
	}
}

// goClientOffer returns the TLS <= 1.2 suites our client offers, in the
// order of its ClientHello, for cipher string ciphers at TLS 1.2.
func goClientOffer(t *testing.T, ciphers string) []uint16 {
	t.Helper()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	c, err := Client(a, Settings{Method: "tlsv1.2", Ciphers: ciphers})
	if err != nil {
		t.Fatal(err)
	}
	var offer []uint16
	srv := tls.Server(b, &tls.Config{GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		offer = append(offer, h.CipherSuites...)
		return nil, errors.New("hello captured")
	}})
	both(t, func() error { err := c.Handshake(); a.Close(); return err }, func() error { err := srv.Handshake(); b.Close(); return err })
	c.Close()
	if len(offer) == 0 {
		t.Fatal("no ClientHello captured")
	}
	return offer
}

// TestOurClientCipherChoiceAgainstOpenSSLServer: our client against
// openssl s_server with and without -serverpref. With -serverpref the
// result must be openssl's. Without it the server follows the client's
// order, and crypto/tls sends its own order whatever the cipher string
// says (documented limitation): where that order leads to the same suite
// the result must be openssl's, elsewhere it must be the first suite of
// Go's order the server accepts, and the difference is logged.
func TestOurClientCipherChoiceAgainstOpenSSLServer(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	offers := map[string][]uint16{}
	for cName, cList := range prefClientLists {
		offers[cName] = goClientOffer(t, cList)
	}
	for _, cert := range prefCerts(t) {
		for sName, sList := range prefServerLists {
			for _, pref := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/server=%s/serverpref=%v", cert.name, sName, pref), func(t *testing.T) {
					t.Parallel()
					args := []string{"-cert", cert.cert, "-key", cert.key, "-cipher", sList, "-tls1_2"}
					if pref {
						args = append(args, "-serverpref")
					}
					srv := startSServer(t, args...)
					sl, err := cipherlist.Compile(sList)
					if err != nil {
						t.Fatal(err)
					}
					accepts := map[string]bool{}
					for _, s := range sl.Negotiable() {
						if s.Au == cert.au {
							accepts[s.Name] = true
						}
					}
					for cName, cList := range prefClientLists {
						offer := offers[cName]
						t.Run("client="+cName, func(t *testing.T) {
							t.Parallel()
							var want, got hsResult
							var wantOut string
							var err error
							withOpenSSLSlot(func() {
								want, wantOut = sClientResult(t, srv.addr, "-tls1_2", "-cipher", cList)
								got, err = ourClientResult(srv.addr, Settings{Method: "tlsv1.2", Ciphers: cList})
							})
							if want.proto == "" {
								t.Fatalf("openssl with openssl negotiated nothing:\n%s", wantOut)
							}
							if err != nil {
								t.Fatalf("our client: %v", err)
							}
							if pref {
								if got != want {
									t.Errorf("against s_server -serverpref: ours %v, openssl s_client %v", got, want)
								}
								return
							}
							var predicted string
							for _, id := range offer {
								if n := suiteName(id); accepts[n] {
									predicted = n
									break
								}
							}
							if predicted == want.suite {
								if got != want {
									t.Errorf("ours %v, openssl s_client %v (Go's offer order leads to the same suite)", got, want)
								}
								return
							}
							if got.suite != predicted {
								t.Errorf("ours %v, want %s (first of Go's offer order the server accepts)", got, predicted)
							}
							names := make([]string, len(offer))
							for i, id := range offer {
								names[i] = suiteName(id)
							}
							t.Logf("known difference (crypto/tls ignores the client's cipher order): openssl s_client gets %s, ours %s; Go offered %s for %q",
								want.suite, got.suite, strings.Join(names, ":"), cList)
						})
					}
				})
			}
		}
	}
}

// TestTLS13CiphersuitesAgainstOpenSSL: the ciphersuites check against
// openssl peers, both sides' errors asserted.
func TestTLS13CiphersuitesAgainstOpenSSL(t *testing.T) {
	requireOpenSSL(t)
	t.Parallel()
	p := pki(t)
	t.Run("our-server", func(t *testing.T) {
		t.Parallel()
		const allowed = "TLS_AES_256_GCM_SHA384"
		for _, offer := range []string{
			"TLS_AES_128_GCM_SHA256",
			"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384",
			"TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256",
		} {
			t.Run("offer="+offer, func(t *testing.T) {
				t.Parallel()
				ref := startSServer(t, "-cert", p.serverCert, "-key", p.serverKey, "-tls1_3", "-ciphersuites", allowed)
				// Our server closes right after the handshake and s_client
				// waits for that (-ign_eof): a TLS 1.3 server checks the
				// suite only after the client's Finished, so s_client has
				// to read to see the alert.
				addr, errc := ourServer(t, Settings{Certificate: p.serverCert, Key: p.serverKey, Ciphersuites: allowed}, false)
				var want, got hsResult
				var wantOut, out string
				withOpenSSLSlot(func() {
					want, wantOut = sClientResult(t, ref.addr, "-tls1_3", "-ciphersuites", offer)
					got, out = sClientResult(t, addr, "-tls1_3", "-ciphersuites", offer, "-ign_eof")
				})
				var serr error
				select {
				case serr = <-errc:
				case <-time.After(10 * time.Second):
					t.Fatal("our server did not finish")
				}
				if want.proto != "" && want.suite != allowed {
					t.Fatalf("openssl s_server -ciphersuites %s chose %v", allowed, want)
				}
				if want.proto != "" && serr == nil {
					if got != want {
						t.Errorf("our server: %v, openssl s_server: %v\n%s", got, want, out)
					}
					return
				}
				// Refused: the error must be OpenSSL's "no shared cipher",
				// name the suite crypto/tls chose, the allowed list and the
				// limitation; s_client must see the handshake fail.
				e := asError(t, serr)
				if !e.HasCode(CodeNoSharedCipher) {
					t.Errorf("server error %v: want 0A0000C1 no shared cipher", e)
				}
				// A client offering none of the allowed suites is refused at
				// its ClientHello, as OpenSSL refuses it; one offering an
				// allowed suite that crypto/tls did not choose can only be
				// refused after the choice.
				wantText := []string{allowed, "TLS_AES_128_GCM_SHA256", "crypto/tls cannot restrict"}
				if !strings.Contains(offer, allowed) {
					wantText = []string{allowed, "offers none"}
					if strings.Contains(out, "CONNECTION ESTABLISHED") || !strings.Contains(out, "alert handshake failure") {
						t.Errorf("s_client should be refused before the handshake completes (alert 40, as openssl s_server):\n%s", out)
					}
				}
				for _, w := range wantText {
					if !strings.Contains(e.Error(), w) {
						t.Errorf("server error %q lacks %q", e, w)
					}
				}
				if !strings.Contains(out, "alert") {
					t.Errorf("s_client saw no alert from our server:\n%s", out)
				}
				if want.proto != "" {
					// crypto/tls picks TLS 1.3 suites by its own preference
					// (AES-128-GCM before AES-256-GCM) and cannot be told
					// otherwise: where OpenSSL picks an allowed suite, we
					// can only refuse.
					t.Logf("known difference: openssl s_server chose %v, crypto/tls chose %s and our server refused it; s_client saw:\n%s", want, got.suite, out)
				} else if strings.Contains(wantOut, "alert handshake failure") && strings.Contains(out, "alert bad certificate") {
					// OpenSSL refuses before its ServerHello with alert 40;
					// we refuse in crypto/tls's VerifyConnection, after the
					// client's Finished, and crypto/tls always sends alert
					// 42 there.
					t.Logf("known difference: openssl s_server sends handshake_failure (40) before the handshake completes; our server sends bad_certificate (42) after it")
				}
			})
		}
	})
	t.Run("our-client", func(t *testing.T) {
		t.Parallel()
		const allowed = "TLS_CHACHA20_POLY1305_SHA256"
		for _, tc := range []struct {
			server string
			ok     bool
		}{
			{"TLS_AES_128_GCM_SHA256", false},
			{"TLS_CHACHA20_POLY1305_SHA256", true},
		} {
			t.Run("server="+tc.server, func(t *testing.T) {
				t.Parallel()
				srv := startSServer(t, "-cert", p.serverCert, "-key", p.serverKey, "-tls1_3", "-ciphersuites", tc.server)
				var got hsResult
				var err error
				withOpenSSLSlot(func() { got, err = ourClientResult(srv.addr, Settings{Ciphersuites: allowed}) })
				if tc.ok {
					if err != nil || got.suite != allowed || got.proto != "TLSv1.3" {
						t.Errorf("got %v, err %v; want TLSv1.3 %s", got, err, allowed)
					}
					return
				}
				e := asError(t, err)
				if !e.HasCode(CodeWrongCipherReturned) {
					t.Errorf("client error %v: want 0A000105 wrong cipher returned", e)
				}
				for _, want := range []string{"TLS_AES_128_GCM_SHA256", allowed, "crypto/tls cannot restrict", "error:0A000105:SSL routines::wrong cipher returned"} {
					if !strings.Contains(e.Error(), want) && !strings.Contains(strings.Join(e.Strings, "\n"), want) {
						t.Errorf("client error %q lacks %q (strings %q)", e, want, e.Strings)
					}
				}
			})
		}
	})
}
