package migrations_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
)

// An appliance that imported rosters before the high-water mark existed starts it at the
// newest roster it holds, down and up again.
func TestRosterHighWaterStartsAtTheNewestRoster(t *testing.T) {
	app := apptest.NewBare(t)
	mig := apptest.Migration(t, "1764001300_roster_high_water.go")
	if err := mig.Down(app); err != nil {
		t.Fatal(err)
	}
	c, _ := app.FindCollectionByNameOrId("federation_rosters")
	for _, v := range []int{3, 7} {
		r := core.NewRecord(c)
		r.Set("version", v)
		r.Set("roster", "{}")
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := mig.Up(app); err != nil {
		t.Fatal(err)
	}
	var v int64
	if err := app.DB().Select("version").From(vocab.RosterHighWaterTable).Row(&v); err != nil || v != 7 {
		t.Fatalf("high-water mark %d (%v), want 7", v, err)
	}
}
