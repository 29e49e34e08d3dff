// Command sslstream does for sslstream's settings what `openssl s_client`,
// `s_server`, `verify`, `ciphers` and `rehash` do for OpenSSL's, and shows the
// library at work with `sslstream demo`.
//
// Usage:
//
//	sslstream COMMAND [flags] [args]
//
// Commands: client (also s_client), server (also s_server), verify,
// ciphers, rehash, x509, demo, version, ech-keygen, help. Every command takes --help. Flags
// may be written --flag value or --flag=value, before or after the
// positional arguments; boolean flags take --flag, --flag=true,
// --flag=false, --flag true or --flag false. OpenSSL's spellings of the
// flags (-CAfile FILE, -servername HOST, -verify_return_error, ...) are
// accepted with OpenSSL's meaning: see openssl.go.
//
// Exit status, for every command: 0 on success, 1 on a usage or runtime
// error, 2 when a certificate failed verification (verify: a file failed;
// client: the handshake failed over the server's certificate).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit codes: one rule for every subcommand.
const (
	exitOK         = 0
	exitError      = 1
	exitVerifyFail = 2
)

// env is what a command may touch: its streams and a context cancelled on
// SIGINT/SIGTERM. Tests and the demo build their own.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// tty is true when stdout is a terminal: progress and colour only then.
	tty bool
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	// usage is the synopsis after "sslstream ", e.g. "verify [flags] CERT...".
	usage string
	// about is the longer description, examples the example lines.
	about    string
	examples []string
	// setup defines the command's flags on fs and returns the function that
	// runs it with the positional arguments.
	setup func(fs *flagSet) func(e *env, args []string) error
}

// commands returns the table of subcommands in the order help lists them.
func commands() []*command {
	cs := []*command{
		clientCommand(),
		serverCommand(),
		verifyCommand(),
		ciphersCommand(),
		rehashCommand(),
		x509Command(),
		demoCommand(),
		versionCommand(),
		echKeygenCommand(),
	}
	if b := baselineCommand(); b != nil {
		cs = append(cs, b)
	}
	return cs
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{ctx: ctx, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, tty: isTerminal(os.Stdout)}
	code := run(e, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches args to a subcommand and returns the exit status.
func run(e *env, args []string) int {
	if len(args) == 0 {
		printMainHelp(e.stderr)
		return exitError
	}
	name := args[0]
	switch name {
	case "help", "--help", "-help", "-h":
		if len(args) > 1 && name == "help" {
			if c := findCommand(commandAlias(args[1])); c != nil {
				fs := newFlagSet(c)
				c.setup(fs)
				printCommandHelp(e.stdout, c, fs)
				return exitOK
			}
			fmt.Fprintf(e.stderr, "sslstream: unknown command %q\n", args[1])
			printMainHelp(e.stderr)
			return exitError
		}
		printMainHelp(e.stdout)
		return exitOK
	case "--version", "-version":
		name = "version"
	}
	c := findCommand(commandAlias(name))
	if c == nil {
		fmt.Fprintf(e.stderr, "sslstream: unknown command %q\nRun 'sslstream help' for the list of commands.\n", name)
		return exitError
	}
	fs := newFlagSet(c)
	runFn := c.setup(fs)
	rest, notes, err := translateOpenSSL(c.name, args[1:], fs)
	if err != nil {
		return report(e, c, err)
	}
	for _, n := range notes {
		fmt.Fprintf(e.stderr, "sslstream %s: note: %s\n", c.name, n)
	}
	pos, err := fs.parse(rest)
	if errors.Is(err, errHelp) {
		printCommandHelp(e.stdout, c, fs)
		return exitOK
	}
	if err != nil {
		msg := flagErrorText(err)
		if unknown, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: "); ok {
			// Say it as typed: -CAfil stays one-dash.
			for _, a := range rest {
				if a == unknown || strings.HasPrefix(a, unknown+"=") {
					msg = "unknown flag " + unknown
				}
			}
			if s := suggestFlag(unknown, c.name, fs); s != "" {
				msg += "; did you mean " + s + "?"
			}
		}
		fmt.Fprintf(e.stderr, "sslstream %s: %s\nRun 'sslstream %s --help' for usage.\n", c.name, msg, c.name)
		return exitError
	}
	err = runFn(e, pos)
	return report(e, c, err)
}

// report prints err the way its kind asks and returns the exit status.
func report(e *env, c *command, err error) int {
	if err == nil {
		return exitOK
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.stderr, "sslstream %s: %v\nRun 'sslstream %s --help' for usage.\n", c.name, ue.msg, c.name)
		return exitError
	}
	var vf *verifyFailed
	if errors.As(err, &vf) {
		if vf.msg != "" {
			fmt.Fprintf(e.stderr, "sslstream %s: %s\n", c.name, vf.msg)
		}
		return exitVerifyFail
	}
	var s *silentError
	if errors.As(err, &s) {
		return s.code
	}
	fmt.Fprintf(e.stderr, "sslstream %s: %v\n", c.name, err)
	return exitError
}

// flagErrorText rewrites the flag package's messages to the --name form
// the help shows.
func flagErrorText(err error) string {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown flag --" + rest
	}
	if rest, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "flag --" + rest + " needs a value"
	}
	return strings.Replace(msg, " for flag -", " for flag --", 1)
}

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// usageError is a mistake in the command line: exit 1 with a pointer to --help.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

// verifyFailed makes the command exit 2; the details are already printed
// unless msg says more.
type verifyFailed struct{ msg string }

func (v *verifyFailed) Error() string {
	if v.msg == "" {
		return "verification failed"
	}
	return v.msg
}

// silentError exits with code after the command has already said why.
type silentError struct{ code int }

func (s *silentError) Error() string { return fmt.Sprintf("exit status %d", s.code) }

// isTerminal reports whether f is a terminal (not merely a character
// device such as /dev/null), honouring NO_COLOR and TERM=dumb: progress and
// colour only then.
func isTerminal(f *os.File) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isatty(f.Fd())
}
