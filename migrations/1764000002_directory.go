package migrations

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"alertbutton/federation/jurisdiction"
)

func init() {
	m.Register(seedDirectory, clearDirectory)
}

// seedDirectory fills consulates and jurisdictions from the data embedded in the binary.
// Rows are inserted directly (no per-record hooks) so that a fresh start stays fast;
// IT corrects rows afterwards through the admin UI, which does run the hooks.
func seedDirectory(app core.App) error {
	now := nowUTC()
	for _, c := range jurisdiction.Consulates() {
		_, err := app.DB().Insert("consulates", dbx.Params{
			"id": core.GenerateDefaultRandomId(), "code": c.Code, "name": c.Name, "city": c.City,
			"state": c.State, "lat": c.Lat, "lon": c.Lon, "created": now, "updated": now,
		}).Execute()
		if err != nil {
			return err
		}
	}
	for _, a := range jurisdiction.Table() {
		_, err := app.DB().Insert("jurisdictions", dbx.Params{
			"id": core.GenerateDefaultRandomId(), "county_geoid": a.County.Geoid, "state": a.County.State,
			"county_name": a.County.Name, "consulate": a.Consulate, "confidence": a.Confidence,
			"source": a.Source, "effective_from": a.EffectiveFrom, "created": now, "updated": now,
		}).Execute()
		if err != nil {
			return err
		}
	}
	return nil
}

func clearDirectory(app core.App) error {
	for _, table := range []string{"jurisdictions", "consulates"} {
		if _, err := app.DB().Delete(table, nil).Execute(); err != nil {
			return err
		}
	}
	return nil
}
