package alerts

import (
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/notify"
)

// A Change is what one change did to an alert, as its timeline and its notices record it. Its
// sources (an adviser's update through the records API, the person's PIN, a peer consulate's
// state, the relay falling behind, the escalation job) differ only in what they fill.
type Change struct {
	Actor string
	// By is the peer consulate whose change it is, recorded on its events; a peer's change is
	// not relayed back to the peers. "" for a change made here.
	By string
	// From and To are the status before and after; StatusEvent is how a change of status is
	// recorded (EventStatus when empty; the person's cancel or safe as theirs), StatusData its
	// event's data ({from, to} when nil).
	From, To, StatusEvent string
	StatusData            map[string]any
	// ShownClosed is the duress PIN: the alert stays open, and its status event (StatusEvent,
	// StatusData) is written for the phone, which is shown the alert closed.
	ShownClosed bool
	// FromTarget and ToTarget are the consulate that had the case and the one that has it.
	FromTarget, ToTarget string
	// FromLevel and ToLevel are the escalation level before and after: each step between
	// wakes more staff (escalation.go).
	FromLevel, ToLevel int

	// Duress is a duress PIN used on this alert (staff-only event, DuressData its data), here
	// or at the peer By.
	Duress     bool
	DuressData map[string]any
	// Event is a staff-only event that is the whole change (a wrong PIN, a PIN tried on an
	// alert under duress, the relay falling behind or catching up, a peer's note), EventData
	// its data (codes and counts only); "" for none.
	Event     string
	EventData map[string]any

	// Facts are the facts of the case staff changed, each an EventChanged; Facility is the
	// name of the facility a facts sets, for the relatives' notice.
	Facts    []Fact
	Facility string

	// Relatives is what relatives are told of the change of status instead of its milestone
	// (the person's own closing); Staff what the staff StaffTo are told, about the peer
	// consulate of City when it names one. Zero for none.
	Relatives notify.Notice
	Staff     notify.Notice
	StaffTo   notify.Staff
	City      string
}

// RecordChange writes the change's timeline events and queues its notices: the milestones the
// registrant and relatives are told, the staff's and, for a change made here, the state for
// the peers. It runs in the caller's transaction, after the alert is saved with the change.
func RecordChange(tx core.App, cfg *appliance.Config, alert *core.Record, c Change) error {
	if err := writeEvents(tx, alert, c); err != nil {
		return err
	}
	n := newNotifier(tx, cfg, alert, nil)
	n.Facility = c.Facility
	n.City = c.City
	n.WasClosed = !isOpenStatus(c.From)
	if err := escalate(tx, n, alert, c); err != nil {
		return err
	}
	if err := tell(n, c); err != nil {
		return err
	}
	if c.By == "" && (c.From != c.To || c.ShownClosed || c.changed(vocab.FieldAssignedTo) || c.changed(vocab.FieldFacility)) {
		return n.Peers(vocab.MessageStatus)
	}
	return nil
}

// tell queues the notices of the change but the peers'.
func tell(n *notify.Alert, c Change) error {
	switch {
	case c.From != c.To && c.Relatives.Type != "":
		if err := n.Relatives(notify.LevelStatus, c.Relatives, ""); err != nil {
			return err
		}
	case c.From != c.To:
		if err := statusMilestone(n, c.To); err != nil {
			return err
		}
	}
	if f, ok := c.fact(vocab.FieldAssignedTo); ok && f.To != "" {
		if err := milestone(n, notify.Assigned, notify.LevelStatus, notify.RelativeAssigned); err != nil {
			return err
		}
	}
	if f, ok := c.fact(vocab.FieldFacility); ok && f.To != "" {
		// Where the person is held: to relatives with disclosure "all" only, never to the
		// registrant's phone.
		if err := n.Relatives(notify.LevelAll, notify.RelativeFacility, ""); err != nil {
			return err
		}
	}
	if c.Staff.Type != "" {
		if _, err := n.Staff(c.StaffTo, c.Staff); err != nil {
			return err
		}
	}
	return nil
}

// writeEvents appends the change's events. On an alert under duress they are all staff-only
// but the closing the phone is shown: the registrant's timeline stops there.
func writeEvents(app core.App, alert *core.Record, c Change) error {
	hidden := alert.GetBool("duress")
	type event struct {
		typ       string
		staffOnly bool
		data      map[string]any
	}
	var events []event
	if c.From != c.To || c.ShownClosed {
		typ, data := c.StatusEvent, c.StatusData
		if typ == "" {
			typ = EventStatus
		}
		if data == nil {
			data = c.by(map[string]any{"from": c.From, "to": c.To})
		}
		events = append(events, event{typ, hidden && !c.ShownClosed, data})
	}
	if c.FromTarget != c.ToTarget {
		events = append(events, event{EventTransferred, hidden, c.by(map[string]any{"from": c.FromTarget, "to": c.ToTarget})})
	}
	if c.Duress {
		data := c.DuressData
		if data == nil {
			data = c.by(map[string]any{})
		}
		events = append(events, event{EventDuress, true, data})
	}
	if c.Event != "" {
		events = append(events, event{c.Event, true, c.EventData})
	}
	for _, f := range c.Facts {
		// The phone is shown the facts it always was (an assignment, a facility, a transfer:
		// see shownType), and none while the alert is under duress.
		events = append(events, event{EventChanged, hidden || !shownFacts[f.Field], f.data()})
	}
	for _, ev := range events {
		if err := AddEvent(app, alert, ev.typ, c.Actor, ev.staffOnly, ev.data); err != nil {
			return err
		}
	}
	return nil
}

// by adds the peer whose change it is to an event's data.
func (c Change) by(data map[string]any) map[string]any {
	if c.By != "" {
		data["by"] = c.By
	}
	return data
}

// A Fact is one fact of the case that staff changed (vocab.ChangedFields), recorded as an
// EventChanged with its old and new value. Place and a_number are personal data: their
// events record only that they changed.
type Fact struct {
	Field    string
	From, To any
}

func (f Fact) data() map[string]any {
	if f.Field == vocab.FieldPlace || f.Field == vocab.FieldANumber {
		return map[string]any{"field": f.Field}
	}
	return map[string]any{"field": f.Field, "from": f.From, "to": f.To}
}

// fact is the change's fact of field, if it changed it.
func (c Change) fact(field string) (Fact, bool) {
	for _, f := range c.Facts {
		if f.Field == field {
			return f, true
		}
	}
	return Fact{}, false
}

func (c Change) changed(field string) bool {
	_, ok := c.fact(field)
	return ok
}
