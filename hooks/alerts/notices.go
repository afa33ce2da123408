package alerts

import (
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/notify"
)

// newNotifier returns the audiences of the alert's notices; registrant may be nil.
func newNotifier(app core.App, cfg *appliance.Config, alert, registrant *core.Record) *notify.Alert {
	n := notify.About(app, cfg, alert, registrant)
	n.PersonClosed = PersonClosed
	return n
}

// createdNotice is what relatives are told of a new alert, by who raised it.
func createdNotice(alert *core.Record) notify.Notice {
	switch alert.GetString("source") {
	case SourceButton:
		return notify.RelativeButton
	case SourceFamily:
		return notify.RelativeReport
	}
	return notify.RelativeConsulate
}
