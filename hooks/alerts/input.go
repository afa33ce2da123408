package alerts

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/jsonbody"
)

const (
	maxBody  = 16 << 10
	maxNote  = 1000
	maxPlace = 500
)

// personKinds are the kinds a person (registrant or relative) may raise; checkin_missed is
// the server's.
var personKinds = []string{"detained", "at_risk", "raid", "other"}

var (
	uidRE = regexp.MustCompile(vocab.AlertUIDPattern)
	zipRE = regexp.MustCompile(vocab.ZIPPattern)
	pinRE = regexp.MustCompile(`^[0-9]{4,8}$`)
)

var (
	msgFieldUID      = i18n.Text{ES: "El uid debe ser un UUIDv7 en minúsculas o un ULID.", EN: "The uid must be a lower-case UUIDv7 or a ULID."}
	msgFieldKind     = i18n.Text{ES: "Elige el tipo de alerta: detención, en riesgo, redada u otro.", EN: "Choose the kind of alert: detention, at risk, raid or other."}
	msgFieldLat      = i18n.Text{ES: "La latitud debe ser un número entre -90 y 90.", EN: "The latitude must be a number between -90 and 90."}
	msgFieldLon      = i18n.Text{ES: "La longitud debe ser un número entre -180 y 180.", EN: "The longitude must be a number between -180 and 180."}
	msgFieldPair     = i18n.Text{ES: "Envía la latitud y la longitud juntas.", EN: "Send the latitude and the longitude together."}
	msgFieldAccuracy = i18n.Text{ES: "La precisión debe ser un número de metros, 0 o más.", EN: "The accuracy must be a number of meters, 0 or more."}
	msgFieldZIP      = i18n.Text{ES: "El código postal debe tener 5 dígitos.", EN: "The ZIP code must have 5 digits."}
	msgFieldNote     = i18n.Text{ES: "La nota debe ser texto de hasta 1000 caracteres.", EN: "The note must be text of up to 1000 characters."}
	msgFieldPlace    = i18n.Text{ES: "El lugar debe ser texto de hasta 500 caracteres.", EN: "The place must be text of up to 500 characters."}
	msgFieldPIN      = i18n.Text{ES: "Escribe tu PIN (de 4 a 8 números).", EN: "Type your PIN (4 to 8 digits)."}
)

// body is a JSON object read from a request; its getters collect one error per bad field.
type body struct {
	obj  map[string]json.RawMessage
	errs validation.Errors
	lang string
}

// The fields each alert route takes; any other is refused by name.
var (
	buttonFields = []string{"uid", "kind", "lat", "lon", "accuracy", "zip", "note"}
	familyFields = []string{"uid", "kind", "place", "note"}
	pinFields    = []string{"pin"}
)

// readBody reads a JSON object of at most maxBody bytes with no field but fields; an empty
// body is an empty object. Its errors are in lang.
func readBody(e *core.RequestEvent, lang string, fields ...string) (*body, error) {
	obj, err := jsonbody.Read(e, lang, maxBody, fields...)
	if err != nil {
		return nil, err
	}
	return &body{obj: obj.Fields, errs: validation.Errors{}, lang: lang}, nil
}

// PressUID is the uid an alert route's body names ("" when none, or not a JSON object), for
// the middlewares that run before the route; the route decodes nothing again.
func PressUID(e *core.RequestEvent) string {
	var uid string
	if raw, ok := jsonbody.Peek(e, maxBody)["uid"]; ok && json.Unmarshal(raw, &uid) != nil {
		return ""
	}
	return uid
}

func (b *body) fail(field, code string, msg i18n.Text) {
	if _, done := b.errs[field]; !done {
		b.errs[field] = validation.NewError(code, msg.In(b.lang))
	}
}

// err is the 400 naming every bad field, or nil.
func (b *body) err(e *core.RequestEvent) error {
	if len(b.errs) == 0 {
		return nil
	}
	return e.BadRequestError(msgInvalid.In(b.lang), b.errs)
}

func (b *body) has(field string) bool {
	raw, ok := b.obj[field]
	return ok && string(bytes.TrimSpace(raw)) != "null"
}

// text returns a string field of at most max characters ("" when absent).
func (b *body) text(field string, max int, msg i18n.Text) string {
	if !b.has(field) {
		return ""
	}
	var s string
	if err := json.Unmarshal(b.obj[field], &s); err != nil || utf8.RuneCountInString(s) > max {
		b.fail(field, "invalid_"+field, msg)
		return ""
	}
	return s
}

// number returns a numeric field within [min, max] (nil when absent).
func (b *body) number(field string, min, max float64, msg i18n.Text) *float64 {
	if !b.has(field) {
		return nil
	}
	var f float64
	if err := json.Unmarshal(b.obj[field], &f); err != nil || math.IsNaN(f) || f < min || f > max {
		b.fail(field, "invalid_"+field, msg)
		return nil
	}
	return &f
}

func (b *body) uid() string {
	uid := b.text("uid", 36, msgFieldUID)
	if uid != "" && !uidRE.MatchString(uid) {
		b.fail("uid", "invalid_uid", msgFieldUID)
	}
	return uid
}

// kind returns the kind of alert, or fallback when absent ("" makes it required).
func (b *body) kind(fallback string) string {
	if !b.has("kind") && fallback != "" {
		return fallback
	}
	kind := b.text("kind", 40, msgFieldKind)
	if !slices.Contains(personKinds, kind) {
		b.fail("kind", "invalid_kind", msgFieldKind)
	}
	return kind
}

// point returns the coordinates: both or neither.
func (b *body) point() (lat, lon, accuracy *float64) {
	lat = b.number("lat", -90, 90, msgFieldLat)
	lon = b.number("lon", -180, 180, msgFieldLon)
	accuracy = b.number("accuracy", 0, math.MaxFloat64, msgFieldAccuracy)
	switch {
	case b.has("lat") && !b.has("lon"):
		b.fail("lon", "missing_lon", msgFieldPair)
	case b.has("lon") && !b.has("lat"):
		b.fail("lat", "missing_lat", msgFieldPair)
	}
	if lat == nil || lon == nil {
		return nil, nil, nil
	}
	return lat, lon, accuracy
}

func (b *body) zip() string {
	zip := b.text("zip", 5, msgFieldZIP)
	if zip != "" && !zipRE.MatchString(zip) {
		b.fail("zip", "invalid_zip", msgFieldZIP)
	}
	if b.has("zip") && zip == "" {
		b.fail("zip", "invalid_zip", msgFieldZIP)
	}
	return zip
}

func (b *body) pin() string {
	pin := b.text("pin", 8, msgFieldPIN)
	if !pinRE.MatchString(pin) {
		b.fail("pin", "invalid_pin", msgFieldPIN)
	}
	return pin
}
