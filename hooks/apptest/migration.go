package apptest

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// Migration is the appliance's registered migration in file, e.g. "1764000300_federation.go".
func Migration(t testing.TB, file string) *core.Migration {
	t.Helper()
	for _, m := range core.AppMigrations.Items() {
		if m.File == file {
			return m
		}
	}
	t.Fatalf("migration %s is not registered", file)
	return nil
}
