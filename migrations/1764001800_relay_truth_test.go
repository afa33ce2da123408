package migrations_test

import (
	"slices"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
)

// The relay's states beyond late ones are added, and taken away again by Down, which
// forgets them on the alerts that held one.
func TestRelayTruthMigration(t *testing.T) {
	app := apptest.NewBare(t)
	step := apptest.Migration(t, "1764001800_relay_truth.go")
	values := func() []string {
		c, err := app.FindCollectionByNameOrId("alerts")
		if err != nil {
			t.Fatal(err)
		}
		return c.Fields.GetByName("relay_status").(*core.SelectField).Values
	}
	if got := values(); !slices.Equal(got, []string{"delayed", "escalated", "delivered", "untrusted", "sending"}) {
		t.Fatalf("after the migrations: %q", got)
	}
	const id = "alertuntrusted1"
	if _, err := app.DB().Insert("alerts", dbx.Params{"id": id, "uid": "u1", "relay_status": vocab.RelayUntrusted}).Execute(); err != nil {
		t.Fatal(err)
	}
	if err := step.Down(app); err != nil {
		t.Fatal(err)
	}
	if got := values(); !slices.Equal(got, []string{"delayed", "escalated"}) {
		t.Fatalf("after Down: %q", got)
	}
	if a, _ := app.FindRecordById("alerts", id); a.GetString("relay_status") != "" {
		t.Fatalf("Down kept relay_status %q", a.GetString("relay_status"))
	}
	if err := step.Up(app); err != nil {
		t.Fatal(err)
	}
	if got := values(); !slices.Equal(got, vocab.RelayStatuses) {
		t.Fatalf("after Up: %q", got)
	}
}
