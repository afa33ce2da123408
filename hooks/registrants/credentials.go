package registrants

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
)

// credentialFields are what signs a person in, or could: a staff member who set one could
// become the person. Staff help a person back in with a recovery code (recovery.go).
var credentialFields = []string{
	"phone", core.FieldNameEmail, core.FieldNameEmailVisibility, core.FieldNameVerified, core.FieldNameTokenKey,
}

// passwordFields set a password when present in a body.
var passwordFields = []string{core.FieldNamePassword, core.FieldNamePassword + "Confirm", "oldPassword"}

const msgStaffCredentials = "Staff cannot create a person's account or set their password, phone, e-mail or sign-in state. " +
	"The person registers from their phone; to help them back into their account, issue a recovery code " +
	"(POST /api/alertbutton/registrants/{id}/recovery-code)."

// bindCredentials keeps staff, on every role and through every API (the records API, the
// admin UI, batch requests), off the registrants' credentials.
func bindCredentials(app core.App) {
	app.OnRecordCreateRequest("registrants").BindFunc(func(e *core.RecordRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.ForbiddenError(msgStaffCredentials, nil)
		}
		return e.Next()
	})
	app.OnRecordUpdateRequest("registrants").BindFunc(func(e *core.RecordRequestEvent) error {
		if !e.HasSuperuserAuth() {
			return e.Next()
		}
		changed, err := changedCredentials(e)
		if err != nil {
			return e.BadRequestError("", err)
		}
		if len(changed) > 0 {
			return e.ForbiddenError(msgStaffCredentials, map[string]any{"fields": changed})
		}
		return e.Next()
	})
}

// changedCredentials names the credentials the request would change. The admin UI sends
// the e-mail and sign-in flags with every save, so those count only when they change.
func changedCredentials(e *core.RecordRequestEvent) ([]string, error) {
	info, err := e.RequestInfo()
	if err != nil {
		return nil, err
	}
	var changed []string
	for key := range info.Body {
		if slices.Contains(passwordFields, key) {
			changed = append(changed, key)
		}
	}
	original := e.Record.Original()
	for _, f := range credentialFields {
		if e.Record.Get(f) != original.Get(f) {
			changed = append(changed, f)
		}
	}
	slices.Sort(changed)
	return changed, nil
}
