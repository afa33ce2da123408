// Package schedule runs the appliance's timed jobs: it fires overdue check-ins, escalates
// alerts nobody acknowledged, applies the retention of closed alerts, prunes dead push
// subscriptions and signs the audit chain's head daily. Jobs only write records and outbox rows; the dispatchers send.
//
// Each job's last run, duration, result and error are in the jobs collection, which the
// admin UI shows to staff. Retention is set through the environment (see EnvClosedDays).
package schedule

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/robfig/cron/v3"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/directory"
	"alertbutton/hooks/limits"
	"alertbutton/hooks/records"
)

// drainTimeout bounds how long shutdown waits for running jobs; each job works in
// transactions, so one cut short leaves nothing half done and runs again on the next start.
const drainTimeout = 10 * time.Second

// Scheduler runs the jobs of one app on a cron with seconds, in the consulate's time zone.
type Scheduler struct {
	// Clock gives the jobs their now: time.Now, unless a test drives it. Set it before Start.
	Clock    func() time.Time
	Settings Settings
	// Out receives the daily signed audit head: standard output, unless a test reads it.
	Out io.Writer

	app   core.App
	cfg   *appliance.Config
	dir   *directory.Table // routes the alerts of fired check-ins
	guard *limits.Guard    // counts fired check-ins as new alerts; nil: not counted
	loc   *time.Location
	extra []Job // other packages' jobs (Register)

	mu      sync.Mutex
	cron    *cron.Cron
	entries map[string]cron.EntryID
}

// New returns a stopped scheduler for app with the default settings; dir routes the alerts
// fired check-ins raise, and guard limits them as it limits the button's.
func New(app core.App, cfg *appliance.Config, dir *directory.Table, guard *limits.Guard) *Scheduler {
	return &Scheduler{
		Clock:    time.Now,
		Out:      os.Stdout,
		Settings: DefaultSettings(),
		app:      app,
		cfg:      cfg,
		dir:      dir,
		guard:    guard,
		loc:      Location(cfg.Consulate),
	}
}

// Start schedules the jobs and shows them in the jobs collection.
func (s *Scheduler) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cron != nil {
		return errors.New("schedule: already started")
	}
	logger := cronLogger{s.app}
	c := cron.New(
		cron.WithSeconds(),
		cron.WithLocation(s.loc),
		cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)),
	)
	entries := map[string]cron.EntryID{}
	for _, j := range s.Jobs() {
		id, err := c.AddFunc(j.Schedule, func() { s.run(j) })
		if err != nil {
			return fmt.Errorf("schedule: job %s: %w", j.Name, err)
		}
		entries[j.Name] = id
		s.show(j, c.Entry(id).Schedule.Next(time.Now().In(s.loc)))
	}
	s.cron, s.entries = c, entries
	c.Start()
	return nil
}

// Stop stops scheduling and waits up to timeout for running jobs to finish.
func (s *Scheduler) Stop(timeout time.Duration) error {
	s.mu.Lock()
	c := s.cron
	s.cron, s.entries = nil, nil
	s.mu.Unlock()
	if c == nil {
		return nil
	}
	select {
	case <-c.Stop().Done():
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("schedule: jobs still running after %s", timeout)
	}
}

// Running tells whether the scheduler is started.
func (s *Scheduler) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cron != nil
}

// Location is the time zone the schedules are read in.
func (s *Scheduler) Location() *time.Location { return s.loc }

// next is when the named job runs next, zero when stopped.
func (s *Scheduler) next(name string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cron == nil {
		return time.Time{}
	}
	return s.cron.Entry(s.entries[name]).Next
}

// show writes the job's schedule and next run to its row, so IT sees it before it first runs.
func (s *Scheduler) show(j Job, next time.Time) {
	row, err := s.row(j)
	if err == nil {
		row.Set("next_run", next)
		err = records.Save(s.app, row)
	}
	if err != nil {
		s.app.Logger().Error("schedule: job not shown", "job", j.Name, "error", err)
	}
}
