package verify

import (
	"crypto/x509"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/internal/minipki"
)

func TestTexts(t *testing.T) {
	for code, want := range map[int]string{
		0:  "ok",
		2:  "unable to get issuer certificate",
		10: "certificate has expired",
		20: "unable to get local issuer certificate",
		62: "hostname mismatch",
		79: "invalid CA certificate",
		94: "Certificate public key has explicit ECC parameters",
		95: "unknown certificate verification error",
		-1: "unknown certificate verification error",
	} {
		if got := Text(code); got != want {
			t.Errorf("Text(%d) = %q, want %q", code, got, want)
		}
	}
	if UnableToGetIssuerCertLocally != 20 || CertChainTooLong != 22 || HostnameMismatch != 62 {
		t.Error("constant numbering differs from OpenSSL")
	}
	if !Continuable(CertHasExpired) || Continuable(UnableToGetIssuerCertLocally) || Continuable(CertRevoked) {
		t.Error("Continuable set differs from openssl verify's")
	}
}

func TestVerifyNilInputs(t *testing.T) {
	for _, r := range []*Result{Verify(nil, &Options{}), Verify(&x509.Certificate{}, nil)} {
		if r.OK() || r.Code != Unspecified || len(r.Problems) != 1 || r.Hint == "" {
			t.Errorf("nil input: %+v", r)
		}
	}
	var nilRes *Result
	if nilRes.OK() || nilRes.Text() != "ok" || nilRes.AllProblems() != nil {
		t.Error("nil *Result methods")
	}
}

// TestReport checks the report fields beyond the codes: chains as sent and
// built, trust source, CRLs used, every problem and the hint.
func TestReport(t *testing.T) {
	f := newFactory()
	p := newPKI(t, f, "leaf.example.com", nil, nil, []minipki.Option{minipki.Expired()})
	other := newPKI(t, f, "other.example.com", nil, nil, nil)
	der := must[[]byte](t)(p.inter.CRL([]*big.Int{big.NewInt(1)}, baseTime.Add(-time.Hour), baseTime.Add(time.Hour)))
	crls := must[[]*crl.CRL](t)(crl.Parse(der, "inter.crl"))
	opts := &Options{
		Trust:         []IssuerSource{NewNamedPool("ca-file roots.pem", []*x509.Certificate{p.root.Cert})},
		Intermediates: []*x509.Certificate{other.inter.Cert, p.inter.Cert},
		CRLs:          []CRLSource{crl.NewStore(crls...)},
		CRLCheck:      CRLPeer,
		MaxDepth:      -1,
		Time:          baseTime,
		Hostname:      "nope.example.com",
	}
	r := Verify(p.leaf.Cert, opts)
	if len(r.Sent) != 3 || r.Sent[0] != p.leaf.Cert || r.Sent[2] != p.inter.Cert {
		t.Errorf("Sent = %d certs", len(r.Sent))
	}
	if len(r.Chain) != 3 || r.Chain[1] != p.inter.Cert || r.Chain[2] != p.root.Cert {
		t.Errorf("Chain = %v", r.Chain)
	}
	if r.TrustSource != "ca-file roots.pem" {
		t.Errorf("TrustSource = %q", r.TrustSource)
	}
	if len(r.CRLsUsed) != 1 || r.CRLsUsed[0] != "inter.crl" {
		t.Errorf("CRLsUsed = %v", r.CRLsUsed)
	}
	// Host name mismatch (62) comes before the expiry (10): openssl verify
	// stops at 62; continuing past everything also finds 10.
	if r.Code != HostnameMismatch || r.Depth != 0 || len(r.Problems) != 1 {
		t.Errorf("Code %d Problems %v", r.Code, r.Problems)
	}
	if all := r.AllProblems(); len(all) != 2 || all[1].Code != CertHasExpired || r.FinalCode != CertHasExpired {
		t.Errorf("AllProblems %v FinalCode %d", all, r.FinalCode)
	}
	if r.Problems[0].Subject != "CN = leaf.example.com" || r.Problems[0].String() != "error 62 at 0 depth lookup: hostname mismatch" {
		t.Errorf("problem %+v %q", r.Problems[0], r.Problems[0].String())
	}
	if !strings.Contains(r.Hint, "leaf.example.com") || !strings.Contains(r.Hint, "nope.example.com") {
		t.Errorf("hint %q does not name the certificate's names and the host", r.Hint)
	}
	// Without the intermediate: the hint says the peer sent only the leaf.
	opts.Intermediates, opts.Hostname, opts.CRLCheck = nil, "", CRLNone
	r = Verify(p.leaf.Cert, opts)
	if r.Code != UnableToGetIssuerCertLocally || r.FinalCode != CertHasExpired || !strings.Contains(r.Hint, "sent only its own certificate") {
		t.Errorf("missing intermediate: code %d final %d hint %q", r.Code, r.FinalCode, r.Hint)
	}
	if r.TrustSource != "" {
		t.Errorf("TrustSource %q without an anchor", r.TrustSource)
	}
}

func TestPool(t *testing.T) {
	f := newFactory()
	a := must[*minipki.Cert](t)(f.Root("Same Name"))
	b := must[*minipki.Cert](t)(f.Root("same  name")) // equal under OpenSSL's canonical form
	p := NewPool([]*x509.Certificate{a.Cert, nil, b.Cert, a.Cert})
	if p.Len() != 2 || p.Name() != "ca-file" {
		t.Fatalf("Len %d Name %q", p.Len(), p.Name())
	}
	got, err := p.Issuers(a.Cert.RawSubject)
	if err != nil || len(got) != 2 {
		t.Errorf("Issuers = %d, %v; want both certificates of the canonically equal name", len(got), err)
	}
	var nilPool *Pool
	if c, err := nilPool.Issuers(a.Cert.RawSubject); c != nil || err != nil || nilPool.Len() != 0 {
		t.Error("nil pool")
	}
}
