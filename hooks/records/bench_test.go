package records_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/records"
)

// BenchmarkValidate validates a new record of collections on the ingest and relay paths as
// PocketBase does (app.Validate) and as records.Validate does: the reason Save validates
// those itself (BENCHMARKS.md, "Decisions"). Run: go test ./hooks/records/ -run '^$' -bench . -benchmem
func BenchmarkValidate(b *testing.B) {
	app := apptest.NewBare(b)
	alert := benchAlert(b, app)
	for _, name := range []string{"alerts", "alert_events", "outbox", "federation_inbox"} {
		for _, v := range []struct {
			name     string
			validate func(core.App, *core.Record) error
		}{{"pocketbase", func(app core.App, r *core.Record) error { return app.Validate(r) }}, {"records", records.Validate}} {
			b.Run(name+"/"+v.name, func(b *testing.B) {
				for b.Loop() {
					if err := v.validate(app, newRecord(b, app, name, alert)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func benchAlert(b *testing.B, app core.App) *core.Record {
	a := newRecord(b, app, "alerts", nil)
	if err := app.Save(a); err != nil {
		b.Fatal(err)
	}
	return a
}

// newRecord returns a valid new record of the collection, as the ingest and the relay write.
func newRecord(b *testing.B, app core.App, name string, alert *core.Record) *core.Record {
	c, err := app.FindCachedCollectionByNameOrId(name)
	if err != nil {
		b.Fatal(err)
	}
	r := core.NewRecord(c)
	var fields map[string]any
	switch name {
	case "alerts":
		fields = map[string]any{
			"uid": "0190f3c4-8a1b-7c2d-9e3f-0a1b2c3d4e5f", "source": "button", "kind": "detained", "status": "new",
			"origin_consulate": "fresno", "home_consulate": "fresno", "target_consulate": "los-angeles",
			"county_geoid": "06019", "zip": "93721",
		}
	case "alert_events":
		fields = map[string]any{"alert": alert.Id, "type": "created", "actor": "system"}
	case "outbox":
		fields = map[string]any{"channel": "push", "target": "sub1", "state": "pending", "alert": alert.Id}
	case "federation_inbox":
		fields = map[string]any{
			"envelope_id": "e1", "type": "created", "alert": "0190f3c4-8a1b-7c2d-9e3f-0a1b2c3d4e5f",
			"origin": "fresno", "seq": 1, "envelope": "{}", "signature": "s", "receipt": "{}",
		}
	}
	for k, v := range fields {
		r.Set(k, v)
	}
	return r
}
