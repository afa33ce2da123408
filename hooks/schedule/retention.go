package schedule

import (
	"errors"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/records"
)

// Retention is how long a closed alert keeps its location (the point and the place as text)
// and note after it was closed.
type Retention struct {
	Closed     time.Duration // resolved or cancelled
	FalseAlarm time.Duration
}

// retainedFields are what a closed alert loses.
var retainedFields = []string{"location", "place", "note"}

// ApplyRetention empties the location and note of the alerts closed longer ago than r allows,
// each with a "retention_applied" event, and returns how many it emptied.
func ApplyRetention(app core.App, now time.Time, r Retention) (int, error) {
	a, errA := expire(app, now, r.Closed, alerts.StatusResolved, alerts.StatusCancelled)
	b, errB := expire(app, now, r.FalseAlarm, alerts.StatusFalseAlarm)
	return a + b, errors.Join(errA, errB)
}

func expire(app core.App, now time.Time, keep time.Duration, statuses ...string) (int, error) {
	cutoff := dbTime(now.Add(-keep))
	var due []*core.Record
	err := app.RecordQuery("alerts").
		AndWhere(dbx.In("status", anys(statuses)...)).
		AndWhere(dbx.NewExp("([[location]] != '' OR [[place]] != '' OR [[note]] != '')")).
		AndWhere(dbx.NewExp("COALESCE(NULLIF([[closed_at]], ''), [[updated]]) <= {:cutoff}", dbx.Params{"cutoff": cutoff})).
		OrderBy("closed_at ASC").
		Limit(batch).
		All(&due)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, a := range due {
		ok, err := clearAlert(app, a.Id, cutoff, keep, statuses)
		if err != nil {
			app.Logger().Error("schedule: retention not applied; retried on the next run", "alert", a.Id, "error", err)
			errs = append(errs, err)
			continue
		}
		if ok {
			n++
		}
	}
	return n, errors.Join(errs...)
}

func clearAlert(app core.App, id, cutoff string, keep time.Duration, statuses []string) (cleared bool, err error) {
	err = app.RunInTransaction(func(tx core.App) error {
		a, err := tx.FindRecordById("alerts", id)
		if err != nil || !slices.Contains(statuses, a.GetString("status")) || closedAt(a) > cutoff {
			return nil // changed meanwhile
		}
		for _, f := range retainedFields {
			a.Set(f, "")
		}
		if err := records.Save(tx, a); err != nil {
			return err
		}
		data := map[string]any{"fields": retainedFields, "days": int(keep / day)}
		// An alert under duress shows its registrant nothing after the duress PIN.
		if err := alerts.AddEvent(tx, a, vocab.EventRetentionApplied, "system", a.GetBool("duress"), data); err != nil {
			return err
		}
		cleared = true
		return nil
	})
	return cleared, err
}

// closedAt is when an alert was closed, as stored; its last change if that is missing.
func closedAt(a *core.Record) string {
	if at := a.GetDateTime("closed_at"); !at.IsZero() {
		return at.String()
	}
	return a.GetDateTime("updated").String()
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
