// Package staff enforces the advisers', consuls' and IT's roles on every request, the admin
// UI's included (it uses the same API).
package staff

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/hooks/audit"
	"alertbutton/hooks/privacy"
)

// itOnly are the API areas only IT may use: settings, backups, logs, jobs.
var itOnly = []string{"/api/settings", "/api/backups", "/api/logs", "/api/crons"}

// Policy answers 403 when the signed-in staff member's role does not allow the request. It is
// bound on the whole router, and matches paths rather than route patterns: it covers paths
// no route serves (/api/sql answers 403, not 404) and, through batchPolicy, the URLs of a
// batch's requests, which have no pattern.
func Policy() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{Id: "alertbuttonStaffPolicy", Func: policy}
}

func policy(e *core.RequestEvent) error {
	path := e.Request.URL.Path
	if path == "/api/sql" || strings.HasPrefix(path, "/api/sql/") {
		// Raw SQL would bypass the append-only audit log and the sealed fields.
		return e.ForbiddenError("Raw SQL is disabled on this appliance.", nil)
	}
	if schemaRequest(e.Request.Method, path) {
		// Truncate has no request hook of its own: this is its only guard.
		return e.ForbiddenError(msgSchema, nil)
	}
	role := privacy.StaffRole(e.Auth)
	if role == "" || allowed(e.App, role, e.Request.Method, path) {
		return e.Next()
	}
	return e.ForbiddenError("Your role ("+role+") does not allow this. Ask the consulate's IT.", nil)
}

func allowed(app core.App, role, method, path string) bool {
	if strings.Contains(path, "/impersonate/") {
		// An impersonation token would show its holder the person's sealed fields.
		return false
	}
	collection, isRecords := recordsCollection(app, path)
	if isRecords && !recordsAllowed(role, method, collection) {
		return false
	}
	if role == privacy.RoleIT {
		return !writesPersonalData(app, method, path)
	}
	if readsUISettings(method, path) {
		return true
	}
	for _, prefix := range itOnly {
		if path == prefix || strings.HasPrefix(path, prefix+"/") {
			return false
		}
	}
	return true
}

// serverWritten are written only by the appliance itself: the hash-chained audit log, the
// alerts' timeline and the outbox. A row added through the API would forge the record of what
// happened, or a notice to a relative or a consul ("false alarm"); one deleted would silence it.
// PocketBase's own sign-in records are its to write: a one-time password, MFA or OAuth2 link
// made by hand would let whoever made it sign in as another staff member, unannounced.
var serverWritten = []string{"audit_log", "alert_events", "outbox",
	core.CollectionNameOTPs, core.CollectionNameMFAs, core.CollectionNameExternalAuths, core.CollectionNameAuthOrigins}

// routesOnly are reached through the appliance's own routes only: a push endpoint
// identifies a person's browser.
var routesOnly = []string{"push_subscriptions"}

// recordsAllowed is the role's access to a collection through the records API; the
// collection's rules and hooks then apply.
func recordsAllowed(role, method, collection string) bool {
	if slices.Contains(routesOnly, collection) {
		return false
	}
	if method == http.MethodGet || method == http.MethodHead {
		return true
	}
	if slices.Contains(serverWritten, collection) {
		return false
	}
	if role == privacy.RoleIT {
		return true // writesPersonalData keeps IT off the people's records
	}
	// Advisers and consuls write the people's records and cases (and their own staff
	// account, which the staff hooks limit); the directory, queues and federation are IT's.
	return slices.Contains(audit.PersonalCollections, collection) || collection == core.CollectionNameSuperusers
}

// recordsCollection is the collection a records API path acts on, by name.
func recordsCollection(app core.App, path string) (string, bool) {
	if !strings.HasPrefix(path, "/api/collections/") {
		return "", false
	}
	parts := strings.Split(strings.TrimPrefix(path, "/api/collections/"), "/")
	if len(parts) < 2 || parts[1] != "records" {
		return "", false
	}
	if c, err := app.FindCachedCollectionByNameOrId(parts[0]); err == nil {
		return c.Name, true
	}
	return parts[0], true
}

// writesPersonalData is IT writing a registrant's, relative's or case's record: IT runs the
// machine and does not see sealed fields, so it must not overwrite them either.
func writesPersonalData(app core.App, method, path string) bool {
	if method == http.MethodGet || !strings.HasPrefix(path, "/api/collections/") {
		return false
	}
	parts := strings.Split(strings.TrimPrefix(path, "/api/collections/"), "/")
	if len(parts) < 2 || parts[1] != "records" {
		return false
	}
	c, err := app.FindCachedCollectionByNameOrId(parts[0])
	return err == nil && slices.Contains(audit.PersonalCollections, c.Name)
}

// batchPolicy applies the role policy to each request of a batch: PocketBase runs them
// without the router's middlewares, so policy never sees them.
func batchPolicy(e *core.BatchRequestEvent) error {
	role := privacy.StaffRole(e.Auth)
	if role == "" {
		return e.Next()
	}
	for _, ir := range e.Batch {
		u, err := url.Parse(ir.URL)
		if err != nil || !allowed(e.App, role, strings.ToUpper(ir.Method), u.Path) {
			return e.ForbiddenError("Your role ("+role+") does not allow "+ir.Method+" "+ir.URL+". Ask the consulate's IT.", nil)
		}
	}
	return e.Next()
}
