package migrations_test

import (
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
)

// The migrations build the schema from vocab. A migration that ran long ago must still build
// the schema it built then, so the values it took from vocab are pinned here as they were
// when it ran: a value may be added at the end by a new migration, never changed or removed.
func TestVocabularyTheMigrationsRanWith(t *testing.T) {
	t.Parallel()
	pinned := []struct {
		name      string
		got, want []string
	}{
		{"kinds", vocab.Kinds, []string{"detained", "at_risk", "raid", "checkin_missed", "other"}},
		{"statuses", vocab.Statuses, []string{"new", "acknowledged", "in_progress", "resolved", "false_alarm", "cancelled"}},
		{"sources", vocab.Sources, []string{"button", "family", "staff", "checkin", "walkin", "federation"}},
		// 1764000300 ran with the first two; 1764001800 added the others.
		{"relay statuses", vocab.RelayStatuses, []string{"delayed", "escalated", "delivered", "untrusted", "sending"}},
		{"languages", vocab.Languages, []string{"es", "en"}},
		{"deliveries", vocab.Deliveries, []string{"queued", "sent", "delivered", "failed"}},
		{"recipient kinds", vocab.RecipientKinds, []string{"registrant", "contact", "staff", "peer"}},
		{"channels", vocab.Channels, []string{"push", "email", "federation", "sms"}},
		{"facility kinds", vocab.FacilityKinds, []string{"detention_center", "field_office", "jail", "hospital", "other"}},
		{"federation collections", vocab.FederationCollections, []string{
			"federation_inbox", "federation_nonces", "federation_rosters", "federation_peers", "federation_seq",
		}},
	}
	for _, p := range pinned {
		if !slices.Equal(p.got, p.want) {
			t.Errorf("vocab %s = %q, the migrations ran with %q", p.name, p.got, p.want)
		}
	}
	patterns := [][2]string{
		{vocab.ConsulateCodePattern, `^[a-z][a-z-]{1,38}[a-z]$`},
		{vocab.PhonePattern, `^\+[1-9][0-9]{7,14}$`},
		{vocab.ZIPPattern, `^[0-9]{5}$`},
		{vocab.GeoidPattern, `^[0-9]{5}$`},
		{vocab.AlertUIDPattern, `^([0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|[0-7][0-9A-HJKMNP-TV-Z]{25})$`},
	}
	for _, p := range patterns {
		if got, want := p[0], p[1]; got != want {
			t.Errorf("vocab pattern %q, the migrations ran with %q", got, want)
		}
	}
	if vocab.RosterHighWaterTable != "_federation_roster_high_water" {
		t.Errorf("vocab.RosterHighWaterTable = %q", vocab.RosterHighWaterTable)
	}
}

// The schema a fresh appliance gets holds exactly vocab's values.
func TestSchemaSelectsAreTheVocabulary(t *testing.T) {
	t.Parallel()
	app := apptest.NewBare(t)
	alerts, err := app.FindCollectionByNameOrId("alerts")
	if err != nil {
		t.Fatal(err)
	}
	for field, want := range map[string][]string{
		"kind": vocab.Kinds, "status": vocab.Statuses, "source": vocab.Sources,
		"relay_status": vocab.RelayStatuses, "subject_language": vocab.Languages,
	} {
		f, _ := alerts.Fields.GetByName(field).(*core.SelectField)
		if f == nil || !slices.Equal(f.Values, want) {
			t.Errorf("alerts.%s values = %v, want %q", field, f, want)
		}
	}
}
