package alerts

import (
	"encoding/json"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/alerts/vocab"
)

// The registrant reads their alerts only as the server projects them here: the records API
// and realtime are closed to them for alerts and alert_events (migration 1764001100), since
// PocketBase's filters reach across collections without their rules. The projection of an
// alert the person closed with a PIN is what the phone was shown then, whichever PIN it was.

// closingEvents are the visible events of the person closing an alert with a PIN: the
// timeline the phone is shown ends with the first of them.
var closingEvents = []string{EventCancelled, EventReleased}

// placeFields are shown while the alert is open only: advisers may change them later (a
// transfer), and a closed alert must read the same whatever happened after.
var placeFields = []string{"home_consulate", "target_consulate", "route_basis", "county_geoid", "zip"}

// shown is what the phone was shown when the person closed the alert with a PIN: closed with
// Status at At, of Kind.
type shown struct {
	Status string         `json:"shown_status"`
	At     types.DateTime `json:"shown_at"`
	Kind   string         `json:"-"`
}

// shownEvent is one timeline event as the phone sees it; a change of status names the
// status it changed to, so that the phone can say what changed.
type shownEvent struct {
	Type    string         `json:"type"`
	Status  string         `json:"status,omitempty"`
	Created types.DateTime `json:"created"`
}

// RegistrantView is alert as its registrant may see it, with its timeline and who was told
// (told.go) when withEvents.
// Advisers' work (status after the person closed it, assignment, facility, notes, duress),
// sealed fields and later events are never in it.
func RegistrantView(app core.App, alert *core.Record, withEvents bool) (map[string]any, error) {
	events, err := shownTimeline(app, alert)
	if err != nil {
		return nil, err
	}
	v := map[string]any{
		"id":               alert.Id,
		"uid":              alert.GetString("uid"),
		"registrant":       alert.GetString("registrant"),
		"source":           alert.GetString("source"),
		"kind":             alert.GetString("kind"),
		"origin_consulate": alert.GetString("origin_consulate"),
		"status":           alert.GetString("status"),
		"created":          alert.GetDateTime("created"),
		"updated":          alert.GetDateTime("updated"),
		"acknowledged_at":  alert.GetDateTime("acknowledged_at"),
		"closed_at":        alert.GetDateTime("closed_at"),
	}
	s, closed := events.closedShown()
	fallback := duressShown(app, alert) // read for every alert, so that a duress one takes no longer
	if !closed && alert.GetBool("duress") {
		s, closed = fallback, true // a duress event written before closing events recorded it
	}
	if closed {
		// As the person closed it, whichever PIN: later work (advisers', a peer's) is not shown.
		v["status"], v["closed_at"] = s.Status, s.At
		if s.Kind != "" {
			v["kind"] = s.Kind
		}
		if alert.GetDateTime("acknowledged_at").After(s.At) {
			v["acknowledged_at"] = types.DateTime{}
		}
	}
	if slices.Contains(vocab.OpenStatuses, v["status"].(string)) {
		for _, f := range placeFields {
			v[f] = alert.GetString(f)
		}
	} else {
		v["updated"] = v["closed_at"]
	}
	if withEvents {
		v["events"] = events.shown
		if err := addTold(app, alert, v, events, closed); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// addTold adds who was told: as the closing event kept it once the person closed the alert
// with a PIN (none kept: nothing), else as it is now; and "disclosure":"none" when the person
// chose that relatives are told nothing.
func addTold(app core.App, alert *core.Record, v map[string]any, events timeline, closed bool) error {
	var lines []toldLine
	if closed {
		if n := len(events.records); n > 0 {
			lines = toldKept(events.records[n-1])
		}
	} else {
		var err error
		if lines, err = toldNow(app, alert); err != nil {
			return err
		}
	}
	v["told"] = shownTold(app, alert, lines)
	if reg, err := app.FindRecordById("registrants", alert.GetString("registrant")); err == nil && reg.GetString("disclosure") == "none" {
		v["disclosure"] = "none"
	}
	return nil
}

type timeline struct {
	records []*core.Record
	shown   []shownEvent
}

// closedShown is what the timeline's closing event records the phone was shown, if the
// person closed the alert and the event records it.
func (t timeline) closedShown() (shown, bool) {
	n := len(t.records)
	if n == 0 || !slices.Contains(closingEvents, t.records[n-1].GetString("type")) {
		return shown{}, false
	}
	data := eventData(t.records[n-1])
	status, _ := data["status"].(string)
	raw, _ := data["at"].(string)
	kind, _ := data["kind"].(string)
	at, err := types.ParseDateTime(raw)
	if status == "" || err != nil || at.IsZero() {
		return shown{}, false
	}
	return shown{Status: status, At: at, Kind: kind}, true
}

// PersonClosed tells whether the person closed alert with a PIN, either of them.
func PersonClosed(app core.App, alert *core.Record) (bool, error) {
	var n int
	err := app.DB().Select("count(*)").From("alert_events").
		Where(dbx.HashExp{"alert": alert.Id, "staff_only": false}).
		AndWhere(dbx.In("type", EventCancelled, EventReleased)).Row(&n)
	return n > 0, err
}

// shownTimeline is the alert's events the registrant may see, oldest first, up to the first
// closing event: what follows it (retention, a peer's news) would tell the two PINs apart.
func shownTimeline(app core.App, alert *core.Record) (timeline, error) {
	var recs []*core.Record
	err := app.RecordQuery("alert_events").
		AndWhere(dbx.HashExp{"alert": alert.Id, "staff_only": false}).
		OrderBy("created ASC", "rowid ASC").
		All(&recs)
	if err != nil {
		return timeline{}, err
	}
	t := timeline{shown: []shownEvent{}}
	for _, r := range recs {
		typ, ok := shownType(r)
		if !ok {
			continue
		}
		t.records = append(t.records, r)
		t.shown = append(t.shown, shownEvent{Type: typ, Status: shownStatus(r), Created: r.GetDateTime("created")})
		if slices.Contains(closingEvents, r.GetString("type")) {
			break
		}
	}
	return t, nil
}

// shownFacts are the facts whose change the phone is shown, as the event it always knew.
var shownFacts = map[string]bool{vocab.FieldAssignedTo: true, vocab.FieldFacility: true, vocab.FieldTargetConsulate: true}

// shownType is the type the phone is shown for a visible event: a change of fact as the
// milestone it names (an assignment, a facility set or cleared, a transfer), never its values.
func shownType(ev *core.Record) (string, bool) {
	typ := ev.GetString("type")
	if typ != EventChanged {
		return typ, true
	}
	data := eventData(ev)
	field, _ := data["field"].(string)
	switch {
	case !shownFacts[field]:
		return "", false
	case field == vocab.FieldAssignedTo:
		return EventAssigned, true
	case field == vocab.FieldTargetConsulate:
		return EventTransferred, true
	case data["to"] == "" || data["to"] == nil:
		return EventFacilityCleared, true
	}
	return EventFacilitySet, true
}

// shownStatus is the status a change of status changed to ("" for any other event, or a
// value that is not a status).
func shownStatus(ev *core.Record) string {
	if ev.GetString("type") != EventStatus {
		return ""
	}
	to, _ := eventData(ev)["to"].(string)
	if !slices.Contains(vocab.Statuses, to) {
		return ""
	}
	return to
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

// eventData is an event's data as a map (empty when it holds none).
func eventData(ev *core.Record) map[string]any {
	var data map[string]any
	raw, _ := json.Marshal(ev.Get("data"))
	json.Unmarshal(raw, &data)
	return data
}
