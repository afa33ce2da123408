package backup_test

import (
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/audit"
	"alertbutton/hooks/backup"
)

// TestBackupHoldsTheSignedAuditHead: every backup carries the chain's head signed by the
// appliance, and its own snapshot holds that row; a head file left in the data directory
// (by a restore) does not replace it.
func TestBackupHoldsTheSignedAuditHead(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	it := newIdentity(t)
	cfg.BackupRecipients = []age.Recipient{it.Recipient()}
	apptest.Audit(app).Append(app, audit.Entry{Actor: "system", Action: "test"})
	os.WriteFile(filepath.Join(app.DataDir(), backup.HeadFile), []byte("stale\n"), 0o600)

	if err := app.CreateBackup(context.Background(), "nightly.zip"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "restored")
	if _, err := backup.Restore(filepath.Join(app.DataDir(), core.LocalBackupsDirName, "nightly.zip"+backup.Suffix), []age.Identity{it}, dir); err != nil {
		t.Fatal(err)
	}
	line, err := os.ReadFile(filepath.Join(dir, backup.HeadFile))
	if err != nil {
		t.Fatal(err)
	}
	a, err := audit.ParseAnchor(string(line))
	if err != nil {
		t.Fatalf("%v: %q", err, line)
	}
	seq, hash, _ := audit.Head(app)
	if a.Seq != seq || a.Hash != hash {
		t.Errorf("the backup's head is %d %s, the log's %d %s", a.Seq, a.Hash, seq, hash)
	}
	if err := audit.CheckAnchor(app, a, cfg.Keys().Signer().Public().(ed25519.PublicKey)); err != nil {
		t.Error(err)
	}
	db, err := dbx.Open("sqlite", filepath.Join(dir, "data.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var restored string
	if err := db.NewQuery("SELECT hash FROM audit_log WHERE seq = {:seq}").Bind(dbx.Params{"seq": a.Seq}).Row(&restored); err != nil || restored != a.Hash {
		t.Errorf("the backup's snapshot holds %q at seq %d (%v), want the signed head", restored, a.Seq, err)
	}
}
