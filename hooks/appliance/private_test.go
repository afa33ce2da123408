package appliance_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
)

// bootstrap opens a real app on dir as the binary does and writes to both databases, so
// that SQLite has made their WAL and shared-memory files (removed again when it closes).
func bootstrap(t *testing.T, dir string) {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, DBConnect: appliance.DBConnect})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.ResetBootstrapState() })
	if _, err := app.NonconcurrentDB().NewQuery("CREATE TABLE IF NOT EXISTS probe (x)").Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := app.AuxNonconcurrentDB().NewQuery("CREATE TABLE IF NOT EXISTS probe (x)").Execute(); err != nil {
		t.Fatal(err)
	}
}

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %04o, want %04o", filepath.Base(path), got, want)
	}
}

func wantPrivate(t *testing.T, dir string) {
	t.Helper()
	wantMode(t, dir, 0o700)
	for _, db := range []string{"data.db", "auxiliary.db"} {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			wantMode(t, filepath.Join(dir, db+suffix), 0o600)
		}
	}
}

// The umask of a service is often 022: the databases must not be readable by others anyway.
func TestDatabasesAreCreatedPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pb_data")
	bootstrap(t, dir)
	wantPrivate(t, dir)
}

// A data directory made by an older version, a copy or a restore is tightened at start, WAL
// and shared-memory files included (here another process has them open).
func TestLooseDatabasesAreTightenedAtStart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pb_data")
	bootstrap(t, dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, db := range []string{"data.db", "auxiliary.db"} {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Chmod(filepath.Join(dir, db+suffix), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	bootstrap(t, dir)
	wantPrivate(t, dir)
}
