package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServerJSONEvents: with --json every server event is one JSON
// object per line: listening, then each connection with the facts of the
// text line (protocol, cipher, verify result, client certificate), and a
// failed handshake with its error.
func TestServerJSONEvents(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	proc, port := start(t, regexp.MustCompile(`^\{"address":".*:(\d+)","event":"listening"`), binPath, "server", "--listen", "127.0.0.1:0",
		"--certificate", p.path("server.pem"), "--key", p.path("server.key"), "--echo", "--json",
		"--verify", "optional", "--ca-file", p.path("client-ca.pem"))
	needOpenSSL(t)
	// A client with a certificate, then one offering no suite we allow.
	runIn(t, p.dir, nil, strings.NewReader("Q\n"), 30*time.Second, "openssl", "s_client", "-connect", "127.0.0.1:"+port,
		"-cert", "client.pem", "-key", "client.key", "-tls1_3")
	runIn(t, p.dir, nil, strings.NewReader("Q\n"), 30*time.Second, "openssl", "s_client", "-connect", "127.0.0.1:"+port, "-tls1_3",
		"-ciphersuites", "TLS_AES_128_CCM_SHA256")
	proc.WaitForText(`"event":"handshake_failed"`, 10*time.Second)
	events := map[string]map[string]any{}
	for _, line := range strings.Split(proc.Output.String(), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not one JSON object per line: %q: %v", line, err)
		}
		events[ev["event"].(string)] = ev
	}
	c := events["connection"]
	if c == nil || c["protocol"] != "TLSv1.3" || c["cipher"] == "" || c["client_subject"] == nil || c["verify_result"] == nil {
		t.Errorf("connection event %v, want protocol, cipher, client subject and verify result\n%s", c, proc)
	}
	if f := events["handshake_failed"]; f == nil || !strings.Contains(f["error"].(string), "cipher") {
		t.Errorf("handshake_failed event %v, want the error naming the cipher\n%s", f, proc)
	}
}
