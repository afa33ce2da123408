package schedule_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/checkins"
	"alertbutton/hooks/schedule"
)

// jobNames are the scheduler's jobs, the one the federation registers included.
var jobNames = []string{schedule.JobFireCheckins, schedule.JobEscalateAlerts, schedule.JobRetention, schedule.JobPruneSubscriptions,
	schedule.JobAnchorAudit, federation.JobInboxRetention}

func TestSchedulerFollowsServeAndTerminate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := apptest.Appliance(w.app).Scheduler
	if s.Running() {
		t.Fatal("a scheduler running before serve")
	}
	h := apptest.Handler(t, w.app)
	if !s.Running() {
		t.Fatal("serve did not start the scheduler")
	}
	if s.Location().String() != "America/Los_Angeles" {
		t.Errorf("time zone %s", s.Location())
	}
	for _, name := range jobNames {
		row, err := w.app.FindFirstRecordByData("jobs", "name", name)
		if err != nil {
			t.Fatalf("job %s not shown: %v", name, err)
		}
		next := row.GetDateTime("next_run").Time()
		if row.GetString("timezone") != "America/Los_Angeles" || next.Before(time.Now().Add(-time.Second)) {
			t.Errorf("job %s: %s next %v", name, row.GetString("timezone"), next)
		}
		switch name {
		case schedule.JobFireCheckins:
			if next.After(time.Now().Add(10 * time.Second)) {
				t.Errorf("check-ins fire next at %v: more than 10 s away", next)
			}
		case schedule.JobRetention:
			local := next.In(s.Location())
			if row.GetString("schedule") != "0 30 3 * * *" || local.Hour() != 3 || local.Minute() != 30 {
				t.Errorf("retention runs next at %v local (%s)", local, row.GetString("schedule"))
			}
		}
	}

	// IT reads the jobs; nobody edits them; a registrant does not see them.
	itToken := apptest.Token(t, w.it)
	if status, body := apptest.Call(t, h, http.MethodGet, "/api/collections/jobs/records", itToken, ""); status != http.StatusOK || !strings.Contains(body, schedule.JobFireCheckins) {
		t.Errorf("IT lists jobs: %d %s", status, body)
	}
	row, _ := w.app.FindFirstRecordByData("jobs", "name", schedule.JobRetention)
	if status, _ := apptest.Call(t, h, http.MethodPatch, "/api/collections/jobs/records/"+row.Id, itToken, `{"last_error":"x"}`); status != http.StatusForbidden {
		t.Errorf("IT edits a job: %d, want 403", status)
	}
	if status, _ := apptest.Call(t, h, http.MethodGet, "/api/collections/jobs/records", apptest.Token(t, w.a), ""); status != http.StatusForbidden {
		t.Errorf("a registrant lists jobs: %d, want 403", status)
	}

	if err := w.app.OnTerminate().Trigger(&core.TerminateEvent{App: w.app}); err != nil {
		t.Fatal(err)
	}
	if s.Running() {
		t.Error("terminate did not stop the scheduler")
	}
}

func TestJobRunsAreRecorded(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	now := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Millisecond)
	s := apptest.Appliance(w.app).Scheduler
	s.Clock = func() time.Time { return now }

	good := apptest.Checkin(t, w.app, w.a, now.Add(-time.Hour), "")
	// A timer whose registrant is gone (only raw SQL can make one) fails to fire.
	_, err := w.app.DB().Insert("checkins", dbx.Params{
		"id": "brokencheckin01", "registrant": "nosuchperson001", "due_at": now.Add(-time.Hour).Format("2006-01-02 15:04:05.000Z"), "status": "armed",
	}).Execute()
	if err != nil {
		t.Fatal(err)
	}

	n, err := s.RunJob(schedule.JobFireCheckins)
	if n != 1 || err == nil {
		t.Fatalf("run: %d %v; want the good timer fired and an error for the broken one", n, err)
	}
	if got := apptest.Find(t, w.app, "checkins", good.Id).GetString("status"); got != checkins.StatusFired {
		t.Errorf("good timer %s", got)
	}
	row, err := w.app.FindFirstRecordByData("jobs", "name", schedule.JobFireCheckins)
	if err != nil {
		t.Fatal(err)
	}
	if !row.GetDateTime("last_run").Time().Equal(now) || row.GetInt("last_count") != 1 || row.GetString("last_error") == "" ||
		row.GetString("schedule") != "*/10 * * * * *" || row.GetFloat("last_duration_ms") < 0 {
		t.Errorf("job row %v", row.FieldsData())
	}

	if _, err := w.app.DB().Delete("checkins", dbx.HashExp{"id": "brokencheckin01"}).Execute(); err != nil {
		t.Fatal(err)
	}
	now = now.Add(10 * time.Second)
	if n, err := s.RunJob(schedule.JobFireCheckins); n != 0 || err != nil {
		t.Fatalf("second run: %d %v", n, err)
	}
	row, _ = w.app.FindFirstRecordByData("jobs", "name", schedule.JobFireCheckins)
	if !row.GetDateTime("last_run").Time().Equal(now) || row.GetInt("last_count") != 0 || row.GetString("last_error") != "" {
		t.Errorf("job row after a clean run %v", row.FieldsData())
	}
	if n, _ := w.app.CountRecords("jobs"); n != 1 {
		t.Errorf("%d job rows, want 1", n)
	}
	if _, err := s.RunJob("nope"); err == nil {
		t.Error("an unknown job ran")
	}
}

// Every job is one the scheduler runs by name with the clock's now.
func TestEveryJobRuns(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := apptest.Appliance(w.app).Scheduler
	s.Clock = func() time.Time { return time.Now().Add(400 * day) }
	a := raise(t, w, laLat, laLon)
	for _, name := range jobNames {
		if _, err := s.RunJob(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if got := apptest.Find(t, w.app, "alerts", a.Id).GetInt("escalation_level"); got != 2 {
		t.Errorf("escalation job did not run: level %d", got)
	}
	if _, err := w.app.FindRecordById("push_subscriptions", w.subA.Id); err != nil {
		t.Error("a working subscription was pruned")
	}
	if n, _ := w.app.CountRecords("jobs"); int(n) != len(jobNames) {
		t.Errorf("%d job rows, want %d", n, len(jobNames))
	}
}
