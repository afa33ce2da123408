package pushtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Version is the web-push-testing release this package drives; it reaches
// into the package's internals, so another version is refused.
const Version = "1.2.2"

// server runs web-push-testing's server in the foreground. The package's
// own CLI detaches the server, listens on every interface, advertises
// "localhost" endpoints and records PIDs in the working directory; this
// binds 127.0.0.1 on a free port instead and prints the port. It exits when
// stdin closes, so a killed test binary leaves nothing behind.
const server = `
const dir = process.argv[1];
const Server = require(dir + '/src/server.js');
const {PushApiModel} = require(dir + '/src/PushApiModel.js');
const model = new PushApiModel();
const server = new Server(model, 0);
const listen = server._app.listen.bind(server._app);
server._app.listen = (port, done) => listen(port, '127.0.0.1', function () {
	model.notifyUrl = 'http://127.0.0.1:' + this.address().port + '/notify/';
	console.log('listening on 127.0.0.1:' + this.address().port);
});
server.startServer();
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`

var listening = regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)\n`)

// Start runs web-push-testing until the test ends. It skips the test when
// node or the package is missing, and fails it instead under CI=true.
func Start(t testing.TB) *Service {
	t.Helper()
	dir := packageDir(t)
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable(t, "node is not on PATH")
	}

	out := &output{ready: make(chan string, 1)}
	cmd := exec.Command(node, "-e", server, dir)
	cmd.Dir = t.TempDir()
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting web-push-testing: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		stdin.Close()
		<-exited
		if t.Failed() {
			t.Logf("web-push-testing output:\n%s", out.String())
		}
	})

	select {
	case host := <-out.ready:
		return &Service{host: host, client: &http.Client{Timeout: 10 * time.Second}}
	case <-exited:
		t.Fatalf("web-push-testing exited: %s", out.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("web-push-testing did not start in 20s: %s", out.String())
	}
	return nil
}

// packageDir finds the installed web-push-testing package: the
// WEB_PUSH_TESTING_DIR variable, or .ci/node/node_modules/web-push-testing
// under the repository root (the directory holding go.mod).
func packageDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("WEB_PUSH_TESTING_DIR")
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, ".ci", "node", "node_modules", "web-push-testing")
	}
	data, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if errors.Is(err, os.ErrNotExist) {
		unavailable(t, dir+" is missing")
	}
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	if pkg.Version != Version {
		t.Fatalf("%s is web-push-testing %s; pushtest needs %s (npm ci --prefix .ci/node)", dir, pkg.Version, Version)
	}
	return dir
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("pushtest: no go.mod above the working directory")
		}
		dir = parent
	}
}

func unavailable(t testing.TB, why string) {
	t.Helper()
	msg := "web-push-testing is not available (" + why + "); it needs Node.js 20+ and, from the repository root: npm ci --prefix .ci/node"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// output collects the server's output and reports its address once.
type output struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan string
	found bool
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	if m := listening.FindSubmatch(o.buf.Bytes()); m != nil && !o.found {
		o.found = true
		o.ready <- string(m[1])
	}
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}
