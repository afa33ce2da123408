package alerts_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
)

// raised is a world with one alert of registrant A, raised at a point served by target.
func raised(t testing.TB, lat, lon float64) (*world, *core.Record) {
	t.Helper()
	w := newWorld(t, "all")
	alert, _, err := alerts.Raise(w.app, w.cfg, button(w, lat, lon))
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

func TestCancelRouteCallers(t *testing.T) {
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
	for _, c := range cases {
		w, alert := raised(t, laLat, laLon)
		before := counts(t, w.app)
		s := scenario(w, c.name, http.MethodPost, cancelURL(alert), c.token(w), `{"pin":"`+cancelPIN+`"}`, c.status)
		s.NotExpectedContent = []string{alert.GetString("uid"), `"status":"cancelled"`}
		s.Test(t)
		if after := counts(t, w.app); after != before {
			t.Errorf("%s: wrote rows %+v -> %+v", c.name, before, after)
		}
		if mustFind(t, w.app, "alerts", alert.Id).GetString("status") != "new" {
			t.Errorf("%s changed the alert", c.name)
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

	stored := mustFind(t, w.app, "alerts", alert.Id)
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
	m := decode(t, body)
	for _, k := range []string{"id", "uid", "registrant", "created", "updated", "closed_at", "location"} {
		if v, ok := m[k]; ok && v != "" {
			m[k] = "<set>"
		}
	}
	return m
}

func TestDuressAnswersExactlyLikeCancel(t *testing.T) {
	answers := map[string]string{}
	views := map[string]string{}
	timelines := map[string]string{}
	for _, pin := range []string{cancelPIN, duressPIN} {
		w, alert := raised(t, laLat, laLon)
		srv := server(t, w.app)
		status, body := call(t, srv, http.MethodPost, cancelURL(alert), w.tokA, `{"pin":"`+pin+`"}`)
		if status != 200 {
			t.Fatalf("PIN %s: %d %s", pin, status, body)
		}
		answers[pin] = body
		_, views[pin] = call(t, srv, http.MethodGet, "/api/collections/alerts/records/"+alert.Id, w.tokA, "")
		_, list := call(t, srv, http.MethodGet, "/api/collections/alerts/records", w.tokA, "")
		if !strings.Contains(list, `"status":"cancelled"`) || strings.Contains(list, "duress") {
			t.Errorf("PIN %s: the list shows %s", pin, list)
		}
		_, timelines[pin] = call(t, srv, http.MethodGet, "/api/collections/alert_events/records?sort=created&fields=type,actor,data", w.tokA, "")
	}
	if a, b := normalized(t, answers[cancelPIN]), normalized(t, answers[duressPIN]); !reflect.DeepEqual(a, b) {
		t.Errorf("the duress PIN answers differently:\ncancel %v\nduress %v", a, b)
	}
	if keys(answers[cancelPIN]) != keys(answers[duressPIN]) {
		t.Errorf("key order differs:\n%s\n%s", answers[cancelPIN], answers[duressPIN])
	}
	if a, b := normalized(t, views[cancelPIN]), normalized(t, views[duressPIN]); !reflect.DeepEqual(a, b) {
		t.Errorf("the records API shows duress:\ncancel %v\nduress %v", a, b)
	}
	if a, b := maskActors(t, timelines[cancelPIN]), maskActors(t, timelines[duressPIN]); a != b {
		t.Errorf("the timeline shows duress:\ncancel %s\nduress %s", a, b)
	}
	if !strings.Contains(answers[duressPIN], `"status":"cancelled"`) || strings.Contains(answers[duressPIN], `"closed_at":""`) {
		t.Errorf("the duress answer does not read as cancelled: %s", answers[duressPIN])
	}
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

func maskActors(t testing.TB, list string) string {
	t.Helper()
	m := decode(t, list)
	items, _ := m["items"].([]any)
	var types []string
	for _, it := range items {
		ev := it.(map[string]any)
		raw, _ := json.Marshal(ev["data"])
		types = append(types, ev["type"].(string)+string(raw))
	}
	return strings.Join(types, ";")
}

func TestDuressKeepsTheAlertOpenAndWakesStaff(t *testing.T) {
	w, alert := raised(t, fresnoLat, fresnoLon)
	uid := alert.GetString("uid")
	before := len(outboxFor(t, w.app, uid))
	s := scenario(w, "duress PIN", http.MethodPost, cancelURL(alert), w.tokA, `{"pin":"`+duressPIN+`"}`, 200)
	s.ExpectedContent = []string{`"status":"cancelled"`}
	s.NotExpectedContent = []string{"duress", `"status":"new"`}
	s.Test(t)

	stored := mustFind(t, w.app, "alerts", alert.Id)
	if stored.GetString("status") != "new" || !stored.GetBool("duress") || !stored.GetDateTime("closed_at").IsZero() {
		t.Fatalf("stored: status %q duress %v closed_at %v; want open, flagged", stored.GetString("status"), stored.GetBool("duress"), stored.GetDateTime("closed_at"))
	}
	types, staffOnly := events(t, w.app, alert.Id)
	if strings.Join(types, ",") != "created,cancelled,duress" || !staffOnly["duress"] || staffOnly["cancelled"] {
		t.Errorf("timeline = %v staff-only %v", types, staffOnly)
	}
	rows := outboxFor(t, w.app, uid)[before:]
	for _, sub := range []string{w.subAdviser.Id, w.subConsul.Id, w.subIT.Id} {
		got := to(rows, sub)
		if len(got) != 1 || got[0].Payload.Type != "alert.duress" {
			t.Errorf("staff device %s (on duty or not) got %+v, want one alert.duress", sub, got)
		}
	}
	for _, quiet := range []string{w.subA.Id, w.subRelES.Id, w.subRelEN.Id, w.relES.Id} {
		if got := to(rows, quiet); len(got) != 0 {
			t.Errorf("%s was told of the duress cancel: %+v", quiet, got)
		}
	}
	if fed := channel(rows, "federation"); len(fed) != 1 || fed[0].Target != "fresno" {
		t.Errorf("the target consulate must learn of the duress: %+v", fed)
	}
}

func TestAfterDuressThePhoneSeesNothingMore(t *testing.T) {
	w, alert := raised(t, laLat, laLon)
	srv := server(t, w.app)
	if status, body := call(t, srv, http.MethodPost, cancelURL(alert), w.tokA, `{"pin":"`+duressPIN+`"}`); status != 200 {
		t.Fatal(status, body)
	}
	_, shown := call(t, srv, http.MethodGet, "/api/collections/alerts/records/"+alert.Id, w.tokA, "")
	uid := alert.GetString("uid")
	before := len(outboxFor(t, w.app, uid))

	// The advisers work the case.
	for _, patch := range []string{`{"status":"acknowledged"}`, `{"assigned_to":"` + w.adviser.Id + `","facility":"Centro de Detención X"}`} {
		if status, body := call(t, srv, http.MethodPatch, "/api/collections/alerts/records/"+alert.Id, w.tokAdviser, patch); status != 200 {
			t.Fatal(status, body)
		}
	}
	_, later := call(t, srv, http.MethodGet, "/api/collections/alerts/records/"+alert.Id, w.tokA, "")
	if later != shown {
		t.Errorf("the phone's view changed after the duress PIN:\nbefore %s\nafter  %s", shown, later)
	}
	_, timeline := call(t, srv, http.MethodGet, "/api/collections/alert_events/records?sort=created", w.tokA, "")
	if got := maskActors(t, timeline); strings.Count(got, ";") != 1 || !strings.HasPrefix(got, "created") || !strings.Contains(got, "cancelled") {
		t.Errorf("the phone's timeline = %s, want created and cancelled only", got)
	}
	rows := outboxFor(t, w.app, uid)[before:]
	if got := to(rows, w.subA.Id); len(got) != 0 {
		t.Errorf("the phone was told of the advisers' work: %+v", got)
	}
	if got := to(rows, w.subRelES.Id); len(got) != 3 {
		t.Errorf("the relative (disclosure all) gets acknowledged, assigned and facility: %+v", got)
	}
	// Staff see it as it is.
	_, staffView := call(t, srv, http.MethodGet, "/api/collections/alerts/records/"+alert.Id, w.tokAdviser, "")
	if !strings.Contains(staffView, `"duress":true`) || !strings.Contains(staffView, `"status":"acknowledged"`) {
		t.Errorf("staff view: %s", staffView)
	}
	// Cancelling again, with the real PIN, answers as before and closes nothing.
	status, again := call(t, srv, http.MethodPost, cancelURL(alert), w.tokA, `{"pin":"`+cancelPIN+`"}`)
	if status != 200 || again != shown {
		t.Errorf("cancel after duress: %d %s, want the same cancelled view", status, again)
	}
	if mustFind(t, w.app, "alerts", alert.Id).GetString("status") != "acknowledged" {
		t.Error("the cancel PIN closed an alert under duress")
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

func TestWrongPINsLockTheAlert(t *testing.T) {
	w, alert := raised(t, laLat, laLon)
	srv := server(t, w.app)
	uid := alert.GetString("uid")
	before := len(outboxFor(t, w.app, uid))
	for i := 1; i <= 5; i++ {
		status, body := call(t, srv, http.MethodPost, cancelURL(alert), w.tokA, `{"pin":"`+wrongPIN+`"}`)
		want := 400
		if i == 5 {
			want = 429
		}
		if status != want {
			t.Fatalf("wrong PIN %d: %d %s, want %d", i, status, body, want)
		}
		if i < 5 && !strings.Contains(body, `"pin":{"code":"wrong_pin"`) {
			t.Errorf("wrong PIN %d: %s", i, body)
		}
	}
	for _, pin := range []string{cancelPIN, duressPIN} {
		if status, body := call(t, srv, http.MethodPost, cancelURL(alert), w.tokA, `{"pin":"`+pin+`"}`); status != 429 {
			t.Errorf("the right PIN after 5 failures: %d %s, want 429", status, body)
		}
	}
	stored := mustFind(t, w.app, "alerts", alert.Id)
	if stored.GetString("status") != "new" || stored.GetBool("duress") {
		t.Errorf("a locked alert changed: %s", stored.GetString("status"))
	}
	rows := outboxFor(t, w.app, uid)[before:]
	if got := to(rows, w.subAdviser.Id); len(got) != 1 || !strings.Contains(got[0].Payload.Body, "PIN") {
		t.Errorf("staff on duty are told of the attempts: %+v", got)
	}
	_, timeline := call(t, srv, http.MethodGet, "/api/collections/alert_events/records", w.tokA, "")
	if strings.Contains(timeline, "pin_failed") {
		t.Error("the phone sees the failed attempts")
	}
}

func TestCancelRouteChecksThePIN(t *testing.T) {
	for _, body := range []string{`{}`, `{"pin":1234}`, `{"pin":"12"}`, `{"pin":"abcd"}`} {
		w, alert := raised(t, laLat, laLon)
		s := scenario(w, "pin "+body, http.MethodPost, cancelURL(alert), w.tokA, body, 400)
		s.ExpectedContent = []string{`"pin":{"code":"invalid_pin"`}
		s.Test(t)
	}
}

func TestSafeRoute(t *testing.T) {
	cases := []struct {
		name   string
		token  func(w *world) string
		status int
	}{
		{"anonymous", func(*world) string { return "" }, 401},
		{"staff", func(w *world) string { return w.tokAdviser }, 403},
		{"registrant B", func(w *world) string { return w.tokB }, 404},
		{"registrant A", func(w *world) string { return w.tokA }, 200},
	}
	for _, c := range cases {
		w, alert := raised(t, fresnoLat, fresnoLon)
		uid := alert.GetString("uid")
		before := len(outboxFor(t, w.app, uid))
		s := scenario(w, "safe: "+c.name, http.MethodPost, safeURL(alert), c.token(w), "", c.status)
		if c.status == 200 {
			s.ExpectedContent = []string{`"status":"resolved"`}
		} else {
			s.NotExpectedContent = []string{uid}
		}
		s.Test(t)
		stored := mustFind(t, w.app, "alerts", alert.Id)
		if c.status != 200 {
			if stored.GetString("status") != "new" {
				t.Errorf("%s closed the alert", c.name)
			}
			continue
		}
		if stored.GetString("status") != "resolved" || stored.GetDateTime("closed_at").IsZero() {
			t.Errorf("stored %q", stored.GetString("status"))
		}
		if types, _ := events(t, w.app, alert.Id); strings.Join(types, ",") != "created,released" {
			t.Errorf("timeline %v", types)
		}
		rows := outboxFor(t, w.app, uid)[before:]
		if got := to(rows, w.subRelES.Id); len(got) != 1 || got[0].Payload.Title != "Ana está a salvo" {
			t.Errorf("relative got %+v", got)
		}
		if len(to(rows, w.subAdviser.Id)) != 1 || len(channel(rows, "federation")) != 1 {
			t.Errorf("staff and Fresno are told: %+v", rows)
		}
	}
}
