package main

import (
	"math/rand/v2"
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

// TestCPUOrder: every server gets exactly one handshake per round, and
// every pair of servers runs side by side (consecutive handshakes) about
// equally often, whatever their places in the list: a fixed order made the
// same two servers neighbours in every round.
func TestCPUOrder(t *testing.T) {
	for _, ns := range []int{1, 2, 3, 8} {
		const rounds = 1000
		order := cpuOrder(rounds, ns, rand.New(rand.NewPCG(7, 0)))
		if len(order) != rounds*ns {
			t.Fatalf("%d servers: %d handshakes, want %d", ns, len(order), rounds*ns)
		}
		for r := range rounds {
			seen := make([]bool, ns)
			for _, i := range order[r*ns : (r+1)*ns] {
				if seen[i] {
					t.Fatalf("%d servers: round %d takes server %d twice: %v", ns, r, i, order[r*ns:(r+1)*ns])
				}
				seen[i] = true
			}
		}
		if ns < 3 {
			continue
		}
		pairs := map[[2]int]int{}
		for k := 1; k < len(order); k++ {
			a, b := order[k-1], order[k]
			if a != b {
				pairs[[2]int{min(a, b), max(a, b)}]++
			}
		}
		if want := ns * (ns - 1) / 2; len(pairs) != want {
			t.Errorf("%d servers: %d pairs were neighbours, want all %d", ns, len(pairs), want)
		}
		mean := float64(len(order)-1) / float64(ns*(ns-1)/2)
		for p, c := range pairs {
			if d := float64(c)/mean - 1; d > 0.2 || d < -0.2 {
				t.Errorf("%d servers: pair %v neighbours %d times, %.0f %% off the mean %.0f", ns, p, c, 100*d, mean)
			}
		}
	}
}
