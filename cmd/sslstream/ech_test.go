package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ech-keygen writes the server's key file and prints the clients' config;
// our client with it is accepted by our server (the inner name reaches
// the server: its certificate is checked for it), a client without it
// is not offered ECH, and one with another key's config is rejected with
// the server's retry config.
func TestECHServerAndClient(t *testing.T) {
	t.Parallel()
	p := getNetPKI(t)
	dir := t.TempDir()
	keys := filepath.Join(dir, "ech.pem")
	gen := ss(t, "ech-keygen", "--public-name", "server.example", "--out", keys)
	wantCode(t, gen, 0)
	config := strings.TrimSpace(gen.stdout)
	if fi, err := os.Stat(keys); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	again := ss(t, "ech-keygen", "--public-name", "server.example", "--out", keys)
	wantCode(t, again, 1)
	wantContains(t, "overwrite", again.stderr, "--force")
	other := ss(t, "ech-keygen", "--public-name", "server.example", "--out", filepath.Join(dir, "other.pem"))
	wantCode(t, other, 0)

	srv, port := startOurServer(t, "--certificate", p.path("server.pem"), "--key", p.path("server.key"), "--ech-keys", keys, "--echo")
	client := func(extra ...string) result {
		args := append([]string{"client", "127.0.0.1:" + port, "--ca-file", "ca.pem", "--verify", "required", "--server-name", "localhost"}, extra...)
		return sslstreamIn(t, p.dir, strings.NewReader("ping\n"), args...)
	}

	r := client("--ech-config", config)
	wantCode(t, r, 0)
	wantSummary(t, r, map[string]string{"ECH": "accepted", "Protocol": "TLSv1.3", "Verify return code": "0 (ok)"})
	wantContains(t, "echo", r.stdout, "ping")
	waitFor(t, srv, ", ECH: accepted")

	r = client()
	wantCode(t, r, 0)
	wantSummary(t, r, map[string]string{"ECH": "not offered"})

	r = client("--ech-config", strings.TrimSpace(other.stdout))
	wantCode(t, r, 1)
	wantContains(t, "rejection", r.stderr, "ECH: rejected by the server (retry configs: 1)")
	wantContains(t, "rejection", r.stderr, "rejected ECH")
	waitFor(t, srv, ", ECH: rejected")

	r = client("--json", "--ech-config", strings.TrimSpace(other.stdout))
	wantCode(t, r, 1)
	var j struct {
		ECH       string `json:"ech"`
		Retry     int    `json:"ech_retry_configs"`
		RetryList string `json:"ech_retry_config_list"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.stderr)), &j); err != nil {
		t.Fatalf("--json: %v\n%s", err, r)
	}
	if j.ECH != "rejected" || j.Retry != 1 || j.RetryList != config {
		t.Errorf("--json ECH %+v, want rejected with the server's config %s", j, config)
	}

	r = client("--json", "--ech-config", config)
	wantCode(t, r, 0)
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.stderr)), &j); err != nil || j.ECH != "accepted" {
		t.Errorf("--json: %v %+v\n%s", err, j, r)
	}

	// Bad input names the flag.
	r = client("--ech-config", "AAAA")
	wantCode(t, r, 1)
	wantContains(t, "bad config", r.stderr, "ech-config")
	bad := sslstreamIn(t, p.dir, nil, "server", "--listen", "127.0.0.1:0", "--certificate", "server.pem", "--key", "server.key", "--ech-keys", "ca.pem")
	wantCode(t, bad, 1)
	wantContains(t, "bad keys", bad.stderr, "ech-keys")
	r = ss(t, "ech-keygen", "--public-name", "localhost", "--out", filepath.Join(dir, "x.pem"))
	wantCode(t, r, 1)
	wantContains(t, "bad name", r.stderr, "two or more labels")
}
