// Package alerts raises alerts and carries them through the advisers' workflow. Every change
// is one transaction: the alert, its timeline event and the outbox rows that tell relatives,
// staff and peer consulates; nothing is sent from inside a request.
package alerts

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/family"
	"alertbutton/hooks/groupcommit"
	"alertbutton/hooks/pace"
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

// Bind registers the alert routes (the registrant's only way to read alerts), the records API
// hooks for staff and the append-only timeline.
func Bind(app core.App, cfg *appliance.Config, commits *groupcommit.Committer, p *pace.Pace) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// A press is recorded by the alert and its timeline; PocketBase's request log would
		// add a row per press and cost 5% of the CPU in a surge. Refused presses are logged.
		se.Router.POST("/api/alertbutton/alerts", createRoute(cfg, commits)).Bind(apis.SkipSuccessActivityLog())
		se.Router.GET("/api/alertbutton/alerts", listRoute)
		se.Router.GET("/api/alertbutton/alerts/{uid}", viewRoute)
		se.Router.POST("/api/alertbutton/alerts/{uid}/cancel", pinRoute(cfg, p, cancelling))
		se.Router.POST("/api/alertbutton/alerts/{uid}/safe", pinRoute(cfg, p, releasing))
		se.Router.POST(family.Path+"/alerts", familyRoute(cfg, commits)) // the token in family.Header
		se.Router.POST(family.Path+"/{token}/alerts", familyRoute(cfg, commits))
		return se.Next()
	})

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
