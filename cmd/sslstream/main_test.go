package main

import (
	"bytes"
	"context"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sslstream/sslstream/internal/testproc"
)

// binPath is the sslstream binary built once by TestMain.
var binPath string

// runtimeGOOSWindows: no signals to send there.
const runtimeGOOSWindows = runtime.GOOS == "windows"

// sigterm is the signal that stops a server gracefully.
var sigterm = syscall.SIGTERM

// testDir is the run's temporary directory: the binary and the shared
// fixtures' directories are made in it; TestMain removes it.
var testDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sslstream-bin-")
	testDir = dir
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "sslstream")
	if runtime.GOOS == "windows" {
		binPath += ".exe"
	}
	// The binary is built without -race even under go test -race: a race
	// build starts several times slower and the tests run it hundreds of
	// times; the concurrent code (demo, server) also runs in-process here.
	args := []string{"build", "-o", binPath}
	if os.Getenv("SSLSTREAM_RACE_BINARY") != "" {
		args = append(args, "-race")
	}
	if baselineCommand() != nil {
		// The tests of a build with the tag run a binary with it.
		args = append(args, "-tags", "sslstream_baseline")
	}
	build := exec.Command("go", append(args, ".")...)
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building sslstream:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutine leak:", err)
			code = 1
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary produced.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// ss runs the binary with args (stdin empty) and waits at most 60s.
func ss(t *testing.T, args ...string) result {
	t.Helper()
	return sslstreamIn(t, "", nil, args...)
}

// sslstreamIn runs the binary in dir (when not "") with stdin and the extra
// environment variables.
func sslstreamIn(t *testing.T, dir string, stdin io.Reader, args ...string) result {
	t.Helper()
	return ssEnv(t, dir, nil, stdin, args...)
}

// ssEnv is sslstreamIn with extra environment variables ("K=V").
func ssEnv(t *testing.T, dir string, env []string, stdin io.Reader, args ...string) result {
	t.Helper()
	return runIn(t, dir, append([]string{"NO_COLOR=1"}, env...), stdin, 60*time.Second, binPath, args...)
}

// runIn runs name with args in dir (when not "") with stdin (none when nil)
// and extra environment variables, failing the test if it cannot start or
// takes longer than timeout, and returns its output and exit code.
func runIn(t *testing.T, dir string, env []string, stdin io.Reader, timeout time.Duration, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("running %s %v: %v", filepath.Base(name), args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("%s %v timed out\n%s", filepath.Base(name), args, r)
	}
	return r
}

// needOpenSSL skips the test when the reference openssl binary is absent
// and returns its path.
func needOpenSSL(t *testing.T) string {
	t.Helper()
	return testproc.Require(t, "openssl")
}

// openssl runs the openssl binary in dir and returns stdout, stderr and the exit code.
func openssl(t *testing.T, dir string, args ...string) result {
	t.Helper()
	needOpenSSL(t)
	return runIn(t, dir, nil, nil, 60*time.Second, "openssl", args...)
}

// pkixName builds a subject C=country, O=org, CN=cn.
func pkixName(country, org, cn string) pkix.Name {
	return pkix.Name{Country: []string{country}, Organization: []string{org}, CommonName: cn}
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d\n%s", r.code, code, r)
	}
}

func wantContains(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Fatalf("%s does not contain %q:\n%s", what, want, got)
	}
}
