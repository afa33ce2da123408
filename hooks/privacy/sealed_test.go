package privacy_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/seal"
)

const sentinel = "SENTINEL-ADDRESS-7731-Calle-Falsa"

// newRegistrant saves a registrant whose sealed address ends in the phone.
func newRegistrant(t testing.TB, app core.App, phone string) *core.Record {
	t.Helper()
	return apptest.Registrant(t, app, phone, apptest.Fields{"address": sentinel + phone})
}

func TestSealedFieldIsNowhereInTheDatabaseFile(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	r := newRegistrant(t, app, "+13105550101")
	if r.GetString("address") != sentinel+"+13105550101" {
		t.Errorf("in memory after save the record holds %q, want the plaintext", r.GetString("address"))
	}
	stored, err := app.FindRecordById("registrants", r.Id)
	if err != nil {
		t.Fatal(err)
	}
	if !seal.IsSealed(stored.GetString("address")) {
		t.Fatalf("address stored as %q", stored.GetString("address"))
	}
	for _, name := range []string{"data.db", "data.db-wal", "auxiliary.db", "auxiliary.db-wal"} {
		raw, err := os.ReadFile(filepath.Join(app.DataDir(), name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte(sentinel)) {
			t.Errorf("%s holds the plaintext of a sealed field", name)
		}
	}
	// An update seals the new value too.
	stored.Set("address", sentinel+"-moved")
	if err := app.Save(stored); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(app.DataDir(), "data.db-wal"))
	if bytes.Contains(raw, []byte(sentinel+"-moved")) {
		t.Error("an updated sealed field reached the WAL in plaintext")
	}
}

func TestSealedValueCannotBeWrittenDirectly(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	a := newRegistrant(t, app, "+13105550102")
	b := newRegistrant(t, app, "+13105550103")
	stolen, _ := cfg.Sealer().Seal(a.Id, "address", "x")
	b.Set("address", stolen)
	if err := app.Save(b); err == nil {
		t.Fatal("a sealed value copied from another record was accepted")
	}
}

func TestSealedFieldsShownOnlyToOwnerAndAdvisers(t *testing.T) {
	t.Parallel()
	callers := []struct {
		name   string
		token  func(app core.App, owner, other *core.Record) string
		status int
		sees   bool
	}{
		{"owner sees own sealed fields", func(_ core.App, owner, _ *core.Record) string { return apptest.Token(t, owner) }, 200, true},
		{"adviser sees them", func(app core.App, _, _ *core.Record) string {
			return apptest.Token(t, apptest.Staff(t, app, "a@consulado.example", "adviser", false))
		}, 200, true},
		{"IT does not", func(app core.App, _, _ *core.Record) string {
			return apptest.Token(t, apptest.Staff(t, app, "it@consulado.example", "it", false))
		}, 200, false},
		{"another registrant gets nothing", func(_ core.App, _, other *core.Record) string { return apptest.Token(t, other) }, 404, false},
		{"anonymous gets nothing", func(core.App, *core.Record, *core.Record) string { return "" }, 404, false},
	}
	for _, c := range callers {
		app, _ := apptest.New(t, "los-angeles")
		owner := newRegistrant(t, app, "+13105550104")
		other := newRegistrant(t, app, "+13105550105")
		s := tests.ApiScenario{
			Name:           c.name,
			Method:         http.MethodGet,
			URL:            "/api/collections/registrants/records/" + owner.Id,
			Headers:        map[string]string{"Authorization": c.token(app, owner, other)},
			ExpectedStatus: c.status,
			TestAppFactory: func(testing.TB) *tests.TestApp { return app },
		}
		if c.sees {
			s.ExpectedContent = []string{sentinel}
		} else {
			s.NotExpectedContent = []string{sentinel, "sealed:v1"}
		}
		s.Test(t)
	}
}
