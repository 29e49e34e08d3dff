package verify

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sslstream/sslstream/internal/minipki"
)

// nsCertType adds a Netscape certificate type extension with the given
// bits (first octet).
func nsCertType(bits byte) minipki.Option {
	unused := byte(0)
	for unused < 7 && bits&(1<<unused) == 0 {
		unused++
	}
	return minipki.Extra(pkix.Extension{Id: asn1.ObjectIdentifier{2, 16, 840, 1, 113730, 1, 1}, Value: []byte{0x03, 0x02, unused, bits}})
}

func TestParsePurpose(t *testing.T) {
	t.Parallel()
	names := PurposeNames()
	if len(names) != 9 {
		t.Fatalf("PurposeNames = %v", names)
	}
	for _, n := range names {
		p, err := ParsePurpose(n)
		if err != nil || p.String() != n {
			t.Errorf("ParsePurpose(%q) = %v, %v", n, p, err)
		}
	}
	for _, bad := range []string{"codesign", "", "SSLServer", "smime"} {
		if _, err := ParsePurpose(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParsePurpose(%q): error %v", bad, err)
		}
	}
	if s := Purpose(99).String(); s != "Purpose(99)" {
		t.Errorf("Purpose(99).String() = %q", s)
	}
}

// TestPurposeDifferential checks every OpenSSL 3.0 purpose on leaves and
// intermediates of many key usage, extended key usage and Netscape cert
// type profiles against openssl verify -purpose.
func TestPurposeDifferential(t *testing.T) {
	needOpenSSL(t)
	f := newFactory()
	ekuExt := func(critical bool, oids ...asn1.ObjectIdentifier) minipki.Option {
		val, err := asn1.Marshal(oids)
		if err != nil {
			t.Fatal(err)
		}
		return minipki.Extra(pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: critical, Value: val})
	}
	noEKU := minipki.ExtKeyUsage()
	ku := minipki.KeyUsage
	eku := minipki.ExtKeyUsage
	leafProfiles := map[string][]minipki.Option{
		"default":                          nil,
		"no EKU":                           {noEKU},
		"no EKU no KU":                     {noEKU, ku(0)},
		"email digitalSignature":           {eku(x509.ExtKeyUsageEmailProtection)},
		"email keyEncipherment":            {eku(x509.ExtKeyUsageEmailProtection), ku(x509.KeyUsageKeyEncipherment)},
		"email nonRepudiation":             {eku(x509.ExtKeyUsageEmailProtection), ku(x509.KeyUsageContentCommitment)},
		"timeStamping critical":            {noEKU, ekuExt(true, oidTimeStamping)},
		"timeStamping critical KU both":    {noEKU, ekuExt(true, oidTimeStamping), ku(x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment)},
		"timeStamping critical KU encrypt": {noEKU, ekuExt(true, oidTimeStamping), ku(x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment)},
		"timeStamping not critical":        {eku(x509.ExtKeyUsageTimeStamping)},
		"timeStamping and serverAuth":      {noEKU, ekuExt(true, oidTimeStamping, oidServerAuth)},
		"timeStamping and unknown EKU":     {noEKU, ekuExt(true, oidTimeStamping, asn1.ObjectIdentifier{1, 2, 3, 4})},
		"codeSigning":                      {eku(x509.ExtKeyUsageCodeSigning)},
		"anyExtendedKeyUsage":              {eku(x509.ExtKeyUsageAny)},
		"OCSPSigning":                      {eku(x509.ExtKeyUsageOCSPSigning)},
		"server keyEncipherment":           {eku(x509.ExtKeyUsageServerAuth), ku(x509.KeyUsageKeyEncipherment)},
		"server keyAgreement":              {eku(x509.ExtKeyUsageServerAuth), ku(x509.KeyUsageKeyAgreement)},
		"server digitalSignature":          {eku(x509.ExtKeyUsageServerAuth)},
		"cRLSign only":                     {noEKU, ku(x509.KeyUsageCRLSign)},
		"ns sslClient":                     {noEKU, nsCertType(0x80)},
		"email ns sslClient":               {eku(x509.ExtKeyUsageEmailProtection), nsCertType(0x80)},
		"ns smime":                         {noEKU, nsCertType(0x20)},
		"ns sslServer":                     {noEKU, nsCertType(0x40)},
		"ns objsign":                       {noEKU, nsCertType(0x10)},
		"msSGC":                            {eku(x509.ExtKeyUsageMicrosoftServerGatedCrypto)},
	}
	noBC := minipki.Template(func(c *x509.Certificate) { c.BasicConstraintsValid, c.IsCA = false, false })
	interProfiles := map[string][]minipki.Option{
		"intermediate clientAuth":          {eku(x509.ExtKeyUsageClientAuth)},
		"intermediate email":               {eku(x509.ExtKeyUsageEmailProtection)},
		"intermediate timeStamping":        {eku(x509.ExtKeyUsageTimeStamping)},
		"intermediate keyUsage CA":         {noBC},
		"intermediate ns sslCA":            {noBC, ku(0), nsCertType(0x04)},
		"intermediate ns smimeCA":          {noBC, ku(0), nsCertType(0x02)},
		"intermediate ns objCA":            {noBC, ku(0), nsCertType(0x01)},
		"intermediate no certSign crlSign": {ku(x509.KeyUsageCertSign)},
	}
	strictToo := map[string]bool{"ns sslClient": true, "email ns sslClient": true, "intermediate keyUsage CA": true, "intermediate ns sslCA": true, "intermediate ns smimeCA": true}
	type tcase struct {
		name string
		tc   func(t *testing.T) opensslCase
	}
	var cases []tcase
	for _, pn := range PurposeNames() {
		p, _ := ParsePurpose(pn)
		for name, opts := range leafProfiles {
			for _, strict := range []bool{false, true} {
				if strict && !strictToo[name] {
					continue
				}
				cases = append(cases, tcase{name: pn + "/leaf " + name + map[bool]string{true: " strict"}[strict], tc: func(t *testing.T) opensslCase {
					c := newPKI(t, f, "leaf.example.com", nil, nil, opts).std()
					c.purpose, c.strict = p, strict
					return c
				}})
			}
		}
		for name, opts := range interProfiles {
			for _, strict := range []bool{false, true} {
				if strict && !strictToo[name] {
					continue
				}
				cases = append(cases, tcase{name: pn + "/" + name + map[bool]string{true: " strict"}[strict], tc: func(t *testing.T) opensslCase {
					c := newPKI(t, f, "leaf.example.com", nil, opts, nil).std()
					c.purpose, c.strict = p, strict
					return c
				}})
			}
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tc := c.tc(t)
			want, got, res := runBoth(t, tc)
			if tc.strict && len(got) >= len(want) {
				// Strict mode adds rules of ours after all of OpenSSL's
				// (package documentation): openssl's problems come first.
				got = got[:len(want):len(want)]
				if len(want) == 0 {
					got = nil
				}
				res = &Result{Code: OK}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("problems differ from openssl verify (-openssl +ours):\n%s", diff)
			}
			if len(want) == 0 && !res.OK() {
				t.Errorf("openssl verified the chain, we got code %d", res.Code)
			}
		})
	}
	t.Logf("%d differential cases", len(cases))
}
