package main

import (
	"strings"
	"testing"
)

// TestCPUServers: cpu's --addr, --pid and --probe lists pair up one server
// per address, one probe serving all or one per address, and every
// mismatch is refused naming the flag.
func TestCPUServers(t *testing.T) {
	sv, err := cpuServers("127.0.0.1:1,127.0.0.1:2,127.0.0.1:3", "10,20,30", "echo,echo,rev")
	if err != nil {
		t.Fatal(err)
	}
	if len(sv) != 3 || sv[1].addr != "127.0.0.1:2" || sv[2].pid != 30 {
		t.Fatalf("servers %+v", sv)
	}
	// The probes are the functions asked for.
	if sv[0].exchange == nil || sv[2].exchange == nil {
		t.Fatal("a server without a probe")
	}
	one, err := cpuServers("127.0.0.1:1,127.0.0.1:2", "10,20", "rev")
	if err != nil || len(one) != 2 {
		t.Fatalf("one probe for all: %v, %d servers", err, len(one))
	}
	for _, c := range []struct{ addrs, pids, probes, want string }{
		{"", "1", "echo", "--addr"},
		{"a:1,b:2", "1", "echo", "one process id per address"},
		{"a:1", "x", "echo", "--pid \"x\""},
		{"a:1", "0", "echo", "not a process id"},
		{"a:1,b:2", "1,2", "echo,rev,echo", "one probe, or one per address"},
		{"a:1", "1", "ping", "--probe \"ping\""},
	} {
		_, err := cpuServers(c.addrs, c.pids, c.probes)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("cpuServers(%q, %q, %q) = %v, want an error with %q", c.addrs, c.pids, c.probes, err, c.want)
		}
	}
}

// TestCPUTurnOrder: run's order gives every server exactly n handshakes
// and makes every pair of servers neighbours (run at the same time by two
// workers) in some round.
func TestCPUTurnOrder(t *testing.T) {
	for _, ns := range []int64{2, 3, 4} {
		const rounds = 12
		count := make([]int, ns)
		neighbours := map[[2]int64]bool{}
		prev := int64(-1)
		for k := int64(0); k < rounds*ns; k++ {
			i := cpuTurn(k, ns)
			count[i]++
			if prev >= 0 && prev != i {
				neighbours[[2]int64{min(prev, i), max(prev, i)}] = true
			}
			prev = i
		}
		for i, c := range count {
			if c != rounds {
				t.Errorf("%d servers: server %d got %d handshakes, want %d", ns, i, c, rounds)
			}
		}
		if want := int(ns * (ns - 1) / 2); len(neighbours) != want {
			t.Errorf("%d servers: %d pairs were neighbours, want all %d", ns, len(neighbours), want)
		}
	}
}
