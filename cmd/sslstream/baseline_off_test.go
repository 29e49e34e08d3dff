//go:build !sslstream_baseline

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestNoBaselineServerWithoutTag: the shipped command has no
// baseline-server; it exists only in a build with -tags sslstream_baseline.
func TestNoBaselineServerWithoutTag(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
	if code := run(e, []string{"baseline-server", "--dir", t.TempDir()}); code != exitError || !strings.Contains(stderr.String(), `unknown command "baseline-server"`) {
		t.Errorf("exit %d, stderr %q: want exit 1 and unknown command", code, stderr.String())
	}
	stdout.Reset()
	run(e, []string{"help"})
	if strings.Contains(stdout.String(), "baseline-server") {
		t.Errorf("help lists baseline-server:\n%s", stdout.String())
	}
}
