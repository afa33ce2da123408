package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/push"
	"alertbutton/hooks/records"
)

const subscriptions = "push_subscriptions"

// pocketBasePlaceholder is the sender address of PocketBase's default settings.
const pocketBasePlaceholder = "support@example.com"

// sreURL is the Foreign Ministry's site, the contact of last resort for push services.
const sreURL = "https://www.gob.mx/sre"

// vapidSubject is how a push service's operator can reach the consulate.
func vapidSubject(app core.App, cfg *appliance.Config) string {
	if addr := app.Settings().Meta.SenderAddress; addr != "" && addr != pocketBasePlaceholder {
		return "mailto:" + addr
	}
	if strings.HasPrefix(cfg.PublicURL, "https://") {
		return cfg.PublicURL
	}
	return sreURL
}

// subscriptionsOf reads the push subscriptions of claimed rows in one query. Each row
// gets its own copy (nil for an e-mail row or a deleted subscription): rows for the same
// subscription are sent concurrently and each saves its outcome.
func (d *Dispatcher) subscriptionsOf(rows []*core.Record) ([]*core.Record, error) {
	var ids []string
	for _, row := range rows {
		if row.GetString("channel") == channelPush {
			ids = append(ids, row.GetString("target"))
		}
	}
	if len(ids) == 0 {
		return make([]*core.Record, len(rows)), nil
	}
	found, err := d.app.FindRecordsByIds(subscriptions, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*core.Record, len(found))
	for _, rec := range found {
		byID[rec.Id] = rec
	}
	subs := make([]*core.Record, len(rows))
	for i, row := range rows {
		if rec := byID[row.GetString("target")]; rec != nil && row.GetString("channel") == channelPush {
			subs[i] = rec.Clone()
		}
	}
	return subs, nil
}

func (d *Dispatcher) sendPush(ctx context.Context, row, rec *core.Record) (bool, error) {
	if rec == nil {
		return false, d.dead(row, "the push subscription no longer exists")
	}
	sub, err := subscriptionOf(rec, d.cfg.PushHosts)
	if err != nil {
		return false, d.dead(row, "the push subscription cannot be used: "+err.Error())
	}
	var p push.Payload
	if err := row.UnmarshalJSONField("payload", &p); err != nil {
		return false, d.dead(row, "the payload is not a push payload: "+err.Error())
	}

	Tried(row)
	res := d.deliver(ctx, row, sub, p)
	switch res.Outcome {
	case push.Delivered:
		Sent(row, d.now())
		succeeded(rec, d.now())
		return true, d.save(row, rec)
	case push.Gone:
		return false, d.forget(rec, row)
	case push.Retry:
		d.markRetry(row, res.RetryAfter, errorText(res.Err))
		failed(rec)
		return false, d.save(row, rec)
	case push.Rejected:
		// The subscription does not work (escalation reaches no one through it) until a push
		// gets through again.
		d.markDead(row, rejected(res))
		failed(rec)
		return false, d.save(row, rec)
	default: // TooLarge with nothing left to trim: the message's fault, not the subscription's
		return false, d.dead(row, rejected(res))
	}
}

func rejected(res push.Result) string {
	return fmt.Sprintf("the push service refused the message (%s): %s", res.Outcome, errorText(res.Err))
}

// deliver sends p, trimming it for as long as the push service answers 413. The row's
// payload becomes what was sent last.
func (d *Dispatcher) deliver(ctx context.Context, row *core.Record, sub push.Subscription, p push.Payload) push.Result {
	for {
		res := d.sender.Send(ctx, sub, p.JSON(), d.opts.TTL)
		if res.Outcome != push.TooLarge {
			return res
		}
		shorter, ok := p.Shorter()
		if !ok {
			return res
		}
		d.app.Logger().Warn("outbox: push too large, sending a shorter one", "row", row.Id, "subscription", row.GetString("target"), "status", res.Status)
		p = shorter
		row.Set("payload", p)
	}
}

// subscriptionOf checks a stored subscription again, against today's allowed push hosts.
func subscriptionOf(rec *core.Record, hosts push.HostList) (push.Subscription, error) {
	body, err := json.Marshal(map[string]any{
		"endpoint": rec.GetString("endpoint"),
		"keys":     map[string]string{"p256dh": rec.GetString("p256dh"), "auth": rec.GetString("auth")},
	})
	if err != nil {
		return push.Subscription{}, err
	}
	return push.ParseSubscription(body, hosts)
}

func succeeded(sub *core.Record, now time.Time) {
	sub.Set("last_success", now)
	sub.Set("failures", 0)
}

func failed(sub *core.Record) {
	sub.Set("failures", sub.GetInt("failures")+1)
}

// saveSubscription ignores a subscription deleted meanwhile.
func saveSubscription(app core.App, sub *core.Record) error {
	err := records.Save(app, sub)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

// forget deletes a subscription the push service no longer knows, with the row and
// every other row still pending for it.
func (d *Dispatcher) forget(sub *core.Record, row *core.Record) error {
	d.app.Logger().Info("outbox: push subscription gone, deleting it", "subscription", sub.Id, "row", row.Id)
	const reason = "the push subscription expired or was revoked; it was deleted"
	d.markDead(row, reason)
	return d.commits.Run(func(txApp core.App) error {
		if err := txApp.Delete(sub); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := records.Save(txApp, row); err != nil {
			return err
		}
		if err := d.fallBackToSMS(txApp, row); err != nil {
			return err
		}
		_, err := txApp.DB().Update(collection,
			dbx.Params{"state": stateDead, "delivery": vocab.DeliveryFailed, "last_error": reason},
			dbx.HashExp{"channel": channelPush, "target": sub.Id, "state": statePending},
		).Execute()
		return err
	})
}
