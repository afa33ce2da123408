package migrations_test

import (
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/hooks/apptest"
)

func ruleOf(r *string) string {
	if r == nil {
		return "<superusers only>"
	}
	return *r
}

func TestCollectionRules(t *testing.T) {
	app := apptest.NewBare(t)
	type rules struct{ list, view, create, update, delete string }
	su := "<superusers only>"
	owner := "registrant = @request.auth.id"
	want := map[string]rules{
		"consulates":    {"", "", su, su, su},
		"jurisdictions": {"", "", su, su, su},
		"registrants":   {su, "id = @request.auth.id", "", "id = @request.auth.id", "id = @request.auth.id"},
		"contacts":      {owner, owner, `@request.auth.collectionName = "registrants" && @request.body.registrant = @request.auth.id`, owner + " && (@request.body.registrant:isset = false || @request.body.registrant = @request.auth.id)", owner},
		// The registrant reads alerts only through /api/alertbutton/alerts (1764001100).
		"alerts":             {su, su, su, su, su},
		"alert_events":       {su, su, su, su, su},
		"push_subscriptions": {su, su, su, su, su},
		"audit_log":          {su, su, su, su, su},
		"outbox":             {su, su, su, su, su},
		// Staff only; case_notes are add-only and facilities IT's (hooks).
		"facilities": {su, su, su, su, su},
		"case_notes": {su, su, su, su, su},
	}
	for name, w := range want {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatalf("collection %s: %v", name, err)
		}
		got := rules{ruleOf(c.ListRule), ruleOf(c.ViewRule), ruleOf(c.CreateRule), ruleOf(c.UpdateRule), ruleOf(c.DeleteRule)}
		if got != w {
			t.Errorf("%s rules\n got %#v\nwant %#v", name, got, w)
		}
	}
	c, err := app.FindCollectionByNameOrId("checkins")
	if err != nil || c.CreateRule == nil || c.ListRule == nil || *c.ListRule != owner {
		t.Fatalf("checkins rules: %v %v", err, c)
	}
}

func TestCollectionFields(t *testing.T) {
	app := apptest.NewBare(t)
	want := map[string][]string{
		"consulates":                  {"code", "name", "city", "state", "lat", "lon", "phone", "public_url", "signing_key", "seal_key"},
		"jurisdictions":               {"county_geoid", "state", "county_name", "consulate", "confidence", "source", "effective_from"},
		"registrants":                 {"phone", "email", "name", "language", "zip", "home_consulate", "disclosure", "consent", "birth_date", "id_document", "address"},
		"contacts":                    {"registrant", "name", "relationship", "language", "phone", "email", "family_token_hash"},
		"push_subscriptions":          {"endpoint", "p256dh", "auth", "registrant", "contact", "staff", "last_success", "failures"},
		"alerts":                      {"uid", "registrant", "source", "kind", "status", "origin_consulate", "home_consulate", "target_consulate", "route_basis", "county_geoid", "zip", "location", "note", "a_number", "place", "facility", "assigned_to", "duress", "escalation_level", "created", "updated"},
		"alert_events":                {"alert", "type", "actor", "data"},
		"checkins":                    {"registrant", "due_at", "place", "status", "alert"},
		"facilities":                  {"name", "kind", "address", "phone", "active"},
		"case_notes":                  {"alert", "author", "body", "consulate", "created"},
		"audit_log":                   {"seq", "actor", "action", "collection", "record_id", "prev_hash", "hash"},
		core.CollectionNameSuperusers: {"role", "on_duty"},
	}
	for name, fields := range want {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatalf("collection %s: %v", name, err)
		}
		for _, f := range fields {
			if c.Fields.GetByName(f) == nil {
				t.Errorf("%s has no field %s", name, f)
			}
		}
	}
	reg, _ := app.FindCollectionByNameOrId("registrants")
	if !slices.Equal(reg.PasswordAuth.IdentityFields, []string{"phone"}) {
		t.Errorf("registrants sign in with %v, want phone", reg.PasswordAuth.IdentityFields)
	}
	for _, f := range []string{"cancel_pin_hash", "duress_pin_hash"} {
		if reg.Fields.GetByName(f) != nil {
			t.Errorf("registrants.%s must not exist: superusers receive hidden fields", f)
		}
	}
	alerts, _ := app.FindCollectionByNameOrId("alerts")
	if !hasUniqueIndexOn(alerts, "uid") {
		t.Errorf("alerts.uid must be unique: %v", alerts.Indexes)
	}
}

func hasUniqueIndexOn(c *core.Collection, column string) bool {
	return slices.Contains(c.Indexes, "CREATE UNIQUE INDEX `idx_"+c.Name+"_"+column+"` ON `"+c.Name+"` ("+column+")")
}

func TestSettings(t *testing.T) {
	app := apptest.NewBare(t)
	if err := app.ReloadSettings(); err != nil {
		t.Fatal(err)
	}
	s := app.Settings()
	if !s.RateLimits.Enabled {
		t.Error("rate limiter is off")
	}
	if s.Logs.MaxDays != 3 || s.Logs.LogIP {
		t.Errorf("logs: %d days, IP %v; want 3 days without IP", s.Logs.MaxDays, s.Logs.LogIP)
	}
	if s.Batch.Enabled {
		t.Error("batch API is on")
	}
	rule, ok := s.RateLimits.FindRateLimitRule([]string{"POST /api/alertbutton/alerts", "/api/alertbutton/alerts"})
	if !ok || rule.Label != "/api/alertbutton/" || rule.MaxRequests < 1000 {
		t.Errorf("the alert route must not be IP-limited below a crowd's size: %+v", rule)
	}
}

func TestDirectorySeed(t *testing.T) {
	app := apptest.NewBare(t)
	var consulates, rows int
	app.DB().NewQuery("SELECT count(*) FROM consulates").Row(&consulates)
	app.DB().NewQuery("SELECT count(*) FROM jurisdictions").Row(&rows)
	if consulates != 53 {
		t.Errorf("%d consulates, want 53", consulates)
	}
	if rows != len(jurisdiction.Table()) || rows < 3222 {
		t.Errorf("%d jurisdiction rows, want %d (>= 3222)", rows, len(jurisdiction.Table()))
	}
	var orphans int
	app.DB().NewQuery("SELECT count(*) FROM jurisdictions WHERE consulate NOT IN (SELECT code FROM consulates) OR source = '' OR confidence = ''").Row(&orphans)
	if orphans != 0 {
		t.Errorf("%d jurisdiction rows without a known consulate, source or confidence", orphans)
	}
	var lubbock string
	app.DB().NewQuery("SELECT consulate FROM jurisdictions WHERE county_geoid = '48303'").Row(&lubbock)
	if lubbock != "albuquerque" {
		t.Errorf("Lubbock County is served by %q, want albuquerque", lubbock)
	}
}

func TestMigrateDown(t *testing.T) {
	app := apptest.NewBare(t)
	runner := core.NewMigrationsRunner(app, core.AppMigrations)
	reverted, err := runner.Down(len(core.AppMigrations.Items()))
	if err != nil {
		t.Fatal(err)
	}
	if len(reverted) != len(core.AppMigrations.Items()) || reverted[len(reverted)-1] != "1764000000_collections.go" {
		t.Errorf("reverted %v, want every appliance migration, the collections last", reverted)
	}
	for _, name := range []string{"consulates", "registrants", "alerts", "audit_log", "outbox"} {
		if _, err := app.FindCollectionByNameOrId(name); err == nil {
			t.Errorf("%s still exists after migrate down", name)
		}
	}
	su, _ := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if su.Fields.GetByName("role") != nil {
		t.Error("superusers still have a role field")
	}
	if _, err := runner.Up(); err != nil {
		t.Fatalf("migrate up again: %v", err)
	}
	if _, err := app.FindCollectionByNameOrId("alerts"); err != nil {
		t.Errorf("alerts missing after up again: %v", err)
	}
}
