package family

import (
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/outbox"
)

// What a relative's page shows of the registrant's alerts (issue 17, item 5): that one is
// open or closed, and its milestones, as far as the registrant's disclosure setting allows
// ("status": the milestones; "all": the facility's name and the consulate working the case
// too; "none": nothing). A relative sees an alert only when both their link and the browser
// they read it in existed when it was raised (outbox.ExistedAtRaise, deviceEnrolled). The
// status shown is the alert's own: an alert kept open by the duress PIN is open here, and
// the closing the phone was shown is no milestone.

// Milestones, in the order a case reaches them. The page says each as a sentence.
const (
	MilestoneRaised   = "raised"   // By: button, family or consulate
	MilestoneReceived = "received" // an adviser acknowledged it
	MilestoneAssigned = "assigned" // a lawyer or adviser was assigned
	MilestoneLocated  = "located"  // a facility was set (disclosure "all" only)
	MilestoneClosed   = "closed"   // By: safe, cancelled, released or consulate
)

// How a case was raised or closed, on its first and last milestone.
const (
	ByButton    = "button"
	ByFamily    = "family"
	ByConsulate = "consulate"
	BySafe      = "safe"
	ByCancelled = "cancelled"
	ByReleased  = "released"
)

// closedShownFor is how long a closed alert stays on the page.
const closedShownFor = 30 * 24 * time.Hour

// maxAlertsShown caps the alerts a page lists.
const maxAlertsShown = 3

type milestone struct {
	Type     string         `json:"type"`
	At       types.DateTime `json:"at"`
	By       string         `json:"by,omitempty"`
	Facility string         `json:"facility,omitempty"`
}

type alertJSON struct {
	Open       bool           `json:"open"`
	Raised     types.DateTime `json:"raised"`
	Milestones []milestone    `json:"milestones"`
	Consulate  *consulateJSON `json:"consulate,omitempty"`
}

// alertsFor are the registrant's alerts the relative contact may see in a browser enrolled
// at enrolled (zero: none may be seen), newest first.
func alertsFor(app core.App, registrant, contact *core.Record, enrolled types.DateTime) ([]alertJSON, error) {
	level := registrant.GetString("disclosure")
	var recs []*core.Record
	// Read whatever the answer, so that it takes as long for every device.
	err := app.RecordQuery("alerts").
		AndWhere(dbx.HashExp{"registrant": registrant.Id}).
		OrderBy("created DESC", "rowid DESC").
		Limit(50).
		All(&recs)
	if err != nil {
		return nil, err
	}
	out := []alertJSON{}
	if level == "none" || enrolled.IsZero() {
		return out, nil
	}
	since := time.Now().Add(-closedShownFor)
	for _, a := range recs {
		open := slices.Contains(vocab.OpenStatuses, a.GetString("status"))
		switch {
		case len(out) == maxAlertsShown:
			return out, nil
		case !outbox.ExistedAtRaise(a, contact, "created", "updated"):
			continue // a relative added or relinked since hears nothing of it
		case enrolled.After(a.GetDateTime("created")):
			continue // this browser first opened the link after it was raised
		case !open && a.GetDateTime("closed_at").Time().Before(since):
			continue
		}
		v, err := alertView(app, a, level == notify.LevelAll)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// alertView is one alert as a relative sees it; all tells the facility and the consulate
// working the case.
func alertView(app core.App, a *core.Record, all bool) (alertJSON, error) {
	events, err := app.FindAllRecords("alert_events", dbx.HashExp{"alert": a.Id})
	if err != nil {
		return alertJSON{}, err
	}
	slices.SortStableFunc(events, func(x, y *core.Record) int {
		return x.GetDateTime("created").Time().Compare(y.GetDateTime("created").Time())
	})
	open := slices.Contains(vocab.OpenStatuses, a.GetString("status"))
	v := alertJSON{Open: open, Raised: a.GetDateTime("created")}
	v.Milestones = append(v.Milestones, milestone{Type: MilestoneRaised, At: a.GetDateTime("created"), By: raisedBy(a)})
	if at := a.GetDateTime("acknowledged_at"); !at.IsZero() {
		v.Milestones = append(v.Milestones, milestone{Type: MilestoneReceived, At: at})
	}
	if a.GetString("assigned_to") != "" {
		if at, ok := factSet(events, vocab.FieldAssignedTo); ok {
			v.Milestones = append(v.Milestones, milestone{Type: MilestoneAssigned, At: at})
		}
	}
	if all && a.GetString("facility") != "" {
		if at, ok := factSet(events, vocab.FieldFacility); ok {
			if f, err := app.FindRecordById("facilities", a.GetString("facility")); err == nil {
				v.Milestones = append(v.Milestones, milestone{Type: MilestoneLocated, At: at, Facility: f.GetString("name")})
			}
		}
	}
	slices.SortStableFunc(v.Milestones, func(x, y milestone) int { return x.At.Time().Compare(y.At.Time()) })
	if !open { // last, whatever staff recorded after
		v.Milestones = append(v.Milestones, milestone{Type: MilestoneClosed, At: a.GetDateTime("closed_at"), By: closedBy(a, events)})
	}
	if all {
		if c, ok := jurisdiction.ConsulateByCode(targetOf(a)); ok {
			cj := consulateJSON{Code: c.Code, Name: c.Name, City: c.City, State: c.State}
			if row, err := app.FindFirstRecordByData("consulates", "code", c.Code); err == nil {
				cj.Phone = row.GetString("phone")
			}
			v.Consulate = &cj
		}
	}
	return v, nil
}

func raisedBy(a *core.Record) string {
	switch a.GetString("source") {
	case vocab.SourceButton:
		return ByButton
	case vocab.SourceFamily:
		return ByFamily
	}
	return ByConsulate
}

// closedBy is who closed a closed alert: the person with their cancel PIN (cancelled, safe)
// or the consulate. A closing written for the duress PIN is what the phone was shown, never
// how the case ended.
func closedBy(a *core.Record, events []*core.Record) string {
	status := a.GetString("status")
	var last string
	for _, ev := range events {
		typ := ev.GetString("type")
		if (typ == vocab.EventCancelled || typ == vocab.EventReleased) && !shownForDuress(a, ev, events) {
			last = typ
		}
	}
	switch {
	case status == vocab.StatusCancelled && last == vocab.EventCancelled:
		return ByCancelled
	case status == vocab.StatusResolved && last == vocab.EventReleased:
		return BySafe
	case status == vocab.StatusResolved:
		return ByReleased
	}
	return ByConsulate
}

// shownForDuress tells whether the closing event ev is the one the duress PIN writes for
// the phone: on an alert flagged duress every closing is (a cancel PIN after the duress one
// writes a staff-only event instead), and a duress event records when it was shown, even
// after a consul cleared the flag.
func shownForDuress(a, ev *core.Record, events []*core.Record) bool {
	if a.GetBool("duress") {
		return true
	}
	at, _ := eventData(ev)["at"].(string)
	for _, d := range events {
		if d.GetString("type") != vocab.EventDuress {
			continue
		}
		if shown, _ := eventData(d)["shown_at"].(string); shown != "" && shown == at {
			return true
		}
	}
	return false
}

// factSet is when the fact field was last set to a value, from the timeline (its staff-only
// events included: an alert under duress goes on for the relatives).
func factSet(events []*core.Record, field string) (types.DateTime, bool) {
	var at types.DateTime
	for _, ev := range events {
		if ev.GetString("type") != vocab.EventChanged {
			continue
		}
		data := eventData(ev)
		if data["field"] == field && data["to"] != nil && data["to"] != "" {
			at = ev.GetDateTime("created")
		}
	}
	return at, !at.IsZero()
}

// targetOf is the consulate working the case: its target, else where it was raised.
func targetOf(a *core.Record) string {
	if t := a.GetString("target_consulate"); t != "" {
		return t
	}
	return a.GetString("origin_consulate")
}

func eventData(ev *core.Record) map[string]any {
	var data map[string]any
	ev.UnmarshalJSONField("data", &data)
	return data
}
