package sslstream_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"

	"github.com/sslstream/sslstream"
)

// exampleFiles writes a throwaway CA, a server certificate for
// "localhost" issued by it and a self-signed certificate to a temporary
// directory and returns the paths (see writeExamplePKI).
func exampleFiles() (dir, caFile, certFile, keyFile, selfCert, selfKey string) {
	dir, err := os.MkdirTemp("", "sslstream-example-")
	if err != nil {
		log.Fatal(err)
	}
	caFile, certFile, keyFile, selfCert, selfKey, err = writeExamplePKI(dir)
	if err != nil {
		log.Fatal(err)
	}
	return
}

// A client and a server over loopback TCP, each in its own goroutine: both
// ends in one goroutine would deadlock in the handshake.
func Example() {
	dir, caFile, certFile, keyFile, _, _ := exampleFiles()
	defer os.RemoveAll(dir)

	server, err := sslstream.NewServerContext(sslstream.Settings{Certificate: certFile, Key: keyFile})
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		s, err := server.Server(conn, nil) // no I/O yet
		if err != nil {
			conn.Close()
			return
		}
		defer s.Close()
		line, err := bufio.NewReader(s).ReadString('\n') // handshake happens here
		if err != nil {
			return
		}
		fmt.Fprintf(s, "you said: %s", line)
	}()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	c, err := sslstream.Client(conn, sslstream.Settings{
		CAFile:     caFile,
		Verify:     sslstream.VerifyRequired,
		ServerName: "localhost",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintln(c, "hello")                          // buffered
	reply, err := bufio.NewReader(c).ReadString('\n') // flushes, handshakes, reads
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(reply)
	code, text := c.VerifyResult()
	fmt.Println("verify result:", code, text)
	peer, _ := c.PeerCertificate()
	fmt.Println("server:", peer.SubjectString(), peer.SubjectAltNames())
	// Output:
	// you said: hello
	// verify result: 0 ok
	// server: CN = localhost [{DNS localhost} {IP Address 127.0.0.1}]
}

// Under verify none the handshake succeeds with a self-signed server, and
// the verify result says why the certificate would not be trusted.
func ExampleStream_VerifyResult() {
	dir, _, _, _, selfCert, selfKey := exampleFiles()
	defer os.RemoveAll(dir)

	cconn, sconn := net.Pipe()
	go func() {
		s, err := sslstream.Server(sconn, sslstream.Settings{Certificate: selfCert, Key: selfKey})
		if err != nil {
			sconn.Close()
			return
		}
		defer s.Close()
		io.WriteString(s, "data flows\n")
		s.Flush()
		io.Copy(io.Discard, s)
	}()
	c, err := sslstream.Client(cconn, sslstream.Settings{}) // verify none
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.VerifyResult()) // before the handshake; does not start it
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(line)
	fmt.Println(c.VerifyResult())
	c.Close()
	// Output:
	// 0 ok
	// data flows
	// 18 self-signed certificate
}

// A failed verification is an *Error with OpenSSL's codes and the verify
// result.
func ExampleError() {
	dir, _, certFile, keyFile, _, _ := exampleFiles()
	defer os.RemoveAll(dir)

	cconn, sconn := loopback()
	go func() {
		s, err := sslstream.Server(sconn, sslstream.Settings{Certificate: certFile, Key: keyFile})
		if err != nil {
			sconn.Close()
			return
		}
		s.Handshake()
		s.Close()
	}()
	// No ca-file: the system's trust store is used, which does not hold
	// the example's CA.
	c, err := sslstream.Client(cconn, sslstream.Settings{Verify: sslstream.VerifyRequired})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	err = c.Handshake()
	var e *sslstream.Error
	if errors.As(err, &e) {
		fmt.Println(e.What)
		fmt.Println(e.Strings[0])
		fmt.Println(e.VerifyResult, e.VerifyResultString)
	}
	// Output:
	// handshake
	// error:0A000086:SSL routines::certificate verify failed
	// 20 unable to get local issuer certificate
}

// Settings that arrive as strings (command lines, configuration files) use
// the names of SettingsInfo; a connection from a context may override only
// some.
func ExampleOverrides_Set() {
	var s sslstream.Settings
	for _, kv := range [][2]string{{"method", "tlsv1.2+"}, {"verify", "required"}, {"max-depth", "4"}} {
		if err := s.Set(kv[0], kv[1]); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(s.Method, s.Verify, *s.MaxDepth)

	var o sslstream.Overrides
	fmt.Println(o.Set("verify", "optional"))
	fmt.Println(o.Set("ca-file", "/etc/ssl/ca.pem"))
	// Output:
	// tlsv1.2+ required 4
	// <nil>
	// setting "ca-file" is fixed by the context and cannot be overridden per connection (overridable: method, verify, max-depth, ciphers, ciphersuites, groups, renegotiation, prefer-server-cipher-order, server-name, unbuffered, alpn)
}

// loopback returns both ends of a TCP connection over 127.0.0.1.
func loopback() (client, server net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	ch := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		ch <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	return client, <-ch
}
