package alerts

import (
	"net/http"
	"slices"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/privacy"
)

// nextStatuses is the advisers' workflow. Cancelled is the person's, through the cancel route.
var nextStatuses = map[string][]string{
	StatusNew:          {StatusAcknowledged, StatusResolved, StatusFalseAlarm},
	StatusAcknowledged: {StatusInProgress, StatusResolved, StatusFalseAlarm},
	StatusInProgress:   {StatusResolved, StatusFalseAlarm},
}

// lockedFields are fixed when the alert is raised, or set by the server alone
// (nobody_reached_at: staff cannot hide that escalation reached nobody).
var lockedFields = []string{"uid", "registrant", "source", "origin_consulate", "nobody_reached_at"}

// staffUpdate checks a staff update through the records API against the workflow and writes
// its timeline events and milestone notifications in the same transaction.
func staffUpdate(cfg *appliance.Config) func(e *core.RecordRequestEvent) error {
	return func(e *core.RecordRequestEvent) error {
		return inTransaction(e, func(tx core.App) error {
			if err := checkUpdate(tx, e); err != nil {
				return err
			}
			c := diff(cfg, e.Record, "staff:"+e.Auth.Id)
			if err := e.Next(); err != nil {
				return err
			}
			return RecordChange(tx, cfg, e.Record, c)
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
		// The request set the status: stamp its dates as any change of status does.
		r.Set("status", from)
		SetStatus(r, to)
	}
	return nil
}

// diff compares the update with the stored alert; sealed fields are compared opened.
func diff(cfg *appliance.Config, r *core.Record, actor string) Change {
	old := r.Original()
	return Change{
		Actor:           actor,
		From:            old.GetString("status"),
		To:              r.GetString("status"),
		FromTarget:      old.GetString("target_consulate"),
		ToTarget:        r.GetString("target_consulate"),
		AssignedChanged: r.GetString("assigned_to") != old.GetString("assigned_to"),
		Assigned:        r.GetString("assigned_to"),
		FacilityChanged: r.GetString("facility") != old.GetString("facility"),
		Facility:        r.GetString("facility"),
		ANumberChanged:  opened(cfg, r, "a_number") != opened(cfg, old, "a_number"),
		NotesChanged:    opened(cfg, r, "internal_notes") != opened(cfg, old, "internal_notes"),
	}
}

func opened(cfg *appliance.Config, r *core.Record, field string) string {
	v, err := privacy.Open(cfg.Sealer(), r, field)
	if err != nil {
		return r.GetString(field)
	}
	return v
}

func statusMilestone(n *notify.Alert, status string) error {
	switch status {
	case StatusAcknowledged:
		return milestone(n, notify.Acknowledged, notify.LevelStatus, notify.RelativeAcknowledged)
	case StatusResolved:
		return milestone(n, notify.Resolved, notify.LevelStatus, notify.RelativeResolved)
	case StatusFalseAlarm:
		return milestone(n, notify.FalseAlarm, notify.LevelStatus, notify.RelativeFalseAlarm)
	}
	return nil
}

// milestone tells the registrant self and the relatives rel (as far as level is disclosed).
// The registrant's phone is told nothing of an alert under duress (see notify.Alert.Registrant).
func milestone(n *notify.Alert, self notify.Notice, level string, rel notify.Notice) error {
	if err := n.Registrant(self); err != nil {
		return err
	}
	return n.Relatives(level, rel, "")
}
