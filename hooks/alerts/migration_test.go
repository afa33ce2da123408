package alerts_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
)

// The migration that hides the case fields and adds staff-only events goes down and up.
func TestAlertsMigrationRoundTrip(t *testing.T) {
	app := apptest.NewBare(t)
	var found *core.Migration
	for _, m := range core.AppMigrations.Items() {
		if strings.HasSuffix(m.File, "1764000100_alerts.go") {
			found = m
		}
	}
	if found == nil {
		t.Fatal("migration 1764000100_alerts.go is not registered")
	}
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
	check(true)
	if err := found.Down(app); err != nil {
		t.Fatal(err)
	}
	check(false)
	if err := found.Up(app); err != nil {
		t.Fatal(err)
	}
	check(true)
}
