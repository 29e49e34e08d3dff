package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// This file holds OpenSSL's spellings of the command's flags: a table of
// aliases mapped onto the sslstream flags the commands define (kept apart
// from those definitions, so either can change without the other), the
// rewriting of a command line from OpenSSL's spellings to sslstream's, the
// "did you mean" suggestion for an unknown flag, and the help section that
// lists the spellings.

// opensslAlias is one OpenSSL spelling. OpenSSL flags take one dash and
// their value as the next argument (-CAfile ca.pem); only the one-dash form
// is an alias, so --accept (sslstream's) and -accept (s_server's) can mean
// different things.
type opensslAlias struct {
	// name is OpenSSL's spelling without the dash: "CAfile".
	name string
	// commands are the subcommands that take it, space-separated.
	commands string
	// arg names the value (FILE, N, ...); "" for a switch.
	arg string
	// flag is the sslstream flag it stands for, value the value given to
	// it for a switch ("" for a flag with a value: the alias's value).
	flag, value string
	// apply, when set, does the translation itself (aliases whose meaning
	// is more than one sslstream flag, or depends on the others).
	apply func(st *aliasState, v string) error
	// means says what it does for the help when apply is set.
	means string
	// last: OpenSSL keeps only the last of several (-CAfile a -CAfile b
	// trusts b alone), where the sslstream flag adds them up.
	last bool
}

// opensslAliases returns the table. Every entry was checked against
// `openssl s_client -help`, `s_server -help`, `verify -help` and
// `ciphers -help` of OpenSSL 3.0: same name, same meaning.
func opensslAliases() []opensslAlias {
	return []opensslAlias{
		// Where to connect and listen.
		{name: "connect", commands: "client", arg: "HOST:PORT", apply: func(st *aliasState, v string) error {
			st.positional = append(st.positional, v)
			return nil
		}, means: "the HOST:PORT argument"},
		{name: "accept", commands: "server", arg: "[HOST:]PORT", apply: func(st *aliasState, v string) error {
			st.emit("listen", listenAddr(v))
			return nil
		}, means: "--listen [HOST]:PORT (s_server -accept; sslstream's --accept N is s_server's -naccept)"},
		{name: "port", commands: "server", arg: "PORT", apply: func(st *aliasState, v string) error {
			if _, err := strconv.ParseUint(v, 10, 16); err != nil {
				return fmt.Errorf("-port %q: want a port number 0-65535", v)
			}
			st.emit("listen", ":"+v)
			return nil
		}, means: "--listen :PORT"},
		{name: "naccept", commands: "server", arg: "N", flag: "accept"},
		{name: "cert2", commands: "server", arg: "FILE", apply: func(st *aliasState, v string) error {
			st.cert2 = v
			return nil
		}, means: "--extra-certificate FILE[,KEY2]: the certificate for the client that asks (SNI) for a name it holds"},
		{name: "key2", commands: "server", arg: "FILE", apply: func(st *aliasState, v string) error {
			st.key2 = v
			return nil
		}, means: "the key of -cert2"},

		// OCSP stapling.
		{name: "status", commands: "client", flag: "status", value: "check"},
		{name: "status_file", commands: "server", arg: "FILE", flag: "status-file"},

		// Identity and trust.
		{name: "cert", commands: "client server", arg: "FILE", flag: "certificate"},
		{name: "pass", commands: "client server", arg: "SOURCE", flag: "certificate-password-source"},
		{name: "cert_chain", commands: "client server", arg: "FILE", flag: "certificate-chain"},
		{name: "CAfile", commands: "client server verify", arg: "FILE", flag: "ca-file", last: true},
		{name: "CApath", commands: "client server verify", arg: "DIR", flag: "ca-directory", last: true},
		{name: "CAstore", commands: "client server verify", arg: "URI", flag: "ca-store", last: true},
		// libssl's chain and verify stores (s_client, s_server); the
		// settings keep the last value given, as openssl does.
		{name: "chainCAfile", commands: "client server", arg: "FILE", flag: "chain-ca-file"},
		{name: "chainCApath", commands: "client server", arg: "DIR", flag: "chain-ca-directory"},
		{name: "chainCAstore", commands: "client server", arg: "URI", flag: "chain-ca-store"},
		{name: "verifyCAfile", commands: "client server", arg: "FILE", flag: "verify-ca-file"},
		{name: "verifyCApath", commands: "client server", arg: "DIR", flag: "verify-ca-directory"},
		{name: "verifyCAstore", commands: "client server", arg: "URI", flag: "verify-ca-store"},
		{name: "build_chain", commands: "client server", flag: "build-chain", value: "true"},
		{name: "CRL", commands: "client server", arg: "FILE", flag: "crl-file", last: true},
		{name: "CRLfile", commands: "verify", arg: "FILE", flag: "crl-file"},
		{name: "crl_check", commands: "client server verify", apply: func(st *aliasState, _ string) error {
			st.crl = max(st.crl, 1)
			return nil
		}, means: "--crl-check peer"},
		{name: "crl_check_all", commands: "client server verify", apply: func(st *aliasState, _ string) error {
			st.crl = 2
			return nil
		}, means: "--crl-check all (wins over -crl_check, as in OpenSSL)"},
		{name: "verify_depth", commands: "client server verify", arg: "N", flag: "max-depth"},
		{name: "auth_level", commands: "verify", arg: "N", flag: "auth-level"},
		{name: "policy", commands: "client server verify", arg: "OID", apply: func(st *aliasState, v string) error {
			st.policies = append(st.policies, v)
			return nil
		}, means: "--policy OID (repeatable: the OIDs add up, as in OpenSSL)"},
		{name: "explicit_policy", commands: "client server verify", flag: "explicit-policy", value: "true"},
		{name: "inhibit_any", commands: "client server verify", flag: "inhibit-any", value: "true"},
		{name: "inhibit_map", commands: "client server verify", flag: "inhibit-map", value: "true"},
		{name: "policy_check", commands: "client server verify", flag: "policy-check", value: "true"},
		{name: "policy_print", commands: "verify", flag: "policy-print", value: "true"},
		{name: "x509_strict", commands: "client server verify", flag: "x509-strict", value: "true"},
		{name: "allow_proxy_certs", commands: "client server verify", flag: "allow-proxy-certs", value: "true"},
		{name: "partial_chain", commands: "verify", flag: "partial-chain", value: "true"},
		{name: "check_ss_sig", commands: "verify", flag: "check-ss-sig", value: "true"},
		{name: "no_check_time", commands: "verify", flag: "no-check-time", value: "true"},
		{name: "use_deltas", commands: "verify", flag: "use-deltas", value: "true"},
		{name: "extended_crl", commands: "verify", flag: "extended-crl", value: "true"},
		{name: "verify_hostname", commands: "verify", arg: "HOST", flag: "server-name"},
		{name: "verify_ip", commands: "verify", arg: "IP", flag: "server-name"},
		{name: "no-CApath", commands: "verify", flag: "no-default-ca", value: "true"},
		{name: "no-CAfile", commands: "verify", apply: func(*aliasState, string) error { return nil },
			means: "accepted; sslstream verify loads no default CA file"},
		{name: "no-CAstore", commands: "client server verify", apply: func(*aliasState, string) error { return nil },
			means: "accepted; OpenSSL's default store is its default certificate directory, which the default trust store (ca-default) covers"},

		// Verification modes: s_client and s_server give -verify different
		// meanings; a value that is not a number is sslstream's --verify MODE.
		{name: "verify", commands: "client", arg: "N", apply: func(st *aliasState, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				st.emit("verify", v) // --verify none|optional|required
				return nil
			}
			if n <= 0 {
				return fmt.Errorf("-verify %q: want a depth, a number 1 or more (as openssl)", v)
			}
			st.depth, st.verifyAsked = v, "depth"
			return nil
		}, means: "--max-depth N, verify result reported, handshake goes on (--verify none); with -verify_return_error --verify required"},
		{name: "verify_return_error", commands: "client", apply: func(st *aliasState, _ string) error {
			st.returnError = true
			return nil
		}, means: "--verify required: a verification failure ends the handshake"},
		{name: "verify", commands: "server", arg: "N", apply: func(st *aliasState, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				st.emit("verify", v)
				return nil
			}
			if n <= 0 {
				return fmt.Errorf("-verify %q: want a depth, a number 1 or more (as openssl)", v)
			}
			st.depth, st.verifyAsked = v, "optional"
			return nil
		}, means: "--verify optional --max-depth N: ask for a client certificate"},
		{name: "Verify", commands: "server", arg: "N", apply: func(st *aliasState, v string) error {
			if n, err := strconv.Atoi(v); err != nil || n <= 0 {
				return fmt.Errorf("-Verify %q: want a depth, a number 1 or more (as openssl)", v)
			}
			st.depth, st.verifyAsked = v, "required"
			return nil
		}, means: "--verify required --max-depth N: a client certificate is required"},
		{name: "verify_return_error", commands: "server", apply: func(*aliasState, string) error { return nil },
			means: "accepted; sslstream always refuses a client certificate that fails verification"},

		// Protocol versions and suites.
		{name: "tls1", commands: "client server ciphers", apply: version("tlsv1"), means: "--method tlsv1"},
		{name: "tls1_1", commands: "client server ciphers", apply: version("tlsv1.1"), means: "--method tlsv1.1"},
		{name: "tls1_2", commands: "client server ciphers", apply: version("tlsv1.2"), means: "--method tlsv1.2"},
		{name: "tls1_3", commands: "client server ciphers", apply: version("tlsv1.3"), means: "--method tlsv1.3"},
		{name: "no_ssl3", commands: "client server", apply: func(*aliasState, string) error { return nil },
			means: "accepted; SSLv3 is never offered"},
		{name: "no_tls1", commands: "client server", apply: disable(0), means: "leave TLS 1.0 out of --method"},
		{name: "no_tls1_1", commands: "client server", apply: disable(1), means: "leave TLS 1.1 out of --method"},
		{name: "no_tls1_2", commands: "client server", apply: disable(2), means: "leave TLS 1.2 out of --method"},
		{name: "no_tls1_3", commands: "client server", apply: disable(3), means: "leave TLS 1.3 out of --method"},
		{name: "cipher", commands: "client server", arg: "STRING", flag: "ciphers"},
		{name: "serverpref", commands: "server", flag: "prefer-server-cipher-order", value: "true"},
		{name: "no_ticket", commands: "client server", flag: "session-tickets", value: "false"},

		// Client extras.
		{name: "servername", commands: "client", arg: "HOST", flag: "server-name"},
		{name: "noservername", commands: "client", flag: "server-name", value: ""},
		{name: "keylogfile", commands: "client server", arg: "FILE", flag: "keylog"},
		{name: "sess_out", commands: "client", arg: "FILE", flag: "sess-out"},
		{name: "sess_in", commands: "client", arg: "FILE", flag: "sess-in"},
		{name: "name", commands: "client", arg: "HOST", flag: "starttls-name"},
		{name: "xmpphost", commands: "client", arg: "HOST", flag: "starttls-name"},
		{name: "quiet", commands: "client", apply: func(st *aliasState, _ string) error {
			st.emit("quiet", "true")
			st.ignEOF = "true"
			return nil
		}, means: "--quiet --ign-eof (unless -no_ign_eof follows)"},
		{name: "ign_eof", commands: "client", apply: func(st *aliasState, _ string) error {
			st.ignEOF = "true"
			return nil
		}, means: "--ign-eof"},
		{name: "no_ign_eof", commands: "client", apply: func(st *aliasState, _ string) error {
			st.ignEOF = "false"
			return nil
		}, means: "--ign-eof=false (the default; undoes -quiet's -ign_eof)"},
	}
}

// sameNames are the OpenSSL flags each command has under OpenSSL's own
// name and meaning (the flag package takes one dash too): no alias needed,
// listed in the help so that both spellings show.
func sameNames(cmd string) []string {
	switch cmd {
	case "client":
		return []string{"key", "alpn", "ciphersuites", "showcerts", "starttls", "brief"}
	case "server":
		return []string{"key", "alpn", "ciphersuites"}
	case "verify":
		return []string{"untrusted", "purpose", "attime"}
	case "ciphers":
		return []string{"v", "V", "s", "stdname", "ciphersuites", "convert"}
	case "rehash":
		return []string{"v", "n", "old", "compat"}
	}
	return nil
}

// version is the apply of -tls1_2 and its kin.
func version(m string) func(st *aliasState, v string) error {
	return func(st *aliasState, _ string) error {
		st.method = m
		return nil
	}
}

// methodOrder are the versions -no_tls1... remove from, lowest first.
func methodOrder() [4]string { return [4]string{"tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3"} }

// disable is the apply of -no_tls1 and its kin.
func disable(i int) func(st *aliasState, v string) error {
	return func(st *aliasState, _ string) error {
		st.disabled[i] = true
		st.anyDisabled = true
		return nil
	}
}

// listenAddr turns s_server's -accept value ([host:]port, *:port) into a
// --listen address.
func listenAddr(v string) string {
	if !strings.Contains(v, ":") {
		return ":" + v
	}
	if rest, ok := strings.CutPrefix(v, "*:"); ok {
		return ":" + rest
	}
	return v
}

// aliasState collects what the aliases of one command line said; finish
// turns it into sslstream flags.
type aliasState struct {
	cmd string
	out []string
	// positional are arguments an alias supplied (-connect).
	positional []string
	// crl is 1 for -crl_check, 2 for -crl_check_all.
	crl int
	// depth and verifyAsked come from -verify N / -Verify N.
	depth, verifyAsked string
	// cert2 and key2 come from s_server's -cert2 / -key2.
	cert2, key2 string
	returnError bool
	method      string
	disabled    [4]bool
	anyDisabled bool
	ignEOF      string
	// supported is ciphers' -s: only then do -tls1_2 and kin matter there.
	supported bool
	// policies are the OIDs of the -policy flags.
	policies []string
	// lastAt is where in out the last alias of each name that keeps only
	// its last value (opensslAlias.last) was emitted; dropped are the
	// places of the earlier ones, notes say what was dropped.
	lastAt  map[string]int
	dropped map[int]bool
	notes   []string
}

func (st *aliasState) emit(flag, value string) {
	st.out = append(st.out, "--"+flag+"="+value)
}

// finish emits the flags that depend on several aliases.
func (st *aliasState) finish() error {
	switch {
	case st.cert2 != "" && st.key2 != "":
		st.emit("extra-certificate", st.cert2+","+st.key2)
	case st.cert2 != "":
		st.emit("extra-certificate", st.cert2)
	case st.key2 != "":
		return fmt.Errorf("-key2 %q without -cert2", st.key2)
	}
	if st.crl > 0 {
		st.emit("crl-check", []string{"", "peer", "all"}[st.crl])
	}
	if len(st.policies) > 0 {
		st.emit("policy", strings.Join(st.policies, ","))
	}
	switch {
	case st.verifyAsked == "depth":
		st.emit("max-depth", st.depth)
	case st.verifyAsked != "":
		st.emit("max-depth", st.depth)
		st.emit("verify", st.verifyAsked)
	}
	if st.returnError && st.cmd == "client" {
		st.emit("verify", "required")
	} else if st.verifyAsked == "depth" {
		st.emit("verify", "none")
	}
	if st.ignEOF != "" {
		st.emit("ign-eof", st.ignEOF)
	}
	m, err := st.methodValue()
	if err != nil {
		return err
	}
	if m != "" && (st.cmd != "ciphers" || st.supported) {
		st.emit("method", m)
	}
	return nil
}

// methodValue is the --method the version aliases give: the one -tls1_x
// named, or what the -no_tls1_x left. As OpenSSL, a hole keeps the lowest
// run of versions (-no_tls1_2 alone leaves TLS 1.0 and 1.1).
func (st *aliasState) methodValue() (string, error) {
	if st.method != "" {
		for i, m := range methodOrder() {
			if m == st.method && st.disabled[i] {
				return "", fmt.Errorf("-%s and -no_%s leave no protocol version", opensslVersionName(i), opensslVersionName(i))
			}
		}
		return st.method, nil
	}
	if !st.anyDisabled {
		return "", nil
	}
	var run []string
	for i, m := range methodOrder() {
		if st.disabled[i] {
			if len(run) > 0 {
				break
			}
			continue
		}
		run = append(run, m)
	}
	if len(run) == 0 {
		return "", fmt.Errorf("-no_tls1, -no_tls1_1, -no_tls1_2 and -no_tls1_3 leave no protocol version")
	}
	return strings.Join(run, ","), nil
}

func opensslVersionName(i int) string {
	return [4]string{"tls1", "tls1_1", "tls1_2", "tls1_3"}[i]
}

// aliasesFor returns the aliases of cmd whose sslstream flag fs defines
// (or that translate themselves).
func aliasesFor(cmd string, fs *flagSet) []opensslAlias {
	var out []opensslAlias
	for _, a := range opensslAliases() {
		if !hasWordIn(a.commands, cmd) {
			continue
		}
		if a.apply == nil && fs.Lookup(a.flag) == nil {
			continue
		}
		out = append(out, a)
	}
	return out
}

func hasWordIn(list, w string) bool {
	for _, f := range strings.Fields(list) {
		if f == w {
			return true
		}
	}
	return false
}

// translateOpenSSL rewrites the OpenSSL spellings in args into sslstream
// flags for command cmd. A one-dash argument that names an alias is
// OpenSSL's, and so is a two-dash one unless sslstream has a flag of that
// name; the values of sslstream's own flags and everything after "--"
// are left alone. notes say what of the command line OpenSSL would not use
// (an earlier -CAfile), for stderr.
func translateOpenSSL(cmd string, args []string, fs *flagSet) (out, notes []string, err error) {
	aliases := aliasesFor(cmd, fs)
	byName := map[string]opensslAlias{}
	for _, a := range aliases {
		byName[a.name] = a
	}
	st := &aliasState{cmd: cmd}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			st.out = append(st.out, args[i:]...)
			break
		}
		if a == "-s" {
			st.supported = true
		}
		// -CAfile; also --CAfile, as openssl accepts two dashes too,
		// unless sslstream has a flag of that name (--accept, --verify).
		name, isAlias := "", false
		if len(a) > 1 && a[0] == '-' && a[1] != '-' {
			name = a[1:]
			_, isAlias = byName[name]
		} else if len(a) > 2 && strings.HasPrefix(a, "--") && fs.Lookup(a[2:]) == nil {
			name = a[2:]
			_, isAlias = byName[name]
		}
		if isAlias {
			if al, ok := byName[name]; ok {
				v := ""
				if al.arg != "" {
					if i+1 >= len(args) {
						return nil, nil, usagef("flag %s needs a value (%s)", a, al.arg)
					}
					i++
					v = args[i]
				}
				if err := st.apply(al, v); err != nil {
					return nil, nil, usagef("%v", err)
				}
				continue
			}
		}
		st.out = append(st.out, a)
		// Keep the value of one of our own flags with it.
		if strings.HasPrefix(a, "-") && !strings.Contains(a, "=") && i+1 < len(args) {
			if f := fs.Lookup(strings.TrimLeft(a, "-")); f != nil {
				if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
					i++
					st.out = append(st.out, args[i])
				}
			}
		}
	}
	if err := st.finish(); err != nil {
		return nil, nil, usagef("%v", err)
	}
	for i, a := range st.out {
		if !st.dropped[i] {
			out = append(out, a)
		}
	}
	return append(out, st.positional...), st.notes, nil
}

func (st *aliasState) apply(al opensslAlias, v string) error {
	if al.apply != nil {
		return al.apply(st, v)
	}
	if al.arg == "" {
		v = al.value
	}
	if al.last {
		if prev, ok := st.lastAt[al.name]; ok {
			if st.dropped == nil {
				st.dropped = map[int]bool{}
			}
			st.dropped[prev] = true
			old := strings.TrimPrefix(st.out[prev], "--"+al.flag+"=")
			st.notes = append(st.notes, fmt.Sprintf("-%s %s is not used: as openssl, the last -%s counts (%s); --%s adds them up", al.name, old, al.name, v, al.flag))
		}
		if st.lastAt == nil {
			st.lastAt = map[string]int{}
		}
		st.lastAt[al.name] = len(st.out)
	}
	st.emit(al.flag, v)
	return nil
}

// aliasOf returns the OpenSSL spelling of flag name for the help, "" when
// there is none.
func aliasOf(aliases []opensslAlias, name string) string {
	var names []string
	for _, a := range aliases {
		// Synonyms only: -noservername is not a spelling of --server-name.
		if a.apply == nil && a.flag == name && a.name != name && (a.arg != "" || a.value == "true") {
			names = append(names, "-"+a.name)
		}
	}
	return strings.Join(names, ", ")
}

// printOpenSSLSpellings prints the help section listing the aliases and
// the flags OpenSSL spells as sslstream does.
func printOpenSSLSpellings(w io.Writer, cmd string, aliases []opensslAlias) {
	same := sameNames(cmd)
	if len(aliases) == 0 && len(same) == 0 {
		return
	}
	fmt.Fprintln(w, "OpenSSL spellings (one dash, value as the next argument):")
	if len(same) > 0 {
		fmt.Fprintf(w, "  as in OpenSSL: -%s\n", strings.Join(same, ", -"))
	}
	for _, a := range aliases {
		left := "  -" + a.name
		if a.arg != "" {
			left += " " + a.arg
		}
		fmt.Fprintf(w, "%-28s %s\n", left, aliasMeaning(a))
	}
	fmt.Fprintln(w)
}

// aliasMeaning is "= --ca-file FILE" or the apply's description.
func aliasMeaning(a opensslAlias) string {
	switch {
	case a.apply != nil:
		return "= " + a.means
	case a.arg != "" && a.last:
		return "= --" + a.flag + " " + a.arg + " (the last -" + a.name + " counts, as in OpenSSL)"
	case a.arg != "":
		return "= --" + a.flag + " " + a.arg
	case a.value == "true":
		return "= --" + a.flag
	default:
		return "= --" + a.flag + "=" + a.value
	}
}

// suggestFlag returns the "did you mean" text for an unknown flag name:
// the nearest flag by edit distance over both spellings, or "" when none
// is near.
func suggestFlag(unknown string, cmd string, fs *flagSet) string {
	type cand struct{ key, text string }
	aliases := aliasesFor(cmd, fs)
	var cands []cand
	fs.VisitAll(func(f *flag.Flag) {
		text := "--" + f.Name
		if len(f.Name) == 1 {
			text = "-" + f.Name
		}
		if o := aliasOf(aliases, f.Name); o != "" {
			text += " (openssl: " + o + ")"
		}
		cands = append(cands, cand{f.Name, text})
	})
	for _, a := range aliases {
		text := "-" + a.name + " (" + aliasMeaning(a) + ")"
		if a.apply == nil {
			text = "--" + a.flag + " (openssl: " + aliasOf(aliases, a.flag) + ")"
		}
		cands = append(cands, cand{a.name, text})
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].key < cands[j].key })
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "_", "-") }
	u := norm(strings.TrimLeft(unknown, "-"))
	best, bestD := "", 1<<30
	for _, c := range cands {
		if d := editDistance(u, norm(c.key)); d < bestD {
			best, bestD = c.text, d
		}
	}
	limit := 2
	if len(u) >= 9 {
		limit = 3
	}
	if bestD > limit {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// commandAlias maps OpenSSL's subcommand names onto ours.
func commandAlias(name string) string {
	switch name {
	case "s_client":
		return "client"
	case "s_server":
		return "server"
	}
	return name
}
