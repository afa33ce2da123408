package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"alertbutton/hooks/alerts/vocab"
)

func init() {
	m.Register(addRosterHighWater, dropRosterHighWater)
}

// The roster's high water (vocab.RosterHighWaterTable) is kept apart from the
// federation_rosters rows: it is no collection, so no API reaches it, and a roster row removed
// does not let an older roster import again.
const rosterHighWater = vocab.RosterHighWaterTable

func addRosterHighWater(app core.App) error {
	_, err := app.DB().NewQuery(`CREATE TABLE {{` + rosterHighWater + `}} (
		[[id]] INTEGER PRIMARY KEY CHECK ([[id]] = 1),
		[[version]] INTEGER NOT NULL
	)`).Execute()
	if err != nil {
		return err
	}
	_, err = app.DB().NewQuery(`INSERT INTO {{` + rosterHighWater + `}} ([[id]], [[version]])
		SELECT 1, coalesce(max([[version]]), 0) FROM {{federation_rosters}}`).Execute()
	return err
}

func dropRosterHighWater(app core.App) error {
	_, err := app.DB().NewQuery(`DROP TABLE IF EXISTS {{` + rosterHighWater + `}}`).Execute()
	return err
}
