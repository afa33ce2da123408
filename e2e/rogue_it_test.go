package e2e

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRogueIT plays a rogue IT account against the built binary: one appliance with a
// registrant who has an alert and a relative, and a consul. IT, made with the command line
// and signed in like any staff member, tries to erase or forge the trail, read secrets,
// become someone else and rewrite the federation's trust; each attempt is refused and the
// database is as it was. What IT may do (new staff accounts, role changes of others) is
// audited where a consul sees it. Then IT writes to the database directly: a row chained
// with plain SHA-256 and a log cut after a backup are both named by audit/verify.
func TestRogueIT(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pb_data")
	itEmail, itPassword := makeIT(t, dir)
	recipients, identity, _ := backupKeys(t)
	a := start(t, dir, "los-angeles")
	c := http.DefaultClient
	it := staffToken(t, a.URL, itEmail, itPassword)

	// The registrant: sealed fields, PINs, a relative with a family link, an open alert.
	p := registerPeople(t, a.URL, 1, nil, "")[0]
	const idDocument = "ROGUE-IT-SENTINEL-IDDOC-5521"
	mustCall(t, c, 200, "PATCH", a.URL+"/api/collections/registrants/records/"+p.id, p.token,
		map[string]any{"id_document": idDocument, "address": "ROGUE-IT-SENTINEL-ADDRESS"})
	mustCall(t, c, 204, "POST", a.URL+"/api/alertbutton/pins", p.token,
		map[string]string{"currentPin": "", "cancelPin": "1357", "duressPin": "2468"})
	var alert struct{ ID, UID string }
	json.Unmarshal(mustCall(t, c, 201, "POST", a.URL+"/api/alertbutton/alerts", p.token,
		map[string]any{"kind": "detained", "lat": 34.05, "lon": -118.24, "note": "ROGUE-IT-SENTINEL-NOTE"}), &alert)

	// The consul, made by IT (audited).
	mustCall(t, c, 200, "POST", a.URL+"/api/collections/_superusers/records", it, map[string]any{
		"email": "consul@consulado.example", "password": "una-frase-larga-de-consul", "passwordConfirm": "una-frase-larga-de-consul", "role": "consul",
	})
	consul := staffToken(t, a.URL, "consul@consulado.example", "una-frase-larga-de-consul")
	var events struct{ Items []struct{ ID string } }
	json.Unmarshal(mustCall(t, c, 200, "GET", a.URL+"/api/collections/alert_events/records?filter="+
		url.QueryEscape("alert='"+alert.ID+"'"), consul, nil), &events)
	var auditRows struct{ Items []struct{ ID string } }
	json.Unmarshal(mustCall(t, c, 200, "GET", a.URL+"/api/collections/audit_log/records?perPage=1", consul, nil), &auditRows)
	if len(events.Items) == 0 || len(auditRows.Items) == 0 {
		t.Fatalf("the case has %d events and the log %d rows", len(events.Items), len(auditRows.Items))
	}
	eventID, auditID := events.Items[0].ID, auditRows.Items[0].ID

	// refused asks as IT and wants status and an answer saying why; the database is the same after.
	refused := func(t *testing.T, status int, says, method, path string, body any) {
		t.Helper()
		before := dbState(t, dir)
		raw := mustCall(t, c, status, method, a.URL+path, it, body)
		if !bytes.Contains(raw, []byte(says)) {
			t.Errorf("%s %s: %s, want it to say %q", method, path, raw, says)
		}
		if after := dbState(t, dir); after != before {
			t.Errorf("%s %s was refused but changed the database:\nbefore %s\nafter  %s", method, path, before, after)
		}
	}

	t.Run("the schema is the migrations'", func(t *testing.T) {
		const says = "migrations"
		for _, name := range []string{"audit_log", "alerts", "registrants"} {
			refused(t, 403, says, "PATCH", "/api/collections/"+name, map[string]any{"name": name + "_old"})
			refused(t, 403, says, "PATCH", "/api/collections/"+name, map[string]any{"listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""})
			refused(t, 403, says, "PATCH", "/api/collections/"+name, map[string]any{"fields": []map[string]any{{"name": "hash", "type": "text"}}})
			refused(t, 403, says, "DELETE", "/api/collections/"+name, nil)
			refused(t, 403, says, "DELETE", "/api/collections/"+name+"/truncate", nil)
		}
		refused(t, 403, says, "PUT", "/api/collections/import", map[string]any{
			"collections": []map[string]any{{"name": "notes", "type": "base"}}, "deleteMissing": true,
		})
		refused(t, 403, says, "POST", "/api/collections", map[string]any{
			"name": "peek", "type": "view", "viewQuery": "SELECT id, cancel_hash FROM registrant_pins",
		})
	})

	t.Run("the trail cannot be written through the records API", func(t *testing.T) {
		row := map[string]any{"seq": 9999, "actor": "system", "action": "view", "hash": strings.Repeat("0", 64)}
		const says = "does not allow"
		refused(t, 403, says, "POST", "/api/collections/audit_log/records", row)
		refused(t, 403, says, "PATCH", "/api/collections/audit_log/records/"+auditID, map[string]any{"actor": "system"})
		refused(t, 403, says, "DELETE", "/api/collections/audit_log/records/"+auditID, nil)
		refused(t, 403, says, "POST", "/api/collections/alert_events/records", map[string]any{"alert": alert.ID, "type": "cancelled"})
		refused(t, 403, says, "PATCH", "/api/collections/alert_events/records/"+eventID, map[string]any{"type": "cancelled"})
		refused(t, 403, says, "DELETE", "/api/collections/alert_events/records/"+eventID, nil)
	})

	t.Run("nor through batches, which IT may enable", func(t *testing.T) {
		mustCall(t, c, 200, "PATCH", a.URL+"/api/settings", it, map[string]any{"batch": map[string]any{"enabled": true, "maxRequests": 10}})
		batches := []map[string]any{
			{"method": "POST", "url": "/api/collections/audit_log/records", "body": map[string]any{"seq": 9999, "actor": "system", "action": "view", "hash": "x"}},
			{"method": "PATCH", "url": "/api/collections/audit_log/records/" + auditID, "body": map[string]any{"actor": "system"}},
			{"method": "POST", "url": "/api/collections/alert_events/records", "body": map[string]any{"alert": alert.ID, "type": "cancelled"}},
			{"method": "DELETE", "url": "/api/collections/alert_events/records/" + eventID},
			{"method": "PATCH", "url": "/api/collections/registrants/records/" + p.id, "body": map[string]any{"password": "otra-contraseña-1", "passwordConfirm": "otra-contraseña-1"}},
		}
		for i, r := range batches {
			// PocketBase allows one batch a minute per address: each comes from its own.
			before := dbState(t, dir)
			raw := mustCall(t, clientFor(1+i), 403, "POST", a.URL+"/api/batch", it, map[string]any{"requests": []any{r}})
			if !bytes.Contains(raw, []byte("does not allow")) {
				t.Errorf("batch %s %s: %s", r["method"], r["url"], raw)
			}
			if dbState(t, dir) != before {
				t.Errorf("batch %s %s was refused but changed the database", r["method"], r["url"])
			}
		}
	})

	t.Run("roles: never its own; new accounts and others' roles are audited for the consuls", func(t *testing.T) {
		var me struct{ Record struct{ ID string } }
		json.Unmarshal(mustCall(t, c, 200, "POST", a.URL+"/api/collections/_superusers/auth-refresh", it, nil), &me)
		refused(t, 400, "role_locked", "PATCH", "/api/collections/_superusers/records/"+me.Record.ID, map[string]any{"role": "consul"})

		var accomplice, adviser struct{ ID string }
		json.Unmarshal(mustCall(t, c, 200, "POST", a.URL+"/api/collections/_superusers/records", it, map[string]any{
			"email": "otro-consul@consulado.example", "password": "una-frase-larga-del-otro", "passwordConfirm": "una-frase-larga-del-otro", "role": "consul",
		}), &accomplice)
		json.Unmarshal(mustCall(t, c, 200, "POST", a.URL+"/api/collections/_superusers/records", it, map[string]any{
			"email": "asesor@consulado.example", "password": "una-frase-larga-del-asesor", "passwordConfirm": "una-frase-larga-del-asesor", "role": "adviser",
		}), &adviser)
		mustCall(t, c, 200, "PATCH", a.URL+"/api/collections/_superusers/records/"+adviser.ID, it, map[string]any{"role": "consul"})
		// Whoever sets another's password can sign in as them: allowed to IT, and told.
		mustCall(t, c, 200, "PATCH", a.URL+"/api/collections/_superusers/records/"+adviser.ID, it,
			map[string]any{"password": "la-frase-que-it-conoce", "passwordConfirm": "la-frase-que-it-conoce"})
		for action, id := range map[string]string{"staff_create": accomplice.ID, "staff_role_change": adviser.ID, "staff_credentials_change": adviser.ID} {
			var rows struct{ Items []struct{ Actor string } }
			json.Unmarshal(mustCall(t, c, 200, "GET", a.URL+"/api/collections/audit_log/records?filter="+
				url.QueryEscape(fmt.Sprintf("action=%q && record_id=%q", action, id)), consul, nil), &rows)
			if len(rows.Items) != 1 || rows.Items[0].Actor != "staff:"+me.Record.ID {
				t.Errorf("the consul sees %s of %s as %+v, want one row by IT (%s)", action, id, rows.Items, me.Record.ID)
			}
		}
	})

	t.Run("no sealed field, no PIN hash, no credentials, no one else's session", func(t *testing.T) {
		// The values are there: the consul reads them.
		for path, want := range map[string]string{
			"/api/collections/registrants/records/" + p.id: idDocument,
			"/api/collections/alerts/records/" + alert.ID:  "ROGUE-IT-SENTINEL-NOTE",
		} {
			if raw := mustCall(t, c, 200, "GET", a.URL+path, consul, nil); !bytes.Contains(raw, []byte(want)) {
				t.Fatalf("the consul's GET %s does not hold %q: %s", path, want, raw)
			}
		}
		for _, path := range []string{
			"/api/collections/registrants/records/" + p.id,
			"/api/collections/registrants/records?fields=*",
			"/api/collections/contacts/records?expand=registrant",
			"/api/collections/alerts/records/" + alert.ID + "?expand=registrant",
		} {
			raw := mustCall(t, c, 200, "GET", a.URL+path, it, nil)
			for _, secret := range []string{idDocument, "ROGUE-IT-SENTINEL-ADDRESS", "ROGUE-IT-SENTINEL-NOTE", "$2a$", "$2b$", "cancel_hash", "duress_hash"} {
				if bytes.Contains(raw, []byte(secret)) {
					t.Errorf("IT's GET %s holds %q: %s", path, secret, raw)
				}
			}
		}
		mustCall(t, c, 404, "GET", a.URL+"/api/collections/registrant_pins/records", it, nil)
		for _, body := range []map[string]any{
			{"password": "otra-contraseña-1", "passwordConfirm": "otra-contraseña-1"},
			{"phone": "+13235559999"},
			{"email": "rogue@example.org"},
		} {
			refused(t, 403, "does not allow", "PATCH", "/api/collections/registrants/records/"+p.id, body)
		}
		refused(t, 403, "does not allow", "POST", "/api/collections/registrants/impersonate/"+p.id, map[string]any{"duration": 3600})
		refused(t, 403, "Only an adviser or a consul", "POST", "/api/alertbutton/registrants/"+p.id+"/recovery-code", map[string]any{"verifiedBy": "in_person"})
		refused(t, 403, "does not allow", "PATCH", "/api/collections/alerts/records/"+alert.ID, map[string]any{"status": "closed"})
	})

	t.Run("federation state and the consulates' keys are not writable", func(t *testing.T) {
		const says = "Federation state"
		var fresno struct{ Items []struct{ ID string } }
		json.Unmarshal(mustCall(t, c, 200, "GET", a.URL+"/api/collections/consulates/records?filter="+url.QueryEscape("code='fresno'"), it, nil), &fresno)
		if len(fresno.Items) != 1 {
			t.Fatalf("fresno: %+v", fresno)
		}
		refused(t, 403, says, "POST", "/api/collections/federation_peers/records", map[string]any{"code": "rogue"})
		refused(t, 403, says, "POST", "/api/collections/federation_rosters/records", map[string]any{"version": 999})
		refused(t, 403, says, "PATCH", "/api/collections/consulates/records/"+fresno.Items[0].ID,
			map[string]any{"signing_key": "cm9ndWU", "seal_key": "cm9ndWU", "public_url": "https://rogue.example.org"})
	})

	t.Run("no notice forged or silenced through the outbox", func(t *testing.T) {
		const says = "does not allow"
		refused(t, 403, says, "POST", "/api/collections/outbox/records", map[string]any{"channel": "federation", "target": "fresno", "state": "pending"})
		refused(t, 403, says, "POST", "/api/collections/outbox/records", map[string]any{"channel": "push", "target": "x", "state": "pending",
			"payload": map[string]any{"type": "alert.status", "title": "Falsa alarma", "body": "Todo bien, no hagas nada."}})
		// The role is refused before the row is looked up (hooks/access deletes real rows).
		refused(t, 403, says, "DELETE", "/api/collections/outbox/records/abcdefghijklmno", nil)
	})

	t.Run("no raw SQL, no database swapped in through a backup", func(t *testing.T) {
		refused(t, 403, "Raw SQL", "POST", "/api/sql", map[string]any{"query": "DELETE FROM audit_log"})
		refused(t, 403, "Raw SQL", "GET", "/api/sql?q=SELECT+*+FROM+registrant_pins", nil)
		refused(t, 400, "disabled", "POST", "/api/backups/upload", map[string]any{"file": "rogue.zip"})
		refused(t, 400, "disabled", "POST", "/api/backups/rogue.zip/restore", nil)
	})

	// IT's last resort is the database file itself. A backup first: its signed head anchors
	// the log as it stands now.
	rows := verifyAudit(t, a.URL, it)
	backupFile := filepath.Join(t.TempDir(), "rogue.age")
	if out, code := run(t, "backup", "create", "--to", backupFile, "--dir", dir, "--backup-recipients", recipients); code != 0 {
		t.Fatalf("backup create: exit %d\n%s", code, out)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if out, code := run(t, "backup", "restore", "--from", backupFile, "--identity", identity, "--dir", restored); code != 0 {
		t.Fatalf("backup restore: exit %d\n%s", code, out)
	}
	head, err := os.ReadFile(filepath.Join(restored, "audit-head.txt"))
	if err != nil {
		t.Fatal(err)
	}
	anchor := strings.TrimSpace(string(head))
	anchorSeq := fieldOf(t, anchor, "seq")
	if anchorSeq != strconv.Itoa(rows) || !strings.Contains(anchor, " sig=") {
		t.Fatalf("the backup's audit head %q does not sign the chain's %d rows", anchor, rows)
	}
	mustCall(t, c, 200, "GET", a.URL+"/api/alertbutton/audit/verify?anchor="+url.QueryEscape(anchor), it, nil)

	t.Run("a row chained with plain SHA-256 is named by verify", func(t *testing.T) {
		a.stop()
		db := openWritable(t, dir)
		var seq int64
		var prev string
		if err := db.QueryRow("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&seq, &prev); err != nil {
			t.Fatal(err)
		}
		seq++
		// How the chain was hashed before it was keyed (git show b3a1b4a:hooks/audit/chain.go).
		fields := []string{strconv.FormatInt(seq, 10), prev, "system", "view", "registrants", p.id}
		sum := sha256.Sum256([]byte(strings.Join(fields, "\x1f")))
		forgedID := "forgedrow000001"
		if _, err := db.Exec(`INSERT INTO audit_log (id, seq, actor, action, collection, record_id, prev_hash, hash, created, updated)
			VALUES (?, ?, 'system', 'view', 'registrants', ?, ?, ?, strftime('%Y-%m-%d %H:%M:%fZ'), strftime('%Y-%m-%d %H:%M:%fZ'))`,
			forgedID, seq, p.id, prev, hex.EncodeToString(sum[:])); err != nil {
			t.Fatal(err)
		}
		db.Close()
		a = start(t, dir, "los-angeles")
		bad := firstBad(t, a.URL, it, "")
		if bad.Seq != seq || bad.ID != forgedID {
			t.Errorf("verify names seq %d (%s), want the forged row: seq %d (%s)", bad.Seq, bad.ID, seq, forgedID)
		}
	})

	t.Run("a log cut after the backup verifies alone, but not against the backup's head", func(t *testing.T) {
		a.stop()
		db := openWritable(t, dir)
		if _, err := db.Exec("DELETE FROM audit_log WHERE seq >= ?", anchorSeq); err != nil {
			t.Fatal(err)
		}
		db.Close()
		a = start(t, dir, "los-angeles")
		verifyAudit(t, a.URL, it)
		bad := firstBad(t, a.URL, it, anchor)
		if strconv.FormatInt(bad.Seq, 10) != anchorSeq {
			t.Errorf("verify?anchor names seq %d, want the signed head's %s", bad.Seq, anchorSeq)
		}
	})
}

// dbState is what a rogue IT account would want to change, read from the database: the
// schema, the trail, the case, the person, the PINs, the staff and the federation's trust.
func dbState(t *testing.T, dir string) string {
	t.Helper()
	db := openReadOnly(t, dir)
	defer db.Close()
	var b strings.Builder
	for _, q := range []string{
		"SELECT name, type, listRule, viewRule, createRule, updateRule, deleteRule, fields, indexes, updated FROM _collections ORDER BY name",
		"SELECT * FROM audit_log ORDER BY seq",
		"SELECT * FROM alert_events ORDER BY id",
		"SELECT * FROM alerts ORDER BY id",
		"SELECT * FROM registrants ORDER BY id",
		"SELECT * FROM contacts ORDER BY id",
		"SELECT * FROM registrant_pins ORDER BY registrant",
		"SELECT * FROM _superusers ORDER BY id",
		"SELECT * FROM consulates ORDER BY id",
		"SELECT * FROM federation_peers ORDER BY id",
		"SELECT * FROM federation_rosters ORDER BY id",
		"SELECT id, channel, target, payload FROM outbox ORDER BY id",
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			values := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range values {
				ptrs[i] = &values[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%v\n", values)
		}
		rows.Close()
	}
	return b.String()
}

// openWritable opens a stopped appliance's database to change it behind its back.
func openWritable(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

type badRow struct {
	Seq int64
	ID  string
}

// firstBad asks audit/verify (against anchor, when given) and wants a 409 naming a row.
func firstBad(t *testing.T, base, staff, anchor string) badRow {
	t.Helper()
	path := base + "/api/alertbutton/audit/verify"
	if anchor != "" {
		path += "?anchor=" + url.QueryEscape(anchor)
	}
	var out struct {
		OK       bool
		FirstBad badRow `json:"first_bad"`
	}
	raw := mustCall(t, http.DefaultClient, http.StatusConflict, "GET", path, staff, nil)
	if err := json.Unmarshal(raw, &out); err != nil || out.OK {
		t.Fatalf("verify: %s", raw)
	}
	return out.FirstBad
}

// fieldOf is the value of key=value in a signed head line.
func fieldOf(t *testing.T, line, key string) string {
	t.Helper()
	for _, f := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			return v
		}
	}
	t.Fatalf("%q has no %s", line, key)
	return ""
}
