package appliance

import (
	"path/filepath"
	"testing"
)

// Serving with --replicate leaves data.db's checkpoints to Litestream: PocketBase's
// connections do not checkpoint by themselves (wal_autocheckpoint 0); without it they do.
func TestReplicateLeavesCheckpointsToLitestream(t *testing.T) {
	t.Cleanup(func() { litestreamOwnsWAL = false })
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"serve", "--consulate", "los-angeles"}, 1000},
		{[]string{"serve", "--consulate", "los-angeles", "--replicate", "file://" + t.TempDir()}, 0},
	} {
		litestreamOwnsWAL = false
		cfg := &Config{}
		if err := cfg.Preflight(c.args, t.TempDir()); err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]int{"data.db": c.want, "auxiliary.db": 1000} {
			db, err := DBConnect(filepath.Join(t.TempDir(), name))
			if err != nil {
				t.Fatal(err)
			}
			var got int
			if err := db.NewQuery("PRAGMA wal_autocheckpoint").Row(&got); err != nil {
				t.Fatal(err)
			}
			db.Close()
			if got != want {
				t.Errorf("%v: %s has wal_autocheckpoint %d, want %d", c.args, name, got, want)
			}
		}
	}
}
