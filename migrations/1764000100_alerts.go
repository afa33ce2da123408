package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(sealAlertCaseFields, unsealAlertCaseFields)
}

// alertCaseFields are what the advisers' work changes on an alert. Hidden, a registrant can
// neither read nor filter or sort on them (not even through a relation), so that an alert
// kept open after the duress PIN cannot be told from a cancelled one; the alerts hooks show
// the owner status and dates as the owner may see them.
var alertCaseFields = []string{
	"status", "acknowledged_at", "closed_at", "updated",
	"duress", "assigned_to", "facility", "a_number", "internal_notes", "escalation_level",
}

const (
	alertEventsOwnRule   = "alert.registrant = @request.auth.id"
	alertEventsShownRule = alertEventsOwnRule + " && staff_only = false"
)

func sealAlertCaseFields(app core.App) error {
	return setAlertVisibility(app, true)
}

func unsealAlertCaseFields(app core.App) error {
	return setAlertVisibility(app, false)
}

// setAlertVisibility hides the case fields and adds the staff-only timeline events (up), or
// undoes both (down).
func setAlertVisibility(app core.App, up bool) error {
	alerts, err := find(app, "alerts")
	if err != nil {
		return err
	}
	for _, name := range alertCaseFields {
		if f := alerts.Fields.GetByName(name); f != nil {
			f.SetHidden(up)
		}
	}
	if err := app.Save(alerts); err != nil {
		return err
	}
	events, err := find(app, "alert_events")
	if err != nil {
		return err
	}
	expr := alertEventsOwnRule
	if up {
		events.Fields.Add(&core.BoolField{Name: "staff_only"})
		expr = alertEventsShownRule
	}
	events.ListRule, events.ViewRule = rule(expr), rule(expr)
	if !up {
		events.Fields.RemoveByName("staff_only")
	}
	return app.Save(events)
}
