package migrations_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"alertbutton/hooks/apptest"
)

// The hot lookups must search an index, not scan the table: with a consulate's worth of
// rows a scan inside the write transaction stalls every alert (BENCHMARKS.md).
func TestLookupsUseIndexes(t *testing.T) {
	app := apptest.NewBare(t)
	cases := []struct{ query, index string }{
		{"SELECT * FROM push_subscriptions WHERE registrant = {:v}", "idx_push_registrant"},
		{"SELECT * FROM push_subscriptions WHERE contact = {:v}", "idx_push_contact"},
		// notify.StaffDevices, once it has the staff's ids.
		{"SELECT * FROM push_subscriptions WHERE staff IN ({:v}, 'other') ORDER BY created ASC", "idx_push_staff"},
		// federation: a late row's alert, counted when another is delivered.
		{"SELECT count(*) FROM outbox WHERE channel = 'federation' AND state = 'pending' AND alert = {:v} AND relay_level > 0", "idx_outbox_alert"},
	}
	for _, c := range cases {
		var plan []struct {
			ID      int    `db:"id"`
			Parent  int    `db:"parent"`
			NotUsed int    `db:"notused"`
			Detail  string `db:"detail"`
		}
		if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + c.query).Bind(dbx.Params{"v": "x"}).All(&plan); err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		var steps []string
		for _, p := range plan {
			steps = append(steps, p.Detail)
		}
		got := strings.Join(steps, "; ")
		if !strings.Contains(got, "USING INDEX "+c.index) || strings.Contains(got, "SCAN push_subscriptions") || strings.Contains(got, "SCAN outbox") {
			t.Errorf("%s\nplan: %s\nwant a search using %s", c.query, got, c.index)
		}
	}
}
