// Package i18n picks the language a person reads (Spanish first) and builds the
// PocketBase-shaped errors they get.
package i18n

import (
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Lang is "en" when the signed-in person chose English, or when the request asks for
// English (?lang=en, or Accept-Language that starts with en); otherwise "es".
func Lang(e *core.RequestEvent) string {
	if e.Auth != nil {
		if l := e.Auth.GetString("language"); l == "en" || l == "es" {
			return l
		}
	}
	if l := e.Request.URL.Query().Get("lang"); l == "en" || l == "es" {
		return l
	}
	if strings.HasPrefix(strings.ToLower(e.Request.Header.Get("Accept-Language")), "en") {
		return "en"
	}
	return "es"
}

// Text is one message in both languages.
type Text struct{ ES, EN string }

// In returns the text in lang.
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.ES
}

// FieldError is a 400 that names the field, in PocketBase's error shape.
func FieldError(e *core.RequestEvent, field, code string, msg Text) error {
	lang := Lang(e)
	return e.BadRequestError(msg.In(lang), validation.Errors{field: validation.NewError(code, msg.In(lang))})
}
