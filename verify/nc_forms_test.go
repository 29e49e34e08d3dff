package verify

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// DER builders for the name constraint tests: GeneralNames, subtrees,
// names and the two extensions, so that every form (also the ones
// crypto/x509 cannot make or parse) can be put in a certificate.

func tlv(tag byte, content []byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.Tag(tag), func(b *cryptobyte.Builder) { b.AddBytes(content) })
	return b.BytesOrPanic()
}

func oidContent(oid asn1.ObjectIdentifier) []byte {
	der, err := asn1.Marshal(oid)
	if err != nil {
		panic(err)
	}
	return der[2:]
}

func oidDER(oid asn1.ObjectIdentifier) []byte { return tlv(0x06, oidContent(oid)) }

func gnEmail(s string) []byte { return tlv(0x81, []byte(s)) }
func gnDNS(s string) []byte   { return tlv(0x82, []byte(s)) }
func gnURI(s string) []byte   { return tlv(0x86, []byte(s)) }
func gnIP(b ...byte) []byte   { return tlv(0x87, b) }
func gnRID(oid asn1.ObjectIdentifier) []byte {
	return tlv(0x88, oidContent(oid))
}
func gnDir(name []byte) []byte { return tlv(0xa4, name) }

// gnOther is an otherName whose value is the DER value.
func gnOther(oid asn1.ObjectIdentifier, value []byte) []byte {
	return tlv(0xa0, append(oidDER(oid), tlv(0xa0, value)...))
}

// gnX400 is an x400Address holding one (arbitrary) PrintableString.
func gnX400() []byte { return tlv(0xa3, tlv(0x30, tlv(0x13, []byte("x400")))) }

// gnEDI is an ediPartyName with a partyName only.
func gnEDI(party string) []byte { return tlv(0xa5, tlv(0xa1, tlv(0x0c, []byte(party)))) }

func utf8V(s string) []byte { return tlv(0x0c, []byte(s)) }
func ia5V(s string) []byte  { return tlv(0x16, []byte(s)) }

var (
	oidUPN       = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 20, 2, 3}
	oidSmtpUTF8  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 8, 9}
	oidCN        = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidO         = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidC         = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidSANExt    = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidNCExt     = asn1.ObjectIdentifier{2, 5, 29, 30}
	oidTestRID   = asn1.ObjectIdentifier{1, 2, 3, 4}
	oidTestRID2  = asn1.ObjectIdentifier{1, 2, 3, 5}
	oidTestOther = asn1.ObjectIdentifier{1, 2, 3, 99}
)

// rdnAttr is one attribute of a hand-made Name (one attribute an RDN).
type rdnAttr struct {
	oid   asn1.ObjectIdentifier
	tag   byte
	value string
}

func nameDER(attrs ...rdnAttr) []byte {
	var body []byte
	for _, a := range attrs {
		atv := tlv(0x30, append(oidDER(a.oid), tlv(a.tag, []byte(a.value))...))
		body = append(body, tlv(0x31, atv)...)
	}
	return tlv(0x30, body)
}

func cn(s string) rdnAttr   { return rdnAttr{oidCN, 0x0c, s} }
func org(s string) rdnAttr  { return rdnAttr{oidO, 0x0c, s} }
func ctry(s string) rdnAttr { return rdnAttr{oidC, 0x13, s} }

// sub is a GeneralSubtree; extra holds hand-made minimum/maximum fields.
func sub(gn []byte, extra ...[]byte) []byte {
	body := append([]byte(nil), gn...)
	for _, e := range extra {
		body = append(body, e...)
	}
	return tlv(0x30, body)
}

func ncDER(perm, excl [][]byte) []byte {
	var body []byte
	if perm != nil {
		body = append(body, tlv(0xa0, concat(perm))...)
	}
	if excl != nil {
		body = append(body, tlv(0xa1, concat(excl))...)
	}
	return tlv(0x30, body)
}

func concat(parts [][]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// ncForm is one name constraints case: constraints on the intermediate
// (and optionally the root) and the names of the leaf.
type ncForm struct {
	perm, excl         [][]byte // subtrees on the intermediate; both nil: none
	rootPerm, rootExcl [][]byte // subtrees on the root
	san                [][]byte // leaf SAN GeneralNames; nil: no SAN
	subject            []byte   // leaf subject; nil: CN=leaf.example.com
	interSubject       []byte   // intermediate subject; nil: CN=NC Intermediate
	// goRefuses: crypto/x509 does not parse the certificate (of the
	// intermediate, or of the leaf), so only openssl is asked and the
	// test checks that Go still refuses.
	goRefuses bool
}

func ncForms() map[string]ncForm {
	p := func(gns ...[]byte) [][]byte {
		out := [][]byte{}
		for _, g := range gns {
			out = append(out, sub(g))
		}
		return out
	}
	gns := func(g ...[]byte) [][]byte { return g }
	leafCN := func(s string) []byte { return nameDER(cn(s)) }
	return map[string]ncForm{
		// otherName.
		"otherName UPN constraint, UPN SAN":            {perm: p(gnOther(oidUPN, utf8V("a@example.com"))), san: gns(gnOther(oidUPN, utf8V("a@example.com")))},
		"otherName UPN excluded, UPN SAN":              {excl: p(gnOther(oidUPN, utf8V("a@example.com"))), san: gns(gnOther(oidUPN, utf8V("b@example.com")))},
		"otherName UPN constraint, other type-id SAN":  {perm: p(gnOther(oidUPN, utf8V("a@example.com"))), san: gns(gnOther(oidTestOther, utf8V("x")))},
		"otherName UPN constraint, DNS SAN":            {perm: p(gnOther(oidUPN, utf8V("a@example.com"))), san: gns(gnDNS("leaf.example.com"))},
		"otherName constraint, no SAN":                 {perm: p(gnOther(oidTestOther, utf8V("x")))},
		"otherName SmtpUTF8 constraint, SmtpUTF8 SAN":  {perm: p(gnOther(oidSmtpUTF8, utf8V("example.com"))), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.com")))},
		"SmtpUTF8 SAN, email constraint ok":            {perm: p(gnEmail("example.com")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.com")))},
		"SmtpUTF8 SAN, email constraint violated":      {perm: p(gnEmail("example.com")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.org")))},
		"SmtpUTF8 SAN, email constraint host case":     {perm: p(gnEmail("EXAMPLE.com")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.COM")))},
		"SmtpUTF8 SAN, email excluded":                 {excl: p(gnEmail("example.com")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.com")))},
		"SmtpUTF8 SAN, email excluded other host":      {excl: p(gnEmail("example.com")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.net")))},
		"SmtpUTF8 SAN, dot email constraint":           {perm: p(gnEmail(".example.com")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@a.example.com")))},
		"SmtpUTF8 SAN, dot email constraint parent":    {perm: p(gnEmail(".example.com")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.com")))},
		"SmtpUTF8 SAN, mailbox email constraint":       {perm: p(gnEmail("u@example.com")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.com")))},
		"SmtpUTF8 SAN, mailbox email constraint other": {perm: p(gnEmail("v@example.com")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.com")))},
		"SmtpUTF8 SAN, A-label constraint":             {perm: p(gnEmail("xn--bcher-kva.example")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@bücher.example")))},
		"SmtpUTF8 SAN, A-label constraint other":       {perm: p(gnEmail("xn--bcher-kva.example")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@bucher.example")))},
		"SmtpUTF8 SAN, bad A-label constraint":         {perm: p(gnEmail("xn--ab!.example")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.com")))},
		"SmtpUTF8 SAN, long constraint":                {perm: p(gnEmail(strings.Repeat("a", 250) + ".example")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.com")))},
		"SmtpUTF8 SAN, A-label dot constraint":         {perm: p(gnEmail(".xn--bcher-kva.example")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@a..bücher.example")))},
		"SmtpUTF8 SAN, two SANs second violates":       {perm: p(gnEmail("example.com")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.com")), gnOther(oidSmtpUTF8, utf8V("v@example.net")))},
		"SmtpUTF8 SAN not UTF8String":                  {perm: p(gnEmail("example.com")), san: gns(gnOther(oidSmtpUTF8, ia5V("u@example.com")))},
		"SmtpUTF8 SAN without at sign":                 {perm: p(gnEmail("example.com")), san: gns(gnOther(oidSmtpUTF8, utf8V("example.com")))},
		"SmtpUTF8 SAN, no email constraint":            {perm: p(gnDNS("example.com")), san: gns(gnOther(oidSmtpUTF8, ia5V("bad")), gnDNS("a.example.com"))},
		"SmtpUTF8 SAN, NUL in constraint":              {perm: p(gnEmail("exa\x00mple.com")), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.com"))), goRefuses: true},
		// x400Address, ediPartyName, registeredID.
		"x400 constraint, x400 SAN":         {perm: p(gnX400()), san: gns(gnX400())},
		"x400 excluded, x400 SAN":           {excl: p(gnX400()), san: gns(gnX400())},
		"x400 constraint, DNS SAN":          {perm: p(gnX400()), san: gns(gnDNS("leaf.example.com"))},
		"DNS constraint, x400 SAN":          {perm: p(gnDNS("example.com")), san: gns(gnX400())},
		"ediParty constraint, ediParty SAN": {perm: p(gnEDI("a")), san: gns(gnEDI("b"))},
		"ediParty excluded, DNS SAN":        {excl: p(gnEDI("a")), san: gns(gnDNS("leaf.example.com"))},
		"RID constraint, RID SAN":           {perm: p(gnRID(oidTestRID)), san: gns(gnRID(oidTestRID))},
		"RID constraint, other RID SAN":     {perm: p(gnRID(oidTestRID)), san: gns(gnRID(oidTestRID2))},
		"RID excluded, email SAN":           {excl: p(gnRID(oidTestRID)), san: gns(gnEmail("u@example.com"))},
		// directoryName.
		"dirName permitted subject ok":    {perm: p(gnDir(nameDER(org("Test")))), subject: nameDER(org("Test"), cn("leaf.example.com"))},
		"dirName permitted subject other": {perm: p(gnDir(nameDER(org("Test")))), subject: nameDER(org("Other"), cn("leaf.example.com"))},
		"dirName permitted canonical":     {perm: p(gnDir(nameDER(org("  TEST   co ")))), subject: nameDER(org("test co"), cn("leaf.example.com"))},
		"dirName permitted SAN violates":  {perm: p(gnDir(nameDER(org("Test")))), subject: nameDER(org("Test"), cn("leaf.example.com")), san: gns(gnDir(nameDER(org("Other"))))},
		"dirName excluded SAN":            {excl: p(gnDir(nameDER(org("Bad")))), san: gns(gnDir(nameDER(org("Bad"), cn("x"))))},
		"dirName excluded subject":        {excl: p(gnDir(nameDER(ctry("XX")))), subject: nameDER(ctry("XX"), cn("leaf.example.com"))},
		"dirName permitted empty subject": {perm: p(gnDir(nameDER(org("Test")))), subject: nameDER(), san: gns(gnDNS("leaf.example.com"))},
		"dirName longer constraint":       {perm: p(gnDir(nameDER(org("Test"), cn("leaf.example.com"), cn("more")))), subject: nameDER(org("Test"), cn("leaf.example.com"))},
		"root dirName, intermediate":      {rootPerm: p(gnDir(nameDER(org("Test")))), interSubject: nameDER(org("Other"), cn("NC Intermediate")), subject: nameDER(org("Test"), cn("leaf.example.com"))},
		"root dirName, leaf":              {rootPerm: p(gnDir(nameDER(org("Test")))), interSubject: nameDER(org("Test"), cn("NC Intermediate")), subject: nameDER(org("Other"), cn("leaf.example.com"))},
		"root DNS, leaf":                  {rootPerm: p(gnDNS("example.org")), san: gns(gnDNS("leaf.example.com"))},
		"root and intermediate":           {rootExcl: p(gnDNS("example.com")), perm: p(gnDNS("example.net")), san: gns(gnDNS("leaf.example.com"))},
		// URI.
		"URI host ok":            {perm: p(gnURI("example.com")), san: gns(gnURI("https://example.com/path"))},
		"URI host other":         {perm: p(gnURI("example.com")), san: gns(gnURI("https://other.com/"))},
		"URI host with port":     {perm: p(gnURI("example.com")), san: gns(gnURI("https://example.com:443"))},
		"URI dot constraint sub": {perm: p(gnURI(".example.com")), san: gns(gnURI("http://a.example.com:8080/"))},
		"URI dot constraint top": {perm: p(gnURI(".example.com")), san: gns(gnURI("http://example.com"))},
		"URI excluded case":      {excl: p(gnURI("example.com")), san: gns(gnURI("https://EXAMPLE.com"))},
		"URI without authority":  {perm: p(gnURI("example.com")), san: gns(gnURI("urn:isbn:123"))},
		"URI empty host":         {perm: p(gnURI("example.com")), san: gns(gnURI("file:///etc/hosts"))},
		"URI mailto":             {excl: p(gnURI("example.com")), san: gns(gnURI("mailto:u@example.com"))},
		"URI userinfo":           {perm: p(gnURI("example.com")), san: gns(gnURI("https://u@example.com/"))},
		"URI no constraint":      {perm: p(gnDNS("example.com")), san: gns(gnURI("urn:x"), gnDNS("a.example.com"))},
		"URI empty constraint":   {perm: p(gnURI("")), san: gns(gnURI("https://example.com/"))},
		// rfc822Name.
		"email host ok":                {perm: p(gnEmail("example.com")), san: gns(gnEmail("u@example.com"))},
		"email host subdomain":         {perm: p(gnEmail("example.com")), san: gns(gnEmail("u@a.example.com"))},
		"email dot ok":                 {perm: p(gnEmail(".example.com")), san: gns(gnEmail("u@a.example.com"))},
		"email dot top":                {perm: p(gnEmail(".example.com")), san: gns(gnEmail("u@example.com"))},
		"email mailbox ok":             {perm: p(gnEmail("u@example.com")), san: gns(gnEmail("u@EXAMPLE.com"))},
		"email mailbox local case":     {perm: p(gnEmail("u@example.com")), san: gns(gnEmail("U@example.com"))},
		"email at host":                {perm: p(gnEmail("@example.com")), san: gns(gnEmail("u@example.com")), goRefuses: true},
		"email without at":             {perm: p(gnEmail("example.com")), san: gns(gnEmail("example.com"))},
		"email excluded":               {excl: p(gnEmail("example.com")), san: gns(gnEmail("u@example.com"))},
		"email subject ok":             {perm: p(gnEmail("example.com")), subject: nameDER(cn("leaf"), rdnAttr{oidEmailAddress, 0x16, "u@example.com"})},
		"email subject violation":      {perm: p(gnEmail("example.com")), subject: nameDER(cn("leaf"), rdnAttr{oidEmailAddress, 0x16, "u@example.org"})},
		"email subject excluded":       {excl: p(gnEmail("example.com")), subject: nameDER(cn("leaf"), rdnAttr{oidEmailAddress, 0x16, "u@example.com"})},
		"email subject UTF8String":     {perm: p(gnEmail("example.com")), subject: nameDER(cn("leaf"), rdnAttr{oidEmailAddress, 0x0c, "u@example.com"})},
		"email subject UTF8 no constr": {perm: p(gnDNS("example.com")), subject: nameDER(cn("leaf.example.com"), rdnAttr{oidEmailAddress, 0x0c, "u@example.com"})},
		// iPAddress.
		"IP constraint 5 bytes":         {perm: p(gnIP(10, 0, 0, 0, 255)), san: gns(gnIP(10, 1, 2, 3)), goRefuses: true},
		"IP constraint 4 bytes":         {perm: p(gnIP(10, 0, 0, 0)), san: gns(gnIP(10, 1, 2, 3)), goRefuses: true},
		"IP v4 constraint, v6 SAN":      {perm: p(gnIP(10, 0, 0, 0, 255, 0, 0, 0)), san: gns(gnIP(0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))},
		"IP v6 constraint, v4 SAN":      {perm: p(gnIP(0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), san: gns(gnIP(10, 1, 2, 3))},
		"IP v6 constraint ok":           {perm: p(gnIP(0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), san: gns(gnIP(0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))},
		"IP excluded":                   {excl: p(gnIP(10, 0, 0, 0, 255, 0, 0, 0)), san: gns(gnIP(10, 1, 2, 3))},
		"IP SAN 5 bytes":                {perm: p(gnIP(10, 0, 0, 0, 255, 0, 0, 0)), san: gns(gnIP(10, 1, 2, 3, 4)), goRefuses: true},
		"IP SAN 5 bytes, no constraint": {perm: p(gnDNS("example.com")), san: gns(gnIP(10, 1, 2, 3, 4), gnDNS("a.example.com")), goRefuses: true},
		"IP odd mask":                   {perm: p(gnIP(10, 0, 3, 0, 255, 0, 255, 0)), san: gns(gnIP(10, 9, 3, 9)), goRefuses: true},
		// dNSName.
		"DNS empty constraint":       {perm: p(gnDNS("")), san: gns(gnDNS("anything.example"))},
		"DNS dot constraint top":     {perm: p(gnDNS(".example.com")), san: gns(gnDNS("example.com"))},
		"DNS case":                   {perm: p(gnDNS("example.com")), san: gns(gnDNS("LEAF.EXAMPLE.COM"))},
		"DNS suffix not label":       {perm: p(gnDNS("example.com")), san: gns(gnDNS("badexample.com"))},
		"DNS excluded subdomain":     {excl: p(gnDNS("example.com")), san: gns(gnDNS("a.example.com"))},
		"DNS permitted and excluded": {perm: p(gnDNS("example.com")), excl: p(gnDNS("bad.example.com")), san: gns(gnDNS("x.bad.example.com"))},
		"DNS two permitted":          {perm: p(gnDNS("example.org"), gnDNS("example.com")), san: gns(gnDNS("a.example.com"))},
		// CN as host name when there is no DNS SAN.
		"CN checked without SAN":           {perm: p(gnDNS("example.com")), subject: leafCN("leaf.example.org")},
		"CN not a host name":               {perm: p(gnDNS("example.com")), subject: leafCN("not a hostname")},
		"CN single label":                  {perm: p(gnDNS("example.com")), subject: leafCN("localhost")},
		"CN leading hyphen":                {perm: p(gnDNS("example.com")), subject: leafCN("-a.example.org")},
		"CN with email SAN only":           {perm: p(gnDNS("example.com")), subject: leafCN("x.example.org"), san: gns(gnEmail("u@example.org"))},
		"CN with DNS SAN":                  {perm: p(gnDNS("example.com")), subject: leafCN("x.example.org"), san: gns(gnDNS("a.example.com"))},
		"CN embedded NUL":                  {perm: p(gnDNS("example.com")), subject: leafCN("a\x00b.example.org")},
		"CN trailing NUL":                  {perm: p(gnDNS("example.com")), subject: leafCN("a.example.org\x00")},
		"CN BMPString":                     {perm: p(gnDNS("example.com")), subject: nameDER(rdnAttr{oidCN, 0x1e, "\x00x\x00.\x00o\x00r\x00g"})},
		"CN two, second violates":          {perm: p(gnDNS("example.com")), subject: nameDER(cn("a.example.com"), cn("b.example.net"))},
		"CN excluded":                      {excl: p(gnDNS("example.com")), subject: leafCN("a.example.com")},
		"CN underscore":                    {perm: p(gnDNS("example.com")), subject: leafCN("a_b.example.net")},
		"CN with SmtpUTF8 SAN":             {perm: p(gnDNS("example.com")), subject: leafCN("a.example.net"), san: gns(gnOther(oidSmtpUTF8, utf8V("u@example.com")))},
		"CN permitted email not DNS":       {perm: p(gnEmail("example.com")), subject: leafCN("a.example.net")},
		"CN checked, intermediate has CN":  {perm: p(gnDNS("example.com")), subject: leafCN("a.example.com"), interSubject: nameDER(cn("inter.example.org"))},
		"minimum 1":                        {perm: [][]byte{sub(gnDNS("example.com"), tlv(0x80, []byte{1}))}, san: gns(gnDNS("a.example.com"))},
		"minimum 0":                        {perm: [][]byte{sub(gnDNS("example.com"), tlv(0x80, []byte{0}))}, san: gns(gnDNS("a.example.com"))},
		"maximum":                          {excl: [][]byte{sub(gnDNS("example.org"), tlv(0x81, []byte{3}))}, san: gns(gnDNS("a.example.com"))},
		"minimum on other type":            {perm: [][]byte{sub(gnEmail("example.com"), tlv(0x80, []byte{1}))}, san: gns(gnDNS("a.example.com"))},
		"unsupported before minmax":        {perm: [][]byte{sub(gnX400()), sub(gnX400(), tlv(0x81, []byte{3}))}, san: gns(gnX400())},
		"first permitted match, then x400": {perm: [][]byte{sub(gnDNS("example.com")), sub(gnDNS("x400.example"))}, excl: p(gnX400()), san: gns(gnDNS("a.example.com"), gnX400())},
	}
}

// ncKeys are the three keys of the name constraint chains, made once.
type ncKeys struct{ root, inter, leaf *ecdsa.PrivateKey }

func newNCKeys(t *testing.T) ncKeys {
	k := func() *ecdsa.PrivateKey {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return key
	}
	return ncKeys{k(), k(), k()}
}

// build makes the root, intermediate and leaf DER of a case.
func (fc ncForm) build(t *testing.T, keys ncKeys) (root, inter, leaf []byte) {
	t.Helper()
	nb, na := baseTime.Add(-time.Hour), baseTime.Add(24*time.Hour)
	mk := func(serial int64, subject, issuer []byte, key, signer *ecdsa.PrivateKey, parent *x509.Certificate, ca bool, exts []pkix.Extension) []byte {
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), RawSubject: subject, NotBefore: nb, NotAfter: na,
			BasicConstraintsValid: true, IsCA: ca, ExtraExtensions: exts,
		}
		if ca {
			tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		} else {
			tmpl.KeyUsage = x509.KeyUsageDigitalSignature
			tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		}
		if parent == nil {
			parent = tmpl
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	ncExt := func(perm, excl [][]byte) []pkix.Extension {
		if perm == nil && excl == nil {
			return nil
		}
		return []pkix.Extension{{Id: oidNCExt, Critical: true, Value: ncDER(perm, excl)}}
	}
	rootName := nameDER(cn("NC Root"))
	root = mk(1, rootName, rootName, keys.root, keys.root, nil, true, ncExt(fc.rootPerm, fc.rootExcl))
	rootCert := &x509.Certificate{Raw: root, RawSubject: rootName, PublicKey: &keys.root.PublicKey, SubjectKeyId: nil}
	if c, err := x509.ParseCertificate(root); err == nil {
		rootCert = c
	}
	interName := fc.interSubject
	if interName == nil {
		interName = nameDER(cn("NC Intermediate"))
	}
	inter = mk(2, interName, rootName, keys.inter, keys.root, rootCert, true, ncExt(fc.perm, fc.excl))
	interCert := &x509.Certificate{Raw: inter, RawSubject: interName, PublicKey: &keys.inter.PublicKey}
	if c, err := x509.ParseCertificate(inter); err == nil {
		interCert = c
	}
	subject := fc.subject
	if subject == nil {
		subject = nameDER(cn("leaf.example.com"))
	}
	var exts []pkix.Extension
	if fc.san != nil {
		exts = append(exts, pkix.Extension{Id: oidSANExt, Value: tlv(0x30, concat(fc.san))})
	}
	leaf = mk(3, subject, interName, keys.leaf, keys.inter, interCert, false, exts)
	return root, inter, leaf
}

// opensslVerifyDER runs openssl verify on DER certificates: root trusted,
// intermediate untrusted; it returns the problems and the exit status.
func opensslVerifyDER(t *testing.T, root, inter, leaf []byte, extra ...string) ([]Problem, int, string) {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	args := []string{"verify", "-attime", strconv.FormatInt(baseTime.Unix(), 10), "-no-CAstore", "-no-CApath",
		"-CAfile", write("root.pem", root), "-untrusted", write("inter.pem", inter)}
	args = append(args, extra...)
	args = append(args, write("leaf.pem", leaf))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "openssl", args...).CombinedOutput()
	status := 0
	if ee, ok := err.(*exec.ExitError); ok {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("openssl verify: %v", err)
	}
	return parseOpenSSLVerify(string(out)), status, string(out)
}

// TestNameConstraintFormsDifferential checks every general-name form in
// constraints and in names against openssl verify: the same errors at the
// same depths, and the same exit status.
func TestNameConstraintFormsDifferential(t *testing.T) {
	needOpenSSL(t)
	t.Parallel()
	keys := newNCKeys(t)
	forms := ncForms()
	if len(forms) < 60 {
		t.Fatalf("only %d cases", len(forms))
	}
	for name, fc := range forms {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rootDER, interDER, leafDER := fc.build(t, keys)
			want, status, out := opensslVerifyDER(t, rootDER, interDER, leafDER)
			if (status == 0) != (len(ownProblems(want)) == 0) {
				t.Fatalf("openssl exit status %d does not fit its output:\n%s", status, out)
			}
			var certs []*x509.Certificate
			var perr error
			for _, der := range [][]byte{rootDER, interDER, leafDER} {
				c, err := x509.ParseCertificate(der)
				if err != nil {
					perr = err
					break
				}
				certs = append(certs, c)
			}
			if fc.goRefuses {
				if perr == nil {
					t.Fatalf("crypto/x509 now parses these certificates; make this a full differential case (openssl: %v)", want)
				}
				t.Logf("crypto/x509 refuses (%v); openssl: exit %d, %v", perr, status, want)
				return
			}
			if perr != nil {
				t.Fatalf("crypto/x509: %v", perr)
			}
			res := Verify(certs[2], &Options{MaxDepth: -1, Time: baseTime, Intermediates: certs[1:2], Trust: []IssuerSource{NewPool(certs[:1])}})
			t.Logf("openssl: exit %d, %v", status, want)
			if diff := cmp.Diff(want, res.Problems); diff != "" {
				t.Errorf("problems differ from openssl (-openssl +ours):\n%s\nopenssl said:\n%s", diff, out)
			}
			wantStatus := 0
			if len(res.Problems) > 0 {
				wantStatus = 2
			}
			if status != wantStatus {
				t.Errorf("openssl exit status %d, ours would be %d", status, wantStatus)
			}
			if strings.Contains(out, "error") && len(want) == 0 {
				t.Errorf("unparsed openssl output:\n%s", out)
			}
		})
	}
}
