package testnet

import (
	"io"
	"testing"
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
