package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// secretEnv names the variable that holds the appliance's --encryptionEnv secret, as in
// production (README: "Running it for real").
const (
	secretEnv = "BENCH_ALERTBUTTON_SECRET"
	secret    = "bench-secret-0123456789abcdefghi" // 32 characters
)

// binaries are the programs the harness runs, built once per run into a temporary directory.
type binaries struct {
	appliance string
	stock     string // bench/stockpb
}

// moduleRoot is the directory of alertbutton's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run the benchmarks from inside the alertbutton module (go run ./bench)")
	}
	return filepath.Dir(gomod), nil
}

// build compiles the appliance and stock PocketBase into dir.
func build(dir string) (binaries, error) {
	root, err := moduleRoot()
	if err != nil {
		return binaries{}, err
	}
	b := binaries{appliance: filepath.Join(dir, "alertbutton"), stock: filepath.Join(dir, "stockpb")}
	app := "."
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, job := range [][2]string{{b.appliance, app}, {b.stock, "./bench/stockpb"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "go", "build", "-o", job[0], job[1])
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("go build %s: %v\n%s", job[1], err, out)
			}
		}()
	}
	wg.Wait()
	return b, errors.Join(errs...)
}

// freeAddr returns a free 127.0.0.1 address.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// server is one running appliance or stock PocketBase.
type server struct {
	name    string
	bin     string
	dir     string
	addr    string
	URL     string
	args    []string
	env     []string
	cmd     *exec.Cmd
	out     *tail
	exited  chan struct{}
	Startup time.Duration // from exec to the first 200 of /api/health
}

// all servers started, so that an interrupted run leaves none behind.
var (
	serversMu sync.Mutex
	servers   = map[*server]bool{}
)

func stopAll() {
	serversMu.Lock()
	list := make([]*server, 0, len(servers))
	for s := range servers {
		list = append(list, s)
	}
	serversMu.Unlock()
	for _, s := range list {
		s.Stop()
	}
}

// newAppliance prepares (does not start) the appliance of consulate code on dir.
func newAppliance(bin, dir, code string, extra ...string) *server {
	args := append([]string{"serve", "--consulate", code, "--dir", dir, "--encryptionEnv", secretEnv}, extra...)
	return &server{name: code, bin: bin, dir: dir, args: args, env: []string{secretEnv + "=" + secret}}
}

// newStock prepares stock PocketBase on dir, with synchronous=FULL when full.
func newStock(bin, dir string, full bool) *server {
	s := &server{name: "stock", bin: bin, dir: dir, args: []string{"serve", "--dir", dir}}
	if full {
		s.env = []string{"STOCKPB_SYNCHRONOUS=FULL"}
	}
	return s
}

// Start starts the server on a free port (the same one as before on a restart) and waits
// up to a minute for /api/health.
func (s *server) Start(extraEnv ...string) error {
	if s.addr == "" {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		s.addr, s.URL = addr, "http://"+addr
	}
	s.out = &tail{max: 64 << 10}
	s.exited = make(chan struct{})
	s.cmd = exec.Command(s.bin, append(s.args, "--http", s.addr)...)
	s.cmd.Env = append(append(os.Environ(), s.env...), extraEnv...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	began := time.Now()
	if err := s.cmd.Start(); err != nil {
		return err
	}
	serversMu.Lock()
	servers[s] = true
	serversMu.Unlock()
	go func() { s.cmd.Wait(); close(s.exited) }()

	client := &http.Client{Timeout: time.Second}
	deadline := began.Add(time.Minute)
	for time.Now().Before(deadline) {
		res, err := client.Get(s.URL + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				s.Startup = time.Since(began)
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("%s exited while starting:\n%s", s.name, s.out)
		case <-time.After(5 * time.Millisecond):
		}
	}
	s.Stop()
	return fmt.Errorf("%s did not answer /api/health within a minute:\n%s", s.name, s.out)
}

// Stop sends SIGTERM and waits up to 20 s, then kills the process group.
func (s *server) Stop() {
	serversMu.Lock()
	running := servers[s]
	delete(servers, s)
	serversMu.Unlock()
	if !running || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.exited
	}
}

// RSS is the process's resident set (VmRSS) in bytes; 0 when it cannot be read.
func (s *server) RSS() int64 {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return vmRSS(s.cmd.Process.Pid)
}

func vmRSS(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// rssPeak samples a server's VmRSS every 100 ms until stop is called, and returns the peak.
func rssPeak(s *server) (stop func() int64) {
	done := make(chan struct{})
	result := make(chan int64, 1)
	go func() {
		peak := s.RSS()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				result <- max(peak, s.RSS())
				return
			case <-t.C:
				peak = max(peak, s.RSS())
			}
		}
	}()
	return func() int64 { close(done); return <-result }
}

// run runs the binary with args to completion (a CLI command) and returns its output.
func runCLI(bin string, env []string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// getJSON GETs url with an optional Authorization token and decodes the answer.
func getJSON(client *http.Client, url, token string, out any) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, res.Status, bytes.TrimSpace(body))
	}
	return json.Unmarshal(body, out)
}

// cpuTime is the process's user+system CPU time so far (0 when it cannot be read).
func cpuTime(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name is in parentheses and may hold spaces: count fields after it.
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
}

// Quiesce waits until the server has been (nearly) idle for half a second, at most 60 s:
// a run that overloaded it leaves requests, outbox rows and checkpoints behind, and the
// next run must not pay for them.
func (s *server) Quiesce() time.Duration {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	began := time.Now()
	pid := s.cmd.Process.Pid
	last := cpuTime(pid)
	for time.Since(began) < time.Minute {
		time.Sleep(500 * time.Millisecond)
		now := cpuTime(pid)
		if now-last <= 25*time.Millisecond {
			return time.Since(began)
		}
		last = now
	}
	return time.Since(began)
}
