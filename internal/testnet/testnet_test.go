package testnet

import (
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"
)

func TestTCPPairIsConnected(t *testing.T) {
	c, s := TCPPair(t)
	defer c.Close()
	defer s.Close()
	if c.RemoteAddr().String() != s.LocalAddr().String() {
		t.Fatalf("client peer %v, server local %v", c.RemoteAddr(), s.LocalAddr())
	}
	go func() { c.Write([]byte("ping")); c.Close() }()
	b, err := io.ReadAll(s)
	if err != nil || string(b) != "ping" {
		t.Fatalf("read %q, %v", b, err)
	}
}

func TestServeHandlesEveryConnectionAndWaitsAtCleanup(t *testing.T) {
	var handled atomic.Int32
	var addr string
	t.Run("serve", func(t *testing.T) {
		addr = Serve(t, func(c net.Conn) {
			defer c.Close()
			b := make([]byte, 5)
			if _, err := io.ReadFull(c, b); err != nil || string(b) != "hello" {
				return
			}
			c.Write([]byte("ok"))
			c.Close()
			// Still running when the client has its whole answer:
			// the cleanup must wait for this.
			time.Sleep(50 * time.Millisecond)
			handled.Add(1)
		})
		for range 5 {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			c.Write([]byte("hello"))
			if b, err := io.ReadAll(c); err != nil || string(b) != "ok" {
				t.Fatalf("answer %q, %v", b, err)
			}
			c.Close()
		}
	})
	if n := handled.Load(); n != 5 {
		t.Fatalf("%d of 5 handlers had returned when Serve's cleanup returned", n)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatal("the listener still accepts after the test ended")
	}
}
