package alerts

import (
	"encoding/json"
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// caseFields are the advisers' work on an alert: never shown to the registrant.
var caseFields = []string{"duress", "internal_notes", "assigned_to", "facility", "a_number", "escalation_level"}

// ownerFields are hidden in the schema, so that only staff can filter or sort on them, and
// shown to the owner as the owner may see them.
var ownerFields = []string{"status", "acknowledged_at", "closed_at", "updated"}

var errLaterChange = errors.New("a change after the duress PIN is not sent to the registrant")

// registrantView shows a registrant their alert as they may see it. An alert kept open by
// the duress PIN looks exactly as it would had the cancel PIN been used: cancelled, or
// resolved after "I am safe", at that moment, and nothing after it, not even a realtime
// message saying something changed.
func registrantView(e *core.RecordEnrichEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	if isStaff(e.RequestInfo) {
		return nil
	}
	r := e.Record
	r.Hide(caseFields...)
	r.Unhide(ownerFields...)
	if !r.GetBool("duress") {
		return nil
	}
	s := duressShown(e.App, r)
	if isRealtime(e.RequestInfo) && r.GetDateTime("updated").String() != s.At.String() {
		return errLaterChange // PocketBase skips the message
	}
	showClosed(r, s)
	return nil
}

// shown is what the phone was shown when the duress PIN was used: the alert closed with
// Status at At.
type shown struct {
	Status string         `json:"shown_status"`
	At     types.DateTime `json:"shown_at"`
}

// showClosed makes r read as the alert the phone was shown.
func showClosed(r *core.Record, s shown) {
	r.SetRaw("status", s.Status)
	r.SetRaw("closed_at", s.At)
	r.SetRaw("updated", s.At)
	if ack := r.GetDateTime("acknowledged_at"); ack.After(s.At) {
		r.SetRaw("acknowledged_at", types.DateTime{})
	}
}

// duressShown is what the duress event records the phone was shown. Without it (an event
// written before the status was recorded, or none), the alert cancelled at its last change.
func duressShown(app core.App, alert *core.Record) shown {
	s := shown{Status: StatusCancelled, At: alert.GetDateTime("updated")}
	evs, err := app.FindRecordsByFilter("alert_events", "alert = {:id} && type = {:type}", "created", 1, 0,
		dbx.Params{"id": alert.Id, "type": EventDuress})
	if err != nil || len(evs) != 1 {
		return s
	}
	var data shown
	raw, _ := json.Marshal(evs[0].Get("data"))
	if json.Unmarshal(raw, &data) != nil {
		return s
	}
	if !data.At.IsZero() {
		s.At = data.At
	}
	if data.Status != "" {
		s.Status = data.Status
	}
	return s
}

func isStaff(info *core.RequestInfo) bool {
	return info != nil && info.Auth != nil && info.Auth.IsSuperuser()
}

func isRealtime(info *core.RequestInfo) bool {
	return info != nil && info.Context == core.RequestInfoContextRealtime
}
