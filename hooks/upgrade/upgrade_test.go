// Package upgrade_test starts the previous release's data directory (testdata/upgrade, made
// by TestMakeUpgradeFixture with the migrations of that release) with this binary's code.
package upgrade_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/privacy"
	"alertbutton/hooks/version"
	_ "alertbutton/migrations"
)

const (
	fixtureDir = "testdata/upgrade/pb_data"
	manifest   = "testdata/upgrade/manifest.json"
	// previousRelease is the newest migration of the release the fixture stands for.
	previousRelease = "1764002000_casework.go"
	// secretEnv holds the fixture's --encryptionEnv secret: a test secret, made public here.
	secretEnv = "ALERTBUTTON_UPGRADE_SECRET"
	secret    = "upgrade-fixture-secret-012345678"
)

// Manifest is what the fixture holds: every record's id by collection, the plaintext of
// sealed fields (collection/id/field), and the files of its keys.
type Manifest struct {
	Migration string              `json:"migration"`
	Records   map[string][]string `json:"records"`
	Sealed    map[string]string   `json:"sealed"`
	Keys      []string            `json:"keys"`
}

var kept = []string{"registrants", "contacts", "alerts", "alert_events", "outbox", core.CollectionNameSuperusers, "audit_log"}

func appConfig(dir string) core.BaseAppConfig {
	return core.BaseAppConfig{DataDir: dir, DBConnect: appliance.DBConnect, EncryptionEnv: secretEnv}
}

// The previous release's data directory starts with this binary: it is migrated to the
// newest schema, and keeps every record, its keys, and what it sealed opens.
func TestUpgradeKeepsEveryRecordAndKey(t *testing.T) {
	var m Manifest
	raw, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	before, err := version.Applied(fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range before {
		if slices.Contains(version.Known(), f) && f > m.Migration {
			t.Fatalf("the fixture has %s, newer than the previous release's %s", f, m.Migration)
		}
	}
	newer := 0
	for _, f := range version.Known() {
		if !slices.Contains(before, f) {
			newer++
		}
	}
	if newer == 0 {
		t.Fatal("no migration newer than the fixture: the test would show nothing")
	}

	t.Setenv(secretEnv, secret)
	app, err := tests.NewTestAppWithConfig(appConfig(fixtureDir)) // a clone of it, migrated
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	for _, f := range m.Keys { // git keeps no file modes: the keys are 0600 on a real appliance
		if err := os.Chmod(filepath.Join(app.DataDir(), "keys", f), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	after, err := version.Applied(app.DataDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range version.Known() {
		if !slices.Contains(after, f) {
			t.Errorf("migration %s was not applied", f)
		}
	}
	var out bytes.Buffer
	if err := version.Print(&out, app.DataDir()); err != nil || !strings.Contains(out.String(), "up to date") {
		t.Errorf("version after the upgrade: %v\n%s", err, out.String())
	}

	for c, ids := range m.Records {
		for _, id := range ids {
			if _, err := app.FindRecordById(c, id); err != nil {
				t.Errorf("%s %s lost in the upgrade: %v", c, id, err)
			}
		}
	}
	for _, f := range m.Keys {
		want, _ := os.ReadFile(filepath.Join(fixtureDir, "keys", f))
		got, err := os.ReadFile(filepath.Join(app.DataDir(), "keys", f))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("key file %s changed in the upgrade: %v", f, err)
		}
	}
	cfg := apptest.Configure(t, app, "los-angeles") // the consulate the directory belongs to
	for where, plain := range m.Sealed {
		parts := strings.Split(where, "/")
		r, err := app.FindRecordById(parts[0], parts[1])
		if err != nil {
			t.Fatal(err)
		}
		got, err := privacy.Open(cfg.Sealer(), r, parts[2])
		if err != nil || got != plain {
			t.Errorf("%s opens to %q (%v), want %q", where, got, err, plain)
		}
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}
