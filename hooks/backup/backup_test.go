package backup_test

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/backup"
)

const sentinel = "SENTINEL-BACKUP-ADDRESS-4410"

func newIdentity(t testing.TB) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func register(t testing.TB, app core.App, phone string) *core.Record {
	t.Helper()
	return apptest.Registrant(t, app, phone, apptest.Fields{"name": "Ana Respaldo", "address": sentinel})
}

func storeFiles(t testing.TB, app core.App) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(app.DataDir(), core.LocalBackupsDirName))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".attrs") {
			names = append(names, e.Name())
		}
	}
	return names
}

func TestPocketBaseBackupsAreEncryptedToIT(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	it := newIdentity(t)
	cfg.BackupRecipients = []age.Recipient{it.Recipient()}
	r := register(t, app, "+13105550301")

	if err := app.CreateBackup(context.Background(), "nightly.zip"); err != nil {
		t.Fatal(err)
	}
	names := storeFiles(t, app)
	if len(names) != 1 || names[0] != "nightly.zip"+backup.Suffix {
		t.Fatalf("the backups store holds %q, want only nightly.zip.age", names)
	}
	path := filepath.Join(app.DataDir(), core.LocalBackupsDirName, names[0])
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("age-encryption.org/v1")) {
		t.Fatalf("the backup is not an age file: %q", raw[:min(len(raw), 40)])
	}
	if _, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw))); err == nil {
		t.Fatal("the backup reads as a plain zip")
	}
	if bytes.Contains(raw, []byte(r.GetString("phone"))) {
		t.Fatal("the encrypted backup holds a registrant's phone in the clear")
	}

	// Someone else's key does not open it; IT's does, into a directory that serves.
	if _, err := backup.Restore(path, []age.Identity{newIdentity(t)}, filepath.Join(t.TempDir(), "x")); err == nil ||
		!strings.Contains(err.Error(), "not encrypted to this identity") {
		t.Fatalf("restore with a stranger's key: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "restored")
	if _, err := backup.Restore(path, []age.Identity{it}, dir); err != nil {
		t.Fatal(err)
	}
	db, err := dbx.Open("sqlite", filepath.Join(dir, "data.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var phone, address string
	if err := db.NewQuery("SELECT phone, address FROM registrants WHERE id = {:id}").Bind(dbx.Params{"id": r.Id}).Row(&phone, &address); err != nil {
		t.Fatal(err)
	}
	if phone != "+13105550301" || strings.Contains(address, sentinel) || address == "" {
		t.Fatalf("restored phone %q, address %q: want the phone and the address still sealed", phone, address)
	}
	info, err := os.Stat(filepath.Join(dir, "data.db"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("restored data.db: %v, mode %v, want 0600", err, info.Mode().Perm())
	}
}

func TestBackupWithoutRecipientsIsRefused(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	err := app.CreateBackup(context.Background(), "")
	if err == nil || !strings.Contains(err.Error(), "--backup-recipients") {
		t.Fatalf("a backup with no recipients: %v", err)
	}
	if names := storeFiles(t, app); len(names) != 0 {
		t.Fatalf("the store holds %q", names)
	}
}

func TestPlaintextBackupLeftInTheStoreIsEncrypted(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	it := newIdentity(t)
	dir := filepath.Join(app.DataDir(), core.LocalBackupsDirName)
	os.MkdirAll(dir, 0o700)
	plain := []byte("PK\x03\x04 an old plaintext backup " + sentinel)
	if err := os.WriteFile(filepath.Join(dir, "old.zip"), plain, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := backup.Sweep(app, []age.Recipient{it.Recipient()}); err != nil {
		t.Fatal(err)
	}
	names := storeFiles(t, app)
	if len(names) != 1 || names[0] != "old.zip.age" {
		t.Fatalf("the store holds %q, want only old.zip.age", names)
	}
	f, _ := os.Open(filepath.Join(dir, names[0]))
	defer f.Close()
	r, err := age.Decrypt(f, it)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	got.ReadFrom(r)
	if !bytes.Equal(got.Bytes(), plain) {
		t.Fatal("the encrypted copy does not decrypt to the old backup")
	}
}

func TestUploadAndInPlaceRestoreAreRefused(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"/api/backups/upload", "/api/backups/nightly.zip.age/restore"} {
		apptest.Run(t, "los-angeles", tests.ApiScenario{
			Name: "POST " + url, Method: http.MethodPost, URL: url,
			ExpectedStatus: 400, ExpectedContent: []string{"alertbutton backup restore --from FILE"},
		}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
			su := apptest.Staff(t, app, "it@consulado.example", "", false)
			s.Headers = map[string]string{"Authorization": apptest.Token(t, su)}
		})
	}
}

func TestRestoreRefusesPathsOutsideTheDirectory(t *testing.T) {
	it := newIdentity(t)
	for _, name := range []string{"../escape", "/etc/x", "a/../../b", `keys\..\..\x`} {
		var zipped bytes.Buffer
		zw := zip.NewWriter(&zipped)
		for _, n := range []string{"data.db", name} {
			w, _ := zw.Create(n)
			w.Write([]byte("x"))
		}
		zw.Close()
		path := filepath.Join(t.TempDir(), "evil.age")
		f, _ := os.Create(path)
		enc, _ := age.Encrypt(f, it.Recipient())
		enc.Write(zipped.Bytes())
		enc.Close()
		f.Close()
		root := t.TempDir()
		dir := filepath.Join(root, "restored")
		if _, err := backup.Restore(path, []age.Identity{it}, dir); err == nil {
			t.Errorf("a backup holding %q was unpacked", name)
		}
		if _, err := os.Stat(filepath.Join(root, "escape")); err == nil {
			t.Errorf("%q was written outside the directory", name)
		}
	}
}

func TestLoadRecipients(t *testing.T) {
	a, b := newIdentity(t).Recipient().String(), newIdentity(t).Recipient().String()
	file := filepath.Join(t.TempDir(), "recipients.txt")
	os.WriteFile(file, []byte("# IT, Los Angeles\n"+a+"\n"), 0o600)
	rs, err := backup.LoadRecipients(file, b+", ")
	if err != nil || len(rs) != 2 {
		t.Fatalf("got %d recipients, %v; want 2", len(rs), err)
	}
	if rs, err := backup.LoadRecipients("", ""); err != nil || rs != nil {
		t.Fatalf("none configured: %v, %v", rs, err)
	}
	if _, err := backup.LoadRecipients("", "not-a-key"); err == nil {
		t.Fatal("a malformed recipient was accepted")
	}
}
