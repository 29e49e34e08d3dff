package sslstream_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sslstream/sslstream"
)

// STARTTLS in SMTP, the use this package is made for: the client talks
// plain text, asks for TLS, then wraps the same connection.
func Example_startTLS() {
	dir, caFile, certFile, keyFile, _, _ := exampleFiles()
	defer os.RemoveAll(dir)
	addr, stop := fakeSMTPServer(certFile, keyFile)
	defer stop()

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	text := textproto.NewConn(conn)
	if _, _, err := text.ReadResponse(220); err != nil { // greeting
		log.Fatal(err)
	}
	for _, step := range []struct {
		cmd  string
		code int
	}{{"EHLO client.example", 250}, {"STARTTLS", 220}} {
		id, _ := text.Cmd("%s", step.cmd)
		text.StartResponse(id)
		_, msg, err := text.ReadResponse(step.code)
		text.EndResponse(id)
		if err != nil {
			log.Fatal(err)
		}
		if step.cmd == "STARTTLS" {
			fmt.Println("server:", msg)
		}
	}
	// Nothing may be buffered in text's reader now: the server waits for
	// our ClientHello.
	tlsConn, err := sslstream.Client(conn, sslstream.Settings{
		Verify: sslstream.VerifyRequired, CAFile: caFile, ServerName: "localhost",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer tlsConn.Close()
	text = textproto.NewConn(tlsConn)
	id, _ := text.Cmd("EHLO client.example") // buffered; the handshake runs on the read
	text.StartResponse(id)
	_, msg, err := text.ReadResponse(250)
	text.EndResponse(id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("over TLS:", strings.Split(msg, "\n")[0])
	fmt.Println(tlsConn.VerifyResult())
	// Output:
	// server: Ready to start TLS
	// over TLS: localhost greets client.example
	// 0 ok
}

// fakeSMTPServer answers one client: greeting, EHLO, STARTTLS, then EHLO
// over TLS with an sslstream server stream.
func fakeSMTPServer(certFile, keyFile string) (addr string, stop func()) {
	ctx, err := sslstream.NewServerContext(sslstream.Settings{Certificate: certFile, Key: keyFile})
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		fmt.Fprint(conn, "220 localhost ESMTP\r\n")
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch strings.ToUpper(strings.Fields(line + " x")[0]) {
			case "EHLO":
				fmt.Fprint(conn, "250-localhost greets client.example\r\n250 STARTTLS\r\n")
			case "STARTTLS":
				fmt.Fprint(conn, "220 Ready to start TLS\r\n")
				s, err := ctx.Server(conn, nil)
				if err != nil {
					return
				}
				defer s.Close()
				if line, err := bufio.NewReader(s).ReadString('\n'); err == nil && strings.HasPrefix(line, "EHLO") {
					fmt.Fprint(s, "250-localhost greets client.example\r\n250 AUTH PLAIN\r\n")
					s.Flush()
					io.Copy(io.Discard, s)
				}
				return
			}
		}
	}()
	return ln.Addr().String(), func() { ln.Close(); <-done }
}

// One server context shared by two listeners: the second one's
// connections override the method (TLS 1.3 only) without touching the
// context.
func ExampleServerContext_NewListener() {
	dir, caFile, certFile, keyFile, _, _ := exampleFiles()
	defer os.RemoveAll(dir)

	ctx, err := sslstream.NewServerContext(sslstream.Settings{Certificate: certFile, Key: keyFile})
	if err != nil {
		log.Fatal(err)
	}
	var addrs []string
	for _, o := range []*sslstream.Overrides{nil, {Method: "tlsv1.3"}} {
		inner, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			log.Fatal(err)
		}
		ln := ctx.NewListener(inner, o)
		defer ln.Close()
		addrs = append(addrs, ln.Addr().String())
		go func() {
			for {
				s, err := ln.AcceptStream()
				if err != nil {
					return
				}
				go func() {
					defer s.Close()
					fmt.Fprintf(s, "%s\n", sslstream.ProtocolName(s.ConnectionState().Version))
					s.Handshake()
				}()
			}
		}()
	}
	client, err := sslstream.NewClientContext(sslstream.Settings{
		Verify: sslstream.VerifyRequired, CAFile: caFile, Method: "tlsv1.2+",
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, addr := range addrs {
		// Dial handshakes at once and checks the address's host (here an
		// IP address, which the certificate lists).
		s, err := client.Dial("tcp", addr)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(sslstream.ProtocolName(s.ConnectionState().Version), s.CipherName())
		s.Close()
	}
	// Output:
	// TLSv1.3 TLS_AES_128_GCM_SHA256
	// TLSv1.3 TLS_AES_128_GCM_SHA256
}

// TLSConfig plugs the contexts into net/http: the server speaks HTTP/2
// (net/http's protocols are merged with the alpn setting) and the client
// verifies the server with OpenSSL's rules on top of crypto/tls's name
// check.
func ExampleServerContext_TLSConfig() {
	dir, caFile, certFile, keyFile, _, _ := exampleFiles()
	defer os.RemoveAll(dir)

	sctx, err := sslstream.NewServerContext(sslstream.Settings{Certificate: certFile, Key: keyFile})
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{
		TLSConfig: sctx.TLSConfig(),
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "hello over %s", r.Proto)
		}),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go srv.ServeTLS(ln, "", "") // certificates come from the context
	defer srv.Close()

	cctx, err := sslstream.NewClientContext(sslstream.Settings{Verify: sslstream.VerifyRequired, CAFile: caFile})
	if err != nil {
		log.Fatal(err)
	}
	tr := &http.Transport{TLSClientConfig: cctx.TLSConfig(), ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("https://" + ln.Addr().String() + "/")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	// Output:
	// hello over HTTP/2.0
}

// Watch reloads a server context when its files change: here the
// certificate is replaced by another one and new connections see it.
func ExampleServerContext_Watch() {
	dir, _, certFile, keyFile, selfCert, selfKey := exampleFiles()
	defer os.RemoveAll(dir)
	live := filepath.Join(dir, "live.pem")
	liveKey := filepath.Join(dir, "live.key")
	copyFile := func(from, to string) {
		b, err := os.ReadFile(from)
		if err == nil {
			err = os.WriteFile(to, b, 0o600)
		}
		if err != nil {
			log.Fatal(err)
		}
	}
	copyFile(certFile, live)
	copyFile(keyFile, liveKey)

	sctx, err := sslstream.NewServerContext(sslstream.Settings{Certificate: live, Key: liveKey})
	if err != nil {
		log.Fatal(err)
	}
	reloaded := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go sctx.Watch(ctx, sslstream.WatchOptions{
		Interval: 10 * time.Millisecond,
		OnReload: func([]string) { reloaded <- struct{}{} },
	})

	issuer := func() string {
		c, s := loopback()
		go func() {
			st, err := sctx.Server(s, nil)
			if err == nil {
				st.Handshake()
				st.Close()
			}
		}()
		cl, err := sslstream.Client(c, sslstream.Settings{})
		if err != nil {
			log.Fatal(err)
		}
		defer cl.Close()
		peer, err := cl.PeerCertificate()
		if err != nil {
			log.Fatal(err)
		}
		return peer.IssuerString()
	}
	fmt.Println(issuer())
	time.Sleep(20 * time.Millisecond) // a new modification time
	copyFile(selfKey, liveKey)
	copyFile(selfCert, live)
	<-reloaded
	fmt.Println(issuer())
	// Output:
	// CN = Example Root CA
	// CN = localhost
}
