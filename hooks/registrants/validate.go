// Package registrants handles the people who register: the checks on what they send, their
// PINs, and what deleting an account removes.
package registrants

import (
	"regexp"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/i18n"
)

var (
	phoneRE = regexp.MustCompile(vocab.PhonePattern)
	zipRE   = regexp.MustCompile(vocab.ZIPPattern)
)

var (
	msgPhone     = i18n.Text{ES: "No entendimos el teléfono. Escríbelo con lada, por ejemplo 559 555 1234; si es de México, empieza con +52.", EN: "We did not understand the phone number. Write it with the area code, for example 559 555 1234; for a Mexican number, start with +52."}
	msgName      = i18n.Text{ES: "Escribe tu nombre.", EN: "Write your name."}
	msgLanguage  = i18n.Text{ES: "Elige español o inglés.", EN: "Choose Spanish or English."}
	msgConsent   = i18n.Text{ES: "Para registrarte, marca que aceptas que el consulado guarde tus datos.", EN: "To register you must agree that the consulate keeps this data."}
	msgPassword  = i18n.Text{ES: "La contraseña debe tener al menos 8 caracteres.", EN: "The password must have at least 8 characters."}
	msgConfirm   = i18n.Text{ES: "Las dos contraseñas no coinciden.", EN: "The two passwords do not match."}
	msgBirthDate = i18n.Text{ES: "Escribe tu fecha de nacimiento como año-mes-día, por ejemplo 1990-05-31.", EN: "Write your date of birth as year-month-day, for example 1990-05-31."}
	msgAdult     = i18n.Text{ES: "Necesitas tener 18 años o más para registrarte. Un familiar adulto puede agregarte como su contacto.", EN: "You must be 18 or older to register. An adult relative can add you as a contact."}
	msgZIP       = i18n.Text{ES: "El código postal tiene 5 números.", EN: "The ZIP code must have 5 digits."}
	msgInvalid   = i18n.Text{ES: "Revisa los datos marcados.", EN: "Check the marked fields."}
)

// check returns the field errors of a registrant about to be saved, in lang.
func check(r *core.Record, passwordConfirm any, isNew bool, lang string, now time.Time) validation.Errors {
	errs := validation.Errors{}
	add := func(field, code string, msg i18n.Text) { errs[field] = validation.NewError(code, msg.In(lang)) }
	if !phoneRE.MatchString(r.GetString("phone")) {
		add("phone", "invalid_phone", msgPhone)
	}
	if r.GetString("name") == "" {
		add("name", "missing_name", msgName)
	}
	if l := r.GetString("language"); l != "es" && l != "en" {
		add("language", "invalid_language", msgLanguage)
	}
	if !r.GetBool("consent") {
		add("consent", "consent_required", msgConsent)
	}
	if zip := r.GetString("zip"); zip != "" && !zipRE.MatchString(zip) {
		add("zip", "invalid_zip", msgZIP)
	}
	if code, msg, bad := checkBirthDate(r.GetString("birth_date"), now); bad {
		add("birth_date", code, msg)
	}
	if plain := r.GetString("password"); isNew || plain != "" {
		switch {
		case len([]rune(plain)) < 8:
			add("password", "password_too_short", msgPassword)
		case passwordConfirm != nil && passwordConfirm != plain:
			add("passwordConfirm", "password_mismatch", msgConfirm)
		}
	}
	return errs
}

// checkBirthDate accepts an empty date (it is optional) or an adult's YYYY-MM-DD.
func checkBirthDate(v string, now time.Time) (string, i18n.Text, bool) {
	if v == "" {
		return "", i18n.Text{}, false
	}
	born, err := time.Parse(time.DateOnly, v)
	if err != nil || born.After(now) || born.Year() < 1900 {
		return "invalid_birth_date", msgBirthDate, true
	}
	if born.AddDate(18, 0, 0).After(now) {
		return "not_adult", msgAdult, true
	}
	return "", i18n.Text{}, false
}
