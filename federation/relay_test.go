package federation_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/privacy"
)

// TestRelayOnceAndStatusBack: an alert raised at los-angeles in Fresno reaches fresno once,
// with the person's details opened there and nothing about relatives, and fresno's
// acknowledgement flows back.
func TestRelayOnceAndStatusBack(t *testing.T) {
	t.Parallel()
	la, fresno := trustedPair(t)
	adviser, tok := newStaff(t, fresno, "asesora@fresno.example", "adviser")
	apptest.Subscription(t, fresno.app, "staff", adviser.Id, "")

	alert := raise(t, la, newRegistrant(t, la, "+13105550101"))
	uid := alert.GetString("uid")
	if n := len(federationRows(t, la, "fresno", "pending")); n != 1 {
		t.Fatalf("%d federation rows to fresno, want 1", n)
	}
	runOnce(t, la.relay(nil))
	runOnce(t, la.relay(nil)) // nothing left: nothing sent twice

	rows := federationRows(t, la, "fresno", "sent")
	if len(rows) != 1 || rows[0].GetString("envelope") == "" || rows[0].GetString("signature") == "" {
		t.Fatalf("sent rows: %v", rows)
	}
	if strings.Contains(rows[0].GetString("envelope"), "Ana") || strings.Contains(rows[0].GetString("envelope"), "SENTINEL") {
		t.Fatal("the stored envelope holds personal data in clear")
	}
	copy := alertAt(t, fresno, uid)
	if copy.GetString("source") != alerts.SourceFederation || copy.GetString("status") != alerts.StatusNew ||
		copy.GetString("origin_consulate") != "los-angeles" || copy.GetString("home_consulate") != "los-angeles" ||
		copy.GetString("target_consulate") != "fresno" || copy.GetString("kind") != "detained" {
		t.Fatalf("fresno's copy: %v", copy.FieldsData())
	}
	for field, want := range map[string]string{"subject_name": secretName, "note": secretNote, "subject_birth_date": secretBirth, "subject_phone": "+13105550101"} {
		if strings.Contains(copy.GetString(field), want) {
			t.Errorf("%s is stored in clear at fresno", field)
		}
		if got, _ := privacy.Open(fresno.cfg.Sealer(), copy, field); got != want {
			t.Errorf("%s opens to %q, want %q", field, got, want)
		}
	}
	if loc, _ := privacy.Open(fresno.cfg.Sealer(), copy, "location"); !strings.Contains(loc, "36.7378") {
		t.Errorf("location %q", loc)
	}
	if n := len(apptest.Events(t, fresno.app, copy.Id, alerts.EventCreated)); n != 1 {
		t.Errorf("%d created events at fresno", n)
	}
	if n := count(t, fresno, "outbox", dbxPushTo(t, fresno, adviser.Id)...); n != 1 {
		t.Errorf("%d pushes to fresno's adviser, want 1", n)
	}
	if n := count(t, fresno, "federation_inbox"); n != 1 {
		t.Errorf("%d envelopes stored at fresno", n)
	}

	// An adviser at fresno acknowledges: the status flows back to los-angeles.
	status, body := do(t, http.MethodPatch, fresno.url+"/api/collections/alerts/records/"+copy.Id, tok, map[string]any{"status": "acknowledged"})
	if status != 200 {
		t.Fatalf("acknowledge at fresno: %d %s", status, body)
	}
	if n := len(federationRows(t, fresno, "los-angeles", "pending")); n != 1 {
		t.Fatalf("%d rows from fresno to los-angeles, want 1", n)
	}
	runOnce(t, fresno.relay(nil))
	back := alertAt(t, la, uid)
	if back.GetString("status") != alerts.StatusAcknowledged || back.GetDateTime("acknowledged_at").IsZero() {
		t.Fatalf("los-angeles holds status %q", back.GetString("status"))
	}
	evs := apptest.Events(t, la.app, back.Id, alerts.EventStatus)
	if len(evs) != 1 || evs[0].GetString("actor") != "consulate:fresno" {
		t.Fatalf("status events at los-angeles: %v", evs)
	}
	var data map[string]string
	json.Unmarshal([]byte(evs[0].GetString("data")), &data)
	if data["from"] != "new" || data["to"] != "acknowledged" {
		t.Errorf("event data %v", data)
	}
}

// TestDuplicateGetsStoredReceipt: the same envelope again, in a new request, stores nothing
// and gets the very receipt bytes of the first delivery.
func TestDuplicateGetsStoredReceipt(t *testing.T) {
	t.Parallel()
	la, fresno := trustedPair(t)
	raise(t, la, newRegistrant(t, la, "+13105550101"))
	row := builtRow(t, la, "fresno")
	body, sig := []byte(row.GetString("envelope")), row.GetString("signature")

	s1, r1 := post(t, fresno.url, body, sig, signedBy(t, la, body, 0))
	s2, r2 := post(t, fresno.url, body, sig, signedBy(t, la, body, 0))
	if s1 != 200 || s2 != 200 || string(r1) != string(r2) {
		t.Fatalf("first %d %s, again %d %s", s1, r1, s2, r2)
	}
	env, _ := protocol.ParseEnvelope(body)
	if err := protocol.VerifyReceipt(r2, env, pubKey(t, fresno)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, fresno, "alerts"); n != 1 {
		t.Fatalf("%d alerts at fresno", n)
	}
	if n := count(t, fresno, "federation_inbox"); n != 1 {
		t.Fatalf("%d envelopes at fresno", n)
	}
}
