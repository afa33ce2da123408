package registrants

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/audit"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/pace"
	"alertbutton/hooks/phone"
)

// Bind registers the registrants' checks, defaults and account deletion, which it audits in
// log; their routes are declared in server/routes.go.
func Bind(app core.App, cfg *appliance.Config, p *pace.Pace, log *audit.Log) {
	bindCredentials(app) // first: staff are refused before any other check
	app.OnRecordCreate("registrants").BindFunc(func(e *core.RecordEvent) error {
		setDefaults(e.Record, cfg)
		return e.Next()
	})
	app.OnRecordCreateRequest("registrants").BindFunc(func(e *core.RecordRequestEvent) error {
		// People register with this consulate, whatever the body says.
		e.Record.Set("home_consulate", cfg.Consulate.Code)
		return validateRequest(e, true)
	})
	app.OnRecordUpdateRequest("registrants").BindFunc(func(e *core.RecordRequestEvent) error {
		// The consulate a person registered with is not theirs to change.
		e.Record.Set("home_consulate", e.Record.Original().GetString("home_consulate"))
		return validateRequest(e, false)
	})
	bindEnumeration(app, cfg)
	bindPhoneVerification(app, cfg) // inside bindEnumeration's: a taken phone rolls its transaction back
	app.OnRecordDelete("registrants").BindFunc(forgetPerson(log))
	bindDeletion(app, p, log)
}

// setDefaults fills what a registrant does not choose on the first screen.
func setDefaults(r *core.Record, cfg *appliance.Config) {
	if r.GetString("home_consulate") == "" {
		r.Set("home_consulate", cfg.Consulate.Code)
	}
	if r.GetString("disclosure") == "" {
		r.Set("disclosure", "all")
	}
}

func validateRequest(e *core.RecordRequestEvent, isNew bool) error {
	lang := e.Record.GetString("language")
	if lang != "en" {
		lang = i18n.Lang(e.RequestEvent)
	}
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	// the phone as people type it ("559 555 1234", "+52 …") is stored in E.164; what cannot
	// be read is left as sent, for check to refuse
	if e164, ok := phone.Normalize(e.Record.GetString("phone")); ok {
		e.Record.Set("phone", e164)
	}
	confirm, hasConfirm := info.Body["passwordConfirm"]
	if !hasConfirm {
		confirm = nil
	}
	if errs := check(e.Record, confirm, isNew, lang, time.Now()); len(errs) > 0 {
		return e.BadRequestError(msgInvalid.In(lang), errs)
	}
	return e.Next()
}
