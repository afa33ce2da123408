package federation_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
)

const uid1 = "0195f3a4-0000-7000-8000-abcdefabcdef"

// TestLastWriterWinsBySeq: a status older than the one held changes nothing; at equal seq
// the writer's code decides, the same way at every consulate.
func TestLastWriterWinsBySeq(t *testing.T) {
	t.Parallel()
	la, fresno, sd := newNode(t, "los-angeles"), newNode(t, "fresno"), newNode(t, "san-diego")
	trust(t, fresno, la)
	trust(t, fresno, sd)
	deliver(t, la, fresno, envelopeFrom(t, la, fresno, protocol.TypeCreated, uid1, 1, `{"kind":"detained","origin":"los-angeles","first_name":"Ana"}`))
	status := func() string { return alertAt(t, fresno, uid1).GetString("status") }

	deliver(t, la, fresno, envelopeFrom(t, la, fresno, protocol.TypeStatus, uid1, 3, `{"status":"in_progress"}`))
	if s := status(); s != alerts.StatusInProgress {
		t.Fatalf("after seq 3: %s", s)
	}
	deliver(t, la, fresno, envelopeFrom(t, la, fresno, protocol.TypeStatus, uid1, 2, `{"status":"acknowledged"}`))
	if s := status(); s != alerts.StatusInProgress {
		t.Fatalf("an older seq (2) overwrote seq 3: %s", s)
	}
	if n := count(t, fresno, "federation_inbox"); n != 3 {
		t.Fatalf("%d envelopes stored, want 3 (an older one is stored and answered, not applied)", n)
	}

	// san-diego is home in this story; at seq 3 too, "san-diego" > "los-angeles" wins.
	alert := alertAt(t, fresno, uid1)
	alert.Set("home_consulate", "san-diego")
	fresno.app.Save(alert)
	deliver(t, sd, fresno, envelopeFrom(t, sd, fresno, protocol.TypeStatus, uid1, 3, `{"status":"resolved"}`))
	if s := status(); s != alerts.StatusResolved {
		t.Fatalf("the tie went to los-angeles: %s", s)
	}
	deliver(t, la, fresno, envelopeFrom(t, la, fresno, protocol.TypeStatus, uid1, 3, `{"status":"false_alarm"}`))
	if s := status(); s != alerts.StatusResolved {
		t.Fatalf("the tie went back to los-angeles: %s", s)
	}
}

// TestStatusBeforeTheAlertIsHeld: a status that overtakes its alert is stored, answered and
// applied when the alert arrives.
func TestStatusBeforeTheAlertIsHeld(t *testing.T) {
	t.Parallel()
	la, fresno := newNode(t, "los-angeles"), newNode(t, "fresno")
	trust(t, fresno, la)
	deliver(t, la, fresno, envelopeFrom(t, la, fresno, protocol.TypeCancelled, uid1, 2, `{"status":"cancelled"}`))
	if n := count(t, fresno, "alerts"); n != 0 {
		t.Fatalf("%d alerts from a status alone", n)
	}
	if n := count(t, fresno, "federation_inbox", dbx.HashExp{"applied": false}); n != 1 {
		t.Fatalf("%d held envelopes", n)
	}
	deliver(t, la, fresno, envelopeFrom(t, la, fresno, protocol.TypeCreated, uid1, 1, `{"kind":"detained","origin":"los-angeles"}`))
	a := alertAt(t, fresno, uid1)
	if a.GetString("status") != alerts.StatusCancelled || a.GetDateTime("closed_at").IsZero() {
		t.Fatalf("status %s after the held cancellation", a.GetString("status"))
	}
	if n := count(t, fresno, "federation_inbox", dbx.HashExp{"applied": false}); n != 0 {
		t.Fatalf("%d envelopes still held", n)
	}
	if n := len(apptest.Events(t, fresno.app, a.Id, alerts.EventCancelled)); n != 1 {
		t.Fatalf("%d cancelled events", n)
	}
}

// TestUninvolvedPeerIsRefused: a trusted peer that has no part in an alert cannot change it.
func TestUninvolvedPeerIsRefused(t *testing.T) {
	t.Parallel()
	la, fresno, sd := newNode(t, "los-angeles"), newNode(t, "fresno"), newNode(t, "san-diego")
	trust(t, fresno, la)
	trust(t, fresno, sd)
	deliver(t, la, fresno, envelopeFrom(t, la, fresno, protocol.TypeCreated, uid1, 1, `{"kind":"detained","origin":"los-angeles"}`))
	e := envelopeFrom(t, sd, fresno, protocol.TypeStatus, uid1, 9, `{"status":"false_alarm"}`)
	before := stored(t, fresno)
	if status, answer := post(t, fresno.url, e.body, e.sig, signedBy(t, sd, e.body, 0)); status != 403 {
		t.Fatalf("%d %s", status, answer)
	}
	if after := stored(t, fresno); after != before || alertAt(t, fresno, uid1).GetString("status") != alerts.StatusNew {
		t.Fatalf("an uninvolved peer changed the alert: %v -> %v", before, after)
	}
}

// TestInvalidAlertIsRefused: an envelope the alerts collection cannot hold is a 400 that
// stores nothing.
func TestInvalidAlertIsRefused(t *testing.T) {
	t.Parallel()
	la, fresno := newNode(t, "los-angeles"), newNode(t, "fresno")
	trust(t, fresno, la)
	e := envelopeFrom(t, la, fresno, protocol.TypeCreated, protocol.NewID(), 1, `{"kind":"detained"}`)
	before := stored(t, fresno)
	if status, answer := post(t, fresno.url, e.body, e.sig, signedBy(t, la, e.body, 0)); status != 400 || !strings.Contains(string(answer), "cannot be stored here") {
		t.Fatalf("%d %s", status, answer)
	}
	if after := stored(t, fresno); after != before {
		t.Fatalf("stored %v -> %v", before, after)
	}
}
