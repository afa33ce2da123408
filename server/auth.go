package server

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/hooks/i18n"
	"alertbutton/hooks/privacy"
)

// Who a route is for, checked by one middleware each, bound in routes.go: 401 to the
// anonymous, 403 to anyone signed in who is not the route's; the case staff's routes answer
// 403 to the anonymous too, as they always did.

var (
	msgSignIn     = i18n.Text{ES: "Entra a tu cuenta para continuar.", EN: "Sign in to continue."}
	msgOnlyPerson = i18n.Text{ES: "Solo la persona registrada puede hacer esto desde su teléfono.", EN: "Only the registered person can do this from their phone."}
)

// Staff read English (the admin UI's language).
const (
	msgOnlyStaff     = "Only the consulate's staff can do this."
	msgOnlyCaseStaff = "Only an adviser or a consul can do this."
)

// requireRegistrant lets a registrant in (the person, from their phone).
func requireRegistrant() *hook.Handler[*core.RequestEvent] {
	return require("alertbuttonRequireRegistrant", func(auth *core.Record) bool {
		return auth.Collection().Name == "registrants"
	}, msgOnlyPerson.In)
}

// requireStaff lets any staff member in (a superuser, whatever their role).
func requireStaff() *hook.Handler[*core.RequestEvent] {
	return require("alertbuttonRequireStaff", (*core.Record).IsSuperuser, func(string) string { return msgOnlyStaff })
}

// requireCaseStaff lets advisers and consuls in: they work the cases; IT does not see them.
func requireCaseStaff() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "alertbuttonRequireCaseStaff",
		Func: func(e *core.RequestEvent) error {
			if !privacy.ReadsPersonalData(privacy.StaffRole(e.Auth)) {
				return e.ForbiddenError(msgOnlyCaseStaff, nil)
			}
			return e.Next()
		},
	}
}

// require answers 401 to the anonymous and 403, with refused, to a caller who is not
// allowed.
func require(id string, allowed func(auth *core.Record) bool, refused func(lang string) string) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: id,
		Func: func(e *core.RequestEvent) error {
			switch {
			case e.Auth == nil:
				return e.UnauthorizedError(msgSignIn.In(i18n.Lang(e)), nil)
			case !allowed(e.Auth):
				return e.ForbiddenError(refused(i18n.Lang(e)), nil)
			}
			return e.Next()
		},
	}
}
