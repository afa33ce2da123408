package directory

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/records"
)

// Bind registers the checks on IT's edits and returns the table that routes alerts, which
// follows them; the directory's routes (Info, Table.RouteOf) are declared in server/routes.go.
func Bind(app core.App) *Table {
	records.OnValidate(app, "jurisdictions", checkJurisdiction)
	return bindTable(app)
}

// checkJurisdiction keeps IT's corrections routable: a row must name one of the 53 consulates.
func checkJurisdiction(e *core.RecordEvent) error {
	code := e.Record.GetString("consulate")
	if _, ok := jurisdiction.ConsulateByCode(code); !ok {
		return validation.Errors{"consulate": validation.NewError("unknown_consulate",
			"Unknown consulate code "+code+"; use one of the codes in the consulates collection.")}
	}
	return e.Next()
}
