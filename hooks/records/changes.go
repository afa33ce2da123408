package records

import "github.com/pocketbase/pocketbase/core"

// OnCommittedChange calls changed after each record of the collection is created, updated
// or deleted, once the change is committed: for what keeps the collection's rows in memory.
func OnCommittedChange(app core.App, collection string, changed func()) {
	h := func(e *core.RecordEvent) error {
		changed()
		return e.Next()
	}
	app.OnRecordAfterCreateSuccess(collection).BindFunc(h)
	app.OnRecordAfterUpdateSuccess(collection).BindFunc(h)
	app.OnRecordAfterDeleteSuccess(collection).BindFunc(h)
}
