package alerts

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/records"
)

// A closing is what the person asks for with a PIN: cancel ("it was a mistake") or safe
// ("I am safe / released").
type closing struct {
	claim       string // recorded on the duress event: "cancel" or "safe"
	status      string // the status the alert closes with, and the phone is shown under duress
	event       string // the timeline event the phone sees
	afterDuress string // staff-only event when the alert is already under duress
	relatives   notify.Notice
	staff       notify.Notice
	duress      notify.Notice // to every staff device when the duress PIN is used
}

var (
	cancelling = closing{
		claim: "cancel", status: StatusCancelled, event: EventCancelled, afterDuress: EventCancelAfterDuress,
		relatives: notify.RelativeCancelled, staff: notify.StaffCancelled, duress: notify.StaffDuress,
	}
	releasing = closing{
		claim: "safe", status: StatusResolved, event: EventReleased, afterDuress: EventSafeAfterDuress,
		relatives: notify.RelativeSafe, staff: notify.StaffSafe, duress: notify.StaffDuressSafe,
	}
)

// closeAlert closes an open alert as c asks (the cancel PIN) and tells relatives, staff and
// peers. An alert under duress is closed by staff only.
func closeAlert(app core.App, cfg *appliance.Config, alertID, actor string, c closing) error {
	return withAlert(app, alertID, func(tx core.App, alert *core.Record) error {
		from := alert.GetString("status")
		if alert.GetBool("duress") {
			return RecordChange(tx, cfg, alert, Change{
				Actor: actor, From: from, To: from, Event: c.afterDuress,
				Staff: notify.StaffAfterDuress, StaffTo: notify.AllStaff,
			})
		}
		if !isOpen(alert) {
			return nil // closed already, by the person or by staff: the answer shows it
		}
		told, err := toldNow(tx, alert)
		if err != nil {
			return err
		}
		SetStatus(alert, c.status)
		if err := records.Save(tx, alert); err != nil {
			return err
		}
		return RecordChange(tx, cfg, alert, Change{
			Actor: actor, From: from, To: c.status,
			StatusEvent: c.event, StatusData: closedData(alert, from, c, alert.GetDateTime("closed_at"), told),
			Relatives: c.relatives, Staff: c.staff, StaffTo: notify.OnDuty,
		})
	})
}

// duress keeps the alert open, flagged, and wakes every staff member. The phone is shown the
// alert closed as c claims, and the timeline the event a real closing writes; relatives are
// told nothing new (they would otherwise stand down).
func duress(app core.App, cfg *appliance.Config, alertID, actor string, c closing) error {
	return withAlert(app, alertID, func(tx core.App, alert *core.Record) error {
		if alert.GetBool("duress") {
			return nil
		}
		from := alert.GetString("status")
		ch := Change{Actor: actor, From: from, To: from, Duress: true, Staff: c.duress, StaffTo: notify.AllStaff}
		if !isOpen(alert) {
			// Closed already, and the phone sees it as it is; the staff still learn that
			// someone forced the person.
			ch.DuressData = map[string]any{"claim": c.claim, "closed": true}
			return RecordChange(tx, cfg, alert, ch)
		}
		told, err := toldNow(tx, alert)
		if err != nil {
			return err
		}
		alert.Set("duress", true)
		if err := records.Save(tx, alert); err != nil {
			return err
		}
		shown := alert.GetDateTime("updated")
		ch.ShownClosed, ch.StatusEvent = true, c.event
		ch.StatusData, ch.DuressData = closedData(alert, from, c, shown, told), shownData(c, shown)
		return RecordChange(tx, cfg, alert, ch)
	})
}

// withAlert runs f on the alert alertID, read in a transaction.
func withAlert(app core.App, alertID string, f func(tx core.App, alert *core.Record) error) error {
	return app.RunInTransaction(func(tx core.App) error {
		alert, err := tx.FindRecordById("alerts", alertID)
		if err != nil {
			return err
		}
		return f(tx, alert)
	})
}

// closedData is the data of the event the phone sees when it closes an alert, whichever PIN:
// the status it closed from, and what the phone is shown ever after (RegistrantView): the
// kind it had, the status it closed with and when, and who had been told (told.go).
func closedData(alert *core.Record, from string, c closing, at types.DateTime, told []toldLine) map[string]any {
	return map[string]any{"from": from, "kind": alert.GetString("kind"), "status": c.status, "at": at.String(), toldKey: told}
}

// shownData is the duress event's record of what the phone was shown, and when (see
// RegistrantView).
func shownData(c closing, at types.DateTime) map[string]any {
	return map[string]any{"claim": c.claim, "shown_status": c.status, "shown_at": at.String()}
}
