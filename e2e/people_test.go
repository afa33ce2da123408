package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"alertbutton/hooks/push"
	"alertbutton/hooks/push/pushtest"
)

// Many phones are behind many addresses: requests come from 127.0.0.1 to 127.0.0.32, so that
// PocketBase's per-address limits on sign-ups and sign-ins see a crowd, not one machine.
const sourceAddrs = 32

var (
	clientsOnce sync.Once
	clients     []*http.Client
)

// clientFor is the HTTP client of phone i, from its own loopback address.
func clientFor(i int) *http.Client {
	clientsOnce.Do(func() {
		for n := range sourceAddrs {
			d := &net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(1+n))}}
			clients = append(clients, &http.Client{
				Timeout:   15 * time.Second,
				Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 64},
			})
		}
	})
	return clients[i%sourceAddrs]
}

// call sends one JSON request and returns the status and body; err is a transport error
// (the appliance is down, or was killed while answering).
func call(c *http.Client, method, url, token string, body any) (int, []byte, error) {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, raw, err
}

// mustCall is call that fails the test on anything but want.
func mustCall(t testing.TB, c *http.Client, want int, method, url, token string, body any) []byte {
	t.Helper()
	for attempt := 0; ; attempt++ {
		status, raw, err := call(c, method, url, token, body)
		if status == http.StatusTooManyRequests && attempt < 20 {
			time.Sleep(time.Second) // PocketBase's per-address limit; a second later it passes
			continue
		}
		if err != nil || status != want {
			t.Fatalf("%s %s: %d %v %s, want %d", method, url, status, err, raw, want)
		}
		return raw
	}
}

// person is a registrant signed in on a phone, with one relative whose browser has a push
// subscription at web-push-testing.
type person struct {
	i           int
	id, phone   string
	token       string
	familyToken string
	relSub      push.Subscription
}

func (p *person) client() *http.Client { return clientFor(p.i) }

// registerPeople registers n people through the API, as the phone app does, signs them in,
// adds a relative with a family link for each, and subscribes the relative's browser at svc
// (when svc is not nil).
func registerPeople(t testing.TB, baseURL string, n int, svc *pushtest.Service, vapidKey string) []*person {
	t.Helper()
	people := make([]*person, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			p := &person{i: i, phone: fmt.Sprintf("+1323555%04d", i)}
			c := p.client()
			signUp := map[string]any{"phone": p.phone, "password": "contraseña-larga-1", "passwordConfirm": "contraseña-larga-1",
				"name": fmt.Sprintf("Persona %d Prueba", i), "language": "es", "consent": true, "zip": "90012"}
			if err := try(c, http.StatusOK, "POST", baseURL+"/api/collections/registrants/records", "", signUp, nil); err != nil {
				errs <- err.Error()
				return
			}
			var auth struct {
				Token  string
				Record struct{ ID string }
			}
			if err := try(c, http.StatusOK, "POST", baseURL+"/api/collections/registrants/auth-with-password", "",
				map[string]string{"identity": p.phone, "password": "contraseña-larga-1"}, &auth); err != nil {
				errs <- err.Error()
				return
			}
			p.id, p.token = auth.Record.ID, auth.Token
			var contact struct{ ID string }
			if err := try(c, http.StatusOK, "POST", baseURL+"/api/collections/contacts/records", p.token,
				map[string]any{"registrant": p.id, "name": "Familiar", "relationship": "madre", "language": "es"}, &contact); err != nil {
				errs <- err.Error()
				return
			}
			var link struct{ Token string }
			if err := try(c, http.StatusOK, "POST", baseURL+"/api/alertbutton/contacts/"+contact.ID+"/family-link", p.token, nil, &link); err != nil {
				errs <- err.Error()
				return
			}
			p.familyToken = link.Token
			people[i] = p
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if svc != nil {
		for _, p := range people {
			sub := svc.SubscribeJSON(t, vapidKey)
			mustCall(t, p.client(), http.StatusCreated, "POST", baseURL+"/api/alertbutton/family/"+p.familyToken+"/subscriptions", "", string(sub))
			parsed, err := push.ParseSubscription(sub, push.HostList{svc.Host()})
			if err != nil {
				t.Fatal(err)
			}
			p.relSub = parsed
		}
	}
	return people
}

// try is one request that must answer want, retried while PocketBase's per-address limit
// answers 429; out, when not nil, receives the JSON answer.
func try(c *http.Client, want int, method, url, token string, body any, out any) error {
	for attempt := 0; ; attempt++ {
		status, raw, err := call(c, method, url, token, body)
		if status == http.StatusTooManyRequests && attempt < 30 {
			time.Sleep(time.Second)
			continue
		}
		if err != nil || status != want {
			return fmt.Errorf("%s %s: %d %v %s", method, url, status, err, raw)
		}
		if out != nil {
			return json.Unmarshal(raw, out)
		}
		return nil
	}
}

// vapidKey reads the appliance's VAPID public key from /api/alertbutton/info.
func vapidKey(t testing.TB, baseURL string) string {
	t.Helper()
	var info struct{ VAPIDPublicKey string }
	if err := json.Unmarshal(mustCall(t, http.DefaultClient, 200, "GET", baseURL+"/api/alertbutton/info", "", nil), &info); err != nil {
		t.Fatal(err)
	}
	return info.VAPIDPublicKey
}

// makeIT makes the first IT account with `superuser upsert`, before the appliance starts.
func makeIT(t *testing.T, dir string) (email, password string) {
	t.Helper()
	email, password = "it@consulado.example", "una-frase-larga-de-it-1"
	if out, code := run(t, "superuser", "upsert", email, password, "--dir", dir); code != 0 {
		t.Fatalf("superuser upsert: exit %d\n%s", code, out)
	}
	return email, password
}

// backupKeys writes IT's age identity and its recipients file; the appliance gets only the
// recipients.
func backupKeys(t testing.TB) (recipientsFile, identityFile string, id *age.X25519Identity) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	recipientsFile = filepath.Join(dir, "recipients.txt")
	identityFile = filepath.Join(dir, "it.key")
	if err := os.WriteFile(recipientsFile, []byte("# consulate IT\n"+id.Recipient().String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(identityFile, []byte(id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return recipientsFile, identityFile, id
}

// verifyAudit asks the appliance to walk its audit chain.
func verifyAudit(t testing.TB, baseURL, staff string) int {
	t.Helper()
	var out struct {
		OK   bool
		Rows int
	}
	raw := mustCall(t, http.DefaultClient, 200, "GET", baseURL+"/api/alertbutton/audit/verify", staff, nil)
	if err := json.Unmarshal(raw, &out); err != nil || !out.OK {
		t.Fatalf("the audit chain does not verify: %s", raw)
	}
	return out.Rows
}

// ciInt is an integer from the environment, or def (ciDef under CI=true).
func ciInt(name string, def, ciDef int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	if os.Getenv("CI") == "true" {
		return ciDef
	}
	return def
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		if cond() {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
}
