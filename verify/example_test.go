package verify_test

import (
	"crypto/x509"
	"fmt"
	"time"

	"github.com/sslstream/sslstream/internal/minipki"
	"github.com/sslstream/sslstream/verify"
)

// A server that forgets to send its intermediate: the handshake fails with
// code 20 at depth 0, s_client would report 21, and the hint says why.
func ExampleVerify() {
	f := &minipki.Factory{Now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	certs, err := f.Chain("www.example.com", 1) // leaf, intermediate, root
	if err != nil {
		panic(err)
	}
	leaf, root := certs[0], certs[2]
	r := verify.Verify(leaf.Cert, &verify.Options{
		Trust:    []verify.IssuerSource{verify.NewPool([]*x509.Certificate{root.Cert})},
		MaxDepth: 10,
		Time:     f.Now,
		Hostname: "www.example.com",
		Purpose:  verify.PurposeSSLServer,
	})
	for _, p := range r.Problems {
		fmt.Println(p.Subject)
		fmt.Println(p)
	}
	fmt.Println("final:", r.FinalCode, verify.Text(r.FinalCode))
	fmt.Println("hint:", r.Hint)
	// Output:
	// CN = www.example.com
	// error 20 at 0 depth lookup: unable to get local issuer certificate
	// final: 21 unable to verify the first certificate
	// hint: the peer sent only its own certificate "CN = www.example.com", issued by "CN = Test Intermediate CA 1", which is not in ca-file/ca-directory either: if "CN = Test Intermediate CA 1" is a root you trust, add it to ca-file/ca-directory; if it is an intermediate CA, the peer must send it along (and its root must be trusted)
}
