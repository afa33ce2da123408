// Package hooks binds the appliance's behaviour to PocketBase: one package per concern.
package hooks

import (
	"filippo.io/age"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/audit"
	"alertbutton/hooks/backup"
	"alertbutton/hooks/checkins"
	"alertbutton/hooks/directory"
	"alertbutton/hooks/family"
	"alertbutton/hooks/limits"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/privacy"
	"alertbutton/hooks/queries"
	"alertbutton/hooks/registrants"
	"alertbutton/hooks/requests"
	"alertbutton/hooks/schedule"
	"alertbutton/hooks/staff"
	"alertbutton/hooks/storage"
	"alertbutton/hooks/subscriptions"
	"alertbutton/hooks/web"
)

// Register binds every hook and route of the appliance to app.
func Register(app core.App, cfg *appliance.Config) {
	appliance.Bind(app, cfg)
	storage.Bind(app)
	requests.Bind(app)
	backup.Bind(app, func() []age.Recipient { return cfg.BackupRecipients })
	directory.Bind(app, cfg)
	privacy.Bind(app, cfg)
	audit.Bind(app)
	staff.Bind(app)
	queries.Bind(app)
	registrants.Bind(app, cfg)
	subscriptions.Bind(app, cfg)
	family.Bind(app, cfg)
	alerts.Bind(app, cfg)
	limits.Bind(app)
	checkins.Bind(app)
	schedule.Bind(app, cfg)
	outbox.Bind(app, cfg)
	federation.Bind(app, cfg)
	web.Bind(app)
}
