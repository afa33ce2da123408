package outbox

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/records"
)

// ChannelFederation is the channel of the envelopes to peer consulates. The federation
// relay sends its rows (one worker per peer); the dispatcher never claims them.
const ChannelFederation = vocab.ChannelFederation

// FederationPayload is what a federation row holds until its envelope is built at its first
// send: what happened, to which alert. The envelope carries the alert as it is then.
type FederationPayload struct {
	Alert string `json:"alert"`
	Type  string `json:"type"`
}

// Federation queues an envelope of type typ about the alert uid to the consulate, in the
// caller's transaction (app may be a txApp).
func Federation(app core.App, consulate, typ, uid string) error {
	row, err := NewFederationRow(app, consulate, typ, uid)
	if err != nil {
		return err
	}
	return records.Save(app, row)
}

// NewFederationRow returns an unsaved federation row, for callers that fill its envelope
// before saving it.
func NewFederationRow(app core.App, consulate, typ, uid string) (*core.Record, error) {
	row, err := newRow(app, ChannelFederation, consulate, Recipient{vocab.RecipientPeer, consulate})
	if err != nil {
		return nil, err
	}
	row.Set("payload", FederationPayload{Alert: uid, Type: typ})
	row.Set("alert", uid)
	return row, nil
}

// FederationDue returns up to n of the rows to the consulate due at now: those never tried
// in the order they were queued, then those tried, by when they fell due. Only the peer's
// relay worker sends them, so they are not claimed.
func FederationDue(app core.App, consulate string, now time.Time, n int) ([]*core.Record, error) {
	var rows []*core.Record
	err := app.RecordQuery(collection).
		Where(PendingFederation()).
		AndWhere(dbx.HashExp{"target": consulate}).
		AndWhere(dbx.NewExp("next_at <= {:now}", dbx.Params{"now": dateString(now.UTC())})).
		OrderBy("next_at ASC", "created ASC", "rowid ASC").
		Limit(int64(n)).
		All(&rows)
	return rows, err
}

// PendingFederation selects the federation rows not delivered yet: the peers' queues.
func PendingFederation() dbx.Expression {
	return dbx.HashExp{"channel": ChannelFederation, "state": statePending}
}
