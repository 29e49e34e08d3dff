package verify

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sslstream/sslstream/cadir"
	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/internal/minipki"
)

// crlOrderCases put CRLs of the same issuer both in the CRL file
// (-CRLfile) and in the CA directory (-CApath): which one OpenSSL takes
// depends on their scores and on which list it searches first.
func crlOrderCases(t *testing.T) map[string]func(t *testing.T) opensslCase {
	f := newFactory()
	cases := map[string]func(t *testing.T) opensslCase{}
	add := func(name string, fn func(t *testing.T) opensslCase) { cases[name] = fn }
	one, two := big.NewInt(1), big.NewInt(2)
	current := func(n *big.Int, tu time.Duration) crlSpec {
		return crlSpec{number: n, thisUpdate: baseTime.Add(tu), nextUpdate: baseTime.Add(24 * time.Hour)}
	}
	expired := func(n *big.Int, tu, nu time.Duration) crlSpec {
		return crlSpec{number: n, thisUpdate: baseTime.Add(tu), nextUpdate: baseTime.Add(nu)}
	}
	notYet := func(n *big.Int) crlSpec {
		return crlSpec{number: n, thisUpdate: baseTime.Add(time.Hour), nextUpdate: baseTime.Add(24 * time.Hour)}
	}
	revoking := func(p pki, s crlSpec) crlSpec {
		s.entries = []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, -1)}
		return s
	}
	// wrongScope has an issuing distribution point for CA certificates
	// only: no CRL_SCORE_SCOPE for a leaf.
	wrongScope := func(s crlSpec) crlSpec {
		s.exts = append(s.exts, pkix.Extension{Id: oidIDP, Critical: true, Value: []byte{0x30, 3, 0x82, 1, 0xff}})
		return s
	}
	asDelta := func(t *testing.T, s crlSpec, baseNum int64) crlSpec {
		s.exts = append(s.exts, ext(t, oidDeltaCRL, true, big.NewInt(baseNum)))
		return s
	}
	// mk is the usual chain with the given CRLs of the intermediate in
	// the file and in the directory (which also holds the root).
	mk := func(file func(p pki) []crlSpec, dir func(p pki) []crlSpec) func(t *testing.T) opensslCase {
		return func(t *testing.T) opensslCase {
			p := newPKI(t, f, "leaf.example.com", nil, nil, nil)
			c := p.std()
			c.crlMode = CRLPeer
			c.capath = true
			if file != nil {
				for _, s := range file(p) {
					c.crls = append(c.crls, buildCRL(t, p.inter, s))
				}
			}
			if dir != nil {
				for _, s := range dir(p) {
					c.dirCRLs = append(c.dirCRLs, buildCRL(t, p.inter, s))
				}
			}
			return c
		}
	}
	list := func(s ...crlSpec) func(pki) []crlSpec { return func(pki) []crlSpec { return s } }

	add("file expired, directory current revoking", mk(list(expired(one, -5*time.Hour, -time.Hour)),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, current(two, -30*time.Minute))} }))
	add("file expired revoking, directory current", mk(func(p pki) []crlSpec { return []crlSpec{revoking(p, expired(one, -5*time.Hour, -time.Hour))} },
		list(current(two, -30*time.Minute))))
	add("file current, directory current revoking", mk(list(current(one, -2*time.Hour)),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, current(two, -30*time.Minute))} }))
	add("file current revoking, directory newer current", mk(func(p pki) []crlSpec { return []crlSpec{revoking(p, current(one, -2*time.Hour))} },
		list(current(two, -30*time.Minute))))
	add("both expired, directory newer revoking", mk(list(expired(one, -6*time.Hour, -2*time.Hour)),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, expired(two, -5*time.Hour, -time.Hour))} }))
	add("both expired, directory older revoking", mk(list(expired(two, -5*time.Hour, -time.Hour)),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, expired(one, -6*time.Hour, -2*time.Hour))} }))
	add("both expired, file revoking", mk(func(p pki) []crlSpec { return []crlSpec{revoking(p, expired(one, -6*time.Hour, -2*time.Hour))} },
		list(expired(two, -5*time.Hour, -time.Hour))))
	add("file not yet valid, directory current revoking", mk(list(notYet(one)),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, current(two, -30*time.Minute))} }))
	add("file expired, directory not yet valid revoking", mk(list(expired(one, -5*time.Hour, -time.Hour)),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, notYet(two))} }))
	add("file wrong scope, directory current revoking", mk(list(wrongScope(current(one, -2*time.Hour))),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, current(two, -30*time.Minute))} }))
	add("file current, directory wrong scope revoking", mk(list(current(one, -2*time.Hour)),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, wrongScope(current(two, -30*time.Minute)))} }))
	add("file wrong scope revoking, directory expired", mk(func(p pki) []crlSpec { return []crlSpec{revoking(p, wrongScope(current(one, -2*time.Hour)))} },
		list(expired(two, -5*time.Hour, -time.Hour))))
	add("file expired, directory wrong scope revoking", mk(list(expired(one, -5*time.Hour, -time.Hour)),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, wrongScope(current(two, -30*time.Minute)))} }))
	add("file delta current, directory current revoking", mk(func(p pki) []crlSpec { return []crlSpec{asDelta(t, current(two, -time.Hour), 1)} },
		func(p pki) []crlSpec { return []crlSpec{revoking(p, current(one, -30*time.Minute))} }))
	add("file expired, directory delta current revoking", mk(list(expired(one, -5*time.Hour, -time.Hour)),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, asDelta(t, current(two, -time.Hour), 1))} }))
	add("file two expired, directory current revoking", mk(list(expired(one, -6*time.Hour, -2*time.Hour), expired(two, -5*time.Hour, -time.Hour)),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, current(big.NewInt(3), -30*time.Minute))} }))
	add("file expired and current, directory current revoking", mk(list(expired(one, -6*time.Hour, -2*time.Hour), current(two, -2*time.Hour)),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, current(big.NewInt(3), -30*time.Minute))} }))
	add("file two current, newer revoking first", mk(func(p pki) []crlSpec {
		return []crlSpec{revoking(p, current(two, -time.Hour)), current(one, -2*time.Hour)}
	}, nil))
	add("file two current, newer revoking second", mk(func(p pki) []crlSpec {
		return []crlSpec{current(one, -2*time.Hour), revoking(p, current(two, -time.Hour))}
	}, nil))
	add("file two current, same time, second revoking", mk(func(p pki) []crlSpec {
		return []crlSpec{current(one, -2*time.Hour), revoking(p, current(two, -2*time.Hour))}
	}, nil))
	add("file two expired, newer revoking", mk(func(p pki) []crlSpec {
		return []crlSpec{expired(one, -6*time.Hour, -2*time.Hour), revoking(p, expired(two, -5*time.Hour, -time.Hour))}
	}, nil))
	add("directory two current, newer revoking", mk(nil, func(p pki) []crlSpec {
		return []crlSpec{current(one, -2*time.Hour), revoking(p, current(two, -time.Hour))}
	}))
	add("directory two current, older revoking", mk(nil, func(p pki) []crlSpec {
		return []crlSpec{revoking(p, current(one, -2*time.Hour)), current(two, -time.Hour)}
	}))
	add("directory expired and current revoking", mk(nil, func(p pki) []crlSpec {
		return []crlSpec{expired(one, -6*time.Hour, -2*time.Hour), revoking(p, current(two, -time.Hour))}
	}))
	add("file expired, directory older expired revoking and current", mk(list(expired(two, -5*time.Hour, -time.Hour)),
		func(p pki) []crlSpec {
			return []crlSpec{revoking(p, expired(one, -6*time.Hour, -2*time.Hour)), current(big.NewInt(3), -30*time.Minute)}
		}))
	add("file expired, directory same-time expired revoking", mk(list(expired(one, -5*time.Hour, -time.Hour)),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, expired(two, -5*time.Hour, -time.Hour))} }))
	add("file current, directory same-time current revoking", mk(list(current(one, -2*time.Hour)),
		func(p pki) []crlSpec { return []crlSpec{revoking(p, current(two, -2*time.Hour))} }))
	// The CRL file's CRL of another issuer, the directory's of the right one.
	add("file other issuer, directory expired revoking", func(t *testing.T) opensslCase {
		p := newPKI(t, f, "leaf.example.com", nil, nil, nil)
		c := p.std()
		c.crlMode, c.capath = CRLPeer, true
		c.crls = [][]byte{buildCRL(t, p.root, crlSpec{number: one})}
		c.dirCRLs = [][]byte{buildCRL(t, p.inter, revoking(p, expired(one, -5*time.Hour, -time.Hour)))}
		return c
	})
	return cases
}

// TestDifferentialCRLFileAndDirectory compares the choice between CRLs of
// the CRL file and of the CA directory with openssl verify.
func TestDifferentialCRLFileAndDirectory(t *testing.T) {
	runDifferential(t, crlOrderCases(t))
}

// crlDir writes DER CRLs to a new directory under their hashed names
// (<hash>.rN), as a CA directory holds them.
func crlDir(t *testing.T, crls ...[]byte) string {
	t.Helper()
	dir := t.TempDir()
	seen := map[string]int{}
	for i, der := range crls {
		f := filepath.Join(dir, fmt.Sprintf("crl%d.pem", i))
		if err := os.WriteFile(f, minipki.CRLPEM(der), 0o600); err != nil {
			t.Fatal(err)
		}
		h := opensslOut(t, "crl", "-hash", "-noout", "-in", f)
		if err := os.Rename(f, filepath.Join(dir, fmt.Sprintf("%s.r%d", h, seen[h]))); err != nil {
			t.Fatal(err)
		}
		seen[h]++
	}
	return dir
}

// TestSClientSearchesCRLFileAndDirectoryTogether checks the other order:
// s_client adds its -CRLfile CRLs to the store, so that they and the CA
// directory's are searched together and the best of all wins, which
// Verify does without Options.CRLFileFirst.
func TestSClientSearchesCRLFileAndDirectoryTogether(t *testing.T) {
	needOpenSSL(t)
	f := newFactory()
	one, two := big.NewInt(1), big.NewInt(2)
	expired := crlSpec{number: one, thisUpdate: baseTime.Add(-5 * time.Hour), nextUpdate: baseTime.Add(-time.Hour)}
	current := crlSpec{number: two, thisUpdate: baseTime.Add(-30 * time.Minute), nextUpdate: baseTime.Add(24 * time.Hour)}
	notYet := crlSpec{number: two, thisUpdate: baseTime.Add(time.Hour), nextUpdate: baseTime.Add(24 * time.Hour)}
	cases := map[string]struct {
		file, dir       crlSpec
		revokeFile, rev bool
	}{
		"file expired, directory current revoking":       {file: expired, dir: current, rev: true},
		"file expired revoking, directory current":       {file: expired, dir: current, revokeFile: true},
		"file not yet valid, directory current revoking": {file: notYet, dir: current, rev: true},
		"file current, directory not yet valid revoking": {file: current, dir: notYet, rev: true},
		"file expired, directory not yet valid revoking": {file: expired, dir: notYet, rev: true},
		"file current revoking, directory expired":       {file: current, dir: expired, revokeFile: true},
		"both expired, directory revoking":               {file: expired, dir: expired, rev: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := newPKI(t, f, "leaf.example.com", nil, nil, nil)
			entries := []pkix.RevokedCertificate{revokedEntry(p.leaf.Cert.SerialNumber, -1)}
			fs, ds := tc.file, tc.dir
			if tc.revokeFile {
				fs.entries = entries
			}
			if tc.rev {
				ds.entries = entries
			}
			fileDER, dirDER := buildCRL(t, p.inter, fs), buildCRL(t, p.inter, ds)
			crlFile := filepath.Join(t.TempDir(), "crls.pem")
			if err := os.WriteFile(crlFile, minipki.CRLPEM(fileDER), 0o600); err != nil {
				t.Fatal(err)
			}
			dir := crlDir(t, dirDER)
			want := sClientFinalCode(t, []*minipki.Cert{p.leaf, p.inter}, []*x509.Certificate{p.root.Cert},
				"-CRL", crlFile, "-CApath", dir, "-crl_check")
			fileCRLs := must[[]*crl.CRL](t)(crl.Parse(fileDER, "crls.pem"))
			ds2 := must[*cadir.Dir](t)(cadir.Open(dir))
			res := Verify(p.leaf.Cert, &Options{Trust: []IssuerSource{NewPool([]*x509.Certificate{p.root.Cert})},
				Intermediates: []*x509.Certificate{p.inter.Cert}, MaxDepth: -1, Time: baseTime, Purpose: PurposeSSLServer,
				CRLCheck: CRLPeer, CRLs: []CRLSource{crl.NewStore(fileCRLs...), ds2}})
			if res.FinalCode != want {
				t.Errorf("FinalCode = %d, s_client says %d (all problems %v)", res.FinalCode, want, res.AllProblems())
			}
		})
	}
}
