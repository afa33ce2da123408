package federation_test

import (
	"testing"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
)

// TestMigrationDownAndUp: the federation migration undoes itself and applies again.
func TestMigrationDownAndUp(t *testing.T) {
	t.Parallel()
	app := apptest.NewBare(t)
	m := apptest.Migration(t, "1764000300_federation.go")
	fields := map[string][]string{
		"consulates": {"trust", "signing_keys", "revoked_keys"},
		"outbox":     {"envelope", "signature", "relay_level"},
		"alerts":     {"relay_status", "subject_phone", "subject_birth_date", "subject_language"},
	}
	check := func(present bool) {
		t.Helper()
		for _, name := range vocab.FederationCollections {
			if _, err := app.FindCollectionByNameOrId(name); (err == nil) != present {
				t.Errorf("collection %s present: %v, want %v", name, err == nil, present)
			}
		}
		for name, fs := range fields {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if (c.Fields.GetByName(f) != nil) != present {
					t.Errorf("%s.%s present: %v, want %v", name, f, !present, present)
				}
			}
		}
	}
	check(true)
	if err := app.RunInTransaction(m.Down); err != nil {
		t.Fatal(err)
	}
	check(false)
	if err := app.RunInTransaction(m.Up); err != nil {
		t.Fatal(err)
	}
	check(true)
}
