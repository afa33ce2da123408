package alerts

import (
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/records"
)

// Timeline event types (alert_events.type; their one definition is vocab's).
const (
	EventCreated           = vocab.EventCreated
	EventStatus            = vocab.EventStatus
	EventCancelled         = vocab.EventCancelled
	EventReleased          = vocab.EventReleased
	EventDuress            = vocab.EventDuress
	EventPinFailed         = vocab.EventPinFailed
	EventCancelAfterDuress = vocab.EventCancelAfterDuress
	EventSafeAfterDuress   = vocab.EventSafeAfterDuress
	EventAssigned          = vocab.EventAssigned
	EventFacilitySet       = vocab.EventFacilitySet
	EventFacilityCleared   = vocab.EventFacilityCleared
	EventANumber           = vocab.EventANumber
	EventInternalNotes     = vocab.EventInternalNotes
	EventTransferred       = vocab.EventTransferred
	EventChanged           = vocab.EventChanged
	EventNoteAdded         = vocab.EventNoteAdded
)

var errAppendOnly = errors.New("the alert timeline is append-only: its events cannot be changed or deleted")

// AddEvent appends to the alert's timeline. data never holds personal data. A staff-only
// event is not shown to the registrant.
func AddEvent(app core.App, alert *core.Record, typ, actor string, staffOnly bool, data map[string]any) error {
	c, err := app.FindCachedCollectionByNameOrId("alert_events")
	if err != nil {
		return err
	}
	if actor == "" {
		actor = "system"
	}
	ev := core.NewRecord(c)
	ev.Set("alert", alert.Id)
	ev.Set("type", typ)
	ev.Set("actor", actor)
	ev.Set("staff_only", staffOnly)
	if data != nil {
		ev.Set("data", data)
	}
	return records.Save(app, ev)
}

// countEvents counts an alert's events of one type.
func countEvents(app core.App, alertID, typ string) (int, error) {
	var n int
	err := app.DB().Select("count(*)").From("alert_events").
		Where(dbx.HashExp{"alert": alertID, "type": typ}).Row(&n)
	return n, err
}

func refuseTimelineChange(*core.RecordEvent) error { return errAppendOnly }

func refuseTimelineChangeRequest(e *core.RecordRequestEvent) error {
	return e.ForbiddenError(msgAppendOnly.In(i18n.Lang(e.RequestEvent)), nil)
}

func refuseAlertDelete(e *core.RecordRequestEvent) error {
	return e.ForbiddenError(msgNoDelete.In(i18n.Lang(e.RequestEvent)), nil)
}
