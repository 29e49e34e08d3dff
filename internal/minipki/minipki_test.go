package minipki

import (
	"crypto"
	"crypto/x509"
	"math/big"
	"testing"
	"time"
)

func TestChainVerifiesWithGo(t *testing.T) {
	f := New()
	chain, err := f.Chain("host.example", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(chain) != 4 {
		t.Fatalf("chain has %d certificates, want 4", len(chain))
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(chain[3].Cert)
	inter.AddCert(chain[1].Cert)
	inter.AddCert(chain[2].Cert)
	if _, err := chain[0].Cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: "host.example"}); err != nil {
		t.Fatalf("generated chain does not verify: %v", err)
	}
}

func TestOptions(t *testing.T) {
	f := New()
	root, err := f.Root("R")
	if err != nil {
		t.Fatal(err)
	}
	bad, err := root.Leaf("bad.example", BadSignature())
	if err != nil {
		t.Fatal(err)
	}
	if err := bad.Cert.CheckSignatureFrom(root.Cert); err == nil {
		t.Fatal("BadSignature certificate verifies under its issuer")
	}
	good, err := root.Leaf("good.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := good.Cert.CheckSignatureFrom(root.Cert); err != nil {
		t.Fatalf("good certificate: %v", err)
	}
	exp, err := root.Leaf("e.example", Expired())
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Cert.NotAfter.Before(f.Now) {
		t.Fatalf("Expired: notAfter %v not before %v", exp.Cert.NotAfter, f.Now)
	}
	nyv, err := root.Leaf("n.example", NotYetValid())
	if err != nil {
		t.Fatal(err)
	}
	if !nyv.Cert.NotBefore.After(f.Now.Add(time.Hour)) {
		t.Fatalf("NotYetValid: notBefore %v", nyv.Cert.NotBefore)
	}
	r1, err := root.Leaf("r.example", RSA())
	if err != nil {
		t.Fatal(err)
	}
	r2, err := root.Leaf("r2.example", RSA())
	if err != nil {
		t.Fatal(err)
	}
	if !r1.Key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(r2.Key.Public()) {
		t.Fatal("RSA key not shared within a Factory")
	}
}

func TestStepsKeepTheFirstError(t *testing.T) {
	f := New()
	st := &Steps{Dir: t.TempDir()}
	root := st.Cert(f.Root("R"))
	bad := st.Cert(root.Leaf("x", Serial(big.NewInt(-1))))
	if bad != nil || st.Err == nil {
		t.Fatalf("a leaf with a negative serial: cert %v, err %v; want an error", bad, st.Err)
	}
	first := st.Err
	if c := st.Cert(bad.Leaf("below")); c != nil || st.Err != first {
		t.Fatalf("issuing below a failed step: cert %v, err %v; want nil and the first error kept", c, st.Err)
	}
	if p := st.File("r.pem", root.CertPEM()); p != "" {
		t.Fatalf("File wrote %q after an error", p)
	}

	ok := &Steps{Dir: t.TempDir()}
	p := ok.File("r.pem", ok.Cert(f.Root("R")).CertPEM())
	if ok.Err != nil || p == "" {
		t.Fatalf("File: %q, %v", p, ok.Err)
	}
}
