package alerts

import (
	"errors"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/hooks/i18n"
	"alertbutton/hooks/records"
)

// A case's notes (case_notes) are add-only: staff add them through the records API (the
// author is whoever is signed in), a peer consulate's notes arrive through the federation,
// and nobody, the appliance included, changes or deletes one. Each note is on the timeline
// as an EventNoteAdded naming it; its text stays sealed in the note.

var errNotesAddOnly = errors.New("case notes are add-only: they cannot be changed or deleted")

// NoteDraft is a note to add: by a staff member (Author) or a peer consulate (Consulate).
type NoteDraft struct {
	Author, Consulate, Body string
}

// AddNote stores a note on alert, in the caller's transaction; the caller records its event.
func AddNote(app core.App, alert *core.Record, d NoteDraft) (*core.Record, error) {
	c, err := app.FindCachedCollectionByNameOrId("case_notes")
	if err != nil {
		return nil, err
	}
	n := core.NewRecord(c)
	n.Id = core.GenerateDefaultRandomId() // sealing binds the body to the id
	n.Set("alert", alert.Id)
	n.Set("author", d.Author)
	n.Set("consulate", d.Consulate)
	n.Set("body", strings.TrimSpace(d.Body))
	return n, records.Save(app, n)
}

func bindNotes(app core.App) {
	app.OnRecordCreateRequest("case_notes").Bind(&hook.Handler[*core.RecordRequestEvent]{
		Func: staffNote, Priority: -1, // outermost: the audit row commits with the note
	})
	app.OnRecordUpdateRequest("case_notes").BindFunc(refuseNoteChangeRequest)
	app.OnRecordDeleteRequest("case_notes").BindFunc(refuseNoteChangeRequest)
	app.OnRecordUpdate("case_notes").BindFunc(func(*core.RecordEvent) error { return errNotesAddOnly })
	app.OnRecordDelete("case_notes").BindFunc(func(*core.RecordEvent) error { return errNotesAddOnly })
}

// staffNote adds a staff member's note: its author is the one signed in, never a peer, and
// its event is written in the same transaction.
func staffNote(e *core.RecordRequestEvent) error {
	lang := i18n.Lang(e.RequestEvent)
	r := e.Record
	r.Set("author", e.Auth.Id)
	r.Set("consulate", "")
	r.Set("body", strings.TrimSpace(r.GetString("body")))
	if r.GetString("body") == "" {
		return e.BadRequestError(msgInvalid.In(lang), validation.Errors{"body": validation.NewError("validation_required", msgNoteEmpty.In(lang))})
	}
	return inTransaction(e, func(tx core.App) error {
		alert, err := tx.FindRecordById("alerts", r.GetString("alert"))
		if err != nil {
			return e.BadRequestError(msgInvalid.In(lang), validation.Errors{"alert": validation.NewError("unknown_alert", msgNotFound.In(lang))})
		}
		if err := e.Next(); err != nil {
			return err
		}
		return AddEvent(tx, alert, EventNoteAdded, "staff:"+e.Auth.Id, true, map[string]any{"note": r.Id})
	})
}

func refuseNoteChangeRequest(e *core.RecordRequestEvent) error {
	return e.ForbiddenError(msgNotesAddOnly.In(i18n.Lang(e.RequestEvent)), nil)
}
