package audit

import (
	"crypto/ed25519"
	"errors"
	"net/http"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/keys"
	"alertbutton/hooks/groupcommit"
)

// PersonalCollections are the collections whose every staff read and write is audited.
var PersonalCollections = []string{"registrants", "contacts", "alerts", "alert_events", "checkins", "case_notes"}

var errAppendOnly = errors.New("the audit log is append-only: its rows cannot be changed or deleted")

// Bind keeps the log append-only and records staff access to personal data in log.
func Bind(app core.App, log *Log, commits *groupcommit.Committer) {
	app.OnRecordUpdate("audit_log").BindFunc(func(*core.RecordEvent) error { return errAppendOnly })
	app.OnRecordDelete("audit_log").BindFunc(func(*core.RecordEvent) error { return errAppendOnly })

	app.OnRecordViewRequest(PersonalCollections...).BindFunc(func(e *core.RecordRequestEvent) error {
		return log.audited(e.RequestEvent, e.Next, "view", func() []*core.Record { return []*core.Record{e.Record} })
	})
	app.OnRecordsListRequest(PersonalCollections...).BindFunc(func(e *core.RecordsListRequestEvent) error {
		return log.audited(e.RequestEvent, e.Next, "list", func() []*core.Record { return e.Records })
	})
	app.OnRecordCreateRequest(PersonalCollections...).BindFunc(log.auditWrite("create"))
	app.OnRecordUpdateRequest(PersonalCollections...).BindFunc(log.auditWrite("update"))
	app.OnRecordDeleteRequest(PersonalCollections...).BindFunc(log.auditWrite("delete"))
	app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if !isStaff(e.Auth) {
			return nil
		}
		return log.Append(e.App, Entry{Actor: Actor(e.Auth), Action: "subscribe", Collection: "realtime"})
	})
	app.OnRealtimeMessageSend().BindFunc(func(e *core.RealtimeMessageEvent) error { return log.auditDelivery(commits, e) })
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

func isStaff(auth *core.Record) bool { return auth != nil && auth.IsSuperuser() }

func (l *Log) auditWrite(action string) func(e *core.RecordRequestEvent) error {
	return func(e *core.RecordRequestEvent) error {
		return l.audited(e.RequestEvent, e.Next, action, func() []*core.Record { return []*core.Record{e.Record} })
	}
}

// audited runs the rest of a staff request in one transaction with the audit rows of the
// records it answers with, expanded ones included. PocketBase writes the answer only once
// that transaction commits, so a record whose audit row cannot be written is not sent, and
// a write whose audit row cannot be written is rolled back. next is the record event's Next.
func (l *Log) audited(e *core.RequestEvent, next func() error, action string, answered func() []*core.Record) error {
	if !isStaff(e.Auth) {
		return next()
	}
	outer := e.App
	defer func() { e.App = outer }()
	var auditErr error
	err := outer.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := next(); err != nil {
			return err
		}
		auditErr = l.appendAll(tx, Actor(e.Auth), action, answered())
		return auditErr
	})
	if auditErr != nil {
		outer.Logger().Error("audit: a staff request was refused because its audit row could not be written",
			"actor", Actor(e.Auth), "action", action, "error", auditErr.Error())
		return e.InternalServerError("The audit log could not be written, so nothing was read or changed. Try again; if it keeps failing, tell IT.", nil)
	}
	return err
}

// appendAll audits each personal record of records and of their expands.
func (l *Log) appendAll(tx core.App, actor, action string, records []*core.Record) error {
	var entries []Entry
	for _, r := range personal(records) {
		entries = append(entries, Entry{Actor: actor, Action: action, Collection: r.Collection().Name, RecordID: r.Id})
	}
	return l.appendEntries(tx, entries)
}

// personal returns the records of PersonalCollections among records and everything they expand.
func personal(records []*core.Record) []*core.Record {
	var out []*core.Record
	for _, r := range records {
		if r == nil {
			continue
		}
		if isPersonal(r.Collection().Name) {
			out = append(out, r)
		}
		for _, x := range r.Expand() {
			switch x := x.(type) {
			case *core.Record:
				out = append(out, personal([]*core.Record{x})...)
			case []*core.Record:
				out = append(out, personal(x)...)
			}
		}
	}
	return out
}

func isPersonal(collection string) bool { return slices.Contains(PersonalCollections, collection) }

// VerifyRoute is GET /api/alertbutton/audit/verify, for staff: it walks the chain and, given ?anchor= (a line of Anchor.String kept from an
// earlier day), checks the log still holds that head.
func (l *Log) VerifyRoute(e *core.RequestEvent) error {
	n, err := l.Verify(e.App)
	if line := e.Request.URL.Query().Get("anchor"); err == nil && line != "" {
		if err = checkAnchorLine(e.App, line); err != nil && !isBreak(err) {
			return e.BadRequestError(err.Error(), nil)
		}
	}
	var b *Break
	if errors.As(err, &b) {
		return e.JSON(http.StatusConflict, map[string]any{
			"ok": false, "rows": n, "error": err.Error(),
			"first_bad": map[string]any{"seq": b.Seq, "id": b.ID},
		})
	}
	if err != nil {
		return e.InternalServerError("The audit log could not be read.", err)
	}
	return e.JSON(http.StatusOK, map[string]any{"ok": true, "rows": n})
}

func isBreak(err error) bool {
	var b *Break
	return errors.As(err, &b)
}

func checkAnchorLine(app core.App, line string) error {
	a, err := ParseAnchor(line)
	if err != nil {
		return err
	}
	k, err := keys.LoadOrCreate(app.DataDir())
	if err != nil {
		return err
	}
	return CheckAnchor(app, a, k.Signer().Public().(ed25519.PublicKey))
}
