package main

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(createAlerts, dropAlerts)
}

// createAlerts makes a plain `alerts` collection with fields comparable to the appliance's
// (uid unique, registrant, source, kind, status, point, ZIP, note) and an open create rule.
func createAlerts(app core.App) error {
	c := core.NewBaseCollection("alerts")
	open := ""
	c.CreateRule = &open
	c.Fields.Add(
		&core.TextField{Name: "uid", Required: true, Max: 36},
		&core.TextField{Name: "registrant", Max: 15},
		&core.SelectField{Name: "source", MaxSelect: 1, Values: []string{"button", "family", "staff", "checkin", "walkin", "federation"}},
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"detained", "at_risk", "raid", "checkin_missed", "other"}},
		&core.SelectField{Name: "status", MaxSelect: 1, Values: []string{"new", "acknowledged", "in_progress", "resolved", "false_alarm", "cancelled"}},
		&core.NumberField{Name: "lat", Min: ptr(-90.0), Max: ptr(90.0)},
		&core.NumberField{Name: "lon", Min: ptr(-180.0), Max: ptr(180.0)},
		&core.NumberField{Name: "accuracy", Min: ptr(0.0)},
		&core.TextField{Name: "zip", Pattern: `^[0-9]{5}$`, Max: 5},
		&core.TextField{Name: "note", Max: 1000},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	c.AddIndex("idx_alerts_uid", true, "uid", "")
	c.AddIndex("idx_alerts_registrant", false, "registrant", "")
	return app.Save(c)
}

func dropAlerts(app core.App) error {
	c, err := app.FindCollectionByNameOrId("alerts")
	if err != nil {
		return nil
	}
	return app.Delete(c)
}

func ptr[T any](v T) *T { return &v }
