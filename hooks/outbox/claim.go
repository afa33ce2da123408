package outbox

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// claimQuery moves up to {:n} due rows' next_at to the end of a lease in one statement:
// SQLite runs writes one at a time, so two workers never get the same row. An empty
// next_at (a row just queued) is due.
const claimQuery = `UPDATE outbox SET next_at = {:lease}, claimed_by = {:owner}
WHERE id IN (
	SELECT id FROM outbox
	WHERE state = 'pending' AND channel IN ('push', 'email', 'sms') AND next_at <= {:now}
	ORDER BY next_at LIMIT {:n}
)
RETURNING id`

// claim takes up to n rows due at now. The claim is committed with the outcomes of the
// sends that end meanwhile.
func (d *Dispatcher) claim(now time.Time, n int) ([]*core.Record, error) {
	var ids []string
	params := dbx.Params{
		"now":   dateString(now),
		"lease": dateString(d.now().Add(claimLease)),
		"n":     n,
		"owner": d.owner,
	}
	err := d.commits.Run(func(txApp core.App) error {
		ids = nil
		return txApp.NonconcurrentDB().NewQuery(claimQuery).Bind(params).Column(&ids)
	})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return d.app.FindRecordsByIds(collection, ids)
}

func dateString(t time.Time) string {
	dt, _ := types.ParseDateTime(t)
	return dt.String()
}

// releaseQuery makes due again the rows claimed by another process: there is one process per
// data directory, so that process died before it could send them.
const releaseQuery = `UPDATE outbox SET next_at = '', claimed_by = ''
WHERE state = 'pending' AND channel IN ('push', 'email', 'sms') AND claimed_by != '' AND claimed_by != {:owner}`

// releaseStale frees the claims of a process that was killed mid-send, so that its rows
// are sent now rather than when their lease ends.
func (d *Dispatcher) releaseStale() error {
	_, err := d.app.NonconcurrentDB().NewQuery(releaseQuery).Bind(dbx.Params{"owner": d.owner}).Execute()
	return err
}

// processID names this process's claims.
var processID = core.GenerateDefaultRandomId()
