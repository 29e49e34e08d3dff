package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sslstream/sslstream"
)

// errHelp is returned by flagSet.parse for --help / -h.
var errHelp = flag.ErrHelp

// flagSet is a stdlib flag.FlagSet that also accepts flags after positional
// arguments (OpenSSL users write `verify cert.pem --ca-file x`) and prints
// its flags in the --name form.
type flagSet struct {
	*flag.FlagSet
	cmd *command
	// settings collects the setting flags in command-line order.
	settings *settingFlags
}

func newFlagSet(c *command) *flagSet {
	fs := flag.NewFlagSet("sslstream "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, cmd: c}
}

// parse parses args, allowing flags and positional arguments in any order;
// everything after a lone "--" is positional. A boolean flag may be written
// --flag true or --flag false too (--flag value), when the next
// argument is literally true or false.
func (fs *flagSet) parse(args []string) ([]string, error) {
	args = fs.joinBoolValues(args)
	var pos []string
	for {
		if err := fs.FlagSet.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, err
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" && !fs.wasValue(args, consumed-1) {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// joinBoolValues rewrites "--flag true" and "--flag false" for a boolean
// flag into "--flag=true" and "--flag=false", which the flag package
// understands; a bare boolean flag would leave the value as a positional
// argument. The value of any other flag and everything after "--" are left
// alone.
func (fs *flagSet) joinBoolValues(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		out = append(out, a)
		if len(a) < 2 || a[0] != '-' || strings.Contains(a, "=") {
			continue
		}
		f := fs.Lookup(strings.TrimLeft(a, "-"))
		if f == nil || i+1 >= len(args) {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			out = append(out, args[i+1]) // this flag's value, whatever it looks like
			i++
			continue
		}
		if v := args[i+1]; v == "true" || v == "false" {
			out[len(out)-1] = a + "=" + v
			i++
		}
	}
	return out
}

// wasValue reports whether args[i] was consumed as the value of the flag
// before it (as in `--server-name --`) rather than as the terminator.
func (fs *flagSet) wasValue(args []string, i int) bool {
	if i == 0 {
		return false
	}
	prev := args[i-1]
	if !strings.HasPrefix(prev, "-") || strings.Contains(prev, "=") || prev == "--" {
		return false
	}
	f := fs.Lookup(strings.TrimLeft(prev, "-"))
	if f == nil {
		return false
	}
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return false
	}
	return true
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }

// Set appends one value.
func (s *stringList) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// choice is a string flag limited to a set of values.
type choice struct {
	value   string
	allowed []string
	set     bool
}

func (c *choice) String() string { return c.value }

// Set accepts one of the allowed values.
func (c *choice) Set(v string) error {
	for _, a := range c.allowed {
		if v == a {
			c.value, c.set = v, true
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", v, strings.Join(c.allowed, ", "))
}

// setting is one library setting given on the command line.
type setting struct{ name, value string }

// settingFlags records the setting flags in order; they are handed
// to sslstream.Settings.Set unchanged, so validation lives in one place.
type settingFlags struct {
	list []setting
}

// get returns the last value given for name.
func (s *settingFlags) get(name string) (string, bool) {
	for i := len(s.list) - 1; i >= 0; i-- {
		if s.list[i].name == name {
			return s.list[i].value, true
		}
	}
	return "", false
}

type settingValue struct {
	sf   *settingFlags
	name string
	bool bool
}

func (v *settingValue) String() string {
	if v == nil || v.sf == nil {
		return ""
	}
	s, _ := v.sf.get(v.name)
	return s
}

// Set records the value; booleans are normalised to true/false here because
// the flag package hands "true" for a bare --flag.
func (v *settingValue) Set(s string) error {
	if v.bool {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not a boolean (true or false)", s)
		}
		s = strconv.FormatBool(b)
	}
	v.sf.list = append(v.sf.list, setting{v.name, s})
	return nil
}

// IsBoolFlag lets --prefer-server-cipher-order stand alone.
func (v *settingValue) IsBoolFlag() bool { return v.bool }

// addSettings defines a flag for every setting of the library's registry
// (sslstream.SettingsInfo), in its order, so that every value goes through
// Settings.Set in the order given.
func (fs *flagSet) addSettings() *settingFlags {
	sf := &settingFlags{}
	fs.settings = sf
	for _, d := range sslstream.SettingsInfo() {
		usage := d.Doc
		if d.Default != "" && d.Default != "none" && d.Default != "false" {
			usage += " (default " + d.Default + ")"
		}
		fs.Var(&settingValue{sf: sf, name: d.Name, bool: d.Bool}, d.Name, usage)
	}
	return sf
}

// printCommandHelp prints a command's synopsis, description, flags and
// examples.
func printCommandHelp(w io.Writer, c *command, fs *flagSet) {
	fmt.Fprintf(w, "Usage: sslstream %s\n\n", c.usage)
	if c.about != "" {
		fmt.Fprintf(w, "%s\n\n", strings.TrimSpace(c.about))
	}
	aliases := aliasesFor(c.name, fs)
	var any bool
	fs.VisitAll(func(*flag.Flag) { any = true })
	if any {
		fmt.Fprintln(w, "Flags:")
		fs.VisitAll(func(f *flag.Flag) {
			arg, usage := flag.UnquoteUsage(f)
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
				arg = ""
			} else if arg == "value" {
				arg = argName(f.Name)
			}
			dash := "--"
			if len(f.Name) == 1 {
				dash = "-"
			}
			line := "  " + dash + f.Name
			if arg != "" {
				line += " " + arg
			}
			if d := f.DefValue; d != "" && d != "false" && d != "0" && !strings.Contains(usage, "(default") {
				usage += " (default " + d + ")"
			}
			if o := aliasOf(aliases, f.Name); o != "" && !strings.Contains(usage, "(openssl "+o+")") {
				usage += " (openssl: " + o + ")"
			}
			fmt.Fprintf(w, "%s\n      %s\n", line, usage)
		})
		fmt.Fprintln(w, "  --help\n      show this help")
		fmt.Fprintln(w)
	}
	printOpenSSLSpellings(w, c.name, aliases)
	if len(c.examples) > 0 {
		fmt.Fprintln(w, "Examples:")
		for _, ex := range c.examples {
			fmt.Fprintf(w, "  %s\n", ex)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Exit status (every command): 0 success, 1 usage or runtime error, 2 verification failure.")
}

func argName(flagName string) string {
	for _, d := range sslstream.SettingsInfo() {
		if d.Name == flagName && d.Arg != "" {
			return d.Arg
		}
	}
	return "VALUE"
}

// printMainHelp lists the commands.
func printMainHelp(w io.Writer) {
	fmt.Fprintln(w, "sslstream: OpenSSL-style TLS tools on Go's crypto/tls")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: sslstream COMMAND [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	cs := commands()
	width := len("help")
	for _, c := range cs {
		width = max(width, len(c.name))
	}
	for _, c := range cs {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-*s  %s\n", width, "help", "show help for a command: sslstream help COMMAND")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Flags may come before or after arguments, as --flag value or --flag=value;")
	fmt.Fprintln(w, "OpenSSL's spellings work too: sslstream s_client -connect HOST:PORT -CAfile ca.pem.")
	fmt.Fprintln(w, "Exit status: 0 success, 1 usage or runtime error, 2 verification failure.")
	fmt.Fprintln(w, "Run 'sslstream COMMAND --help' for a command's flags and examples.")
	fmt.Fprintln(w, "First time? Try 'sslstream demo'.")
}
