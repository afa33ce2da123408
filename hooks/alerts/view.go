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
// the duress PIN looks exactly as it would had the cancel PIN been used: cancelled at that
// moment, and nothing after it, not even a realtime message saying something changed.
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
	at := duressShownAt(e.App, r)
	if isRealtime(e.RequestInfo) && r.GetDateTime("updated").String() != at.String() {
		return errLaterChange // PocketBase skips the message
	}
	showCancelled(r, at)
	return nil
}

// showCancelled makes r read as an alert cancelled at at.
func showCancelled(r *core.Record, at types.DateTime) {
	r.SetRaw("status", StatusCancelled)
	r.SetRaw("closed_at", at)
	r.SetRaw("updated", at)
	if ack := r.GetDateTime("acknowledged_at"); ack.After(at) {
		r.SetRaw("acknowledged_at", types.DateTime{})
	}
}

// duressShownAt is when the phone was shown the alert as cancelled (the duress event
// records it); the alert's last change if that event is missing.
func duressShownAt(app core.App, alert *core.Record) types.DateTime {
	evs, err := app.FindRecordsByFilter("alert_events", "alert = {:id} && type = {:type}", "created", 1, 0,
		dbx.Params{"id": alert.Id, "type": EventDuress})
	if err == nil && len(evs) == 1 {
		ev := evs[0]
		var data struct {
			ShownAt string `json:"shown_at"`
		}
		raw, _ := json.Marshal(ev.Get("data"))
		if json.Unmarshal(raw, &data) == nil {
			if at, err := types.ParseDateTime(data.ShownAt); err == nil && !at.IsZero() {
				return at
			}
		}
	}
	return alert.GetDateTime("updated")
}

func isStaff(info *core.RequestInfo) bool {
	return info != nil && info.Auth != nil && info.Auth.IsSuperuser()
}

func isRealtime(info *core.RequestInfo) bool {
	return info != nil && info.Context == core.RequestInfoContextRealtime
}
