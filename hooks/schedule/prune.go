package schedule

import (
	"errors"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// PruneSubscriptions deletes the push subscriptions that failed at least minFailures times in
// a row and have not worked for idle (or, never having worked, were made that long ago), and
// returns how many it deleted. The outbox dispatcher drops the rows still aimed at them.
func PruneSubscriptions(app core.App, now time.Time, minFailures int, idle time.Duration) (int, error) {
	cutoff := dbTime(now.Add(-idle))
	var dead []*core.Record
	err := app.RecordQuery("push_subscriptions").
		AndWhere(deadExp(minFailures, cutoff)).
		Limit(batch).
		All(&dead)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, s := range dead {
		ok, err := prune(app, s.Id, minFailures, cutoff)
		if err != nil {
			app.Logger().Error("schedule: push subscription not pruned", "subscription", s.Id, "error", err)
			errs = append(errs, err)
			continue
		}
		if ok {
			n++
		}
	}
	return n, errors.Join(errs...)
}

func deadExp(minFailures int, cutoff string) dbx.Expression {
	return dbx.NewExp("[[failures]] >= {:n} AND COALESCE(NULLIF([[last_success]], ''), [[created]]) <= {:cutoff}",
		dbx.Params{"n": minFailures, "cutoff": cutoff})
}

// prune deletes one subscription unless a push got through meanwhile.
func prune(app core.App, id string, minFailures int, cutoff string) (pruned bool, err error) {
	err = app.RunInTransaction(func(tx core.App) error {
		var s []*core.Record
		err := tx.RecordQuery("push_subscriptions").
			AndWhere(dbx.HashExp{"id": id}).
			AndWhere(deadExp(minFailures, cutoff)).
			All(&s)
		if err != nil || len(s) == 0 {
			return err
		}
		pruned = true
		return tx.Delete(s[0])
	})
	return pruned, err
}
