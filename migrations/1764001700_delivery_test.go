package migrations_test

import (
	"testing"

	"github.com/pocketbase/dbx"

	"alertbutton/hooks/apptest"
)

// Rows queued before delivery states existed get the state their dispatcher outcome meant
// and the recipient their target names.
func TestDeliveryBackfill(t *testing.T) {
	app := apptest.NewBare(t)
	step := apptest.Migration(t, "1764001700_delivery.go")
	if err := step.Down(app); err != nil {
		t.Fatal(err)
	}
	reg := apptest.Registrant(t, app, "+13105550191", nil)
	sub := apptest.Subscription(t, app, "registrant", reg.Id, "es")
	rows := []dbx.Params{
		{"id": "rowpush00000001", "channel": "push", "target": sub.Id, "state": "sent", "sent_at": "2026-01-02 03:04:05.000Z"},
		{"id": "rowemail0000001", "channel": "email", "target": "contact00000001", "state": "pending"},
		{"id": "rowfed000000001", "channel": "federation", "target": "fresno", "state": "dead"},
	}
	for _, r := range rows {
		r["payload"], r["attempts"] = "{}", 0
		if _, err := app.DB().Insert("outbox", r).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if err := step.Up(app); err != nil {
		t.Fatal(err)
	}
	want := map[string][4]string{
		"rowpush00000001": {"delivered", "2026-01-02 03:04:05.000Z", "registrant", reg.Id},
		"rowemail0000001": {"queued", "", "contact", "contact00000001"},
		"rowfed000000001": {"failed", "", "peer", "fresno"},
	}
	for id, w := range want {
		row, err := app.FindRecordById("outbox", id)
		if err != nil {
			t.Fatal(err)
		}
		got := [4]string{row.GetString("delivery"), row.GetString("delivered_at"), row.GetString("recipient_kind"), row.GetString("recipient")}
		if got != w {
			t.Errorf("%s: got %q, want %q", id, got, w)
		}
	}
}
