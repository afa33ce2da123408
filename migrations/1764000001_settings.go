package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(applySettings, restoreSettings)
}

// PocketBase's rate limiter counts per client IP. A raid puts hundreds of people behind one
// address, so the routes a person in danger uses get IP limits far above any crowd, and the
// real limits are per credential, in the hooks. The IP rules remain a guard against floods.
var rateLimitRules = []core.RateLimitRule{
	{Label: "/api/alertbutton/", MaxRequests: 20000, Duration: 10},
	{Label: "/api/federation/", MaxRequests: 20000, Duration: 10},
	{Label: "*:auth", MaxRequests: 30, Duration: 10},
	{Label: "*:create", MaxRequests: 60, Duration: 10},
	{Label: "/api/batch", MaxRequests: 1, Duration: 60},
	{Label: "/api/", MaxRequests: 3000, Duration: 10},
}

func applySettings(app core.App) error {
	s := app.Settings()
	s.RateLimits.Enabled = true
	s.RateLimits.Rules = rateLimitRules
	s.Logs.MaxDays = 3
	s.Logs.LogIP = false
	s.Batch.Enabled = false
	return app.Save(s)
}

func restoreSettings(app core.App) error {
	s := app.Settings()
	s.RateLimits.Enabled = false
	s.RateLimits.Rules = []core.RateLimitRule{
		{Label: "*:auth", MaxRequests: 2, Duration: 3},
		{Label: "*:create", MaxRequests: 20, Duration: 5},
		{Label: "/api/batch", MaxRequests: 3, Duration: 1},
		{Label: "/api/", MaxRequests: 300, Duration: 10},
	}
	s.Logs.MaxDays = 5
	s.Logs.LogIP = true
	return app.Save(s)
}
