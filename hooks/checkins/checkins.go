// Package checkins runs the registrants' check-in timers. A person arms one before an
// immigration appointment and says "I am OK" afterwards; if they do not, the server raises the
// alert by itself, since their phone may have been taken from them.
package checkins

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Values of the checkins collection's status field.
const (
	StatusArmed     = "armed"
	StatusDone      = "done"
	StatusFired     = "fired"
	StatusCancelled = "cancelled"
)

// MaxAhead is how far ahead a check-in may be due.
const MaxAhead = 7 * 24 * time.Hour

// maxPlace is the longest place a person may describe; the alert's location holds it.
const maxPlace = 500

// Bind registers the done route and the checks on the records API.
func Bind(app core.App) {
	app.OnRecordCreate("checkins").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("status") == "" {
			e.Record.Set("status", StatusArmed)
		}
		return e.Next()
	})
	app.OnRecordCreateRequest("checkins").BindFunc(checkCreate)
	app.OnRecordUpdateRequest("checkins").BindFunc(checkUpdate)
}
