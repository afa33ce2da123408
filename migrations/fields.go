// Package migrations creates and seeds the appliance's collections and settings.
// Every migration has a Down, so `alertbutton migrate down` works.
package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Rules: nil is "superusers only" (staff, whose role the hooks then check); "" is anyone.
var (
	superusersOnly *string
	anyone         = types.Pointer("")
)

func rule(expr string) *string { return types.Pointer(expr) }

func text(name string, required bool, max int) *core.TextField {
	return &core.TextField{Name: name, Required: required, Max: max}
}

func hiddenText(name string) *core.TextField {
	return &core.TextField{Name: name, Hidden: true, Max: 500}
}

// sealedText holds an AES-GCM sealed value; the seal hooks write and read it.
func sealedText(name string) *core.TextField {
	return &core.TextField{Name: name, Max: 8000}
}

func choice(name string, required bool, values ...string) *core.SelectField {
	return &core.SelectField{Name: name, Required: required, MaxSelect: 1, Values: values}
}

func number(name string, min, max float64, onlyInt bool) *core.NumberField {
	return &core.NumberField{Name: name, Min: types.Pointer(min), Max: types.Pointer(max), OnlyInt: onlyInt}
}

func date(name string) *core.DateField { return &core.DateField{Name: name} }

func relation(name string, to *core.Collection, required, cascade bool) *core.RelationField {
	return &core.RelationField{Name: name, CollectionId: to.Id, Required: required, CascadeDelete: cascade, MaxSelect: 1}
}

func timestamps() []core.Field {
	return []core.Field{
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	}
}

func nowUTC() string { return types.NowDateTime().String() }
