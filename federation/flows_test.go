package federation_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/privacy"
)

// pair is los-angeles and fresno trusting each other, an alert raised at los-angeles in
// Fresno and relayed, and staff on both sides.
type pair struct {
	la, fresno         *node
	reg                *core.Record
	uid                string
	laAdviser, adviser string // tokens
	fresnoAdviserID    string
}

func newPair(t *testing.T) *pair {
	p := &pair{la: newNode(t, "los-angeles"), fresno: newNode(t, "fresno")}
	trust(t, p.la, p.fresno)
	trust(t, p.fresno, p.la)
	p.reg = newRegistrant(t, p.la, "+13105550101")
	a, tok := newStaff(t, p.fresno, "asesora@fresno.example", "adviser")
	apptest.Subscription(t, p.fresno.app, "staff", a.Id, "")
	p.adviser, p.fresnoAdviserID = tok, a.Id
	_, p.laAdviser = newStaff(t, p.la, "asesor@la.example", "adviser")
	p.uid = raise(t, p.la, p.reg).GetString("uid")
	runOnce(t, p.la.relay(nil))
	alertAt(t, p.fresno, p.uid)
	return p
}

// TestCancelAndDuressReachTheTarget: the person's cancellation reaches fresno as
// alert.cancelled; the duress PIN reaches it as an open alert under duress, which wakes
// every staff member there.
func TestCancelAndDuressReachTheTarget(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		pin, status string
		duress      bool
	}{{"2468", alerts.StatusCancelled, false}, {"1357", alerts.StatusNew, true}} {
		p := newPair(t)
		apptest.SetPINs(t, p.la.app, p.reg)
		status, body := do(t, http.MethodPost, p.la.url+"/api/alertbutton/alerts/"+p.uid+"/cancel", apptest.Token(t, p.reg), map[string]string{"pin": c.pin})
		if status != 200 {
			t.Fatalf("cancel: %d %s", status, body)
		}
		pushes := count(t, p.fresno, "outbox", dbxPushTo(t, p.fresno, p.fresnoAdviserID)...)
		runOnce(t, p.la.relay(nil))
		a := alertAt(t, p.fresno, p.uid)
		if a.GetString("status") != c.status || a.GetBool("duress") != c.duress {
			t.Fatalf("pin %s: fresno holds %s, duress %v", c.pin, a.GetString("status"), a.GetBool("duress"))
		}
		if n := count(t, p.fresno, "outbox", dbxPushTo(t, p.fresno, p.fresnoAdviserID)...); n != pushes+1 {
			t.Errorf("pin %s: %d new pushes to fresno's adviser, want 1", c.pin, n-pushes)
		}
		typ := alerts.EventCancelled
		if c.duress {
			typ = alerts.EventDuress
		}
		if len(apptest.Events(t, p.fresno.app, a.Id, typ)) != 1 {
			t.Errorf("pin %s: no %s event at fresno", c.pin, typ)
		}
	}
}

// TestTransfer: fresno moves the case to san-diego, which gets the whole case; los-angeles
// learns the new target.
func TestTransfer(t *testing.T) {
	t.Parallel()
	p := newPair(t)
	sd := newNode(t, "san-diego")
	trust(t, p.fresno, sd)
	trust(t, sd, p.fresno)
	trust(t, sd, p.la)
	trust(t, p.la, sd)
	copy := alertAt(t, p.fresno, p.uid)
	status, body := do(t, http.MethodPatch, p.fresno.url+"/api/collections/alerts/records/"+copy.Id, p.adviser, map[string]any{"target_consulate": "atlantis"})
	if status != 400 {
		t.Fatalf("transfer to an unknown consulate: %d %s", status, body)
	}
	status, body = do(t, http.MethodPatch, p.fresno.url+"/api/collections/alerts/records/"+copy.Id, p.adviser, map[string]any{"target_consulate": "san-diego"})
	if status != 200 {
		t.Fatalf("transfer: %d %s", status, body)
	}
	runOnce(t, p.fresno.relay(nil))

	moved := alertAt(t, sd, p.uid)
	if moved.GetString("target_consulate") != "san-diego" || moved.GetString("origin_consulate") != "los-angeles" || moved.GetString("source") != alerts.SourceFederation {
		t.Fatalf("san-diego's copy: %v", moved.FieldsData())
	}
	if name, _ := privacy.Open(sd.cfg.Sealer(), moved, "subject_name"); name != secretName {
		t.Errorf("san-diego's copy names %q", name)
	}
	if len(apptest.Events(t, sd.app, moved.Id, vocab.EventTransferred)) != 1 {
		t.Error("no transferred event at san-diego")
	}
	origin := alertAt(t, p.la, p.uid)
	if origin.GetString("target_consulate") != "san-diego" || len(apptest.Events(t, p.la.app, origin.Id, vocab.EventTransferred)) != 1 {
		t.Fatalf("los-angeles holds target %q", origin.GetString("target_consulate"))
	}

	// san-diego now has the case: its status flows to the origin, which accepts it.
	_, sdTok := newStaff(t, sd, "asesora@sd.example", "adviser")
	status, body = do(t, http.MethodPatch, sd.url+"/api/collections/alerts/records/"+moved.Id, sdTok, map[string]any{"status": "acknowledged"})
	if status != 200 {
		t.Fatalf("acknowledge at san-diego: %d %s", status, body)
	}
	runOnce(t, sd.relay(nil))
	if s := alertAt(t, p.la, p.uid).GetString("status"); s != alerts.StatusAcknowledged {
		t.Fatalf("los-angeles holds %s after san-diego acknowledged", s)
	}
}

// TestNotes: an adviser's note reaches the other side's internal notes; the outbox holds
// it sealed only.
func TestNotes(t *testing.T) {
	t.Parallel()
	p := newPair(t)
	const note = "Trasladado a Adelanto, número de caso 12345"
	url := p.fresno.url + "/api/alertbutton/federation/alerts/" + p.uid + "/notes"
	_, itTok := newStaff(t, p.fresno, "it@fresno.example", "it")
	if status, _ := do(t, http.MethodPost, url, itTok, map[string]string{"note": note}); status != 403 {
		t.Fatalf("IT sent a note: %d", status)
	}
	status, body := do(t, http.MethodPost, url, p.adviser, map[string]string{"note": note})
	if status != 201 || !strings.Contains(string(body), `"to":["los-angeles"]`) {
		t.Fatalf("note: %d %s", status, body)
	}
	rows := federationRows(t, p.fresno, "los-angeles", "pending")
	if len(rows) != 1 || rows[0].GetString("envelope") == "" || strings.Contains(rows[0].GetString("envelope"), "Adelanto") {
		t.Fatalf("the note's row: %v", rows)
	}
	runOnce(t, p.fresno.relay(nil))
	a := alertAt(t, p.la, p.uid)
	got, err := p.la.app.FindFirstRecordByData("case_notes", "alert", a.Id)
	if err != nil {
		t.Fatal("no case note at los-angeles:", err)
	}
	if body, _ := privacy.Open(p.la.cfg.Sealer(), got, "body"); body != note || got.GetString("consulate") != "fresno" || got.GetString("author") != "" {
		t.Fatalf("los-angeles's note: %q from %q by %q", body, got.GetString("consulate"), got.GetString("author"))
	}
	if evs := apptest.Events(t, p.la.app, a.Id, vocab.EventNoteAdded); len(evs) != 1 || !strings.Contains(evs[0].GetString("data"), got.Id) {
		t.Error("no note event at los-angeles")
	}
	sent := alertAt(t, p.fresno, p.uid)
	kept, err := p.fresno.app.FindFirstRecordByData("case_notes", "alert", sent.Id)
	if err != nil || kept.GetString("author") == "" {
		t.Fatalf("fresno kept no note by its author: %v %v", kept, err)
	}
}

func TestHealthRoute(t *testing.T) {
	t.Parallel()
	p := newPair(t)
	_, itTok := newStaff(t, p.la, "it@la.example", "it")
	if status, _ := do(t, http.MethodGet, p.la.url+federation.HealthPath, "", nil); status != 401 {
		t.Errorf("anonymous health: %d", status)
	}
	if status, _ := do(t, http.MethodGet, p.la.url+federation.HealthPath, apptest.Token(t, p.reg), nil); status != 403 && status != 401 {
		t.Errorf("a registrant read the health: %d", status)
	}
	status, body := do(t, http.MethodGet, p.la.url+federation.HealthPath, itTok, nil)
	var h struct {
		Consulate string
		Peers     []federation.PeerHealth
	}
	json.Unmarshal(body, &h)
	if status != 200 || h.Consulate != "los-angeles" || len(h.Peers) != 1 || h.Peers[0].Code != "fresno" ||
		h.Peers[0].Queue != 0 || h.Peers[0].LastSuccessAt == "" || h.Peers[0].Trust != "direct" {
		t.Fatalf("health: %d %s", status, body)
	}
	rec, err := p.la.app.FindFirstRecordByData("federation_peers", "code", "fresno")
	if err != nil || rec.GetDateTime("last_success_at").IsZero() {
		t.Fatalf("federation_peers for the admin UI: %v %v", rec, err)
	}
	if n := count(t, p.la, "federation_peers", dbx.HashExp{"code": "fresno"}); n != 1 {
		t.Fatalf("%d federation_peers rows", n)
	}
}

// TestPeerStatusReachesTheFamily: fresno's adviser acknowledges the case; at los-angeles,
// where the person registered, the relatives get the milestone as if it had happened there.
func TestPeerStatusReachesTheFamily(t *testing.T) {
	t.Parallel()
	p := newPair(t)
	mother := apptest.Contact(t, p.la.app, p.reg, nil)
	subs, _ := p.la.app.FindCollectionByNameOrId("push_subscriptions")
	sub := core.NewRecord(subs)
	sub.Set("endpoint", "https://fcm.googleapis.com/fcm/send/rosa")
	sub.Set("p256dh", "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM")
	sub.Set("auth", "tBHItJI5svbpez7KI4CCXg")
	sub.Set("contact", mother.Id)
	if err := p.la.app.Save(sub); err != nil {
		t.Fatal(err)
	}
	// The mother was the person's relative before the press: one added later hears nothing
	// of the alert (she could be whoever holds the seized phone).
	pressed := alertAt(t, p.la, p.uid).GetDateTime("created").Add(-time.Minute).String()
	for _, table := range []string{"contacts", "push_subscriptions"} {
		if _, err := p.la.app.DB().Update(table, dbx.Params{"created": pressed, "updated": pressed},
			dbx.In("id", mother.Id, sub.Id)).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	toMother := dbx.HashExp{"channel": "push", "target": sub.Id}
	before := count(t, p.la, "outbox", toMother)

	a := alertAt(t, p.fresno, p.uid)
	status, body := do(t, http.MethodPatch, p.fresno.url+"/api/collections/alerts/records/"+a.Id, p.adviser, map[string]string{"status": alerts.StatusAcknowledged})
	if status != 200 {
		t.Fatalf("acknowledge at fresno: %d %s", status, body)
	}
	runOnce(t, p.fresno.relay(nil))
	if got := alertAt(t, p.la, p.uid).GetString("status"); got != alerts.StatusAcknowledged {
		t.Fatalf("los-angeles holds %s", got)
	}
	if n := count(t, p.la, "outbox", toMother); n != before+1 {
		t.Errorf("%d new pushes to the mother, want the acknowledged milestone", n-before)
	}
}
