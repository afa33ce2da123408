package alerts

import (
	"encoding/json"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/directory"
)

// A Draft is an alert to create, as its source knows it. Every alert is created by Raise from
// one; the sources (the button, a relative's report, a missed check-in, staff through the
// records API, a peer consulate's copy) differ only in what they fill.
type Draft struct {
	UID, Kind, Source, Actor string
	Registrant               *core.Record // nil for walk-ins and peers' copies
	Lat, Lon, Accuracy       *float64
	ZIP, Note, Place         string
	SubjectName              string
	Contact                  *core.Record // the relative who reported it, if any

	// Record is the alert as its source filled it (the records API's request); nil builds
	// it from the fields above.
	Record *core.Record
	// Copy is what a peer consulate's copy brings; nil for an alert raised here.
	Copy *Copy
	// Save stores the record in the write transaction; nil stores it as checked at the door
	// (see raise).
	Save func(tx core.App, alert *core.Record) error
	// FreshUID refuses a uid already stored (the unique index decides) instead of answering
	// with that alert as a retry of the same press.
	FreshUID bool
}

// Copy is what a peer consulate's copy of an alert brings: where it was raised and where it
// goes, decided there, the person's details it sealed for this consulate, and how this
// consulate's timeline and staff hear of it.
type Copy struct {
	Origin, Home               string
	Target, Basis, CountyGeoid string
	Phone, BirthDate, Language string
	Facility                   string // its name, as the peer lists it
	Duress                     bool
	Event                      string         // the first timeline event: created, or transferred
	EventData                  map[string]any // added to the event's data
	Tell                       func(tx core.App, alert *core.Record) error
}

// record returns the alert the draft describes, unsaved.
func (d *Draft) record(app core.App) (*core.Record, error) {
	if d.Record != nil {
		return d.Record, nil
	}
	c, err := app.FindCachedCollectionByNameOrId("alerts")
	if err != nil {
		return nil, err
	}
	a := core.NewRecord(c)
	a.Set("uid", d.UID)
	if d.Registrant != nil {
		a.Set("registrant", d.Registrant.Id)
	}
	a.Set("source", d.Source)
	a.Set("kind", d.Kind)
	a.Set("zip", d.ZIP)
	a.Set("note", d.Note)
	a.Set("subject_name", d.SubjectName)
	a.Set("location", locationText(*d))
	if cp := d.Copy; cp != nil {
		a.Set("subject_phone", cp.Phone)
		a.Set("subject_birth_date", cp.BirthDate)
		a.Set("subject_language", cp.Language)
		facility, err := FacilityID(app, cp.Facility)
		if err != nil {
			return nil, err
		}
		a.Set("facility", facility)
	}
	return a, nil
}

// locationText is what the sealed location field holds: the point as a small JSON object,
// or the place as someone described it.
func locationText(d Draft) string {
	if d.Lat == nil || d.Lon == nil {
		return strings.TrimSpace(d.Place)
	}
	p := map[string]float64{"lat": *d.Lat, "lon": *d.Lon}
	if d.Accuracy != nil {
		p["accuracy"] = *d.Accuracy
	}
	raw, _ := json.Marshal(p) // a map of finite floats always encodes
	return string(raw)
}

// prepare fills what the server decides: ids, status, the consulates and the route.
func prepare(app core.App, cfg *appliance.Config, dir *directory.Table, a *core.Record, d Draft) error {
	if a.Id == "" {
		// Sealing binds each value to the record id, so the id exists before the first write.
		a.Id = core.GenerateDefaultRandomId()
	}
	if a.GetString("uid") == "" {
		uid, err := NewUID()
		if err != nil {
			return err
		}
		a.Set("uid", uid)
	}
	if a.GetString("status") == "" {
		a.Set("status", StatusNew)
	}
	if cp := d.Copy; cp != nil {
		a.Set("duress", cp.Duress)
		a.Set("origin_consulate", cp.Origin)
		a.Set("home_consulate", cp.Home)
		a.Set("target_consulate", cp.Target)
		a.Set("route_basis", cp.Basis)
		a.Set("county_geoid", cp.CountyGeoid)
		return nil
	}
	a.Set("duress", false)
	a.Set("origin_consulate", cfg.Consulate.Code)
	home := cfg.Consulate.Code
	if d.Registrant != nil && d.Registrant.GetString("home_consulate") != "" {
		home = d.Registrant.GetString("home_consulate")
	}
	a.Set("home_consulate", home)
	if a.GetString("target_consulate") != "" {
		if a.GetString("route_basis") == "" {
			a.Set("route_basis", BasisStaff)
		}
		a.Set("relay_status", relayAtRaise(app, cfg, a))
		return nil
	}
	r := place(app, dir, d, home)
	a.Set("target_consulate", r.consulate)
	a.Set("route_basis", r.basis)
	a.Set("county_geoid", r.geoid)
	if a.GetString("zip") == "" && r.basis == BasisRegistrantZIP {
		a.Set("zip", r.zip)
	}
	a.Set("relay_status", relayAtRaise(app, cfg, a))
	return nil
}
