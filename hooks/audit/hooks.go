package audit

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

// PersonalCollections are the collections whose every staff read and write is audited.
var PersonalCollections = []string{"registrants", "contacts", "alerts", "alert_events", "checkins"}

var errAppendOnly = errors.New("the audit log is append-only: its rows cannot be changed or deleted")

// Bind keeps the log append-only and records staff access to personal data.
func Bind(app core.App) {
	app.OnRecordUpdate("audit_log").BindFunc(func(*core.RecordEvent) error { return errAppendOnly })
	app.OnRecordDelete("audit_log").BindFunc(func(*core.RecordEvent) error { return errAppendOnly })

	app.OnRecordViewRequest(PersonalCollections...).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return staffAccess(e.RequestEvent, "view", e.Record)
	})
	app.OnRecordsListRequest(PersonalCollections...).BindFunc(func(e *core.RecordsListRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		for _, r := range e.Records {
			if err := staffAccess(e.RequestEvent, "list", r); err != nil {
				return err
			}
		}
		return nil
	})
	app.OnRecordCreateRequest(PersonalCollections...).BindFunc(auditWrite("create"))
	app.OnRecordUpdateRequest(PersonalCollections...).BindFunc(auditWrite("update"))
	app.OnRecordDeleteRequest(PersonalCollections...).BindFunc(auditWrite("delete"))
	app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if e.Auth == nil || !e.Auth.IsSuperuser() {
			return nil
		}
		return Append(e.App, Entry{Actor: Actor(e.Auth), Action: "subscribe", Collection: "realtime"})
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/alertbutton/audit/verify", verifyRoute)
		return se.Next()
	})
}

// Actor names who acted, by id only.
func Actor(auth *core.Record) string {
	switch {
	case auth == nil:
		return "system"
	case auth.IsSuperuser():
		return "staff:" + auth.Id
	default:
		return auth.Collection().Name + ":" + auth.Id
	}
}

func auditWrite(action string) func(e *core.RecordRequestEvent) error {
	return func(e *core.RecordRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return staffAccess(e.RequestEvent, action, e.Record)
	}
}

func staffAccess(e *core.RequestEvent, action string, r *core.Record) error {
	if e.Auth == nil || !e.Auth.IsSuperuser() {
		return nil
	}
	return Append(e.App, Entry{Actor: Actor(e.Auth), Action: action, Collection: r.Collection().Name, RecordID: r.Id})
}

func verifyRoute(e *core.RequestEvent) error {
	if e.Auth == nil || !e.Auth.IsSuperuser() {
		return e.ForbiddenError("Only staff can verify the audit log.", nil)
	}
	n, err := Verify(e.App)
	if err != nil {
		return e.JSON(http.StatusConflict, map[string]any{"ok": false, "rows": n, "error": err.Error()})
	}
	return e.JSON(http.StatusOK, map[string]any{"ok": true, "rows": n})
}
