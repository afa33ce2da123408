// Package alerts is the alert lifecycle. Every alert is created by Raise from a Draft,
// whatever its source (the button, a relative, a missed check-in, staff, a peer consulate);
// SetStatus is the one rule for a status and its dates, and RecordChange records every change
// (an adviser's update, the person's PIN, a peer's state or note, the relay's lateness, an
// escalation) on the timeline with its notices. Every creation and change is one transaction: the alert, its
// timeline event and the outbox rows that tell relatives, staff and peer consulates; nothing
// is sent from inside a request. The values it shares with the schema are in vocab.
package alerts

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/directory"
)

// Values of the alerts collection's select fields (their one definition is vocab's).
const (
	StatusNew          = vocab.StatusNew
	StatusAcknowledged = vocab.StatusAcknowledged
	StatusInProgress   = vocab.StatusInProgress
	StatusResolved     = vocab.StatusResolved
	StatusFalseAlarm   = vocab.StatusFalseAlarm
	StatusCancelled    = vocab.StatusCancelled

	SourceButton     = vocab.SourceButton
	SourceFamily     = vocab.SourceFamily
	SourceStaff      = vocab.SourceStaff
	SourceCheckin    = vocab.SourceCheckin
	SourceWalkin     = vocab.SourceWalkin
	SourceFederation = vocab.SourceFederation
)

// Bind registers the records API hooks for staff and the append-only timeline; the alert
// routes (the registrant's only way to read alerts) are declared in server/routes.go.
func Bind(app core.App, cfg *appliance.Config, dir *directory.Table) {
	// Outermost (priority -1), so that the other request hooks (the audit log's) write
	// inside the same transaction.
	app.OnRecordCreateRequest("alerts").Bind(&hook.Handler[*core.RecordRequestEvent]{
		Func: staffCreate(cfg, dir), Priority: -1,
	})
	app.OnRecordUpdateRequest("alerts").Bind(&hook.Handler[*core.RecordRequestEvent]{
		Func: staffUpdate(cfg), Priority: -1,
	})
	app.OnRecordDeleteRequest("alerts").BindFunc(refuseAlertDelete)

	app.OnRecordUpdateRequest("alert_events").BindFunc(refuseTimelineChangeRequest)
	app.OnRecordDeleteRequest("alert_events").BindFunc(refuseTimelineChangeRequest)
	bindNotes(app)
	app.OnRecordUpdate("alert_events").BindFunc(refuseTimelineChange)
	app.OnRecordDelete("alert_events").BindFunc(refuseTimelineChange)
}
