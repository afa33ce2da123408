package migrations_test

import (
	"testing"

	"github.com/pocketbase/dbx"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/apptest"
)

// An install seeded with San Francisco offshore gets the office point and the three Bay
// Area rows the nearest rule moves, except a row IT edited; Down puts them back.
func TestBayAreaMigration(t *testing.T) {
	app := apptest.NewBare(t)
	step := apptest.Migration(t, "1764002100_bay_area.go")
	consulateOf := func(geoid string) string {
		var c string
		if err := app.DB().NewQuery("SELECT consulate FROM jurisdictions WHERE county_geoid = {:g}").Bind(dbx.Params{"g": geoid}).Row(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	sfLon := func() float64 {
		var lon float64
		if err := app.DB().NewQuery("SELECT lon FROM consulates WHERE code = 'san-francisco'").Row(&lon); err != nil {
			t.Fatal(err)
		}
		return lon
	}
	table := map[string]string{}
	for _, a := range jurisdiction.Table() {
		table[a.County.Geoid] = a.Consulate
	}
	for _, g := range []string{"06013", "06081", "06045", "06001", "06041"} {
		if got := consulateOf(g); got != table[g] {
			t.Errorf("fresh install: %s serves %s, the table says %s", g, got, table[g])
		}
	}
	if err := step.Down(app); err != nil {
		t.Fatal(err)
	}
	if consulateOf("06013") != "san-jose" || consulateOf("06081") != "san-jose" || consulateOf("06045") != "san-francisco" || sfLon() != -123.032229 {
		t.Fatalf("Down did not restore the offshore seed")
	}
	// IT had set San Mateo by hand: the migration leaves it.
	if _, err := app.DB().NewQuery("UPDATE jurisdictions SET consulate = 'san-jose', updated = '2026-01-02 00:00:00.000Z' WHERE county_geoid = '06081'").Execute(); err != nil {
		t.Fatal(err)
	}
	if err := step.Up(app); err != nil {
		t.Fatal(err)
	}
	if consulateOf("06013") != "san-francisco" || consulateOf("06045") != "sacramento" || sfLon() != -122.393067 {
		t.Errorf("Up: Contra Costa %s, Mendocino %s, San Francisco at lon %v", consulateOf("06013"), consulateOf("06045"), sfLon())
	}
	if got := consulateOf("06081"); got != "san-jose" {
		t.Errorf("Up changed a row IT edited: San Mateo %s", got)
	}
}
