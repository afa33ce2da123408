// Package alerts raises alerts and carries them through the advisers' workflow. Every change
// is one transaction: the alert, its timeline event and the outbox rows that tell relatives,
// staff and peer consulates; nothing is sent from inside a request.
package alerts

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/hooks/appliance"
)

// Values of the alerts collection's select fields.
const (
	StatusNew          = "new"
	StatusAcknowledged = "acknowledged"
	StatusInProgress   = "in_progress"
	StatusResolved     = "resolved"
	StatusFalseAlarm   = "false_alarm"
	StatusCancelled    = "cancelled"

	SourceButton     = "button"
	SourceFamily     = "family"
	SourceStaff      = "staff"
	SourceCheckin    = "checkin"
	SourceWalkin     = "walkin"
	SourceFederation = "federation"
)

// Bind registers the records API hooks for staff and the append-only timeline; the alert
// routes (the registrant's only way to read alerts) are declared in server/routes.go.
func Bind(app core.App, cfg *appliance.Config) {
	// Outermost (priority -1), so that the other request hooks (the audit log's) write
	// inside the same transaction.
	app.OnRecordCreateRequest("alerts").Bind(&hook.Handler[*core.RecordRequestEvent]{
		Func: staffCreate(cfg), Priority: -1,
	})
	app.OnRecordUpdateRequest("alerts").Bind(&hook.Handler[*core.RecordRequestEvent]{
		Func: staffUpdate(cfg), Priority: -1,
	})
	app.OnRecordDeleteRequest("alerts").BindFunc(refuseAlertDelete)

	app.OnRecordUpdateRequest("alert_events").BindFunc(refuseTimelineChangeRequest)
	app.OnRecordDeleteRequest("alert_events").BindFunc(refuseTimelineChangeRequest)
	app.OnRecordUpdate("alert_events").BindFunc(refuseTimelineChange)
	app.OnRecordDelete("alert_events").BindFunc(refuseTimelineChange)
}
