// Command serverload measures `sslstream server` at scale against a plain
// crypto/tls echo server with the same certificates (issue 18); scripts/bench
// runs it. Everything is on 127.0.0.1, bounded in count and time.
//
//	serverload pki DIR
//	    write ca.pem, server.pem, server.key, client.pem, client.key (ECDSA P-256)
//	    and server-rsa.pem, server-rsa.key (RSA 2048)
//	serverload plain-server --dir DIR [--loop copy|small] [--verify]
//	    a crypto/tls echo server: prints "Listening on ADDR" on stderr and
//	    runs until SIGTERM; --loop copy echoes with a 32 KiB buffer per
//	    connection (io.CopyBuffer), small with the one-byte Read and a pooled
//	    buffer that `sslstream server --echo` uses; --verify requires and
//	    verifies client certificates. SSLSTREAM_BLOCK_PROFILE and
//	    SSLSTREAM_MUTEX_PROFILE (and SSLSTREAM_CPU_PROFILE) write the runtime's
//	    profiles at exit, as for `sslstream server`.
//	serverload lib-server --dir DIR [--cert NAME] [--verify]
//	    plain-server --loop small with the library in crypto/tls's place:
//	    sslstream streams of one ServerContext; the library's share of what
//	    `sslstream server --echo` costs beyond plain crypto/tls.
//	serverload handshakes --dir DIR --addr ADDR --conns N
//	    N connections at once, each a mutual-TLS handshake, 4 bytes echoed,
//	    closed; prints "handshakes N seconds S".
//	serverload idle --dir DIR --addr ADDR --conns N --pid PID [--settle D] [--probe echo|http]
//	    opens N connections (each echoes 4 bytes, or makes one keep-alive
//	    HTTP request, then idles), waits D and
//	    prints the growth of PID's resident memory per connection:
//	    "rss-before B rss-after B rss-per-conn B conns N".
//	serverload cpu --dir DIR --addr ADDR[,ADDR...] --pid PID[,PID...] --n N --version 1.2|1.3 [--resume] [--client-cert] [--probe echo|rev[,...]] [--key ecdsa|rsa]
//	    the server's CPU time (utime+stime of PID, /proc/PID/stat, and the
//	    run time of its threads, /proc/PID/task/*/schedstat) over N
//	    handshakes, full or resumed (a session cache per worker: TLS 1.2
//	    tickets, TLS 1.3 PSK), each echoing 4 bytes (or one line reversed,
//	    for openssl s_server -rev) and closed, after a warm-up; prints
//	    "cpu-ms-per-1000 X handshakes N cpu-ms C sched-ms-per-1000 S ...".
//	    With several servers they are measured side by side, N handshakes
//	    each, taken in rounds (each round in a random order, --order N), and
//	    each line starts "server I ".
//	serverload instructions --dir DIR [--n N] [--parts K] --version 1.2|1.3 [--resume] [--client-cert] [--probe echo|rev] [--key ecdsa|rsa] -- SERVER ARGS...
//	    runs the server's command under valgrind's callgrind and counts the
//	    instructions it runs per handshake, the same handshakes as cpu's
//	    after a warm-up, in K parts (3): prints "instructions-per-handshake
//	    X handshakes N ... parts A,B,C ...", X the median part's. Needs
//	    valgrind (Debian package valgrind).
//	serverload profile FILE [--per N] [--focus REGEXP]
//	    sums a block or mutex profile written in the text format: total wait
//	    and events, per N handshakes when given, over the samples whose stack
//	    has a frame matching REGEXP; prints the top frames too.
//	serverload layout
//	    prints the packages linked in by the build tags layout_nethttp and
//	    layout_text ("default" without them): scripts/bench runs the plain
//	    server from three builds to show what the binary's layout alone
//	    changes (layout.go).
//
// The load clients raise their own RLIMIT_NOFILE and spread connections over
// source addresses 127.0.0.2–127.0.0.9 (a fresh port range each), so that
// 10,000 connections neither run out of files nor of ephemeral ports.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sslstream/sslstream/internal/plainserver"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: serverload pki|plain-server|lib-server|handshakes|idle|cpu|instructions|profile|layout ...")
		os.Exit(2)
	}
	var err error
	args := os.Args[2:]
	switch os.Args[1] {
	case "pki":
		err = writePKI(args)
	case "plain-server":
		err = plainServer(args)
	case "lib-server":
		err = libServer(args)
	case "handshakes":
		err = handshakes(args)
	case "idle":
		err = idle(args)
	case "cpu":
		err = cpu(args)
	case "instructions":
		err = instructions(args, os.Stdout)
	case "profile":
		err = profile(args)
	case "layout":
		err = layoutMode(args, os.Stdout)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "serverload:", err)
		os.Exit(1)
	}
}

func writePKI(args []string) error {
	if len(args) != 1 {
		return errors.New("pki DIR")
	}
	return plainserver.WritePKI(args[0])
}

// plainServer is the baseline: crypto/tls, one goroutine per connection,
// handshake under a deadline, then echo (internal/plainserver).
func plainServer(args []string) error {
	fs := flag.NewFlagSet("plain-server", flag.ContinueOnError)
	dir := fs.String("dir", "", "PKI directory")
	loop := fs.String("loop", "copy", "echo loop: copy (32 KiB buffer) or small (one-byte Read, pooled buffer)")
	verify := fs.Bool("verify", false, "require and verify client certificates")
	certName := fs.String("cert", "server", "the server's certificate and key: `NAME`.pem and NAME.key in the PKI directory (server: ECDSA P-256, server-rsa: RSA 2048)")
	hsTimeout := fs.Duration("handshake-timeout", 30*time.Second, "drop a client that has not completed the handshake after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *loop != "copy" && *loop != "small" {
		return fmt.Errorf("--loop %q: copy or small", *loop)
	}
	cfg, err := plainserver.NewConfig(*dir, *certName, *verify)
	if err != nil {
		return err
	}
	// As many files as the hard limit allows: the clients say when that
	// is too few for them.
	_ = raiseFileLimit(1 << 20)
	stopProf := startProfiles()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "Listening on %s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	ps := &plainserver.Server{TLS: cfg, HandshakeTimeout: *hsTimeout, Small: *loop == "small"}
	ps.Serve(ctx, ln)
	stopProf()
	return nil
}

// startProfiles is `sslstream server`'s: the same variables.
func startProfiles() func() {
	type prof struct{ name, file string }
	var want []prof
	if f := os.Getenv("SSLSTREAM_BLOCK_PROFILE"); f != "" {
		want = append(want, prof{"block", f})
		runtime.SetBlockProfileRate(1)
	}
	if f := os.Getenv("SSLSTREAM_MUTEX_PROFILE"); f != "" {
		want = append(want, prof{"mutex", f})
		runtime.SetMutexProfileFraction(1)
	}
	var cpuFile *os.File
	if f := os.Getenv("SSLSTREAM_CPU_PROFILE"); f != "" {
		var err error
		if cpuFile, err = os.Create(f); err == nil {
			err = pprof.StartCPUProfile(cpuFile)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "serverload:", err)
		}
	}
	return func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		for _, p := range want {
			f, err := os.Create(p.file)
			if err != nil {
				fmt.Fprintln(os.Stderr, "serverload:", err)
				continue
			}
			pprof.Lookup(p.name).WriteTo(f, 1)
			f.Close()
		}
	}
}

// dialer hands out dialers over source addresses 127.0.0.2–127.0.0.9.
type dialer struct{ n atomic.Int64 }

func (d *dialer) dial(addr string, cfg *tls.Config) (*tls.Conn, error) {
	i := d.n.Add(1)
	nd := &net.Dialer{Timeout: 60 * time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i%8))}}
	c, err := nd.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	t := tls.Client(c, cfg)
	t.SetDeadline(time.Now().Add(120 * time.Second))
	if err := t.Handshake(); err != nil {
		c.Close()
		return nil, err
	}
	return t, nil
}

func pingPong(t *tls.Conn) error {
	if _, err := t.Write([]byte("ping")); err != nil {
		return err
	}
	b := make([]byte, 4)
	if _, err := io.ReadFull(t, b); err != nil {
		return err
	}
	if string(b) != "ping" {
		return fmt.Errorf("echo %q", b)
	}
	return nil
}

// httpGet sends one keep-alive GET and reads the response up to its body
// "ok\n" (the nginx configuration of scripts/bench).
func httpGet(t *tls.Conn) error {
	if _, err := io.WriteString(t, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
		return err
	}
	var got []byte
	b := make([]byte, 512)
	for !strings.HasSuffix(string(got), "\r\n\r\nok\n") {
		n, err := t.Read(b)
		got = append(got, b[:n]...)
		if err != nil {
			return fmt.Errorf("http response %q: %w", got, err)
		}
		if len(got) > 4096 {
			return fmt.Errorf("http response %q...: no \"ok\"", got[:200])
		}
	}
	return nil
}

func clientConfig(dir string) (*tls.Config, error) {
	roots, err := plainserver.LoadRoots(dir)
	if err != nil {
		return nil, err
	}
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key"))
	if err != nil {
		return nil, err
	}
	return &tls.Config{RootCAs: roots, ServerName: "localhost", Certificates: []tls.Certificate{pair},
		ClientSessionCache: nil, MinVersion: tls.VersionTLS13}, nil
}

func handshakes(args []string) error {
	fs := flag.NewFlagSet("handshakes", flag.ContinueOnError)
	dir := fs.String("dir", "", "PKI directory")
	addr := fs.String("addr", "", "server address")
	n := fs.Int("conns", 1000, "connections, all at once")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := raiseFileLimit(uint64(*n) + 100); err != nil {
		return err
	}
	cfg, err := clientConfig(*dir)
	if err != nil {
		return err
	}
	var d dialer
	var wg sync.WaitGroup
	var failed atomic.Int64
	var errMu sync.Mutex
	var firstErr error
	start := make(chan struct{})
	for range *n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			t, err := d.dial(*addr, cfg)
			if err == nil {
				err = pingPong(t)
				t.Close()
			}
			if err != nil {
				failed.Add(1)
				errMu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				errMu.Unlock()
			}
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	el := time.Since(t0)
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("%d of %d connections failed, first: %v", f, *n, firstErr)
	}
	fmt.Printf("handshakes %d seconds %.3f\n", *n, el.Seconds())
	return nil
}

// rss is the resident set of process pid in bytes.
func rss(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS")
}

func idle(args []string) error {
	fs := flag.NewFlagSet("idle", flag.ContinueOnError)
	dir := fs.String("dir", "", "PKI directory")
	addr := fs.String("addr", "", "server address")
	n := fs.Int("conns", 10000, "connections held open")
	pid := fs.Int("pid", 0, "the server's process id")
	settle := fs.Duration("settle", 3*time.Second, "wait this long once all are open")
	probe := fs.String("probe", "echo", "what each connection exchanges: echo (4 bytes echoed) or http (GET /, a keep-alive response ending in \"ok\\n\", for nginx)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := raiseFileLimit(uint64(*n) + 100); err != nil {
		return err
	}
	cfg, err := clientConfig(*dir)
	if err != nil {
		return err
	}
	before, err := rss(*pid)
	if err != nil {
		return err
	}
	var d dialer
	conns := make([]*tls.Conn, *n)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	sem := make(chan struct{}, 32)
	errc := make(chan error, *n)
	for i := range *n {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			t, err := d.dial(*addr, cfg)
			if err == nil {
				if *probe == "http" {
					err = httpGet(t)
				} else {
					err = pingPong(t)
				}
				if err != nil {
					t.Close()
				} else {
					conns[i] = t
				}
			}
			errc <- err
		}()
	}
	for range *n {
		if err := <-errc; err != nil {
			return err
		}
	}
	time.Sleep(*settle)
	after, err := rss(*pid)
	if err != nil {
		return err
	}
	fmt.Printf("rss-before %d rss-after %d rss-per-conn %.0f conns %d\n", before, after, float64(after-before)/float64(*n), *n)
	return nil
}

// profile sums a text-format (debug=1) block or mutex profile.
func profile(args []string) error {
	fs := flag.NewFlagSet("profile", flag.ContinueOnError)
	per := fs.Int("per", 0, "divide by this many handshakes")
	focus := fs.String("focus", "", "only samples with a frame matching this regexp")
	top := fs.Int("top", 8, "frames to list")
	if len(args) == 0 {
		return errors.New("profile FILE [flags]")
	}
	file := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var re *regexp.Regexp
	if *focus != "" {
		var err error
		if re, err = regexp.Compile(*focus); err != nil {
			return err
		}
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	cps := 0.0
	var total, events float64
	byFrame := map[string]float64{}
	var cyc, cnt float64
	var frames []string
	flush := func() {
		if cyc == 0 && frames == nil {
			return
		}
		keep := re == nil
		for _, fr := range frames {
			if re != nil && re.MatchString(fr) {
				keep = true
			}
		}
		if keep {
			total += cyc
			events += cnt
			// Attribute to the innermost frame outside the runtime,
			// sync and internal packages: who waited.
			who := "?"
			for _, fr := range frames {
				if !strings.HasPrefix(fr, "runtime.") && !strings.HasPrefix(fr, "sync.") && !strings.HasPrefix(fr, "internal/") {
					who = fr
					break
				}
			}
			byFrame[who] += cyc
		}
		cyc, cnt, frames = 0, 0, nil
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "cycles/second="):
			cps, _ = strconv.ParseFloat(strings.TrimPrefix(l, "cycles/second="), 64)
		case strings.Contains(l, " @ "):
			flush()
			fields := strings.Fields(l)
			cyc, _ = strconv.ParseFloat(fields[0], 64)
			cnt, _ = strconv.ParseFloat(fields[1], 64)
			frames = []string{}
		case strings.HasPrefix(l, "#\t"):
			parts := strings.Split(l, "\t")
			if len(parts) >= 3 {
				name := parts[2]
				if i := strings.LastIndex(name, "+0x"); i > 0 {
					name = name[:i]
				}
				frames = append(frames, name)
			}
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return err
	}
	if cps == 0 {
		return fmt.Errorf("%s: no cycles/second line (not a text-format profile?)", file)
	}
	secs := total / cps
	fmt.Printf("wait-seconds %.6f events %.0f", secs, events)
	if *per > 0 {
		fmt.Printf(" wait-us-per-handshake %.2f", secs/float64(*per)*1e6)
	}
	fmt.Println()
	type kv struct {
		k string
		v float64
	}
	var list []kv
	for k, v := range byFrame {
		list = append(list, kv{k, v})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].v > list[j].v })
	for i, e := range list {
		if i >= *top {
			break
		}
		pct := 0.0
		if total > 0 {
			pct = 100 * e.v / total
		}
		fmt.Printf("  %5.1f%% %10.3f ms  %s\n", pct, e.v/cps*1e3, e.k)
	}
	return nil
}
