package federation

import (
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/notify"
)

// notifyStaff tells the staff s's devices what the consulate peer did about alert, or that
// it cannot be reached.
func notifyStaff(app core.App, cfg *appliance.Config, alert *core.Record, s notify.Staff, n notify.Notice, peer string) error {
	a := notify.About(app, cfg, alert, nil)
	a.City = city(peer)
	_, err := a.Staff(s, n)
	return err
}

// city is the city of the consulate peer, as the staff's notices name it; its code when unknown.
func city(peer string) string {
	if c, ok := jurisdiction.ConsulateByCode(peer); ok {
		return c.City
	}
	return peer
}
