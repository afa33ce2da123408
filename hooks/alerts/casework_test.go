package alerts_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/privacy"
	"alertbutton/hooks/seal"
)

const notesURL = "/api/collections/case_notes/records"

// patch sends an update of alert as token and returns the status and answer.
func patch(t *testing.T, url string, alert *core.Record, token, body string) (int, string) {
	t.Helper()
	return apptest.CallURL(t, http.MethodPatch, url+recordsURL+"/"+alert.Id, token, body)
}

// lastChanged is the data of the alert's last alert.changed event, and whether it is staff-only.
func lastChanged(t *testing.T, w *world, alert *core.Record) (string, bool, string) {
	t.Helper()
	evs := apptest.Events(t, w.app, alert.Id, alerts.EventChanged)
	if len(evs) == 0 {
		return "", false, ""
	}
	ev := evs[len(evs)-1]
	return ev.GetString("data"), ev.GetBool("staff_only"), ev.GetString("actor")
}

// Each change of fact staff make is an alert.changed event with its old and new value (for
// place and a_number, only that it changed), by whoever made it.
func TestChangesOfFactAreOnTheTimeline(t *testing.T) {
	t.Parallel()
	w, alert := raised(t, laLat, laLon)
	srv := apptest.Serve(t, w.app)
	facility := apptest.Facility(t, w.app, "Adelanto ICE Processing Center", nil)
	cases := []struct {
		body, data string
		staffOnly  bool // the phone is shown an assignment and a facility, as before
	}{
		{`{"kind":"raid"}`, `{"field":"kind","from":"detained","to":"raid"}`, true},
		{`{"place":"Adelanto, CA"}`, `{"field":"place"}`, true},
		{`{"a_number":"A123456789"}`, `{"field":"a_number"}`, true},
		{`{"escalation_level":1}`, `{"field":"escalation_level","from":0,"to":1}`, true},
		{`{"assigned_to":"` + w.consul.Id + `"}`, `{"field":"assigned_to","from":"","to":"` + w.consul.Id + `"}`, false},
		{`{"facility":"` + facility.Id + `"}`, `{"field":"facility","from":"","to":"` + facility.Id + `"}`, false},
		{`{"facility":""}`, `{"field":"facility","from":"` + facility.Id + `","to":""}`, false},
	}
	for _, c := range cases {
		if status, body := patch(t, srv.URL, alert, w.tokAdviser, c.body); status != 200 {
			t.Fatalf("%s: %d %s", c.body, status, body)
		}
		data, staffOnly, actor := lastChanged(t, w, alert)
		if data != c.data || staffOnly != c.staffOnly || actor != "staff:"+w.adviser.Id {
			t.Errorf("%s: event %s staff-only %v by %s, want %s staff-only %v", c.body, data, staffOnly, actor, c.data, c.staffOnly)
		}
	}
	if n := len(apptest.Events(t, w.app, alert.Id, alerts.EventChanged)); n != len(cases) {
		t.Errorf("%d alert.changed events, want %d", n, len(cases))
	}
	if evs := apptest.Events(t, w.app, alert.Id, "escalated"); len(evs) != 1 {
		t.Errorf("raising the escalation by hand woke nobody: %d escalated events", len(evs))
	}
	stored := apptest.Find(t, w.app, "alerts", alert.Id)
	if place, _ := privacy.Open(w.cfg.Sealer(), stored, "place"); place != "Adelanto, CA" || !seal.IsSealed(stored.GetString("place")) {
		t.Errorf("place stored as %q (%q)", stored.GetString("place"), place)
	}
}

// Clearing duress shows the phone the case again: a consul decides it, an adviser is told
// so; setting it stays the person's PIN's.
func TestDuressIsClearedByAConsulOnly(t *testing.T) {
	t.Parallel()
	w, alert := raised(t, laLat, laLon)
	srv := apptest.Serve(t, w.app)
	if status, body := apptest.CallURL(t, http.MethodPost, srv.URL+cancelURL(alert), w.tokA, pinBody(duressPIN)); status != 200 {
		t.Fatal(status, body)
	}
	status, body := patch(t, srv.URL, alert, w.tokAdviser, `{"duress":false}`)
	if status != 403 || !strings.Contains(body, "Solo un cónsul puede quitar la marca de coacción") {
		t.Fatalf("an adviser cleared duress: %d %s", status, body)
	}
	if !apptest.Find(t, w.app, "alerts", alert.Id).GetBool("duress") {
		t.Fatal("duress was cleared")
	}
	if status, body := patch(t, srv.URL, alert, w.tokConsul, `{"duress":false}`); status != 200 {
		t.Fatalf("the consul: %d %s", status, body)
	}
	data, staffOnly, actor := lastChanged(t, w, alert)
	if data != `{"field":"duress","from":true,"to":false}` || !staffOnly || actor != "staff:"+w.consul.Id {
		t.Errorf("event %s staff-only %v by %s", data, staffOnly, actor)
	}
	if status, body := patch(t, srv.URL, alert, w.tokConsul, `{"duress":true}`); status != 400 || !strings.Contains(body, "duress_by_pin") {
		t.Errorf("staff set duress: %d %s", status, body)
	}
}

// What advisers may not change: what was fixed at the press, how it was routed, what the
// server records; the escalation does not go down, a case goes to someone who can read it,
// and a facility IT retired is not picked.
func TestAdvisersCannotChangeWhatIsNotTheirs(t *testing.T) {
	t.Parallel()
	w, alert := raised(t, laLat, laLon)
	srv := apptest.Serve(t, w.app)
	stored := apptest.Find(t, w.app, "alerts", alert.Id)
	stored.Set("escalation_level", 2)
	if err := w.app.Save(stored); err != nil {
		t.Fatal(err)
	}
	retired := apptest.Facility(t, w.app, "Centro cerrado", apptest.Fields{"active": false})
	refused := map[string]string{
		`{"uid":"0190f8a2-7b4c-7d3e-8f00-123456789abc"}`:   "uid",
		`{"registrant":"` + w.b.Id + `"}`:                  "registrant",
		`{"source":"walkin"}`:                              "source",
		`{"origin_consulate":"boston"}`:                    "origin_consulate",
		`{"home_consulate":"boston"}`:                      "home_consulate",
		`{"route_basis":"staff"}`:                          "route_basis",
		`{"county_geoid":"06019"}`:                         "county_geoid",
		`{"zip":"93721"}`:                                  "zip",
		`{"location":"{\"lat\":1,\"lon\":2}"}`:             "location",
		`{"note":"otra cosa"}`:                             "note",
		`{"acknowledged_at":"2026-01-01 00:00:00.000Z"}`:   "acknowledged_at",
		`{"closed_at":"2026-01-01 00:00:00.000Z"}`:         "closed_at",
		`{"nobody_reached_at":"2026-01-01 00:00:00.000Z"}`: "nobody_reached_at",
		`{"relay_status":"delayed"}`:                       "relay_status",
		`{"escalation_level":1}`:                           "escalation_level",
		`{"assigned_to":"` + w.it.Id + `"}`:                "assigned_to",
		`{"facility":"` + retired.Id + `"}`:                "facility",
	}
	for body, field := range refused {
		before := counts(t, w.app)
		status, answer := patch(t, srv.URL, alert, w.tokAdviser, body)
		if status != 400 || !strings.Contains(answer, `"`+field+`":{"code"`) {
			t.Errorf("%s: %d %s", body, status, answer)
		}
		if after := counts(t, w.app); after != before {
			t.Errorf("%s wrote rows", body)
		}
	}
	// Nor when staff record a new alert.
	for body, field := range map[string]string{
		`{"kind":"at_risk","source":"walkin","subject_name":"Juan","assigned_to":"` + w.it.Id + `"}`: "assigned_to",
		`{"kind":"at_risk","source":"walkin","subject_name":"Juan","facility":"` + retired.Id + `"}`: "facility",
		`{"kind":"at_risk","source":"walkin","subject_name":"Juan","duress":true}`:                   "duress",
	} {
		status, answer := apptest.CallURL(t, http.MethodPost, srv.URL+recordsURL, w.tokAdviser, body)
		if status != 400 || !strings.Contains(answer, `"`+field+`":{"code"`) {
			t.Errorf("new %s: %d %s", body, status, answer)
		}
	}
	// The same value sent back is no change.
	if status, body := patch(t, srv.URL, alert, w.tokAdviser, `{"note":"`+secretNote+`","zip":""}`); status != 200 {
		t.Errorf("unchanged locked fields were refused: %d %s", status, body)
	}
}

// Notes are add-only and sealed: the author is whoever is signed in, the timeline names the
// note in the same transaction, nobody changes or deletes one, and IT neither writes nor
// reads them.
func TestCaseNotesAreAddOnly(t *testing.T) {
	t.Parallel()
	w, alert := raised(t, laLat, laLon)
	srv := apptest.Serve(t, w.app)
	tokIT := apptest.Token(t, w.it)
	const text = "SENTINEL-NOTA llamó la esposa"
	forged := `{"alert":"` + alert.Id + `","body":"  ` + text + `  ","author":"` + w.consul.Id + `","consulate":"fresno"}`
	status, body := apptest.CallURL(t, http.MethodPost, srv.URL+notesURL, w.tokAdviser, forged)
	if status != 200 {
		t.Fatal(status, body)
	}
	id, _ := apptest.JSON(t, body)["id"].(string)
	note := apptest.Find(t, w.app, "case_notes", id)
	if note.GetString("author") != w.adviser.Id || note.GetString("consulate") != "" {
		t.Errorf("the note is by %q from %q, want the adviser signed in", note.GetString("author"), note.GetString("consulate"))
	}
	if plain, err := privacy.Open(w.cfg.Sealer(), note, "body"); !seal.IsSealed(note.GetString("body")) || plain != text || err != nil {
		t.Errorf("body stored as %q (%q, %v)", note.GetString("body"), plain, err)
	}
	evs := apptest.Events(t, w.app, alert.Id, alerts.EventNoteAdded)
	if len(evs) != 1 || evs[0].GetString("data") != `{"note":"`+id+`"}` || !evs[0].GetBool("staff_only") || evs[0].GetString("actor") != "staff:"+w.adviser.Id {
		t.Fatalf("note.added events: %v", evs)
	}
	for _, tok := range []string{w.tokAdviser, w.tokConsul, tokIT} {
		if status, _ := apptest.CallURL(t, http.MethodPatch, srv.URL+notesURL+"/"+id, tok, `{"body":"otra"}`); status != 403 {
			t.Errorf("a note was changed: %d", status)
		}
		if status, _ := apptest.CallURL(t, http.MethodDelete, srv.URL+notesURL+"/"+id, tok, ""); status != 403 {
			t.Errorf("a note was deleted: %d", status)
		}
	}
	note.Set("body", "otra")
	if err := w.app.Save(note); err == nil {
		t.Error("the appliance itself changed a note")
	}
	if err := w.app.Delete(note); err == nil {
		t.Error("the appliance itself deleted a note")
	}
	if status, body := apptest.CallURL(t, http.MethodPost, srv.URL+notesURL, tokIT, `{"alert":"`+alert.Id+`","body":"x"}`); status != 403 {
		t.Errorf("IT wrote a note: %d %s", status, body)
	}
	if status, body := apptest.CallURL(t, http.MethodPost, srv.URL+notesURL, w.tokA, `{"alert":"`+alert.Id+`","body":"x"}`); status != 403 {
		t.Errorf("the registrant wrote a note: %d %s", status, body)
	}
	if status, body := apptest.CallURL(t, http.MethodPost, srv.URL+notesURL, w.tokAdviser, `{"alert":"`+alert.Id+`","body":"  "}`); status != 400 {
		t.Errorf("an empty note: %d %s", status, body)
	}
	if _, body := apptest.CallURL(t, http.MethodGet, srv.URL+notesURL, tokIT, ""); strings.Contains(body, "SENTINEL") || strings.Contains(body, "sealed:") {
		t.Errorf("IT read a note: %s", body)
	}
	_, body = apptest.CallURL(t, http.MethodGet, srv.URL+notesURL+"?filter="+`alert%3D%22`+alert.Id+`%22`, w.tokAdviser, "")
	if !strings.Contains(body, text) {
		t.Errorf("the adviser does not read the note: %s", body)
	}
	rows, err := w.app.FindRecordsByFilter("audit_log", "actor = {:a} && action = 'list' && collection = 'case_notes' && record_id = {:id}", "", 0, 0,
		map[string]any{"a": "staff:" + w.adviser.Id, "id": id})
	if err != nil || len(rows) != 1 {
		t.Errorf("the adviser's read of the note is not audited: %v %v", rows, err)
	}
}

// The place reads as text from the moment the alert is raised: the county and the point, or
// what the person wrote, or the county of the ZIP code it was routed by.
func TestPlaceIsWrittenAtRaise(t *testing.T) {
	t.Parallel()
	w, alert := raised(t, laLat, laLon)
	stored := apptest.Find(t, w.app, "alerts", alert.Id)
	if place, _ := privacy.Open(w.cfg.Sealer(), stored, "place"); place != "Los Angeles County, CA; 34.0522, -118.2437 (±25 m)" {
		t.Errorf("place %q", place)
	}
	// Staff read both: the place, and the point (hidden from the admin UI's list) for the map.
	srv := apptest.Serve(t, w.app)
	_, body := apptest.CallURL(t, http.MethodGet, srv.URL+recordsURL+"/"+alert.Id, w.tokAdviser, "")
	if !strings.Contains(body, `"place":"Los Angeles County, CA;`) || !strings.Contains(body, `"location":"{\"accuracy\":25`) {
		t.Errorf("the adviser reads %s", body)
	}
	for _, c := range [][4]string{
		{"Frente al 7-Eleven de Alameda", "06037", "", "Frente al 7-Eleven de Alameda"},
		{"", "06019", "93721", "Fresno County, CA; ZIP 93721"},
		{`{"lat":36.7378,"lon":-119.7871}`, "", "", "36.7378, -119.7871"},
		{"", "", "", ""},
	} {
		if got := alerts.PlaceText(c[0], c[1], c[2]); got != c[3] {
			t.Errorf("PlaceText(%q, %q, %q) = %q, want %q", c[0], c[1], c[2], got, c[3])
		}
	}
}

// The facilities are IT's list: every staff member reads it, only IT writes it.
func TestFacilitiesAreITsList(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	srv := apptest.Serve(t, w.app)
	const url = "/api/collections/facilities/records"
	body := `{"name":"Otay Mesa Detention Center","kind":"detention_center","active":true}`
	if status, answer := apptest.CallURL(t, http.MethodPost, srv.URL+url, w.tokAdviser, body); status != 403 {
		t.Errorf("an adviser added a facility: %d %s", status, answer)
	}
	if status, answer := apptest.CallURL(t, http.MethodPost, srv.URL+url, apptest.Token(t, w.it), body); status != 200 {
		t.Fatalf("IT: %d %s", status, answer)
	}
	if status, answer := apptest.CallURL(t, http.MethodGet, srv.URL+url, w.tokAdviser, ""); status != 200 || !strings.Contains(answer, "Otay Mesa") {
		t.Errorf("the adviser does not read the list: %d %s", status, answer)
	}
	if status, _ := apptest.CallURL(t, http.MethodGet, srv.URL+url, w.tokA, ""); status == 200 {
		t.Error("a registrant read the list")
	}
}

// The admin UI's case record links the person's relatives by the alert's id alone (hooks/adminui):
// the filter it uses finds them.
func TestRelativesOfACaseByItsID(t *testing.T) {
	t.Parallel()
	w, alert := raised(t, laLat, laLon)
	srv := apptest.Serve(t, w.app)
	filter := `registrant.alerts_via_registrant.id?="` + alert.Id + `"`
	status, body := apptest.CallURL(t, http.MethodGet, srv.URL+"/api/collections/contacts/records?filter="+url.QueryEscape(filter), w.tokAdviser, "")
	if status != 200 || !strings.Contains(body, w.relES.Id) || !strings.Contains(body, w.relEN.Id) || !strings.Contains(body, `"totalItems":2`) {
		t.Errorf("the case's relatives: %d %s", status, body)
	}
}
