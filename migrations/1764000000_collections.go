package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"alertbutton/hooks/alerts/vocab"
)

// Values of the select fields that only the schema uses; the shared ones are vocab's.
var (
	Disclosures = []string{"all", "status", "none"}
	Confidences = []string{"documented", "reported", "inferred", "approximate"}
	StaffRoles  = []string{"it", "consul", "adviser"}
)

func init() {
	m.Register(createCollections, dropCollections)
}

// Collections are the appliance's collections in creation order; drop goes in reverse.
var Collections = []string{
	"consulates", "jurisdictions", "registrants", "contacts", "alerts",
	"alert_events", "checkins", "push_subscriptions", "audit_log", "outbox",
}

func createCollections(app core.App) error {
	if err := addStaffFields(app); err != nil {
		return err
	}
	builders := []func(core.App) (*core.Collection, error){
		consulates, jurisdictions, registrants, contacts, alerts,
		alertEvents, checkins, pushSubscriptions, auditLog, outbox,
	}
	for _, build := range builders {
		c, err := build(app)
		if err != nil {
			return err
		}
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}

func dropCollections(app core.App) error {
	for i := len(Collections) - 1; i >= 0; i-- {
		c, err := app.FindCollectionByNameOrId(Collections[i])
		if err != nil {
			continue
		}
		if err := app.Delete(c); err != nil {
			return err
		}
	}
	return removeStaffFields(app)
}

// Staff are superusers with a role and an on-duty flag.
func addStaffFields(app core.App) error {
	su, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	su.Fields.Add(
		choice("role", false, StaffRoles...),
		&core.BoolField{Name: "on_duty"},
		text("name", false, 120),
	)
	return app.Save(su)
}

func removeStaffFields(app core.App) error {
	su, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	su.Fields.RemoveByName("role")
	su.Fields.RemoveByName("on_duty")
	su.Fields.RemoveByName("name")
	return app.Save(su)
}

func find(app core.App, name string) (*core.Collection, error) {
	return app.FindCollectionByNameOrId(name)
}

func consulates(core.App) (*core.Collection, error) {
	c := core.NewBaseCollection("consulates")
	c.ListRule, c.ViewRule = anyone, anyone
	c.Fields.Add(
		&core.TextField{Name: "code", Required: true, Pattern: vocab.ConsulateCodePattern, Max: 40},
		text("name", true, 200),
		text("city", true, 100),
		text("state", true, 2),
		number("lat", -90, 90, false),
		number("lon", -180, 180, false),
		text("phone", false, 40),
		&core.URLField{Name: "public_url"},
		text("signing_key", false, 200),
		text("seal_key", false, 200),
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_consulates_code", true, "code", "")
	return c, nil
}

func jurisdictions(core.App) (*core.Collection, error) {
	c := core.NewBaseCollection("jurisdictions")
	c.ListRule, c.ViewRule = anyone, anyone
	c.Fields.Add(
		&core.TextField{Name: "county_geoid", Required: true, Pattern: vocab.GeoidPattern, Max: 5},
		text("state", true, 2),
		text("county_name", true, 100),
		&core.TextField{Name: "consulate", Required: true, Pattern: vocab.ConsulateCodePattern, Max: 40},
		choice("confidence", true, Confidences...),
		text("source", true, 500),
		text("effective_from", false, 20),
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_jurisdictions_county", true, "county_geoid", "")
	c.AddIndex("idx_jurisdictions_consulate", false, "consulate", "")
	return c, nil
}

func registrants(core.App) (*core.Collection, error) {
	c := core.NewAuthCollection("registrants")
	self := "id = @request.auth.id"
	c.ListRule = superusersOnly
	c.ViewRule, c.UpdateRule, c.DeleteRule = rule(self), rule(self), rule(self)
	c.CreateRule = anyone
	c.PasswordAuth.IdentityFields = []string{"phone"}
	if email, ok := c.Fields.GetByName("email").(*core.EmailField); ok {
		email.Required = false
	}
	c.Fields.Add(
		&core.TextField{Name: "phone", Required: true, Pattern: vocab.PhonePattern, Max: 16},
		text("name", true, 120),
		choice("language", true, vocab.Languages...),
		&core.TextField{Name: "zip", Pattern: vocab.ZIPPattern, Max: 5},
		&core.TextField{Name: "home_consulate", Pattern: vocab.ConsulateCodePattern, Max: 40},
		choice("disclosure", false, Disclosures...),
		&core.BoolField{Name: "consent", Required: true},
		sealedText("birth_date"),
		sealedText("id_document"),
		sealedText("address"),
		hiddenText("cancel_pin_hash"),
		hiddenText("duress_pin_hash"),
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_registrants_phone", true, "phone", "")
	c.AddIndex("idx_registrants_home", false, "home_consulate", "")
	return c, nil
}

func contacts(app core.App) (*core.Collection, error) {
	reg, err := find(app, "registrants")
	if err != nil {
		return nil, err
	}
	c := core.NewBaseCollection("contacts")
	owner := "registrant = @request.auth.id"
	keepsOwner := owner + " && (@request.body.registrant:isset = false || @request.body.registrant = @request.auth.id)"
	c.ListRule, c.ViewRule, c.DeleteRule = rule(owner), rule(owner), rule(owner)
	c.CreateRule = rule(`@request.auth.collectionName = "registrants" && @request.body.registrant = @request.auth.id`)
	c.UpdateRule = rule(keepsOwner)
	c.Fields.Add(
		relation("registrant", reg, true, true),
		text("name", true, 120),
		text("relationship", false, 60),
		choice("language", false, vocab.Languages...),
		sealedText("phone"),
		sealedText("email"),
		hiddenText("family_token_hash"),
		&core.DateField{Name: "family_link_issued", Hidden: true},
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_contacts_registrant", false, "registrant", "")
	c.AddIndex("idx_contacts_family_token", true, "family_token_hash", "family_token_hash != ''")
	return c, nil
}

func alerts(app core.App) (*core.Collection, error) {
	reg, err := find(app, "registrants")
	if err != nil {
		return nil, err
	}
	c := core.NewBaseCollection("alerts")
	own := "registrant = @request.auth.id"
	c.ListRule, c.ViewRule = rule(own), rule(own)
	c.Fields.Add(
		&core.TextField{Name: "uid", Required: true, Pattern: vocab.AlertUIDPattern, Max: 36},
		relation("registrant", reg, false, false),
		choice("source", true, vocab.Sources...),
		choice("kind", true, vocab.Kinds...),
		choice("status", true, vocab.Statuses...),
		&core.TextField{Name: "origin_consulate", Pattern: vocab.ConsulateCodePattern, Max: 40},
		&core.TextField{Name: "home_consulate", Pattern: vocab.ConsulateCodePattern, Max: 40},
		&core.TextField{Name: "target_consulate", Pattern: vocab.ConsulateCodePattern, Max: 40},
		text("route_basis", false, 40),
		&core.TextField{Name: "county_geoid", Pattern: vocab.GeoidPattern, Max: 5},
		&core.TextField{Name: "zip", Pattern: vocab.ZIPPattern, Max: 5},
		sealedText("subject_name"),
		sealedText("location"),
		sealedText("note"),
		sealedText("a_number"),
		sealedText("internal_notes"),
		text("facility", false, 200),
		text("assigned_to", false, 40),
		&core.BoolField{Name: "duress"},
		number("escalation_level", 0, 10, true),
		date("acknowledged_at"),
		date("closed_at"),
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_alerts_uid", true, "uid", "")
	c.AddIndex("idx_alerts_registrant", false, "registrant", "")
	c.AddIndex("idx_alerts_status", false, "status, created", "")
	return c, nil
}

func alertEvents(app core.App) (*core.Collection, error) {
	al, err := find(app, "alerts")
	if err != nil {
		return nil, err
	}
	c := core.NewBaseCollection("alert_events")
	withAlert := "alert.registrant = @request.auth.id"
	c.ListRule, c.ViewRule = rule(withAlert), rule(withAlert)
	c.Fields.Add(
		relation("alert", al, true, true),
		text("type", true, 60),
		text("actor", true, 80),
		&core.JSONField{Name: "data", MaxSize: 4000},
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_alert_events_alert", false, "alert, created", "")
	return c, nil
}

func checkins(app core.App) (*core.Collection, error) {
	reg, err := find(app, "registrants")
	if err != nil {
		return nil, err
	}
	al, err := find(app, "alerts")
	if err != nil {
		return nil, err
	}
	c := core.NewBaseCollection("checkins")
	owner := "registrant = @request.auth.id"
	serverOwned := " && @request.body.status:isset = false && @request.body.alert:isset = false"
	c.ListRule, c.ViewRule, c.DeleteRule = rule(owner), rule(owner), rule(owner)
	c.CreateRule = rule(`@request.auth.collectionName = "registrants" && @request.body.registrant = @request.auth.id` + serverOwned)
	c.UpdateRule = rule(owner + serverOwned + " && (@request.body.registrant:isset = false || @request.body.registrant = @request.auth.id)")
	c.Fields.Add(
		relation("registrant", reg, true, true),
		&core.DateField{Name: "due_at", Required: true},
		sealedText("place"),
		choice("status", false, "armed", "done", "fired", "cancelled"),
		relation("alert", al, false, false),
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_checkins_due", false, "status, due_at", "")
	return c, nil
}

func pushSubscriptions(app core.App) (*core.Collection, error) {
	reg, err := find(app, "registrants")
	if err != nil {
		return nil, err
	}
	con, err := find(app, "contacts")
	if err != nil {
		return nil, err
	}
	su, err := find(app, core.CollectionNameSuperusers)
	if err != nil {
		return nil, err
	}
	c := core.NewBaseCollection("push_subscriptions") // custom routes only
	c.Fields.Add(
		&core.TextField{Name: "endpoint", Required: true, Max: 2048},
		&core.TextField{Name: "p256dh", Required: true, Max: 200},
		&core.TextField{Name: "auth", Required: true, Max: 100},
		relation("registrant", reg, false, true),
		relation("contact", con, false, true),
		relation("staff", su, false, true),
		choice("language", false, vocab.Languages...),
		date("last_success"),
		number("failures", 0, 1e9, true),
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_push_endpoint", true, "endpoint", "")
	return c, nil
}

func auditLog(core.App) (*core.Collection, error) {
	c := core.NewBaseCollection("audit_log") // staff read; nobody edits or deletes (hooks)
	c.Fields.Add(
		&core.NumberField{Name: "seq", Required: true, OnlyInt: true},
		text("actor", true, 80),
		text("action", true, 40),
		text("collection", false, 60),
		text("record_id", false, 40),
		text("prev_hash", false, 64),
		text("hash", true, 64),
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_audit_seq", true, "seq", "")
	return c, nil
}

// outbox holds every notification and federation message still to send; it is written in
// the same transaction as its cause and read by the dispatchers after commit.
func outbox(core.App) (*core.Collection, error) {
	c := core.NewBaseCollection("outbox") // superusers only; no personal data in payload
	c.Fields.Add(
		choice("channel", true, "push", "email", "federation"),
		text("target", true, 80),
		&core.JSONField{Name: "payload", MaxSize: 64000},
		choice("state", true, "pending", "sent", "dead"),
		number("attempts", 0, 1e9, true),
		date("next_at"),
		text("last_error", false, 500),
		date("sent_at"),
		text("alert", false, 40),
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_outbox_due", false, "state, channel, next_at", "")
	return c, nil
}
