package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(addRosterHighWater, dropRosterHighWater)
}

// RosterHighWaterTable holds the highest roster version this appliance ever imported, apart
// from the federation_rosters rows: it is no collection, so no API reaches it, and a roster
// row removed does not let an older roster import again.
const RosterHighWaterTable = "_federation_roster_high_water"

func addRosterHighWater(app core.App) error {
	_, err := app.DB().NewQuery(`CREATE TABLE {{` + RosterHighWaterTable + `}} (
		[[id]] INTEGER PRIMARY KEY CHECK ([[id]] = 1),
		[[version]] INTEGER NOT NULL
	)`).Execute()
	if err != nil {
		return err
	}
	_, err = app.DB().NewQuery(`INSERT INTO {{` + RosterHighWaterTable + `}} ([[id]], [[version]])
		SELECT 1, coalesce(max([[version]]), 0) FROM {{federation_rosters}}`).Execute()
	return err
}

func dropRosterHighWater(app core.App) error {
	_, err := app.DB().NewQuery(`DROP TABLE IF EXISTS {{` + RosterHighWaterTable + `}}`).Execute()
	return err
}
