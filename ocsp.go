package sslstream

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/crypto/ocsp"

	"github.com/sslstream/sslstream/internal/safefile"
)

// StatusPolicy is the status setting: what a client does with the OCSP
// response a server staples to the handshake (crypto/tls always asks for
// one, as `openssl s_client -status` does).
type StatusPolicy int

const (
	// StatusNone (the zero value) leaves a staple unchecked, as OpenSSL
	// does without a status callback; Stream.OCSPStatus still reports it.
	StatusNone StatusPolicy = iota
	// StatusCheck verifies a stapled response (signed by the issuer or its
	// delegated OCSP responder, for this certificate, within its validity
	// times). A revoked certificate then fails with verify result 23
	// (certificate revoked), an invalid response with a clear error, both
	// under verify optional and required; so does a certificate that
	// demands a staple (the TLS feature extension, RFC 7633 "must-staple")
	// when the server sends none.
	StatusCheck
	// StatusRequire is StatusCheck, and every server must staple a valid
	// response.
	StatusRequire
)

// String returns the setting value: "none", "check" or "require".
func (p StatusPolicy) String() string {
	switch p {
	case StatusNone:
		return "none"
	case StatusCheck:
		return "check"
	case StatusRequire:
		return "require"
	}
	return fmt.Sprintf("StatusPolicy(%d)", int(p))
}

// ParseStatusPolicy parses "none" (also ""), "check" or "require".
func ParseStatusPolicy(s string) (StatusPolicy, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none", "false", "off":
		return StatusNone, nil
	case "check", "true", "on":
		return StatusCheck, nil
	case "require":
		return StatusRequire, nil
	}
	return 0, fmt.Errorf("status %q: allowed values are none, check, require", s)
}

// OCSPStatus is what a client learned from the OCSP response the server
// stapled to the handshake.
type OCSPStatus struct {
	// Policy is the status setting the response was checked under.
	Policy StatusPolicy
	// Stapled reports whether the server sent a response.
	Stapled bool
	// ResponseStatus is the OCSP response status ("successful",
	// "tryLater", ...), "" when none was sent or it did not parse.
	ResponseStatus string
	// CertStatus is "good", "revoked" or "unknown" for a successful
	// response.
	CertStatus string
	// ThisUpdate, NextUpdate (zero when absent) and, for a revoked
	// certificate, RevokedAt and RevocationReason (RFC 5280 reason code).
	ThisUpdate, NextUpdate, RevokedAt time.Time
	RevocationReason                  int
	// MustStaple reports that the certificate demands a staple (RFC 7633).
	MustStaple bool
	// Problem says why the response is not valid for the certificate (bad
	// signature, another certificate's, out of date ...), "" when it is
	// valid or was not checked (status none) or not sent.
	Problem string
}

// Valid reports whether a successful response for the certificate was
// stapled and, when checked, verified.
func (o *OCSPStatus) Valid() bool {
	return o != nil && o.Stapled && o.ResponseStatus == "successful" && o.Problem == ""
}

// ocspLeeway is the clock difference tolerated on a response's times, as
// OCSP_check_validity is usually called with (5 minutes).
const ocspLeeway = 5 * time.Minute

// maxOCSPFile bounds the status file read.
const maxOCSPFile = 1 << 20

// oidTLSFeature is the TLS feature extension (RFC 7633); the value 5
// (status_request) in it is "must-staple".
var oidTLSFeature = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 24}

// mustStaple reports whether cert carries the TLS feature status_request.
func mustStaple(cert *x509.Certificate) bool {
	for _, e := range cert.Extensions {
		if !e.Id.Equal(oidTLSFeature) {
			continue
		}
		s := cryptobyte.String(e.Value)
		var seq cryptobyte.String
		if !s.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return false
		}
		for !seq.Empty() {
			var v int64
			if !seq.ReadASN1Integer(&v) {
				return false
			}
			if v == 5 {
				return true
			}
		}
	}
	return false
}

// loadStatusFile reads a DER OCSP response for the server's certificate
// (leaf first in cert.Certificate) and checks that it is one: a successful
// response for the leaf's serial number, signed by its issuer or the
// issuer's responder when the chain holds the issuer.
func loadStatusFile(path string, cert *tls.Certificate) ([]byte, error) {
	der, err := safefile.Read(path, maxOCSPFile)
	if err != nil {
		return nil, fmt.Errorf("status-file: %w", err)
	}
	leaf := cert.Leaf
	if leaf == nil && len(cert.Certificate) > 0 {
		if leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return nil, fmt.Errorf("status-file %s: the certificate: %w", path, err)
		}
	}
	var issuer *x509.Certificate
	if len(cert.Certificate) > 1 {
		issuer, _ = x509.ParseCertificate(cert.Certificate[1])
	}
	st := checkStaple(der, leaf, issuer, time.Now())
	if st.ResponseStatus != "successful" {
		return nil, fmt.Errorf("status-file %s: not a successful OCSP response (%s)", path, or(st.ResponseStatus, st.Problem))
	}
	if st.Problem != "" && (issuer != nil || !strings.Contains(st.Problem, "issuer")) {
		return nil, fmt.Errorf("status-file %s: not a valid OCSP response for the certificate %q: %s", path, leaf.Subject.String(), st.Problem)
	}
	return der, nil
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// checkStaple parses and checks an OCSP response for leaf, whose issuer
// is issuer (nil when unknown: the signature cannot be checked).
func checkStaple(der []byte, leaf, issuer *x509.Certificate, now time.Time) *OCSPStatus {
	st := &OCSPStatus{Stapled: len(der) > 0, MustStaple: leaf != nil && mustStaple(leaf)}
	if !st.Stapled {
		return st
	}
	resp, err := ocsp.ParseResponseForCert(der, leaf, nil)
	var re ocsp.ResponseError
	switch {
	case errors.As(err, &re):
		st.ResponseStatus = re.Status.String()
		st.Problem = "the responder answered " + re.Status.String()
		return st
	case err != nil:
		st.Problem = "the response does not parse or is not for this certificate: " + err.Error()
		return st
	}
	st.ResponseStatus = "successful"
	switch resp.Status {
	case ocsp.Good:
		st.CertStatus = "good"
	case ocsp.Revoked:
		st.CertStatus = "revoked"
		st.RevokedAt, st.RevocationReason = resp.RevokedAt, resp.RevocationReason
	default:
		st.CertStatus = "unknown"
	}
	st.ThisUpdate, st.NextUpdate = resp.ThisUpdate, resp.NextUpdate
	switch {
	case issuer == nil:
		st.Problem = "the certificate's issuer is unknown, so the response's signature cannot be checked"
	case resp.Certificate == nil || bytes.Equal(resp.Certificate.Raw, issuer.Raw):
		if resp.Certificate == nil {
			err = resp.CheckSignatureFrom(issuer)
		}
		if err != nil {
			st.Problem = "the response is not signed by the certificate's issuer: " + err.Error()
		}
	default:
		// A delegated responder: issued by the issuer for OCSP signing.
		if err := issuer.CheckSignature(resp.Certificate.SignatureAlgorithm, resp.Certificate.RawTBSCertificate, resp.Certificate.Signature); err != nil {
			st.Problem = "the response's signer " + resp.Certificate.Subject.String() + " is not issued by the certificate's issuer"
		} else if !hasEKU(resp.Certificate, x509.ExtKeyUsageOCSPSigning) {
			st.Problem = "the response's signer " + resp.Certificate.Subject.String() + " is not authorized for OCSP signing"
		}
	}
	if st.Problem == "" {
		switch {
		case now.Add(ocspLeeway).Before(resp.ThisUpdate):
			st.Problem = "the response is not yet valid (thisUpdate " + resp.ThisUpdate.UTC().Format(time.RFC3339) + ")"
		case !resp.NextUpdate.IsZero() && now.Add(-ocspLeeway).After(resp.NextUpdate):
			st.Problem = "the response has expired (nextUpdate " + resp.NextUpdate.UTC().Format(time.RFC3339) + ")"
		}
	}
	return st
}

func hasEKU(c *x509.Certificate, want x509.ExtKeyUsage) bool {
	for _, u := range c.ExtKeyUsage {
		if u == want {
			return true
		}
	}
	return false
}

// stapleOutcome checks the server's staple under the client's status
// policy: the status to report, and the failure it causes (nil when none).
func (c *config) stapleOutcome(cs tls.ConnectionState, o *verifyOutcome) (*OCSPStatus, error) {
	if len(cs.PeerCertificates) == 0 {
		return nil, nil
	}
	leaf := cs.PeerCertificates[0]
	var issuer *x509.Certificate
	if o != nil && o.result != nil && len(o.result.Chain) > 1 {
		issuer = o.result.Chain[1]
	} else if len(cs.PeerCertificates) > 1 {
		issuer = cs.PeerCertificates[1]
	}
	if c.status == StatusNone {
		// Reported, not judged: no signature check on the handshake path.
		st := checkStaple(cs.OCSPResponse, leaf, nil, time.Now())
		st.Policy, st.Problem = c.status, ""
		return st, nil
	}
	st := checkStaple(cs.OCSPResponse, leaf, issuer, time.Now())
	st.Policy = c.status
	switch {
	case st.Stapled && st.Problem != "":
		return st, &ocspFailure{msg: "the OCSP response stapled by the server is not valid: " + st.Problem}
	case st.Stapled && st.CertStatus == "revoked":
		return st, &verifyFailure{code: 23, text: "certificate revoked", hint: "the server's own OCSP response says its certificate was revoked at " + st.RevokedAt.UTC().Format(time.RFC3339)}
	case !st.Stapled && st.MustStaple:
		return st, &ocspFailure{msg: "the server's certificate demands an OCSP staple (TLS feature status_request, RFC 7633) and the server sent none"}
	case !st.Stapled && c.status == StatusRequire:
		return st, &ocspFailure{msg: "no OCSP response stapled by the server (setting status require)"}
	}
	return st, nil
}

// ocspFailure is a refusal of the server's OCSP staple (OpenSSL's
// "invalid status response").
type ocspFailure struct{ msg string }

func (o *ocspFailure) Error() string { return o.msg }

// reasonInvalidStatusResponse is OpenSSL's SSL_R_INVALID_STATUS_RESPONSE.
const reasonInvalidStatusResponse = 328

// OCSPStatus returns what the server's stapled OCSP response says, checked
// under the status setting, or nil before the handshake, on a server, and
// when the peer sent no certificate. It never starts the handshake.
func (s *Stream) OCSPStatus() *OCSPStatus {
	st := s.ocsp.Load()
	if st == nil {
		return nil
	}
	cp := *st
	return &cp
}
