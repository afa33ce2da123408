package alerts

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
)

// Staff-only timeline events about the person's account while a case is open.
const (
	EventPinChangeRefused  = vocab.EventPinChangeRefused
	EventDeletionRequested = vocab.EventDeletionRequested
)

// OpenOf returns the registrant's open alerts.
func OpenOf(app core.App, registrantID string) ([]*core.Record, error) {
	return app.FindAllRecords("alerts", dbx.HashExp{"registrant": registrantID}, dbx.In("status", anys(vocab.OpenStatuses)...))
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
