package main

import (
	"bufio"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// userHZ is the unit of utime and stime in /proc/PID/stat (USER_HZ, 100
// on every Linux architecture Go supports).
const userHZ = 100

// procCPU is the CPU time process pid has used so far, user plus system,
// from /proc/PID/stat (all its threads, living and exited).
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from the last ')'. utime and stime are fields 14 and 15.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no ')'", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return time.Duration(ut+st) * time.Second / userHZ, nil
}

// schedCPU is the run time of pid's living threads in nanoseconds
// (/proc/PID/task/*/schedstat, first field): a finer clock than
// procCPU's ticks, reported beside it as a check.
func schedCPU(pid int) (time.Duration, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("/proc/%d/task: no schedstat", pid)
	}
	var sum int64
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // a thread that just exited
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			continue
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", t, err)
		}
		sum += ns
	}
	return time.Duration(sum), nil
}

// revPingPong is pingPong for openssl s_server -rev: one line, answered
// reversed.
func revPingPong(t *tls.Conn) error {
	if _, err := t.Write([]byte("ping\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(t).ReadString('\n')
	if err != nil {
		return fmt.Errorf("rev answer %q: %w", line, err)
	}
	if line != "gnip\n" {
		return fmt.Errorf("rev answer %q, want \"gnip\\n\"", line)
	}
	return nil
}

// cpu measures the CPU time of one server, or of several side by side,
// over N handshakes each. With several (--addr A,B,... and --pid P1,P2,...,
// one per server, and --probe one per server or one for all), every
// worker takes the servers in rounds, one handshake each, every round in
// an order of its own (cpuOrder): the servers are measured over the same
// seconds of the same machine, so that a ratio of two of them is not
// moved by what else the machine does meanwhile, nor by which server's
// handshakes happen to run beside another's. Each server gets exactly N
// measured handshakes.
func cpu(args []string) error {
	fs := flag.NewFlagSet("cpu", flag.ContinueOnError)
	addrs := fs.String("addr", "", "server address, or a comma-separated list (servers measured side by side)")
	pids := fs.String("pid", "", "the server's process id, or one per --addr, comma-separated")
	lf := addLoadFlags(fs, 1000, 50, "; one per --addr or one for all")
	orderKey := fs.Uint64("order", 0, "the random generator's starting value for the servers' order in each round, to repeat a run (0: one of its own, printed on stderr)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	servers, err := cpuServers(*addrs, *pids, *lf.probe)
	if err != nil {
		return err
	}
	n, warm := lf.n, lf.warm
	if *n <= 0 || *lf.par <= 0 || *warm < 0 {
		return errors.New("cpu: --n and --parallel must be positive")
	}
	if *orderKey == 0 {
		*orderKey = rand.Uint64() | 1
	}
	fmt.Fprintf(os.Stderr, "cpu: --order %d\n", *orderKey)
	load, err := newHandshakeLoad(lf.options(*orderKey), servers)
	if err != nil {
		return err
	}
	if err := load.run(*warm, false); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	settle := func() { time.Sleep(100 * time.Millisecond) } // the last closes
	settle()
	for _, sv := range servers {
		if sv.c0, err = procCPU(sv.pid); err != nil {
			return err
		}
		sv.s0, _ = schedCPU(sv.pid)
	}
	if err := load.run(*n, true); err != nil {
		return err
	}
	settle()
	per := func(d time.Duration) float64 { return d.Seconds() * 1e3 / float64(*n) * 1000 }
	for i, sv := range servers {
		c1, err := procCPU(sv.pid)
		if err != nil {
			return err
		}
		s1, _ := schedCPU(sv.pid)
		prefix := ""
		if len(servers) > 1 {
			prefix = fmt.Sprintf("server %d ", i+1)
		}
		fmt.Printf("%scpu-ms-per-1000 %.1f handshakes %d cpu-ms %.0f sched-ms-per-1000 %.1f version %s resumed %v suite %s\n",
			prefix, per(c1-sv.c0), *n, (c1-sv.c0).Seconds()*1e3, per(s1-sv.s0), *lf.version, *lf.resume, load.suiteName())
	}
	return nil
}

// cpuOrder is the servers of rounds rounds among ns, one handshake each:
// every round takes all ns servers, in an order drawn from rng, so that
// the two servers whose handshakes run at the same time (consecutive
// ones) are any two, equally often.
func cpuOrder(rounds, ns int, rng *rand.Rand) []int {
	order := make([]int, 0, rounds*ns)
	for range rounds {
		start := len(order)
		for i := range ns {
			order = append(order, i)
		}
		round := order[start:]
		rng.Shuffle(ns, func(i, j int) { round[i], round[j] = round[j], round[i] })
	}
	return order
}

// cpuServer is one server that cpu measures.
type cpuServer struct {
	addr     string
	pid      int
	exchange func(*tls.Conn) error
	c0, s0   time.Duration // CPU time and run time at the start
}

// cpuServers pairs the comma-separated addresses, process ids and probes
// of cpu's flags: one probe may serve every server.
func cpuServers(addrs, pids, probes string) ([]*cpuServer, error) {
	as, ps, xs := strings.Split(addrs, ","), strings.Split(pids, ","), strings.Split(probes, ",")
	if addrs == "" || len(ps) != len(as) {
		return nil, fmt.Errorf("cpu: --addr %q and --pid %q: one process id per address", addrs, pids)
	}
	if len(xs) != 1 && len(xs) != len(as) {
		return nil, fmt.Errorf("cpu: --probe %q: one probe, or one per address", probes)
	}
	out := make([]*cpuServer, len(as))
	for i, a := range as {
		pid, err := strconv.Atoi(ps[i])
		if err != nil || pid <= 0 {
			return nil, fmt.Errorf("cpu: --pid %q: not a process id", ps[i])
		}
		x := xs[0]
		if len(xs) > 1 {
			x = xs[i]
		}
		sv := &cpuServer{addr: a, pid: pid}
		switch x {
		case "echo":
			sv.exchange = pingPong
		case "rev":
			sv.exchange = revPingPong
		default:
			return nil, fmt.Errorf("cpu: --probe %q: echo or rev", x)
		}
		out[i] = sv
	}
	return out, nil
}

// loadFlags are the flags of a handshake load that cpu and instructions
// share.
type loadFlags struct {
	dir, version, key, probe *string
	n, warm, par             *int
	resume, clientCert       *bool
}

// addLoadFlags defines the load's flags on fs, with n handshakes and warm
// of warm-up by default; probeMore ends the --probe flag's text.
func addLoadFlags(fs *flag.FlagSet, n, warm int, probeMore string) *loadFlags {
	return &loadFlags{
		dir:        fs.String("dir", "", "PKI directory"),
		n:          fs.Int("n", n, "handshakes measured (per server)"),
		warm:       fs.Int("warmup", warm, "handshakes before the measurement (per server, not counted)"),
		par:        fs.Int("parallel", 2, "connections at a time"),
		version:    fs.String("version", "1.3", "protocol: 1.2 or 1.3"),
		resume:     fs.Bool("resume", false, "resume every measured handshake (a session cache per worker and server, primed with one full handshake)"),
		clientCert: fs.Bool("client-cert", false, "send client.pem (for servers that require a client certificate)"),
		probe:      fs.String("probe", "echo", "after the handshake: echo (4 bytes echoed) or rev (a line answered reversed, openssl s_server -rev)"+probeMore),
		key:        fs.String("key", "ecdsa", "the server's key type, ecdsa or rsa: picks the TLS 1.2 suite ECDHE-ECDSA- or ECDHE-RSA-AES128-GCM-SHA256"),
	}
}

// options are the load's options from the parsed flags.
func (f *loadFlags) options(order uint64) loadOptions {
	return loadOptions{dir: *f.dir, version: *f.version, key: *f.key, par: *f.par, resume: *f.resume, clientCert: *f.clientCert, order: order}
}

// loadOptions are the client's side of a handshake load (cpu's and
// instructions' flags).
type loadOptions struct {
	dir, version, key  string
	par                int
	resume, clientCert bool
	order              uint64 // the random order's starting value
}

// handshakeLoad makes handshakes with one or more servers: par workers,
// each with a session cache of its own per server when resuming, taking
// the servers in rounds (cpuOrder).
type handshakeLoad struct {
	opt     loadOptions
	servers []*cpuServer
	cfgs    [][]*tls.Config // cfgs[w][i]: worker w's config for server i
	rng     *rand.Rand
	d       dialer
	suite   atomic.Uint32
}

// newHandshakeLoad returns the load of opt on servers, with every
// worker's session primed when resuming.
func newHandshakeLoad(opt loadOptions, servers []*cpuServer) (*handshakeLoad, error) {
	base, err := clientConfig(opt.dir)
	if err != nil {
		return nil, err
	}
	if !opt.clientCert {
		base.Certificates = nil
	}
	// The same key exchange for every server: OpenSSL 3.0 has no ML-KEM,
	// and crypto/tls would pick X25519MLKEM768 where it can. P-256 is offered
	// too (never chosen: X25519 comes first) because OpenSSL serves an
	// ECDSA P-256 certificate in TLS 1.2 only to a client that lists the
	// curve.
	base.CurvePreferences = []tls.CurveID{tls.X25519, tls.CurveP256}
	switch opt.version {
	case "1.3":
		base.MinVersion, base.MaxVersion = tls.VersionTLS13, tls.VersionTLS13
	case "1.2":
		base.MinVersion, base.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
		switch opt.key {
		case "ecdsa":
			base.CipherSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
		case "rsa":
			base.CipherSuites = []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}
		default:
			return nil, fmt.Errorf("--key %q: ecdsa or rsa", opt.key)
		}
	default:
		return nil, fmt.Errorf("--version %q: 1.2 or 1.3", opt.version)
	}
	l := &handshakeLoad{opt: opt, servers: servers, rng: rand.New(rand.NewPCG(opt.order, 0))}
	l.cfgs = make([][]*tls.Config, opt.par)
	for w := range l.cfgs {
		l.cfgs[w] = make([]*tls.Config, len(servers))
		for i := range servers {
			l.cfgs[w][i] = base.Clone()
			if opt.resume {
				l.cfgs[w][i].ClientSessionCache = tls.NewLRUClientSessionCache(4)
				if err := l.one(servers[i], l.cfgs[w][i], false, true); err != nil {
					return nil, fmt.Errorf("priming handshake: %w", err)
				}
			}
		}
	}
	return l, nil
}

// one makes one handshake with server sv and cfg, and its exchange;
// with check, whether it resumed must be want.
func (l *handshakeLoad) one(sv *cpuServer, cfg *tls.Config, want bool, check bool) error {
	t, err := l.d.dial(sv.addr, cfg)
	if err != nil {
		return fmt.Errorf("%s: %w", sv.addr, err)
	}
	defer t.Close()
	cs := t.ConnectionState()
	l.suite.Store(uint32(cs.CipherSuite))
	if err := sv.exchange(t); err != nil {
		return fmt.Errorf("%s: %w", sv.addr, err)
	}
	if check && cs.DidResume != want {
		return fmt.Errorf("%s: handshake resumed: %v, want %v", sv.addr, cs.DidResume, want)
	}
	return nil
}

// run makes count handshakes with every server, count rounds that each
// take every server once, in an order of their own (cpuOrder), whichever
// worker takes a handshake. The workers take consecutive handshakes, so
// the order decides which two servers' handshakes run at the same time: a
// fixed order (every round the same, or turned by one) paired each server
// with the same neighbours in every round, and what a neighbour does to
// the core beside moved one server's CPU per handshake against another's
// by up to 8 % (docs/PERFORMANCE.md, "Neighbours"). With check, every
// handshake must resume when resuming, and none otherwise.
func (l *handshakeLoad) run(count int, check bool) error {
	order := cpuOrder(count, len(l.servers), l.rng)
	total := int64(len(order))
	var next atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, l.opt.par)
	for w := range l.opt.par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := next.Add(1) - 1
				if k >= total {
					return
				}
				i := order[k]
				if err := l.one(l.servers[i], l.cfgs[w][i], l.opt.resume, check); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	return <-errc
}

// suiteName is the cipher suite of the last handshake.
func (l *handshakeLoad) suiteName() string {
	return tls.CipherSuiteName(uint16(l.suite.Load()))
}
