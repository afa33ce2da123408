// Package records is the one way the appliance saves its own records: with PocketBase's
// validation semantics, every field checked as PocketBase checks it and every validate
// hook run. The records written in a surge are validated here, with each text field's
// pattern compiled once: PocketBase compiles a field's pattern again on every validation,
// and parses the id's pattern again for every new id (BENCHMARKS.md, "Decisions"). Bind
// refuses to serve when a validate hook, which that path would skip, is bound for one of
// them. It also tells of committed changes, for what keeps a collection's rows in memory.
package records

import "github.com/pocketbase/pocketbase/core"

// fast names the collections whose records Save validates itself: each alert, its
// timeline and notices, each relayed envelope and each audited read.
var fast = map[string]bool{
	"alerts":             true,
	"alert_events":       true,
	"outbox":             true,
	"push_subscriptions": true,
	"federation_inbox":   true,
	"federation_nonces":  true,
	"federation_seq":     true,
	"audit_log":          true,
}

// Save validates r as PocketBase does and saves it. A record that does not validate is not
// saved, and the error is PocketBase's own (validation.Errors, keyed by field). A record of
// a fast collection is checked by Validate and saved without PocketBase validating it
// again (Bind guarantees no validate hook is skipped); any other is saved by app.Save.
func Save(app core.App, r *core.Record) error {
	if !fast[r.Collection().Name] {
		return app.Save(r)
	}
	if err := Validate(app, r); err != nil {
		return err
	}
	return app.SaveNoValidate(r)
}
