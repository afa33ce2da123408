package alerts

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/records"
)

// Federation payload types: the dispatcher sends the alert's state as it is when it sends,
// so a row only names what happened and to which alert.
const (
	FederationCreated = "alert.created"
	FederationStatus  = "alert.status"
)

// peers queues a federation row for each other consulate the alert concerns: the one whose
// jurisdiction covers the place, the registrant's home consulate (which always keeps a copy)
// and, on an appliance that received the alert from a peer, its origin.
func (n *notifier) peers(typ string) error {
	for _, code := range peerCodes(n.cfg.Consulate.Code, n.alert) {
		if err := n.queue(func(tx core.App) error { return QueueFederation(tx, code, typ, n.uid()) }); err != nil {
			return err
		}
	}
	return nil
}

func peerCodes(self string, alert *core.Record) []string {
	var codes []string
	for _, f := range []string{"target_consulate", "home_consulate", "origin_consulate"} {
		code := alert.GetString(f)
		if code != "" && code != self && !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	return codes
}

// QueueFederation writes the relay obligation in the caller's transaction; the federation
// dispatcher delivers it.
func QueueFederation(app core.App, consulate, typ, uid string) error {
	row, err := NewFederationRow(app, consulate, typ, uid)
	if err != nil {
		return err
	}
	return records.Save(app, row)
}

// NewFederationRow returns an unsaved relay obligation of type typ about the alert uid to
// consulate, for callers that fill its envelope before saving it.
func NewFederationRow(app core.App, consulate, typ, uid string) (*core.Record, error) {
	c, err := app.FindCachedCollectionByNameOrId("outbox")
	if err != nil {
		return nil, err
	}
	row := core.NewRecord(c)
	row.Set("channel", "federation")
	row.Set("target", consulate)
	row.Set("payload", map[string]string{"type": typ, "alert": uid})
	row.Set("state", "pending")
	row.Set("alert", uid)
	return row, nil
}
