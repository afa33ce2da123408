package migrations_test

import (
	"encoding/json"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/seal"
)

// The case fields carry over: facility names become facilities (one per name), an
// assignment naming a staff account by id or e-mail points at it and any other is kept on
// the timeline, and the internal notes become a sealed case note with its event.
func TestCaseworkCarriesTheOldFields(t *testing.T) {
	app := apptest.NewBare(t)
	step := apptest.Migration(t, "1764002000_casework.go")
	if err := step.Down(app); err != nil {
		t.Fatal(err)
	}
	adviser := apptest.Staff(t, app, "ana@consulado.example", "adviser", true)
	keys, err := seal.LoadKey(app.EncryptionEnv(), app.DataDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := seal.New(keys...)
	if err != nil {
		t.Fatal(err)
	}
	notes, err := s.Seal("alert0000000001", "internal_notes", "Llamó la esposa.")
	if err != nil {
		t.Fatal(err)
	}
	point, err := s.Seal("alert0000000001", "location", `{"accuracy":20,"lat":34.0522,"lon":-118.2437}`)
	if err != nil {
		t.Fatal(err)
	}
	rows := []dbx.Params{
		{"id": "alert0000000001", "facility": "Adelanto ICE Processing Center", "assigned_to": adviser.Id, "internal_notes": notes,
			"location": point, "county_geoid": "06037"},
		{"id": "alert0000000002", "facility": " adelanto ice processing center ", "assigned_to": "ANA@consulado.example"},
		{"id": "alert0000000003", "facility": "", "assigned_to": "Lic. Pérez", "zip": "93721", "county_geoid": "06019"},
	}
	for i, r := range rows {
		r["uid"], r["source"], r["kind"], r["status"] = "0000000000000000000000000"+string(rune('A'+i)), "staff", "detained", "new"
		r["created"], r["updated"] = "2026-01-02 03:04:05.000Z", "2026-01-02 03:04:05.000Z"
		if _, err := app.DB().Insert("alerts", r).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if err := step.Up(app); err != nil {
		t.Fatal(err)
	}
	places := map[string]string{
		"alert0000000001": "Los Angeles County, CA; 34.0522, -118.2437 (±20 m)",
		"alert0000000002": "",
		"alert0000000003": "Fresno County, CA; ZIP 93721",
	}
	for id, want := range places {
		stored := apptest.Find(t, app, "alerts", id).GetString("place")
		if got, err := s.Open(id, "place", stored); got != want || err != nil || want != "" && !seal.IsSealed(stored) {
			t.Errorf("%s: place %q (%q, %v), want %q sealed", id, stored, got, err, want)
		}
	}
	if n := apptest.Count(t, app, "facilities"); n != 1 {
		t.Errorf("%d facilities, want 1 (the same name twice)", n)
	}
	a1 := apptest.Find(t, app, "alerts", "alert0000000001")
	a2 := apptest.Find(t, app, "alerts", "alert0000000002")
	a3 := apptest.Find(t, app, "alerts", "alert0000000003")
	f := apptest.Find(t, app, "facilities", a1.GetString("facility"))
	if f.GetString("name") != "Adelanto ICE Processing Center" || a2.GetString("facility") != f.Id || a3.GetString("facility") != "" {
		t.Errorf("facilities: %q %q %q", f.GetString("name"), a2.GetString("facility"), a3.GetString("facility"))
	}
	if a1.GetString("assigned_to") != adviser.Id || a2.GetString("assigned_to") != adviser.Id || a3.GetString("assigned_to") != "" {
		t.Errorf("assigned: %q %q %q", a1.GetString("assigned_to"), a2.GetString("assigned_to"), a3.GetString("assigned_to"))
	}
	kept := apptest.Events(t, app, a3.Id, vocab.EventChanged)
	if len(kept) != 1 || !kept[0].GetBool("staff_only") || kept[0].GetString("data") != `{"field":"assigned_to","from":"Lic. Pérez","to":""}` {
		t.Errorf("the unknown assignment is not on the timeline: %v", kept)
	}
	note, err := app.FindFirstRecordByData("case_notes", "alert", a1.Id)
	if err != nil {
		t.Fatal(err)
	}
	if body, err := s.Open(note.Id, "body", note.GetString("body")); err != nil || body != "Llamó la esposa." {
		t.Errorf("note body %q, %v; want it sealed for the note", note.GetString("body"), err)
	}
	added := apptest.Events(t, app, a1.Id, vocab.EventNoteAdded)
	if len(added) != 1 || added[0].GetString("data") != `{"note":"`+note.Id+`"}` {
		t.Errorf("note.added events: %v", added)
	}
	alerts, _ := app.FindCollectionByNameOrId("alerts")
	if alerts.Fields.GetByName("internal_notes") != nil {
		t.Error("alerts.internal_notes is still there")
	}
	for name, to := range map[string]string{"facility": "facilities", "assigned_to": core.CollectionNameSuperusers} {
		rel, _ := alerts.Fields.GetByName(name).(*core.RelationField)
		if c, _ := app.FindCollectionByNameOrId(to); rel == nil || rel.CollectionId != c.Id || !rel.Hidden {
			t.Errorf("alerts.%s is not a hidden relation to %s: %v", name, to, rel)
		}
	}

	// And back: the notes return to internal_notes, the names to facility.
	if err := step.Down(app); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Facility string `db:"facility"`
		Assigned string `db:"assigned_to"`
		Notes    string `db:"internal_notes"`
	}
	if err := app.DB().NewQuery("SELECT facility, assigned_to, internal_notes FROM alerts WHERE id = 'alert0000000001'").One(&back); err != nil {
		t.Fatal(err)
	}
	if plain, _ := s.Open("alert0000000001", "internal_notes", back.Notes); back.Facility != "Adelanto ICE Processing Center" || back.Assigned != adviser.Id || plain != "Llamó la esposa." {
		t.Errorf("down: %+v (%q)", back, plain)
	}
}

// Every field an adviser sees in the admin UI, in the collections they work in, explains
// itself in Spanish.
func TestEveryCaseFieldHasSpanishHelp(t *testing.T) {
	t.Parallel()
	app := apptest.NewBare(t)
	system := map[string]bool{"id": true, "password": true, "tokenKey": true, "emailVisibility": true, "verified": true}
	staffFields := map[string]bool{"role": true, "on_duty": true, "name": true, "phone": true}
	for _, name := range []string{"alerts", "registrants", "contacts", "alert_events", "case_notes", "facilities", core.CollectionNameSuperusers} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range c.Fields {
			if system[f.GetName()] || name == core.CollectionNameSuperusers && !staffFields[f.GetName()] {
				continue
			}
			raw, _ := json.Marshal(f)
			var h struct{ Help *string }
			json.Unmarshal(raw, &h)
			if h.Help != nil && *h.Help == "" {
				t.Errorf("%s.%s has no help text", name, f.GetName())
			}
		}
	}
}
