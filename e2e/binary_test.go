// Package e2e tests the built binary: several appliances, real processes, loopback only.
package e2e

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var binary string

// e2eTimeout replaces go test's default of 10 minutes a package: these tests build the
// binary and drive browsers one after another (about 5 minutes on a quiet 2-core machine), so
// a slow or busy runner must not cut them short. Any other -timeout is kept.
const e2eTimeout = "30m"

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.timeout"); f != nil && f.Value.String() == (10*time.Minute).String() {
		flag.Set("test.timeout", e2eTimeout)
	}
	dir, err := os.MkdirTemp("", "alertbutton_e2e_")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "alertbutton")
	build := exec.Command("go", "build", "-o", binary, "..")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the appliance:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// go test's default timeout would cut the suite short on a busy runner (it did, at 614 s).
func TestSuiteIsNotCutAtTenMinutes(t *testing.T) {
	if got := flag.Lookup("test.timeout").Value.String(); got == (10 * time.Minute).String() {
		t.Fatalf("the e2e suite runs under go test's default timeout (%s)", got)
	}
}

// run runs the binary to completion and returns its combined output and exit code.
func run(t *testing.T, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return string(out), exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// appliance is one running consulate appliance.
type appliance struct {
	URL    string
	Dir    string
	cmd    *exec.Cmd
	output *output
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start serves dir as the consulate code on a free loopback port and waits until it answers.
// The port is chosen before the binary binds it, so another process may take it meanwhile:
// then it tries again on another port.
func start(t *testing.T, dir, code string, extra ...string) *appliance {
	t.Helper()
	for attempt := 0; attempt < 5; attempt++ {
		a, portTaken := tryStart(t, dir, code, extra)
		if a != nil {
			return a
		}
		if !portTaken {
			break
		}
	}
	t.Fatalf("appliance %s did not start", code)
	return nil
}

func tryStart(t *testing.T, dir, code string, extra []string) (a *appliance, portTaken bool) {
	t.Helper()
	addr := freeAddr(t)
	args := append([]string{"serve", "--consulate", code, "--dir", dir, "--http", addr}, extra...)
	a = &appliance{URL: "http://" + addr, Dir: dir, output: &output{}}
	a.cmd = exec.Command(binary, args...)
	a.cmd.Stdout, a.cmd.Stderr = a.output, a.output
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(a.URL + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				t.Cleanup(a.stop)
				return a, false
			}
		}
		if strings.Contains(a.output.String(), "address already in use") {
			a.cmd.Wait()
			return nil, true
		}
		time.Sleep(50 * time.Millisecond)
	}
	a.stop()
	t.Logf("appliance %s did not start:\n%s", code, a.output)
	return nil, false
}

// output collects a process's output; the test reads it while the process writes.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) Bytes() []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	return bytes.Clone(o.buf.Bytes())
}

func (o *output) String() string { return string(o.Bytes()) }

func (a *appliance) stop() {
	if a.cmd.Process == nil || a.cmd.ProcessState != nil {
		return
	}
	a.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { a.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}
