package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(addOutboxClaims, dropOutboxClaims)
}

// claimed_by names the process whose dispatcher claimed a pending row. A row claimed by a
// process that is no longer running (it was killed mid-send) is due again as soon as the
// next process starts, instead of when the claim's lease ends.
func addOutboxClaims(app core.App) error {
	c, err := find(app, "outbox")
	if err != nil {
		return err
	}
	c.Fields.Add(text("claimed_by", false, 40))
	return app.Save(c)
}

func dropOutboxClaims(app core.App) error {
	c, err := find(app, "outbox")
	if err != nil {
		return err
	}
	c.Fields.RemoveByName("claimed_by")
	return app.Save(c)
}
