package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(closeAlertsToRegistrants, openAlertsToRegistrants)
}

// closeAlertsToRegistrants takes alerts and their timeline out of the registrant's records
// API and realtime: the phone reads them only as the server projects them
// (GET /api/alertbutton/alerts), which shows an alert kept open by the duress PIN exactly as a
// cancelled one. A rule cannot do that: PocketBase does not apply a collection's rules inside
// another's filter (alert_events_via_alert, @collection), so any read rule on these two leaks.
// A check-in's alert is hidden for the same reason.
func closeAlertsToRegistrants(app core.App) error {
	return setRegistrantAlertAccess(app, superusersOnly, superusersOnly, true)
}

func openAlertsToRegistrants(app core.App) error {
	return setRegistrantAlertAccess(app, rule("registrant = @request.auth.id"), rule(alertEventsShownRule), false)
}

func setRegistrantAlertAccess(app core.App, alertsRule, eventsRule *string, hideCheckinAlert bool) error {
	alerts, err := find(app, "alerts")
	if err != nil {
		return err
	}
	alerts.ListRule, alerts.ViewRule = alertsRule, alertsRule
	if err := app.Save(alerts); err != nil {
		return err
	}
	events, err := find(app, "alert_events")
	if err != nil {
		return err
	}
	events.ListRule, events.ViewRule = eventsRule, eventsRule
	if err := app.Save(events); err != nil {
		return err
	}
	checkins, err := find(app, "checkins")
	if err != nil {
		return err
	}
	if f := checkins.Fields.GetByName("alert"); f != nil {
		f.SetHidden(hideCheckinAlert)
	}
	return app.Save(checkins)
}
