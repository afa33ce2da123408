package alerts

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
)

// SetStatus moves the alert to status and stamps the dates it implies. It is the one place
// that writes acknowledged_at and closed_at:
//   - acknowledged_at is when someone first took the case up (acknowledged or in progress);
//     it is never moved;
//   - closed_at is when the alert last closed: it is stamped when an open alert closes (a
//     case a peer reopened and closed again was closed then, which retention counts from),
//     and kept while it goes from one closed status to another.
func SetStatus(alert *core.Record, status string) {
	from := alert.GetString("status")
	alert.Set("status", status)
	switch {
	case isOpenStatus(status) && status != vocab.StatusNew:
		if alert.GetDateTime("acknowledged_at").IsZero() {
			alert.Set("acknowledged_at", now())
		}
	case !isOpenStatus(status):
		if isOpenStatus(from) || alert.GetDateTime("closed_at").IsZero() {
			alert.Set("closed_at", now())
		}
	}
}

func isOpenStatus(status string) bool { return slices.Contains(vocab.OpenStatuses, status) }

func isOpen(alert *core.Record) bool { return isOpenStatus(alert.GetString("status")) }
