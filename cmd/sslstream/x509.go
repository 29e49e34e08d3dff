package main

import (
	"bytes"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/internal/safefile"
	"github.com/sslstream/sslstream/keyfile"
	"github.com/sslstream/sslstream/x509text"
)

// maxX509Input bounds what x509 reads from a file or standard input.
const maxX509Input = 16 << 20

func x509Command() *command {
	return &command{
		name:    "x509",
		summary: "show certificates as 'openssl x509' does (-text, -subject, -fingerprint, ...)",
		usage:   "x509 [-in FILE] [-inform PEM|DER] [-text] [-noout] [-subject] [-issuer] [-serial] [-dates] [-fingerprint] [-sha256] [-ext NAMES] [-checkend N] [-pubkey] [-nameopt oneline|RFC2253] [-out FILE] [-outform PEM|DER] [--all] [--json]",
		about: `Reads a certificate (PEM or DER, detected from the content; -inform forces
one) from -in FILE or standard input and prints what 'openssl x509' 3.0
prints for the same options, in the order they are given on the command line
(an option given twice counts where it was given last, as in openssl).
-text is the same text as 'openssl x509 -text' byte for byte for the
certificates real CAs issue (see docs/PORTING.md for the few differences).

Options take OpenSSL's single dash (-in, -text, -subject_hash) or a double
dash (--in, --text, --subject_hash; --subject-hash also works).

Like openssl, only the first certificate of the input is used; text around
PEM blocks is ignored, so 'sslstream client -showcerts' output can be piped
in. With --all every certificate of the input is processed in turn.

Unless -noout is given the certificate is written after the printed fields
(PEM, or DER with -outform DER). -checkend N prints whether the certificate
expires within N seconds and exits 1 if it does, 0 if not, as openssl.

With --json one JSON object per certificate is printed instead (one a line):
version, serial, signature_algorithm, issuer, subject (one-line and RFC 2253),
not_before, not_after, public_key, fingerprints, name hashes, subject
alternative names, extensions (OID, names, critical flag and openssl's text)
and the full -text output.`,
		examples: []string{
			"sslstream x509 -in cert.pem -text -noout",
			"sslstream x509 -in cert.der -subject -issuer -serial -dates -fingerprint -sha256 -noout",
			"sslstream client example.com:443 -showcerts </dev/null | sslstream x509 -noout -ext subjectAltName",
			"sslstream x509 -in cert.pem -checkend 86400 -noout",
			"sslstream x509 --in bundle.pem --all --json",
		},
		setup: func(fs *flagSet) func(*env, []string) error {
			o := &x509Options{pos: map[string]int{}}
			fs.StringVar(&o.in, "in", "", "read the certificate from `FILE` (default, or -: standard input)")
			informC := &choice{value: "", allowed: []string{"PEM", "DER", "pem", "der"}}
			fs.Var(informC, "inform", "input `FORMAT`, PEM or DER (default: detected)")
			fs.StringVar(&o.out, "out", "", "write the output to `FILE` instead of standard output")
			outformC := &choice{value: "PEM", allowed: []string{"PEM", "DER", "pem", "der"}}
			fs.Var(outformC, "outform", "`FORMAT` of the certificate written without -noout: PEM or DER")
			fs.BoolVar(&o.noout, "noout", false, "do not write the certificate")
			for _, p := range x509PrintFlags {
				f := &orderFlag{o: o, marks: p.marks}
				for i, n := range p.names {
					usage := p.usage
					if i > 0 {
						usage = "the same as --" + p.names[0]
					}
					fs.Var(f, n, usage)
				}
			}
			fs.Var(&extFlag{o: o}, "ext", "print the extensions of the comma-separated short `NAMES` (subjectAltName,basicConstraints,...)")
			for _, d := range []string{"md5", "sha1", "sha224", "sha256", "sha384", "sha512"} {
				fs.Var(&digestFlag{o: o, name: d}, d, "digest for -fingerprint: "+d+" (default sha1)")
			}
			fs.Var(&checkendFlag{o: o}, "checkend", "exit 1 if the certificate expires within `SECONDS`, else 0")
			dateopt := &choice{value: "rfc_822", allowed: []string{"rfc_822", "iso_8601"}}
			fs.Var(dateopt, "dateopt", "`FORMAT` of -startdate and -enddate: rfc_822 (Jan  2 15:04:05 2006 GMT) or iso_8601 (2006-01-02 15:04:05Z)")
			nameopt := &choice{value: "oneline", allowed: []string{"oneline", "RFC2253", "rfc2253"}}
			fs.Var(nameopt, "nameopt", "name `FORMAT` of -subject, -issuer and -text: oneline (openssl's default) or RFC2253")
			fs.BoolVar(&o.all, "all", false, "process every certificate of the input, not only the first")
			fs.BoolVar(&o.asJSON, "json", false, "print one JSON object per certificate instead")
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected argument %q (the input is given with -in FILE)", args[0])
				}
				o.iso8601 = dateopt.value == "iso_8601"
				o.inform = strings.ToUpper(informC.value)
				o.outform = strings.ToUpper(outformC.value)
				if strings.EqualFold(nameopt.value, "RFC2253") {
					o.names = x509text.RFC2253
				}
				return runX509(e, o)
			}
		},
	}
}

// x509PrintFlags are the print options, each recorded at its position on
// the command line. marks are the outputs an option asks for (-dates asks
// for two).
var x509PrintFlags = []struct {
	names []string
	marks []string
	usage string
}{
	{[]string{"text"}, []string{"text"}, "print the certificate in text form"},
	{[]string{"subject"}, []string{"subject"}, "print the subject name"},
	{[]string{"issuer"}, []string{"issuer"}, "print the issuer name"},
	{[]string{"serial"}, []string{"serial"}, "print the serial number in hex"},
	{[]string{"dates"}, []string{"startdate", "enddate"}, "print notBefore and notAfter"},
	{[]string{"startdate"}, []string{"startdate"}, "print notBefore"},
	{[]string{"enddate"}, []string{"enddate"}, "print notAfter"},
	{[]string{"fingerprint"}, []string{"fingerprint"}, "print the digest of the DER certificate (SHA1 unless -sha256, -md5, ...)"},
	{[]string{"subject_hash", "subject-hash", "hash"}, []string{"subject_hash"}, "print the subject name hash (openssl rehash's link names)"},
	{[]string{"issuer_hash", "issuer-hash"}, []string{"issuer_hash"}, "print the issuer name hash"},
	{[]string{"subject_hash_old", "subject-hash-old"}, []string{"subject_hash_old"}, "print the old (MD5, before OpenSSL 1.0) subject name hash"},
	{[]string{"issuer_hash_old", "issuer-hash-old"}, []string{"issuer_hash_old"}, "print the old (MD5) issuer name hash"},
	{[]string{"pubkey"}, []string{"pubkey"}, "print the public key in PEM"},
	{[]string{"modulus"}, []string{"modulus"}, "print the RSA modulus in hex"},
	{[]string{"email"}, []string{"email"}, "print the e-mail addresses (subject emailAddress and subjectAltName)"},
	{[]string{"ocsp_uri", "ocsp-uri"}, []string{"ocsp_uri"}, "print the OCSP responder URIs"},
	{[]string{"ocspid"}, []string{"ocspid"}, "print the OCSP hashes of the subject name and public key"},
	{[]string{"alias"}, []string{"alias"}, "print the alias of a TRUSTED CERTIFICATE (<No Alias> if none)"},
}

// x509Options is one x509 command line.
type x509Options struct {
	in, out, inform, outform string
	noout, all, asJSON       bool
	iso8601                  bool // -dateopt iso_8601
	names                    x509text.NameFormat
	// num counts print options; pos is the position of each output, the
	// last one given winning, as openssl numbers them.
	num      int
	pos      map[string]int
	extNames string
	digest   string
	checkend *int64
	// aux holds the trust settings of certificates read from TRUSTED
	// CERTIFICATE blocks.
	aux map[*x509.Certificate]*x509text.Aux
}

func (o *x509Options) mark(what string) {
	o.num++
	o.pos[what] = o.num
}

// orderFlag is a boolean print option that records its position.
type orderFlag struct {
	o     *x509Options
	marks []string
}

func (f *orderFlag) String() string   { return "" }
func (f *orderFlag) IsBoolFlag() bool { return true }

// Set records the option's outputs at the current position.
func (f *orderFlag) Set(v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("%q is not a boolean (true or false)", v)
	}
	if b {
		for _, m := range f.marks {
			f.o.mark(m)
		}
	}
	return nil
}

// extFlag is -ext NAMES, a print option with a value.
type extFlag struct{ o *x509Options }

func (f *extFlag) String() string {
	if f == nil || f.o == nil {
		return ""
	}
	return f.o.extNames
}

// Set records the names and the position.
func (f *extFlag) Set(v string) error {
	f.o.extNames = v
	f.o.mark("ext")
	return nil
}

// digestFlag is -sha256, -md5, ...: the digest -fingerprint uses.
type digestFlag struct {
	o    *x509Options
	name string
}

func (f *digestFlag) String() string   { return "" }
func (f *digestFlag) IsBoolFlag() bool { return true }

// Set selects the digest.
func (f *digestFlag) Set(v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("%q is not a boolean (true or false)", v)
	}
	if b {
		f.o.digest = f.name
	}
	return nil
}

// checkendFlag is -checkend SECONDS.
type checkendFlag struct{ o *x509Options }

func (f *checkendFlag) String() string {
	if f == nil || f.o == nil || f.o.checkend == nil {
		return ""
	}
	return strconv.FormatInt(*f.o.checkend, 10)
}

// Set parses the number of seconds.
func (f *checkendFlag) Set(v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > 1<<40 || n < -(1<<40) {
		return fmt.Errorf("%q is not a number of seconds", v)
	}
	f.o.checkend = &n
	return nil
}

// runX509 reads the input and prints each certificate asked for.
func runX509(e *env, o *x509Options) error {
	name, data, err := readX509Input(e, o.in)
	if err != nil {
		return err
	}
	certs, err := parseX509Input(data, name, o.inform)
	if err != nil {
		return err
	}
	if !o.all {
		certs = certs[:1]
	}
	o.aux = trustSettings(data, certs)
	var out bytes.Buffer
	expired := false
	for _, c := range certs {
		if o.asJSON {
			if err := writeX509JSON(&out, c, o); err != nil {
				return err
			}
			continue
		}
		exp, err := printX509(&out, e.stderr, c, o)
		if err != nil {
			return err
		}
		expired = expired || exp
	}
	if o.out != "" {
		if err := os.WriteFile(o.out, out.Bytes(), 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", o.out, err)
		}
	} else if _, err := e.stdout.Write(out.Bytes()); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	if expired {
		return &silentError{code: exitError}
	}
	return nil
}

// readX509Input reads -in, or standard input when it is empty or "-".
func readX509Input(e *env, in string) (string, []byte, error) {
	if in == "" || in == "-" {
		data, err := io.ReadAll(io.LimitReader(e.stdin, maxX509Input+1))
		if err != nil {
			return "", nil, fmt.Errorf("reading standard input: %w", err)
		}
		if len(data) > maxX509Input {
			return "", nil, fmt.Errorf("standard input: more than %d bytes, not a certificate", maxX509Input)
		}
		return "<stdin>", data, nil
	}
	data, err := safefile.Read(in, maxX509Input)
	if err != nil {
		return "", nil, fmt.Errorf("%s: cannot read certificate: %w", in, err)
	}
	return in, data, nil
}

// parseX509Input decodes the certificates of the input in the format asked
// for (PEM, DER, or detected when inform is empty).
func parseX509Input(data []byte, name, inform string) ([]*x509.Certificate, error) {
	isPEM := bytes.Contains(data, []byte("-----BEGIN "))
	switch {
	case len(data) == 0:
		return nil, fmt.Errorf("%s: no certificate found (the input is empty)", name)
	case inform == "DER" && isPEM:
		return nil, fmt.Errorf("%s: the input is PEM, not DER as -inform DER says", name)
	case inform == "PEM" && !isPEM:
		return nil, fmt.Errorf("%s: no PEM certificate found (-inform PEM)", name)
	}
	certs, err := keyfile.ParseCertificates(data, name)
	if err != nil {
		var ke *keyfile.Error
		if errors.As(err, &ke) {
			msg := ke.Reason
			if ke.Err != nil {
				msg += ": " + ke.Err.Error()
			}
			return nil, fmt.Errorf("%s: %s", name, msg)
		}
		return nil, err
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s: no certificate found", name)
	}
	return certs, nil
}

// date formats -startdate and -enddate as -dateopt says.
func (o *x509Options) date(t time.Time) string {
	if o.iso8601 {
		return t.UTC().Format("2006-01-02 15:04:05Z")
	}
	return x509text.Time(t)
}

// trustSettings finds the trust settings (X509_CERT_AUX) that follow the
// certificates of TRUSTED CERTIFICATE blocks in PEM data.
func trustSettings(data []byte, certs []*x509.Certificate) map[*x509.Certificate]*x509text.Aux {
	out := map[*x509.Certificate]*x509text.Aux{}
	rest := data
	for len(rest) > 0 {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "TRUSTED CERTIFICATE" {
			continue
		}
		in := cryptobyte.String(b.Bytes)
		var der cryptobyte.String
		if !in.ReadASN1Element(&der, cbasn1.SEQUENCE) || in.Empty() {
			continue
		}
		aux, ok := x509text.ParseAux(in)
		if !ok {
			continue
		}
		for _, c := range certs {
			if _, done := out[c]; !done && bytes.Equal(c.Raw, der) {
				out[c] = aux
				break
			}
		}
	}
	return out
}

// printX509 writes one certificate's outputs in command-line order and
// reports whether -checkend found it expiring.
func printX509(w *bytes.Buffer, stderr io.Writer, c *x509.Certificate, o *x509Options) (bool, error) {
	type item struct {
		what string
		pos  int
	}
	items := make([]item, 0, len(o.pos))
	for k, v := range o.pos {
		items = append(items, item{k, v})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].pos < items[j].pos })
	for _, it := range items {
		switch it.what {
		case "text":
			w.WriteString(x509text.Text(c, x509text.Options{Names: o.names, Extensions: o.extFilter(), Aux: o.aux[c]}))
		case "alias":
			if a := o.aux[c]; a != nil && a.HasAlias {
				w.WriteString(a.Alias + "\n")
			} else {
				w.WriteString("<No Alias>\n")
			}
		case "subject":
			w.WriteString("subject=" + x509text.Name(c.RawSubject, o.names) + "\n")
		case "issuer":
			w.WriteString("issuer=" + x509text.Name(c.RawIssuer, o.names) + "\n")
		case "serial":
			w.WriteString("serial=" + x509text.Serial(c.SerialNumber) + "\n")
		case "startdate":
			w.WriteString("notBefore=" + o.date(c.NotBefore) + "\n")
		case "enddate":
			w.WriteString("notAfter=" + o.date(c.NotAfter) + "\n")
		case "fingerprint":
			label, sum := fingerprint(c, o.digest)
			w.WriteString(label + " Fingerprint=" + colonUpper(sum) + "\n")
		case "subject_hash", "issuer_hash", "subject_hash_old", "issuer_hash_old":
			h, err := nameHash(c, it.what)
			if err != nil {
				return false, err
			}
			fmt.Fprintf(w, "%08x\n", h)
		case "pubkey":
			pem.Encode(w, &pem.Block{Type: "PUBLIC KEY", Bytes: c.RawSubjectPublicKeyInfo})
		case "modulus":
			if k, ok := c.PublicKey.(*rsa.PublicKey); ok {
				w.WriteString("Modulus=" + strings.ToUpper(k.N.Text(16)) + "\n")
			} else {
				w.WriteString("Modulus=No modulus for this public key type\n")
			}
		case "email":
			for _, m := range certEmails(c) {
				w.WriteString(m + "\n")
			}
		case "ocsp_uri":
			for _, u := range c.OCSPServer {
				w.WriteString(u + "\n")
			}
		case "ocspid":
			s := sha1.Sum(c.RawSubject)
			k := sha1.Sum(x509text.PublicKeyBits(c))
			fmt.Fprintf(w, "        Subject OCSP hash: %X\n        Public key OCSP hash: %X\n", s, k)
		case "ext":
			printExts(w, stderr, c, o.extNames)
		}
	}
	if o.checkend != nil {
		expires := c.NotAfter.Before(time.Now().Add(time.Duration(*o.checkend) * time.Second))
		if expires {
			w.WriteString("Certificate will expire\n")
		} else {
			w.WriteString("Certificate will not expire\n")
		}
		return expires, nil
	}
	if !o.noout {
		if o.outform == "DER" {
			w.Write(c.Raw)
		} else {
			pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
		}
	}
	return false, nil
}

// extFilter is what -ext does to -text in openssl 3.0: only the listed
// extensions are shown; nil (all) without -ext.
func (o *x509Options) extFilter() func(asn1.ObjectIdentifier) bool {
	if _, ok := o.pos["ext"]; !ok {
		return nil
	}
	names := map[string]bool{}
	for _, n := range strings.Split(o.extNames, ",") {
		names[n] = n != ""
	}
	return func(id asn1.ObjectIdentifier) bool { return names[x509text.ExtensionShortName(id)] }
}

// printExts is -ext: the extensions whose short names are listed, in
// certificate order, or openssl 3.0's message on stderr when none matches.
func printExts(w *bytes.Buffer, stderr io.Writer, c *x509.Certificate, list string) {
	var names []string
	for _, n := range strings.Split(list, ",") {
		if n != "" {
			names = append(names, n)
		}
	}
	n := 0
	for _, ext := range c.Extensions {
		sn := x509text.ExtensionShortName(ext.Id)
		if sn == "" {
			continue
		}
		for _, want := range names {
			if sn == want {
				w.WriteString(x509text.Extension(ext.Id, ext.Critical, ext.Value, 0))
				n++
			}
		}
	}
	if n == 0 {
		fmt.Fprintln(stderr, "No extensions in certificate")
	}
}

// fingerprint returns openssl's label and the digest of the certificate.
func fingerprint(c *x509.Certificate, digest string) (string, []byte) {
	var h hash.Hash
	label := digest
	switch digest {
	case "md5":
		h = md5.New()
	case "sha224":
		h = sha256.New224()
	case "sha256":
		h = sha256.New()
	case "sha384":
		h = sha512.New384()
	case "sha512":
		h = sha512.New()
	case "sha1":
		h = sha1.New()
	default:
		h, label = sha1.New(), "SHA1"
	}
	h.Write(c.Raw)
	return label, h.Sum(nil)
}

func colonUpper(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(parts, ":")
}

// nameHash is X509_subject_name_hash and friends.
func nameHash(c *x509.Certificate, which string) (uint32, error) {
	raw := c.RawSubject
	if strings.HasPrefix(which, "issuer") {
		raw = c.RawIssuer
	}
	var h uint32
	var err error
	if strings.HasSuffix(which, "_old") {
		h, err = dn.HashOld(raw)
	} else {
		h, err = dn.Hash(raw)
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %w", strings.ReplaceAll(which, "_", " "), err)
	}
	return h, nil
}

// certEmails is X509_get1_email: the subject's emailAddress values, then
// the subjectAltName rfc822 names, without duplicates.
func certEmails(c *x509.Certificate) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if attrs, err := dn.Parse(c.RawSubject); err == nil {
		for _, a := range attrs {
			if a.Type == "emailAddress" {
				add(a.Value)
			}
		}
	}
	for _, m := range c.EmailAddresses {
		add(m)
	}
	return out
}

// x509JSON is the --json object of one certificate.
type x509JSON struct {
	Version            int               `json:"version"`
	Serial             string            `json:"serial"`
	SignatureAlgorithm string            `json:"signature_algorithm"`
	Issuer             string            `json:"issuer"`
	IssuerRFC2253      string            `json:"issuer_rfc2253"`
	Subject            string            `json:"subject"`
	SubjectRFC2253     string            `json:"subject_rfc2253"`
	NotBefore          string            `json:"not_before"`
	NotAfter           string            `json:"not_after"`
	PublicKey          x509KeyJSON       `json:"public_key"`
	Fingerprints       map[string]string `json:"fingerprints"`
	SubjectHash        string            `json:"subject_hash"`
	IssuerHash         string            `json:"issuer_hash"`
	SubjectHashOld     string            `json:"subject_hash_old"`
	IssuerHashOld      string            `json:"issuer_hash_old"`
	IsCA               bool              `json:"is_ca"`
	DNSNames           []string          `json:"dns_names"`
	IPAddresses        []string          `json:"ip_addresses"`
	EmailAddresses     []string          `json:"email_addresses"`
	URIs               []string          `json:"uris"`
	OCSPServers        []string          `json:"ocsp_servers"`
	IssuingCertURLs    []string          `json:"ca_issuers"`
	CRLDistPoints      []string          `json:"crl_distribution_points"`
	Extensions         []x509ExtJSON     `json:"extensions"`
	Text               string            `json:"text"`
	PEM                string            `json:"pem"`
}

type x509KeyJSON struct {
	Algorithm string `json:"algorithm"`
	Bits      int    `json:"bits"`
	PEM       string `json:"pem"`
}

type x509ExtJSON struct {
	OID       string `json:"oid"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Critical  bool   `json:"critical"`
	Text      string `json:"text"`
}

func writeX509JSON(w *bytes.Buffer, c *x509.Certificate, o *x509Options) error {
	j := x509JSON{
		Version:            c.Version,
		Serial:             x509text.Serial(c.SerialNumber),
		SignatureAlgorithm: x509text.SignatureAlgorithmName(c),
		Issuer:             x509text.Name(c.RawIssuer, x509text.OneLine),
		IssuerRFC2253:      x509text.Name(c.RawIssuer, x509text.RFC2253),
		Subject:            x509text.Name(c.RawSubject, x509text.OneLine),
		SubjectRFC2253:     x509text.Name(c.RawSubject, x509text.RFC2253),
		NotBefore:          c.NotBefore.UTC().Format(time.RFC3339),
		NotAfter:           c.NotAfter.UTC().Format(time.RFC3339),
		Fingerprints:       map[string]string{},
		IsCA:               c.IsCA,
		DNSNames:           nonNil(c.DNSNames),
		EmailAddresses:     nonNil(c.EmailAddresses),
		OCSPServers:        nonNil(c.OCSPServer),
		IssuingCertURLs:    nonNil(c.IssuingCertificateURL),
		CRLDistPoints:      nonNil(c.CRLDistributionPoints),
		IPAddresses:        []string{},
		URIs:               []string{},
		Extensions:         []x509ExtJSON{},
		Text:               x509text.Text(c, x509text.Options{Names: o.names}),
		PEM:                string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})),
	}
	j.PublicKey.Algorithm, j.PublicKey.Bits = x509text.PublicKeyInfo(c)
	j.PublicKey.PEM = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: c.RawSubjectPublicKeyInfo}))
	for _, d := range []string{"sha1", "sha256"} {
		_, sum := fingerprint(c, d)
		j.Fingerprints[d] = colonUpper(sum)
	}
	for which, dst := range map[string]*string{"subject_hash": &j.SubjectHash, "issuer_hash": &j.IssuerHash,
		"subject_hash_old": &j.SubjectHashOld, "issuer_hash_old": &j.IssuerHashOld} {
		if h, err := nameHash(c, which); err == nil {
			*dst = fmt.Sprintf("%08x", h)
		}
	}
	for _, ip := range c.IPAddresses {
		j.IPAddresses = append(j.IPAddresses, ip.String())
	}
	for _, u := range c.URIs {
		j.URIs = append(j.URIs, u.String())
	}
	for _, ext := range c.Extensions {
		text := x509text.Extension(ext.Id, ext.Critical, ext.Value, 0)
		name, body, _ := strings.Cut(text, "\n")
		name = strings.TrimSuffix(strings.TrimSuffix(name, "critical"), ": ")
		var lines []string
		for _, l := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
			lines = append(lines, strings.TrimPrefix(l, "    "))
		}
		j.Extensions = append(j.Extensions, x509ExtJSON{
			OID: ext.Id.String(), Name: name, ShortName: x509text.ExtensionShortName(ext.Id),
			Critical: ext.Critical, Text: strings.Join(lines, "\n"),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
