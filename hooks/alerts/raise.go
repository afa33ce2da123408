package alerts

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/directory"
	"alertbutton/hooks/records"
)

// Raise creates the alert d describes: the alert, its first timeline event and the outbox
// rows that announce it, in one transaction (the caller's, when app is one). It is the only
// way an alert is created. When an alert with d.UID exists already it is returned unchanged
// with created false, so a phone that retries after a lost answer never raises a second alert
// (unless d.FreshUID). An empty d.UID gets a new UUIDv7; dir routes an alert its source did
// not route (see place). Show the alert to a person only through apis.EnrichRecord, which
// applies what they may see.
func Raise(app core.App, cfg *appliance.Config, dir *directory.Table, d Draft) (alert *core.Record, created bool, err error) {
	return raise(app, cfg, dir, d, app.RunInTransaction)
}

// raise does Raise's reads first, on app, and then only the writes through runWrite: the
// single SQLite writer is held for the INSERTs and the commit, not for routing and looking
// up subscriptions. A subscription added meanwhile is missed exactly as one added just after
// the commit would be; the uid is checked again inside the write, where it decides.
func raise(app core.App, cfg *appliance.Config, dir *directory.Table, d Draft, runWrite func(func(tx core.App) error) error) (alert *core.Record, created bool, err error) {
	if d.Record == nil && d.UID == "" {
		if d.UID, err = NewUID(); err != nil {
			return nil, false, err
		}
	}
	a, err := d.record(app)
	if err != nil {
		return nil, false, err
	}
	if err := prepare(app, cfg, dir, a, d); err != nil {
		return nil, false, err
	}
	if a.GetString("place") == "" {
		a.Set("place", PlaceText(a.GetString("location"), a.GetString("county_geoid"), a.GetString("zip")))
	}
	n, err := announce(app, cfg, a, d)
	if err != nil {
		return nil, false, err
	}
	save := d.Save
	if save == nil {
		save = records.Save // the unique index on uid still decides a race
	}
	uid, stored := a.GetString("uid"), false
	err = runWrite(func(tx core.App) error {
		var err error
		if !d.FreshUID {
			if stored, err = uidStored(tx, uid); err != nil || stored {
				return err
			}
		}
		if err := save(tx, a); err != nil {
			return err
		}
		return n.Write(tx)
	})
	if err != nil && !d.FreshUID && isDuplicateUID(err) {
		// Another writer stored the same uid first: the unique index decided, and that
		// writer announced it.
		err, stored = nil, true
	}
	if err != nil {
		return nil, false, err
	}
	if stored {
		existing, err := FindByUID(app, uid)
		return existing, false, err
	}
	return a, true, nil
}

// uidStored tells whether an alert with uid exists: a retry of one already raised. It reads
// the id only, to keep the write transaction short.
func uidStored(app core.App, uid string) (bool, error) {
	var id string
	err := app.DB().Select("id").From("alerts").Where(dbx.HashExp{"uid": uid}).Limit(1).Row(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// NewUID returns a new alert uid (UUIDv7: sortable by time, unique across consulates).
func NewUID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// FindByUID returns the alert with the given uid, or sql.ErrNoRows.
func FindByUID(app core.App, uid string) (*core.Record, error) {
	return app.FindFirstRecordByData("alerts", "uid", uid)
}

// isDuplicateUID tells whether a save failed on the unique index of uid.
func isDuplicateUID(err error) bool {
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		if e, ok := verrs["uid"].(validation.Error); ok && e.Code() == "validation_not_unique" {
			return true
		}
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "unique constraint failed") && strings.Contains(msg, "alerts.uid")
}

// now is the time written to acknowledged_at and closed_at.
func now() types.DateTime { return types.NowDateTime() }
