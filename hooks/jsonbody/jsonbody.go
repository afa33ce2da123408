// Package jsonbody reads the JSON bodies of the appliance's own routes strictly: one object,
// of bounded size, with only the fields the route takes. A field the route does not take is
// refused by name rather than ignored, so that nobody believes a field (a status, an owner,
// a duress flag) did something.
package jsonbody

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/i18n"
)

var (
	msgTooLarge = i18n.Text{ES: "La solicitud es demasiado grande.", EN: "The request is too large."}
	msgBadJSON  = i18n.Text{ES: "La solicitud no es un objeto JSON válido.", EN: "The request is not a valid JSON object."}
	msgUnknown  = i18n.Text{ES: "La solicitud lleva campos que no se aceptan: {fields}. Quítalos y vuelve a intentarlo.", EN: "The request has fields that are not accepted: {fields}. Remove them and try again."}
	msgField    = i18n.Text{ES: "Este campo no se acepta.", EN: "This field is not accepted."}
)

// Small bounds the bodies of a few short fields (PINs, an empty body).
const Small = 4 << 10

// maxNamed is how many refused fields the message lists; the data names them all.
const maxNamed = 10

// Object is a request's JSON object: its bytes and its fields.
type Object struct {
	Raw    []byte
	Fields map[string]json.RawMessage
}

// Read reads the request's body as one JSON object of at most max bytes (an empty body is
// {}) with no field but allowed. Its errors are PocketBase's error shape in lang: 413 past
// max, 400 for anything but an object, 400 naming every field not allowed.
func Read(e *core.RequestEvent, lang string, max int, allowed ...string) (Object, error) {
	b := decode(e, max)
	switch {
	case b.tooLarge:
		return Object{}, e.Error(http.StatusRequestEntityTooLarge, msgTooLarge.In(lang), nil)
	case b.fields == nil:
		return Object{}, badJSON(e, lang)
	}
	if err := only(e, lang, "", b.fields, allowed); err != nil {
		return Object{}, err
	}
	return Object{Raw: b.raw, Fields: b.fields}, nil
}

// Peek returns the fields of the body as Read reads it, whatever their names; nil when the
// body is not a JSON object of at most max bytes. A middleware that needs a field before the
// route (the alert limiter, the uid) peeks: the route's Read then decodes nothing again.
func Peek(e *core.RequestEvent, max int) map[string]json.RawMessage {
	return decode(e, max).fields
}

// decodedKey is where decode keeps the body it decoded, on the request event.
const decodedKey = "alertbutton.jsonbody"

// decoded is a request body read and decoded once.
type decoded struct {
	max      int
	raw      []byte
	fields   map[string]json.RawMessage // nil when the body is not a JSON object
	tooLarge bool
}

// decode reads the body (at most max bytes) and decodes it, once per request.
func decode(e *core.RequestEvent, max int) *decoded {
	if b, ok := e.Get(decodedKey).(*decoded); ok && b.max == max {
		return b
	}
	b := &decoded{max: max}
	raw, err := io.ReadAll(io.LimitReader(e.Request.Body, int64(max)+1))
	switch {
	case err != nil:
	case len(raw) > max:
		b.tooLarge = true
	case len(bytes.TrimSpace(raw)) == 0:
		b.raw, b.fields = []byte("{}"), map[string]json.RawMessage{}
	default:
		b.raw = raw
		if json.Unmarshal(raw, &b.fields) != nil {
			b.fields = nil
		}
	}
	e.Set(decodedKey, b)
	return b
}

// Fields parses raw as a JSON object with no field but allowed; prefix names where it sits
// in the body (e.g. "keys.") in the errors.
func Fields(e *core.RequestEvent, lang, prefix string, raw []byte, allowed ...string) (map[string]json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, badJSON(e, lang)
	}
	if err := only(e, lang, prefix, fields, allowed); err != nil {
		return nil, err
	}
	return fields, nil
}

// only refuses, by name, every field not allowed.
func only(e *core.RequestEvent, lang, prefix string, fields map[string]json.RawMessage, allowed []string) error {
	var unknown []string
	for name := range fields {
		if !slices.Contains(allowed, name) {
			unknown = append(unknown, prefix+name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	errs := validation.Errors{}
	for _, name := range unknown {
		errs[name] = validation.NewError("unknown_field", msgField.In(lang))
	}
	named := unknown[:min(len(unknown), maxNamed)]
	list := strings.Join(named, ", ")
	if len(unknown) > maxNamed {
		list += ", …"
	}
	return e.BadRequestError(strings.ReplaceAll(msgUnknown.In(lang), "{fields}", list), errs)
}

// Decode reads the body as Read does into dst, a pointer to a struct whose json names are
// the fields allowed.
func Decode(e *core.RequestEvent, lang string, max int, dst any) error {
	obj, err := Read(e, lang, max, jsonNames(dst)...)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(obj.Raw, dst); err != nil {
		return badJSON(e, lang)
	}
	return nil
}

// jsonNames are the names encoding/json gives the fields of the struct v points to.
func jsonNames(v any) []string {
	t := reflect.TypeOf(v).Elem()
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case !f.IsExported() || name == "-":
			continue
		case name == "":
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

func badJSON(e *core.RequestEvent, lang string) error {
	return e.BadRequestError(msgBadJSON.In(lang),
		validation.Errors{"body": validation.NewError("invalid_json", msgBadJSON.In(lang))})
}
