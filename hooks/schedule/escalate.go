package schedule

import (
	"errors"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/appliance"
)

// How long an alert of this consulate may stay new (nobody acknowledged it) before each
// escalation: first every staff device, on duty or not; then the consuls.
const (
	EscalateStaff  = 2 * time.Minute
	EscalateConsul = 10 * time.Minute
)

// Escalate raises the escalation level of every new alert of this consulate that has waited
// past a step, and returns how many it escalated. Each step notifies once and writes one
// timeline event, in the transaction that raises the level; a step that reached nobody, at
// once or as its pushes and pages fail, is recorded so at this run or a later one.
func Escalate(app core.App, cfg *appliance.Config, now time.Time) (int, error) {
	var due []*core.Record
	err := app.RecordQuery("alerts").
		AndWhere(dbx.HashExp{"status": alerts.StatusNew, "target_consulate": cfg.Consulate.Code}).
		AndWhere(dbx.NewExp("[[escalation_level]] < 2 AND [[created]] <= {:t}", dbx.Params{"t": dbTime(now.Add(-EscalateStaff))})).
		OrderBy("created ASC").
		Limit(batch).
		All(&due)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	escalated := map[string]bool{}
	for _, a := range due {
		ok, err := escalate(app, cfg, a.Id, now)
		if err != nil {
			app.Logger().Error("schedule: alert not escalated; retried on the next run", "alert", a.Id, "error", err)
			errs = append(errs, err)
			continue
		}
		if ok {
			app.Logger().Info("schedule: alert escalated", "alert", a.Id)
			escalated[a.Id] = true
			n++
		}
	}
	errs = append(errs, checkReach(app, cfg, now, escalated))
	return n, errors.Join(errs...)
}

// levelAt is the escalation level an alert new for age should have.
func levelAt(age time.Duration) int {
	switch {
	case age >= EscalateConsul:
		return 2
	case age >= EscalateStaff:
		return 1
	}
	return 0
}

func escalate(app core.App, cfg *appliance.Config, id string, now time.Time) (escalated bool, err error) {
	err = app.RunInTransaction(func(tx core.App) error {
		a, err := tx.FindRecordById("alerts", id)
		if err != nil || a.GetString("status") != alerts.StatusNew {
			return nil // acknowledged meanwhile
		}
		want := levelAt(now.Sub(a.GetDateTime("created").Time()))
		if want <= a.GetInt("escalation_level") {
			return nil
		}
		escalated = true
		return alerts.Escalate(tx, cfg, a, want, now)
	})
	return escalated, err
}

// checkReach looks again at every new alert of this consulate escalated before this run
// (skip): a step whose pushes and pages all failed meanwhile reached nobody (alerts.CheckReach).
func checkReach(app core.App, cfg *appliance.Config, now time.Time, skip map[string]bool) error {
	var escalated []*core.Record
	err := app.RecordQuery("alerts").
		AndWhere(dbx.HashExp{"status": alerts.StatusNew, "target_consulate": cfg.Consulate.Code}).
		AndWhere(dbx.NewExp("[[escalation_level]] >= 1")).
		OrderBy("created ASC").
		Limit(batch).
		All(&escalated)
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range escalated {
		if skip[a.Id] {
			continue
		}
		// Read first, outside a transaction: most steps reached someone.
		levels, err := alerts.Unreached(app, a, now)
		if err != nil || len(levels) == 0 {
			errs = append(errs, err)
			continue
		}
		err = app.RunInTransaction(func(tx core.App) error {
			fresh, err := tx.FindRecordById("alerts", a.Id)
			if err != nil || fresh.GetString("status") != alerts.StatusNew {
				return nil // acknowledged meanwhile
			}
			_, err = alerts.CheckReach(tx, cfg, fresh, now)
			return err
		})
		if err != nil {
			app.Logger().Error("schedule: escalation not checked; retried on the next run", "alert", a.Id, "error", err)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
