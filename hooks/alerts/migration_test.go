package alerts_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
)

// The migration that hides the case fields and adds staff-only events goes down and up (from
// the state it left, before the registrant lost records API access to alerts).
func TestAlertsMigrationRoundTrip(t *testing.T) {
	t.Parallel()
	app := apptest.NewBare(t)
	later := apptest.Migration(t, "1764001100_registrant_view.go")
	if err := later.Down(app); err != nil {
		t.Fatal(err)
	}
	found := apptest.Migration(t, "1764000100_alerts.go")
	check := func(up bool) {
		t.Helper()
		alerts, _ := app.FindCollectionByNameOrId("alerts")
		for _, f := range []string{"status", "updated", "duress", "assigned_to", "facility"} {
			if alerts.Fields.GetByName(f).GetHidden() != up {
				t.Errorf("up=%v: alerts.%s hidden = %v", up, f, !up)
			}
		}
		events, _ := app.FindCollectionByNameOrId("alert_events")
		if (events.Fields.GetByName("staff_only") != nil) != up || strings.Contains(*events.ListRule, "staff_only") != up ||
			strings.Contains(*events.ViewRule, "staff_only") != up {
			t.Errorf("up=%v: alert_events list rule %q", up, *events.ListRule)
		}
	}
	roundTrip(t, app, found, check)
}

// The migration that closes alerts, their timeline and a check-in's alert to the registrant
// goes down and up.
func TestRegistrantViewMigrationRoundTrip(t *testing.T) {
	t.Parallel()
	app := apptest.NewBare(t)
	found := apptest.Migration(t, "1764001100_registrant_view.go")
	check := func(up bool) {
		t.Helper()
		for _, name := range []string{"alerts", "alert_events"} {
			c, _ := app.FindCollectionByNameOrId(name)
			if (c.ListRule == nil) != up || (c.ViewRule == nil) != up {
				t.Errorf("up=%v: %s rules list %v view %v, want superusers only when up", up, name, c.ListRule, c.ViewRule)
			}
		}
		checkins, _ := app.FindCollectionByNameOrId("checkins")
		if checkins.Fields.GetByName("alert").GetHidden() != up {
			t.Errorf("up=%v: checkins.alert hidden = %v", up, !up)
		}
	}
	roundTrip(t, app, found, check)
}

// roundTrip checks m's state up, then down, then up again.
func roundTrip(t *testing.T, app core.App, m *core.Migration, check func(up bool)) {
	t.Helper()
	check(true)
	if err := m.Down(app); err != nil {
		t.Fatal(err)
	}
	check(false)
	if err := m.Up(app); err != nil {
		t.Fatal(err)
	}
	check(true)
}
