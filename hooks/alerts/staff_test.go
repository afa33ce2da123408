package alerts_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
)

const recordsURL = "/api/collections/alerts/records"

func TestStaffCreatesAnAlertForARegistrant(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "status")
	before := counts(t, w.app)
	s := scenario(w, "phone call", http.MethodPost, recordsURL, w.tokAdviser,
		`{"kind":"detained","source":"staff","registrant":"`+w.a.Id+`","zip":"93721","note":"Llamó su hermana"}`, 200)
	s.ExpectedContent = []string{`"status":"new"`, `"target_consulate":"fresno"`, `"route_basis":"zip"`, `"origin_consulate":"los-angeles"`, `"duress":false`}
	s.Test(t)

	after := counts(t, w.app)
	if after.alerts != before.alerts+1 {
		t.Fatalf("alerts %d -> %d", before.alerts, after.alerts)
	}
	alert, err := w.app.FindFirstRecordByData("alerts", "registrant", w.a.Id)
	if err != nil {
		t.Fatal(err)
	}
	uid := alert.GetString("uid")
	if !uuidV7.MatchString(uid) || alert.GetString("source") != "staff" || alert.GetString("county_geoid") != "06019" {
		t.Errorf("stored %v", alert.FieldsData())
	}
	ev, _ := w.app.FindFirstRecordByData("alert_events", "alert", alert.Id)
	if ev == nil || ev.GetString("type") != "created" || ev.GetString("actor") != "staff:"+w.adviser.Id {
		t.Fatalf("first event %v", ev)
	}
	rows := outboxFor(t, w.app, uid)
	if len(to(rows, w.subRelES.Id)) != 1 || len(to(rows, w.relES.Id)) != 1 ||
		len(to(rows, w.subAdviser.Id)) != 1 || len(to(rows, "fresno")) != 1 {
		t.Errorf("the same notifications as the button: %+v", rows)
	}
	if got := to(rows, w.subA.Id); len(got) != 0 {
		t.Errorf("the registrant's phone, which may be in other hands, was told: %+v", got)
	}
	if got := to(rows, w.subRelEN.Id); len(got) != 1 || got[0].Payload.Body != "The consulate opened a case for Ana." {
		t.Errorf("relative told %+v", got)
	}
}

func TestStaffRecordsAWalkIn(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	s := scenario(w, "walk-in", http.MethodPost, recordsURL, w.tokAdviser,
		`{"kind":"at_risk","source":"walkin","subject_name":"Juan Pérez","location":"Frente al 7-Eleven de Alameda"}`, 200)
	s.ExpectedContent = []string{`"source":"walkin"`, `"subject_name":"Juan Pérez"`, `"route_basis":"home"`, `"target_consulate":"los-angeles"`}
	s.Test(t)
	alert, err := w.app.FindFirstRecordByData("alerts", "source", "walkin")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(alert.GetString("subject_name"), "sealed:") {
		t.Error("the walk-in's name is stored in the clear")
	}
	if types, _ := events(t, w.app, alert.Id); strings.Join(types, ",") != "created" {
		t.Errorf("timeline %v", types)
	}
	rows := outboxFor(t, w.app, alert.GetString("uid"))
	if len(rows) != 2 || len(to(rows, w.subAdviser.Id)) != 1 || strings.Contains(rows[0].Raw, "Juan") {
		t.Errorf("staff on duty are told, without the name: %+v", rows)
	}
}

func TestStaffCreateRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, token, body, field string
		status                   int
	}{
		{"a walk-in needs a name", "adviser", `{"kind":"detained","source":"walkin","location":"Calle 1"}`, "subject_name", 400},
		{"staff do not press the button", "adviser", `{"kind":"detained","source":"button","subject_name":"X"}`, "source", 400},
		{"no duress by hand", "adviser", `{"kind":"detained","source":"staff","subject_name":"X","duress":true}`, "duress", 400},
		{"starts as new", "adviser", `{"kind":"detained","source":"staff","subject_name":"X","status":"resolved"}`, "status", 400},
		{"a known consulate", "adviser", `{"kind":"detained","source":"staff","subject_name":"X","target_consulate":"paris"}`, "target_consulate", 400},
		{"a kind", "adviser", `{"source":"staff","subject_name":"X"}`, "kind", 400},
		{"registrants cannot", "A", `{"kind":"detained","source":"staff","subject_name":"X"}`, "", 403},
		{"the anonymous cannot", "", `{"kind":"detained","source":"staff","subject_name":"X"}`, "", 403},
	}
	for _, c := range cases {
		w := newWorld(t, "all")
		token := map[string]string{"adviser": w.tokAdviser, "A": w.tokA, "": ""}[c.token]
		before := counts(t, w.app)
		s := scenario(w, c.name, http.MethodPost, recordsURL, token, c.body, c.status)
		if c.field != "" {
			s.ExpectedContent = []string{`"` + c.field + `":{"code":`}
		} else {
			s.ExpectedContent = []string{`"status":403`}
		}
		s.Test(t)
		if after := counts(t, w.app); after != before {
			t.Errorf("%s: wrote rows %+v -> %+v", c.name, before, after)
		}
	}
}

func TestStatusWorkflow(t *testing.T) {
	steps := []struct {
		from, to string
		ok       bool
	}{
		{"new", "in_progress", false},
		{"new", "cancelled", false},
		{"new", "acknowledged", true},
		{"acknowledged", "new", false},
		{"acknowledged", "in_progress", true},
		{"in_progress", "acknowledged", false},
		{"in_progress", "resolved", true},
		{"resolved", "in_progress", false},
		{"new", "false_alarm", true},
		{"acknowledged", "resolved", true},
		{"cancelled", "resolved", false},
	}
	for _, st := range steps {
		w, alert := raised(t, laLat, laLon)
		setStatus(t, w, alert, st.from)
		before := counts(t, w.app)
		status := 400
		if st.ok {
			status = 200
		}
		s := scenario(w, st.from+" -> "+st.to, http.MethodPatch, recordsURL+"/"+alert.Id, w.tokAdviser, `{"status":"`+st.to+`"}`, status)
		if st.ok {
			s.ExpectedContent = []string{`"status":"` + st.to + `"`}
		} else {
			s.ExpectedContent = []string{`"status":{"code":"invalid_transition"`}
		}
		s.Test(t)
		stored := apptest.Find(t, w.app, "alerts", alert.Id)
		after := counts(t, w.app)
		if !st.ok {
			if stored.GetString("status") != st.from || after != before {
				t.Errorf("%s -> %s refused but changed something", st.from, st.to)
			}
			continue
		}
		if st.to == "acknowledged" && stored.GetDateTime("acknowledged_at").IsZero() {
			t.Error("acknowledged_at not set")
		}
		if (st.to == "resolved" || st.to == "false_alarm") && stored.GetDateTime("closed_at").IsZero() {
			t.Error("closed_at not set")
		}
		types, _ := events(t, w.app, alert.Id)
		if types[len(types)-1] != "status" {
			t.Errorf("timeline %v", types)
		}
	}
}

// setStatus puts the alert in a status directly, as if the workflow had got there.
func setStatus(t testing.TB, w *world, alert *core.Record, status string) {
	t.Helper()
	if status == "new" {
		return
	}
	alert = apptest.Find(t, w.app, "alerts", alert.Id)
	alert.Set("status", status)
	if err := w.app.Save(alert); err != nil {
		t.Fatal(err)
	}
}

func TestMilestones(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, event     string
		registrant            string // the body the registrant's phone gets, "" for none
		relativeES, relFacAll string // the Spanish relative's body
	}{
		{"acknowledged", `{"status":"acknowledged"}`, "status", "El consulado recibió tu caso.", "El consulado recibió el caso de Ana.", ""},
		{"assigned", `{"assigned_to":"ADVISER"}`, "alert.changed", "Un abogado o asesor ya lleva tu caso.", "Se asignó un abogado o asesor al caso de Ana.", ""},
		{"facility", `{"facility":"FACILITY"}`, "alert.changed", "", "Localizado en Adelanto ICE Processing Center.", ""},
		{"resolved", `{"status":"resolved"}`, "status", "Liberado: el consulado cerró el caso.", "Ana: liberado, caso cerrado.", ""},
		{"false alarm", `{"status":"false_alarm"}`, "status", "El consulado cerró el caso.", "El consulado cerró el caso de Ana.", ""},
		{"A-number", `{"a_number":"A123456789"}`, "alert.changed", "", "", ""},
	}
	// What the phone's timeline shows of each change.
	shownAs := map[string]string{"assigned": "assigned", "facility": "facility_set", "A-number": "", "resolved": "status", "false alarm": "status", "acknowledged": "status"}
	for _, disclosure := range []string{"all", "status", "none"} {
		for _, c := range cases {
			w := newWorld(t, disclosure)
			alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), button(w, fresnoLat, fresnoLon))
			if err != nil {
				t.Fatal(err)
			}
			uid := alert.GetString("uid")
			before := len(outboxFor(t, w.app, uid))
			facility := apptest.Facility(t, w.app, "Adelanto ICE Processing Center", nil)
			body := strings.NewReplacer("ADVISER", w.adviser.Id, "FACILITY", facility.Id).Replace(c.body)
			s := scenario(w, disclosure+": "+c.name, http.MethodPatch, recordsURL+"/"+alert.Id, w.tokAdviser, body, 200)
			s.NotExpectedContent = []string{"sealed:"}
			s.Test(t)

			types, staffOnly := events(t, w.app, alert.Id)
			last := types[len(types)-1]
			if last != c.event {
				t.Errorf("%s: timeline %v, want %s last", c.name, types, c.event)
			}
			ev, _ := w.app.FindRecordsByFilter("alert_events", "alert = {:id} && type = {:t}", "", 1, 0, map[string]any{"id": alert.Id, "t": c.event})
			if data := ev[0].GetString("data"); strings.Contains(data, "Adelanto") || strings.Contains(data, "A123") || strings.Contains(data, "abogado") {
				t.Errorf("%s: event data holds the value: %s", c.name, data)
			}
			if c.name == "A-number" && !staffOnly[c.event] {
				t.Errorf("%s: the registrant sees the event", c.name)
			}
			view, err := alerts.RegistrantView(w.app, apptest.Find(t, w.app, "alerts", alert.Id), true)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(view["events"])
			if want := `"type":"` + shownAs[c.name] + `"`; shownAs[c.name] == "" && strings.Count(string(raw), "type") != 1 ||
				shownAs[c.name] != "" && !strings.Contains(string(raw), want) || strings.Contains(string(raw), "alert.changed") {
				t.Errorf("%s: the phone's timeline %s, want %q last", c.name, raw, shownAs[c.name])
			}
			rows := outboxFor(t, w.app, uid)[before:]
			checkTold(t, disclosure+" "+c.name+": registrant", to(rows, w.subA.Id), c.registrant)
			wantRel := c.relativeES
			switch {
			case disclosure == "none":
				wantRel = ""
			case disclosure == "status" && c.name == "facility":
				wantRel = ""
			}
			checkTold(t, disclosure+" "+c.name+": relative", to(rows, w.subRelES.Id), wantRel)
			checkTold(t, disclosure+" "+c.name+": relative by e-mail", to(rows, w.relES.Id), wantRel)
			fed := channel(rows, "federation")
			wantFed := 1
			if c.name == "A-number" {
				wantFed = 0
			}
			if len(fed) != wantFed {
				t.Errorf("%s: %d federation rows, want %d", c.name, len(fed), wantFed)
			}
			for _, r := range to(rows, w.subA.Id) {
				if strings.Contains(r.Raw, "Adelanto") {
					t.Errorf("the registrant's lock screen shows the facility: %s", r.Raw)
				}
			}
		}
	}
}

func checkTold(t *testing.T, who string, rows []row, body string) {
	t.Helper()
	if body == "" {
		if len(rows) != 0 {
			t.Errorf("%s: told %+v, want nothing", who, rows)
		}
		return
	}
	if len(rows) != 1 || rows[0].Payload.Body != body || rows[0].Payload.Type != "alert.status" {
		t.Errorf("%s: told %+v, want %q", who, rows, body)
	}
}

func TestLockedFields(t *testing.T) {
	for _, body := range []string{`{"uid":"0190f8a2-7b4c-7d3e-8f00-123456789abc"}`, `{"source":"walkin"}`, `{"duress":true}`, `{"origin_consulate":"boston"}`} {
		w, alert := raised(t, laLat, laLon)
		before := counts(t, w.app)
		s := scenario(w, "locked "+body, http.MethodPatch, recordsURL+"/"+alert.Id, w.tokAdviser, body, 400)
		s.ExpectedContent = []string{`"status":400`}
		s.Test(t)
		if after := counts(t, w.app); after != before {
			t.Errorf("%s wrote rows", body)
		}
	}
}

func TestRegistrantsCannotEditOrDeleteAlerts(t *testing.T) {
	w, alert := raised(t, laLat, laLon)
	s := scenario(w, "registrant PATCH", http.MethodPatch, recordsURL+"/"+alert.Id, w.tokA, `{"status":"resolved"}`, 403)
	s.ExpectedContent = []string{`"status":403`}
	s.Test(t)
	w, alert = raised(t, laLat, laLon)
	s = scenario(w, "registrant DELETE", http.MethodDelete, recordsURL+"/"+alert.Id, w.tokA, "", 403)
	s.ExpectedContent = []string{`"status":403`}
	s.Test(t)
}

func TestAlertsAreNeverDeletedThroughTheAPI(t *testing.T) {
	for _, who := range []string{"adviser", "it"} {
		w, alert := raised(t, laLat, laLon)
		token := w.tokAdviser
		if who == "it" {
			token = apptest.Token(t, w.it)
		}
		s := scenario(w, who+" DELETE", http.MethodDelete, recordsURL+"/"+alert.Id, token, "", 403)
		s.ExpectedContent = []string{`"status":403`}
		s.Test(t)
		if _, err := w.app.FindRecordById("alerts", alert.Id); err != nil {
			t.Errorf("%s deleted the alert", who)
		}
	}
}

func TestTimelineIsAppendOnly(t *testing.T) {
	for _, method := range []string{http.MethodPatch, http.MethodDelete} {
		w, alert := raised(t, laLat, laLon)
		ev, _ := w.app.FindFirstRecordByData("alert_events", "alert", alert.Id)
		s := scenario(w, "superuser "+method, method, "/api/collections/alert_events/records/"+ev.Id, w.tokAdviser, `{"type":"nothing"}`, 403)
		s.ExpectedContent = []string{`"status":403`}
		s.Test(t)
		if got := apptest.Find(t, w.app, "alert_events", ev.Id); got.GetString("type") != "created" {
			t.Errorf("%s changed the event", method)
		}
	}
	w, alert := raised(t, laLat, laLon)
	ev, _ := w.app.FindFirstRecordByData("alert_events", "alert", alert.Id)
	ev.Set("type", "nothing")
	if err := w.app.Save(ev); err == nil {
		t.Error("an event was updated from Go")
	}
	if err := w.app.Delete(ev); err == nil {
		t.Error("an event was deleted from Go")
	}
	if err := w.app.Delete(apptest.Find(t, w.app, "alerts", alert.Id)); err == nil {
		t.Error("an alert and its timeline were deleted from Go")
	}
	if types, _ := events(t, w.app, alert.Id); len(types) != 1 || types[0] != "created" {
		t.Errorf("timeline now %v", types)
	}
}
