// Package apptest builds PocketBase test apps that are the appliance: real SQLite with the
// appliance's migrations, settings, hooks and keys.
package apptest

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks"
	"alertbutton/hooks/appliance"
	_ "alertbutton/migrations"
)

// SecretEnv names the environment variable holding the test apps' 32-character secret.
const SecretEnv = "ALERTBUTTON_TEST_SECRET"

var (
	templateOnce sync.Once
	templateDir  string
	templateErr  error
)

// New returns a migrated test app serving as the consulate code, with every hook bound.
func New(t testing.TB, code string) (*tests.TestApp, *appliance.Config) {
	t.Helper()
	app := NewBare(t)
	cfg := Configure(t, app, code)
	hooks.Register(app, cfg)
	return app, cfg
}

// NewBare returns a migrated test app with no appliance hooks bound.
func NewBare(t testing.TB) *tests.TestApp {
	t.Helper()
	templateOnce.Do(buildTemplate)
	if templateErr != nil {
		t.Fatal(templateErr)
	}
	app, err := tests.NewTestAppWithConfig(config(templateDir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	return app
}

// Configure resolves the config for code and loads the app's keys.
func Configure(t testing.TB, app core.App, code string) *appliance.Config {
	t.Helper()
	cfg := &appliance.Config{}
	if err := cfg.Flags().Parse([]string{"--consulate", code, "--push-hosts", "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Resolve(app.DataDir()); err != nil {
		t.Fatal(err)
	}
	if err := cfg.LoadSecrets(app); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func config(dataDir string) core.BaseAppConfig {
	return core.BaseAppConfig{DataDir: dataDir, DBConnect: appliance.DBConnect, EncryptionEnv: SecretEnv}
}

// buildTemplate migrates one data directory per test binary; each test app clones it, so
// the 3,000-row directory seed runs once.
func buildTemplate() {
	os.Setenv(SecretEnv, "test-secret-0123456789abcdefghij")
	empty, err := os.MkdirTemp("", "alertbutton_empty_")
	if err != nil {
		templateErr = err
		return
	}
	defer os.RemoveAll(empty)
	app, err := tests.NewTestAppWithConfig(config(empty))
	if err != nil {
		templateErr = err
		return
	}
	defer app.Cleanup()
	if _, err := app.DB().NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
		templateErr = err
		return
	}
	templateDir, templateErr = tests.TempDirClone(app.DataDir())
	if templateErr == nil {
		os.RemoveAll(filepath.Join(templateDir, "keys"))
	}
}
