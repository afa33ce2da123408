package federation

import (
	"database/sql"
	"errors"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/outbox"
	"alertbutton/hooks/records"
)

// report keeps the peer's federation_peers row (what IT sees in the admin UI and in
// /api/federation/v1/health) up to date. It writes only when something changed.
func (w *worker) report(now time.Time, delivered bool) error {
	q, err := w.queue(now)
	if err != nil {
		return err
	}
	if !delivered && w.lastErr == "" && q.count == w.reported {
		return nil
	}
	rec, err := w.r.app.FindFirstRecordByData("federation_peers", "code", w.code)
	if errors.Is(err, sql.ErrNoRows) {
		c, cerr := w.r.app.FindCachedCollectionByNameOrId("federation_peers")
		if cerr != nil {
			return cerr
		}
		rec = core.NewRecord(c)
		rec.Set("code", w.code)
	} else if err != nil {
		return err
	}
	rec.Set("queue", q.count)
	rec.Set("oldest", optionalDate(q.oldest))
	rec.Set("retry_at", optionalDate(w.retryAt))
	switch {
	case delivered:
		rec.Set("last_success_at", now)
		rec.Set("failing_since", "") // it answers again: the outage, if any, is over
	case w.lastErr != "" && rec.GetDateTime("failing_since").IsZero():
		rec.Set("failing_since", now)
	}
	if w.lastErr != "" {
		rec.Set("last_error", outbox.LastError(w.lastErr))
		rec.Set("last_error_at", now)
		w.lastErr = ""
	}
	w.reported = q.count
	return records.Save(w.r.app, rec)
}

func optionalDate(t time.Time) any {
	if t.IsZero() {
		return ""
	}
	return t
}

func typesParse(s string) (time.Time, error) {
	dt, err := types.ParseDateTime(s)
	return dt.Time(), err
}
