package schedule

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/i18n"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
)

// Timeline event types the jobs write.
const (
	EventEscalated        = "escalated"
	EventRetentionApplied = "retention_applied"
)

// PayloadEscalated is the push type of an escalation, to staff only.
const PayloadEscalated = "alert.escalated"

// batch bounds one pass of a job; the next run takes the rest.
const batch = 500

// addEvent appends a system event to an alert's timeline; data holds no personal data.
func addEvent(app core.App, alert *core.Record, typ string, staffOnly bool, data map[string]any) error {
	c, err := app.FindCachedCollectionByNameOrId("alert_events")
	if err != nil {
		return err
	}
	ev := core.NewRecord(c)
	ev.Set("alert", alert.Id)
	ev.Set("type", typ)
	ev.Set("actor", "system")
	ev.Set("staff_only", staffOnly)
	ev.Set("data", data)
	return app.Save(ev)
}

// notice is a push to staff about one alert; it names nobody.
type notice struct{ title, body i18n.Text }

// notifyStaff queues n to each staff subscription, in the caller's transaction.
func notifyStaff(app core.App, alert *core.Record, subs []*core.Record, n notice) error {
	for _, s := range subs {
		lang := s.GetString("language")
		if lang != "en" {
			lang = "es"
		}
		p := push.Payload{
			Type:  PayloadEscalated,
			Alert: alert.GetString("uid"),
			Title: n.title.In(lang),
			Body:  n.body.In(lang),
			URL:   "/_/#/collections?collection=alerts&record=" + alert.Id,
			Lang:  lang,
		}
		if err := outbox.Push(app, s.Id, p); err != nil {
			return err
		}
	}
	return nil
}

// dbTime is a time as PocketBase stores dates, for comparisons in SQL.
func dbTime(t time.Time) string {
	dt, _ := types.ParseDateTime(t.UTC())
	return dt.String()
}
