package sslstream_test

import (
	"encoding/base64"
	"fmt"
	"log"

	"github.com/sslstream/sslstream"
)

// A server's ECH key: the key file goes to the server's ech-keys setting,
// the ECHConfigList (in base64, the DNS HTTPS record's ech= value) to its
// clients' ech-config.
func ExampleGenerateECHKey() {
	keyFile, configList, err := sslstream.GenerateECHKey("public.example.com")
	if err != nil {
		log.Fatal(err)
	}
	configs, err := sslstream.ParseECHConfigList(configList)
	if err != nil {
		log.Fatal(err)
	}
	c := configs[0]
	fmt.Printf("%d config: version %#04x, KEM %#04x, public name %s, %d cipher suites\n",
		len(configs), c.Version, c.KEMID, c.PublicName, len(c.CipherSuites))
	fmt.Println(len(keyFile) > 0, len(base64.StdEncoding.EncodeToString(configList)) > 0)

	var client sslstream.Settings
	if err := client.Set("ech-config", base64.StdEncoding.EncodeToString(configList)); err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.Set("ech-config", "AAAA"))
	// Output:
	// 1 config: version 0xfe0d, KEM 0x0020, public name public.example.com, 2 cipher suites
	// true true
	// ech-config: the base64 value: not an ECHConfigList: 1 bytes after the list its length prefix delimits
}
