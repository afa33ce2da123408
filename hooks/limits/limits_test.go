package limits_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
)

type world struct {
	app   *tests.TestApp
	h     http.Handler
	now   time.Time
	phone int
}

func newWorld(t testing.TB) *world {
	t.Helper()
	app, _ := apptest.New(t, "los-angeles")
	w := &world{app: app, now: time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC), phone: 3105550000}
	apptest.Appliance(app).Guard.SetClock(func() time.Time { return w.now })
	w.h = apptest.Handler(t, app)
	return w
}

func (w *world) registrant(t testing.TB, lang string) (*core.Record, string) {
	t.Helper()
	return w.registrantIn(t, w.app, lang)
}

func (w *world) registrantIn(t testing.TB, app core.App, lang string) (*core.Record, string) {
	t.Helper()
	w.phone++
	r := apptest.Registrant(t, app, fmt.Sprintf("+1%d", w.phone), apptest.Fields{"name": "Persona de Prueba", "language": lang, "zip": "90012"})
	return r, apptest.Token(t, r)
}

type answer struct {
	status     int
	retryAfter string
	body       map[string]any
}

// post sends a JSON body from the one address every request here comes from.
func (w *world) post(t testing.TB, path, token, body string) answer {
	t.Helper()
	if token == "" {
		return w.postWith(t, path, nil, body)
	}
	return w.postWith(t, path, map[string]string{"Authorization": token}, body)
}

func (w *world) postWith(t testing.TB, path string, headers map[string]string, body string) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.RemoteAddr = "198.51.100.7:40000"
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Result().Body)
	a := answer{status: rec.Code, retryAfter: rec.Header().Get("Retry-After")}
	json.Unmarshal(raw, &a.body)
	return a
}

func newUID(t testing.TB) string {
	t.Helper()
	uid, err := alerts.NewUID()
	if err != nil {
		t.Fatal(err)
	}
	return uid
}

func alertBody(uid string) string {
	return `{"uid":"` + uid + `","kind":"detained","lat":34.0522,"lon":-118.2437}`
}

// A raid: hundreds of people behind one address each raise an alert. None is limited.
func TestRaidBehindOneAddress(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	const people = 500
	tokens := make([]string, people)
	w.registrant(t, "es")
	err := w.app.RunInTransaction(func(tx core.App) error {
		for i := range tokens {
			_, tokens[i] = w.registrantIn(t, tx, "es")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	next := make(chan string)
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tok := range next {
				a := w.post(t, "/api/alertbutton/alerts", tok, alertBody(newUID(t)))
				mu.Lock()
				statuses[a.status]++
				mu.Unlock()
			}
		}()
	}
	for _, tok := range tokens {
		next <- tok
	}
	close(next)
	wg.Wait()
	if statuses[http.StatusCreated] != people {
		t.Errorf("answers %v, want %d × 201", statuses, people)
	}
	if n, _ := w.app.CountRecords("alerts"); n != people {
		t.Errorf("%d alerts stored, want %d", n, people)
	}
}

func TestNewAlertsPerRegistrant(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, tok := w.registrant(t, "es")
	_, tokEN := w.registrant(t, "en")
	_, tokOther := w.registrant(t, "es")
	path := "/api/alertbutton/alerts"

	// Requests that raise nothing do not count: a phone retrying after errors is not locked out.
	for i := 0; i < 5; i++ {
		if a := w.post(t, path, tok, `{"kind":"nonsense"}`); a.status != http.StatusBadRequest {
			t.Fatalf("bad body: %d", a.status)
		}
	}
	var first string
	for i := 0; i < 3; i++ {
		uid := newUID(t)
		if i == 0 {
			first = uid
		}
		if a := w.post(t, path, tok, alertBody(uid)); a.status != http.StatusCreated {
			t.Fatalf("new alert %d: %d %v", i+1, a.status, a.body)
		}
		w.now = w.now.Add(10 * time.Second)
	}

	a := w.post(t, path, tok, alertBody(newUID(t)))
	msg, _ := a.body["message"].(string)
	if a.status != http.StatusTooManyRequests || a.retryAfter != "30" || a.body["status"] != float64(429) {
		t.Fatalf("4th new alert in a minute: %d Retry-After %q %v", a.status, a.retryAfter, a.body)
	}
	if !strings.Contains(msg, "30 segundos") || !strings.Contains(msg, "+1 520 623 7874") {
		t.Errorf("message %q", msg)
	}
	if _, ok := a.body["data"].(map[string]any); !ok {
		t.Errorf("not PocketBase's error shape: %v", a.body)
	}

	// The same alert again is always answered.
	for i := 0; i < 5; i++ {
		if a := w.post(t, path, tok, alertBody(first)); a.status != http.StatusOK || a.body["uid"] != first {
			t.Fatalf("repeat of an existing uid: %d %v", a.status, a.body)
		}
	}
	// Others are not held back by one.
	if a := w.post(t, path, tokOther, alertBody(newUID(t))); a.status != http.StatusCreated {
		t.Errorf("another registrant: %d", a.status)
	}
	for i := 0; i < 3; i++ {
		w.post(t, path, tokEN, alertBody(newUID(t)))
	}
	a = w.post(t, path, tokEN, alertBody(newUID(t)))
	if msg, _ := a.body["message"].(string); a.status != http.StatusTooManyRequests || !strings.Contains(msg, "Try again in 60 seconds") || !strings.Contains(msg, "+1 520 623 7874") {
		t.Errorf("in English: %d %q", a.status, msg)
	}

	w.now = w.now.Add(30 * time.Second)
	if a := w.post(t, path, tok, alertBody(newUID(t))); a.status != http.StatusCreated {
		t.Errorf("after the window: %d %v", a.status, a.body)
	}
	if a := w.post(t, path, tok, alertBody(newUID(t))); a.status != http.StatusTooManyRequests {
		t.Errorf("within the next window: %d", a.status)
	}
}

// A family link's reports are limited whether its token is in family.Header or, from a page
// cached before, in the path.
func TestNewAlertsPerFamilyLink(t *testing.T) {
	for _, viaHeader := range []bool{true, false} {
		t.Run(map[bool]string{true: "header", false: "path"}[viaHeader], func(t *testing.T) {
			testNewAlertsPerFamilyLink(t, viaHeader)
		})
	}
}

func testNewAlertsPerFamilyLink(t *testing.T, viaHeader bool) {
	w := newWorld(t)
	owner, _ := w.registrant(t, "es")
	_, link := apptest.LinkedContact(t, w.app, owner, apptest.Fields{"name": "Rosa López", "language": "en"})
	_, other := apptest.LinkedContact(t, w.app, owner, apptest.Fields{"name": "Rosa López"})
	report := func(token, body string) answer {
		if viaHeader {
			return w.postWith(t, family.Path+"/alerts", map[string]string{family.Header: token}, body)
		}
		return w.post(t, family.Path+"/"+token+"/alerts", "", body)
	}

	var first string
	for i := 0; i < 3; i++ {
		uid := newUID(t)
		if i == 0 {
			first = uid
		}
		if a := report(link, `{"uid":"`+uid+`"}`); a.status != http.StatusCreated {
			t.Fatalf("report %d: %d %v", i+1, a.status, a.body)
		}
	}
	a := report(link, `{"uid":"`+newUID(t)+`"}`)
	msg, _ := a.body["message"].(string)
	if a.status != http.StatusTooManyRequests || a.retryAfter != "60" || !strings.Contains(msg, "Try again in 60 seconds") {
		t.Fatalf("4th report: %d %q %q", a.status, a.retryAfter, msg)
	}
	if a := report(link, `{"uid":"`+first+`"}`); a.status != http.StatusOK {
		t.Errorf("repeat of an existing uid: %d", a.status)
	}
	if a := report(other, `{}`); a.status != http.StatusCreated {
		t.Errorf("another relative's link: %d", a.status)
	}
	w.now = w.now.Add(time.Minute)
	if a := report(link, `{}`); a.status != http.StatusCreated {
		t.Errorf("after a minute: %d", a.status)
	}
}

// In a surge beyond what can be stored, the alerts past the gate's places are answered at
// once with 503 and Retry-After, store nothing, and go through when the phone sends them again.
func TestBusyAnswers503ThenTheRetryIsStored(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, tokenES := w.registrant(t, "es")
	gate := apptest.Appliance(w.app).Guard.Raising
	gate.SetWait(0, 0)
	release := gate.Fill()

	uid := newUID(t)
	a := w.post(t, "/api/alertbutton/alerts", tokenES, alertBody(uid))
	msg, _ := a.body["message"].(string)
	if a.status != http.StatusServiceUnavailable || a.retryAfter != "5" || !strings.Contains(msg, "reenviará sola") {
		t.Fatalf("with the gate full: %d, Retry-After %q, %q; want 503, 5 and the Spanish message", a.status, a.retryAfter, msg)
	}
	if _, err := alerts.FindByUID(w.app, uid); err == nil {
		t.Fatal("a refused alert was stored")
	}
	if a := w.post(t, "/api/alertbutton/pins", tokenES, `{}`); a.status == http.StatusServiceUnavailable {
		t.Fatal("the gate held a route that raises no alert")
	}

	release()
	if a := w.post(t, "/api/alertbutton/alerts", tokenES, alertBody(uid)); a.status != http.StatusCreated {
		t.Fatalf("the retry: %d, want 201", a.status)
	}
}

// The queue is bounded by length: with no room to wait, one more is told to retry at once,
// not after the time it may wait.
func TestBusyWithAFullQueueAnswersAtOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, token := w.registrant(t, "en")
	gate := apptest.Appliance(w.app).Guard.Raising
	gate.SetWait(0, time.Minute)
	defer gate.Fill()()

	done := make(chan answer, 1)
	go func() { done <- w.post(t, "/api/alertbutton/alerts", token, alertBody(newUID(t))) }()
	select {
	case a := <-done:
		if a.status != http.StatusServiceUnavailable || a.retryAfter != "5" {
			t.Fatalf("%d, Retry-After %q; want 503 and 5", a.status, a.retryAfter)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("with no room to wait, the request waited for a place")
	}
}
