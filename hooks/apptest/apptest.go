// Package apptest builds PocketBase test apps that are the appliance: real SQLite with the
// appliance's migrations, settings, hooks and keys.
package apptest

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/audit"
	_ "alertbutton/migrations"
	"alertbutton/server"
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
	Bind(app, cfg)
	return app, cfg
}

// Bind binds every hook of the appliance to app, with cfg (New does it all), and returns the
// appliance.
func Bind(app *tests.TestApp, cfg *appliance.Config) *server.Appliance {
	a := server.New(app, cfg)
	a.Bind()
	noPaceSleep(a.Pace)
	appliances.Store(app, a)
	return a
}

var appliances sync.Map

// Appliance returns the appliance value of an app made by New or Bind: its services (the
// guard, the pace, the scheduler, the federation) and their test clocks.
func Appliance(app core.App) *server.Appliance {
	a, _ := appliances.Load(app)
	s, _ := a.(*server.Appliance)
	return s
}

// Audit returns the audit log of an app made by New, or, for another, the log of app's data.
func Audit(app core.App) *audit.Log {
	if a := Appliance(app); a != nil {
		return a.Audit
	}
	return audit.Open(app)
}

// ConfigOf returns the config of an app made by New (e.g. inside a Run setup).
func ConfigOf(app core.App) *appliance.Config {
	if a := Appliance(app); a != nil {
		return a.Config
	}
	return nil
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

// Run runs s against a fresh appliance of consulate code. PocketBase's router cannot serve one
// app twice, so every scenario gets its own app; setup creates what the scenario needs and
// fills in s's URL, body or headers, since ids and tokens exist only once the app does.
func Run(t *testing.T, code string, s tests.ApiScenario, setup func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario)) {
	t.Helper()
	s.TestAppFactory = func(t testing.TB) *tests.TestApp {
		app, _ := New(t, code)
		if setup != nil {
			setup(t, app, &s)
		}
		return app
	}
	s.Test(t)
}

// Token returns an auth token for r, for the Authorization header.
func Token(t testing.TB, r *core.Record) string {
	t.Helper()
	tok, err := r.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Handler serves app in process as `alertbutton serve` does: its OnServe hooks run (routes,
// dispatchers, jobs), which PocketBase's router can do once per app.
func Handler(t testing.TB, app *tests.TestApp) http.Handler {
	t.Helper()
	mux, err := ServeAs(app, nil)
	if err != nil {
		t.Fatal(err)
	}
	return mux
}

// ServeAs runs app's OnServe hooks as `serve` does for server (its Addr is what serve would
// bind), but binds nothing: it returns the handler serve would serve, or the hooks' refusal.
func ServeAs(app *tests.TestApp, server *http.Server) (http.Handler, error) {
	router, err := apis.NewRouter(app)
	if err != nil {
		return nil, err
	}
	var mux http.Handler
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router, Server: server}, func(e *core.ServeEvent) error {
		m, err := e.Router.BuildMux()
		mux = m
		return err
	})
	return mux, err
}

// Serve is Handler on a loopback port, closed when the test ends.
func Serve(t testing.TB, app *tests.TestApp) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(Handler(t, app))
	t.Cleanup(srv.Close)
	return srv
}
