package sslstream_test

import (
	"bufio"
	"fmt"
	"log"
	"net"
	"os"
	"sync"

	"github.com/sslstream/sslstream"
)

// A server with many short connections can hand them to goroutines that
// outlive them. A goroutine starts with a small stack, and a handshake
// grows it (three times, for certificate parsing and signatures): a new
// goroutine per connection pays that in every handshake, some 4-5 % of
// an ECDSA handshake's CPU, where a goroutine that served an earlier
// connection has the stack grown already. `sslstream server` serves its
// handshakes this way. A connection that no worker is free for gets a
// goroutine of its own, so a slow client never holds up the others.
func ExampleListener_workers() {
	dir, caFile, certFile, keyFile, _, _ := exampleFiles()
	defer os.RemoveAll(dir)

	ctx, err := sslstream.NewServerContext(sslstream.Settings{Certificate: certFile, Key: keyFile})
	if err != nil {
		log.Fatal(err)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	ln := ctx.NewListener(inner, nil)

	// handle answers one line with its length, then closes the stream.
	handle := func(s *sslstream.Stream) {
		defer s.Close()
		line, err := bufio.NewReader(s).ReadString('\n')
		if err != nil {
			return
		}
		fmt.Fprintf(s, "%d\n", len(line)-1)
	}
	conns := make(chan *sslstream.Stream)
	var workers sync.WaitGroup
	for range 4 {
		workers.Go(func() {
			for s := range conns {
				handle(s)
			}
		})
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		defer close(conns)
		for {
			s, err := ln.AcceptStream()
			if err != nil {
				return
			}
			select {
			case conns <- s: // a waiting worker
			default:
				go handle(s) // all busy
			}
		}
	}()

	client, err := sslstream.NewClientContext(sslstream.Settings{Verify: sslstream.VerifyRequired, CAFile: caFile})
	if err != nil {
		log.Fatal(err)
	}
	for _, msg := range []string{"one", "three"} {
		s, err := client.Dial("tcp", ln.Addr().String())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Fprintln(s, msg)
		n, err := bufio.NewReader(s).ReadString('\n')
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(msg, ": ", n)
		s.Close()
	}
	ln.Close()
	<-served
	workers.Wait()
	// Output:
	// one: 3
	// three: 5
}
