package registrants

import (
	"errors"
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/i18n"
)

// identityFields are the fields unique to one registrant: an error about them tells whether
// someone is registered.
var identityFields = []string{"phone", core.FieldNameEmail}

var msgPhoneChange = i18n.Text{
	ES: "Por ahora el teléfono no se puede cambiar aquí: antes habría que verificar el número nuevo. Para cambiarlo, llama o acude a tu consulado.",
	EN: "The phone cannot be changed here for now: the new number would have to be verified first. To change it, call or visit your consulate.",
}

// bindEnumeration keeps registration and the records API from telling whether a phone is
// registered: registering with a taken phone (or e-mail) answers exactly like a new
// registration and stores nothing (the phone's owner is told by SMS, tellPhoneOwner), and a phone cannot be changed through the API (a change
// would need the new phone verified, which the appliance cannot do yet).
func bindEnumeration(app core.App, cfg *appliance.Config) {
	app.OnRecordCreateRequest("registrants").BindFunc(func(e *core.RecordRequestEvent) error {
		err := e.Next()
		if err == nil || e.HasSuperuserAuth() || !dropTakenIdentity(err) {
			return err
		}
		if err := tellPhoneOwner(e.App, cfg, e.Record.GetString("phone")); err != nil {
			return e.InternalServerError("", err)
		}
		return answerAsRegistered(e, cfg)
	})
	app.OnRecordUpdateRequest("registrants").BindFunc(func(e *core.RecordRequestEvent) error {
		if e.Record.GetString("phone") != e.Record.Original().GetString("phone") {
			lang := i18n.Lang(e.RequestEvent)
			return e.BadRequestError(msgPhoneChange.In(lang),
				validation.Errors{"phone": validation.NewError("phone_change_refused", msgPhoneChange.In(lang))})
		}
		return e.Next()
	})
}

// dropTakenIdentity removes from a refused registration's errors that its phone or e-mail
// is taken, and tells whether that was all that was wrong. A refusal for any other reason (a
// full disk, a failing hook) is never answered as a registration.
func dropTakenIdentity(err error) bool {
	var apiErr *router.ApiError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest {
		return false
	}
	taken := false
	for _, field := range identityFields {
		if item, ok := apiErr.Data[field].(map[string]any); ok && item["code"] == "validation_not_unique" {
			delete(apiErr.Data, field)
			taken = true
		}
	}
	return taken && len(apiErr.Data) == 0
}

// answerAsRegistered answers as PocketBase answers a registration it stored, with a record
// that is not stored: the taken phone's owner is left as they were.
func answerAsRegistered(e *core.RecordRequestEvent, cfg *appliance.Config) error {
	r := e.Record
	if r.Id == "" {
		r.Id = core.GenerateDefaultRandomId()
	}
	now := types.NowDateTime()
	r.SetRaw("created", now)
	r.SetRaw("updated", now)
	setDefaults(r, cfg)
	if err := apis.EnrichRecord(e.RequestEvent, r); err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, r)
}
