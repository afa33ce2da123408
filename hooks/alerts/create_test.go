package alerts_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
)

const createURL = "/api/alertbutton/alerts"

func scenario(w *world, name, method, url, token, body string, status int) tests.ApiScenario {
	s := tests.ApiScenario{
		Name:                  name,
		Method:                method,
		URL:                   url,
		Body:                  strings.NewReader(body),
		ExpectedStatus:        status,
		TestAppFactory:        func(testing.TB) *tests.TestApp { return w.app },
		DisableTestAppCleanup: true, // apptest cleans up; the checks after Test need the app
	}
	if token != "" {
		s.Headers = map[string]string{"Authorization": token}
	}
	return s
}

func TestCreateRouteCallers(t *testing.T) {
	t.Parallel()
	body := fmt.Sprintf(`{"kind":"detained","lat":%v,"lon":%v,"accuracy":12,"note":%q}`, laLat, laLon, secretNote)
	cases := []struct {
		name    string
		token   func(w *world) string
		status  int
		expect  []string
		created bool
	}{
		{"anonymous", func(*world) string { return "" }, 401, []string{`"status":401`, "Entra a tu cuenta"}, false},
		{"a relative's family token is no sign-in", func(w *world) string { return w.tokES }, 401, []string{`"status":401`}, false},
		{"staff are not the person", func(w *world) string { return w.tokAdviser }, 403, []string{`"status":403`}, false},
		{"registrant B", func(w *world) string { return w.tokB }, 201, []string{`"status":"new"`, `"source":"button"`}, true},
		{"registrant A", func(w *world) string { return w.tokA }, 201, []string{
			`"status":"new"`, `"kind":"detained"`, `"target_consulate":"los-angeles"`, `"origin_consulate":"los-angeles"`,
			`"route_basis":"location"`, `"uid":"`, `"closed_at":""`,
		}, true},
	}
	for _, c := range cases {
		w := newWorld(t, "all")
		before := counts(t, w.app)
		s := scenario(w, c.name, http.MethodPost, createURL, c.token(w), body, c.status)
		s.ExpectedContent = c.expect
		// Sealed fields are not in it either: a seized phone must not read where it was.
		s.NotExpectedContent = []string{`"duress"`, `"internal_notes"`, `"assigned_to"`, `"facility"`, `"a_number"`, "sealed:", secretNote, `"location":`}
		s.Test(t)
		after := counts(t, w.app)
		if c.created && after.alerts != before.alerts+1 {
			t.Errorf("%s: alerts %d -> %d, want one more", c.name, before.alerts, after.alerts)
		}
		if !c.created && after != before {
			t.Errorf("%s: refused but wrote rows: %+v -> %+v", c.name, before, after)
		}
	}
}

// raiseAs raises an alert with uid for the registrant, as the button would.
func raiseAs(t testing.TB, w *world, uid string) {
	t.Helper()
	in := button(w, laLat, laLon)
	in.UID, in.Kind, in.ZIP = uid, "raid", "90012"
	if _, created, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), in); err != nil || !created {
		t.Fatal(created, err)
	}
}

func TestCreateRouteRepeatedUID(t *testing.T) {
	t.Parallel()
	uid, _ := alerts.NewUID()
	body := `{"uid":"` + uid + `","kind":"raid","zip":"90012"}`

	w := newWorld(t, "all")
	first := scenario(w, "first time: 201", http.MethodPost, createURL, w.tokA, body, 201)
	first.ExpectedContent = []string{`"uid":"` + uid + `"`, `"kind":"raid"`, `"route_basis":"zip"`}
	first.Test(t)

	w = newWorld(t, "all")
	raiseAs(t, w, uid)
	before := counts(t, w.app)
	again := scenario(w, "again: 200, the same alert", http.MethodPost, createURL, w.tokA, `{"uid":"`+uid+`","kind":"other"}`, 200)
	again.ExpectedContent = []string{`"uid":"` + uid + `"`, `"kind":"raid"`, `"status":"new"`}
	again.Test(t)
	if after := counts(t, w.app); after != before {
		t.Errorf("the repeat wrote rows: %+v -> %+v", before, after)
	}

	w = newWorld(t, "all")
	raiseAs(t, w, uid)
	before = counts(t, w.app)
	other := scenario(w, "another registrant's uid: 409, nothing shown", http.MethodPost, createURL, w.tokB, body, 409)
	other.ExpectedContent = []string{`"uid":{"code":"uid_taken"`}
	other.NotExpectedContent = []string{`"kind":"raid"`, w.a.Id, "90012", secretNote}
	other.Test(t)
	if after := counts(t, w.app); after != before {
		t.Errorf("the refused uid wrote rows: %+v -> %+v", before, after)
	}
}

func TestCreateRouteConcurrentRetries(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	srv := apptest.Serve(t, w.app)
	uid, _ := alerts.NewUID()
	body := fmt.Sprintf(`{"uid":%q,"kind":"detained","lat":%v,"lon":%v}`, uid, fresnoLat, fresnoLon)
	before := counts(t, w.app)

	const n = 20
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _ := apptest.CallURL(t, http.MethodPost, srv.URL+createURL, w.tokA, body)
			statuses <- status
		}()
	}
	wg.Wait()
	close(statuses)
	got := map[int]int{}
	for s := range statuses {
		got[s]++
	}
	if got[201] != 1 || got[200] != n-1 {
		t.Fatalf("statuses = %v, want one 201 and %d 200", got, n-1)
	}
	after := counts(t, w.app)
	if after.alerts != before.alerts+1 {
		t.Errorf("%d alerts stored, want 1", after.alerts-before.alerts)
	}
	alert, err := alerts.FindByUID(w.app, uid)
	if err != nil {
		t.Fatal(err)
	}
	if types, _ := events(t, w.app, alert.Id); len(types) != 1 {
		t.Errorf("timeline = %v, want one created event", types)
	}
	// One set: the registrant, three for relatives, two staff on duty, one federation row.
	rows := outboxFor(t, w.app, uid)
	if len(rows) != 7 || after.outbox-before.outbox != 7 || len(channel(rows, "federation")) != 1 {
		t.Errorf("%d outbox rows (%d new), want one set of 7: %+v", len(rows), after.outbox-before.outbox, rows)
	}
}

// A surge: many registrants press at once, each phone retrying once in parallel. The
// writes share transactions (groupcommit); each alert is still stored once, with its
// timeline event and its own outbox rows, and every press is answered 201 or 200.
func TestCreateRouteSurge(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	srv := apptest.Serve(t, w.app)
	const people = 30
	tokens := make([]string, people)
	for i := range people {
		r := newRegistrant(t, w.app, fmt.Sprintf("+1310555%04d", 2000+i), "Persona", "es", "all")
		apptest.Subscription(t, w.app, "registrant", r.Id, "")
		tokens[i] = apptest.Token(t, r)
	}
	before := counts(t, w.app)

	uids := make([]string, people)
	got := make(chan int, 2*people)
	var wg sync.WaitGroup
	for i := range people {
		uids[i], _ = alerts.NewUID()
		body := fmt.Sprintf(`{"uid":%q,"kind":"raid","lat":%v,"lon":%v}`, uids[i], laLat, laLon)
		for range 2 {
			wg.Go(func() {
				status, _ := apptest.CallURL(t, http.MethodPost, srv.URL+createURL, tokens[i], body)
				got <- status
			})
		}
	}
	wg.Wait()
	close(got)
	statuses := map[int]int{}
	for s := range got {
		statuses[s]++
	}
	if statuses[201] != people || statuses[200] != people {
		t.Fatalf("statuses = %v, want %d of 201 and of 200", statuses, people)
	}
	after := counts(t, w.app)
	if after.alerts-before.alerts != people {
		t.Fatalf("%d alerts stored, want %d", after.alerts-before.alerts, people)
	}
	// Each: the registrant's phone and the two staff on duty.
	for _, uid := range uids {
		alert, err := alerts.FindByUID(w.app, uid)
		if err != nil {
			t.Fatal(err)
		}
		if types, _ := events(t, w.app, alert.Id); len(types) != 1 {
			t.Errorf("alert %s: timeline = %v, want one created event", uid, types)
		}
		if rows := outboxFor(t, w.app, uid); len(rows) != 3 {
			t.Errorf("alert %s: %d outbox rows, want 3: %+v", uid, len(rows), rows)
		}
	}
	if n := after.outbox - before.outbox; n != 3*people {
		t.Errorf("%d outbox rows written, want %d", n, 3*people)
	}
}

func TestCreateRouteRefusesBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, field string
		status            int
	}{
		{"unknown kind", `{"kind":"kidnapped"}`, "kind", 400},
		{"missing kind", `{"lat":34,"lon":-118}`, "kind", 400},
		{"kind the server's own", `{"kind":"checkin_missed"}`, "kind", 400},
		{"kind not a string", `{"kind":1}`, "kind", 400},
		{"latitude past the pole", `{"kind":"detained","lat":90.5,"lon":-118}`, "lat", 400},
		{"longitude out of range", `{"kind":"detained","lat":34,"lon":-180.01}`, "lon", 400},
		{"latitude as text", `{"kind":"detained","lat":"34.05","lon":-118}`, "lat", 400},
		{"latitude without longitude", `{"kind":"detained","lat":34}`, "lon", 400},
		{"negative accuracy", `{"kind":"detained","lat":34,"lon":-118,"accuracy":-1}`, "accuracy", 400},
		{"short ZIP", `{"kind":"detained","zip":"9001"}`, "zip", 400},
		{"ZIP with letters", `{"kind":"detained","zip":"9001a"}`, "zip", 400},
		{"ZIP as a number", `{"kind":"detained","zip":90012}`, "zip", 400},
		{"empty ZIP", `{"kind":"detained","zip":""}`, "zip", 400},
		{"note too long", `{"kind":"detained","note":"` + strings.Repeat("ñ", 1001) + `"}`, "note", 400},
		{"note not text", `{"kind":"detained","note":{"a":1}}`, "note", 400},
		{"uid not a UUIDv7 or ULID", `{"kind":"detained","uid":"123"}`, "uid", 400},
		{"uid an upper-case UUID", `{"kind":"detained","uid":"0190F8A2-7B4C-7D3E-8F00-123456789ABC"}`, "uid", 400},
		{"not JSON", `kind=detained`, "", 400},
		{"a JSON array", `[{"kind":"detained"}]`, "", 400},
		{"body over 16 KiB", `{"kind":"detained","pad":"` + strings.Repeat("x", 17<<10) + `"}`, "", 413},
	}
	for _, c := range cases {
		w := newWorld(t, "all")
		before := counts(t, w.app)
		s := scenario(w, c.name, http.MethodPost, createURL, w.tokA, c.body, c.status)
		s.ExpectedContent = []string{fmt.Sprintf(`"status":%d`, c.status)}
		if c.field != "" {
			s.ExpectedContent = append(s.ExpectedContent, `"data":{"`+c.field+`":{"code":`)
		}
		s.Test(t)
		if after := counts(t, w.app); after != before {
			t.Errorf("%s: wrote rows: %+v -> %+v", c.name, before, after)
		}
	}
}

func TestCreateRouteSpeaksTheRegistrantsLanguage(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	es := scenario(w, "Spanish", http.MethodPost, createURL, w.tokA, `{"kind":"x"}`, 400)
	es.ExpectedContent = []string{"Elige el tipo de alerta"}
	es.Test(t)
	w = newWorld(t, "all")
	en := scenario(w, "English", http.MethodPost, createURL, w.tokB, `{"kind":"x"}`, 400)
	en.ExpectedContent = []string{"Choose the kind of alert"}
	en.Test(t)
}

// A field the button does not take (a status, an owner, the duress flag) is refused by name,
// not ignored, and nothing is stored.
func TestCreateRouteRefusesUnknownFields(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	before := counts(t, w.app)
	s := scenario(w, "unknown fields", http.MethodPost, createURL, w.tokA,
		`{"kind":"at_risk","status":"resolved","duress":true,"registrant":"`+w.b.Id+`","target_consulate":"boston","extra":[1]}`, 400)
	s.ExpectedContent = []string{`"duress":{"code":"unknown_field"`, `"registrant":{"code":"unknown_field"`,
		"campos que no se aceptan: duress, extra, registrant, status, target_consulate."}
	s.Test(t)
	if after := counts(t, w.app); after != before {
		t.Errorf("wrote rows: %+v -> %+v", before, after)
	}
}

// A press is recorded by the alert itself; the request log keeps only the refused ones.
func TestPressesStayOutOfTheRequestLog(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	w.app.Settings().Logs.MaxDays = 3 // as the settings migration has it; the test app turns logging off
	srv := apptest.Serve(t, w.app)
	ok := fmt.Sprintf(`{"kind":"detained","lat":%v,"lon":%v}`, laLat, laLon)
	if status, body := apptest.CallURL(t, http.MethodPost, srv.URL+createURL, w.tokA, ok); status != http.StatusCreated {
		t.Fatalf("press: %d %s", status, body)
	}
	if status, body := apptest.CallURL(t, http.MethodPost, srv.URL+createURL, w.tokA, `{"kind":"detained","lat":999}`); status != http.StatusBadRequest {
		t.Fatalf("bad press: %d %s", status, body)
	}
	if status, _ := apptest.CallURL(t, http.MethodPost, srv.URL+createURL, "", ok); status != http.StatusUnauthorized {
		t.Fatalf("anonymous press: %d", status)
	}
	// The refused presses' rows, made after the accepted one's would have been.
	statuses := apptest.RequestLogStatuses(t, w.app, createURL, 2)
	if fmt.Sprint(statuses) != "[400 401]" {
		t.Fatalf("request log statuses for %s: %v, want [400 401]", createURL, statuses)
	}
}
