package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"alertbutton/hooks/ready"
)

// The table GET /api/alertbutton/ready writes to, in a transaction it rolls back: a real
// write that keeps nothing. Not a collection: nobody reaches it through the API.
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery("CREATE TABLE IF NOT EXISTS {{" + ready.ProbeTable + "}} ([[id]] INTEGER PRIMARY KEY, [[at]] TEXT NOT NULL)").Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery("DROP TABLE IF EXISTS {{" + ready.ProbeTable + "}}").Execute()
		return err
	})
}
