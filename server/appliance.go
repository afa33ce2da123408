// Package server is the composition root: it builds the one appliance value that main and
// the tests run, and binds every package's hooks and routes to it.
package server

import (
	"filippo.io/age"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation"
	"alertbutton/hooks/adminui"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/audit"
	"alertbutton/hooks/backup"
	"alertbutton/hooks/checkins"
	"alertbutton/hooks/directory"
	"alertbutton/hooks/groupcommit"
	"alertbutton/hooks/limits"
	"alertbutton/hooks/metrics"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/pace"
	"alertbutton/hooks/privacy"
	"alertbutton/hooks/proxy"
	"alertbutton/hooks/queries"
	"alertbutton/hooks/ready"
	"alertbutton/hooks/records"
	"alertbutton/hooks/registrants"
	"alertbutton/hooks/requests"
	"alertbutton/hooks/schedule"
	"alertbutton/hooks/staff"
	"alertbutton/hooks/storage"
)

// Appliance is one consulate's appliance: the PocketBase app, what it was started with, and
// the services its packages share. Each package is handed what it needs by Bind; none looks
// a service up.
type Appliance struct {
	core.App
	Config *appliance.Config

	// Commits groups the writes of the alert routes, the push dispatcher, the audit of
	// realtime messages and the federation inbox, which share SQLite's one writer.
	Commits *groupcommit.Committer
	// Guard limits new alerts per credential, PIN and password tries, and admission.
	Guard *limits.Guard
	// Pace holds the answers whose timing must tell nothing.
	Pace *pace.Pace
	// Audit is the audit log, keyed from the sealing key: every package that appends to it
	// is handed this one.
	Audit *audit.Log

	// Made by Bind.
	// Directory routes alerts: the jurisdictions rows, kept in memory.
	Directory  *directory.Table
	Scheduler  *schedule.Scheduler
	Federation *federation.Service
	// Metrics and Ready are how IT and the load balancer watch it (issue 19).
	Metrics *metrics.Metrics
	Ready   *ready.Ready
}

// New returns the appliance of app, configured by cfg; Bind and BindRelay wire it.
func New(app core.App, cfg *appliance.Config) *Appliance {
	return &Appliance{
		App:     app,
		Config:  cfg,
		Commits: groupcommit.New(app),
		Guard:   limits.NewGuard(),
		Pace:    pace.New(),
		Audit:   audit.Open(app),
	}
}

// BindRelay starts the federation relay, which sends, on serve (the binary only); Bind first.
func (a *Appliance) BindRelay() {
	a.Federation.BindRelay(a.App)
}

// Bind binds every hook of the appliance and declares its routes (routes.go).
func (a *Appliance) Bind() {
	app, cfg := a.App, a.Config
	records.Bind(app) // first: it takes stock of PocketBase's own validate hooks
	appliance.Bind(app, cfg)
	storage.Bind(app)
	requests.Bind(app)
	backup.Bind(app, func() []age.Recipient { return cfg.BackupRecipients })
	a.Directory = directory.Bind(app)
	privacy.Bind(app, cfg)
	audit.Bind(app, a.Audit, a.Commits)
	staff.Bind(app, a.Audit)
	adminui.Bind(app)
	queries.Bind(app)
	registrants.Bind(app, cfg, a.Pace, a.Audit)
	alerts.Bind(app, cfg, a.Directory)
	checkins.Bind(app)
	a.Scheduler = schedule.Bind(app, cfg, a.Directory, a.Guard)
	outbox.Bind(app, cfg, a.Commits)
	a.Federation = federation.Bind(app, cfg, a.Directory, a.Audit, a.Commits, a.Scheduler)
	a.Metrics = metrics.Bind(app, cfg.Ops.MetricsToken)
	a.Ready = ready.New(cfg.Ops.DiskFloor)
	proxy.Bind(app, cfg.Ops.TrustedProxies)
	a.bindRoutes()
}
