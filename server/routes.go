package server

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"alertbutton/federation"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/backup"
	"alertbutton/hooks/checkins"
	"alertbutton/hooks/deliveries"
	"alertbutton/hooks/directory"
	"alertbutton/hooks/family"
	"alertbutton/hooks/limits"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/registrants"
	"alertbutton/hooks/staff"
	"alertbutton/hooks/subscriptions"
	"alertbutton/hooks/web"
)

// pocketBaseTries are PocketBase's own routes that run bcrypt (a PIN or password compared or
// hashed), by pattern, and the credential each tries; the appliance's own are limited where
// they are declared, below.
var pocketBaseTries = map[string]limits.CredentialOf{
	"POST /api/collections/{collection}/auth-with-password":     limits.Identity("identity"),
	"POST /api/collections/{collection}/auth-with-otp":          limits.Identity("otpId"),
	"POST /api/collections/{collection}/request-otp":            limits.Identity("email"),
	"POST /api/collections/{collection}/records":                limits.AuthRecord,
	"PATCH /api/collections/{collection}/records/{id}":          limits.AuthRecord,
	"POST /api/collections/{collection}/confirm-password-reset": limits.Identity("token"),
}

// pocketBaseRefused are PocketBase's own routes that the appliance answers itself, by
// pattern.
var pocketBaseRefused = map[string]func(e *core.RequestEvent) error{
	"POST /api/backups/upload":        backup.RefuseClear,
	"POST /api/backups/{key}/restore": backup.RefuseClear,
}

// bindRoutes declares the appliance's routes when it serves.
func (a *Appliance) bindRoutes() {
	a.OnServe().BindFunc(func(se *core.ServeEvent) error {
		a.routes(se.Router, a.Federation.Handlers())
		return se.Next()
	})
}

// refuse answers the requests of the routes that routes maps, by pattern, with its handler.
func refuse(routes map[string]func(e *core.RequestEvent) error) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "alertbuttonRefused",
		Func: func(e *core.RequestEvent) error {
			if answer, ok := routes[e.Request.Pattern]; ok {
				return answer(e)
			}
			return e.Next()
		},
	}
}

// routes declares every route of the appliance, each with who it is for and its limits.
func (a *Appliance) routes(r *router.Router[*core.RequestEvent], fed federation.Handlers) {
	cfg, dir, guard, commits, pace, log := a.Config, a.Directory, a.Guard, a.Commits, a.Pace, a.Audit

	// Every request, PocketBase's own routes included (the admin UI uses the same API).
	r.Bind(refuse(pocketBaseRefused), staff.Policy(), family.Redactor(), guard.TriesByPattern(pocketBaseTries))
	r.Bind(a.Metrics.Requests())

	api := r.Group("/api/alertbutton")
	api.GET("/info", directory.Info(cfg))
	api.GET("/route", dir.RouteOf)
	api.POST("/recovery", registrants.Recover(log)).Bind(guard.Tries(limits.RegistrantIdentity("phone")))
	api.POST("/recovery/code", registrants.SendRecoveryCode(cfg, log)).Bind(guard.CodeSends(limits.RegistrantIdentity("phone")))
	api.POST("/push/subscriptions", subscriptions.Subscribe(cfg)) // a registrant or staff
	api.DELETE("/push/subscriptions", subscriptions.Unsubscribe)

	// The person, from their phone. A press is recorded by the alert and its timeline;
	// PocketBase's request log would add a row per press and cost 5% of the CPU in a surge.
	// Refused presses are logged.
	person := api.Group("").Bind(requireRegistrant())
	person.POST("/alerts", alerts.Create(cfg, dir, commits)).
		Bind(guard.Admission(), guard.RegistrantAlerts(), apis.SkipSuccessActivityLog())
	person.GET("/alerts", alerts.List)
	person.GET("/alerts/{uid}", alerts.View)
	person.POST("/alerts/{uid}/cancel", alerts.Cancel(cfg, pace)).Bind(guard.Tries(limits.SignedIn))
	person.POST("/alerts/{uid}/safe", alerts.Safe(cfg, pace)).Bind(guard.Tries(limits.SignedIn))
	person.GET("/pins", registrants.PINsState)
	person.POST("/pins", registrants.SetPINs(pace, log)).Bind(guard.Tries(limits.SignedIn))
	person.POST("/phone/verify", registrants.VerifyPhone(log)).Bind(guard.Tries(limits.SignedIn))
	person.POST("/phone/code", registrants.SendPhoneCode(cfg)).Bind(guard.CodeSends(limits.SignedIn))
	person.POST("/contacts/{id}/family-link", family.IssueLink(cfg))
	// Family links (issue 17, item 4): show the link again without revoking it, revoke it
	// apart, and whether each relative's notices reach them.
	person.GET("/contacts/{id}/family-link", family.ShowLink(cfg))
	person.DELETE("/contacts/{id}/family-link", family.RevokeLink)
	person.GET("/family-links", family.LinkStates)
	person.POST("/checkins/{id}/done", checkins.Done)

	// A relative, by the family link's token: in family.Header, or in the path from pages
	// cached before the header (family.Redactor keeps it out of the request log).
	relative := api.Group("/family")
	relative.GET("", family.Page(cfg))
	relative.POST("/subscriptions", family.Subscribe(cfg))
	relative.DELETE("/subscriptions", family.Unsubscribe)
	relative.POST("/alerts", alerts.Report(cfg, dir, commits)).Bind(guard.Admission(), guard.FamilyAlerts())
	relative.GET("/{token}", family.Page(cfg))
	relative.POST("/{token}/subscriptions", family.Subscribe(cfg))
	relative.DELETE("/{token}/subscriptions", family.Unsubscribe)
	relative.POST("/{token}/alerts", alerts.Report(cfg, dir, commits)).Bind(guard.FamilyAlerts())

	// The consulate's staff; the cases are the advisers' and consuls'.
	api.GET("/audit/verify", log.VerifyRoute).Bind(requireStaff())
	// Escalation (issue 15): the alerts that reached nobody, who on duty can be paged, the peers.
	api.GET("/health", alerts.Health(cfg, peersHealth)).Bind(requireStaff())
	// Running it for real (issue 19): IT's or a scraper's metrics (no personal data, so not
	// audited), and whether the appliance can take alerts, for load balancers (no sign-in).
	api.GET("/metrics", a.Metrics.Route).Bind(apis.SkipSuccessActivityLog())
	api.GET("/ready", a.Ready.Route).Bind(apis.SkipSuccessActivityLog())
	cases := api.Group("").Bind(requireCaseStaff())
	cases.POST("/registrants/{id}/recovery-code", registrants.IssueRecoveryCode(log))
	cases.POST("/registrants/{id}/phone-verified", registrants.VerifyPhoneInPerson(log))
	cases.POST("/federation/alerts/{uid}/notes", fed.Notes)
	// Delivery you can trust: who each alert's notices reached.
	cases.GET("/alerts/{id}/deliveries", deliveries.Route(log))

	// The case desk's locator map (map): a county's outline, those around it and its
	// consulate; no personal data, so any staff member.
	api.GET("/counties/{geoid}/map", dir.CountyMap).Bind(requireStaff())
	// SMS (issue 15, SMS part): the provider's delivery callbacks. Anyone may call it; only a
	// request signed with the provider's token changes anything.
	r.POST(outbox.SMSStatusPath, outbox.SMSStatus(cfg))

	// Peer consulates. Each envelope taken is stored in federation_inbox: the request log
	// keeps only refusals.
	peers := r.Group("/api/federation/v1")
	peers.POST("/inbox", fed.Inbox).Bind(apis.SkipSuccessActivityLog())
	peers.GET("/health", fed.Health).Bind(requireStaff())
	peers.GET("/roster", fed.Roster)
	peers.POST("/roster/fetch", fed.RosterFetch).Bind(requireStaff())

	// The phone app, the family page and the advisers' board.
	r.GET("/{path...}", web.Static()).BindFunc(web.SecurityHeaders).Bind(apis.SkipSuccessActivityLog())
}
