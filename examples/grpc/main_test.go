package main

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestMutualTLSRoundTrip: a gRPC call over mutual TLS through both
// contexts' TLSConfig succeeds and the server sees the client certificate.
func TestMutualTLSRoundTrip(t *testing.T) {
	f, err := writePKI(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, client, err := roundTrip(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if st != "SERVING" || client != "client.example" {
		t.Errorf("status %q, client %q; want SERVING and client.example", st, client)
	}
}

// TestClientCertificateFromUnknownCAIsRefused: the server's OpenSSL-style
// verification refuses a client certificate from an unrelated CA, and the
// call fails.
func TestClientCertificateFromUnknownCAIsRefused(t *testing.T) {
	f, err := writePKI(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f.clientCert, f.clientKey = f.otherCert, f.otherKey
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, _, err = roundTrip(ctx, f)
	if err == nil {
		t.Fatal("a client certificate from an unknown CA was accepted")
	}
	// The server's alert (bad certificate) or, when the client was still
	// writing, a broken connection: either way codes.Unavailable.
	if status.Code(err) != codes.Unavailable {
		t.Errorf("error %v, want codes.Unavailable", err)
	}
}
