package alerts

import (
	"database/sql"
	"errors"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/notify"
)

// relayAtRaise is the relay status an alert raised here starts with: none when it concerns
// no other consulate; untrusted when its target is a consulate this appliance has no trust
// for (the federation cannot reach it, so this consulate's advisers take the case); sending
// otherwise, until the relay has a receipt or falls behind.
func relayAtRaise(app core.App, cfg *appliance.Config, a *core.Record) string {
	peers := notify.PeerCodes(cfg.Consulate.Code, a)
	switch {
	case len(peers) == 0:
		return ""
	case slices.Contains(peers, a.GetString("target_consulate")) && knownUntrusted(app, a.GetString("target_consulate")):
		return vocab.RelayUntrusted
	}
	return vocab.RelaySending
}

// knownUntrusted tells whether the consulate code is known not to be a trusted peer: no
// consulates row, or one never trusted (no `federation peer add`, in no roster). A peer
// whose trust is broken otherwise is found out by the relay.
func knownUntrusted(app core.App, code string) bool {
	r, err := app.FindFirstRecordByData("consulates", "code", code)
	if errors.Is(err, sql.ErrNoRows) {
		return true
	}
	return err == nil && r.GetString("trust") == ""
}

// untrustedEvent is the timeline's word of why this consulate's advisers have the case.
func untrustedEvent(a *core.Record) map[string]any {
	return map[string]any{"to": a.GetString("target_consulate")}
}
