package directory

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/records"
)

// Bind registers the directory's routes and the checks on IT's edits.
func Bind(app core.App, cfg *appliance.Config) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/alertbutton/info", info(cfg))
		se.Router.GET("/api/alertbutton/route", route)
		return se.Next()
	})
	records.OnValidate(app, "jurisdictions", checkJurisdiction)
	bindTable(app)
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
