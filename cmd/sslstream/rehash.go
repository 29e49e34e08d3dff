package main

import (
	"fmt"

	"github.com/sslstream/sslstream/cadir"
)

func rehashCommand() *command {
	return &command{
		name:    "rehash",
		summary: "create the <hash>.N / <hash>.rN links of CA directories (like openssl rehash)",
		usage:   "rehash [-v] [-n] [--old | --compat] DIR...",
		about: `Scans each DIR for PEM files (.pem, .crt, .cer, .crl) holding exactly one
certificate or CRL and creates the symbolic links --ca-directory needs:
<subject-hash>.N for certificates and <issuer-hash>.rN for CRLs, with the
same names and numbering as 'openssl rehash' (OpenSSL 3.0), so directories
stay interchangeable. Stale hash links are removed unless -n. Duplicates and
files that do not hold exactly one certificate or CRL are skipped with a
warning on stderr. With -v, prints "Doing DIR" and one "link FILE -> NAME"
or "unlink NAME" line per link on stdout, as openssl does.

Unlike openssl, at least one DIR must be given (openssl falls back to the
system directory, which is rarely what was meant). Exit status 1 when a
directory could not be processed or a file could not be read.`,
		examples: []string{
			"sslstream rehash ./cas",
			"sslstream rehash -v /etc/myapp/ca-certs /etc/myapp/crls",
			"sslstream rehash --compat ./cas   # old (MD5) and new hash links",
		},
		setup: func(fs *flagSet) func(*env, []string) error {
			verbose := fs.Bool("v", false, "print what is done (openssl rehash -v)")
			keep := fs.Bool("n", false, "do not remove existing links that are no longer needed")
			old := fs.Bool("old", false, "name links by the old (pre-1.0, MD5) name hash")
			compat := fs.Bool("compat", false, "create links for both the old and the new hash")
			return func(e *env, dirs []string) error {
				if len(dirs) == 0 {
					return usagef("no directory given")
				}
				if *old && *compat {
					return usagef("--old and --compat are mutually exclusive")
				}
				opts := cadir.RehashOptions{KeepLinks: *keep}
				switch {
				case *old:
					opts.Hash = cadir.HashOld
				case *compat:
					opts.Hash = cadir.HashBoth
				}
				failed := 0
				for _, dir := range dirs {
					rep, err := cadir.Rehash(dir, opts)
					if rep != nil && *verbose {
						fmt.Fprintf(e.stdout, "Doing %s\n", dir)
						for _, a := range rep.Actions {
							fmt.Fprintln(e.stdout, a)
						}
					}
					if err != nil {
						fmt.Fprintf(e.stderr, "sslstream rehash: %v\n", err)
						failed++
						continue
					}
					for _, w := range rep.Warnings {
						fmt.Fprintf(e.stderr, "sslstream rehash: %s\n", w)
					}
					for _, msg := range rep.Errors {
						fmt.Fprintf(e.stderr, "sslstream rehash: %s\n", msg)
					}
					if len(rep.Errors) > 0 {
						failed++
					}
				}
				if failed > 0 {
					return &silentError{code: exitError}
				}
				return nil
			}
		},
	}
}
