package alerts

import (
	"maps"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/notify"
)

// announce plans the alert's first timeline event and the outbox rows that tell of it: the
// registrant, the relatives, the staff on duty and the peer consulates of an alert raised
// here; whom the peer's copy says (Copy.Tell) of a copy. The returned notifier writes them.
func announce(app core.App, cfg *appliance.Config, a *core.Record, d Draft) (*notify.Alert, error) {
	typ, data := EventCreated, map[string]any{
		"kind":   a.GetString("kind"),
		"source": a.GetString("source"),
		"target": a.GetString("target_consulate"),
		"basis":  a.GetString("route_basis"),
	}
	if d.Copy != nil && d.Copy.Event != "" {
		typ = d.Copy.Event
	}
	if d.Copy != nil {
		maps.Copy(data, d.Copy.EventData)
	}
	n := notify.Plan(app, cfg, a, d.Registrant)
	// Under duress (a peer's copy of one) the event is the staff's only, as every later one.
	n.Queue(func(tx core.App) error { return AddEvent(tx, a, typ, d.Actor, a.GetBool("duress"), data) })
	if d.Copy != nil {
		if d.Copy.Tell != nil {
			n.Queue(func(tx core.App) error { return d.Copy.Tell(tx, a) })
		}
		return n, nil
	}
	if a.GetString("relay_status") == vocab.RelayUntrusted {
		n.Queue(func(tx core.App) error {
			return AddEvent(tx, a, vocab.EventRelayUntrusted, "system", true, untrustedEvent(a))
		})
	}
	if err := receipt(n, a, d); err != nil {
		return nil, err
	}
	if err := n.Relatives(notify.LevelStatus, createdNotice(a), skipContact(d.Contact)); err != nil {
		return nil, err
	}
	if _, err := n.Staff(notify.OnDuty, notify.StaffNew); err != nil {
		return nil, err
	}
	return n, n.Peers(vocab.MessageCreated)
}

// receipt confirms the alert to whoever raised it. The registrant's phone is told only when
// they pressed the button themselves: an alert the server or someone else raised (a missed
// check-in, a relative's report, a call to the consulate) may mean the phone is in other hands.
func receipt(n *notify.Alert, a *core.Record, d Draft) error {
	switch {
	case d.Contact != nil:
		return n.Contact(d.Contact, notify.Receipt)
	case a.GetString("source") == SourceButton:
		return n.Registrant(notify.Receipt)
	}
	return nil
}

func skipContact(c *core.Record) string {
	if c == nil {
		return ""
	}
	return c.Id
}
