package staff

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
)

// The schema is the migrations': they create, change and drop the appliance's collections
// (before serve starts, or with `alertbutton migrate`). Through the API nobody, IT included,
// creates, renames, re-rules, changes, imports, truncates or deletes a collection: a
// renamed audit_log or a re-ruled registrants would leave staff reads unaudited, and a new
// view collection is raw SQL over the people's data.
const msgSchema = "The schema belongs to the appliance's migrations: no one changes, empties or deletes its collections through the API, IT included. Ship a migration instead."

var errSchemaLocked = errors.New(msgSchema)

// bindSchemaLock refuses every collection change through the API and, once the appliance
// serves, every collection change made by any other code in the process: migrations ran
// before serve (apis.Serve runs them first) or run in their own process.
func bindSchemaLock(app core.App) {
	refuse := func(e *core.CollectionRequestEvent) error { return e.ForbiddenError(msgSchema, nil) }
	app.OnCollectionCreateRequest().BindFunc(refuse)
	app.OnCollectionUpdateRequest().BindFunc(refuse)
	app.OnCollectionDeleteRequest().BindFunc(refuse)
	app.OnCollectionsImportRequest().BindFunc(func(e *core.CollectionsImportRequestEvent) error {
		return e.ForbiddenError(msgSchema, nil)
	})

	var serving atomic.Bool
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		serving.Store(true)
		return se.Next()
	})
	locked := func(e *core.CollectionEvent) error {
		if serving.Load() {
			return errSchemaLocked
		}
		return e.Next()
	}
	app.OnCollectionCreate().BindFunc(locked)
	app.OnCollectionUpdate().BindFunc(locked)
	app.OnCollectionDelete().BindFunc(locked)
}

// schemaRequest tells the collections API's schema endpoints (create, update, delete,
// truncate, import, and the view dry run, which is raw SQL) from its reads and the auth
// collections' sign-in routes, which live under the same prefix.
func schemaRequest(method, path string) bool {
	if path == "/api/collections" || path == "/api/collections/" {
		return method != http.MethodGet && method != http.MethodHead
	}
	rest, ok := strings.CutPrefix(path, "/api/collections/")
	if !ok {
		return false
	}
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	switch {
	case parts[0] == "meta":
		return method != http.MethodGet && method != http.MethodHead
	case len(parts) == 1:
		return method != http.MethodGet && method != http.MethodHead
	case len(parts) == 2 && parts[1] == "truncate":
		return true
	}
	return false
}
