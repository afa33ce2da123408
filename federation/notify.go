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
	a.City = peer
	if c, ok := jurisdiction.ConsulateByCode(peer); ok {
		a.City = c.City
	}
	_, err := a.Staff(s, n)
	return err
}
