package registrants

import (
	"errors"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/audit"
	"alertbutton/hooks/deletions"
	"alertbutton/hooks/pace"
	"alertbutton/hooks/records"
)

// errNoAccount is how PocketBase refuses a sign-in to an account that does not exist.
var errNoAccount = errors.New("the account's deletion waits for its last case to close")

// bindDeletion defers the deletion of an account with an open case until the last one
// closes: deleting it at once would blank the case (person, place, county) and delete the
// relatives the advisers are calling.
func bindDeletion(app core.App, p *pace.Pace, log *audit.Log) {
	app.OnRecordDeleteRequest("registrants").BindFunc(func(e *core.RecordRequestEvent) error { return deferDeletion(p, log, e) })
	app.OnRecordAuthRequest("registrants").BindFunc(func(e *core.RecordAuthRequestEvent) error {
		pending, err := deletionPending(e.App, e.Record.Id)
		if err != nil {
			return e.InternalServerError("", err)
		}
		if pending {
			// Exactly as after a real deletion: whoever holds the phone must not learn
			// from it that a case is still open (the duress PIN keeps it open).
			return e.BadRequestError("Failed to authenticate.", errNoAccount)
		}
		return e.Next()
	})
	app.OnRecordUpdate("alerts").BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return carryOutDeletion(e.App, e.Record.GetString("registrant"))
	})
}

// deferDeletion answers a deletion of an account with an open case as if it were done: the
// person's sessions end (a new token key) and signing in fails as for an unknown account,
// the advisers see the request on each open case, and nothing is deleted until the last
// case closes. Both answers come at the same instant (pace).
func deferDeletion(p *pace.Pace, log *audit.Log, e *core.RecordRequestEvent) error {
	// Deferred or done, the answer comes at the same instant.
	defer p.Hold(e.RequestEvent)()
	open, err := alerts.OpenOf(e.App, e.Record.Id)
	if err != nil {
		return e.InternalServerError("", err)
	}
	if len(open) == 0 {
		return e.Next()
	}
	actor := audit.Actor(e.Auth)
	err = e.App.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindRecordById("registrants", e.Record.Id)
		if err != nil {
			return err
		}
		_, err = tx.DB().NewQuery(`INSERT OR IGNORE INTO pending_deletions (registrant, requested_at, requested_by)
			VALUES ({:r}, {:t}, {:a})`).
			Bind(dbx.Params{"r": r.Id, "t": time.Now().UTC().Format(time.RFC3339), "a": actor}).Execute()
		if err != nil {
			return err
		}
		r.RefreshTokenKey()
		if err := records.Save(tx, r); err != nil {
			return err
		}
		for _, alert := range open {
			if err := alerts.AddEvent(tx, alert, alerts.EventDeletionRequested, actor, true, nil); err != nil {
				return err
			}
		}
		return log.Append(tx, audit.Entry{Actor: actor, Action: "deletion_requested", Collection: "registrants", RecordID: r.Id})
	})
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.NoContent(http.StatusNoContent)
}

// carryOutDeletion deletes the account whose deletion waits, once none of its cases is open.
// It runs in the transaction that closed the case.
func carryOutDeletion(app core.App, registrantID string) error {
	if registrantID == "" {
		return nil
	}
	pending, err := deletionPending(app, registrantID)
	if err != nil || !pending {
		return err
	}
	open, err := alerts.OpenOf(app, registrantID)
	if err != nil || len(open) > 0 {
		return err
	}
	r, err := app.FindRecordById("registrants", registrantID)
	if err != nil {
		return err
	}
	return app.Delete(r)
}

// deletionPending tells whether the account's deletion waits for its last case to close.
var deletionPending = deletions.Pending
