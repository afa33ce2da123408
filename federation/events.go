package federation

import (
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
)

// Timeline events the federation writes (alert_events.type; their one definition is
// vocab's); data holds codes only.
const (
	EventTransferred    = vocab.EventTransferred
	EventNoteReceived   = vocab.EventNoteReceived
	EventNoteSent       = vocab.EventNoteSent
	EventRelayDelayed   = vocab.EventRelayDelayed
	EventRelayEscalated = vocab.EventRelayEscalated
	EventRelayDelivered = vocab.EventRelayDelivered
)

const actorConsulatePrefix = "consulate:"

// addEvent appends to the alert's timeline, staff-only when asked or when the alert is
// under duress (the registrant's timeline stops at what the phone was shown).
func addEvent(app core.App, alert *core.Record, typ, actor string, staffOnly bool, data map[string]any) error {
	return alerts.AddEvent(app, alert, typ, actor, staffOnly || alert.GetBool("duress"), data)
}
