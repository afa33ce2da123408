package ready_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/replication"
)

type answer struct {
	Ready  bool     `json:"ready"`
	Failed []string `json:"failed"`
	Checks []struct {
		Name    string `json:"name"`
		OK      bool   `json:"ok"`
		Problem string `json:"problem"`
		ES      string `json:"problemEs"`
	} `json:"checks"`
}

// GET /api/alertbutton/ready answers 200 while the appliance can take alerts, and 503
// naming the check that failed when the database cannot be written, the disk is under the
// floor or the replication stalled; each recovers.
func TestReadyFlipsOnEachFailingCheck(t *testing.T) {
	app, cfg := apptest.New(t, "los-angeles")
	if cfg.Ops.DiskFloor != 512<<20 {
		t.Fatalf("default disk floor %d, want 512 MB", cfg.Ops.DiskFloor)
	}
	r := apptest.Appliance(app).Ready
	free := uint64(10 << 30)
	r.Free = func(string) (uint64, error) { return free, nil }
	h := apptest.Handler(t, app)
	t.Cleanup(func() { replication.Report(nil) })

	ask := func(wantCode int, wantFailed ...string) answer {
		t.Helper()
		code, body := apptest.Call(t, h, "GET", "/api/alertbutton/ready", "", "")
		var a answer
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatalf("not JSON: %s", body)
		}
		if code != wantCode || a.Ready != (wantCode == 200) || !slices.Equal(a.Failed, wantFailed) {
			t.Fatalf("ready: %d %s, want %d failing %v", code, body, wantCode, wantFailed)
		}
		for _, c := range a.Checks {
			if !c.OK && (c.Problem == "" || c.ES == "") {
				t.Fatalf("check %s failed without saying what to do in both languages: %s", c.Name, body)
			}
		}
		return a
	}
	ask(200)

	// The disk falls under the floor.
	free = 100 << 20
	ask(503, "disk")
	free = 10 << 30
	ask(200)

	// The database cannot be written: its one writing connection is made read-only.
	if _, err := app.NonconcurrentDB().NewQuery("PRAGMA query_only = ON").Execute(); err != nil {
		t.Fatal(err)
	}
	ask(503, "database")
	if _, err := app.NonconcurrentDB().NewQuery("PRAGMA query_only = OFF").Execute(); err != nil {
		t.Fatal(err)
	}
	ask(200)

	// The replication stalls; replicating and keeping up is ready.
	replication.Report(func() replication.Status { return replication.Status{On: true, Lag: 90 * time.Second, Stalled: true} })
	ask(503, "replication")
	replication.Report(func() replication.Status { return replication.Status{On: true, Lag: time.Second} })
	ask(200)

	// The probe leaves nothing behind.
	var n int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM _alertbutton_ready").Row(&n); err != nil || n != 0 {
		t.Fatalf("probe rows left: %d %v", n, err)
	}
}
