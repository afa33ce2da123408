package federation

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/records"
)

// Delivery thresholds: late rows are shown to the origin's advisers, then escalated.
const (
	DelayedAfter   = 2 * time.Minute
	EscalatedAfter = 10 * time.Minute
)

// Relay levels of an outbox row (relay_level) and alert (relay_status).
const (
	levelDelayed   = 1
	levelEscalated = 2
)

// checkThresholds flags the peer's rows that crossed a threshold since the last check:
// each flags its alert (relay_status, which advisers filter on), writes a timeline event
// and, on escalation, raises the alert's escalation level and wakes every staff member.
func (w *worker) checkThresholds(now time.Time) error {
	var rows []*core.Record
	err := w.r.app.RecordQuery("outbox").
		Where(outbox.PendingFederation()).
		AndWhere(dbx.HashExp{"target": w.code}).
		AndWhere(dbx.NewExp("(relay_level < 1 AND created <= {:delayed}) OR (relay_level < 2 AND created <= {:escalated})", dbx.Params{
			"delayed":   dateString(now.Add(-DelayedAfter)),
			"escalated": dateString(now.Add(-EscalatedAfter)),
		})).
		OrderBy("created ASC").
		Limit(500).
		All(&rows)
	if err != nil {
		return err
	}
	for _, row := range rows {
		level := levelDelayed
		if now.Sub(row.GetDateTime("created").Time()) >= EscalatedAfter {
			level = levelEscalated
		}
		if err := w.r.app.RunInTransaction(func(tx core.App) error { return w.flag(tx, row, level) }); err != nil {
			return err
		}
	}
	return nil
}

func (w *worker) flag(tx core.App, row *core.Record, level int) error {
	row.Set("relay_level", level)
	if err := records.Save(tx, row); err != nil {
		return err
	}
	alert, err := alerts.FindByUID(tx, row.GetString("alert"))
	if err != nil {
		return nil // gone: the row is given up on when it is sent
	}
	if alert.GetString("relay_status") == vocab.RelayUntrusted {
		return nil // the case is this consulate's already, and its timeline says why
	}
	c := alerts.Change{Actor: "system", Event: vocab.EventRelayDelayed, EventData: map[string]any{"to": w.code, "attempts": row.GetInt("attempts")}}
	if level == levelDelayed {
		if st := alert.GetString("relay_status"); st == "" || st == vocab.RelaySending || st == vocab.RelayDelivered {
			alert.Set("relay_status", vocab.RelayDelayed)
			if err := records.Save(tx, alert); err != nil {
				return err
			}
		}
		return alerts.RecordChange(tx, w.r.cfg, alert, c)
	}
	c.Event = vocab.EventRelayEscalated
	alert.Set("relay_status", vocab.RelayEscalated)
	alert.Set("escalation_level", max(alert.GetInt("escalation_level"), 1))
	if err := records.Save(tx, alert); err != nil {
		return err
	}
	c.Staff, c.StaffTo, c.City = notify.PeerUndelivered, notify.AllStaff, city(w.code)
	return alerts.RecordChange(tx, w.r.cfg, alert, c)
}

// queueStats is a peer's undelivered rows.
type queueStats struct {
	count  int
	oldest time.Time // created, of the oldest
	nextAt time.Time // when the next row not due yet falls due
}

func (w *worker) queue(now time.Time) (queueStats, error) {
	var row struct {
		Count  int    `db:"n"`
		Oldest string `db:"oldest"`
		NextAt string `db:"next_at"`
	}
	err := w.r.app.DB().Select("count(*) AS n", "coalesce(min(created), '') AS oldest",
		"coalesce(min(CASE WHEN next_at > {:now} THEN next_at END), '') AS next_at").
		From("outbox").
		Where(outbox.PendingFederation()).
		AndWhere(dbx.HashExp{"target": w.code}).
		Bind(dbx.Params{"now": dateString(now)}).
		One(&row)
	q := queueStats{count: row.Count}
	q.oldest = parseDate(row.Oldest)
	q.nextAt = parseDate(row.NextAt)
	return q, err
}

func parseDate(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	dt, err := typesParse(s)
	if err != nil {
		return time.Time{}
	}
	return dt
}
