package alerts

import (
	"net/http"
	"slices"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
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

// lockedFields are what staff never change on an alert: what was fixed when it was raised
// (who, how, and what the person reported: the point and the note; the place is corrected in
// place), how it was routed (a transfer changes target_consulate), and what the server
// records (the workflow's dates, the relay's and the escalation's state). Status follows
// nextStatuses; duress and escalation_level have their own rules (checkFacts).
var lockedFields = []string{
	"uid", "registrant", "source", "origin_consulate", "home_consulate", "route_basis",
	"county_geoid", "zip", "location", "note", "created", "acknowledged_at", "closed_at",
	"nobody_reached_at", "relay_status",
}

// staffUpdate checks a staff update through the records API against the workflow and writes
// its timeline events and milestone notifications in the same transaction.
func staffUpdate(cfg *appliance.Config) func(e *core.RecordRequestEvent) error {
	return func(e *core.RecordRequestEvent) error {
		return inTransaction(e, func(tx core.App) error {
			if err := checkUpdate(tx, cfg, e); err != nil {
				return err
			}
			c, err := diff(tx, cfg, e.Record, "staff:"+e.Auth.Id)
			if err != nil {
				return err
			}
			if err := e.Next(); err != nil {
				return err
			}
			return RecordChange(tx, cfg, e.Record, c)
		})
	}
}

func checkUpdate(app core.App, cfg *appliance.Config, e *core.RecordRequestEvent) error {
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
	if old.GetBool("duress") && !r.GetBool("duress") && privacy.StaffRole(e.Auth) != privacy.RoleConsul {
		// Clearing duress shows the phone the case again: a consul decides it.
		return e.ForbiddenError(msgConsulClearsDuress.In(lang), nil)
	}
	errs := validation.Errors{}
	for _, f := range lockedFields {
		if opened(cfg, r, f) != opened(cfg, old, f) {
			errs[f] = validation.NewError("locked", msgLocked.In(lang))
		}
	}
	checkFacts(app, r, old, lang, errs)
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

// checkFacts adds to errs the facts r changes as staff may not: setting duress (the person's
// PIN does), lowering the escalation (it records who was woken), assigning someone who cannot
// read the case, or a facility IT retired.
func checkFacts(app core.App, r, old *core.Record, lang string, errs validation.Errors) {
	if r.GetBool("duress") && !old.GetBool("duress") {
		errs["duress"] = validation.NewError("duress_by_pin", msgNoDuressFlag.In(lang))
	}
	if r.GetInt("escalation_level") < old.GetInt("escalation_level") {
		errs["escalation_level"] = validation.NewError("escalation_lowered", msgNoLowering.In(lang))
	}
	if id := r.GetString("assigned_to"); id != "" && id != old.GetString("assigned_to") {
		who, err := app.FindRecordById(core.CollectionNameSuperusers, id)
		if err != nil || !privacy.ReadsPersonalData(privacy.StaffRole(who)) {
			errs["assigned_to"] = validation.NewError("assign_case_staff", msgAssignCaseStaff.In(lang))
		}
	}
	if id := r.GetString("facility"); id != "" && id != old.GetString("facility") {
		f, err := app.FindRecordById("facilities", id)
		if err != nil || !f.GetBool("active") {
			errs["facility"] = validation.NewError("facility_inactive", msgFacilityInactive.In(lang))
		}
	}
}

// diff compares the update with the stored alert: its status and the facts it changes
// (sealed ones compared opened), with the name of a facility it sets for the notices.
func diff(app core.App, cfg *appliance.Config, r *core.Record, actor string) (Change, error) {
	old := r.Original()
	c := Change{
		Actor:     actor,
		From:      old.GetString("status"),
		To:        r.GetString("status"),
		FromLevel: old.GetInt("escalation_level"),
		ToLevel:   r.GetInt("escalation_level"),
	}
	for _, field := range vocab.ChangedFields {
		from, to := factValue(cfg, old, field), factValue(cfg, r, field)
		if from != to {
			c.Facts = append(c.Facts, Fact{Field: field, From: from, To: to})
		}
	}
	if f, ok := c.fact(vocab.FieldFacility); ok && f.To != "" {
		name, err := FacilityName(app, f.To.(string))
		if err != nil {
			return c, err
		}
		c.Facility = name
	}
	return c, nil
}

// factValue is the value of a fact as its event records it.
func factValue(cfg *appliance.Config, r *core.Record, field string) any {
	switch field {
	case vocab.FieldDuress:
		return r.GetBool(field)
	case vocab.FieldEscalationLevel:
		return r.GetInt(field)
	}
	return opened(cfg, r, field)
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
