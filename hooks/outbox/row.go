package outbox

import (
	"errors"
	"net/url"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/push"
)

const (
	// giveUpAfter is how long a row is retried after it was queued: a phone that is off
	// for a day still gets its notice; a subscription dead for days stops being tried.
	giveUpAfter = 3 * 24 * time.Hour

	// minRetry keeps a near-zero jitter from turning retries into a busy loop.
	minRetry = time.Second

	maxErrorRunes = 500 // the last_error field's limit
)

func (d *Dispatcher) markSent(app core.App, row *core.Record) error {
	row.Set("state", stateSent)
	row.Set("claimed_by", "")
	row.Set("sent_at", d.now())
	row.Set("last_error", "")
	return app.Save(row)
}

// markDead gives up on a row; reason says why, in words staff can act on, without
// personal data.
func (d *Dispatcher) markDead(app core.App, row *core.Record, reason string) error {
	d.app.Logger().Warn("outbox: giving up", "row", row.Id, "channel", row.GetString("channel"), "alert", row.GetString("alert"))
	row.Set("state", stateDead)
	row.Set("claimed_by", "")
	row.Set("last_error", truncate(reason))
	return app.Save(row)
}

// markRetry schedules the row again after wait, or after the backoff when wait is 0.
func (d *Dispatcher) markRetry(row *core.Record, wait time.Duration, reason string) error {
	if created := row.GetDateTime("created"); !created.IsZero() && d.now().Sub(created.Time()) >= giveUpAfter {
		return d.markDead(d.app, row, "not delivered in 3 days; last error: "+reason)
	}
	if wait <= 0 {
		wait = d.backoff(max(row.GetInt("attempts")-1, 0))
	}
	row.Set("next_at", d.now().Add(max(wait, minRetry)))
	row.Set("claimed_by", "")
	row.Set("last_error", truncate(reason))
	return d.app.Save(row)
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
