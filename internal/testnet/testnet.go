// Package testnet holds the network plumbing shared by sslstream's tests and
// benchmarks. Everything binds to 127.0.0.1 on ports the OS picks.
package testnet

import (
	"net"
	"testing"
)

// TCPPair returns both ends of a fresh loopback TCP connection: the dialing
// (client) end and the accepted (server) end. The caller closes them.
func TCPPair(tb testing.TB) (client, server net.Conn) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := ln.Accept()
		ch <- res{c, err}
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		tb.Fatal(err)
	}
	r := <-ch
	if r.err != nil {
		client.Close()
		tb.Fatal(r.err)
	}
	return client, r.c
}
