package verify

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestCodeString checks Code's texts against the table the constants are
// generated from, and a few by hand.
func TestCodeString(t *testing.T) {
	t.Parallel()
	for code, want := range map[Code]string{
		Code(UnableToGetIssuerCertLocally): "unable to get local issuer certificate",
		OK:                                 "ok",
		CertHasExpired:                     "certificate has expired",
		ECKeyExplicitParams:                "Certificate public key has explicit ECC parameters",
		95:                                 "unknown certificate verification error",
		-1:                                 "unknown certificate verification error",
	} {
		if got := code.String(); got != want {
			t.Errorf("Code(%d).String() = %q, want %q", int(code), got, want)
		}
	}
	if !Code(CertHasExpired).Continuable() || Code(CertRevoked).Continuable() {
		t.Error("Continuable: expired must continue, revoked must not")
	}
	f, err := os.Open("../internal/gen/verifycodes/x509-verify-codes.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if sc.Text() == "" || strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		fields := strings.SplitN(sc.Text(), "\t", 3)
		c, err := strconv.Atoi(fields[0])
		if err != nil || len(fields) != 3 {
			t.Fatalf("bad line %q", sc.Text())
		}
		if got := Code(c).String(); got != fields[2] {
			t.Errorf("Code(%d).String() = %q, want %q", c, got, fields[2])
		}
		n++
	}
	if n != len(codeTexts) {
		t.Errorf("table has %d codes, codeTexts %d", n, len(codeTexts))
	}
}
