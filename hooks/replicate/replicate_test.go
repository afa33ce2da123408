package replicate_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	_ "modernc.org/sqlite"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/backup"
	"alertbutton/hooks/replicate"
)

const sealedNote = "nota-sellada-del-operativo-7Q9"

// A committed alert reaches a file replica within the RPO; restore brings it back, with the
// keys from a backup, point in time included; neither the replica nor the restored data.db
// holds the plaintext of the sealed note.
func TestReplicaRestoresACommittedAlert(t *testing.T) {
	appliance.LeaveWALToLitestream() // as serve --replicate does, before the database opens
	app, cfg := apptest.New(t, "los-angeles")
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	keysBackup := filepath.Join(t.TempDir(), "keys.age")
	f, err := os.Create(keysBackup)
	if err != nil {
		t.Fatal(err)
	}
	if err := backup.Write(app, f, []age.Recipient{id.Recipient()}, backup.Exclude); err != nil {
		t.Fatal(err)
	}
	f.Close()

	replicaDir := t.TempDir()
	url := "file://" + replicaDir
	r, err := replicate.Start(app.DataDir(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	reg := apptest.Registrant(t, app, "+13105550170", nil)
	before := waitReplicated(t, r, 0)
	first := apptest.Raise(t, app, cfg, reg, 34.05, -118.24, sealedNote)
	t0 := time.Now()
	seen := waitReplicated(t, r, before)
	lag := time.Since(t0)
	t.Logf("replicated %s after the commit", lag.Round(time.Millisecond))
	between := time.Now()
	time.Sleep(1100 * time.Millisecond) // LTX timestamps have millisecond precision; keep the two apart
	reg2 := apptest.Registrant(t, app, "+13105550171", nil)
	before = waitReplicated(t, r, seen)
	second := apptest.Raise(t, app, cfg, reg2, 34.05, -118.24, sealedNote)
	waitReplicated(t, r, before)

	latest := restore(t, url, keysBackup, id, time.Time{})
	if !holds(t, latest, first.Id) || !holds(t, latest, second.Id) {
		t.Fatal("the latest restore lacks an alert committed before it")
	}
	if keys, _ := os.ReadDir(filepath.Join(latest, "keys")); len(keys) == 0 {
		t.Error("the restored directory holds no keys")
	}
	earlier := restore(t, url, keysBackup, id, between)
	if !holds(t, earlier, first.Id) || holds(t, earlier, second.Id) {
		t.Fatal("the restore at a point in time is not the database as it was then")
	}

	noPlaintext(t, replicaDir)
	noPlaintext(t, latest)
}

// waitReplicated waits until Litestream has seen a transaction after txid and the replica
// holds everything it has seen, and returns the last transaction the replica holds.
func waitReplicated(t *testing.T, r *replicate.Replicator, txid uint64) uint64 {
	t.Helper()
	for t0 := time.Now(); time.Since(t0) < 10*time.Second; time.Sleep(10 * time.Millisecond) {
		s := r.Status()
		if s.LocalTXID > txid && s.RemoteTXID >= s.LocalTXID {
			return s.RemoteTXID
		}
	}
	t.Fatalf("the replica is still behind after 10 s: %+v", r.Status())
	return 0
}

func restore(t *testing.T, url, keysBackup string, id age.Identity, at time.Time) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "restored")
	if _, err := replicate.Restore(context.Background(), replicate.RestoreOptions{
		From: url, Dir: dir, At: at, KeysFrom: keysBackup, Identities: []age.Identity{id},
	}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func holds(t *testing.T, dir, alertID string) bool {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "data.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM alerts WHERE id = ?", alertID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// noPlaintext fails when any file under dir holds the sealed note in the clear.
func noPlaintext(t *testing.T, dir string) {
	t.Helper()
	n := 0
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		if bytes.Contains(raw, []byte(sealedNote)) {
			t.Errorf("%s holds the sealed note in the clear", path)
		}
		return nil
	})
	if n == 0 {
		t.Fatalf("%s holds no file", dir)
	}
}

func TestRestoreRefuses(t *testing.T) {
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "x"), nil, 0o600)
	empty := "file://" + t.TempDir()
	for _, c := range []struct {
		opt  replicate.RestoreOptions
		says string
	}{
		{replicate.RestoreOptions{From: empty, Dir: full}, "is not empty"},
		{replicate.RestoreOptions{From: empty, Dir: filepath.Join(full, "new")}, "holds no copy of data.db"},
		{replicate.RestoreOptions{From: "s3://bucket", Dir: filepath.Join(full, "new")}, "needs a bucket and a path"},
	} {
		_, err := replicate.Restore(context.Background(), c.opt)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%+v: %v, want %q", c.opt, err, c.says)
		}
	}
}

// Secrets never travel in the URL, and the URL a log shows holds none.
func TestReplicaURL(t *testing.T) {
	for raw, says := range map[string]string{
		"s3://AKIA:secret@bucket/path":             "holds a password",
		"s3://AKIA@bucket/path":                    "not in the URL",
		"sftp://alice@replica.example/alertbutton": "needs ?key=FILE",
		"file://relative/path":                     "absolute path",
		"gs://bucket/path":                         "use s3://, file:// or sftp://",
	} {
		if _, err := replicate.Client(raw); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%s: %v, want %q", raw, err, says)
		} else if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "AKIA") {
			t.Errorf("%s: the error shows a credential: %v", raw, err)
		}
	}
	got := replicate.Redact("sftp://alice@replica.example/x?key=/etc/k&host-key=/etc/h&endpoint=http://127.0.0.1:9000")
	if strings.Contains(got, "alice") || strings.Contains(got, "/etc/k") || !strings.Contains(got, "127.0.0.1") {
		t.Errorf("Redact: %s", got)
	}
	if _, err := replicate.Client("s3://bucket/path?endpoint=http://127.0.0.1:9000&region=us-east-1"); err != nil {
		t.Error(err)
	}
}
