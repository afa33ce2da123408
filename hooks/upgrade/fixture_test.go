//go:build upgradefixture

package upgrade_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
)

// TestMakeUpgradeFixture makes testdata/upgrade with the previous release's migrations only:
//
//	go test -tags upgradefixture ./hooks/upgrade/ -run TestMakeUpgradeFixture
//
// Run it when a release is cut, so that the next one's upgrade test starts from it.
func TestMakeUpgradeFixture(t *testing.T) {
	t.Setenv(secretEnv, secret)
	all := core.AppMigrations
	t.Cleanup(func() { core.AppMigrations = all })
	var previous core.MigrationsList
	for _, m := range all.Items() {
		if m.File <= previousRelease {
			previous.Add(m)
		}
	}
	core.AppMigrations = previous

	app, err := tests.NewTestAppWithConfig(appConfig(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	cfg := apptest.Configure(t, app, "los-angeles")
	apptest.Bind(app, cfg)
	if err := appliance.ClaimDataDir(app.DataDir(), "los-angeles"); err != nil {
		t.Fatal(err)
	}

	m := Manifest{Migration: previousRelease, Records: map[string][]string{}, Sealed: map[string]string{}}
	apptest.Staff(t, app, "it@consulado.example", "it", false)
	apptest.Staff(t, app, "asesora@consulado.example", "adviser", true)
	for i, who := range []struct{ phone, address, contactPhone string }{
		{"+13105550101", "123 Calle Uno, Los Ángeles", "+13105550201"},
		{"+13105550102", "456 Calle Dos, Pasadena", "+13105550202"},
		{"+13105550103", "789 Calle Tres, Long Beach", "+13105550203"},
	} {
		reg := apptest.Registrant(t, app, who.phone, apptest.Fields{"address": who.address, "birth_date": "1980-01-0" + string(rune('1'+i))})
		m.Sealed["registrants/"+reg.Id+"/address"] = who.address
		contact := apptest.Contact(t, app, reg, apptest.Fields{"phone": who.contactPhone})
		m.Sealed["contacts/"+contact.Id+"/phone"] = who.contactPhone
		note := "nota de prueba " + who.phone
		alert := apptest.Raise(t, app, cfg, reg, 34.05, -118.24, note)
		m.Sealed["alerts/"+alert.Id+"/note"] = note
		if err := outbox.Email(app, contact.Id, push.Payload{Alert: alert.GetString("uid")}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range kept {
		recs, err := app.FindAllRecords(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			m.Records[c] = append(m.Records[c], r.Id)
		}
		slices.Sort(m.Records[c])
	}
	if _, err := app.DB().NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery("VACUUM").Execute(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Dir(fixtureDir)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"data.db", "alertbutton.json", "keys"} {
		copyTree(t, filepath.Join(app.DataDir(), name), filepath.Join(fixtureDir, name))
	}
	m.Keys = files(t, filepath.Join(fixtureDir, "keys"))
	raw, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(manifest, append(raw, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
