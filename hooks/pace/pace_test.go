package pace_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
)

// A request inside a transaction (a batch) is not held: SQLite's one writer would wait too.
func TestNothingIsHeldInsideATransaction(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	slept := time.Duration(0)
	p := apptest.Appliance(app).Pace
	p.Set(time.Second, time.Now, func(d time.Duration) { slept += d })
	for _, inTx := range []bool{false, true} {
		slept = 0
		run := func(a core.App) error {
			e := &core.RequestEvent{App: a}
			e.Response = httptest.NewRecorder()
			wait := p.Hold(e)
			e.NoContent(204)
			wait()
			return nil
		}
		if inTx {
			app.RunInTransaction(run)
		} else {
			run(app)
		}
		if held := slept > 0; held == inTx {
			t.Errorf("in a transaction %v: held %v", inTx, slept)
		}
	}
}
