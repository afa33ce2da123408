package records

import (
	"fmt"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// A guard is what Bind knows of an app's validate hooks: how many were bound before the
// appliance's (PocketBase's own), and the collections OnValidate has bound one for since.
type guard struct {
	mu       sync.Mutex
	base     int
	declared []string
}

var guards sync.Map // core.App -> *guard, from Bind to the app's termination

// Bind takes stock of the validate hooks bound so far, PocketBase's own, and refuses to
// serve when a validate hook bound since would be skipped by Save: one for a collection
// Save validates itself, or one bound other than by OnValidate, whose collection cannot be
// told (PocketBase's tagged hooks do not say). Bind it before anything else.
func Bind(app core.App) {
	g := &guard{base: validateHooks(app)}
	guards.Store(app, g)
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := g.check(e.App); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		guards.Delete(app)
		return e.Next()
	})
}

// OnValidate binds fn to the validation of collection's records (OnRecordValidate), and
// tells Bind which collection it is for. Serving is refused if Save validates that
// collection itself.
func OnValidate(app core.App, collection string, fn func(*core.RecordEvent) error) {
	if g, ok := guards.Load(app); ok {
		g := g.(*guard)
		g.mu.Lock()
		g.declared = append(g.declared, collection)
		g.mu.Unlock()
	}
	app.OnRecordValidate(collection).BindFunc(fn)
}

// check tells whether every validate hook bound since Bind runs on Save.
func (g *guard) check(app core.App) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range g.declared {
		if fast[c] {
			return fmt.Errorf("records: a validate hook is bound for %s, whose records records.Save validates itself without running it; take %s out of records' fast collections", c, c)
		}
	}
	if n := validateHooks(app) - g.base; n != len(g.declared) {
		return fmt.Errorf("records: %d validate hooks were bound since records.Bind, %d of them by records.OnValidate; bind each through records.OnValidate, which names its collection", n, len(g.declared))
	}
	return nil
}

// validateHooks counts the handlers bound to the record's and the model's validation.
func validateHooks(app core.App) int {
	return app.OnRecordValidate().Length() + app.OnModelValidate().Length()
}
