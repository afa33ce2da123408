package migrations

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"alertbutton/hooks/alerts/vocab"
)

func init() {
	m.Register(addRelayTruth, removeRelayTruth)
}

// relayStatusesBefore are the relay statuses 1764000300 made: late ones only.
const relayStatusesBefore = 2

// The relay's state is told as it is: sending, delivered and untrusted join delayed and
// escalated (vocab.RelayStatuses).
func addRelayTruth(app core.App) error {
	return setRelayStatuses(app, vocab.RelayStatuses)
}

func removeRelayTruth(app core.App) error {
	_, err := app.DB().Update("alerts", dbx.Params{"relay_status": ""},
		dbx.In("relay_status", anyOf(vocab.RelayStatuses[relayStatusesBefore:])...)).Execute()
	if err != nil {
		return err
	}
	return setRelayStatuses(app, vocab.RelayStatuses[:relayStatusesBefore])
}

func setRelayStatuses(app core.App, values []string) error {
	c, err := find(app, "alerts")
	if err != nil {
		return err
	}
	setValues(c, "relay_status", values)
	return app.Save(c)
}

func anyOf(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}
