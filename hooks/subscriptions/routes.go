package subscriptions

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/jsonbody"
	"alertbutton/hooks/push"
)

// maxBody is far above any real PushSubscription.toJSON().
const maxBody = 8 << 10

var (
	msgSignIn   = i18n.Text{ES: "Entra a tu cuenta para activar las notificaciones.", EN: "Sign in to turn on notifications."}
	msgBadBody  = i18n.Text{ES: "No pudimos leer la suscripción del navegador. Vuelve a activar las notificaciones.", EN: "We could not read the browser's subscription. Turn notifications on again."}
	msgNotFound = i18n.Text{ES: "Esa suscripción no existe o no es tuya.", EN: "That subscription does not exist or is not yours."}
)

// Subscribe is POST /api/alertbutton/push/subscriptions, for a registrant or staff.
func Subscribe(cfg *appliance.Config) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		owner, ok := ownerOf(e)
		if !ok {
			return e.UnauthorizedError(msgSignIn.In(i18n.Lang(e)), nil)
		}
		return Create(e, cfg, owner, selfNotice(owner.Lang, e.Auth.IsSuperuser()))
	}
}

// Unsubscribe is DELETE /api/alertbutton/push/subscriptions, for a registrant or staff.
func Unsubscribe(e *core.RequestEvent) error {
	owner, ok := ownerOf(e)
	if !ok {
		return e.UnauthorizedError(msgSignIn.In(i18n.Lang(e)), nil)
	}
	return Remove(e, owner)
}

func ownerOf(e *core.RequestEvent) (Owner, bool) {
	switch {
	case e.Auth == nil:
		return Owner{}, false
	case e.Auth.IsSuperuser():
		return Owner{Staff: e.Auth.Id, Lang: i18n.Lang(e)}, true
	case e.Auth.Collection().Name == "registrants":
		return Owner{Registrant: e.Auth.Id, Lang: i18n.Lang(e)}, true
	}
	return Owner{}, false
}

// The fields of the browser's PushSubscription.toJSON(); any other is refused by name.
var (
	subscriptionFields = []string{"endpoint", "expirationTime", "keys"}
	keyFields          = []string{"p256dh", "auth"}
)

// Create is the body of every subscribe route: parse, check, save, answer.
func Create(e *core.RequestEvent, cfg *appliance.Config, owner Owner, notice push.Payload) error {
	body, err := jsonbody.Read(e, owner.Lang, maxBody, subscriptionFields...)
	if err != nil {
		return err
	}
	if keys := bytes.TrimSpace(body.Fields["keys"]); bytes.HasPrefix(keys, []byte("{")) {
		if _, err := jsonbody.Fields(e, owner.Lang, "keys.", keys, keyFields...); err != nil {
			return err
		}
	}
	sub, err := push.ParseSubscription(body.Raw, cfg.PushHosts)
	if err != nil {
		return fieldError(e, owner.Lang, err)
	}
	r, isNew, err := Save(e.App, sub, owner, notice)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if isNew {
		status = http.StatusCreated
	}
	return e.JSON(status, map[string]any{"id": r.Id, "endpoint": sub.Endpoint})
}

// Remove is the body of every unsubscribe route.
func Remove(e *core.RequestEvent, owner Owner) error {
	body, err := jsonbody.Read(e, owner.Lang, maxBody, "endpoint")
	if err != nil {
		return err
	}
	var endpoint string
	if json.Unmarshal(body.Fields["endpoint"], &endpoint) != nil || endpoint == "" {
		return e.BadRequestError(msgBadBody.In(owner.Lang), validation.Errors{"endpoint": validation.NewError("invalid_endpoint", msgBadBody.In(owner.Lang))})
	}
	if err := Delete(e.App, endpoint, owner); err != nil {
		return e.NotFoundError(msgNotFound.In(owner.Lang), err)
	}
	return e.NoContent(http.StatusNoContent)
}

func fieldError(e *core.RequestEvent, lang string, err error) error {
	var fe *push.FieldError
	if !errors.As(err, &fe) {
		return e.BadRequestError(msgBadBody.In(lang), err)
	}
	msg := fe.Message
	if lang == "es" && fe.MessageES != "" {
		msg = fe.MessageES
	}
	field := fe.Field
	if field == "" {
		field = "body"
	}
	return e.BadRequestError(msg, validation.Errors{field: validation.NewError(fe.Code, msg)})
}
