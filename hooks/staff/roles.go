package staff

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/audit"
)

// Bind enforces the roles on batches, the schema and realtime (server/routes.go binds Policy
// on every request) and keeps staff accounts in IT's hands, each change of one kept in log.
func Bind(app core.App, log *audit.Log) {
	app.OnBatchRequest().BindFunc(batchPolicy)
	app.OnSettingsListRequest().BindFunc(uiSettings)
	bindSchemaLock(app)
	// Realtime messages do not pass the request policy; a subscription's endpoint
	// identifies a person's browser, so none is sent, to staff either.
	app.OnRecordEnrich(routesOnly...).BindFunc(func(e *core.RecordEnrichEvent) error {
		if e.RequestInfo != nil && e.RequestInfo.Context == core.RequestInfoContextRealtime {
			return errRoutesOnly
		}
		return e.Next()
	})
	bindAccounts(app, log)
}

var errRoutesOnly = errors.New("push subscriptions are reached through the appliance's routes only")
