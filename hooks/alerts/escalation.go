package alerts

import (
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/notify"
)

// escalate takes each escalation step of the change, in order (after a restart both may be
// due): level 1 wakes every staff device, level 2 the consuls'. Each step writes one
// staff-only event with how many devices it told.
func escalate(tx core.App, n *notify.Alert, alert *core.Record, c Change) error {
	for level := c.FromLevel + 1; level <= c.ToLevel; level++ {
		to, msg := notify.AllStaff, notify.EscalatedStaff
		if level > 1 {
			to, msg = notify.Consuls, notify.EscalatedConsul
		}
		notified, err := n.Staff(to, msg)
		if err != nil {
			return err
		}
		data := map[string]any{"level": level, "notified": notified}
		if err := AddEvent(tx, alert, vocab.EventEscalated, c.Actor, true, data); err != nil {
			return err
		}
	}
	return nil
}
