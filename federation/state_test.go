package federation_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/alerts"
)

// TestClosedAtIsTheLastClose: a peer's statuses stamp closed_at as the advisers' workflow and
// the person's PIN do (alerts.SetStatus): when an open alert closes, and not again while it
// goes from one closed status to another. A case a peer reopened and closed again was closed
// at the second close; keeping the first, as this path once did, would have retention strip
// its location as soon as it closed.
func TestClosedAtIsTheLastClose(t *testing.T) {
	t.Parallel()
	la, fresno := newNode(t, "los-angeles"), newNode(t, "fresno")
	trust(t, fresno, la)
	deliver(t, la, fresno, envelopeFrom(t, la, fresno, protocol.TypeCreated, uid1, 1, `{"kind":"detained","origin":"los-angeles"}`))
	deliver(t, la, fresno, envelopeFrom(t, la, fresno, protocol.TypeStatus, uid1, 2, `{"status":"resolved"}`))
	a := alertAt(t, fresno, uid1)
	if a.GetDateTime("closed_at").IsZero() || !a.GetDateTime("acknowledged_at").IsZero() {
		t.Fatalf("resolved from new: closed_at %v, acknowledged_at %v", a.GetDateTime("closed_at"), a.GetDateTime("acknowledged_at"))
	}
	// Closed long ago, as far as this copy knows.
	longAgo, _ := types.ParseDateTime("2020-01-01 00:00:00.000Z")
	a.Set("closed_at", longAgo)
	if err := fresno.app.Save(a); err != nil {
		t.Fatal(err)
	}

	deliver(t, la, fresno, envelopeFrom(t, la, fresno, protocol.TypeStatus, uid1, 3, `{"status":"in_progress"}`))
	if a = alertAt(t, fresno, uid1); a.GetDateTime("acknowledged_at").IsZero() {
		t.Fatal("reopened in progress: acknowledged_at not stamped")
	}
	deliver(t, la, fresno, envelopeFrom(t, la, fresno, protocol.TypeStatus, uid1, 4, `{"status":"resolved"}`))
	a = alertAt(t, fresno, uid1)
	closed := a.GetDateTime("closed_at")
	if !closed.After(longAgo) {
		t.Fatalf("closed again: closed_at %v, want the second close", closed)
	}

	deliver(t, la, fresno, envelopeFrom(t, la, fresno, protocol.TypeStatus, uid1, 5, `{"status":"false_alarm"}`))
	a = alertAt(t, fresno, uid1)
	if a.GetString("status") != alerts.StatusFalseAlarm || !a.GetDateTime("closed_at").Equal(closed) {
		t.Fatalf("resolved -> false_alarm: status %s closed_at %v, want it kept at %v", a.GetString("status"), a.GetDateTime("closed_at"), closed)
	}
}
