package alerts

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/records"
)

// A step of escalation: whose devices are pushed, whose phones are paged by SMS (when SMS is
// configured), whether they are e-mailed too, and what they are told. Each step's notice has
// a push type of its own, which tells its outbox rows apart.
type step struct {
	push, page notify.Staff
	email      bool
	notice     notify.Notice
}

// steps: level 1 wakes every staff device and pages the staff on duty; level 2 pushes, pages
// and e-mails the consuls.
var steps = [...]step{
	1: {push: notify.AllStaff, page: notify.OnDuty, notice: notify.EscalatedStaff},
	2: {push: notify.Consuls, page: notify.Consuls, email: true, notice: notify.EscalatedConsul},
}

// stepGrace is how long a step's rows may wait for their first try before the step counts as
// having reached nobody: a push leaves within seconds of the commit, so a row not even tried
// by then means nothing is sending.
const stepGrace = time.Minute

func stepOf(level int) step { return steps[min(level, len(steps)-1)] }

// escalate takes each escalation step of the change, in order (after a restart both may be
// due). Each step writes one staff-only event: "notified" is how many ways it may have
// reached a person (working devices and paged phones, notify.Reach), with what it queued.
func escalate(tx core.App, n *notify.Alert, alert *core.Record, c Change) error {
	for level := c.FromLevel + 1; level <= c.ToLevel; level++ {
		r, err := stepOf(level).take(n)
		if err != nil {
			return err
		}
		data := map[string]any{"level": level, "notified": r.Reached(), "devices": r.Devices, "working": r.Working, "phones": r.Phones, "emails": r.Emails}
		if err := AddEvent(tx, alert, vocab.EventEscalated, c.Actor, true, data); err != nil {
			return err
		}
	}
	return nil
}

func (s step) take(n *notify.Alert) (notify.Reach, error) {
	r, err := n.PushStaff(s.push, s.notice)
	if err != nil {
		return r, err
	}
	if r.Phones, err = n.Page(s.page, s.notice); err != nil {
		return r, err
	}
	if s.email {
		r.Emails, err = n.EmailStaff(s.push, s.notice)
	}
	return r, err
}

// Escalate raises alert (new, saved) to escalation level want at now, in tx: each step it
// takes is recorded and notified (RecordChange), and a step that found no working staff
// device and no phone to page is recorded at once as having reached nobody.
func Escalate(tx core.App, cfg *appliance.Config, alert *core.Record, want int, now time.Time) error {
	have := alert.GetInt("escalation_level")
	alert.Set("escalation_level", want)
	if err := records.Save(tx, alert); err != nil {
		return err
	}
	status := alert.GetString("status")
	err := RecordChange(tx, cfg, alert, Change{Actor: "system", From: status, To: status, FromLevel: have, ToLevel: want})
	if err != nil {
		return err
	}
	taken, err := stepsOf(tx, alert.Id)
	if err != nil {
		return err
	}
	for _, s := range taken {
		if s.level > have && !s.nobody && s.notified == 0 {
			if err := nobodyReached(tx, cfg, alert, s.level, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckReach looks again, at now, at the escalation steps of alert (new, escalated before)
// and records each that reached nobody (Unreached). It returns how many it recorded.
func CheckReach(tx core.App, cfg *appliance.Config, alert *core.Record, now time.Time) (int, error) {
	levels, err := Unreached(tx, alert, now)
	if err != nil {
		return 0, err
	}
	for _, level := range levels {
		if err := nobodyReached(tx, cfg, alert, level, now); err != nil {
			return 0, err
		}
	}
	return len(levels), nil
}

// Unreached returns, reading only, the escalation steps of alert, by level, that reached
// nobody and are not recorded so yet: none of their pushes and pages got through (each
// failed, or was tried and waits for a retry, or was not even tried stepGrace after the
// step). E-mails do not count: they are no page.
func Unreached(app core.App, alert *core.Record, now time.Time) ([]int, error) {
	taken, err := stepsOf(app, alert.Id)
	if err != nil {
		return nil, err
	}
	var levels []int
	for _, s := range taken {
		if s.nobody {
			continue
		}
		reached := false
		if s.notified > 0 {
			if reached, err = stepReached(app, alert, s, now); err != nil {
				return nil, err
			}
		}
		if !reached {
			levels = append(levels, s.level)
		}
	}
	return levels, nil
}

// takenStep is an escalation step as the timeline records it.
type takenStep struct {
	level    int
	at       time.Time // when it was taken
	notified int       // how many ways it may have reached a person
	nobody   bool      // recorded as having reached nobody
}

// stepsOf reads the escalation steps of an alert from its timeline, by level.
func stepsOf(app core.App, alertID string) ([]*takenStep, error) {
	events, err := app.FindRecordsByFilter("alert_events", "alert = {:a} && (type = {:esc} || type = {:nobody})", "created", 0, 0,
		dbx.Params{"a": alertID, "esc": vocab.EventEscalated, "nobody": vocab.EventNobodyReached})
	if err != nil {
		return nil, err
	}
	var out []*takenStep
	byLevel := map[int]*takenStep{}
	for _, ev := range events {
		var data struct {
			Level    int `json:"level"`
			Notified int `json:"notified"`
		}
		if err := ev.UnmarshalJSONField("data", &data); err != nil || data.Level < 1 {
			continue
		}
		s := byLevel[data.Level]
		if s == nil {
			s = &takenStep{level: data.Level}
			byLevel[data.Level] = s
			out = append(out, s)
		}
		if ev.GetString("type") == vocab.EventNobodyReached {
			s.nobody = true
			continue
		}
		s.at, s.notified = ev.GetDateTime("created").Time(), data.Notified
	}
	return out, nil
}

// stepReached tells whether one of a step's pushes or pages got through (delivered, or
// handed to the SMS provider), or may still: not tried yet, within stepGrace of the step.
func stepReached(app core.App, alert *core.Record, s *takenStep, now time.Time) (bool, error) {
	var rows []struct {
		Delivery string `db:"delivery"`
		Attempts int    `db:"attempts"`
	}
	err := app.DB().Select("delivery", "attempts").From("outbox").
		Where(dbx.HashExp{
			"alert":          alert.GetString("uid"),
			"recipient_kind": vocab.RecipientStaff,
			"channel":        []any{vocab.ChannelPush, vocab.ChannelSMS},
		}).
		AndWhere(dbx.NewExp("json_extract([[payload]], '$.type') = {:type}", dbx.Params{"type": stepOf(s.level).notice.Type})).
		All(&rows)
	if err != nil {
		return false, err
	}
	waiting := now.Before(s.at.Add(stepGrace))
	for _, r := range rows {
		switch {
		case r.Delivery == vocab.DeliveryDelivered || r.Delivery == vocab.DeliverySent:
			return true, nil
		case r.Delivery == vocab.DeliveryQueued && r.Attempts == 0 && waiting:
			return true, nil
		}
	}
	return false, nil
}

// nobodyReached records that the escalation step level of alert reached nobody: the alert's
// nobody_reached_at (the first time), a staff-only event {"level": N} (RecordChange), and the
// consuls told by e-mail and SMS, whether or not they have a device. When not even they can
// be told, the alert still shows it on the board and in the health route, and the log says so.
func nobodyReached(tx core.App, cfg *appliance.Config, alert *core.Record, level int, now time.Time) error {
	if alert.GetDateTime("nobody_reached_at").IsZero() {
		alert.Set("nobody_reached_at", now.UTC())
		if err := records.Save(tx, alert); err != nil {
			return err
		}
	}
	status := alert.GetString("status")
	err := RecordChange(tx, cfg, alert, Change{
		Actor: "system", From: status, To: status,
		Event: vocab.EventNobodyReached, EventData: map[string]any{"level": level},
	})
	if err != nil {
		return err
	}
	n := newNotifier(tx, cfg, alert, nil)
	emails, err := n.EmailStaff(notify.Consuls, notify.NobodyReached)
	if err != nil {
		return err
	}
	phones, err := n.Page(notify.Consuls, notify.NobodyReached)
	if err != nil {
		return err
	}
	if !tx.Settings().SMTP.Enabled {
		emails = 0
	}
	if emails+phones == 0 {
		tx.Logger().Error("escalation: nobody reached, and no consul can be told (no e-mail server, no phone)", "alert", alert.Id, "level", level)
		return nil
	}
	tx.Logger().Warn("escalation: nobody reached; the consuls are told", "alert", alert.Id, "level", level, "emails", emails, "phones", phones)
	return nil
}
