package federation

import (
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/federation/protocol"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/records"
)

// applyState applies a peer's status, duress, facility and target when they are newer than
// the state held here (last writer wins by seq); an older state changes nothing.
func (s *Service) applyState(tx core.App, alert *core.Record, env *protocol.Envelope, msg *message) error {
	clk, err := loadClock(tx, env.Alert)
	if err != nil {
		return err
	}
	if !clk.Older(env.Seq, env.Origin) {
		return nil
	}
	from, fromTarget, hadDuress := alert.GetString("status"), alert.GetString("target_consulate"), alert.GetBool("duress")
	to := oneOf(msg.Status, vocab.Statuses, from)
	alerts.SetStatus(alert, to)
	alert.Set("duress", hadDuress || msg.Duress) // only the person's PIN sets it, and nothing clears it
	facility, err := alerts.FacilityID(tx, msg.Facility)
	if err != nil {
		return err
	}
	alert.Set("facility", facility)
	if _, ok := jurisdiction.ConsulateByCode(env.Route.Target); ok {
		alert.Set("target_consulate", env.Route.Target)
	}
	if err := records.Save(tx, alert); err != nil {
		return err
	}
	if err := clk.set(tx, env.Seq, env.Origin, stateDigest(alert)); err != nil {
		return err
	}
	changed, duress := from != to, !hadDuress && msg.Duress
	c := alerts.Change{
		Actor: actorConsulatePrefix + env.Origin, By: env.Origin,
		From: from, To: to, StatusEvent: statusEvent(env.Type),
		FromTarget: fromTarget, ToTarget: alert.GetString("target_consulate"),
		Duress: duress, City: city(env.Origin),
	}
	c.Staff, c.StaffTo = s.stateNotice(alert, env, changed, duress)
	return alerts.RecordChange(tx, s.cfg, alert, c)
}

// stateNotice is what the staff are told of a peer's state, and which staff: a zero notice
// for nothing.
func (s *Service) stateNotice(alert *core.Record, env *protocol.Envelope, changed, duress bool) (notify.Notice, notify.Staff) {
	switch {
	case duress:
		return notify.PeerDuress, notify.AllStaff
	case env.Type == protocol.TypeTransfer && alert.GetString("target_consulate") == s.cfg.Consulate.Code:
		return notify.PeerTransferred, notify.OnDuty
	case changed && env.Type == protocol.TypeCancelled:
		return notify.PeerCancelled, notify.OnDuty
	case changed && env.Type == protocol.TypeSafe:
		return notify.PeerSafe, notify.OnDuty
	}
	return notify.Notice{}, notify.Staff{}
}

func statusEvent(typ string) string {
	switch typ {
	case protocol.TypeCancelled:
		return alerts.EventCancelled
	case protocol.TypeSafe:
		return alerts.EventReleased
	}
	return alerts.EventStatus
}

// addNote adds a peer's note to the alert's case notes (sealed, staff only), from that
// consulate.
func (s *Service) addNote(tx core.App, alert *core.Record, env *protocol.Envelope, msg *message) error {
	text := strings.TrimSpace(msg.Text)
	if text == "" {
		return nil
	}
	if utf8.RuneCountInString(text) > maxNote {
		text = string([]rune(text)[:maxNote])
	}
	note, err := alerts.AddNote(tx, alert, alerts.NoteDraft{Consulate: env.Origin, Body: text})
	if err != nil {
		return err
	}
	return alerts.RecordChange(tx, s.cfg, alert, alerts.Change{
		Actor: actorConsulatePrefix + env.Origin, By: env.Origin,
		Event: vocab.EventNoteAdded, EventData: map[string]any{"note": note.Id, "by": env.Origin},
		Staff: notify.PeerNote, StaffTo: notify.OnDuty, City: city(env.Origin),
	})
}
