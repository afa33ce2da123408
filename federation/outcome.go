package federation

import (
	"errors"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/records"
)

// markSent marks delivered rows sent in one transaction. If that fails, it marks them one
// by one, so that one row's trouble has no other row sent again.
func (w *worker) markSent(rows []*core.Record, now time.Time) {
	if len(rows) == 0 {
		return
	}
	err := w.r.app.RunInTransaction(func(tx core.App) error {
		for _, row := range rows {
			if err := w.sent(tx, row, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		return
	}
	for _, row := range rows {
		err := w.r.app.RunInTransaction(func(tx core.App) error { return w.sent(tx, row, now) })
		if err != nil {
			w.r.app.Logger().Error("federation: marking a row sent; it will be sent again", "row", row.Id, "error", err)
		}
	}
}

// sent marks a row delivered and brings its alert's relay status up to date.
func (w *worker) sent(tx core.App, row *core.Record, now time.Time) error {
	outbox.Sent(row, now)
	if err := records.Save(tx, row); err != nil {
		return err
	}
	return w.relayed(tx, row)
}

// relayed brings the relay status of a delivered row's alert up to date: delivered once no
// row of the alert waits for any peer, sending while some do but none is late. The delivery
// of a late row, or of one to a peer the alert was marked untrusted for, is on the timeline.
func (w *worker) relayed(tx core.App, row *core.Record) error {
	late := row.GetInt("relay_level") > 0
	alert, err := alerts.FindByUID(tx, row.GetString("alert"))
	if err != nil {
		return nil // gone: nothing to tell
	}
	was := alert.GetString("relay_status")
	if !late && (was == "" || was == vocab.RelayDelivered) {
		return nil // never followed (a peer's copy, an alert older than relay states), or done
	}
	status, err := relayStatusAfterReceipt(tx, alert)
	if err != nil {
		return err
	}
	if status != was {
		alert.Set("relay_status", status)
		if err := records.Save(tx, alert); err != nil {
			return err
		}
	}
	if !late && (was != vocab.RelayUntrusted || status == was) {
		return nil
	}
	return alerts.RecordChange(tx, w.r.cfg, alert, alerts.Change{
		Actor: "system", Event: vocab.EventRelayDelivered, EventData: map[string]any{"to": w.code},
	})
}

// relayStatusAfterReceipt is the alert's relay status once a row was delivered: delivered
// when none of its rows waits, sending when none waiting is late, else as it was.
func relayStatusAfterReceipt(tx core.App, alert *core.Record) (string, error) {
	var waiting, late int
	err := tx.DB().Select("count(*)", "coalesce(sum(relay_level > 0), 0)").From("outbox").
		Where(outbox.PendingFederation()).AndWhere(dbx.HashExp{"alert": alert.GetString("uid")}).
		Row(&waiting, &late)
	switch {
	case err != nil:
		return "", err
	case waiting == 0:
		return vocab.RelayDelivered, nil
	case late == 0 && alert.GetString("relay_status") != vocab.RelayUntrusted:
		return vocab.RelaySending, nil
	}
	return alert.GetString("relay_status"), nil
}

// down backs the peer off: nothing is sent to it until the backoff ends or it answers a
// probe. The backoff is in memory: after a restart the first try finds out again. A peer
// that asked to slow down (429) is up: nothing is sent, nor probed, until the time it said.
func (w *worker) down(cause error, now time.Time) {
	var th *throttled
	if errors.As(cause, &th) {
		w.retryAt, w.probeAt = now.Add(th.wait), now.Add(th.wait)
		w.r.app.Logger().Warn("federation: peer asks to slow down", "peer", w.code, "wait", th.wait.String())
		return
	}
	w.failures++
	w.retryAt = now.Add(w.r.backoff(w.failures))
	w.probeAt = now.Add(w.r.opts.ProbeEvery)
	if w.failures == 1 {
		w.r.app.Logger().Warn("federation: peer unreachable", "peer", w.code, "error", cause.Error())
	}
}

// requeue records a failure to reach the peer with a row: it counts the attempt, keeps the
// error and goes to the back of the line of rows due.
func (w *worker) requeue(row *core.Record, cause error, now time.Time) {
	w.lastErr = cause.Error()
	outbox.Tried(row)
	outbox.Retry(row, now, cause.Error())
	if err := records.Save(w.r.app, row); err != nil {
		w.r.app.Logger().Error("federation: recording a failure", "row", row.Id, "error", err)
	}
}

// refused records a row the peer (or this appliance) refused; it is tried again after its
// own backoff, never given up.
func (w *worker) refused(row *core.Record, cause error, now time.Time) error {
	w.lastErr = cause.Error()
	w.r.app.Logger().Warn("federation: row refused", "row", row.Id, "peer", w.code, "alert", row.GetString("alert"), "error", cause.Error())
	outbox.Tried(row)
	outbox.Retry(row, now.Add(w.r.backoff(row.GetInt("attempts"))), cause.Error())
	return records.Save(w.r.app, row)
}

// refuse is refused, logging a failure to record it.
func (w *worker) refuse(row *core.Record, cause error, now time.Time) {
	if err := w.refused(row, cause, now); err != nil {
		w.r.app.Logger().Error("federation: recording a refusal", "row", row.Id, "error", err)
	}
}

// giveUp is dead, logging a failure to record it.
func (w *worker) giveUp(row *core.Record, cause error) {
	if err := w.dead(row, cause); err != nil {
		w.r.app.Logger().Error("federation: giving up on a row", "row", row.Id, "error", err)
	}
}

// dead gives up on a row whose alert is gone, the one thing a retry cannot mend.
func (w *worker) dead(row *core.Record, cause error) error {
	w.r.app.Logger().Warn("federation: giving up", "row", row.Id, "peer", w.code, "alert", row.GetString("alert"))
	outbox.Dead(row, cause.Error())
	return records.Save(w.r.app, row)
}
