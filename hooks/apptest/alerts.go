package apptest

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/directory"
)

// Directory returns the table that routes the alerts of an app made by New, or nil (a table
// that keeps nothing in memory) for another.
func Directory(app core.App) *directory.Table {
	if a := Appliance(app); a != nil {
		return a.Directory
	}
	return nil
}

// Raise raises the registrant r's button alert of a detention at the point, with note, as
// the phone does.
func Raise(t testing.TB, app core.App, cfg *appliance.Config, r *core.Record, lat, lon float64, note string) *core.Record {
	t.Helper()
	a, created, err := alerts.Raise(app, cfg, Directory(app), alerts.Draft{
		Kind: "detained", Source: alerts.SourceButton, Actor: "registrant:" + r.Id,
		Registrant: r, Lat: &lat, Lon: &lon, Note: note,
	})
	if err != nil || !created {
		t.Fatalf("raise: %v %v", created, err)
	}
	return a
}

// Events are an alert's timeline events of type typ (every type when empty), oldest first.
func Events(t testing.TB, app core.App, alertID, typ string) []*core.Record {
	t.Helper()
	filter := "alert = {:id}"
	if typ != "" {
		filter += " && type = {:type}"
	}
	evs, err := app.FindRecordsByFilter("alert_events", filter, "created", 0, 0, dbx.Params{"id": alertID, "type": typ})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}
