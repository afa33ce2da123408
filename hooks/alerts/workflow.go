package alerts

import (
	"net/http"
	"slices"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/privacy"
)

// nextStatuses is the advisers' workflow. Cancelled is the person's, through the cancel route.
var nextStatuses = map[string][]string{
	StatusNew:          {StatusAcknowledged, StatusResolved, StatusFalseAlarm},
	StatusAcknowledged: {StatusInProgress, StatusResolved, StatusFalseAlarm},
	StatusInProgress:   {StatusResolved, StatusFalseAlarm},
}

// lockedFields are fixed when the alert is raised.
var lockedFields = []string{"uid", "registrant", "source", "origin_consulate"}

// changes is what a staff update did that the timeline records.
type changes struct {
	from, to           string
	assignedChanged    bool
	facilityChanged    bool
	aNumberChanged     bool
	notesChanged       bool
	assigned, facility string
}

// staffUpdate checks a staff update through the records API against the workflow and writes
// its timeline events and milestone notifications in the same transaction.
func staffUpdate(cfg *appliance.Config) func(e *core.RecordRequestEvent) error {
	return func(e *core.RecordRequestEvent) error {
		return inTransaction(e, func(tx core.App) error {
			if err := checkUpdate(tx, e); err != nil {
				return err
			}
			c := diff(cfg, e.Record)
			if err := e.Next(); err != nil {
				return err
			}
			return recordChanges(tx, cfg, e.Record, c, "staff:"+e.Auth.Id)
		})
	}
}

func checkUpdate(app core.App, e *core.RecordRequestEvent) error {
	r, old := e.Record, e.Record.Original()
	lang := i18n.Lang(e.RequestEvent)
	current, err := app.FindRecordById("alerts", r.Id)
	if err != nil {
		return err
	}
	if current.GetDateTime("updated").String() != old.GetDateTime("updated").String() {
		// Changed since PocketBase read it (the person's PIN, another adviser): saving the
		// stale copy would undo that change.
		return e.Error(http.StatusConflict, msgStale.In(lang), nil)
	}
	errs := validation.Errors{}
	for _, f := range lockedFields {
		if r.GetString(f) != old.GetString(f) {
			errs[f] = validation.NewError("locked", msgLocked.In(lang))
		}
	}
	if r.GetBool("duress") != old.GetBool("duress") {
		errs["duress"] = validation.NewError("duress_by_pin", msgNoDuressFlag.In(lang))
	}
	from, to := old.GetString("status"), r.GetString("status")
	if from != to && !slices.Contains(nextStatuses[from], to) {
		errs["status"] = validation.NewError("invalid_transition", msgBadStatus.In(lang))
	}
	if len(errs) > 0 {
		return e.BadRequestError(msgInvalid.In(lang), errs)
	}
	if from != to {
		stamp(r, to)
	}
	return nil
}

func stamp(r *core.Record, status string) {
	switch status {
	case StatusAcknowledged:
		if r.GetDateTime("acknowledged_at").IsZero() {
			r.Set("acknowledged_at", now())
		}
	case StatusResolved, StatusFalseAlarm:
		r.Set("closed_at", now())
	}
}

// diff compares the update with the stored alert; sealed fields are compared opened.
func diff(cfg *appliance.Config, r *core.Record) changes {
	old := r.Original()
	return changes{
		from:            old.GetString("status"),
		to:              r.GetString("status"),
		assignedChanged: r.GetString("assigned_to") != old.GetString("assigned_to"),
		assigned:        r.GetString("assigned_to"),
		facilityChanged: r.GetString("facility") != old.GetString("facility"),
		facility:        r.GetString("facility"),
		aNumberChanged:  opened(cfg, r, "a_number") != opened(cfg, old, "a_number"),
		notesChanged:    opened(cfg, r, "internal_notes") != opened(cfg, old, "internal_notes"),
	}
}

func opened(cfg *appliance.Config, r *core.Record, field string) string {
	v, err := privacy.Open(cfg.Sealer(), r, field)
	if err != nil {
		return r.GetString(field)
	}
	return v
}

// recordChanges writes one event per change and the milestones the registrant and relatives
// are told.
func recordChanges(app core.App, cfg *appliance.Config, alert *core.Record, c changes, actor string) error {
	if err := writeEvents(app, alert, c, actor); err != nil {
		return err
	}
	n := newNotifier(app, cfg, alert, nil)
	n.facility = c.facility
	n.wasClosed = !slices.Contains(openStatuses, c.from)
	if c.from != c.to {
		if err := statusMilestone(n, c.to); err != nil {
			return err
		}
	}
	if c.assignedChanged && c.assigned != "" {
		if err := milestone(n, msgAssigned, levelStatus, msgRelativeAssigned); err != nil {
			return err
		}
	}
	if c.facilityChanged && c.facility != "" {
		// Where the person is held: to relatives with disclosure "all" only, never to the
		// registrant's phone.
		if err := n.relatives(levelAll, msgRelativeFacility, ""); err != nil {
			return err
		}
	}
	if c.from != c.to || c.assignedChanged || c.facilityChanged {
		return n.peers(FederationStatus)
	}
	return nil
}

// writeEvents appends the update's events. On an alert under duress they are all staff-only:
// the registrant's timeline stops at the cancellation it was shown.
func writeEvents(app core.App, alert *core.Record, c changes, actor string) error {
	hidden := alert.GetBool("duress")
	type event struct {
		typ       string
		staffOnly bool
		data      map[string]any
	}
	var events []event
	if c.from != c.to {
		events = append(events, event{EventStatus, hidden, map[string]any{"from": c.from, "to": c.to}})
	}
	if c.assignedChanged {
		events = append(events, event{EventAssigned, hidden, map[string]any{"assigned": c.assigned != ""}})
	}
	if c.facilityChanged && c.facility != "" {
		events = append(events, event{EventFacilitySet, hidden, nil})
	}
	if c.facilityChanged && c.facility == "" {
		events = append(events, event{EventFacilityCleared, hidden, nil})
	}
	if c.aNumberChanged {
		events = append(events, event{EventANumber, true, nil})
	}
	if c.notesChanged {
		events = append(events, event{EventInternalNotes, true, nil})
	}
	for _, ev := range events {
		if err := AddEvent(app, alert, ev.typ, actor, ev.staffOnly, ev.data); err != nil {
			return err
		}
	}
	return nil
}

func statusMilestone(n *notifier, status string) error {
	switch status {
	case StatusAcknowledged:
		return milestone(n, msgAcknowledged, levelStatus, msgRelativeAcknowledged)
	case StatusResolved:
		return milestone(n, msgResolved, levelStatus, msgRelativeResolved)
	case StatusFalseAlarm:
		return milestone(n, msgFalseAlarm, levelStatus, msgRelativeFalseAlarm)
	}
	return nil
}

// milestone tells the registrant self and the relatives rel (as far as level is disclosed).
// The registrant's phone is told nothing of an alert under duress (see notifier.registrant).
func milestone(n *notifier, self notice, level string, rel notice) error {
	if err := n.registrant(self); err != nil {
		return err
	}
	return n.relatives(level, rel, "")
}

// AnnounceStatus tells the registrant and relatives of a status another consulate set on
// this consulate's copy of the case, as an adviser's change here would.
func AnnounceStatus(app core.App, cfg *appliance.Config, alert *core.Record, status string) error {
	return statusMilestone(newNotifier(app, cfg, alert, nil), status)
}
