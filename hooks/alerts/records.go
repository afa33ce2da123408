package alerts

import (
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/directory"
	"alertbutton/hooks/i18n"
)

// staffCreate gives an alert that staff create through the records API (a phone call, a
// walk-in) what Raise gives the button's: defaults, route, first event and notifications,
// in the transaction that stores it.
func staffCreate(cfg *appliance.Config, dir *directory.Table) func(e *core.RecordRequestEvent) error {
	return func(e *core.RecordRequestEvent) error {
		return inTransaction(e, func(tx core.App) error {
			d, err := staffDraft(tx, e)
			if err != nil {
				return err
			}
			_, _, err = Raise(tx, cfg, dir, d)
			return err
		})
	}
}

// inTransaction runs fn with e.App set to the transaction, so that PocketBase's save, the
// other request hooks and fn commit together (and the answer is written after the commit).
func inTransaction(e *core.RecordRequestEvent, fn func(tx core.App) error) error {
	outer := e.App
	defer func() { e.App = outer }()
	return outer.RunInTransaction(func(tx core.App) error {
		e.App = tx
		return fn(tx)
	})
}

// staffDraft checks what staff may set on a new alert and reads it as a Draft whose record is
// the request's, saved by PocketBase's records API (and its other hooks, the audit log's).
func staffDraft(app core.App, e *core.RecordRequestEvent) (Draft, error) {
	r := e.Record
	lang := i18n.Lang(e.RequestEvent)
	errs := validation.Errors{}
	fail := func(field, code string, msg i18n.Text) { errs[field] = validation.NewError(code, msg.In(lang)) }

	if r.GetString("source") == "" {
		r.Set("source", SourceStaff)
	}
	source := r.GetString("source")
	if source != SourceStaff && source != SourceWalkin {
		fail("source", "staff_source", msgStaffSource)
	}
	if s := r.GetString("status"); s != "" && s != StatusNew {
		fail("status", "status_new", msgNewOnly)
	}
	checkFacts(app, r, r.Original(), lang, errs) // duress, assignment, facility
	if code := r.GetString("target_consulate"); code != "" {
		if _, ok := jurisdiction.ConsulateByCode(code); !ok {
			fail("target_consulate", "unknown_consulate", msgUnknownCode)
		}
	}
	var registrant *core.Record
	if id := r.GetString("registrant"); id != "" {
		found, err := app.FindRecordById("registrants", id)
		if err != nil {
			fail("registrant", "unknown_registrant", msgNotFound)
		}
		registrant = found
	}
	if registrant == nil && strings.TrimSpace(r.GetString("subject_name")) == "" {
		fail("subject_name", "validation_required", msgSubjectName)
	}
	if len(errs) > 0 {
		return Draft{}, e.BadRequestError(msgInvalid.In(lang), errs)
	}
	return Draft{
		Record:      r,
		Save:        func(core.App, *core.Record) error { return e.Next() },
		FreshUID:    true,
		UID:         r.GetString("uid"),
		Kind:        r.GetString("kind"),
		Source:      source,
		Actor:       "staff:" + e.Auth.Id,
		Registrant:  registrant,
		ZIP:         r.GetString("zip"),
		Note:        r.GetString("note"),
		Place:       r.GetString("location"),
		SubjectName: r.GetString("subject_name"),
	}, nil
}
