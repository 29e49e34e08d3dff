package main

import (
	"encoding/json"
	"fmt"

	"github.com/sslstream/sslstream/cadir"
)

func rehashCommand() *command {
	return &command{
		name:    "rehash",
		summary: "create the <hash>.N / <hash>.rN links of CA directories (like openssl rehash)",
		usage:   "rehash [-v] [-n] [--old | --compat] [--json] DIR...",
		about: `Scans each DIR for PEM files (.pem, .crt, .cer, .crl) holding exactly one
certificate or CRL and creates the symbolic links --ca-directory needs:
<subject-hash>.N for certificates and <issuer-hash>.rN for CRLs, with the
same names and numbering as 'openssl rehash' (OpenSSL 3.0), so directories
stay interchangeable. Stale hash links are removed unless -n. Duplicates and
files that do not hold exactly one certificate or CRL are skipped with a
warning on stderr. With -v, prints "Doing DIR" and one "link FILE -> NAME"
or "unlink NAME" line per link on stdout, as openssl does. With --json, prints
one JSON object per directory on stdout instead: {"dir", "ok", "error",
"links": [{"name", "target", "kept"}], "removed", "warnings", "errors"}.

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
			asJSON := fs.Bool("json", false, "print one JSON object per directory on stdout (links, removed, warnings, errors)")
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
					if *asJSON {
						if printRehashJSON(e, dir, rep, err) {
							failed++
						}
						continue
					}
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

// rehashJSON is one directory's --json report.
type rehashJSON struct {
	Dir      string     `json:"dir"`
	OK       bool       `json:"ok"`
	Error    string     `json:"error"`
	Links    []linkJSON `json:"links"`
	Removed  []string   `json:"removed"`
	Warnings []string   `json:"warnings"`
	Errors   []string   `json:"errors"`
}

// linkJSON is one hash link: its name, the file it points to, and whether
// it was already there.
type linkJSON struct {
	Name   string `json:"name"`
	Target string `json:"target"`
	Kept   bool   `json:"kept"`
}

// printRehashJSON prints one directory's report as a line of JSON and
// reports whether it failed.
func printRehashJSON(e *env, dir string, rep *cadir.RehashReport, err error) bool {
	out := rehashJSON{Dir: dir, Links: []linkJSON{}, Removed: []string{}, Warnings: []string{}, Errors: []string{}}
	if rep != nil {
		for _, l := range rep.Links {
			out.Links = append(out.Links, linkJSON{Name: l.Name, Target: l.Target, Kept: l.Kept})
		}
		out.Removed = append(out.Removed, rep.Removed...)
		out.Warnings = append(out.Warnings, rep.Warnings...)
		out.Errors = append(out.Errors, rep.Errors...)
	}
	if err != nil {
		out.Error = err.Error()
	}
	out.OK = err == nil && len(out.Errors) == 0
	b, merr := json.Marshal(out)
	if merr != nil {
		fmt.Fprintf(e.stderr, "sslstream rehash: encoding the report: %v\n", merr)
		return true
	}
	e.stdout.Write(append(b, '\n'))
	return !out.OK
}
