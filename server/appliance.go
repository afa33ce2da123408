// Package server is the composition root: it builds the one appliance value that main and
// the tests run, and binds every package's hooks and routes to it.
package server

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
	"alertbutton/hooks/limits"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/privacy"
	"alertbutton/hooks/queries"
	"alertbutton/hooks/records"
	"alertbutton/hooks/registrants"
	"alertbutton/hooks/requests"
	"alertbutton/hooks/schedule"
	"alertbutton/hooks/staff"
	"alertbutton/hooks/storage"
)

// Appliance is one consulate's appliance: the PocketBase app and what it was started with.
type Appliance struct {
	core.App
	Config *appliance.Config
}

// New returns the appliance of app, configured by cfg; Bind and BindRelay wire it.
func New(app core.App, cfg *appliance.Config) *Appliance {
	return &Appliance{App: app, Config: cfg}
}

// BindRelay starts the federation relay, which sends, on serve (the binary only).
func (a *Appliance) BindRelay() {
	federation.BindRelay(a.App, a.Config)
}

// Bind binds every hook of the appliance and declares its routes (routes.go).
func (a *Appliance) Bind() {
	app, cfg := a.App, a.Config
	records.Bind(app) // first: it takes stock of PocketBase's own validate hooks
	appliance.Bind(app, cfg)
	storage.Bind(app)
	requests.Bind(app)
	backup.Bind(app, func() []age.Recipient { return cfg.BackupRecipients })
	directory.Bind(app)
	privacy.Bind(app, cfg)
	audit.Bind(app)
	staff.Bind(app)
	queries.Bind(app)
	registrants.Bind(app, cfg)
	alerts.Bind(app, cfg)
	limits.Bind(app)
	checkins.Bind(app)
	schedule.Bind(app, cfg)
	outbox.Bind(app, cfg)
	fed := federation.Bind(app, cfg)
	a.bindRoutes(fed)
}
