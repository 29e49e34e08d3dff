package main

import "errors"

// stub returns a command whose implementation has not landed yet.
func stub(name, summary string) *command {
	return &command{
		name:     name,
		summary:  summary,
		usage:    name + " [flags]",
		examples: []string{"sslstream " + name},
		setup: func(fs *flagSet) func(*env, []string) error {
			return func(*env, []string) error { return errors.New("not implemented yet") }
		},
	}
}

func demoCommand() *command { return stub("demo", "show sslstream's verification at work, in memory") }
