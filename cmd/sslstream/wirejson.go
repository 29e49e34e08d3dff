package main

import (
	"encoding/json"
	"fmt"

	"github.com/sslstream/sslstream"
	"github.com/sslstream/sslstream/cipherlist"
)

// notOfferedJSON is a suite a cipher string selects that is not offered
// on the wire (sslstream.SuiteNotOffered).
type notOfferedJSON struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// ciphersJSON is the --json output of the ciphers command.
type ciphersJSON struct {
	String     string           `json:"string"`
	Selected   []string         `json:"selected"`
	Suites     []cipherJSON     `json:"suites"`
	Offered    []string         `json:"offered"`
	NotOffered []notOfferedJSON `json:"not_offered"`
}

// printCiphersJSON prints what cipher string s selects (suites, already
// narrowed by --method), what of it goes on the wire and what does not.
func printCiphersJSON(e *env, s string, suites []cipherlist.Suite) error {
	_, held, err := sslstream.WireSuites(s)
	if err != nil {
		return err
	}
	out := ciphersJSON{String: s, Selected: []string{}, Suites: []cipherJSON{}, Offered: []string{}}
	notOffered := map[string]string{}
	for _, h := range held {
		notOffered[h.Name] = h.Reason
	}
	out.NotOffered = []notOfferedJSON{}
	for _, su := range suites {
		out.Selected = append(out.Selected, su.Name)
		out.Suites = append(out.Suites, suiteJSON(su))
		if r, ok := notOffered[su.Name]; ok {
			out.NotOffered = append(out.NotOffered, notOfferedJSON{Name: su.Name, Reason: r})
		} else {
			out.Offered = append(out.Offered, su.Name)
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encoding the cipher list: %w", err)
	}
	_, err = e.stdout.Write(append(b, '\n'))
	return err
}

// notOfferedList converts the library's list for --json (never null).
func notOfferedList(l []sslstream.SuiteNotOffered) []notOfferedJSON {
	out := []notOfferedJSON{}
	for _, h := range l {
		out = append(out, notOfferedJSON{Name: h.Name, Reason: h.Reason})
	}
	return out
}

// notOfferedLine is the summary line naming the suites not offered, or "".
func notOfferedLine(l []sslstream.SuiteNotOffered) string {
	if len(l) == 0 {
		return ""
	}
	names := ""
	for i, h := range l {
		if i > 0 {
			names += ":"
		}
		names += h.Name
	}
	return fmt.Sprintf("Ciphers selected but not offered: %s (%s)", names, l[0].Reason)
}
