package cipherlist_test

import (
	"crypto/tls"
	"fmt"

	"github.com/sslstream/sslstream/cipherlist"
)

func ExampleCompile() {
	l, err := cipherlist.Compile("ECDHE+AESGCM:!ECDSA:@STRENGTH")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range l.Negotiable() {
		fmt.Println(s.Name, s.IANA)
	}
	cfg := &tls.Config{CipherSuites: l.IDs()}
	fmt.Println(len(cfg.CipherSuites), l.SecLevel)
	// Output:
	// ECDHE-RSA-AES256-GCM-SHA384 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
	// ECDHE-RSA-AES128-GCM-SHA256 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
	// 2 1
}

func ExampleParseCiphersuites() {
	suites, err := cipherlist.ParseCiphersuites("TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range suites {
		fmt.Printf("%s %#04x\n", s.Name, s.ID)
	}
	_, err = cipherlist.ParseCiphersuites("TLS_AES_128_GCM_SHA256:TLS_FOO")
	fmt.Println(err != nil)
	// Output:
	// TLS_CHACHA20_POLY1305_SHA256 0x1303
	// TLS_AES_128_GCM_SHA256 0x1301
	// true
}
