// Package deliveries reads who an alert's notices reached: per recipient the best state of
// their notices and how each channel fared, and the relatives who should have been told but
// had no way to be (unreachable). It reads the outbox rows; the channels write them.
package deliveries

import (
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/notify"
)

// Unreachable is a relative who should have been told and has no channel at all: no push
// subscription, no e-mail, nothing the appliance could send to.
const Unreachable = "unreachable"

// rank orders the states: the best one a recipient reached wins.
var rank = []string{Unreachable, vocab.DeliveryFailed, vocab.DeliveryQueued, vocab.DeliverySent, vocab.DeliveryDelivered}

// Better tells whether state a beats state b.
func Better(a, b string) bool { return slices.Index(rank, a) > slices.Index(rank, b) }

// Channel is how one channel fared for one recipient: its best row's state, when, and why
// it failed (or why it is still being retried).
type Channel struct {
	Channel string `json:"channel"`
	State   string `json:"state"`
	At      string `json:"at,omitempty"`
	Why     string `json:"why,omitempty"`
}

// Recipient is one person or consulate an alert's notices were for.
type Recipient struct {
	Kind     string    `json:"kind"`
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	State    string    `json:"state"`
	Channels []Channel `json:"channels"`
}

// Best is the recipient's channel that got furthest; the zero Channel when none.
func (r Recipient) Best() Channel {
	var best Channel
	for _, c := range r.Channels {
		if best.State == "" || Better(c.State, best.State) {
			best = c
		}
	}
	return best
}

// Of returns the recipients of alert's notices, in the order they were first queued, then
// the relatives who hear of the alert (the registrant's disclosure allows it, and they
// existed when it was raised) but had no channel: unreachable. Names are read now.
func Of(app core.App, alert *core.Record) ([]Recipient, error) {
	var rows []*core.Record
	err := app.RecordQuery("outbox").
		Where(dbx.HashExp{"alert": alert.GetString("uid")}).
		AndWhere(dbx.NewExp("recipient_kind != ''")).
		OrderBy("created ASC", "rowid ASC").
		All(&rows)
	if err != nil {
		return nil, err
	}
	out := group(rows)
	relatives, err := notify.RelativesOf(app, alert, registrantOf(app, alert), notify.LevelStatus)
	if err != nil {
		return nil, err
	}
	for _, c := range relatives {
		if !slices.ContainsFunc(out, func(r Recipient) bool { return r.Kind == vocab.RecipientContact && r.ID == c.Id }) {
			out = append(out, Recipient{Kind: vocab.RecipientContact, ID: c.Id, State: Unreachable, Channels: []Channel{}})
		}
	}
	name(app, out)
	return out, nil
}

// group folds the rows into recipients, each channel keeping its best row.
func group(rows []*core.Record) []Recipient {
	var out []Recipient
	index := map[[2]string]int{}
	for _, row := range rows {
		key := [2]string{row.GetString("recipient_kind"), row.GetString("recipient")}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, Recipient{Kind: key[0], ID: key[1]})
		}
		out[i].add(channelOf(row))
	}
	return out
}

func (r *Recipient) add(c Channel) {
	if r.State == "" || Better(c.State, r.State) {
		r.State = c.State
	}
	for i, have := range r.Channels {
		if have.Channel == c.Channel {
			if Better(c.State, have.State) {
				r.Channels[i] = c
			}
			return
		}
	}
	r.Channels = append(r.Channels, c)
}

// channelOf is what one row says: its state, when it got there, and its last error.
func channelOf(row *core.Record) Channel {
	c := Channel{Channel: row.GetString("channel"), State: row.GetString("delivery"), Why: row.GetString("last_error")}
	if c.State == "" {
		c.State = vocab.DeliveryQueued
	}
	at := row.GetDateTime("updated")
	switch c.State {
	case vocab.DeliveryDelivered:
		at, c.Why = row.GetDateTime("delivered_at"), ""
	case vocab.DeliverySent:
		at, c.Why = row.GetDateTime("sent_at"), ""
	}
	c.At = rfc3339(at)
	return c
}

func rfc3339(dt types.DateTime) string {
	if dt.IsZero() {
		return ""
	}
	return dt.Time().UTC().Format(time.RFC3339)
}

func registrantOf(app core.App, alert *core.Record) *core.Record {
	id := alert.GetString("registrant")
	if id == "" {
		return nil
	}
	r, _ := app.FindRecordById("registrants", id)
	return r
}

// whereNamed is where each kind of recipient's name is: collection and field.
var whereNamed = map[string][2]string{
	vocab.RecipientRegistrant: {"registrants", "name"},
	vocab.RecipientContact:    {"contacts", "name"},
	vocab.RecipientStaff:      {core.CollectionNameSuperusers, "name"},
}

// name fills each recipient's name: a person's from their record (gone: none), a peer's
// the consulate's.
func name(app core.App, out []Recipient) {
	for i := range out {
		r := &out[i]
		if r.Kind == vocab.RecipientPeer {
			if c, err := app.FindFirstRecordByData("consulates", "code", r.ID); err == nil {
				r.Name = c.GetString("name")
			}
			continue
		}
		where, ok := whereNamed[r.Kind]
		if !ok {
			continue
		}
		if rec, err := app.FindRecordById(where[0], r.ID); err == nil {
			r.Name = rec.GetString(where[1])
		}
	}
}
