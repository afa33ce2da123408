package apptest

import (
	"testing"

	"github.com/pocketbase/pocketbase/tests"
)

// Factory is a tests.ApiScenario's TestAppFactory: a fresh los-angeles appliance per scenario.
func Factory(t testing.TB) *tests.TestApp {
	t.Helper()
	app, _ := New(t, "los-angeles")
	return app
}
