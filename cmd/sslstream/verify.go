package main

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/cadir"
	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/keyfile"
	"github.com/sslstream/sslstream/verify"
)

func verifyCommand() *command {
	return &command{
		name:    "verify",
		summary: "verify certificate chains as 'openssl verify' does",
		usage:   "verify [--ca-file F] [--ca-directory D] [--trusted F] [--untrusted F] [--crl-file F] [--crl-check peer|all] [--max-depth N] [--server-name H] [--purpose P] [--auth-level N] [--policy OID]... [--explicit-policy] [--inhibit-any] [--inhibit-map] [--policy-check] [--policy-print] [--attime UNIX-SECONDS] [--x509-strict] [--allow-proxy-certs] [--check-ss-sig] [--no-check-time] [--use-deltas] [--extended-crl] [--json] [CERT...]",
		about: `Verifies the first certificate of each CERT file (PEM or DER) against the
trusted CAs, with the intermediates of --untrusted, and prints what
'openssl verify' 3.0 prints: "FILE: OK" on stdout, or on stderr, for every
problem found, the certificate's subject and "error CODE at DEPTH depth lookup: TEXT",
then "error FILE: verification failed". Codes and texts are OpenSSL 3.0's.

With --json, one JSON object per file on stdout (one per line) with the keys
file, verify_result, verify_result_string, depth, errors [{code, text, depth,
subject}], chain [{subject, issuer, serial, not_before, not_after, sha256}],
sent, trust_source, crls_used and hint.

Without CERT, or with CERT "-", the certificate is read from standard input
(at most 16 MiB) and reported as "stdin"; a CERT that is a pipe is read too.

Trust: --ca-file, --ca-directory and --ca-store (all repeatable). A
--ca-store URI (openssl -CAstore) is a file: URI (file:///PATH, file:/PATH,
file://localhost/PATH; no percent-decoding, as in OpenSSL 3.0) or a path: a
file, all of whose certificates and CRLs are trusted, or a directory
searched by subject hash (<hash>.N and <hash>.rN, any numbers). One that
does not exist, a relative file: path, a host other than localhost or
another scheme (http://) is an error (exit 1); a file without certificates
is not (verification then fails with code 20). When none is given,
OpenSSL's default verify paths are used as 'openssl verify' does: the file
and directories named by SSL_CERT_FILE and SSL_CERT_DIR, else the system's
bundle and hashed directory; --no-default-ca (or --no-ca-default) turns
that off.
Unlike openssl, the system CAs are NOT added when a CA flag is given.
--trusted (openssl -trusted) replaces them all: only its certificates are
trusted, and it cannot be combined with --ca-file, --ca-directory or --ca-store.
TRUSTED CERTIFICATE files (openssl x509 -trustout -addtrust/-addreject)
keep their trust settings in all three, honoured as OpenSSL 3.0 does for
the purpose: a certificate rejected for it fails with "certificate
rejected" (28); one explicitly trusted for it anchors the chain (even an
intermediate or the leaf) and passes the purpose check.

Purposes (--purpose, openssl -purpose): sslclient, sslserver, nssslserver,
smimesign, smimeencrypt, crlsign, any, ocsphelper, timestampsign, with
OpenSSL 3.0's rules (X509_check_purpose); "any", the default, checks no usage.

--auth-level N (openssl -auth_level, 0 to 5): keys and signature digests
of the chain must offer 80, 112, 128, 192 or 256 bits of security (codes
66, 67, 68); 0, the default here as in openssl verify, checks nothing.

Proxy certificates (RFC 3820, a proxyCertInfo extension): refused with
"proxy certificates not allowed" (40) unless --allow-proxy-certs (openssl
-allow_proxy_certs) is given; then, as in OpenSSL 3.0, a proxy is issued by
an end entity or another proxy (a CA there is 37), the issuer's key usage,
if any, must include digitalSignature (39), pCPathLenConstraint bounds the
proxies below (38), the subject must be the issuer's name plus one
commonName (72), and the policy language is not evaluated.

Certificate policies (openssl -policy_check and kin; RFC 5280 6.1 as
OpenSSL 3.0's X509_policy_check): --policy-check checks the policy
extensions of the chain, a malformed or inconsistent one failing with
"invalid or inconsistent certificate policy extension" (42) at its depth;
--explicit-policy requires a valid policy, and a requireExplicitPolicy
constraint of a certificate may require one too: none is "no explicit
policy" (43). --policy OID (repeatable, or a comma list; anyPolicy
allowed) names the policies acceptable then; --inhibit-any keeps
anyPolicy from matching, --inhibit-map ignores policy mappings. Each of
--policy, --explicit-policy, --inhibit-any and --inhibit-map turns policy
checking on, as in openssl. A policy tree that would hold more than 1000
nodes (CVE-2023-0464) ends the verification with code 17, "out of
memory", as in OpenSSL 3.0; like openssl, no error line is printed for
it (nor OpenSSL's error queue line). After error 43 the policy tree is
printed as openssl prints it ("Require explicit Policy: True", then the
authority and user policy sets); --policy-print (openssl -policy_print)
prints it for a chain that verified too.

--check-ss-sig (openssl -check_ss_sig) also checks the signature of the
self-signed trust anchor (or self-signed leaf) with its own key: a bad one
is "certificate signature failure" (7) at its depth. --no-check-time
(openssl -no_check_time) skips the validity periods of certificates and
CRLs; as in openssl, --attime turns the checks back on.

Delta CRLs: with --use-deltas (openssl -use_deltas), a delta CRL (delta
CRL indicator naming a base CRL number at most the base's, a higher CRL
number of its own, the same issuer, authority key identifier and issuing
distribution point) is combined with the chosen base CRL when the
certificate or the base CRL has a freshest CRL extension; an entry
removeFromCRL in the delta un-revokes. As in openssl, without
--extended-crl a delta CRL also counts as a complete CRL of its issuer
(the newest CRL wins); with it, a delta alone is no CRL (error 3).
--extended-crl (openssl -extended_crl) also accepts indirect CRLs (issuing
distribution point indirectCRL, entries naming their certificate issuer)
and CRLs for some reasons only.

Exit status: 0 when every file verified, 2 when any failed verification
or a certificate to verify could not be read (as openssl verify), 1 on a
usage error or when a trust, CRL or untrusted file could not be read.`,
		examples: []string{
			"sslstream verify --ca-file ca.pem server.pem",
			"sslstream verify server.pem --ca-file root.pem --untrusted intermediate.pem",
			"sslstream verify --ca-directory /etc/ssl/certs --server-name www.example.com --purpose sslserver cert.pem",
			"sslstream verify --ca-file ca.pem --crl-file ca.crl --crl-check all leaf.pem",
			"sslstream verify --ca-file ca.pem --attime 1700000000 --json leaf.pem",
			"openssl x509 -in root.pem -trustout -addreject serverAuth -out root-trust.pem; sslstream verify --ca-file root-trust.pem --purpose sslserver leaf.pem",
			"cat leaf.pem | sslstream verify --trusted root.pem --auth-level 2",
		},
		setup: func(fs *flagSet) func(*env, []string) error {
			var caFiles, caDirs, caStores, trustedFiles, untrusted, crlFiles stringList
			fs.Var(&caFiles, "ca-file", "PEM bundle of trusted CAs (repeatable)")
			fs.Var(&trustedFiles, "trusted", "PEM `FILE` of the only trusted certificates (repeatable; openssl -trusted; not with --ca-file or --ca-directory)")
			fs.Var(&caDirs, "ca-directory", "hashed CA directory, <hash>.N certificates and <hash>.rN CRLs (repeatable)")
			fs.Var(&caStores, "ca-store", "certificate store `URI` (openssl -CAstore): file:///PATH or a path, a file of trusted certificates and CRLs or a directory searched by subject hash (repeatable)")
			fs.Var(&untrusted, "untrusted", "PEM `FILE` of untrusted intermediate certificates (repeatable)")
			fs.Var(&crlFiles, "crl-file", "PEM or DER file with CRLs (repeatable)")
			crlCheck := &choice{value: "none", allowed: []string{"none", "peer", "all"}}
			fs.Var(crlCheck, "crl-check", "check revocation; `MODE` is none, peer (the leaf) or all (every certificate)")
			maxDepth := fs.Int("max-depth", 100, "allow at most `N` intermediate CAs (openssl -verify_depth)")
			serverName := fs.String("server-name", "", "the certificate must be valid for `HOST`, a DNS name or IP address")
			purpose := &choice{value: "any", allowed: verify.PurposeNames()}
			fs.Var(purpose, "purpose", "check the chain for a `PURPOSE`: "+strings.Join(verify.PurposeNames(), ", "))
			authLevel := fs.Int("auth-level", 0, "require the security of authentication level `N` (0-5) from keys and signatures (openssl -auth_level)")
			var policies stringList
			fs.Var(&policies, "policy", "a certificate policy `OID` acceptable when an explicit policy is required (repeatable, or a comma list; anyPolicy allowed; openssl -policy); turns policy checking on")
			explicitPolicy := fs.Bool("explicit-policy", false, "require a valid certificate policy, 43 otherwise (openssl -explicit_policy); turns policy checking on")
			inhibitAny := fs.Bool("inhibit-any", false, "anyPolicy in a CA certificate matches no policy (openssl -inhibit_any); turns policy checking on")
			inhibitMap := fs.Bool("inhibit-map", false, "do not follow policy mappings (openssl -inhibit_map); turns policy checking on")
			policyPrint := fs.Bool("policy-print", false, "print the policy tree of a chain that verified, as openssl verify -policy_print (it is printed after error 43 anyway)")
			policyCheck := fs.Bool("policy-check", false, "check the certificate policies of the chain: a malformed policy extension is 42 (openssl -policy_check)")
			attime := fs.String("attime", "", "verify at `UNIX-SECONDS` instead of now")
			strict := fs.Bool("x509-strict", false, "openssl -x509_strict's checks, then further RFC 5280 and CA/Browser Forum rules (serial number > 0, leaf with subjectAltName and extendedKeyUsage, ...), so a chain openssl accepts may fail here")
			allowProxy := fs.Bool("allow-proxy-certs", false, "accept RFC 3820 proxy certificates under OpenSSL's rules (openssl -allow_proxy_certs); without it a proxy fails with error 40")
			partial := fs.Bool("partial-chain", false, "accept a trusted intermediate as anchor (openssl -partial_chain)")
			checkSS := fs.Bool("check-ss-sig", false, "also verify the self-signature of the self-signed certificate at the top of the chain (openssl -check_ss_sig)")
			useDeltas := fs.Bool("use-deltas", false, "combine delta CRLs with their base CRL (openssl -use_deltas)")
			extendedCRL := fs.Bool("extended-crl", false, "extended CRL support: indirect CRLs, CRLs for some reasons, CRLs signed by another certificate of the CA (openssl -extended_crl)")
			noCheckTime := fs.Bool("no-check-time", false, "do not check the validity periods of certificates and CRLs (openssl -no_check_time; ignored with --attime, as by openssl)")
			noDefault := fs.Bool("no-default-ca", false, "do not fall back to OpenSSL's default verify paths (SSL_CERT_FILE, SSL_CERT_DIR, the system's) when no CA flag is given")
			fs.BoolVar(noDefault, "no-ca-default", false, "the same as --no-default-ca, as the client's and server's setting is named")
			asJSON := fs.Bool("json", false, "print one JSON object per file instead of openssl's format")
			return func(e *env, files []string) error {
				if *maxDepth < 0 {
					return usagef("--max-depth %d: must be 0 or more", *maxDepth)
				}
				if *authLevel < 0 || *authLevel > 5 {
					return usagef("--auth-level %d: must be 0 to 5", *authLevel)
				}
				if len(trustedFiles) > 0 && (len(caFiles) > 0 || len(caDirs) > 0 || len(caStores) > 0) {
					return usagef("--trusted cannot be used with --ca-file, --ca-directory or --ca-store")
				}
				opts := &verify.Options{MaxDepth: *maxDepth, Hostname: *serverName, Strict: *strict, PartialChain: *partial, AuthLevel: *authLevel,
					CheckSelfSignature: *checkSS, NoCheckTime: *noCheckTime, UseDeltas: *useDeltas, ExtendedCRL: *extendedCRL,
					AllowProxyCerts: *allowProxy}
				switch crlCheck.value {
				case "peer":
					opts.CRLCheck = verify.CRLPeer
				case "all":
					opts.CRLCheck = verify.CRLAll
				}
				p, err := verify.ParsePurpose(purpose.value)
				if err != nil {
					return usagef("--purpose: %v", err)
				}
				opts.Purpose = p
				for _, v := range policies {
					for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
						oid, err := verify.ParsePolicyOID(f)
						if err != nil {
							return usagef("--policy: %v", err)
						}
						opts.Policies = append(opts.Policies, oid)
					}
				}
				opts.ExplicitPolicy, opts.InhibitAnyPolicy, opts.InhibitPolicyMapping, opts.PolicyCheck = *explicitPolicy, *inhibitAny, *inhibitMap, *policyCheck
				if *attime != "" {
					secs, err := strconv.ParseInt(*attime, 10, 64)
					if err != nil {
						return usagef("--attime %q: not a number of seconds since 1970", *attime)
					}
					opts.Time = time.Unix(secs, 0)
				}
				if err := loadTrust(opts, trustPaths{caFiles, caDirs, caStores, trustedFiles, crlFiles, untrusted}, !*noDefault); err != nil {
					return err
				}
				if len(files) == 0 {
					files = []string{"-"}
				}
				return runVerify(e, files, opts, *asJSON, *policyPrint)
			}
		},
	}
}

// trustPaths are the files, directories and store URIs the verify flags
// name.
type trustPaths struct {
	caFiles, caDirs, caStores, trustedFiles, crlFiles, untrusted []string
}

// loadTrust fills opts with the trust anchors, intermediates and CRLs.
// Trust settings of TRUSTED CERTIFICATE blocks are kept.
func loadTrust(opts *verify.Options, tp trustPaths, useDefault bool) error {
	caFiles, caDirs, trustedFiles, crlFiles, untrusted := tp.caFiles, tp.caDirs, tp.trustedFiles, tp.crlFiles, tp.untrusted
	load := func(what string, files []string) ([]keyfile.TrustedCertificate, error) {
		var out []keyfile.TrustedCertificate
		for _, f := range files {
			certs, err := keyfile.LoadTrustedCertificates(f)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
			out = append(out, certs...)
		}
		return out, nil
	}
	anchors, err := load("ca-file", caFiles)
	if err != nil {
		return err
	}
	if len(anchors) > 0 {
		opts.Trust = append(opts.Trust, verify.NewTrustedPool("ca-file", anchors))
	}
	// OpenSSL's CA file lookup also loads the file's CRLs into the store.
	var caFileCRLs []*crl.CRL
	for _, f := range caFiles {
		if list, err := crl.Load(f); err == nil {
			caFileCRLs = append(caFileCRLs, list...)
		}
	}
	if len(caFileCRLs) > 0 {
		opts.CRLs = append(opts.CRLs, crl.NewStore(caFileCRLs...))
	}
	trusted, err := load("trusted", trustedFiles)
	if err != nil {
		return err
	}
	if len(trusted) > 0 {
		opts.Trust = append(opts.Trust, verify.NewTrustedPool("trusted", trusted))
	}
	for _, d := range caDirs {
		dir, err := cadir.Open(d)
		if err != nil {
			return fmt.Errorf("ca-directory: %w", err)
		}
		opts.Trust = append(opts.Trust, dir)
		opts.CRLs = append(opts.CRLs, dir)
	}
	for _, u := range tp.caStores {
		st, err := cadir.OpenStore(u)
		if err != nil {
			return fmt.Errorf("ca-store: %w", err)
		}
		opts.Trust = append(opts.Trust, st)
		opts.CRLs = append(opts.CRLs, st)
	}
	if len(caFiles) == 0 && len(caDirs) == 0 && len(tp.caStores) == 0 && len(trustedFiles) == 0 && useDefault {
		// OpenSSL's default verify paths, as the library's ca-default
		// reads them: SSL_CERT_FILE and SSL_CERT_DIR, else the system's.
		ts := sslstream.DefaultTrustStore()
		if ts.File != "" {
			if certs, err := keyfile.LoadTrustedCertificates(ts.File); err == nil {
				opts.Trust = append(opts.Trust, verify.NewTrustedPool("ca-default file "+ts.File, certs))
			}
		}
		for _, d := range ts.Dirs {
			if dir, err := cadir.Open(d); err == nil {
				opts.Trust = append(opts.Trust, dir)
				opts.CRLs = append(opts.CRLs, dir)
			}
		}
	}
	var crls []*crl.CRL
	for _, f := range crlFiles {
		list, err := crl.Load(f)
		if err != nil {
			return fmt.Errorf("crl-file: %w", err)
		}
		crls = append(crls, list...)
	}
	if len(crls) > 0 {
		// As openssl verify: the -CRLfile CRLs are searched first, the
		// CA directories' only when none of them is fully valid.
		opts.CRLs = append([]verify.CRLSource{crl.NewStore(crls...)}, opts.CRLs...)
		opts.CRLFileFirst = true
	}
	for _, f := range untrusted {
		certs, err := keyfile.LoadCertificates(f)
		if err != nil {
			return fmt.Errorf("untrusted: %w", err)
		}
		opts.Intermediates = append(opts.Intermediates, certs...)
	}
	return nil
}

// runVerify verifies each file and prints the results.
func runVerify(e *env, files []string, opts *verify.Options, asJSON, policyPrint bool) error {
	var failed, broken int
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for _, f := range files {
		leaf, err := loadLeaf(e, f)
		if f == "-" {
			f = "stdin" // as openssl verify names it
		}
		if err != nil {
			broken++
			if asJSON {
				_ = enc.Encode(map[string]string{"file": f, "error": err.Error()})
			}
			fmt.Fprintf(e.stderr, "sslstream verify: %v\n", err)
			continue
		}
		r := verify.Verify(leaf, opts)
		if !r.OK() {
			failed++
		}
		if asJSON {
			if err := enc.Encode(jsonReport(f, r)); err != nil {
				return fmt.Errorf("writing JSON: %w", err)
			}
			continue
		}
		printOpenSSL(e, f, r, policyPrint)
	}
	if broken > 0 || failed > 0 {
		// openssl verify exits 2 for a certificate it could not load too.
		return &verifyFailed{}
	}
	return nil
}

// maxCertInput bounds what is read of a certificate to verify from
// standard input or a pipe.
const maxCertInput = 16 << 20

// loadLeaf reads the first certificate of a file, as `openssl verify` does:
// "-" is standard input, and a named pipe is read as it comes, both up to
// maxCertInput bytes; other files must be regular files.
func loadLeaf(e *env, path string) (*x509.Certificate, error) {
	var certs []*x509.Certificate
	var err error
	if path == "-" {
		certs, err = parseCertStream(e.stdin, "stdin")
	} else if st, serr := os.Stat(path); serr == nil && st.Mode()&os.ModeNamedPipe != 0 {
		f, oerr := os.Open(path)
		if oerr != nil {
			return nil, fmt.Errorf("%s: %w", path, oerr)
		}
		defer f.Close()
		certs, err = parseCertStream(f, path)
	} else {
		certs, err = keyfile.LoadCertificates(path)
	}
	if err != nil {
		return nil, err
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s: no certificate found", path)
	}
	return certs[0], nil
}

// parseCertStream reads at most maxCertInput bytes of certificates from r.
func parseCertStream(r io.Reader, name string) ([]*x509.Certificate, error) {
	if r == nil {
		return nil, fmt.Errorf("%s: no input", name)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxCertInput+1))
	if err != nil {
		return nil, fmt.Errorf("%s: reading certificate: %w", name, err)
	}
	if len(data) > maxCertInput {
		return nil, fmt.Errorf("%s: more than %d bytes: not a certificate", name, maxCertInput)
	}
	return keyfile.ParseCertificates(data, name)
}

// printOpenSSL prints a result in the format of `openssl verify` 3.0: the
// OK line on stdout; the subject, the error lines and the final line on
// stderr, the policy tree after error 43 (and, with policyPrint, before
// the OK line).
func printOpenSSL(e *env, file string, r *verify.Result, policyPrint bool) {
	var b strings.Builder
	for _, p := range r.Problems {
		if p.Aborted {
			// openssl verify prints no error line for it.
			continue
		}
		if p.Subject != "" {
			b.WriteString(p.Subject)
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
		b.WriteByte('\n')
		if p.Code == verify.NoExplicitPolicy {
			b.WriteString(r.PolicyTree)
		}
	}
	if r.OK() {
		if policyPrint {
			b.WriteString(r.PolicyTree)
		}
		// Problems of a CRL issuer's chain (--extended-crl) that
		// openssl verify continues past are printed before its OK.
		io.WriteString(e.stderr, b.String())
		fmt.Fprintf(e.stdout, "%s: OK\n", file)
		return
	}
	if len(r.Problems) == 0 {
		// Should not happen; keep the format even so.
		fmt.Fprintf(&b, "error %d at %d depth lookup: %s\n", r.Code, r.Depth, verify.Text(r.Code))
	}
	fmt.Fprintf(&b, "error %s: verification failed\n", file)
	if e.tty && r.Hint != "" {
		fmt.Fprintf(&b, "hint: %s\n", r.Hint)
	}
	io.WriteString(e.stderr, b.String())
}

// certJSON is one certificate of the chain in --json output.
type certJSON struct {
	Subject   string `json:"subject"`
	Issuer    string `json:"issuer"`
	Serial    string `json:"serial"`
	NotBefore string `json:"not_before"`
	NotAfter  string `json:"not_after"`
	SHA256    string `json:"sha256"`
}

type problemJSON struct {
	Code    int    `json:"code"`
	Text    string `json:"text"`
	Depth   int    `json:"depth"`
	Subject string `json:"subject"`
	CRLPath bool   `json:"crl_path,omitempty"`
	// Aborted: the verification ended here without an error line.
	Aborted bool `json:"aborted,omitempty"`
}

// reportJSON is the --json object, keys as documented, then extras.
type reportJSON struct {
	File               string        `json:"file"`
	VerifyResult       int           `json:"verify_result"`
	VerifyResultString string        `json:"verify_result_string"`
	Depth              int           `json:"depth"`
	Errors             []problemJSON `json:"errors"`
	Chain              []certJSON    `json:"chain"`
	Hint               string        `json:"hint"`
	Sent               []certJSON    `json:"sent"`
	TrustSource        string        `json:"trust_source"`
	CRLsUsed           []string      `json:"crls_used"`
}

func jsonReport(file string, r *verify.Result) reportJSON {
	out := reportJSON{
		File:               file,
		VerifyResult:       r.Code,
		VerifyResultString: verify.Text(r.Code),
		Depth:              r.Depth,
		Errors:             []problemJSON{},
		Chain:              certsJSON(r.Chain),
		Sent:               certsJSON(r.Sent),
		Hint:               r.Hint,
		TrustSource:        r.TrustSource,
		CRLsUsed:           r.CRLsUsed,
	}
	if out.CRLsUsed == nil {
		out.CRLsUsed = []string{}
	}
	for _, p := range r.Problems {
		out.Errors = append(out.Errors, problemJSON{Code: p.Code, Text: p.Text, Depth: p.Depth, Subject: p.Subject, CRLPath: p.CRLPath, Aborted: p.Aborted})
	}
	return out
}

func certsJSON(certs []*x509.Certificate) []certJSON {
	out := make([]certJSON, 0, len(certs))
	for _, c := range certs {
		sum := sha256.Sum256(c.Raw)
		out = append(out, certJSON{
			Subject:   dn.String(c.RawSubject),
			Issuer:    dn.String(c.RawIssuer),
			Serial:    serialHex(c),
			NotBefore: c.NotBefore.UTC().Format(time.RFC3339),
			NotAfter:  c.NotAfter.UTC().Format(time.RFC3339),
			SHA256:    strings.ToUpper(hex.EncodeToString(sum[:])),
		})
	}
	return out
}

// serialHex prints a serial number as OpenSSL's `x509 -serial` does
// (upper-case hex, even number of digits).
func serialHex(c *x509.Certificate) string {
	if c.SerialNumber == nil {
		return ""
	}
	s := strings.ToUpper(c.SerialNumber.Text(16))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if len(s)%2 == 1 {
		s = "0" + s
	}
	if neg {
		s = "-" + s
	}
	return s
}
