package checkins

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/directory"
	"alertbutton/hooks/limits"
	"alertbutton/hooks/privacy"
	"alertbutton/hooks/records"
)

// batch bounds one pass; the scheduler runs again within seconds.
const batch = 500

// FireDue raises the alert of every armed check-in due at or before now and returns how many
// it fired, routed by dir. Each one fires in its own transaction (status, alert, timeline and notifications
// together), and its alert uid derives from the check-in, so a retry or a second scheduler
// never raises a second alert. One that fails does not hold back the others.
func FireDue(app core.App, cfg *appliance.Config, dir *directory.Table, g *limits.Guard, now time.Time) (int, error) {
	var due []*core.Record
	err := app.RecordQuery("checkins").
		AndWhere(dbx.HashExp{"status": StatusArmed}).
		AndWhere(dbx.NewExp("[[due_at]] <= {:now}", dbx.Params{"now": dbTime(now)})).
		OrderBy("due_at ASC").
		Limit(batch).
		All(&due)
	if err != nil {
		return 0, err
	}
	fired := 0
	var errs []error
	for _, c := range due {
		allowed, undo := allowFiring(g, c)
		if !allowed {
			app.Logger().Warn("checkins: held back by the new-alerts limit; fired on a later run", "checkin", c.Id)
			continue
		}
		ok, err := fire(app, cfg, dir, c.Id)
		if err != nil || !ok {
			undo()
		}
		if err != nil {
			app.Logger().Error("checkins: not fired; retried on the next run", "checkin", c.Id, "error", err)
			errs = append(errs, err)
			continue
		}
		if ok {
			fired++
		}
	}
	return fired, errors.Join(errs...)
}

// fire raises the alert of one check-in if it is still armed.
func fire(app core.App, cfg *appliance.Config, dir *directory.Table, id string) (fired bool, err error) {
	err = app.RunInTransaction(func(tx core.App) error {
		c, err := tx.FindRecordById("checkins", id)
		if err != nil || c.GetString("status") != StatusArmed {
			return nil // done, fired by another run, or deleted meanwhile
		}
		reg, err := tx.FindRecordById("registrants", c.GetString("registrant"))
		if err != nil {
			return err
		}
		place, err := privacy.Open(cfg.Sealer(), c, "place")
		if err != nil {
			// The alert matters more than the place: raise it without.
			tx.Logger().Error("checkins: the place did not open; firing without it", "checkin", c.Id, "error", err)
			place = ""
		}
		alert, _, err := alerts.Raise(tx, cfg, dir, alerts.Draft{
			UID:        AlertUID(c),
			Kind:       vocab.KindCheckinMissed,
			Source:     alerts.SourceCheckin,
			Actor:      "checkin:" + c.Id,
			Registrant: reg,
			Place:      place,
		})
		if err != nil {
			return err
		}
		c.Set("status", StatusFired)
		c.Set("alert", alert.Id)
		if err := records.Save(tx, c); err != nil {
			return err
		}
		fired = true
		return nil
	})
	if err == nil && fired {
		app.Logger().Info("checkins: fired", "checkin", id)
	}
	return fired, err
}

// AlertUID is the uid of the alert a check-in raises: a UUIDv7 whose time is the check-in's
// creation and whose other bits are a hash of its id, so every attempt names the same alert.
func AlertUID(c *core.Record) string {
	var b [16]byte
	sum := sha256.Sum256([]byte("alertbutton/checkin/" + c.Id))
	ms := uint64(c.GetDateTime("created").Time().UnixMilli())
	binary.BigEndian.PutUint64(b[:8], ms<<16)
	copy(b[6:], sum[:10])
	b[6] = 0x70 | b[6]&0x0f // version 7
	b[8] = 0x80 | b[8]&0x3f // RFC 9562 variant
	return uuid.UUID(b).String()
}

// dbTime is a time as PocketBase stores dates, for comparisons in SQL.
func dbTime(t time.Time) string {
	dt, _ := types.ParseDateTime(t.UTC())
	return dt.String()
}
