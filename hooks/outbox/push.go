package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/push"
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

func (d *Dispatcher) sendPush(ctx context.Context, row *core.Record) (bool, error) {
	rec, err := d.app.FindRecordById(subscriptions, row.GetString("target"))
	if errors.Is(err, sql.ErrNoRows) {
		return false, d.markDead(d.app, row, "the push subscription no longer exists")
	}
	if err != nil {
		return false, err
	}
	sub, err := subscriptionOf(rec, d.cfg.PushHosts)
	if err != nil {
		return false, d.markDead(d.app, row, "the push subscription cannot be used: "+err.Error())
	}
	var p push.Payload
	if err := row.UnmarshalJSONField("payload", &p); err != nil {
		return false, d.markDead(d.app, row, "the payload is not a push payload: "+err.Error())
	}

	tried(row)
	res := d.deliver(ctx, row, sub, p)
	switch res.Outcome {
	case push.Delivered:
		if err := d.markSent(d.app, row); err != nil {
			return false, err
		}
		return true, d.succeeded(rec)
	case push.Gone:
		return false, d.forget(rec, row)
	case push.Retry:
		if err := d.markRetry(row, res.RetryAfter, errorText(res.Err)); err != nil {
			return false, err
		}
		return false, d.failed(rec)
	default: // Rejected, or TooLarge with nothing left to trim
		return false, d.markDead(d.app, row, fmt.Sprintf("the push service refused the message (%s): %s", res.Outcome, errorText(res.Err)))
	}
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

func (d *Dispatcher) succeeded(sub *core.Record) error {
	sub.Set("last_success", d.now())
	sub.Set("failures", 0)
	return d.saveSubscription(sub)
}

func (d *Dispatcher) failed(sub *core.Record) error {
	sub.Set("failures", sub.GetInt("failures")+1)
	return d.saveSubscription(sub)
}

// saveSubscription ignores a subscription deleted meanwhile.
func (d *Dispatcher) saveSubscription(sub *core.Record) error {
	err := d.app.Save(sub)
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
	return d.app.RunInTransaction(func(txApp core.App) error {
		if err := txApp.Delete(sub); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := d.markDead(txApp, row, reason); err != nil {
			return err
		}
		_, err := txApp.DB().Update(collection,
			dbx.Params{"state": stateDead, "last_error": reason},
			dbx.HashExp{"channel": channelPush, "target": sub.Id, "state": statePending},
		).Execute()
		return err
	})
}
