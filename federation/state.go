package federation

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/federation/protocol"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/privacy"
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
	alert.Set("facility", msg.Facility)
	if _, ok := jurisdiction.ConsulateByCode(env.Route.Target); ok {
		alert.Set("target_consulate", env.Route.Target)
	}
	if err := records.Save(tx, alert); err != nil {
		return err
	}
	if err := clk.set(tx, env.Seq, env.Origin, stateDigest(alert)); err != nil {
		return err
	}
	err = alerts.RecordChange(tx, s.cfg, alert, alerts.Change{
		Actor: actorConsulatePrefix + env.Origin, By: env.Origin,
		From: from, To: to, StatusEvent: statusEvent(env.Type),
		FromTarget: fromTarget, ToTarget: alert.GetString("target_consulate"),
		Duress: !hadDuress && msg.Duress,
	})
	if err != nil {
		return err
	}
	return s.notifyState(tx, alert, env, from != to, !hadDuress && msg.Duress)
}

func (s *Service) notifyState(tx core.App, alert *core.Record, env *protocol.Envelope, changed, duress bool) error {
	if duress {
		return notifyStaff(tx, s.cfg, alert, notify.AllStaff, notify.PeerDuress, env.Origin)
	}
	switch {
	case env.Type == protocol.TypeTransfer && alert.GetString("target_consulate") == s.cfg.Consulate.Code:
		return notifyStaff(tx, s.cfg, alert, notify.OnDuty, notify.PeerTransferred, env.Origin)
	case changed && env.Type == protocol.TypeCancelled:
		return notifyStaff(tx, s.cfg, alert, notify.OnDuty, notify.PeerCancelled, env.Origin)
	case changed && env.Type == protocol.TypeSafe:
		return notifyStaff(tx, s.cfg, alert, notify.OnDuty, notify.PeerSafe, env.Origin)
	}
	return nil
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

// maxNotes keeps the advisers' notes within the sealed field's size.
const maxNotes = 5000

// addNote appends a peer's note to the alert's internal notes (sealed, staff only).
func (s *Service) addNote(tx core.App, alert *core.Record, env *protocol.Envelope, msg *message) error {
	text := strings.TrimSpace(msg.Text)
	if text == "" {
		return nil
	}
	city := env.Origin
	if c, ok := jurisdiction.ConsulateByCode(env.Origin); ok {
		city = c.City
	}
	entry := fmt.Sprintf("[%s, %s] %s", city, env.CreatedAt.Format("2006-01-02 15:04 UTC"), text)
	if err := appendNote(s, alert, entry); err != nil {
		return err
	}
	if err := records.Save(tx, alert); err != nil {
		return err
	}
	if err := addEvent(tx, alert, EventNoteReceived, actorConsulatePrefix+env.Origin, true, map[string]any{"by": env.Origin}); err != nil {
		return err
	}
	return notifyStaff(tx, s.cfg, alert, notify.OnDuty, notify.PeerNote, env.Origin)
}

// appendNote adds entry to the alert's internal notes, dropping the oldest text past maxNotes.
func appendNote(s *Service, alert *core.Record, entry string) error {
	notes, err := privacy.Open(s.cfg.Sealer(), alert, "internal_notes")
	if err != nil {
		return err
	}
	if notes != "" {
		notes += "\n\n"
	}
	notes += entry
	if n := utf8.RuneCountInString(notes); n > maxNotes {
		notes = "…" + string([]rune(notes)[n-maxNotes+1:])
	}
	alert.Set("internal_notes", notes)
	return nil
}
