package sslstream

// Temporary stand-in for the verify/ package (being written in parallel):
// enough of OpenSSL's outcome for the common codes (9, 10, 18, 19, 20, 21,
// 22, 62, 64) so that streams work end to end. Replaced by verify.Verify
// when that package lands.

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/sslstream/sslstream/keyfile"
)

type report struct {
	code, depth, final int
	hint               string
}

var stubTexts = map[int]string{
	0: "ok", 2: "unable to get issuer certificate", 3: "unable to get certificate CRL",
	7: "certificate signature failure", 9: "certificate is not yet valid", 10: "certificate has expired",
	18: "self-signed certificate", 19: "self-signed certificate in certificate chain",
	20: "unable to get local issuer certificate", 21: "unable to verify the first certificate",
	22: "certificate chain too long", 23: "certificate revoked", 26: "unsupported certificate purpose",
	62: "hostname mismatch", 64: "IP address mismatch",
}

func verifyText(code int) string {
	if t, ok := stubTexts[code]; ok {
		return t
	}
	return fmt.Sprintf("verify error %d", code)
}

func loadCAFile(path string) ([]*x509.Certificate, error) {
	return keyfile.LoadCertificates(path)
}

func loadCRLFile(path string) ([]*x509.RevocationList, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []*x509.RevocationList
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "X509 CRL" {
			continue
		}
		l, err := x509.ParseRevocationList(b.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		l, err := x509.ParseRevocationList(data)
		if err != nil {
			return nil, errors.New("no CRL found")
		}
		out = append(out, l)
	}
	return out, nil
}

func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

func runVerify(certs []*x509.Certificate, t *trust, maxDepth int, host string, serverPurpose bool) *report {
	leaf := certs[0]
	r := &report{}
	var errs [][2]int
	add := func(code, depth int) { errs = append(errs, [2]int{code, depth}) }
	roots := x509.NewCertPool()
	trusted := func(c *x509.Certificate) bool {
		for _, a := range t.caCerts {
			if a.Equal(c) {
				return true
			}
		}
		return false
	}
	for _, c := range t.caCerts {
		roots.AddCert(c)
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	now := time.Now()
	var chain []*x509.Certificate
	switch {
	case selfSigned(leaf) && !trusted(leaf):
		add(18, 0)
		chain = []*x509.Certificate{leaf}
	default:
		chains, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		if err == nil {
			chain = chains[0]
			break
		}
		// Rebuild what was sent, to find where it ends.
		chain = []*x509.Certificate{leaf}
		for cur := leaf; ; {
			var next *x509.Certificate
			for _, c := range certs[1:] {
				if bytes.Equal(c.RawSubject, cur.RawIssuer) && cur.CheckSignatureFrom(c) == nil && !c.Equal(cur) {
					next = c
					break
				}
			}
			if next == nil || len(chain) > 20 {
				break
			}
			chain = append(chain, next)
			cur = next
		}
		top := chain[len(chain)-1]
		var ie x509.CertificateInvalidError
		switch {
		case errors.As(err, &ie) && (ie.Reason == x509.Expired):
		case selfSigned(top) && len(chain) > 1:
			add(19, len(chain)-1)
		case len(chain) == 1:
			add(20, 0)
			add(21, 0)
		default:
			add(20, len(chain)-1)
		}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		c := chain[i]
		if now.Before(c.NotBefore) {
			add(9, i)
		}
		if now.After(c.NotAfter) {
			add(10, i)
		}
	}
	if n := len(chain) - 2; n > maxDepth && len(errs) == 0 {
		add(22, maxDepth+1)
	}
	if host != "" {
		if err := leaf.VerifyHostname(host); err != nil {
			if net.ParseIP(host) != nil {
				add(64, 0)
			} else {
				add(62, 0)
			}
		}
	}
	if len(errs) > 0 {
		r.code, r.depth = errs[0][0], errs[0][1]
		r.final = errs[len(errs)-1][0]
	}
	return r
}
