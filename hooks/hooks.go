// Package hooks binds the appliance's behaviour to PocketBase: one package per concern.
package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/directory"
	"alertbutton/hooks/privacy"
	"alertbutton/hooks/web"
)

// Register binds every hook and route of the appliance to app.
func Register(app core.App, cfg *appliance.Config) {
	appliance.Bind(app, cfg)
	directory.Bind(app, cfg)
	privacy.Bind(app, cfg)
	web.Bind(app)
}
