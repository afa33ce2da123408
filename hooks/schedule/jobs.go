package schedule

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/checkins"
	"alertbutton/hooks/records"
)

// Job names, as the jobs collection shows them.
const (
	JobFireCheckins       = "checkins_fire"
	JobEscalateAlerts     = "alerts_escalate"
	JobRetention          = "alerts_retention"
	JobPruneSubscriptions = "subscriptions_prune"
	JobAnchorAudit        = "audit_anchor"
)

// Job is one timed task. Schedule is a cron spec with seconds, in the consulate's time zone.
type Job struct {
	Name     string
	Schedule string
	Run      func(now time.Time) (int, error)
}

// Jobs are the scheduler's jobs. Check-ins fire within 10 seconds of their time, so within
// the 30 promised; escalation runs between them; the nightly jobs run when offices are shut.
func (s *Scheduler) Jobs() []Job {
	return append(s.own(), s.extra...)
}

func (s *Scheduler) own() []Job {
	return []Job{
		{JobFireCheckins, "*/10 * * * * *", func(now time.Time) (int, error) {
			return checkins.FireDue(s.app, s.cfg, s.dir, s.guard, now)
		}},
		{JobEscalateAlerts, "5/10 * * * * *", func(now time.Time) (int, error) {
			return Escalate(s.app, s.cfg, now)
		}},
		{JobRetention, "0 30 3 * * *", func(now time.Time) (int, error) {
			return ApplyRetention(s.app, now, s.Settings.Retention)
		}},
		{JobPruneSubscriptions, "0 45 3 * * *", func(now time.Time) (int, error) {
			return PruneSubscriptions(s.app, now, s.Settings.PruneFailures, s.Settings.PruneIdle)
		}},
		{JobAnchorAudit, "0 55 23 * * *", func(now time.Time) (int, error) {
			return AnchorAudit(s.app, s.cfg, s.Out, now)
		}},
	}
}

// Register adds another package's job (the federation's, which this package cannot import)
// to s: it runs and is recorded like the others. Register before serve.
func (s *Scheduler) Register(j Job) {
	s.extra = append(s.extra, j)
}

// RunJob runs the named job now, as the cron would, and records the run.
func (s *Scheduler) RunJob(name string) (int, error) {
	for _, j := range s.Jobs() {
		if j.Name == name {
			return s.run(j)
		}
	}
	return 0, fmt.Errorf("schedule: no job %q", name)
}

// run runs j with the clock's now and records how it went, even when it panics (cron.Recover
// then logs the panic).
func (s *Scheduler) run(j Job) (n int, err error) {
	now := s.Clock()
	start := time.Now()
	defer func() {
		r := recover()
		if r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
		s.record(j, now, time.Since(start), n, err)
		if r != nil {
			panic(r)
		}
	}()
	return j.Run(now)
}

// record writes a run to the job's row for IT.
func (s *Scheduler) record(j Job, now time.Time, took time.Duration, n int, runErr error) {
	if runErr != nil {
		s.app.Logger().Error("schedule: job failed", "job", j.Name, "error", runErr)
	}
	row, err := s.row(j)
	if err != nil {
		s.app.Logger().Error("schedule: job status not recorded", "job", j.Name, "error", err)
		return
	}
	row.Set("last_run", now.UTC())
	row.Set("last_duration_ms", took.Milliseconds())
	row.Set("last_count", n)
	row.Set("last_error", errorText(runErr))
	row.Set("next_run", s.next(j.Name))
	if err := records.Save(s.app, row); err != nil {
		s.app.Logger().Error("schedule: job status not recorded", "job", j.Name, "error", err)
	}
}

// row returns the job's row in the jobs collection, new if missing, with its schedule.
func (s *Scheduler) row(j Job) (*core.Record, error) {
	row, err := s.app.FindFirstRecordByData("jobs", "name", j.Name)
	if err != nil {
		c, cerr := s.app.FindCachedCollectionByNameOrId("jobs")
		if cerr != nil {
			return nil, cerr
		}
		row = core.NewRecord(c)
		row.Set("name", j.Name)
	}
	row.Set("schedule", j.Schedule)
	row.Set("timezone", s.loc.String())
	return row, nil
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	msg := []rune(err.Error())
	if len(msg) > 1000 {
		msg = append(msg[:999], '…')
	}
	return string(msg)
}
