package outbox

import (
	"errors"
	"net/url"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/push"
	"alertbutton/hooks/records"
)

const (
	// giveUpAfter is how long a row is retried after it was queued: a phone that is off
	// for a day still gets its notice; a subscription dead for days stops being tried.
	giveUpAfter = 3 * 24 * time.Hour

	// minRetry keeps a near-zero jitter from turning retries into a busy loop.
	minRetry = time.Second

	maxErrorRunes = 500 // the last_error field's limit
)

// Sent, Dead, Retry and Tried decide a row's outcome in memory, whichever channel's it is
// (the federation relay's included); the caller saves it.

// Sent marks a row delivered at now: the push service, the SMTP server or the peer took it.
func Sent(row *core.Record, now time.Time) {
	Handed(row, now, "")
	delivered(row, now)
}

// delivered records that the row's notice arrived at now.
func delivered(row *core.Record, now time.Time) {
	row.Set("delivery", vocab.DeliveryDelivered)
	row.Set("delivered_at", now)
}

// Handed marks a row sent at now to a provider that confirms delivery later, under its id
// providerID (an SMS): the dispatcher is done with it, the person is not told it arrived.
func Handed(row *core.Record, now time.Time, providerID string) {
	row.Set("state", stateSent)
	row.Set("delivery", vocab.DeliverySent)
	row.Set("provider_id", providerID)
	row.Set("claimed_by", "")
	row.Set("sent_at", now)
	row.Set("last_error", "")
}

// Dead gives up on a row; reason says why, in words staff can act on, without personal data.
func Dead(row *core.Record, reason string) {
	row.Set("state", stateDead)
	row.Set("delivery", vocab.DeliveryFailed)
	row.Set("claimed_by", "")
	row.Set("last_error", LastError(reason))
}

// Retry makes a row due again at at, keeping why it failed.
func Retry(row *core.Record, at time.Time, reason string) {
	row.Set("next_at", at)
	row.Set("claimed_by", "")
	row.Set("last_error", LastError(reason))
}

// Tried counts one send attempt, saved with the outcome.
func Tried(row *core.Record) {
	row.Set("attempts", row.GetInt("attempts")+1)
}

// markDead gives up on a row, and logs it.
func (d *Dispatcher) markDead(row *core.Record, reason string) {
	d.app.Logger().Warn("outbox: giving up", "row", row.Id, "channel", row.GetString("channel"), "alert", row.GetString("alert"))
	Dead(row, reason)
}

// markRetry schedules the row again after wait, or after the backoff when wait is 0.
func (d *Dispatcher) markRetry(row *core.Record, wait time.Duration, reason string) {
	if created := row.GetDateTime("created"); !created.IsZero() && d.now().Sub(created.Time()) >= giveUpAfter {
		d.markDead(row, "not delivered in 3 days; last error: "+reason)
		return
	}
	if wait <= 0 {
		wait = d.backoff(max(row.GetInt("attempts")-1, 0))
	}
	Retry(row, d.now().Add(max(wait, minRetry)), reason)
}

// dead gives up on a row and saves it.
func (d *Dispatcher) dead(row *core.Record, reason string) error {
	d.markDead(row, reason)
	return d.save(row, nil)
}

// save writes a row's outcome and, when sub is not nil, its subscription's, in one
// transaction shared with other sends' outcomes. The row's outcome is kept even when
// the subscription's counters cannot be saved: a row left claimed would be sent again.
func (d *Dispatcher) save(row, sub *core.Record) error {
	return d.commits.Run(func(txApp core.App) error {
		if err := records.Save(txApp, row); err != nil {
			return err
		}
		if err := d.fallBackToSMS(txApp, row); err != nil {
			d.app.Logger().Error("outbox: queueing the SMS of a failed push", "row", row.Id, "error", err)
		}
		if sub == nil {
			return nil
		}
		if err := saveSubscription(txApp, sub); err != nil {
			d.app.Logger().Error("outbox: recording a push subscription's outcome", "subscription", sub.Id, "row", row.Id, "error", err)
		}
		return nil
	})
}

func (d *Dispatcher) backoff(attempt int) time.Duration {
	if d.opts.Rand == nil {
		return push.Backoff(attempt, nil)
	}
	d.randMu.Lock()
	defer d.randMu.Unlock()
	return push.Backoff(attempt, d.opts.Rand)
}

// errorText is err without the URL a *url.Error carries: a push endpoint identifies a
// person's browser.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Op + ": " + urlErr.Err.Error()
	}
	return err.Error()
}

// LastError is reason cut to the 500 characters a last_error field holds.
func LastError(reason string) string {
	r := []rune(reason)
	if len(r) <= maxErrorRunes {
		return reason
	}
	return string(r[:maxErrorRunes-1]) + "…"
}
