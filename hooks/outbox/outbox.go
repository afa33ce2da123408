// Package outbox owns every channel a notice leaves by: web pushes, e-mails and the
// federation's envelopes. Rows are queued in the caller's transaction and sent after
// commit: a dispatcher reads the outbox (the federation relay, its federation rows), so a
// crash between commit and send loses nothing, and nothing is sent from inside a request.
package outbox

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/push"
	"alertbutton/hooks/records"
)

const collection = "outbox"

// Channels the dispatcher sends; ChannelFederation's rows are the federation relay's.
const (
	channelPush  = "push"
	channelEmail = "email"
)

// Row states.
const (
	statePending = "pending"
	stateSent    = "sent"
	stateDead    = "dead"
)

// Push queues one web push to a push_subscriptions record, in the caller's transaction
// (app may be a txApp).
func Push(app core.App, subscriptionID string, p push.Payload) error {
	return enqueue(app, channelPush, subscriptionID, p)
}

// Email queues an e-mail to a contact. Its sealed address is opened only at send time:
// nothing personal is stored in the outbox row.
func Email(app core.App, contactID string, p push.Payload) error {
	return enqueue(app, channelEmail, contactID, p)
}

// enqueue leaves next_at empty, which the dispatcher reads as "due now" whatever its clock.
func enqueue(app core.App, channel, target string, p push.Payload) error {
	if target == "" {
		return errors.New("outbox: empty " + channel + " target")
	}
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return err
	}
	row := core.NewRecord(c)
	row.Set("channel", channel)
	row.Set("target", target)
	row.Set("payload", p)
	row.Set("state", statePending)
	row.Set("alert", p.Alert)
	return records.Save(app, row)
}
