package registrants

import (
	"net/http"
	"regexp"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/audit"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/jsonbody"
	"alertbutton/hooks/pace"
	"alertbutton/hooks/pins"
)

var pinRE = regexp.MustCompile(`^[0-9]{4,8}$`)

var (
	msgPinFormat  = i18n.Text{ES: "El PIN debe tener de 4 a 8 números.", EN: "The PIN must have 4 to 8 digits."}
	msgPinsEqual  = i18n.Text{ES: "El PIN de peligro debe ser distinto del PIN para cancelar.", EN: "The danger PIN must differ from the cancel PIN."}
	msgCurrentPin = i18n.Text{ES: "El PIN actual no es correcto. Escribe tu PIN para cancelar de ahora.", EN: "The current PIN is not right. Type your current cancel PIN."}
)

type pinsBody struct {
	CurrentPin string `json:"currentPin"`
	CancelPin  string `json:"cancelPin"`
	DuressPin  string `json:"duressPin"`
}

// SetPINs is POST /api/alertbutton/pins, for a registrant: it stores the hashes of the cancel and duress PINs,
// which never leave the server. Changing them takes the current cancel PIN; while one of the
// person's alerts is open they cannot change, whatever PIN is given (a seized phone must not
// make a new cancel PIN), and the answer is the wrong PIN's. The duress PIN answers like the
// cancel PIN and changes nothing. Staff see every attempt made during an open case, and log
// keeps every change and refusal.
func SetPINs(p *pace.Pace, log *audit.Log) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error { return setPINs(p, log, e) }
}

func setPINs(p *pace.Pace, log *audit.Log, e *core.RequestEvent) error {
	lang := i18n.Lang(e)
	var body pinsBody
	if err := jsonbody.Decode(e, lang, jsonbody.Small, &body); err != nil {
		return err
	}
	if errs := checkNewPins(body, lang); len(errs) > 0 {
		return e.BadRequestError(msgPinFormat.In(lang), errs)
	}
	// Every PIN, with a case open or not, answers at the same instant.
	defer p.Hold(e)()
	id := e.Auth.Id
	set, err := pins.IsSet(e.App, id)
	if err != nil {
		return e.InternalServerError("", err)
	}
	open, err := alerts.OpenOf(e.App, id)
	if err != nil {
		return e.InternalServerError("", err)
	}
	// Always compared, set or not, so that every answer takes the same time.
	current, err := pins.Check(e.App, id, body.CurrentPin)
	if err != nil {
		return e.InternalServerError("", err)
	}
	change := current == pins.Cancel || !set
	if len(open) > 0 || current == pins.Duress {
		change = false
	}
	var cancelHash, duressHash string
	if change || current == pins.Duress {
		if cancelHash, err = pins.Hash(body.CancelPin); err == nil {
			duressHash, err = pins.Hash(body.DuressPin)
		}
		if err != nil {
			return e.InternalServerError("", err)
		}
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		if change {
			if err := pins.Store(tx, id, cancelHash, duressHash); err != nil {
				return err
			}
			return log.Append(tx, audit.Entry{Actor: audit.Actor(e.Auth), Action: "pins_changed", Collection: "registrants", RecordID: id})
		}
		return refusePinChange(tx, log, e.Auth, open, attempt(set, current))
	})
	if err != nil {
		return e.InternalServerError("", err)
	}
	if change || current == pins.Duress {
		return e.NoContent(http.StatusNoContent)
	}
	return i18n.FieldError(e, "currentPin", "wrong_pin", msgCurrentPin)
}

func checkNewPins(body pinsBody, lang string) validation.Errors {
	errs := validation.Errors{}
	for field, pin := range map[string]string{"cancelPin": body.CancelPin, "duressPin": body.DuressPin} {
		if !pinRE.MatchString(pin) {
			errs[field] = validation.NewError("invalid_pin", msgPinFormat.In(lang))
		}
	}
	if len(errs) == 0 && body.CancelPin == body.DuressPin {
		errs["duressPin"] = validation.NewError("pins_equal", msgPinsEqual.In(lang))
	}
	return errs
}

// attempt names, for the staff, the PIN a refused change was tried with.
func attempt(set bool, current string) string {
	switch {
	case !set:
		return "first_setting"
	case current == pins.None:
		return "wrong"
	}
	return current
}

// refusePinChange records a refused change: in the audit log, and on the timeline of each
// open alert, where only staff see it.
func refusePinChange(tx core.App, log *audit.Log, auth *core.Record, open []*core.Record, pin string) error {
	actor := audit.Actor(auth)
	for _, alert := range open {
		if err := alerts.AddEvent(tx, alert, alerts.EventPinChangeRefused, actor, true, map[string]any{"pin": pin}); err != nil {
			return err
		}
	}
	return log.Append(tx, audit.Entry{Actor: actor, Action: "pins_change_refused", Collection: "registrants", RecordID: auth.Id})
}

// PINsState is GET /api/alertbutton/pins, for a registrant: {"set"}, so that the app knows to ask for the
// current cancel PIN. The hashes themselves never leave the server.
func PINsState(e *core.RequestEvent) error {
	set, err := pins.IsSet(e.App, e.Auth.Id)
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, map[string]bool{"set": set})
}
