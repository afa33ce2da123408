package e2e

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"alertbutton/e2e/tcprelay"
)

// runIn runs the binary in dir with stdin and returns its stdout, stderr and exit code.
func runIn(t *testing.T, dir, stdin string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return stdout.String(), stderr.String(), exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), 0
}

// mustRun runs the binary in dir and fails the test unless it exits 0.
func mustRun(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	out, errOut, code := runIn(t, dir, stdin, args...)
	if code != 0 {
		t.Fatalf("%s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// refused runs the binary in dir and checks it fails, saying says on stderr and nothing on stdout.
func refused(t *testing.T, dir, stdin, says string, args ...string) {
	t.Helper()
	out, errOut, code := runIn(t, dir, stdin, args...)
	if code == 0 || out != "" || !strings.Contains(errOut, says) {
		t.Errorf("%s: exit %d, stdout %q, want a failure saying %q on stderr:\n%s", strings.Join(args, " "), code, out, says, errOut)
	}
}

func noDataDir(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "pb_data")); err == nil {
		t.Errorf("%s/pb_data was made", dir)
	}
}

func testKeys(t *testing.T, code, url string) string {
	t.Helper()
	key := func() string {
		pub, _, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(pub)
	}
	raw, _ := json.Marshal(map[string]string{"code": code, "url": url, "signingKey": key(), "sealKey": key()})
	return string(raw)
}

// TestCLICentralOfficeTools: the central office's tools work in a plain directory and make
// no appliance data directory; their errors go to stderr with a non-zero exit and name the
// field; a refused sign writes no file; --help works on serve; a flag after -- is named.
func TestCLICentralOfficeTools(t *testing.T) {
	office := t.TempDir()
	pub := strings.TrimSpace(mustRun(t, office, "", "federation", "roster", "keygen", "--out", "root.pem"))
	if len(pub) != 43 {
		t.Fatalf("keygen printed %q, not a public key", pub)
	}
	out := mustRun(t, office, testKeys(t, "fresno", "https://alerta.fresno.example"), "federation", "roster", "add", "--roster", "roster.json")
	if !strings.Contains(out, "fresno added at https://alerta.fresno.example; new roster, version 1") {
		t.Errorf("roster add said %q", out)
	}
	os.WriteFile(filepath.Join(office, "la.json"), []byte(testKeys(t, "los-angeles", "https://alerta.la.example")), 0o600)
	if out := mustRun(t, office, "", "federation", "roster", "add", "--roster", "roster.json", "la.json"); !strings.Contains(out, "version 1 -> 2") {
		t.Errorf("roster add said %q", out)
	}
	refused(t, office, `{"code":"fresno","url":"https://alerta.fresno.example","signingKey":"","sealKey":"x"}`, "(signingKey)",
		"federation", "roster", "add", "--roster", "roster.json")
	mustRun(t, office, "", "federation", "roster", "sign", "--root-key", "root.pem", "--out", "signed.json", "roster.json")
	if raw, _ := os.ReadFile(filepath.Join(office, "signed.json")); !bytes.Contains(raw, []byte(`"version":2`)) || !bytes.Contains(raw, []byte(`"signature"`)) {
		t.Errorf("signed.json: %s", raw)
	}

	os.WriteFile(filepath.Join(office, "bad.json"), []byte(`{"version":3,"entries":[{"code":"fresno","url":"https://alerta.fresno.example","signing_keys":[],"seal_key":"x"}]}`), 0o600)
	refused(t, office, "", "entry fresno has no signing key (signing_keys[].key)", "federation", "roster", "sign", "--root-key", "root.pem", "--out", "bad-signed.json", "bad.json")
	noFile(t, filepath.Join(office, "bad-signed.json"))
	refused(t, office, "", "root key", "federation", "roster", "sign", "--root-key", "missing.pem", "roster.json")
	noDataDir(t, office)

	fresh := filepath.Join(office, "fresh")
	refused(t, office, "", "belongs to no consulate yet", "federation", "keys", "--dir", fresh)
	if _, err := os.Stat(fresh); err == nil {
		t.Error("federation keys on a fresh directory left it behind")
	}
	refused(t, office, "", "--dir comes after --, so it is read as an argument", "federation", "peer", "add", "--", "los-angeles", "https://la.example", "a", "b", "--dir", fresh)
	refused(t, office, "", `unknown command "bogus" for "alertbutton federation roster"`, "federation", "roster", "bogus")
	noDataDir(t, office)

	help, errOut, code := runIn(t, office, "", "serve", "--help")
	if code != 0 || !strings.Contains(help, "--roster-url") || strings.Contains(help+errOut, "pflag: help requested") {
		t.Errorf("serve --help: exit %d\n%s%s", code, help, errOut)
	}
	for _, args := range [][]string{{"federation"}, {"federation", "--help"}, {"federation", "roster", "add", "--help"}, {"federation", "peer", "add", "--help"}} {
		if out, errOut, code := runIn(t, office, "", args...); code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	noDataDir(t, office)
}

// rosterNode is one appliance of the roster test, reached at a fixed address.
type rosterNode struct {
	code string
	dir  string
	link *tcprelay.Relay
	app  *appliance
	it   string
}

// TestFederationRosterDistribution: los-angeles holds the signed roster and serves it; fresno
// and san-diego fetch it (IT's "fetch now" stands for the hourly schedule) and trust whom it
// lists; a newer roster without san-diego revokes it at fresno after one fetch; an older one
// is refused; a failing fetch shows in the health report and clears on the next good one.
func TestFederationRosterDistribution(t *testing.T) {
	office := t.TempDir()
	root := strings.TrimSpace(mustRun(t, office, "", "federation", "roster", "keygen", "--out", "root.pem"))
	base := t.TempDir()
	nodes := map[string]*rosterNode{}
	codes := []string{"los-angeles", "fresno", "san-diego"}
	rosterLink := newTCPRelay(t, "127.0.0.1:1") // where fresno and san-diego fetch the roster
	for _, code := range codes {
		n := &rosterNode{code: code, dir: filepath.Join(base, code), link: newTCPRelay(t, "127.0.0.1:1")}
		nodes[code] = n
		a := start(t, n.dir, code)
		var info struct{ Federation fedKeys }
		fedCall(t, "GET", a.URL+"/api/alertbutton/info", "", nil, &info)
		a.stop()
		keys, _ := json.Marshal(map[string]string{"code": code, "url": n.link.URL(), "signingKey": info.Federation.SigningKey, "sealKey": info.Federation.SealKey})
		mustRun(t, office, string(keys), "federation", "roster", "add", "--roster", "roster.json")
		mustRun(t, office, "", "superuser", "upsert", "it@"+code+".example", fedPassword, "--dir", n.dir)
	}
	mustRun(t, office, "", "federation", "roster", "sign", "--root-key", "root.pem", "--out", "v3.json", "roster.json")
	mustRun(t, office, "", "federation", "roster", "import", "--dir", nodes["los-angeles"].dir, "--root-public-key", root, filepath.Join(office, "v3.json"))

	fetchFrom := rosterLink.URL() + "/api/federation/v1/roster"
	for _, n := range nodes {
		var extra []string
		if n.code != "los-angeles" {
			extra = []string{"--roster-url", fetchFrom, "--root-public-key", root}
		}
		n.app = start(t, n.dir, n.code, extra...)
		n.link.SetTarget(strings.TrimPrefix(n.app.URL, "http://"))
		n.it = fedSignIn(t, n.app.URL, "it@"+n.code+".example")
	}
	la, fresno, sd := nodes["los-angeles"], nodes["fresno"], nodes["san-diego"]
	rosterLink.SetTarget(strings.TrimPrefix(la.app.URL, "http://"))

	// The roster served is the signed file as imported, to anyone.
	status, served, err := fedTry("GET", la.app.URL+"/api/federation/v1/roster", "", nil)
	signed, _ := os.ReadFile(filepath.Join(office, "v3.json"))
	if err != nil || status != 200 || !bytes.Equal(served, signed) {
		t.Fatalf("GET roster: %d %v\n%s\nwant\n%s", status, err, served, signed)
	}

	fetchNow(t, fresno, 200, 3)
	fetchNow(t, sd, 200, 3)
	wantTrusted(t, fresno, "los-angeles", "roster")
	wantTrusted(t, fresno, "san-diego", "roster")
	wantTrusted(t, sd, "fresno", "roster")

	// A fetch that fails shows in the health report; the next good one clears it.
	rosterLink.Cut()
	if st := fetchNow(t, fresno, 502, 3); st.LastError == "" || !strings.Contains(st.Line, "fetch failing") {
		t.Errorf("a failed fetch is not in the health report: %+v", st)
	}
	heal(t, rosterLink)
	if st := fetchNow(t, fresno, 200, 3); st.LastError != "" || !strings.Contains(st.Line, "fetched") {
		t.Errorf("a good fetch did not clear the failure: %+v", st)
	}

	// san-diego is revoked: version 4 lists it no more; one fetch and fresno drops it.
	mustRun(t, office, "", "federation", "roster", "remove", "--roster", "roster.json", "san-diego")
	mustRun(t, office, "", "federation", "roster", "sign", "--root-key", "root.pem", "--out", "v4.json", "roster.json")
	mustRun(t, office, "", "federation", "roster", "import", "--dir", la.dir, "--root-public-key", root, filepath.Join(office, "v4.json"))
	fetchNow(t, fresno, 200, 4)
	wantTrusted(t, fresno, "san-diego", "")
	wantTrusted(t, fresno, "los-angeles", "roster")

	// san-diego still serves version 3: fresno, pointed at it, refuses the older roster.
	rosterLink.SetTarget(strings.TrimPrefix(sd.app.URL, "http://"))
	rosterLink.Cut() // no connection kept to los-angeles
	heal(t, rosterLink)
	if st := fetchNow(t, fresno, 502, 4); !strings.Contains(st.LastError, "roster version 3 is not newer than the one held (version 4)") {
		t.Errorf("an older roster was not refused: %+v", st)
	}
	wantTrusted(t, fresno, "san-diego", "")

	var health struct {
		Summary string
		Network struct{ Peers, OK, Degraded, Down int }
		Lines   []string
	}
	fedCall(t, "GET", fresno.app.URL+"/api/federation/v1/health?summary=1", fresno.it, nil, &health)
	if health.Network.Peers != 1 || health.Summary != "1 peer: 1 ok, 0 degraded, 0 down" || len(health.Lines) != 1 || !strings.HasPrefix(health.Lines[0], "los-angeles ") {
		t.Errorf("fresno's health after the revocation: %+v", health)
	}
}

type rosterStatus struct {
	Version   int64
	LastError string
	Line      string
}

// fetchNow has IT at n fetch the roster now, and checks the answer and the version held.
func fetchNow(t *testing.T, n *rosterNode, wantStatus int, wantVersion int64) rosterStatus {
	t.Helper()
	var st rosterStatus
	if status := fedCall(t, "POST", n.app.URL+"/api/federation/v1/roster/fetch", n.it, nil, &st); status != wantStatus || st.Version != wantVersion {
		t.Fatalf("fetch at %s: %d %+v, want %d and version %d", n.code, status, st, wantStatus, wantVersion)
	}
	return st
}

// wantTrusted checks how n trusts code ("" for not at all).
func wantTrusted(t *testing.T, n *rosterNode, code, trust string) {
	t.Helper()
	var list struct{ Items []struct{ Trust string } }
	fedCall(t, "GET", n.app.URL+"/api/collections/consulates/records?filter="+url.QueryEscape("code='"+code+"'"), n.it, nil, &list)
	if len(list.Items) != 1 || list.Items[0].Trust != trust {
		t.Fatalf("%s trusts %s as %+v, want %q", n.code, code, list.Items, trust)
	}
}
