package deliveries

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/audit"
)

// collectionOf is where each kind of recipient is a record of personal data, whose name the
// answer shows: each is audited.
var collectionOf = map[string]string{
	vocab.RecipientRegistrant: "registrants",
	vocab.RecipientContact:    "contacts",
}

// Route is GET /api/alertbutton/alerts/{id}/deliveries, for case staff: who the alert's
// notices reached, by which channel, and who could not be reached. The alert and every
// person named are audited before anything is answered.
func Route(log *audit.Log) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		alert, err := e.App.FindRecordById("alerts", e.Request.PathValue("id"))
		if err != nil {
			return e.NotFoundError("No such alert.", nil)
		}
		recipients, err := Of(e.App, alert)
		if err != nil {
			return e.InternalServerError("", err)
		}
		actor := audit.Actor(e.Auth)
		err = e.App.RunInTransaction(func(tx core.App) error {
			if err := log.Append(tx, audit.Entry{Actor: actor, Action: "view_deliveries", Collection: "alerts", RecordID: alert.Id}); err != nil {
				return err
			}
			for _, r := range recipients {
				if c, ok := collectionOf[r.Kind]; ok {
					if err := log.Append(tx, audit.Entry{Actor: actor, Action: "view_deliveries", Collection: c, RecordID: r.ID}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			e.App.Logger().Error("deliveries: the audit row could not be written; nothing was answered", "alert", alert.Id, "error", err)
			return e.InternalServerError("The audit log could not be written, so nothing was read. Try again; if it keeps failing, tell IT.", nil)
		}
		if recipients == nil {
			recipients = []Recipient{}
		}
		return e.JSON(http.StatusOK, map[string]any{"recipients": recipients})
	}
}
