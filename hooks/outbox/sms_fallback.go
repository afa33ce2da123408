package outbox

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/push"
)

// reachedQuery counts what tells that a relative heard of an alert, or will by SMS: a notice
// sent or delivered on any channel, or an SMS queued already.
const reachedQuery = `SELECT COUNT(*) FROM outbox
WHERE alert = {:alert} AND recipient_kind = 'contact' AND recipient = {:contact}
  AND (delivery IN ('sent', 'delivered') OR channel = 'sms')`

// fallBackToSMS queues, in tx, an SMS of a relative's push row that failed, when nothing of
// its alert reached them by any channel, SMS is on and they have a phone number.
func (d *Dispatcher) fallBackToSMS(tx core.App, row *core.Record) error {
	if row.GetString("channel") != channelPush || row.GetString("delivery") != vocab.DeliveryFailed ||
		row.GetString("recipient_kind") != vocab.RecipientContact || row.GetString("alert") == "" || !d.cfg.SMS.Ready() {
		return nil
	}
	var reached int
	err := tx.DB().NewQuery(reachedQuery).Bind(dbx.Params{"alert": row.GetString("alert"), "contact": row.GetString("recipient")}).Row(&reached)
	if err != nil || reached > 0 {
		return err
	}
	contact, err := tx.FindRecordById(contacts, row.GetString("recipient"))
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil || contact.GetString("phone") == "" {
		return err
	}
	var p push.Payload
	if err := row.UnmarshalJSONField("payload", &p); err != nil {
		return nil
	}
	d.app.Logger().Info("outbox: a relative's push failed; falling back to SMS", "row", row.Id, "alert", p.Alert)
	return SMS(tx, Recipient{vocab.RecipientContact, contact.Id}, p)
}
