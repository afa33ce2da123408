package federation

import (
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
)

// Timeline events the federation writes (alert_events.type); data holds codes only.
const (
	EventTransferred     = "transferred"
	EventNoteReceived    = "federation_note"
	EventNoteSent        = "federation_note_sent"
	EventRelayDelayed    = "relay_delayed"
	EventRelayEscalated  = "relay_escalated"
	EventRelayDelivered  = "relay_delivered"
	actorConsulatePrefix = "consulate:"
)

// addEvent appends to the alert's timeline, staff-only when asked or when the alert is
// under duress (the registrant's timeline stops at what the phone was shown).
func addEvent(app core.App, alert *core.Record, typ, actor string, staffOnly bool, data map[string]any) error {
	return alerts.AddEvent(app, alert, typ, actor, staffOnly || alert.GetBool("duress"), data)
}
