package main

import (
	"context"
	"net"

	"github.com/sslstream/sslstream/starttls"
)

// startTLS runs the plaintext dialogue of proto on conn (package starttls:
// the protocols of openssl s_client -starttls). host is the server's host
// name, name what --starttls-name (openssl -name) gave.
func startTLS(ctx context.Context, conn net.Conn, proto, host, name string) error {
	_, err := starttls.Negotiate(ctx, conn, proto, starttls.Options{Name: name, Host: host})
	return err
}
