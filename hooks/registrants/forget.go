package registrants

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/audit"
	"alertbutton/hooks/pins"
	"alertbutton/hooks/records"
)

// personalAlertFields are what an alert holds of the person; the case itself (status,
// timeline, facility, the advisers' notes) stays with the consulate.
var personalAlertFields = []string{"subject_name", "subject_phone", "subject_birth_date", "location", "place", "note", "a_number", "zip", "county_geoid"}

// forgetPerson runs inside the deletion's transaction: PocketBase cascades contacts,
// check-ins and subscriptions; the person's alerts lose their personal data. log audits it.
func forgetPerson(log *audit.Log) func(e *core.RecordEvent) error {
	return func(e *core.RecordEvent) error { return forget(log, e) }
}

func forget(log *audit.Log, e *core.RecordEvent) error {
	var alertIDs []string
	err := e.App.DB().Select("id").From("alerts").Where(dbx.HashExp{"registrant": e.Record.Id}).Column(&alertIDs)
	if err != nil {
		return err
	}
	if len(alertIDs) > 0 {
		cleared := dbx.Params{}
		for _, f := range personalAlertFields {
			cleared[f] = ""
		}
		if _, err := e.App.DB().Update("alerts", cleared, dbx.HashExp{"registrant": e.Record.Id}).Execute(); err != nil {
			return err
		}
	}
	if err := forgetSecrets(e.App, e.Record.Id); err != nil {
		return err
	}
	if err := recordForgotten(e.App, alertIDs); err != nil {
		return err
	}
	err = log.Append(e.App, audit.Entry{Actor: "system", Action: "forget_registrant", Collection: "registrants", RecordID: e.Record.Id})
	if err != nil {
		return err
	}
	return e.Next()
}

func recordForgotten(app core.App, alertIDs []string) error {
	if len(alertIDs) == 0 {
		return nil
	}
	events, err := app.FindCachedCollectionByNameOrId("alert_events")
	if err != nil {
		return err
	}
	for _, id := range alertIDs {
		ev := core.NewRecord(events)
		ev.Set("alert", id)
		ev.Set("type", "registrant_deleted")
		ev.Set("actor", "system")
		if err := records.Save(app, ev); err != nil {
			return err
		}
	}
	return nil
}

// forgetSecrets removes what the person kept outside the collections: PINs, a recovery
// or verification code, a deletion that waited for a case to close.
func forgetSecrets(app core.App, registrantID string) error {
	if err := pins.Forget(app, registrantID); err != nil {
		return err
	}
	for _, table := range []string{recoveryCodes, phoneCodes, "pending_deletions"} {
		if _, err := app.DB().Delete(table, dbx.HashExp{"registrant": registrantID}).Execute(); err != nil {
			return err
		}
	}
	return nil
}
