package main

import (
	"crypto/tls"
	"fmt"
	"strings"

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
			method := fs.String("method", "", "keep only suites usable with these protocol versions (a SPEC method: tlsv1.2, tlsv1+, tlsv1,tlsv1.1, ...)")
			verbose := fs.Bool("v", false, "verbose: one suite per line with protocol, Kx, Au, Enc and Mac")
			veryVerbose := fs.Bool("V", false, "as -v, with the two-byte suite id first (as 'openssl ciphers -V')")
			stdname := fs.Bool("stdname", false, "with -v/-V, show the IANA (RFC) name too")
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

// methodVersions maps a single SPEC §3 method name to its protocol version
// (0 for SSLv2/SSLv3, which cannot be offered).
var methodVersions = map[string]uint16{
	"sslv2":   0,
	"sslv3":   0,
	"tlsv1":   tls.VersionTLS10,
	"tlsv1.1": tls.VersionTLS11,
	"tlsv1.2": tls.VersionTLS12,
	"tlsv1.3": tls.VersionTLS13,
}

// methodRange turns a SPEC §3 method into the lowest and highest protocol
// version it allows. It is used only to filter the ciphers listing; the
// client and server hand the method to sslstream.Settings, which is the
// authority on what is accepted.
func methodRange(m string) (lo, hi uint16, err error) {
	bad := func(why string) error {
		return fmt.Errorf("method %q: %s (allowed: sslv3+, tlsv1, tlsv1.1, tlsv1.2, tlsv1.3, each with an optional +, sslv23, or a comma list of contiguous single versions)", m, why)
	}
	name := strings.ToLower(strings.TrimSpace(m))
	switch {
	case name == "sslv23":
		return tls.VersionTLS10, tls.VersionTLS13, nil
	case name == "sslv3+":
		return tls.VersionTLS10, tls.VersionTLS13, nil
	case strings.HasSuffix(name, "+"):
		v, ok := methodVersions[strings.TrimSuffix(name, "+")]
		if !ok || v == 0 {
			return 0, 0, bad("unknown method")
		}
		return v, tls.VersionTLS13, nil
	}
	for _, part := range strings.Split(name, ",") {
		v, ok := methodVersions[strings.TrimSpace(part)]
		if !ok {
			return 0, 0, bad(fmt.Sprintf("unknown method %q", strings.TrimSpace(part)))
		}
		if v == 0 {
			return 0, 0, bad("SSLv2 and SSLv3 cannot be offered (insecure, not implemented by crypto/tls)")
		}
		if lo == 0 || v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	// Contiguity: every version between lo and hi must be listed.
	for v := lo; v <= hi; v++ {
		found := false
		for _, part := range strings.Split(name, ",") {
			if methodVersions[strings.TrimSpace(part)] == v {
				found = true
			}
		}
		if !found {
			return 0, 0, bad("the list of versions is not contiguous")
		}
	}
	return lo, hi, nil
}
