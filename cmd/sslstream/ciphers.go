package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/cipherlist"
)

func ciphersCommand() *command {
	return &command{
		name:    "ciphers",
		summary: "list the suites an OpenSSL cipher string selects (like openssl ciphers)",
		usage:   "ciphers [--method M] [-s] [-v|-V] [--stdname] [--ciphersuites LIST] [--json] [STRING] | ciphers --convert NAME",
		about: `Compiles an OpenSSL cipher string (default DEFAULT) with OpenSSL's rules and
prints what 'openssl ciphers' prints, limited to the suites sslstream can
negotiate: the TLS 1.3 suites first (--ciphersuites, default
TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256;
--ciphersuites "" lists none), then the TLS <= 1.2 suites the string selects, in
OpenSSL's order, as OpenSSL names joined by colons. With -v, one suite per line
in the format of 'openssl ciphers -v' (protocol, key exchange, authentication,
cipher, MAC); -V adds the two-byte id; --stdname the IANA name.

--method keeps the suites usable with its versions (TLS 1.3 suites only if it
allows TLS 1.3). As in openssl, -s keeps only the suites the security level
allows, and -tls1, -tls1_1, -tls1_2 and -tls1_3 restrict the versions only
together with -s. --convert NAME prints the OpenSSL name of an IANA suite name
("OpenSSL cipher name: ..."). --json prints the list as a JSON array of
objects instead.

An invalid string, or one that leaves no suite, is an error (exit 1).`,
		examples: []string{
			"sslstream ciphers 'HIGH:!aNULL:!MD5'",
			"sslstream ciphers -v 'ECDHE+AESGCM'",
			"sslstream ciphers -s -tls1_2 'DEFAULT:@STRENGTH'",
			"sslstream ciphers --stdname -v 'ECDHE-RSA-AES128-GCM-SHA256'",
			"sslstream ciphers --ciphersuites TLS_AES_128_GCM_SHA256 --json HIGH",
			"sslstream ciphers --convert TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
		},
		setup: func(fs *flagSet) func(*env, []string) error {
			method := fs.String("method", "", "keep only suites usable with the versions of `METHOD` (tlsv1.2, tlsv1+, tlsv1,tlsv1.1, ...)")
			supported := fs.Bool("s", false, "only the suites the security level (@SECLEVEL, default 1) allows, as 'openssl ciphers -s'")
			verbose := fs.Bool("v", false, "verbose: one suite per line with protocol, Kx, Au, Enc and Mac")
			veryVerbose := fs.Bool("V", false, "as -v, with the two-byte suite id first (as 'openssl ciphers -V')")
			stdname := fs.Bool("stdname", false, "with -v/-V, show the IANA (RFC) name too")
			suites13 := &optionalString{}
			fs.Var(suites13, "ciphersuites", "the TLS 1.3 suites to list first, a colon `LIST` (default OpenSSL's three; \"\" for none)")
			convert := fs.String("convert", "", "print the OpenSSL name of the IANA suite `NAME` and exit")
			asJSON := fs.Bool("json", false, "print one JSON object: the suites selected with their attributes, and those selected but not offered on the wire with the reason")
			return func(e *env, args []string) error {
				if *convert != "" {
					if len(args) > 0 {
						return usagef("--convert takes no cipher string (got %q)", args[0])
					}
					return printConvert(e, *convert, *asJSON)
				}
				if len(args) > 1 {
					return usagef("one cipher string expected, got %d arguments (quote strings with spaces)", len(args))
				}
				s := ""
				if len(args) == 1 {
					s = args[0]
				}
				l, err := cipherlist.Compile(s)
				if err != nil {
					return err // names the string and the element
				}
				lo, hi := uint16(0x0301), uint16(0x0304)
				if *method != "" {
					if lo, hi, err = methodRange(*method); err != nil {
						return err
					}
					l = l.ForVersions(lo, hi)
				}
				if *supported {
					// OpenSSL's security level also bars old versions: TLS
					// 1.1 and up from level 3, TLS 1.2 from level 4.
					switch {
					case l.SecLevel >= 4:
						lo = max(lo, 0x0303)
					case l.SecLevel >= 3:
						lo = max(lo, 0x0302)
					}
					if lo > hi {
						l = l.ForVersions(0xffff, 0)
					} else {
						l = l.ForVersions(lo, hi)
					}
					l = l.ForSecLevel(l.SecLevel)
				}
				var suites []cipherlist.Suite
				if hi >= 0x0304 {
					t13, err := tls13Suites(suites13)
					if err != nil {
						return err
					}
					if *supported {
						t13 = (&cipherlist.List{Suites: t13}).ForSecLevel(l.SecLevel).Suites
					}
					suites = append(suites, t13...)
				}
				suites = append(suites, l.Negotiable()...)
				if len(suites) == 0 {
					return fmt.Errorf("cipher string %q selects no suite sslstream can negotiate%s", s, methodNote(*method))
				}
				switch {
				case *asJSON:
					return printCiphersJSON(e, s, suites)
				case !*verbose && !*veryVerbose:
					names := make([]string, len(suites))
					for i, su := range suites {
						names[i] = su.Name
					}
					fmt.Fprintln(e.stdout, strings.Join(names, ":"))
					return nil
				}
				for _, su := range suites {
					line := su.String()
					if *stdname {
						line = fmt.Sprintf("%-45s - %s", su.IANA, line)
					}
					if *veryVerbose {
						line = fmt.Sprintf("          0x%02X,0x%02X - %s", su.ID>>8, su.ID&0xff, line)
					}
					fmt.Fprintln(e.stdout, line)
				}
				return nil
			}
		},
	}
}

// optionalString is a string flag that knows whether it was given, so
// --ciphersuites "" (none) differs from no flag (the default three).
type optionalString struct {
	value string
	set   bool
}

func (o *optionalString) String() string { return o.value }

// Set records the value.
func (o *optionalString) Set(v string) error {
	o.value, o.set = v, true
	return nil
}

// tls13Suites are the TLS 1.3 suites to list: OpenSSL's default three, none
// for an empty --ciphersuites, else the list's suites crypto/tls speaks.
func tls13Suites(o *optionalString) ([]cipherlist.Suite, error) {
	if o.set && strings.TrimSpace(o.value) == "" {
		return nil, nil
	}
	all, err := cipherlist.ParseCiphersuites(o.value)
	if err != nil {
		return nil, usagef("--ciphersuites: %v", err)
	}
	var out []cipherlist.Suite
	for _, s := range all {
		if s.Go {
			out = append(out, s)
		}
	}
	return out, nil
}

// cipherJSON is one suite of ciphers --json.
type cipherJSON struct {
	Name     string `json:"name"`
	IANA     string `json:"iana"`
	ID       string `json:"id"`
	Protocol string `json:"protocol"`
	Kx       string `json:"kx"`
	Au       string `json:"au"`
	Enc      string `json:"enc"`
	Mac      string `json:"mac"`
	Bits     int    `json:"bits"`
}

// suiteJSON describes one suite for --json.
func suiteJSON(s cipherlist.Suite) cipherJSON {
	return cipherJSON{Name: s.Name, IANA: s.IANA, ID: fmt.Sprintf("0x%02X,0x%02X", s.ID>>8, s.ID&0xff),
		Protocol: s.Protocol, Kx: s.Kx, Au: s.Au, Enc: s.Enc, Mac: s.Mac, Bits: s.Bits}
}

// printConvert is openssl ciphers -convert: the OpenSSL name of an IANA
// (standard) name, "(NONE)" when there is none.
func printConvert(e *env, name string, asJSON bool) error {
	openssl := "(NONE)"
	if s, ok := cipherlist.ByName(name); ok && s.IANA == name {
		openssl = s.Name
	}
	if asJSON {
		b, err := json.Marshal(map[string]string{"standard": name, "openssl": openssl})
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(append(b, '\n'))
		return err
	}
	_, err := fmt.Fprintf(e.stdout, "OpenSSL cipher name: %s\n", openssl)
	return err
}

func methodNote(m string) string {
	if m == "" {
		return ""
	}
	return fmt.Sprintf(" with method %q", m)
}

// methodRange turns a method setting into the lowest and highest protocol
// version it allows, with sslstream.ParseMethod: the library is the one
// authority on method names.
func methodRange(m string) (lo, hi uint16, err error) {
	if strings.TrimSpace(m) == "" {
		return 0, 0, fmt.Errorf("method %q: empty", m)
	}
	pm, err := sslstream.ParseMethod(m)
	if err != nil {
		return 0, 0, err
	}
	return pm.Min, pm.Max, nil
}
