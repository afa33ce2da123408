package migrations

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	lifecycle "alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/seal"
)

func init() {
	m.Register(addCasework, removeCasework)
}

// The case as advisers work it: the places people are held are a list IT keeps
// (facilities) and an alert points at one; the adviser assigned is a staff account; notes
// are their own add-only, sealed records (case_notes) instead of one overwritable field;
// and the place reads as text (alerts.place, sealed), next to the point kept for the map.

// caseFields are the old row values the schema change carries over.
type caseFields struct {
	ID            string `db:"id"`
	Facility      string `db:"facility"`
	AssignedTo    string `db:"assigned_to"`
	InternalNotes string `db:"internal_notes"`
	Updated       string `db:"updated"`
}

func addCasework(app core.App) error {
	var old []caseFields
	err := app.DB().Select("id", "facility", "assigned_to", "internal_notes", "updated").From("alerts").
		Where(dbx.NewExp("facility != '' OR assigned_to != '' OR internal_notes != ''")).All(&old)
	if err != nil {
		return err
	}
	facilities, err := facilitiesCollection(app)
	if err != nil {
		return err
	}
	alerts, err := find(app, "alerts")
	if err != nil {
		return err
	}
	for _, name := range []string{"facility", "assigned_to", "internal_notes"} {
		alerts.Fields.RemoveByName(name)
	}
	if err := app.Save(alerts); err != nil {
		return err
	}
	su, err := find(app, core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	facility := relation("facility", facilities, false, false)
	assigned := relation("assigned_to", su, false, false)
	place := sealedText("place")
	facility.Hidden, assigned.Hidden = true, true
	alerts.Fields.Add(place, facility, assigned)
	// The point stays for the map and as the record of what the phone sent; people read the
	// place. Hidden, it is no column of the admin UI's list.
	alerts.Fields.GetByName("location").SetHidden(true)
	if err := app.Save(alerts); err != nil {
		return err
	}
	notes, err := caseNotesCollection(app, alerts, su)
	if err != nil {
		return err
	}
	if err := app.Save(notes); err != nil {
		return err
	}
	if err := carryOver(app, old); err != nil {
		return err
	}
	if err := fillPlaces(app); err != nil {
		return err
	}
	return applyHelp(app, caseworkHelp, true)
}

// applyHelp sets (or, !up, clears) the help texts of help's fields.
func applyHelp(app core.App, help map[string]map[string]string, up bool) error {
	for name, fields := range help {
		c, err := find(app, name)
		if err != nil {
			return err
		}
		for field, text := range fields {
			if !up {
				text = ""
			}
			if f := c.Fields.GetByName(field); f != nil {
				setHelp(f, text)
			}
		}
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}

func facilitiesCollection(app core.App) (*core.Collection, error) {
	c := core.NewBaseCollection("facilities") // staff read; IT writes (hooks/staff)
	c.Fields.Add(
		text("name", true, 200),
		choice("kind", false, vocab.FacilityKinds...),
		text("address", false, 300),
		text("phone", false, 40),
		&core.BoolField{Name: "active"},
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_facilities_name", true, "name COLLATE NOCASE", "")
	return c, app.Save(c)
}

// case_notes are add-only: staff create them, nobody changes or deletes them (hooks).
func caseNotesCollection(app core.App, alerts, su *core.Collection) (*core.Collection, error) {
	c := core.NewBaseCollection("case_notes")
	c.Fields.Add(
		relation("alert", alerts, true, false),
		relation("author", su, false, false),
		&core.TextField{Name: "body", Required: true, Max: 8000}, // sealed
		// The peer consulate a note came from (federation); "" for a note written here.
		&core.TextField{Name: "consulate", Pattern: vocab.ConsulateCodePattern, Max: 40},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	c.AddIndex("idx_case_notes_alert", false, "alert, created", "")
	return c, nil
}

// carryOver moves the old values into the new shape: facility names become facilities,
// an assignment naming a staff account (by id or e-mail) points at it and any other is kept
// in a timeline event, and the internal notes become a case note, sealed for it.
func carryOver(app core.App, old []caseFields) error {
	var sealer *seal.Sealer
	for _, a := range old {
		if err := carryFacility(app, a); err != nil {
			return err
		}
		if err := carryAssigned(app, a); err != nil {
			return err
		}
		if a.InternalNotes == "" {
			continue
		}
		if sealer == nil {
			var err error
			if sealer, err = dataSealer(app); err != nil {
				return err
			}
		}
		if err := carryNotes(app, sealer, a); err != nil {
			return err
		}
	}
	return nil
}

// dataSealer is the sealer of app's data, loaded as bootstrap loads it: a migration runs
// without the appliance.
func dataSealer(app core.App) (*seal.Sealer, error) {
	keys, err := seal.LoadKey(app.EncryptionEnv(), app.DataDir(), nil)
	if err != nil {
		return nil, err
	}
	return seal.New(keys...)
}

// fillPlaces writes the place as text of the alerts raised before it existed, from their
// point (or words) and county, sealed for each alert.
func fillPlaces(app core.App) error {
	var rows []struct {
		ID       string `db:"id"`
		Location string `db:"location"`
		Geoid    string `db:"county_geoid"`
		ZIP      string `db:"zip"`
	}
	err := app.DB().Select("id", "location", "county_geoid", "zip").From("alerts").
		Where(dbx.NewExp("location != '' OR zip != ''")).All(&rows)
	if err != nil || len(rows) == 0 {
		return err
	}
	s, err := dataSealer(app)
	if err != nil {
		return err
	}
	for _, r := range rows {
		location, err := s.Open(r.ID, "location", r.Location)
		if errors.Is(err, seal.ErrNotSealed) {
			location, err = r.Location, nil
		}
		if err != nil {
			return err
		}
		place, err := s.Seal(r.ID, "place", lifecycle.PlaceText(location, r.Geoid, r.ZIP))
		if err != nil {
			return err
		}
		if _, err := app.DB().Update("alerts", dbx.Params{"place": place}, dbx.HashExp{"id": r.ID}).Execute(); err != nil {
			return err
		}
	}
	return nil
}

func carryFacility(app core.App, a caseFields) error {
	name := strings.TrimSpace(a.Facility)
	if name == "" {
		return nil
	}
	var id string
	err := app.DB().Select("id").From("facilities").Where(dbx.NewExp("name = {:name} COLLATE NOCASE", dbx.Params{"name": name})).Row(&id)
	if err != nil {
		id = core.GenerateDefaultRandomId()
		now := nowUTC()
		_, err = app.DB().Insert("facilities", dbx.Params{
			"id": id, "name": name, "kind": vocab.FacilityOther, "address": "", "phone": "", "active": true,
			"created": now, "updated": now,
		}).Execute()
		if err != nil {
			return err
		}
	}
	_, err = app.DB().Update("alerts", dbx.Params{"facility": id}, dbx.HashExp{"id": a.ID}).Execute()
	return err
}

func carryAssigned(app core.App, a caseFields) error {
	who := strings.TrimSpace(a.AssignedTo)
	if who == "" {
		return nil
	}
	var id string
	err := app.DB().Select("id").From(core.CollectionNameSuperusers).
		Where(dbx.NewExp("id = {:who} OR email = {:who} COLLATE NOCASE", dbx.Params{"who": who})).Row(&id)
	if err == nil {
		_, err = app.DB().Update("alerts", dbx.Params{"assigned_to": id}, dbx.HashExp{"id": a.ID}).Execute()
		return err
	}
	// Not a staff account: the old text is kept on the timeline, for staff only.
	return insertEvent(app, a.ID, vocab.EventChanged, map[string]any{"field": vocab.FieldAssignedTo, "from": who, "to": ""})
}

func carryNotes(app core.App, s *seal.Sealer, a caseFields) error {
	plain := a.InternalNotes
	if seal.IsSealed(plain) {
		var err error
		if plain, err = s.Open(a.ID, "internal_notes", plain); err != nil {
			return err
		}
	}
	id := core.GenerateDefaultRandomId()
	body, err := s.Seal(id, "body", plain)
	if err != nil {
		return err
	}
	created := a.Updated
	if created == "" {
		created = nowUTC()
	}
	_, err = app.DB().Insert("case_notes", dbx.Params{
		"id": id, "alert": a.ID, "author": "", "body": body, "consulate": "", "created": created,
	}).Execute()
	if err != nil {
		return err
	}
	return insertEvent(app, a.ID, vocab.EventNoteAdded, map[string]any{"note": id})
}

// insertEvent appends a staff-only timeline event by the system.
func insertEvent(app core.App, alertID, typ string, data map[string]any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	now := nowUTC()
	_, err = app.DB().Insert("alert_events", dbx.Params{
		"id": core.GenerateDefaultRandomId(), "alert": alertID, "type": typ, "actor": "system",
		"data": string(raw), "staff_only": true, "created": now, "updated": now,
	}).Execute()
	return err
}

// removeCasework puts the old fields back: facility names, assigned ids, and the notes joined
// into internal_notes, sealed for their alert.
func removeCasework(app core.App) error {
	if err := applyHelp(app, caseworkHelp, false); err != nil {
		return err
	}
	type row struct {
		ID       string `db:"id"`
		Facility string `db:"facility"`
		Assigned string `db:"assigned_to"`
	}
	var rows []row
	err := app.DB().NewQuery(`SELECT a.id, COALESCE(f.name, '') AS facility, a.assigned_to FROM alerts a
		LEFT JOIN facilities f ON f.id = a.facility WHERE a.facility != '' OR a.assigned_to != ''`).All(&rows)
	if err != nil {
		return err
	}
	notes, err := joinedNotes(app)
	if err != nil {
		return err
	}
	if err := dropCollection(app, "case_notes"); err != nil {
		return err
	}
	alerts, err := find(app, "alerts")
	if err != nil {
		return err
	}
	for _, name := range []string{"place", "facility", "assigned_to"} {
		alerts.Fields.RemoveByName(name)
	}
	alerts.Fields.GetByName("location").SetHidden(false)
	if err := app.Save(alerts); err != nil {
		return err
	}
	if err := dropCollection(app, "facilities"); err != nil {
		return err
	}
	internal := sealedText("internal_notes")
	facility, assigned := text("facility", false, 200), text("assigned_to", false, 40)
	internal.Hidden, facility.Hidden, assigned.Hidden = true, true, true
	alerts.Fields.Add(internal, facility, assigned)
	if err := app.Save(alerts); err != nil {
		return err
	}
	for _, r := range rows {
		_, err := app.DB().Update("alerts", dbx.Params{"facility": r.Facility, "assigned_to": r.Assigned}, dbx.HashExp{"id": r.ID}).Execute()
		if err != nil {
			return err
		}
	}
	for id, v := range notes {
		if _, err := app.DB().Update("alerts", dbx.Params{"internal_notes": v}, dbx.HashExp{"id": id}).Execute(); err != nil {
			return err
		}
	}
	return nil
}

func dropCollection(app core.App, name string) error {
	c, err := find(app, name)
	if err != nil {
		return err
	}
	return app.Delete(c)
}

// joinedNotes are each alert's notes, oldest first, joined and sealed as internal_notes.
func joinedNotes(app core.App) (map[string]string, error) {
	var rows []struct {
		ID    string `db:"id"`
		Alert string `db:"alert"`
		Body  string `db:"body"`
	}
	if err := app.DB().Select("id", "alert", "body").From("case_notes").OrderBy("alert", "created", "id").All(&rows); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	keys, err := seal.LoadKey(app.EncryptionEnv(), app.DataDir(), nil)
	if err != nil {
		return nil, err
	}
	s, err := seal.New(keys...)
	if err != nil {
		return nil, err
	}
	plain := map[string]string{}
	for _, r := range rows {
		body, err := s.Open(r.ID, "body", r.Body)
		if err != nil {
			return nil, err
		}
		if plain[r.Alert] != "" {
			plain[r.Alert] += "\n\n"
		}
		plain[r.Alert] += body
	}
	out := map[string]string{}
	for id, v := range plain {
		if out[id], err = s.Seal(id, "internal_notes", v); err != nil {
			return nil, err
		}
	}
	return out, nil
}
