// Command grpc shows gRPC with mutual TLS through sslstream contexts: the
// server context requires a client certificate verified OpenSSL's way
// (verify required, a CA file, optionally CRLs and a cipher string), and
// both ends hand their context's TLSConfig to gRPC's credentials.
//
// It lives in its own module so that gRPC is not a dependency of the
// library. Run it with `go run .` in this directory: it makes a throwaway
// PKI, starts a server on 127.0.0.1 and calls its health service.
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"

	"github.com/sslstream/sslstream"
)

func main() {
	dir, err := os.MkdirTemp("", "sslstream-grpc-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	files, err := writePKI(dir)
	if err != nil {
		log.Fatal(err)
	}
	status, client, err := roundTrip(context.Background(), files)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("health: %s (the server saw client %q)\n", status, client)
}

// serverSettings are the server's: its certificate, and a client
// certificate required and verified against the CA. gRPC runs over HTTP/2
// and its clients offer the "h2" ALPN protocol; grpc's credentials.NewTLS
// adds it to its own copy of the config, where the context cannot see it,
// so the server names it in the alpn setting.
func serverSettings(f pkiFiles) sslstream.Settings {
	return sslstream.Settings{
		Certificate: f.serverCert, Key: f.serverKey,
		Verify: sslstream.VerifyRequired, CAFile: f.caFile,
		ALPN: []string{"h2"},
	}
}

// clientSettings are the client's: its certificate, and the server
// verified against the CA.
func clientSettings(f pkiFiles) sslstream.Settings {
	return sslstream.Settings{
		Certificate: f.clientCert, Key: f.clientKey,
		Verify: sslstream.VerifyRequired, CAFile: f.caFile,
	}
}

// roundTrip starts a gRPC server with the health service on 127.0.0.1,
// calls it once over mutual TLS and returns the status and the client
// certificate's subject as the server saw it.
func roundTrip(ctx context.Context, f pkiFiles) (status, clientSubject string, err error) {
	sctx, err := sslstream.NewServerContext(serverSettings(f))
	if err != nil {
		return "", "", err
	}
	var seen string
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(sctx.TLSConfig())),
		grpc.UnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			if p, ok := peer.FromContext(ctx); ok {
				if ti, ok := p.AuthInfo.(credentials.TLSInfo); ok && len(ti.State.PeerCertificates) > 0 {
					seen = ti.State.PeerCertificates[0].Subject.CommonName
				}
			}
			return h(ctx, req)
		}))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", err
	}
	go srv.Serve(ln)
	defer srv.Stop()

	cctx, err := sslstream.NewClientContext(clientSettings(f))
	if err != nil {
		return "", "", err
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	conn, err := grpc.NewClient("localhost:"+port, grpc.WithTransportCredentials(credentials.NewTLS(cctx.TLSConfig())))
	if err != nil {
		return "", "", err
	}
	defer conn.Close()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		return "", "", err
	}
	return resp.GetStatus().String(), seen, nil
}
