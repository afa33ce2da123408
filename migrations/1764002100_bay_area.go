package migrations

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(bayAreaUp, bayAreaDown)
}

// San Francisco's consulate was seeded at the city's Census internal point, which lies in
// the Pacific; it now stands at its office ZIP 94105. Measured from there, the nearest rule
// moves three seeded counties. Only rows IT never edited (updated = created) change.
var (
	sfOffshore = dbx.Params{"lat": 37.727239, "lon": -123.032229}
	sfOffice   = dbx.Params{"lat": 37.789649, "lon": -122.393067}
	bayMoves   = []struct{ geoid, was, now string }{
		{"06013", "san-jose", "san-francisco"},   // Contra Costa
		{"06081", "san-jose", "san-francisco"},   // San Mateo
		{"06045", "san-francisco", "sacramento"}, // Mendocino
	}
)

func bayAreaUp(app core.App) error {
	return moveBayArea(app, sfOffshore, sfOffice, false)
}

func bayAreaDown(app core.App) error {
	return moveBayArea(app, sfOffice, sfOffshore, true)
}

func moveBayArea(app core.App, from, to dbx.Params, back bool) error {
	_, err := app.DB().Update("consulates", to, dbx.HashExp{"code": "san-francisco", "lat": from["lat"], "lon": from["lon"]}).Execute()
	if err != nil {
		return err
	}
	for _, mv := range bayMoves {
		was, now := mv.was, mv.now
		if back {
			was, now = now, was
		}
		_, err := app.DB().Update("jurisdictions", dbx.Params{"consulate": now},
			dbx.And(dbx.HashExp{"county_geoid": mv.geoid, "consulate": was}, dbx.NewExp("[[updated]] = [[created]]"))).Execute()
		if err != nil {
			return err
		}
	}
	return nil
}
