package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(pushEndpointPerOwner, pushEndpointUnique)
}

// A push subscription row belongs to one owner for good: another caller posting the same
// endpoint (one browser used by a registrant who is also someone's relative, or someone who
// copied another's endpoint) gets a row of their own instead of taking the first one over.
// So the endpoint is unique per owner, not alone.
func pushEndpointPerOwner(app core.App) error {
	return setEndpointIndex(app, "endpoint, registrant, contact, staff")
}

func pushEndpointUnique(app core.App) error {
	return setEndpointIndex(app, "endpoint")
}

func setEndpointIndex(app core.App, columns string) error {
	c, err := find(app, "push_subscriptions")
	if err != nil {
		return err
	}
	c.RemoveIndex("idx_push_endpoint")
	c.AddIndex("idx_push_endpoint", true, columns, "")
	return app.Save(c)
}
