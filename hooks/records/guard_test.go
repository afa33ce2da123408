package records_test

import (
	"errors"
	"testing"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/records"
)

// TestServeRefusesValidateHooksSaveWouldSkip binds a validate hook after the appliance's
// and serves: serving is refused when Save would skip the hook.
func TestServeRefusesValidateHooksSaveWouldSkip(t *testing.T) {
	t.Parallel()
	pass := func(e *core.RecordEvent) error { return e.Next() }
	for _, c := range []struct {
		name    string
		bind    func(app core.App)
		refused bool
	}{
		{"none", func(core.App) {}, false},
		{"through OnValidate, for a collection PocketBase validates", func(app core.App) { records.OnValidate(app, "registrants", pass) }, false},
		{"through OnValidate, for a collection Save validates", func(app core.App) { records.OnValidate(app, "alert_events", pass) }, true},
		{"for a collection Save validates", func(app core.App) { app.OnRecordValidate("alert_events").BindFunc(pass) }, true},
		{"for a collection PocketBase validates, not through OnValidate", func(app core.App) { app.OnRecordValidate("registrants").BindFunc(pass) }, true},
		{"for every record", func(app core.App) { app.OnRecordValidate().BindFunc(pass) }, true},
		{"for a model", func(app core.App) {
			app.OnModelValidate("outbox").BindFunc(func(e *core.ModelEvent) error { return e.Next() })
		}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			app, _ := apptest.New(t, "fresno")
			c.bind(app)
			_, err := apptest.ServeAs(app, nil)
			if refused := err != nil; refused != c.refused {
				t.Fatalf("serve: %v, want refused %v", err, c.refused)
			}
		})
	}
}

// TestSaveRunsValidateHooks: a record of a collection with a validate hook (IT's
// jurisdictions) is saved by PocketBase, its hook run.
func TestSaveRunsValidateHooks(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "fresno")
	row, err := app.FindFirstRecordByData("jurisdictions", "consulate", "fresno")
	if err != nil {
		t.Fatal(err)
	}
	row.Set("consulate", "atlantis")
	err = records.Save(app, row)
	var invalid validation.Errors
	if !errors.As(err, &invalid) || invalid["consulate"] == nil {
		t.Fatalf("an unknown consulate saved: %v", err)
	}
}
