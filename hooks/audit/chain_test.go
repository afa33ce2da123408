package audit_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/audit"
)

// The migrations start every log with the row from which the chain is keyed.
const keyedStart = 1

func TestChainVerifiesAndDetectsTampering(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	for i := 0; i < 5; i++ {
		if err := apptest.Audit(app).Append(app, audit.Entry{Actor: "staff:abc", Action: "view", Collection: "alerts", RecordID: "r" + string(rune('a'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := apptest.Audit(app).Verify(app); err != nil || n != keyedStart+5 {
		t.Fatalf("verify: %d rows, %v", n, err)
	}
	// Someone with the database file edits a row directly.
	if _, err := app.DB().NewQuery("UPDATE audit_log SET actor = 'staff:someone-else' WHERE seq = 3").Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := apptest.Audit(app).Verify(app); err == nil || !strings.Contains(err.Error(), "seq 3") {
		t.Fatalf("an altered row went unnoticed: %v", err)
	}
	app.DB().NewQuery("UPDATE audit_log SET actor = 'staff:abc' WHERE seq = 3").Execute()
	app.DB().NewQuery("DELETE FROM audit_log WHERE seq = 2").Execute()
	if _, err := apptest.Audit(app).Verify(app); err == nil {
		t.Fatal("a removed row went unnoticed")
	}
}

// insertUnkeyed writes a row at the end of the log with raw SQL, hashed as the appliance
// used to (plain SHA-256 over the previous hash and the row): what anyone could compute.
func insertUnkeyed(t testing.TB, app core.App, e audit.Entry) string {
	t.Helper()
	seq, prev, err := audit.Head(app)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := insertUnkeyedAt(t, app, seq+1, prev, e)
	return id
}

func insertUnkeyedAt(t testing.TB, app core.App, seq int64, prev string, e audit.Entry) (id, hash string) {
	t.Helper()
	sum := sha256.Sum256([]byte(strings.Join([]string{strconv.FormatInt(seq, 10), prev, e.Actor, e.Action, e.Collection, e.RecordID}, "\x1f")))
	id, hash = fmt.Sprintf("forged%09d", seq), hex.EncodeToString(sum[:])
	_, err := app.DB().Insert("audit_log", dbx.Params{
		"id": id, "seq": seq, "actor": e.Actor, "action": e.Action, "collection": e.Collection,
		"record_id": e.RecordID, "prev_hash": prev, "hash": hash,
		"created": "2026-01-01 00:00:00.000Z", "updated": "2026-01-01 00:00:00.000Z",
	}).Execute()
	if err != nil {
		t.Fatal(err)
	}
	return id, hash
}

// TestRowWrittenOutsideTheApplianceBreaksVerification: a row chained correctly but without
// the appliance's key is found, and verify names it.
func TestRowWrittenOutsideTheApplianceBreaksVerification(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	apptest.Audit(w.app).Append(w.app, audit.Entry{Actor: "system", Action: "test"})
	forged := insertUnkeyed(t, w.app, audit.Entry{Actor: "staff:nobody", Action: "view", Collection: "registrants", RecordID: w.registrant.Id})
	apptest.Audit(w.app).Append(w.app, audit.Entry{Actor: "system", Action: "test"})

	var seq int64
	if err := w.app.DB().NewQuery("SELECT seq FROM audit_log WHERE id = {:id}").Bind(dbx.Params{"id": forged}).Row(&seq); err != nil {
		t.Fatal(err)
	}
	var b *audit.Break
	if _, err := apptest.Audit(w.app).Verify(w.app); !errors.As(err, &b) || b.Seq != seq || b.ID != forged {
		t.Fatalf("a row written outside the appliance (seq %d): %v", seq, err)
	}
	status, body := w.call(http.MethodGet, "/api/alertbutton/audit/verify", "")
	if status != http.StatusConflict || !strings.Contains(body, fmt.Sprintf(`"first_bad":{"id":"%s","seq":%d}`, forged, seq)) {
		t.Errorf("verify route: %d %s", status, body)
	}
}

// TestLegacyRowsArePinnedByTheKeyedStart plays a log written before the chain was keyed:
// it verifies, and rewriting it afterwards (consistently, with plain SHA-256) is found.
func TestLegacyRowsArePinnedByTheKeyedStart(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	app.DB().NewQuery("DELETE FROM audit_log").Execute()
	for _, id := range []string{"a", "b", "c"} {
		insertUnkeyed(t, app, audit.Entry{Actor: "staff:x", Action: "view", Collection: "alerts", RecordID: id})
	}
	if err := audit.Open(app).StartKeyedChain(app); err != nil { // as the migration does
		t.Fatal(err)
	}
	apptest.Audit(app).Append(app, audit.Entry{Actor: "system", Action: "test"})
	if n, err := apptest.Audit(app).Verify(app); err != nil || n != 5 {
		t.Fatalf("legacy rows then keyed ones: %d rows, %v", n, err)
	}

	// Row 2 is rewritten, and row 3 after it, so that the legacy chain holds by itself.
	first := apptest.Find(t, app, "audit_log", "forged000000001").GetString("hash")
	app.DB().NewQuery("DELETE FROM audit_log WHERE seq >= 2 AND seq <= 3").Execute()
	_, h2 := insertUnkeyedAt(t, app, 2, first, audit.Entry{Actor: "staff:x", Action: "view", Collection: "alerts", RecordID: "other"})
	insertUnkeyedAt(t, app, 3, h2, audit.Entry{Actor: "staff:x", Action: "view", Collection: "alerts", RecordID: "c"})
	var b *audit.Break
	if _, err := apptest.Audit(app).Verify(app); !errors.As(err, &b) || b.Seq != 4 {
		t.Fatalf("a rewritten legacy part: %v", err)
	}
}

func TestWipedLogFailsVerification(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	app.DB().NewQuery("DELETE FROM audit_log").Execute()
	var b *audit.Break
	if _, err := apptest.Audit(app).Verify(app); !errors.As(err, &b) || b.Seq != 1 || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("an emptied log: %v", err)
	}
}

func TestOnlyTheMigrationStartsTheKeyedChain(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	if err := apptest.Audit(app).Append(app, audit.Entry{Actor: "staff:x", Action: audit.ActionKeyed}); err == nil {
		t.Fatal("a caller wrote the row that starts the keyed chain")
	}
}
func TestNobodyEditsOrDeletesTheLog(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	apptest.Audit(app).Append(app, audit.Entry{Actor: "system", Action: "test"})
	row, err := app.FindFirstRecordByFilter("audit_log", "seq = 1")
	if err != nil {
		t.Fatal(err)
	}
	row.Set("actor", "x")
	if err := app.Save(row); err == nil {
		t.Error("an audit row was edited")
	}
	if err := app.Delete(row); err == nil {
		t.Error("an audit row was deleted")
	}
}

func TestITCannotDropTheLog(t *testing.T) {
	t.Parallel()
	apptest.Run(t, "los-angeles", tests.ApiScenario{
		Method: http.MethodDelete, URL: "/api/collections/audit_log", ExpectedStatus: 403, ExpectedContent: []string{"The schema belongs to the appliance's migrations"},
	}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
		it := apptest.Staff(t, app, "it@consulado.example", "", false)
		s.Headers = map[string]string{"Authorization": apptest.Token(t, it)}
	})
}

func TestStaffReadsAreAudited(t *testing.T) {
	t.Parallel()
	var staffID, registrantID string
	apptest.Run(t, "los-angeles", tests.ApiScenario{
		Method: http.MethodGet, ExpectedStatus: 200, ExpectedContent: []string{`"phone":"+13105550150"`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			row, err := app.FindFirstRecordByFilter("audit_log", "action = 'view' && collection = 'registrants'")
			if err != nil {
				t.Fatal("the staff read was not audited")
			}
			if row.GetString("actor") != "staff:"+staffID || row.GetString("record_id") != registrantID {
				t.Errorf("audited %s on %s", row.GetString("actor"), row.GetString("record_id"))
			}
			if _, err := apptest.Audit(app).Verify(app); err != nil {
				t.Error(err)
			}
		},
	}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
		r := apptest.Registrant(t, app, "+13105550150", apptest.Fields{"name": "Ana"})
		staff := apptest.Staff(t, app, "adviser@consulado.example", "adviser", false)
		staffID, registrantID = staff.Id, r.Id
		s.URL = "/api/collections/registrants/records/" + r.Id
		s.Headers = map[string]string{"Authorization": apptest.Token(t, staff)}
	})
}

// TestChainBegunWithTheKeyFileVerifiesOnceTheSecretIsSet: an appliance started without
// --encryptionEnv keys its chain from keys/seal.key; once IT sets the secret, as the start-up
// warning asks, new rows are keyed from it and the older ones still verify.
func TestChainBegunWithTheKeyFileVerifiesOnceTheSecretIsSet(t *testing.T) {
	app, _ := apptest.New(t, "los-angeles")
	secret := os.Getenv(apptest.SecretEnv)
	log := apptest.Audit(app)
	restart := func() { log = audit.Open(app) } // a restart derives the keys again

	t.Setenv(apptest.SecretEnv, "")
	restart()
	app.DB().NewQuery("DELETE FROM audit_log").Execute() // a log begun without the secret
	if err := log.StartKeyedChain(app); err != nil {
		t.Fatal(err)
	}
	log.Append(app, audit.Entry{Actor: "system", Action: "before"})

	t.Setenv(apptest.SecretEnv, secret)
	restart()
	log.Append(app, audit.Entry{Actor: "system", Action: "after"})
	if n, err := log.Verify(app); err != nil || n != 3 {
		t.Fatalf("%d rows, %v", n, err)
	}
	// Without the secret, only the row keyed from it fails: it was not keyed from the file.
	t.Setenv(apptest.SecretEnv, "")
	restart()
	var b *audit.Break
	if _, err := log.Verify(app); !errors.As(err, &b) || b.Seq != 3 {
		t.Errorf("the row written with the secret set: %v", err)
	}
}
