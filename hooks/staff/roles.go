package staff

import (
	"errors"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/privacy"
)

// Bind enforces the roles and keeps staff accounts in IT's hands.
func Bind(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(policy)
		return se.Next()
	})
	app.OnBatchRequest().BindFunc(batchPolicy)
	// A superuser made from the command line (superuser upsert) is IT.
	app.OnRecordCreate(core.CollectionNameSuperusers).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("role") == "" {
			e.Record.Set("role", privacy.RoleIT)
		}
		return e.Next()
	})
	bindSchemaLock(app)
	// Realtime messages do not pass the request policy; a subscription's endpoint
	// identifies a person's browser, so none is sent, to staff either.
	app.OnRecordEnrich(routesOnly...).BindFunc(func(e *core.RecordEnrichEvent) error {
		if e.RequestInfo != nil && e.RequestInfo.Context == core.RequestInfoContextRealtime {
			return errRoutesOnly
		}
		return e.Next()
	})
	app.OnRecordCreateRequest(core.CollectionNameSuperusers).BindFunc(onlyIT)
	app.OnRecordDeleteRequest(core.CollectionNameSuperusers).BindFunc(onlyIT)
	app.OnRecordUpdateRequest(core.CollectionNameSuperusers).BindFunc(func(e *core.RecordRequestEvent) error {
		role := privacy.StaffRole(e.Auth)
		if role == privacy.RoleIT {
			return e.Next()
		}
		if e.Auth == nil || e.Auth.Id != e.Record.Id {
			return e.ForbiddenError("Only IT can change another staff member's account.", nil)
		}
		if e.Record.GetString("role") != e.Record.Original().GetString("role") {
			return e.BadRequestError("Only IT can change roles.", validation.Errors{
				"role": validation.NewError("role_locked", "Only IT can change roles."),
			})
		}
		return e.Next()
	})
}

var errRoutesOnly = errors.New("push subscriptions are reached through the appliance's routes only")

func onlyIT(e *core.RecordRequestEvent) error {
	if privacy.StaffRole(e.Auth) != privacy.RoleIT {
		return e.ForbiddenError("Only IT can add or remove staff accounts.", nil)
	}
	return e.Next()
}
