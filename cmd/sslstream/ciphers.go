package main

import (
	"fmt"
	"strings"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/cipherlist"
)

func ciphersCommand() *command {
	return &command{
		name:    "ciphers",
		summary: "list the TLS <= 1.2 suites an OpenSSL cipher string selects",
		usage:   "ciphers [--method M] [-v] [-V] [--stdname] [STRING]",
		about: `Compiles an OpenSSL cipher string (default DEFAULT) with OpenSSL's rules and
prints the TLS <= 1.2 suites it selects that sslstream can negotiate, in
OpenSSL's order, as OpenSSL names joined by colons. With -v, one suite per line
in the format of 'openssl ciphers -v' (protocol, key exchange, authentication,
cipher, MAC). TLS 1.3 suites are set apart with --ciphersuites and are not listed.
A string that is invalid or selects nothing usable is an error (exit 1).`,
		examples: []string{
			"sslstream ciphers 'HIGH:!aNULL:!MD5'",
			"sslstream ciphers -v 'ECDHE+AESGCM'",
			"sslstream ciphers --method tlsv1.2 'DEFAULT:@STRENGTH'",
			"sslstream ciphers --stdname -v 'ECDHE-RSA-AES128-GCM-SHA256'",
		},
		setup: func(fs *flagSet) func(*env, []string) error {
			method := fs.String("method", "", "keep only suites usable with the versions of `METHOD` (tlsv1.2, tlsv1+, tlsv1,tlsv1.1, ...)")
			verbose := fs.Bool("v", false, "verbose: one suite per line with protocol, Kx, Au, Enc and Mac")
			veryVerbose := fs.Bool("V", false, "as -v, with the two-byte suite id first (as 'openssl ciphers -V')")
			stdname := fs.Bool("stdname", false, "with -v/-V, show the IANA (RFC) name too")
			asJSON := fs.Bool("json", false, "print one JSON object: the suites selected, and those selected but not offered on the wire with the reason")
			return func(e *env, args []string) error {
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
				if *method != "" {
					lo, hi, err := methodRange(*method)
					if err != nil {
						return err
					}
					l = l.ForVersions(lo, hi)
				}
				suites := l.Negotiable()
				if len(suites) == 0 {
					return fmt.Errorf("cipher string %q selects no suite sslstream can negotiate%s", s, methodNote(*method))
				}
				if *asJSON {
					return printCiphersJSON(e, s, suites)
				}
				if !*verbose && !*veryVerbose {
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

func methodNote(m string) string {
	if m == "" {
		return ""
	}
	return fmt.Sprintf(" with method %q", m)
}

// methodRange turns a SPEC §3 method into the lowest and highest protocol
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
