package sslstream

import (
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
)

// sniffAll feeds data to a fresh wireParser in pieces cut at cuts and
// returns the plaintext alert descriptions it reported.
func sniffAll(data []byte, cuts []int) []byte {
	var r wireParser
	var got []byte
	found := func(d byte) { got = append(got, d) }
	prev := 0
	for _, c := range cuts {
		if c <= prev || c >= len(data) {
			continue
		}
		r.feed(data[prev:c], nil, found)
		prev = c
	}
	r.feed(data[prev:], nil, found)
	return got
}

func TestRecordSniffer(t *testing.T) {
	hello := []byte{22, 3, 1, 0, 4, 1, 0, 0, 0}
	ccs := []byte{20, 3, 3, 0, 1, 1}
	plainAlert := []byte{21, 3, 3, 0, 2, 2, 48}
	encAlert := append([]byte{23, 3, 3, 0, 19}, make([]byte, 19)...)
	longAlert := append([]byte{21, 3, 3, 0, 26}, make([]byte, 26)...) // TLS 1.2 encrypted alert
	empty := []byte{22, 3, 3, 0, 0}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"plaintext alert after CCS", cat(hello, ccs, plainAlert), "\x30"},
		{"encrypted TLS 1.3 alert", cat(hello, encAlert), ""},
		{"encrypted TLS 1.2 alert", cat(hello, longAlert), ""},
		{"empty record then alert", cat(empty, plainAlert), "\x30"},
		{"two alerts", cat(plainAlert, []byte{21, 3, 3, 0, 2, 1, 0}), "\x30\x00"},
		{"alert cut short", plainAlert[:6], ""},
	} {
		for cut := 0; cut <= len(tc.data); cut++ {
			got := sniffAll(tc.data, []int{cut, cut + 1, cut + 3})
			if string(got) != tc.want {
				t.Errorf("%s, cut at %d: found %q, want %q", tc.name, cut, got, tc.want)
			}
		}
	}
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// FuzzRecordSniffer: the sniffer never panics and finds the same alerts
// however the bytes are split across reads.
func FuzzRecordSniffer(f *testing.F) {
	f.Add([]byte{21, 3, 3, 0, 2, 2, 48}, uint16(3), uint16(6))
	f.Add([]byte{22, 3, 1, 0, 4, 1, 0, 0, 0, 20, 3, 3, 0, 1, 1, 21, 3, 3, 0, 2, 2, 42}, uint16(1), uint16(17))
	f.Fuzz(func(t *testing.T, data []byte, a, b uint16) {
		whole := sniffAll(data, nil)
		split := sniffAll(data, []int{int(a) % (len(data) + 1), int(b) % (len(data) + 1)})
		if string(whole) != string(split) {
			t.Fatalf("whole: %q, split at %d/%d: %q", whole, a, b, split)
		}
	})
}

func TestPhaseDescribe(t *testing.T) {
	var p phaseTracker
	if got := p.describe(true); got != "waiting for the ClientHello (nothing received)" {
		t.Errorf("server, nothing read: %q", got)
	}
	p.read.Store(7)
	if got := p.describe(true); !strings.Contains(got, "rest of the ClientHello (7 bytes received)") {
		t.Errorf("server, 7 bytes: %q", got)
	}
	p.phase.Store(phaseFlight)
	p.wantsCert.Store(true)
	if got := p.describe(true); got != "waiting for the client's certificate and Finished" {
		t.Errorf("server after hello, cert wanted: %q", got)
	}
	p.phase.Store(phaseFinished)
	if got := p.describe(true); got != "waiting for the client's Finished" {
		t.Errorf("server after cert: %q", got)
	}
	var c phaseTracker
	if got := c.describe(false); got != "waiting for the ServerHello (nothing received)" {
		t.Errorf("client, nothing read: %q", got)
	}
	c.read.Store(90)
	if got := c.describe(false); !strings.Contains(got, "server's certificate") {
		t.Errorf("client, hello arriving: %q", got)
	}
	c.phase.Store(phaseFinished)
	if got := c.describe(false); got != "waiting for the server's Finished" {
		t.Errorf("client after cert: %q", got)
	}
}

func TestStalledErrorWraps(t *testing.T) {
	e := &stalledError{phase: "waiting for the ClientHello", err: &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}}
	var ne net.Error
	if !errors.As(error(e), &ne) || !ne.Timeout() || !errors.Is(e, os.ErrDeadlineExceeded) {
		t.Errorf("stalledError hides the timeout: %v", e)
	}
	if !isTransport(io.EOF) || isTransport(errors.New("tls: bad certificate")) ||
		isTransport(&net.OpError{Op: "remote error", Err: errors.New("x")}) {
		t.Error("isTransport misclassifies")
	}
}
