package alerts_test

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
)

// raised is a world with one alert of registrant A, raised at a point served by target.
func raised(t testing.TB, lat, lon float64) (*world, *core.Record) {
	t.Helper()
	w := newWorld(t, "all")
	alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), button(w, lat, lon))
	if err != nil {
		t.Fatal(err)
	}
	return w, alert
}

func cancelURL(alert *core.Record) string {
	return "/api/alertbutton/alerts/" + alert.GetString("uid") + "/cancel"
}

func safeURL(alert *core.Record) string {
	return "/api/alertbutton/alerts/" + alert.GetString("uid") + "/safe"
}

func pinBody(pin string) string { return `{"pin":"` + pin + `"}` }

// pinRoute is one of the two routes that close an alert with a PIN, with what a real close
// shows the phone: the status and the timeline event.
type pinRoute struct {
	name          string
	url           func(*core.Record) string
	status, event string
	claim         string // recorded on the duress event
}

var pinRoutes = []pinRoute{
	{"cancel", cancelURL, "cancelled", "cancelled", "cancel"},
	{"safe", safeURL, "resolved", "released", "safe"},
}

// answer runs s and returns the body it answered.
func answer(t *testing.T, s tests.ApiScenario) string {
	t.Helper()
	var body string
	s.AfterTestFunc = func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		raw, _ := io.ReadAll(res.Body)
		body = string(raw)
	}
	s.Test(t)
	return body
}

func TestPINRouteCallers(t *testing.T) {
	cases := []struct {
		name   string
		token  func(w *world) string
		status int
	}{
		{"anonymous", func(*world) string { return "" }, 401},
		{"a relative's family token", func(w *world) string { return w.tokES }, 401},
		{"staff", func(w *world) string { return w.tokAdviser }, 403},
		{"registrant B: not found", func(w *world) string { return w.tokB }, 404},
	}
	for _, r := range pinRoutes {
		for _, c := range cases {
			w, alert := raised(t, laLat, laLon)
			before := counts(t, w.app)
			s := scenario(w, r.name+": "+c.name, http.MethodPost, r.url(alert), c.token(w), pinBody(cancelPIN), c.status)
			s.NotExpectedContent = []string{alert.GetString("uid"), `"status":"` + r.status + `"`}
			s.Test(t)
			if after := counts(t, w.app); after != before {
				t.Errorf("%s %s: wrote rows %+v -> %+v", r.name, c.name, before, after)
			}
			if apptest.Find(t, w.app, "alerts", alert.Id).GetString("status") != "new" {
				t.Errorf("%s %s changed the alert", r.name, c.name)
			}
		}
	}
}

func TestCancelWithTheCancelPIN(t *testing.T) {
	w, alert := raised(t, fresnoLat, fresnoLon)
	uid := alert.GetString("uid")
	before := len(outboxFor(t, w.app, uid))
	s := scenario(w, "cancel PIN", http.MethodPost, cancelURL(alert), w.tokA, `{"pin":"`+cancelPIN+`"}`, 200)
	s.ExpectedContent = []string{`"status":"cancelled"`, `"uid":"` + uid + `"`}
	s.NotExpectedContent = []string{`"closed_at":""`, `"duress"`}
	s.Test(t)

	stored := apptest.Find(t, w.app, "alerts", alert.Id)
	if stored.GetString("status") != "cancelled" || stored.GetDateTime("closed_at").IsZero() || stored.GetBool("duress") {
		t.Fatalf("stored status %q closed_at %v duress %v", stored.GetString("status"), stored.GetDateTime("closed_at"), stored.GetBool("duress"))
	}
	types, _ := events(t, w.app, alert.Id)
	if strings.Join(types, ",") != "created,cancelled" {
		t.Errorf("timeline = %v", types)
	}
	rows := outboxFor(t, w.app, uid)[before:]
	if got := to(rows, w.subRelEN.Id); len(got) != 1 || got[0].Payload.Title != "Alert cancelled" || got[0].Payload.Body != "Ana cancelled the alert." {
		t.Errorf("English relative got %+v", got)
	}
	if len(to(rows, w.subRelES.Id)) != 1 || len(to(rows, w.relES.Id)) != 1 || len(to(rows, w.subAdviser.Id)) != 1 {
		t.Errorf("relatives and staff on duty are told: %+v", rows)
	}
	if len(to(rows, w.subConsul.Id)) != 0 || len(to(rows, w.subA.Id)) != 0 {
		t.Errorf("off-duty staff or the phone itself were told: %+v", rows)
	}
	if fed := channel(rows, "federation"); len(fed) != 1 || fed[0].Target != "fresno" || !strings.Contains(fed[0].Raw, `"type":"alert.status"`) {
		t.Errorf("the target consulate is told: %+v", fed)
	}
}

// normalized is a response with what differs between any two alerts (ids, times) masked.
func normalized(t testing.TB, body string) map[string]any {
	t.Helper()
	m := apptest.JSON(t, body)
	for _, k := range []string{"id", "uid", "registrant", "created", "updated", "closed_at", "location"} {
		if v, ok := m[k]; ok && v != "" {
			m[k] = "<set>"
		}
	}
	if evs, ok := m["events"].([]any); ok {
		m["events"] = eventTypes(evs)
	}
	return m
}

// phoneView is what the phone is shown after it closed an alert with a PIN: the HTTP answer,
// then the alert with its timeline, and the list of alerts.
type phoneView struct{ answer, record, list string }

// closeWithPIN closes an alert through r with pin and returns what the phone is shown. An app
// serves one router only, so the answer (an ApiScenario) and the later views (a server) come
// from two fresh worlds.
func closeWithPIN(t *testing.T, r pinRoute, pin string) phoneView {
	t.Helper()
	w, alert := raised(t, laLat, laLon)
	s := scenario(w, r.name+" with PIN "+pin, http.MethodPost, r.url(alert), w.tokA, pinBody(pin), 200)
	s.ExpectedContent = []string{`"status":"` + r.status + `"`}
	s.NotExpectedContent = []string{"duress", `"closed_at":""`}
	v := phoneView{answer: answer(t, s)}

	w, alert = raised(t, laLat, laLon)
	srv := apptest.Serve(t, w.app)
	settled(t, w.app, alert)
	if status, body := apptest.CallURL(t, http.MethodPost, srv.URL+r.url(alert), w.tokA, pinBody(pin)); status != 200 {
		t.Fatalf("%s with PIN %s: %d %s", r.name, pin, status, body)
	}
	_, v.record = apptest.CallURL(t, http.MethodGet, srv.URL+viewURL(alert), w.tokA, "")
	_, v.list = apptest.CallURL(t, http.MethodGet, srv.URL+createURL, w.tokA, "")
	return v
}

// settled waits until the served app's dispatcher has tried every notice of alert (the
// fixtures' push services refuse them): the phone's view keeps who was told as it stood at
// the close, so both PINs must close an alert whose notices stand the same.
func settled(t *testing.T, app core.App, alert *core.Record) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := app.CountRecords("outbox", dbx.HashExp{"alert": alert.GetString("uid"), "state": "pending"})
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d notices of the alert still queued", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestDuressAnswersExactlyLikeTheCancelPIN(t *testing.T) {
	for _, r := range pinRoutes {
		real, forced := closeWithPIN(t, r, cancelPIN), closeWithPIN(t, r, duressPIN)
		if a, b := normalized(t, real.answer), normalized(t, forced.answer); !reflect.DeepEqual(a, b) {
			t.Errorf("%s: the duress PIN answers differently:\ncancel PIN %v\nduress PIN %v", r.name, a, b)
		}
		if keys(real.answer) != keys(forced.answer) {
			t.Errorf("%s: key order differs:\n%s\n%s", r.name, real.answer, forced.answer)
		}
		if a, b := normalized(t, real.record), normalized(t, forced.record); !reflect.DeepEqual(a, b) || a["status"] != r.status ||
			a["events"] != "created;"+r.event {
			t.Errorf("%s: the alert's view shows duress:\ncancel PIN %v\nduress PIN %v", r.name, a, b)
		}
		if a, b := firstItem(t, real.list), firstItem(t, forced.list); !reflect.DeepEqual(a, b) {
			t.Errorf("%s: the list shows duress:\ncancel PIN %v\nduress PIN %v", r.name, a, b)
		}
	}
}

// firstItem is a list's first item, normalized.
func firstItem(t testing.TB, list string) map[string]any {
	t.Helper()
	items, _ := apptest.JSON(t, list)["items"].([]any)
	if len(items) == 0 {
		t.Fatalf("empty list: %s", list)
	}
	raw, _ := json.Marshal(items[0])
	return normalized(t, string(raw))
}

// keys lists a JSON object's keys in order.
func keys(body string) string {
	dec := json.NewDecoder(strings.NewReader(body))
	var out []string
	depth := 0
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
			expectKey = v == '{' && depth == 1
			continue
		case string:
			if depth == 1 && expectKey {
				out = append(out, v)
				expectKey = false
				continue
			}
		}
		if depth == 1 {
			expectKey = true
		}
	}
	return strings.Join(out, ",")
}

// eventTypes is a timeline as the phone is shown it: its event types, in order.
func eventTypes(events []any) string {
	var types []string
	for _, it := range events {
		ev, _ := it.(map[string]any)
		typ, _ := ev["type"].(string)
		types = append(types, typ)
	}
	return strings.Join(types, ";")
}

// withoutEvents is an alert's view as the PIN routes answer it: without its timeline and
// who was told.
func withoutEvents(t testing.TB, view string) map[string]any {
	m := apptest.JSON(t, view)
	delete(m, "events")
	delete(m, "told")
	delete(m, "disclosure")
	return m
}

func viewURL(alert *core.Record) string {
	return "/api/alertbutton/alerts/" + alert.GetString("uid")
}

func TestDuressKeepsTheAlertOpenAndWakesStaff(t *testing.T) {
	for _, r := range pinRoutes {
		w, alert := raised(t, fresnoLat, fresnoLon)
		uid := alert.GetString("uid")
		before := len(outboxFor(t, w.app, uid))
		s := scenario(w, r.name+" with the duress PIN", http.MethodPost, r.url(alert), w.tokA, pinBody(duressPIN), 200)
		s.ExpectedContent = []string{`"status":"` + r.status + `"`}
		s.NotExpectedContent = []string{"duress", `"status":"new"`}
		s.Test(t)

		stored := apptest.Find(t, w.app, "alerts", alert.Id)
		if stored.GetString("status") != "new" || !stored.GetBool("duress") || !stored.GetDateTime("closed_at").IsZero() {
			t.Fatalf("%s: stored status %q duress %v closed_at %v; want open, flagged", r.name, stored.GetString("status"), stored.GetBool("duress"), stored.GetDateTime("closed_at"))
		}
		types, staffOnly := events(t, w.app, alert.Id)
		if strings.Join(types, ",") != "created,"+r.event+",duress" || !staffOnly["duress"] || staffOnly[r.event] {
			t.Errorf("%s: timeline = %v staff-only %v", r.name, types, staffOnly)
		}
		if d := duressData(t, w.app, alert.Id); d["claim"] != r.claim || d["shown_status"] != r.status {
			t.Errorf("%s: the duress event records %v, want claim %q shown as %q", r.name, d, r.claim, r.status)
		}
		rows := outboxFor(t, w.app, uid)[before:]
		for _, sub := range []string{w.subAdviser.Id, w.subConsul.Id, w.subIT.Id} {
			got := to(rows, sub)
			if len(got) != 1 || got[0].Payload.Type != "alert.duress" {
				t.Errorf("%s: staff device %s (on duty or not) got %+v, want one alert.duress", r.name, sub, got)
			}
		}
		for _, quiet := range []string{w.subA.Id, w.subRelES.Id, w.subRelEN.Id, w.relES.Id} {
			if got := to(rows, quiet); len(got) != 0 {
				t.Errorf("%s: %s was told of the duress PIN: %+v", r.name, quiet, got)
			}
		}
		if fed := channel(rows, "federation"); len(fed) != 1 || fed[0].Target != "fresno" {
			t.Errorf("%s: the target consulate must learn of the duress: %+v", r.name, fed)
		}
		if len(rows) != 4 {
			t.Errorf("%s: %d rows, want 3 staff devices and Fresno only: %+v", r.name, len(rows), rows)
		}
	}
}

// duressData is the data of the alert's duress event.
func duressData(t testing.TB, app core.App, alertID string) map[string]any {
	t.Helper()
	ev, err := app.FindFirstRecordByFilter("alert_events", "alert = {:id} && type = 'duress'", dbx.Params{"id": alertID})
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	raw, _ := json.Marshal(ev.Get("data"))
	json.Unmarshal(raw, &data)
	return data
}

func TestAfterDuressThePhoneSeesNothingMore(t *testing.T) {
	for _, r := range pinRoutes {
		afterDuress(t, r)
	}
}

func afterDuress(t *testing.T, r pinRoute) {
	w, alert := raised(t, laLat, laLon)
	srv := apptest.Serve(t, w.app)
	if status, body := apptest.CallURL(t, http.MethodPost, srv.URL+r.url(alert), w.tokA, pinBody(duressPIN)); status != 200 {
		t.Fatal(r.name, status, body)
	}
	_, shown := apptest.CallURL(t, http.MethodGet, srv.URL+viewURL(alert), w.tokA, "")
	uid := alert.GetString("uid")
	before := len(outboxFor(t, w.app, uid))

	// The advisers work the case.
	facility := apptest.Facility(t, w.app, "Centro de Detención X", nil)
	for _, patch := range []string{`{"status":"acknowledged"}`, `{"assigned_to":"` + w.adviser.Id + `","facility":"` + facility.Id + `"}`} {
		if status, body := apptest.CallURL(t, http.MethodPatch, srv.URL+"/api/collections/alerts/records/"+alert.Id, w.tokAdviser, patch); status != 200 {
			t.Fatal(status, body)
		}
	}
	_, later := apptest.CallURL(t, http.MethodGet, srv.URL+viewURL(alert), w.tokA, "")
	if later != shown || !strings.Contains(later, `"status":"`+r.status+`"`) {
		t.Errorf("%s: the phone's view changed after the duress PIN:\nbefore %s\nafter  %s", r.name, shown, later)
	}
	if got := normalized(t, later)["events"]; got != "created;"+r.event {
		t.Errorf("%s: the phone's timeline = %s, want created and %s only", r.name, got, r.event)
	}
	rows := outboxFor(t, w.app, uid)[before:]
	if got := to(rows, w.subA.Id); len(got) != 0 {
		t.Errorf("%s: the phone was told of the advisers' work: %+v", r.name, got)
	}
	if got := to(rows, w.subRelES.Id); len(got) != 3 {
		t.Errorf("%s: the relative (disclosure all) gets acknowledged, assigned and facility: %+v", r.name, got)
	}
	// Staff see it as it is.
	_, staffView := apptest.CallURL(t, http.MethodGet, srv.URL+"/api/collections/alerts/records/"+alert.Id, w.tokAdviser, "")
	if !strings.Contains(staffView, `"duress":true`) || !strings.Contains(staffView, `"status":"acknowledged"`) {
		t.Errorf("%s: staff view: %s", r.name, staffView)
	}
	// Closing again, with the real PIN, on either route, answers as before and closes nothing.
	for _, again := range pinRoutes {
		status, body := apptest.CallURL(t, http.MethodPost, srv.URL+again.url(alert), w.tokA, pinBody(cancelPIN))
		if status != 200 || !reflect.DeepEqual(apptest.JSON(t, body), withoutEvents(t, shown)) {
			t.Errorf("%s after a duress %s: %d %s, want the same view", again.name, r.name, status, body)
		}
	}
	if apptest.Find(t, w.app, "alerts", alert.Id).GetString("status") != "acknowledged" {
		t.Errorf("the cancel PIN closed an alert under duress (%s)", r.name)
	}
}

func TestRegistrantCannotFilterOnCaseFields(t *testing.T) {
	for _, filter := range []string{`duress=true`, `status="new"`, `status="cancelled"`, `updated>"2000-01-01"`, `closed_at=""`, `assigned_to!=""`, `facility!=""`} {
		w, _ := raised(t, laLat, laLon)
		s := scenario(w, "filter "+filter, http.MethodGet, "/api/collections/alerts/records?filter="+urlQuery(filter), w.tokA, "", 400)
		s.ExpectedContent = []string{`"status":400`}
		s.Test(t)
	}
	w, _ := raised(t, laLat, laLon)
	s := scenario(w, "through a relation", http.MethodGet, "/api/collections/alert_events/records?filter="+urlQuery(`alert.status="new"`), w.tokA, "", 400)
	s.ExpectedContent = []string{`"status":400`}
	s.Test(t)
}

func urlQuery(s string) string {
	return strings.NewReplacer(" ", "%20", `"`, "%22", "=", "%3D", "!", "%21", ">", "%3E").Replace(s)
}

func TestWrongPIN(t *testing.T) {
	for _, r := range pinRoutes {
		w, alert := raised(t, laLat, laLon)
		uid := alert.GetString("uid")
		before := len(outboxFor(t, w.app, uid))
		s := scenario(w, r.name+" with a wrong PIN", http.MethodPost, r.url(alert), w.tokA, pinBody(wrongPIN), 400)
		s.ExpectedContent = []string{`"pin":{"code":"wrong_pin","message":"PIN incorrecto. Te quedan 4 intentos."`}
		s.NotExpectedContent = []string{uid}
		s.Test(t)
		if stored := apptest.Find(t, w.app, "alerts", alert.Id); stored.GetString("status") != "new" || stored.GetBool("duress") {
			t.Errorf("%s: a wrong PIN changed the alert", r.name)
		}
		if types, staffOnly := events(t, w.app, alert.Id); strings.Join(types, ",") != "created,pin_failed" || !staffOnly["pin_failed"] {
			t.Errorf("%s: timeline %v staff-only %v", r.name, types, staffOnly)
		}
		if rows := outboxFor(t, w.app, uid)[before:]; len(rows) != 0 {
			t.Errorf("%s: one wrong PIN told someone: %+v", r.name, rows)
		}
	}
}

// The cancel and safe routes share one limit of wrong PINs per alert.
func TestWrongPINsLockTheAlert(t *testing.T) {
	w, alert := raised(t, laLat, laLon)
	srv := apptest.Serve(t, w.app)
	uid := alert.GetString("uid")
	before := len(outboxFor(t, w.app, uid))
	for i := 1; i <= 5; i++ {
		r := pinRoutes[i%2] // safe, cancel, safe, cancel, safe
		status, body := apptest.CallURL(t, http.MethodPost, srv.URL+r.url(alert), w.tokA, pinBody(wrongPIN))
		want := 400
		if i == 5 {
			want = 429
		}
		if status != want {
			t.Fatalf("wrong PIN %d (%s): %d %s, want %d", i, r.name, status, body, want)
		}
		if i < 5 && !strings.Contains(body, `"pin":{"code":"wrong_pin"`) {
			t.Errorf("wrong PIN %d (%s): %s", i, r.name, body)
		}
	}
	for _, r := range pinRoutes {
		for _, pin := range []string{cancelPIN, duressPIN} {
			if status, body := apptest.CallURL(t, http.MethodPost, srv.URL+r.url(alert), w.tokA, pinBody(pin)); status != 429 {
				t.Errorf("%s with the right PIN after 5 failures: %d %s, want 429", r.name, status, body)
			}
		}
	}
	stored := apptest.Find(t, w.app, "alerts", alert.Id)
	if stored.GetString("status") != "new" || stored.GetBool("duress") {
		t.Errorf("a locked alert changed: %s", stored.GetString("status"))
	}
	rows := outboxFor(t, w.app, uid)[before:]
	if got := to(rows, w.subAdviser.Id); len(got) != 1 || !strings.Contains(got[0].Payload.Body, "PIN") {
		t.Errorf("staff on duty are told of the attempts: %+v", got)
	}
	if len(channel(rows, "email")) != 0 || len(to(rows, w.subRelES.Id)) != 0 {
		t.Errorf("relatives were told of the attempts: %+v", rows)
	}
	_, timeline := apptest.CallURL(t, http.MethodGet, srv.URL+"/api/collections/alert_events/records", w.tokA, "")
	if strings.Contains(timeline, "pin_failed") {
		t.Error("the phone sees the failed attempts")
	}
}

func TestPINRoutesCheckThePIN(t *testing.T) {
	for _, r := range pinRoutes {
		for _, body := range []string{``, `{}`, `{"pin":null}`, `{"pin":1234}`, `{"pin":"12"}`, `{"pin":"abcd"}`} {
			w, alert := raised(t, laLat, laLon)
			before := counts(t, w.app)
			s := scenario(w, r.name+" pin "+body, http.MethodPost, r.url(alert), w.tokA, body, 400)
			s.ExpectedContent = []string{`"pin":{"code":"invalid_pin"`}
			s.NotExpectedContent = []string{alert.GetString("uid")}
			s.Test(t)
			if after := counts(t, w.app); after != before {
				t.Errorf("%s %s: wrote rows %+v -> %+v", r.name, body, before, after)
			}
		}
	}
}

func TestSafeWithTheCancelPIN(t *testing.T) {
	w, alert := raised(t, fresnoLat, fresnoLon)
	uid := alert.GetString("uid")
	before := len(outboxFor(t, w.app, uid))
	s := scenario(w, "safe with the cancel PIN", http.MethodPost, safeURL(alert), w.tokA, pinBody(cancelPIN), 200)
	s.ExpectedContent = []string{`"status":"resolved"`, `"uid":"` + uid + `"`}
	s.NotExpectedContent = []string{`"closed_at":""`, `"duress"`}
	s.Test(t)

	stored := apptest.Find(t, w.app, "alerts", alert.Id)
	if stored.GetString("status") != "resolved" || stored.GetDateTime("closed_at").IsZero() || stored.GetBool("duress") {
		t.Errorf("stored %q closed_at %v duress %v", stored.GetString("status"), stored.GetDateTime("closed_at"), stored.GetBool("duress"))
	}
	if types, _ := events(t, w.app, alert.Id); strings.Join(types, ",") != "created,released" {
		t.Errorf("timeline %v", types)
	}
	rows := outboxFor(t, w.app, uid)[before:]
	if got := to(rows, w.subRelES.Id); len(got) != 1 || got[0].Payload.Title != "Ana está a salvo" {
		t.Errorf("relative got %+v", got)
	}
	if got := to(rows, w.subRelEN.Id); len(got) != 1 || got[0].Payload.Title != "Ana is safe" || len(to(rows, w.relES.Id)) != 1 {
		t.Errorf("relatives are told: %+v", rows)
	}
	if len(to(rows, w.subAdviser.Id)) != 1 || len(to(rows, w.subConsul.Id)) != 0 || len(to(rows, w.subA.Id)) != 0 {
		t.Errorf("staff on duty are told, not the phone itself: %+v", rows)
	}
	if fed := channel(rows, "federation"); len(fed) != 1 || fed[0].Target != "fresno" || !strings.Contains(fed[0].Raw, `"type":"alert.status"`) {
		t.Errorf("the target consulate is told: %+v", fed)
	}
}

// TestThePhoneSeesItsCloseWhateverComesAfter: once the person closed an alert, with either
// PIN, the phone's view stays as it was shown then, whatever a peer or the retention job
// change after (a status, the kind, a visible timeline event).
func TestThePhoneSeesItsCloseWhateverComesAfter(t *testing.T) {
	for _, r := range pinRoutes {
		for _, pin := range []string{cancelPIN, duressPIN} {
			w, alert := raised(t, laLat, laLon)
			srv := apptest.Serve(t, w.app)
			if status, body := apptest.CallURL(t, http.MethodPost, srv.URL+r.url(alert), w.tokA, pinBody(pin)); status != 200 {
				t.Fatal(status, body)
			}
			_, before := apptest.CallURL(t, http.MethodGet, srv.URL+viewURL(alert), w.tokA, "")
			stored := apptest.Find(t, w.app, "alerts", alert.Id)
			stored.Set("status", alerts.StatusAcknowledged) // as a peer's later status does
			stored.Set("kind", "raid")
			stored.Set("closed_at", "")
			if err := w.app.Save(stored); err != nil {
				t.Fatal(err)
			}
			if err := alerts.AddEvent(w.app, stored, alerts.EventStatus, "consulate:fresno", false, map[string]any{"to": "acknowledged"}); err != nil {
				t.Fatal(err)
			}
			if _, after := apptest.CallURL(t, http.MethodGet, srv.URL+viewURL(alert), w.tokA, ""); after != before ||
				!strings.Contains(after, `"status":"`+r.status+`"`) {
				t.Errorf("%s with PIN %s: the view changed:\nbefore %s\nafter  %s", r.name, pin, before, after)
			}
		}
	}
}
