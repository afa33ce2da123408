// Package outbox owns every channel a notice leaves by: web pushes, e-mails, SMS and the
// federation's envelopes. Rows are queued in the caller's transaction and sent after
// commit: a dispatcher reads the outbox (the federation relay, its federation rows), so a
// crash between commit and send loses nothing, and nothing is sent from inside a request.
package outbox

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/push"
	"alertbutton/hooks/records"
)

const collection = "outbox"

// Channels the dispatcher sends; ChannelFederation's rows are the federation relay's.
const (
	channelPush  = vocab.ChannelPush
	channelEmail = vocab.ChannelEmail
	channelSMS   = vocab.ChannelSMS
)

// Row states.
const (
	statePending = "pending"
	stateSent    = "sent"
	stateDead    = "dead"
)

// Recipient is who a notice is for: Kind is one of vocab.RecipientKinds, ID their record's
// id (a peer's consulate code).
type Recipient struct {
	Kind, ID string
}

// Subscriber is the owner of a push_subscriptions record.
func Subscriber(sub *core.Record) Recipient {
	switch {
	case sub.GetString("registrant") != "":
		return Recipient{vocab.RecipientRegistrant, sub.GetString("registrant")}
	case sub.GetString("contact") != "":
		return Recipient{vocab.RecipientContact, sub.GetString("contact")}
	default:
		return Recipient{vocab.RecipientStaff, sub.GetString("staff")}
	}
}

// Push queues one web push to a push_subscriptions record, in the caller's transaction
// (app may be a txApp).
func Push(app core.App, sub *core.Record, p push.Payload) error {
	return enqueue(app, channelPush, sub.Id, Subscriber(sub), p)
}

// Email queues an e-mail to a contact. Its sealed address is opened only at send time:
// nothing personal is stored in the outbox row.
func Email(app core.App, contactID string, p push.Payload) error {
	return enqueue(app, channelEmail, contactID, Recipient{vocab.RecipientContact, contactID}, p)
}

// StaffEmail queues an e-mail to a staff member, at their account's address (a superuser's
// e-mail, not sealed), read at send time.
func StaffEmail(app core.App, staffID string, p push.Payload) error {
	return enqueue(app, channelEmail, staffID, Recipient{vocab.RecipientStaff, staffID}, p)
}

// SMS queues a text message to a relative or a staff member. Their sealed phone is read only
// at send time: nothing personal is stored in the outbox row.
func SMS(app core.App, to Recipient, p push.Payload) error {
	return enqueue(app, channelSMS, to.ID, to, p)
}

// enqueue leaves next_at empty, which the dispatcher reads as "due now" whatever its clock.
func enqueue(app core.App, channel, target string, to Recipient, p push.Payload) error {
	if target == "" {
		return errors.New("outbox: empty " + channel + " target")
	}
	row, err := newRow(app, channel, target, to)
	if err != nil {
		return err
	}
	row.Set("payload", p)
	row.Set("alert", p.Alert)
	return records.Save(app, row)
}

// newRow is an unsaved row of channel to target, queued for to.
func newRow(app core.App, channel, target string, to Recipient) (*core.Record, error) {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	row := core.NewRecord(c)
	row.Set("channel", channel)
	row.Set("target", target)
	row.Set("state", statePending)
	row.Set("delivery", vocab.DeliveryQueued)
	row.Set("recipient_kind", to.Kind)
	row.Set("recipient", to.ID)
	return row, nil
}
