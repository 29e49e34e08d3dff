package cadir

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sslstream/sslstream/dn"
	"github.com/sslstream/sslstream/keyfile"
)

// TestTrustSettings: the trust settings after a certificate are kept (in
// any certificate block, as OpenSSL's PEM_read_bio_X509_AUX reads them);
// settings that do not decode make the file an error.
func TestTrustSettings(t *testing.T) {
	t.Parallel()
	serverAuth := asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}
	aux, err := (&keyfile.TrustSettings{Rejected: []asn1.ObjectIdentifier{serverAuth}, Alias: "r"}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		label   string
		extra   []byte
		want    bool // settings expected
		wantErr bool
	}{
		{"TRUSTED CERTIFICATE", aux, true, false},
		{"CERTIFICATE", aux, true, false},
		{"X509 CERTIFICATE", aux, true, false},
		{"CERTIFICATE", nil, false, false},
		{"TRUSTED CERTIFICATE", nil, false, false},
		{"TRUSTED CERTIFICATE", []byte{0x30, 0x03, 0x02, 0x01, 0x01}, false, true},
		{"CERTIFICATE", []byte{0x05, 0x00}, false, true},
	}
	for i, tc := range cases {
		c := selfSigned(t, pkix.Name{CommonName: fmt.Sprintf("Trust %d", i)}, int64(100+i))
		dir := t.TempDir()
		h, err := dn.Hash(c.RawSubject)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, fmt.Sprintf("%08x.0", h))
		data := pem.EncodeToMemory(&pem.Block{Type: tc.label, Bytes: append(slices.Clone(c.Raw), tc.extra...)})
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Issuers(c.RawSubject)
		if tc.wantErr {
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("case %d %s: error %v, want one naming %s", i, tc.label, err, name)
			}
			continue
		}
		if err != nil || len(got) != 1 {
			t.Fatalf("case %d %s: %d certificates, %v", i, tc.label, len(got), err)
		}
		ts := d.TrustSettings(got[0])
		if tc.want != (ts != nil) || tc.want && (!ts.IsRejected(serverAuth) || ts.Alias != "r") {
			t.Errorf("case %d %s: trust settings %+v", i, tc.label, ts)
		}
	}
	var nilDir *Dir
	if nilDir.TrustSettings(nil) != nil {
		t.Error("nil Dir has trust settings")
	}
}
