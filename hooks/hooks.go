// Package hooks binds the appliance's behaviour to PocketBase: one package per concern.
package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/audit"
	"alertbutton/hooks/directory"
	"alertbutton/hooks/family"
	"alertbutton/hooks/privacy"
	"alertbutton/hooks/registrants"
	"alertbutton/hooks/staff"
	"alertbutton/hooks/subscriptions"
	"alertbutton/hooks/web"
)

// Register binds every hook and route of the appliance to app.
func Register(app core.App, cfg *appliance.Config) {
	appliance.Bind(app, cfg)
	directory.Bind(app, cfg)
	privacy.Bind(app, cfg)
	audit.Bind(app)
	staff.Bind(app)
	registrants.Bind(app, cfg)
	subscriptions.Bind(app, cfg)
	family.Bind(app, cfg)
	web.Bind(app)
}
