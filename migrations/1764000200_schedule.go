package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(createJobs, dropJobs)
}

// jobs shows consulate IT what the scheduler does: one row per job, rewritten after every
// run. PocketBase's own cron list (/api/crons) shows only an id and an expression, so the
// last and next run, the duration, what it did and its error live here, in the admin UI.
func createJobs(app core.App) error {
	c := core.NewBaseCollection("jobs") // superusers only; the scheduler writes it
	c.Fields.Add(
		text("name", true, 60),
		text("schedule", true, 100),
		text("timezone", false, 60),
		date("last_run"),
		date("next_run"),
		number("last_duration_ms", 0, 1e12, true),
		number("last_count", 0, 1e12, true),
		text("last_error", false, 1000),
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_jobs_name", true, "name", "")
	return app.Save(c)
}

func dropJobs(app core.App) error {
	c, err := app.FindCollectionByNameOrId("jobs")
	if err != nil {
		return nil
	}
	return app.Delete(c)
}
