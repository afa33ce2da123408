package federation

import (
	"context"
	"errors"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/outbox"
)

// worker sends one peer's rows, oldest first. Only its goroutine (or RunOnce) runs its
// steps, so it is the only writer of its rows once they are queued.
type worker struct {
	r    *Relay
	code string
	wake chan struct{}

	failures int       // failures to reach the peer in a row
	retryAt  time.Time // nothing is sent before, unless a probe gets an answer
	probeAt  time.Time // next probe while the peer is known down
	checkAt  time.Time // next check of the delay thresholds
	lastErr  string
	reported int // the queue size last reported
}

func (w *worker) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *worker) run(ctx context.Context) {
	defer w.r.wg.Done()
	for ctx.Err() == nil {
		wait := w.step(ctx)
		if wait <= 0 {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// step does what is due now and returns how long to wait before the next step (0: more
// is due at once).
//
// While the peer is known down the worker sends nothing until its backoff ends, but probes
// the peer every few seconds with a cheap GET /api/health; the first answer ends the
// backoff, so a backlog drains as soon as the peer is back rather than up to 5 minutes
// later. Rows queued meanwhile wait without being tried.
func (w *worker) step(ctx context.Context) time.Duration {
	now := w.r.now()
	if !now.Before(w.checkAt) {
		w.checkAt = now.Add(w.r.opts.Sweep)
		if err := w.checkThresholds(now); err != nil {
			w.r.app.Logger().Error("federation: checking delays", "peer", w.code, "error", err)
		}
	}
	up := false
	if now.Before(w.retryAt) {
		if now.Before(w.probeAt) || !w.probe(ctx) {
			if !now.Before(w.probeAt) {
				w.probeAt = now.Add(w.r.opts.ProbeEvery/2 + w.r.randN(w.r.opts.ProbeEvery/2+1))
			}
			return earliest(now, w.retryAt, w.probeAt, w.checkAt)
		}
		w.recovered()
		up = true
	}
	more, err := w.pass(ctx, now, up)
	if err != nil {
		w.r.app.Logger().Error("federation: sending", "peer", w.code, "error", err)
	}
	if more {
		return 0
	}
	return w.nextWait(now)
}

// recovered ends the backoff: the peer answered a probe.
func (w *worker) recovered() {
	w.r.app.Logger().Info("federation: peer answers again", "peer", w.code, "failures", w.failures)
	w.failures, w.retryAt = 0, time.Time{}
}

// nextWait is the time until the next row is due, or until the next threshold check while
// rows wait.
func (w *worker) nextWait(now time.Time) time.Duration {
	q, err := w.queue(now)
	if err != nil || q.count == 0 {
		return idleWait
	}
	next := w.checkAt
	if !q.nextAt.IsZero() && q.nextAt.Before(next) {
		next = q.nextAt
	}
	return max(next.Sub(now), 10*time.Millisecond)
}

// pass sends up to a batch of due rows and reports whether more may be due. up says the
// peer just answered a probe.
//
// The rows' missing envelopes are built a few alerts to a transaction, the rows are
// posted a few at a time once the peer is known up (see deliverAll), and those delivered
// are marked sent in one transaction.
//
// A failure to reach the peer backs the whole peer off, unless the peer was just seen up
// (it answered a probe, or took a row in this pass): then the failure is the row's, which
// goes to the back of the line, so that one envelope the peer chokes on cannot hold up
// the others. A second failure in a row backs the peer off all the same.
func (w *worker) pass(ctx context.Context, now time.Time, up bool) (bool, error) {
	rows, err := w.due(now)
	if err != nil || len(rows) == 0 {
		return false, w.report(now, false)
	}
	full := len(rows) == batch
	peer, err := w.r.peers.load(w.r.app, w.code)
	if err != nil {
		for _, row := range rows {
			w.refuse(row, err, now)
		}
		if errors.Is(err, ErrNotTrusted) {
			w.untrusted(rows)
		}
		return full, w.report(now, false)
	}
	d := w.deliverAll(ctx, peer, rows, now, up)
	delivered := w.record(d.results, now)
	if d.stop != nil {
		w.down(d.stop, now)
		return false, w.report(now, delivered)
	}
	if ctx.Err() != nil {
		return false, nil
	}
	return full, w.report(now, delivered)
}

// prepare builds the envelopes the rows do not have yet, all in one transaction, and
// returns the rows ready to send, in their order. If that transaction fails, each row is
// built on its own, so that one row that cannot be built (its alert is gone) holds up no
// other.
func (w *worker) prepare(rows []*core.Record, now time.Time) []*core.Record {
	var unbuilt []*core.Record
	for _, row := range rows {
		if row.GetString("envelope") == "" {
			unbuilt = append(unbuilt, row)
		}
	}
	if len(unbuilt) == 0 || buildAll(w.r.app, w.r.cfg, unbuilt, now) == nil {
		return rows
	}
	for _, row := range unbuilt {
		row.Set("envelope", "") // not stored: the transaction rolled back
		row.Set("signature", "")
	}
	ready := make([]*core.Record, 0, len(rows))
	for _, row := range rows {
		if row.GetString("envelope") != "" || w.buildOne(row, now) {
			ready = append(ready, row)
		}
	}
	return ready
}

// buildOne builds one row's envelope, and records why when it cannot.
func (w *worker) buildOne(row *core.Record, now time.Time) bool {
	err := buildAll(w.r.app, w.r.cfg, []*core.Record{row}, now)
	switch {
	case errors.Is(err, errAlertGone):
		w.giveUp(row, err)
	case err != nil:
		row.Set("envelope", "")
		row.Set("signature", "")
		w.refuse(row, err, now)
	}
	return err == nil
}

// record stores the outcomes of a pass's deliveries and reports whether any row was
// delivered.
func (w *worker) record(results []result, now time.Time) bool {
	var delivered []*core.Record
	for _, res := range results {
		switch res.out {
		case sent:
			delivered = append(delivered, res.row)
		case down:
			w.requeue(res.row, res.err, now)
		case refused:
			w.refuse(res.row, res.err, now)
		}
	}
	w.markSent(delivered, now)
	return len(delivered) > 0
}

// due returns up to a batch of the peer's rows due now.
func (w *worker) due(now time.Time) ([]*core.Record, error) {
	return outbox.FederationDue(w.r.app, w.code, now, batch)
}

func earliest(now time.Time, ts ...time.Time) time.Duration {
	var first time.Time
	for _, t := range ts {
		if t.After(now) && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	if first.IsZero() {
		return 0
	}
	return first.Sub(now)
}

func dateString(t time.Time) string {
	dt, _ := types.ParseDateTime(t.UTC())
	return dt.String()
}
