package alerts

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
)

var openStatuses = []string{StatusNew, StatusAcknowledged, StatusInProgress}

func isOpen(alert *core.Record) bool {
	return slices.Contains(openStatuses, alert.GetString("status"))
}

// cancel closes an open alert at the person's request and tells relatives, staff and peers.
// An alert under duress is closed by staff only.
func cancel(app core.App, cfg *appliance.Config, alertID, actor string) error {
	return app.RunInTransaction(func(tx core.App) error {
		alert, err := tx.FindRecordById("alerts", alertID)
		if err != nil {
			return err
		}
		n := newNotifier(tx, cfg, alert, nil)
		if alert.GetBool("duress") {
			if err := addEvent(tx, alert, EventCancelAfterDuress, actor, true, nil); err != nil {
				return err
			}
			return n.staff(false, msgStaffAfterDuress)
		}
		if !isOpen(alert) {
			return nil // cancelled already, or closed by staff: the answer shows it
		}
		from := alert.GetString("status")
		alert.Set("status", StatusCancelled)
		alert.Set("closed_at", now())
		if err := tx.Save(alert); err != nil {
			return err
		}
		if err := addEvent(tx, alert, EventCancelled, actor, false, map[string]any{"from": from}); err != nil {
			return err
		}
		if err := n.relatives(levelStatus, msgRelativeCancelled, ""); err != nil {
			return err
		}
		if err := n.staff(true, msgStaffCancelled); err != nil {
			return err
		}
		return n.peers(FederationStatus)
	})
}

// duress keeps the alert open, flagged, and wakes every staff member. The phone is shown a
// cancelled alert and the timeline a cancellation like the real one; relatives are told
// nothing new (they would otherwise stand down).
func duress(app core.App, cfg *appliance.Config, alertID, actor string) error {
	return app.RunInTransaction(func(tx core.App) error {
		alert, err := tx.FindRecordById("alerts", alertID)
		if err != nil {
			return err
		}
		n := newNotifier(tx, cfg, alert, nil)
		if alert.GetBool("duress") {
			return nil
		}
		if !isOpen(alert) {
			// Closed already, and the phone sees it as it is; the staff still learn that
			// someone forced the person.
			if err := addEvent(tx, alert, EventDuress, actor, true, map[string]any{"closed": true}); err != nil {
				return err
			}
			return n.staff(false, msgStaffDuress)
		}
		from := alert.GetString("status")
		alert.Set("duress", true)
		if err := tx.Save(alert); err != nil {
			return err
		}
		if err := addEvent(tx, alert, EventCancelled, actor, false, map[string]any{"from": from}); err != nil {
			return err
		}
		shown := map[string]any{"shown_at": alert.GetDateTime("updated").String()}
		if err := addEvent(tx, alert, EventDuress, actor, true, shown); err != nil {
			return err
		}
		if err := n.staff(false, msgStaffDuress); err != nil {
			return err
		}
		return n.peers(FederationStatus)
	})
}

// safe closes an open alert as resolved: the person says they are safe or released.
func safe(app core.App, cfg *appliance.Config, alertID, actor string) error {
	return app.RunInTransaction(func(tx core.App) error {
		alert, err := tx.FindRecordById("alerts", alertID)
		if err != nil {
			return err
		}
		n := newNotifier(tx, cfg, alert, nil)
		if alert.GetBool("duress") {
			if err := addEvent(tx, alert, EventSafeAfterDuress, actor, true, nil); err != nil {
				return err
			}
			return n.staff(false, msgStaffAfterDuress)
		}
		if !isOpen(alert) {
			return nil
		}
		from := alert.GetString("status")
		alert.Set("status", StatusResolved)
		alert.Set("closed_at", now())
		if err := tx.Save(alert); err != nil {
			return err
		}
		if err := addEvent(tx, alert, EventReleased, actor, false, map[string]any{"from": from}); err != nil {
			return err
		}
		if err := n.relatives(levelStatus, msgRelativeSafe, ""); err != nil {
			return err
		}
		if err := n.staff(true, msgStaffSafe); err != nil {
			return err
		}
		return n.peers(FederationStatus)
	})
}
