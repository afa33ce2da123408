package schedule

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/alerts"
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
			URL:   alerts.StaffURL(alert),
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
