package federation

import (
	"errors"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/list"

	"alertbutton/hooks/schedule"
)

// JobInboxRetention is the inbox's retention job in the jobs collection.
const JobInboxRetention = "federation_inbox_retention"

// EnvInboxDays changes how many days an envelope is kept whole once applied (default 30).
const EnvInboxDays = "ALERTBUTTON_RETENTION_INBOX_DAYS"

const defaultInboxKeep = 30 * 24 * time.Hour

// pruneBatch is how many rows one statement of the retention empties.
const pruneBatch = 1000

// retentionJob runs the inbox's retention every night with the other jobs, in the
// consulate's time zone.
func retentionJob(app core.App) schedule.Job {
	return schedule.Job{Name: JobInboxRetention, Schedule: "0 40 3 * * *", Run: func(now time.Time) (int, error) {
		keep, envErr := schedule.EnvDays(EnvInboxDays)
		if keep == 0 {
			keep = defaultInboxKeep
		}
		n, err := PruneInbox(app, now, keep)
		return n, errors.Join(err, envErr)
	}}
}

// PruneInbox empties the body, signature and receipt of the envelopes applied longer ago than
// keep: what was sealed in them is in the alert it changed, under the alerts' own retention.
// The rest of the row stays, a tombstone of a few dozen bytes: an envelope sent again (a
// receipt lost in transit, a peer replaying an old one) is still known by its id, answered
// with a new receipt and applied no second time. Envelopes held for an alert not here yet
// stay whole. It returns how many it emptied.
func PruneInbox(app core.App, now time.Time, keep time.Duration) (int, error) {
	due := dbx.And(
		dbx.HashExp{"applied": true},
		dbx.NewExp("[[envelope]] != ''"),
		dbx.NewExp("[[created]] < {:cutoff}", dbx.Params{"cutoff": dateString(now.Add(-keep))}),
	)
	total := 0
	for {
		var ids []string
		if err := app.DB().Select("id").From("federation_inbox").Where(due).Limit(pruneBatch).Column(&ids); err != nil || len(ids) == 0 {
			return total, err
		}
		emptied := dbx.Params{"envelope": "", "signature": "", "receipt": "", "updated": dateString(now)}
		if _, err := app.DB().Update("federation_inbox", emptied, dbx.In("id", list.ToInterfaceSlice(ids)...)).Execute(); err != nil {
			return total, err
		}
		total += len(ids)
	}
}
