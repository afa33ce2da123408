package outbox

import (
	"errors"
	"net/url"
	"time"

	"github.com/pocketbase/pocketbase/core"

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

// markSent, markDead and markRetry decide a row's outcome in memory; save writes it.
func (d *Dispatcher) markSent(row *core.Record) {
	row.Set("state", stateSent)
	row.Set("claimed_by", "")
	row.Set("sent_at", d.now())
	row.Set("last_error", "")
}

// markDead gives up on a row; reason says why, in words staff can act on, without
// personal data.
func (d *Dispatcher) markDead(row *core.Record, reason string) {
	d.app.Logger().Warn("outbox: giving up", "row", row.Id, "channel", row.GetString("channel"), "alert", row.GetString("alert"))
	row.Set("state", stateDead)
	row.Set("claimed_by", "")
	row.Set("last_error", truncate(reason))
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
	row.Set("next_at", d.now().Add(max(wait, minRetry)))
	row.Set("claimed_by", "")
	row.Set("last_error", truncate(reason))
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
		if sub == nil {
			return nil
		}
		if err := saveSubscription(txApp, sub); err != nil {
			d.app.Logger().Error("outbox: recording a push subscription's outcome", "subscription", sub.Id, "row", row.Id, "error", err)
		}
		return nil
	})
}

// tried counts one send attempt, saved with the outcome.
func tried(row *core.Record) {
	row.Set("attempts", row.GetInt("attempts")+1)
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

func truncate(s string) string {
	r := []rune(s)
	if len(r) <= maxErrorRunes {
		return s
	}
	return string(r[:maxErrorRunes-1]) + "…"
}
