package testnet

import (
	"net"
	"sync"
	"testing"
)

// Server accepts loopback TCP connections and hands each to a handler
// running in its own goroutine. Close stops it and waits for the handlers.
type Server struct {
	ln net.Listener
	wg sync.WaitGroup
}

// NewServer listens on 127.0.0.1 on a port the OS picks and runs handle
// for every connection accepted until Close. The handler owns the
// connection and must close it and return by itself (by deadline, by the
// peer closing, or by finishing its exchange).
func NewServer(handle func(net.Conn)) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				handle(c)
			}()
		}
	}()
	return s, nil
}

// Addr is the address clients dial ("127.0.0.1:port").
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops accepting and waits for every running handler to return.
func (s *Server) Close() {
	s.ln.Close()
	s.wg.Wait()
}

// Serve is NewServer tied to tb: the server stops, and its handlers are
// waited for, when the test or benchmark ends. It returns the address.
func Serve(tb testing.TB, handle func(net.Conn)) string {
	tb.Helper()
	s, err := NewServer(handle)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s.Addr()
}
