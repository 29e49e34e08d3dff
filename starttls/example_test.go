package starttls_test

import (
	"context"
	"crypto/tls"
	"errors"
	"log"
	"net"
	"time"

	"github.com/sslstream/sslstream/starttls"
)

// Upgrade an SMTP submission connection and hand it to crypto/tls (or to
// an sslstream context's Client).
func ExampleNegotiate() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	raw, err := net.Dial("tcp", "mail.example.com:587")
	if err != nil {
		log.Fatal(err)
	}
	defer raw.Close()
	conn, err := starttls.Negotiate(ctx, raw, "smtp", starttls.Options{Name: "client.example.org"})
	var se *starttls.Error
	if errors.As(err, &se) && errors.Is(err, starttls.ErrRefused) {
		log.Fatalf("%s refused at %s: %s", se.Protocol, se.Step, se.Reply)
	}
	if err != nil {
		log.Fatal(err)
	}
	tc := tls.Client(conn, &tls.Config{ServerName: "mail.example.com"})
	if err := tc.HandshakeContext(ctx); err != nil {
		log.Fatal(err)
	}
}
