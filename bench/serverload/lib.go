package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/internal/plainserver"
)

// libServer is plain-server with the library in crypto/tls's place: streams
// of one sslstream.ServerContext (the same certificate, verification of
// client certificates by the library when --verify), each handshake under
// a 30-second deadline, then plain-server's small echo loop over the
// stream (plainserver.Echo). Beside plain-server and `sslstream server --echo` it tells the
// library's share of the command's cost per handshake from the command's
// own (its summary line, the idle hand-off, the connection tracking).
func libServer(args []string) error {
	fs := flag.NewFlagSet("lib-server", flag.ContinueOnError)
	dir := fs.String("dir", "", "PKI directory")
	verify := fs.Bool("verify", false, "require and verify client certificates")
	certName := fs.String("cert", "server", "certificate NAME")
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := sslstream.Settings{Certificate: filepath.Join(*dir, *certName+".pem"), Key: filepath.Join(*dir, *certName+".key")}
	if *verify {
		set.Verify = sslstream.VerifyRequired
		set.CAFile = filepath.Join(*dir, "ca.pem")
	}
	sctx, err := sslstream.NewServerContext(set)
	if err != nil {
		return err
	}
	stopProf := startProfiles()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "Listening on %s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	var wg sync.WaitGroup
	pool := plainserver.EchoPool()
	go func() { <-ctx.Done(); ln.Close() }()
	for {
		c, err := ln.Accept()
		if err != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := sctx.Server(c, nil)
			if err != nil {
				c.Close()
				return
			}
			defer st.Close()
			st.SetDeadline(time.Now().Add(30 * time.Second))
			if err := st.Handshake(); err != nil {
				return
			}
			st.SetDeadline(time.Time{})
			plainserver.Echo(st, pool)
		}()
	}
	wg.Wait()
	stopProf()
	return nil
}
