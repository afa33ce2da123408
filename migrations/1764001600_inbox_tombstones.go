package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(inboxTombstones, inboxWholeRows)
}

// inboxBodyFields are what the federation's inbox retention empties in an old envelope's
// row: its sealed body, its signature and the receipt answered. What is left (envelope id,
// type, alert, origin, seq) is a tombstone that still tells a duplicate from a new envelope.
var inboxBodyFields = []string{"envelope", "signature", "receipt"}

func inboxTombstones(app core.App) error {
	return setInboxBodiesRequired(app, false, func(c *core.Collection) {
		c.AddIndex("idx_federation_inbox_created", false, "created", "")
	})
}

func inboxWholeRows(app core.App) error {
	return setInboxBodiesRequired(app, true, func(c *core.Collection) {
		c.RemoveIndex("idx_federation_inbox_created")
	})
}

func setInboxBodiesRequired(app core.App, required bool, indexes func(*core.Collection)) error {
	c, err := find(app, "federation_inbox")
	if err != nil {
		return err
	}
	for _, name := range inboxBodyFields {
		if f, ok := c.Fields.GetByName(name).(*core.TextField); ok {
			f.Required = required
		}
	}
	indexes(c)
	return app.Save(c)
}
