package migrations

import (
	"reflect"

	"github.com/pocketbase/pocketbase/core"
)

// setHelp sets the help text the admin UI shows under a field, on the field types that have
// one (PocketBase's fields carry it as a plain struct field, not through an interface). It
// reports whether the field has one.
func setHelp(f core.Field, help string) bool {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Pointer {
		return false
	}
	h := v.Elem().FieldByName("Help")
	if !h.IsValid() || h.Kind() != reflect.String || !h.CanSet() {
		return false
	}
	h.SetString(help)
	return true
}
