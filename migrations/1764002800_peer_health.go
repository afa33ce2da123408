package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(addPeerFailingSince, removePeerFailingSince)
}

// failing_since is when a peer's failures began: the first failure after its last delivery,
// cleared by the next one, so that health can say "down since" and forget it on recovery.
func addPeerFailingSince(app core.App) error {
	c, err := find(app, "federation_peers")
	if err != nil {
		return err
	}
	c.Fields.Add(date("failing_since"))
	return app.Save(c)
}

func removePeerFailingSince(app core.App) error {
	c, err := find(app, "federation_peers")
	if err != nil {
		return err
	}
	c.Fields.RemoveByName("failing_since")
	return app.Save(c)
}
