package e2e

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

const secretEnv = "ALERTBUTTON_E2E_SECRET"

// Sentinels: one unique value in every sealed field.
var sentinels = map[string]string{
	"registrant birth_date":  "1957-03-29",
	"registrant id_document": "SENTINEL-IDDOC-8842-MX",
	"registrant address":     "SENTINEL-ADDRESS-Calle-Falsa-742",
	"contact phone":          "+5215598761234",
	"contact email":          "sentinel.relative.7731@example.org",
	"alert note":             "SENTINEL-NOTE-se-lo-llevaron-en-la-5",
	"alert location":         "34.0522917",
	"alert a_number":         "SENTINEL-A-208331946",
	"alert subject_name":     "SENTINEL-SUBJECT-Juana-Perez",
	"alert place":            "SENTINEL-PLACE-Adelanto-celda-4",
	"case note body":         "SENTINEL-INTERNAL-abogada-llamo",
	"checkin place":          "SENTINEL-PLACE-oficina-ICE-Broadway",
}

// TestPersonalDataIsNowhereAtRest puts a unique value in every sealed field through the
// API, then scans everything the appliance leaves on disk: data.db and its WAL (while it
// runs and after), auxiliary.db, every other file of the data directory, its logs and an
// encrypted backup, decrypted too. No value appears anywhere.
func TestPersonalDataIsNowhereAtRest(t *testing.T) {
	t.Setenv(secretEnv, "e2e-secret-0123456789abcdefghijk")
	dir := filepath.Join(t.TempDir(), "pb_data")
	itEmail, itPassword := makeIT(t, dir)
	recipients, identity, _ := backupKeys(t)
	extra := []string{"--encryptionEnv", secretEnv, "--backup-recipients", recipients}
	a := start(t, dir, "los-angeles", extra...)
	c := http.DefaultClient
	it := staffToken(t, a.URL, itEmail, itPassword)

	// A registrant with every sealed field, a relative, a check-in and an alert.
	mustCall(t, c, 200, "POST", a.URL+"/api/collections/registrants/records", "", map[string]any{
		"phone": "+13235550777", "password": "contraseña-larga-1", "passwordConfirm": "contraseña-larga-1",
		"name": "Persona Centinela", "language": "es", "consent": true,
		"birth_date": sentinels["registrant birth_date"], "id_document": sentinels["registrant id_document"],
		"address": sentinels["registrant address"],
	})
	var auth struct {
		Token  string
		Record struct{ ID string }
	}
	json.Unmarshal(mustCall(t, c, 200, "POST", a.URL+"/api/collections/registrants/auth-with-password", "",
		map[string]string{"identity": "+13235550777", "password": "contraseña-larga-1"}), &auth)
	mustCall(t, c, 200, "POST", a.URL+"/api/collections/contacts/records", auth.Token, map[string]any{
		"registrant": auth.Record.ID, "name": "Familiar", "phone": sentinels["contact phone"], "email": sentinels["contact email"],
	})
	mustCall(t, c, 200, "POST", a.URL+"/api/collections/checkins/records", auth.Token, map[string]any{
		"registrant": auth.Record.ID, "due_at": time.Now().UTC().Add(2 * time.Hour).Format("2006-01-02 15:04:05.000Z"),
		"place": sentinels["checkin place"],
	})
	var alert struct{ ID, UID string }
	json.Unmarshal(mustCall(t, c, 201, "POST", a.URL+"/api/alertbutton/alerts", auth.Token, map[string]any{
		"kind": "detained", "lat": 34.0522917, "lon": -118.2437113, "note": sentinels["alert note"],
	}), &alert)

	// An adviser works the case and records a walk-in.
	mustCall(t, c, 200, "POST", a.URL+"/api/collections/_superusers/records", it, map[string]any{
		"email": "asesora@consulado.example", "password": "una-frase-larga-de-asesora", "passwordConfirm": "una-frase-larga-de-asesora",
		"role": "adviser",
	})
	adviser := staffToken(t, a.URL, "asesora@consulado.example", "una-frase-larga-de-asesora")
	mustCall(t, c, 200, "PATCH", a.URL+"/api/collections/alerts/records/"+alert.ID, adviser, map[string]any{
		"a_number": sentinels["alert a_number"], "place": sentinels["alert place"], "status": "acknowledged",
	})
	mustCall(t, c, 200, "POST", a.URL+"/api/collections/case_notes/records", adviser, map[string]any{
		"alert": alert.ID, "body": sentinels["case note body"],
	})
	mustCall(t, c, 200, "POST", a.URL+"/api/collections/alerts/records", adviser, map[string]any{
		"source": "walkin", "kind": "detained", "subject_name": sentinels["alert subject_name"], "zip": "90012",
	})
	// The adviser reads them back: the values are stored, and open with the key.
	for _, want := range []string{sentinels["alert a_number"], sentinels["alert note"], sentinels["alert place"]} {
		if body := mustCall(t, c, 200, "GET", a.URL+"/api/collections/alerts/records/"+alert.ID, adviser, nil); !bytes.Contains(body, []byte(want)) {
			t.Fatalf("the adviser does not see %q: %s", want, body)
		}
	}

	// While it runs: the database, its WAL and every other file.
	scanDir(t, dir, "while serving")

	// An encrypted backup from PocketBase's API and one from the command line, while serving.
	mustCall(t, c, 204, "POST", a.URL+"/api/backups", it, map[string]string{"name": "atrest.zip"})
	cliBackup := filepath.Join(t.TempDir(), "cli-backup.age")
	if out, code := run(t, "backup", "create", "--to", cliBackup, "--dir", dir, "--encryptionEnv", secretEnv, "--backup-recipients", recipients); code != 0 {
		t.Fatalf("backup create: exit %d\n%s", code, out)
	}
	a.stop()
	scanDir(t, dir, "after stopping")
	scanBytes(t, "the logs", a.output.Bytes())
	for _, backup := range []string{filepath.Join(dir, "backups", "atrest.zip.age"), cliBackup} {
		raw, err := os.ReadFile(backup)
		if err != nil {
			t.Fatal(err)
		}
		scanBytes(t, backup, raw)
		restored := filepath.Join(t.TempDir(), "restored")
		if out, code := run(t, "backup", "restore", "--from", backup, "--identity", identity, "--dir", restored); code != 0 {
			t.Fatalf("backup restore: exit %d\n%s", code, out)
		}
		scanDir(t, restored, "restored from "+filepath.Base(backup))
	}
}

// scanDir reads every file under dir and fails on any sentinel.
func scanDir(t *testing.T, dir, when string) {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		n++
		scanBytes(t, when+": "+strings.TrimPrefix(path, dir+"/"), raw)
		return nil
	})
	if n < 3 {
		t.Fatalf("%s: only %d files to scan in %s", when, n, dir)
	}
}

func scanBytes(t *testing.T, where string, raw []byte) {
	t.Helper()
	for field, v := range sentinels {
		if bytes.Contains(raw, []byte(v)) {
			t.Errorf("%s holds the %s in plaintext", where, field)
		}
	}
}

// TestRestoreDrill backs up an appliance while alerts flow, restores the backup into a new
// directory with IT's key, serves it, and finds every alert acknowledged before the backup
// began, and an audit chain that verifies.
func TestRestoreDrill(t *testing.T) {
	t.Setenv(secretEnv, "e2e-secret-0123456789abcdefghijk")
	dir := filepath.Join(t.TempDir(), "pb_data")
	itEmail, itPassword := makeIT(t, dir)
	recipients, identity, _ := backupKeys(t)
	extra := []string{"--encryptionEnv", secretEnv, "--backup-recipients", recipients}
	a := start(t, dir, "los-angeles", extra...)
	people := registerPeople(t, a.URL, 40, nil, "")
	it := staffToken(t, a.URL, itEmail, itPassword)

	var mu sync.Mutex
	acked := map[string]time.Time{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, p := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range alertsPerMinute {
				select {
				case <-stop:
					return
				case <-time.After(time.Duration(p.i*37%600) * time.Millisecond):
				}
				uid := uuid.Must(uuid.NewV7()).String()
				status, _, err := call(p.client(), "POST", a.URL+"/api/alertbutton/alerts", p.token,
					map[string]any{"uid": uid, "kind": "detained", "note": "simulacro"})
				if err == nil && status == 201 {
					mu.Lock()
					acked[uid] = time.Now()
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	// IT looks at the cases (each read is audited), so the chain has rows to verify.
	mustCall(t, http.DefaultClient, 200, "GET", a.URL+"/api/collections/alerts/records?perPage=20", it, nil)
	backupStarted := time.Now()
	mustCall(t, http.DefaultClient, 204, "POST", a.URL+"/api/backups", it, map[string]string{"name": "drill.zip"})
	wg.Wait()
	close(stop)
	mu.Lock()
	before := map[string]bool{}
	for uid, at := range acked {
		if at.Before(backupStarted) {
			before[uid] = true
		}
	}
	total := len(acked)
	mu.Unlock()
	if len(before) == 0 || len(before) == total {
		t.Fatalf("%d of %d alerts were acknowledged before the backup: the backup was not taken under load", len(before), total)
	}
	auditRows := verifyAudit(t, a.URL, it)
	a.stop()

	restored := filepath.Join(t.TempDir(), "restored")
	if out, code := run(t, "backup", "restore", "--from", filepath.Join(dir, "backups", "drill.zip.age"),
		"--identity", identity, "--dir", restored); code != 0 {
		t.Fatalf("backup restore: exit %d\n%s", code, out)
	}
	b := start(t, restored, "los-angeles", extra...)
	it = staffToken(t, b.URL, itEmail, itPassword)
	if rows := verifyAudit(t, b.URL, it); rows == 0 || rows > auditRows+1 {
		t.Errorf("the restored audit chain has %d rows; the original had %d", rows, auditRows)
	}
	b.stop()

	db := openStored(t, restored)
	defer db.Close()
	for uid := range before {
		var n int
		db.QueryRow("SELECT count(*) FROM alerts WHERE uid = ?", uid).Scan(&n)
		if n != 1 {
			t.Errorf("alert %s, acknowledged before the backup began, is in the restored data %d times", uid, n)
		}
	}
	t.Logf("%d alerts acknowledged before the backup, %d in all; all restored", len(before), total)
}
