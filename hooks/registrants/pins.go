package registrants

import (
	"net/http"
	"regexp"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/i18n"
	"alertbutton/hooks/jsonbody"
	"alertbutton/hooks/pins"
)

var pinRE = regexp.MustCompile(`^[0-9]{4,8}$`)

var (
	msgPinFormat = i18n.Text{ES: "El PIN debe tener de 4 a 8 números.", EN: "The PIN must have 4 to 8 digits."}
	msgPinsEqual = i18n.Text{ES: "El PIN de emergencia debe ser distinto del PIN para cancelar.", EN: "The duress PIN must differ from the cancel PIN."}
	msgSignIn    = i18n.Text{ES: "Inicie sesión para continuar.", EN: "Sign in to continue."}
)

type pinsBody struct {
	CancelPin string `json:"cancelPin"`
	DuressPin string `json:"duressPin"`
}

// setPins stores the hashes of the cancel and duress PINs; they are never returned.
func setPins(e *core.RequestEvent) error {
	lang := i18n.Lang(e)
	if e.Auth == nil || e.Auth.Collection().Name != "registrants" {
		return e.UnauthorizedError(msgSignIn.In(lang), nil)
	}
	var body pinsBody
	if err := jsonbody.Decode(e, lang, jsonbody.Small, &body); err != nil {
		return err
	}
	errs := validation.Errors{}
	for field, pin := range map[string]string{"cancelPin": body.CancelPin, "duressPin": body.DuressPin} {
		if !pinRE.MatchString(pin) {
			errs[field] = validation.NewError("invalid_pin", msgPinFormat.In(lang))
		}
	}
	if len(errs) == 0 && body.CancelPin == body.DuressPin {
		errs["duressPin"] = validation.NewError("pins_equal", msgPinsEqual.In(lang))
	}
	if len(errs) > 0 {
		return e.BadRequestError(msgPinFormat.In(lang), errs)
	}
	cancelHash, err := pins.Hash(body.CancelPin)
	if err != nil {
		return err
	}
	duressHash, err := pins.Hash(body.DuressPin)
	if err != nil {
		return err
	}
	registrant, err := e.App.FindRecordById("registrants", e.Auth.Id)
	if err != nil {
		return e.NotFoundError("", err)
	}
	registrant.Set("cancel_pin_hash", cancelHash)
	registrant.Set("duress_pin_hash", duressHash)
	if err := e.App.Save(registrant); err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}
