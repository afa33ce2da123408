// Package subscriptions stores the browsers' push subscriptions of registrants, relatives and
// staff, and tells each new one that it works.
package subscriptions

import (
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
	"alertbutton/hooks/records"
)

// Owner is who a subscription notifies: exactly one of its fields is set.
type Owner struct {
	Registrant, Contact, Staff string
	Lang                       string
}

func (o Owner) field() (string, string) {
	switch {
	case o.Registrant != "":
		return "registrant", o.Registrant
	case o.Contact != "":
		return "contact", o.Contact
	default:
		return "staff", o.Staff
	}
}

// Save stores sub for owner, idempotent by endpoint and owner: the same endpoint again from
// the same owner updates its keys. A row never changes hands: the same endpoint from another
// owner is a row of that owner's, and the first one keeps notifying its own. A new row gets
// a confirmation notice queued in the same transaction.
func Save(app core.App, sub push.Subscription, owner Owner, notice push.Payload) (*core.Record, bool, error) {
	var saved *core.Record
	var isNew bool
	field, id := owner.field()
	err := app.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindFirstRecordByFilter("push_subscriptions", "endpoint = {:e} && "+field+" = {:id}",
			dbx.Params{"e": sub.Endpoint, "id": id})
		if err != nil {
			c, cerr := tx.FindCachedCollectionByNameOrId("push_subscriptions")
			if cerr != nil {
				return cerr
			}
			r = core.NewRecord(c)
			r.Set("endpoint", sub.Endpoint)
			r.Set(field, id)
		}
		isNew = r.IsNew()
		r.Set("p256dh", sub.P256dh)
		r.Set("auth", sub.Auth)
		r.Set("language", owner.Lang)
		r.Set("failures", 0)
		if err := records.Save(tx, r); err != nil {
			return err
		}
		saved = r
		if !isNew {
			return nil
		}
		return outbox.Push(tx, r, notice)
	})
	return saved, isNew, err
}

// ErrNotFound is an endpoint that is not the caller's.
var ErrNotFound = errors.New("subscription not found")

// Delete removes the caller's subscription for endpoint.
func Delete(app core.App, endpoint string, owner Owner) error {
	field, id := owner.field()
	r, err := app.FindFirstRecordByFilter("push_subscriptions", "endpoint = {:e} && "+field+" = {:id}",
		dbx.Params{"e": endpoint, "id": id})
	if err != nil {
		return ErrNotFound
	}
	return app.Delete(r)
}
