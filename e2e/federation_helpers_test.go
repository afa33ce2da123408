package e2e

import (
	"alertbutton/e2e/tcprelay"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The three consulates of the federation tests, and their staff's password.
var fedCodes = []string{"los-angeles", "fresno", "san-diego"}

const fedPassword = "Federation-pass-2025"

// A point in downtown Fresno (Fresno County, served by fresno).
const fedLat, fedLon = 36.7378, -119.7871

// fedKeys is what a consulate's /api/alertbutton/info says of its federation keys.
type fedKeys struct{ SigningKey, SealKey string }

// fedCluster is three appliances that trust each other directly, every link through a TCP
// relay of its own (from, to), so a test can cut one consulate off.
type fedCluster struct {
	t       *testing.T // the test the processes live as long as
	dirs    map[string]string
	nodes   map[string]*appliance
	keys    map[string]fedKeys
	links   map[[2]string]*tcprelay.Relay
	it      map[string]string // IT's token
	adviser map[string]string // an on-duty adviser's token
}

// newFedCluster starts each appliance once (to make its keys), has IT trust the two others
// with `federation peer add` before the real start, and signs in IT and an adviser.
// extra runs against each data directory before the real start.
func newFedCluster(t *testing.T, extra func(code, dir string)) *fedCluster {
	t.Helper()
	c := &fedCluster{
		t:    t,
		dirs: map[string]string{}, nodes: map[string]*appliance{}, keys: map[string]fedKeys{},
		links: map[[2]string]*tcprelay.Relay{}, it: map[string]string{}, adviser: map[string]string{},
	}
	base := t.TempDir()
	for _, code := range fedCodes {
		c.dirs[code] = filepath.Join(base, code)
		a := start(t, c.dirs[code], code)
		var info struct{ Federation fedKeys }
		fedCall(t, "GET", a.URL+"/api/alertbutton/info", "", nil, &info)
		a.stop()
		c.keys[code] = info.Federation
	}
	for _, from := range fedCodes {
		for _, to := range fedCodes {
			if from == to {
				continue
			}
			link := newTCPRelay(t, "127.0.0.1:1")
			c.links[[2]string{from, to}] = link
			k := c.keys[to]
			if out, code := run(t, "federation", "peer", "add", "--dir", c.dirs[from], "--", to, link.URL(), k.SigningKey, k.SealKey); code != 0 {
				t.Fatalf("peer add %s at %s: exit %d\n%s", to, from, code, out)
			}
		}
		if out, code := run(t, "superuser", "upsert", "it@"+from+".example", fedPassword, "--dir", c.dirs[from]); code != 0 {
			t.Fatalf("superuser upsert: exit %d\n%s", code, out)
		}
		if extra != nil {
			extra(from, c.dirs[from])
		}
	}
	for _, code := range fedCodes {
		c.start(code)
	}
	for _, code := range fedCodes {
		c.it[code] = fedSignIn(t, c.nodes[code].URL, "it@"+code+".example")
		email := "asesora@" + code + ".example"
		body := map[string]any{"email": email, "password": fedPassword, "passwordConfirm": fedPassword, "role": "adviser", "on_duty": true}
		if status := fedCall(t, "POST", c.nodes[code].URL+"/api/collections/_superusers/records", c.it[code], body, nil); status != 200 {
			t.Fatalf("IT adding an adviser at %s: %d", code, status)
		}
		c.adviser[code] = fedSignIn(t, c.nodes[code].URL, email)
	}
	return c
}

// start serves code and points the links to it at its new address.
func (c *fedCluster) start(code string) {
	a := start(c.t, c.dirs[code], code)
	for key, link := range c.links {
		if key[1] == code {
			link.SetTarget(strings.TrimPrefix(a.URL, "http://"))
		}
	}
	c.nodes[code] = a
}

// kill ends code's process with SIGKILL: no shutdown, no flush.
func (c *fedCluster) kill(code string) {
	a := c.nodes[code]
	syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
	a.cmd.Wait()
}

// cutOff cuts every link to and from code; heal restores them.
func (c *fedCluster) cutOff(code string) {
	for key, link := range c.links {
		if key[0] == code || key[1] == code {
			link.Cut()
		}
	}
}

func (c *fedCluster) heal(t *testing.T, code string) {
	for key, link := range c.links {
		if key[0] == code || key[1] == code {
			heal(t, link)
		}
	}
}

func (c *fedCluster) url(code string) string { return c.nodes[code].URL }

// fedCall calls an appliance's API and decodes the answer into out.
func fedCall(t *testing.T, method, url, token string, body, out any) int {
	t.Helper()
	status, raw, err := fedTry(method, url, token, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if out != nil && len(raw) > 0 {
		json.Unmarshal(raw, out)
	}
	if status >= 300 {
		t.Logf("%s %s: %d %s", method, url, status, raw)
	}
	return status
}

// fedTry is fedCall that reports a failed connection instead of failing the test.
func fedTry(method, url, token string, body any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := fedClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, raw, err
}

var fedClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}

func fedSignIn(t *testing.T, base, email string) string {
	t.Helper()
	var auth struct{ Token string }
	if status := fedCall(t, "POST", base+"/api/collections/_superusers/auth-with-password", "",
		map[string]string{"identity": email, "password": fedPassword}, &auth); status != 200 {
		t.Fatalf("%s signing in: %d", email, status)
	}
	return auth.Token
}

// fedAlert is an alert as staff list it.
type fedAlert struct {
	ID, UID, Status, Source string
	Origin                  string `json:"origin_consulate"`
	Target                  string `json:"target_consulate"`
}

// alertsWhere lists, as IT, the alerts matching filter (uid and a few case fields only).
func (c *fedCluster) alertsWhere(t *testing.T, code, filter string) []fedAlert {
	t.Helper()
	var all []fedAlert
	for page := 1; ; page++ {
		var list struct {
			Items      []fedAlert
			TotalPages int
		}
		q := url.Values{"filter": {filter}, "perPage": {"500"}, "page": {fmt.Sprint(page)},
			"fields": {"id,uid,status,source,origin_consulate,target_consulate"}}
		if status := fedCall(t, "GET", c.url(code)+"/api/collections/alerts/records?"+q.Encode(), c.it[code], nil, &list); status != 200 {
			t.Fatalf("listing alerts at %s: %d", code, status)
		}
		all = append(all, list.Items...)
		if page >= list.TotalPages {
			return all
		}
	}
}

// countWhere counts, as IT, the alerts matching filter.
func (c *fedCluster) countWhere(t *testing.T, code, filter string) int {
	t.Helper()
	var list struct{ TotalItems int }
	q := url.Values{"filter": {filter}, "perPage": {"1"}, "fields": {"id"}}
	if status := fedCall(t, "GET", c.url(code)+"/api/collections/alerts/records?"+q.Encode(), c.it[code], nil, &list); status != 200 {
		t.Fatalf("counting alerts at %s: %d", code, status)
	}
	return list.TotalItems
}

// fedWaitFor polls cond until it holds or the time is up.
func fedWaitFor(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("after %s: %s", d, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(start)
}

func fedJSON(raw []byte, out any) { json.Unmarshal(raw, out) }
