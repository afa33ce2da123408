package federation_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
)

// A relayed alert is sending until the peer's signed receipt, then delivered, and so is its
// row, with when.
func TestRelayIsDeliveredOnlyOnTheReceipt(t *testing.T) {
	t.Parallel()
	la, _ := trustedPair(t)
	a := raise(t, la, newRegistrant(t, la, "+13105550131"))
	if got := a.GetString("relay_status"); got != vocab.RelaySending {
		t.Fatalf("relay_status at raise %q, want sending", got)
	}
	rows := federationRows(t, la, "fresno", "pending")
	if len(rows) != 1 || rows[0].GetString("delivery") != vocab.DeliveryQueued {
		t.Fatalf("queued rows: %d", len(rows))
	}
	runOnce(t, la.relay(nil))
	if got := alertAt(t, la, a.GetString("uid")).GetString("relay_status"); got != vocab.RelayDelivered {
		t.Fatalf("relay_status after the receipt %q, want delivered", got)
	}
	row, _ := la.app.FindRecordById("outbox", rows[0].Id)
	if row.GetString("delivery") != vocab.DeliveryDelivered || row.GetDateTime("delivered_at").IsZero() {
		t.Fatalf("row after the receipt: delivery %q at %v", row.GetString("delivery"), row.GetDateTime("delivered_at"))
	}
}

// A peer that answers 200 without a valid receipt has not got the alert: it stays sending,
// its row queued with why.
func TestRelayWithoutAValidReceiptIsNotDelivered(t *testing.T) {
	t.Parallel()
	la, fresno := trustedPair(t)
	// fresno's keys, as la holds them, are another appliance's: its receipts do not verify.
	impostor := newNode(t, "fresno")
	trust(t, la, impostor, fresno.url)
	a := raise(t, la, newRegistrant(t, la, "+13105550132"))
	runOnce(t, la.relay(nil))
	if got := alertAt(t, la, a.GetString("uid")).GetString("relay_status"); got != vocab.RelaySending {
		t.Fatalf("relay_status %q, want sending", got)
	}
	rows := federationRows(t, la, "fresno", "pending")
	if len(rows) != 1 || rows[0].GetString("delivery") != vocab.DeliveryQueued || rows[0].GetString("last_error") == "" {
		t.Fatalf("the row is not queued with why: %d rows", len(rows))
	}
}

// An alert whose target is known not to be a trusted peer is this consulate's case from
// the start: relay_status untrusted and a timeline event that says why.
func TestUntrustedTargetAtRaise(t *testing.T) {
	t.Parallel()
	la := newNode(t, "los-angeles")
	a := raise(t, la, newRegistrant(t, la, "+13105550133"))
	if got := a.GetString("relay_status"); got != vocab.RelayUntrusted {
		t.Fatalf("relay_status %q, want untrusted", got)
	}
	evs := apptest.Events(t, la.app, a.Id, vocab.EventRelayUntrusted)
	if len(evs) != 1 || !evs[0].GetBool("staff_only") || !strings.Contains(evs[0].GetString("data"), "fresno") {
		t.Fatalf("%d relay_untrusted events", len(evs))
	}
	// A local alert has nothing to relay.
	local := apptest.Raise(t, la.app, la.cfg, newRegistrant(t, la, "+13105550134"), 34.05, -118.24, "")
	if got := local.GetString("relay_status"); got != "" {
		t.Fatalf("a local alert's relay_status %q", got)
	}
}

// When the relay finds the target is not a trusted peer (its trust was withdrawn after the
// raise), the alert becomes this consulate's: untrusted, a timeline event, the staff on duty
// told; the row stays queued with why, and is delivered if the peer is trusted again.
func TestRelayFindsTheTargetUntrusted(t *testing.T) {
	t.Parallel()
	la, fresno := trustedPair(t)
	adviser, _ := newStaff(t, la, "asesor@la.example", "adviser")
	sub := apptest.Subscription(t, la.app, "staff", adviser.Id, "es")
	a := raise(t, la, newRegistrant(t, la, "+13105550135"))
	peer, err := la.app.FindFirstRecordByData("consulates", "code", "fresno")
	if err != nil {
		t.Fatal(err)
	}
	peer.Set("trust", "")
	if err := la.app.Save(peer); err != nil {
		t.Fatal(err)
	}
	relay := la.relay(nil)
	runOnce(t, relay)
	runOnce(t, relay)
	a = alertAt(t, la, a.GetString("uid"))
	if got := a.GetString("relay_status"); got != vocab.RelayUntrusted {
		t.Fatalf("relay_status %q, want untrusted", got)
	}
	if n := len(apptest.Events(t, la.app, a.Id, vocab.EventRelayUntrusted)); n != 1 {
		t.Fatalf("%d relay_untrusted events, want 1", n)
	}
	if n := count(t, la, "outbox", dbx.HashExp{"channel": "push", "target": sub.Id}, dbx.NewExp("payload LIKE '%este caso es tuyo%'")); n != 1 {
		t.Fatalf("%d pushes telling the adviser the case is theirs, want 1", n)
	}
	rows := federationRows(t, la, "fresno", "pending")
	if len(rows) != 1 || rows[0].GetString("delivery") != vocab.DeliveryQueued || !strings.Contains(rows[0].GetString("last_error"), "not a trusted peer") {
		t.Fatalf("the row is not queued with why: %d rows", len(rows))
	}

	trust(t, la, fresno)
	rows[0].Set("next_at", "")
	if err := la.app.Save(rows[0]); err != nil {
		t.Fatal(err)
	}
	runOnce(t, relay)
	a = alertAt(t, la, a.GetString("uid"))
	if got := a.GetString("relay_status"); got != vocab.RelayDelivered || len(apptest.Events(t, la.app, a.Id, vocab.EventRelayDelivered)) != 1 {
		t.Fatalf("trusted again: relay_status %q", got)
	}
}
