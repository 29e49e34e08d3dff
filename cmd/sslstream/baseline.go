//go:build sslstream_baseline

package main

import (
	"fmt"
	"net"
	"time"

	"github.com/sslstream/sslstream/internal/plainserver"
)

// baselineCommand is "sslstream baseline-server", linked in only by the
// build tag sslstream_baseline: the plain crypto/tls echo server of
// "serverload plain-server" (internal/plainserver), in the same binary as
// `sslstream server`. The CPU one program spends per handshake depends on
// what else the binary links (docs/PERFORMANCE.md, "The layout term"), so
// scripts/bench compares the command's server with crypto/tls's within one
// binary built with this tag, beside the comparison between the shipped
// binary and serverload.
func baselineCommand() *command {
	return &command{
		name:    "baseline-server",
		summary: "a plain crypto/tls echo server, the benchmarks' baseline (built with -tags sslstream_baseline)",
		usage:   "baseline-server --dir DIR [flags]",
		about: "Serves the certificate NAME.pem (key NAME.key) from DIR, a directory that `serverload pki` wrote, " +
			"with crypto/tls alone: prints \"Listening on HOST:PORT\" on stderr, echoes what each client sends, " +
			"and runs until SIGINT or SIGTERM. SSLSTREAM_BLOCK_PROFILE, SSLSTREAM_MUTEX_PROFILE and " +
			"SSLSTREAM_CPU_PROFILE write the runtime's profiles at exit, as for `sslstream server`.",
		examples: []string{"sslstream baseline-server --dir /tmp/pki --cert server-rsa --verify --loop small"},
		setup: func(fs *flagSet) func(*env, []string) error {
			dir := fs.String("dir", "", "the PKI directory `DIR`, holding ca.pem, NAME.pem and NAME.key")
			name := fs.String("cert", "server", "the server's certificate and key: `NAME`.pem and NAME.key in DIR")
			verify := fs.Bool("verify", false, "require client certificates and verify them against DIR/ca.pem")
			loop := fs.String("loop", "small", "echo loop: small (one-byte Read, pooled buffer, as sslstream server --echo) or copy (a 32 KiB buffer per connection)")
			listen := fs.String("listen", "127.0.0.1:0", "listen on `HOST:PORT`")
			hsTimeout := fs.Duration("handshake-timeout", 30*time.Second, "drop a client that has not completed the handshake after this long")
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return usagef("baseline-server takes no arguments (got %q)", args[0])
				}
				if *dir == "" {
					return usagef("--dir is required")
				}
				if *loop != "small" && *loop != "copy" {
					return usagef("--loop %q: small or copy", *loop)
				}
				cfg, err := plainserver.NewConfig(*dir, *name, *verify)
				if err != nil {
					return err
				}
				stopProf, err := startProfiles(e.stderr)
				if err != nil {
					return err
				}
				defer stopProf()
				ln, err := net.Listen("tcp", *listen)
				if err != nil {
					return fmt.Errorf("--listen %s: %w", *listen, err)
				}
				fmt.Fprintf(e.stderr, "Listening on %s\n", ln.Addr())
				s := &plainserver.Server{TLS: cfg, HandshakeTimeout: *hsTimeout, Small: *loop == "small"}
				s.Serve(e.ctx, ln)
				return nil
			}
		},
	}
}
