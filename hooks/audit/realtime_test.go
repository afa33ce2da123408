package audit_test

import (
	"strings"
	"testing"
	"time"

	"alertbutton/hooks/apptest"
)

// TestEveryRealtimeRecordToStaffIsAudited: each personal record a staff client is sent,
// expanded ones included, has its audit row before the message arrives.
func TestEveryRealtimeRecordToStaffIsAudited(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	contact := apptest.Contact(t, w.app, w.registrant, nil)
	people := apptest.Listen(t, w.srv, w.token, "registrants")
	relatives := apptest.Listen(t, w.srv, w.token, `contacts?options={"query":{"expand":"registrant"}}`)

	w.registrant.Set("name", "Ana Cambiada")
	if err := w.app.Save(w.registrant); err != nil {
		t.Fatal(err)
	}
	ev, ok := people.Next(5 * time.Second)
	if !ok || !strings.Contains(ev.Data, w.registrant.Id) {
		t.Fatalf("staff got %+v", ev)
	}
	if !w.audited("realtime", w.registrant) {
		t.Error("a registrant was sent to staff in realtime before (or without) its audit row")
	}

	contact.Set("name", "Rosa Cambiada")
	if err := w.app.Save(contact); err != nil {
		t.Fatal(err)
	}
	ev, ok = relatives.Next(5 * time.Second)
	if !ok || !strings.Contains(ev.Data, "+13105550150") {
		t.Fatalf("staff got %+v, want the contact with its registrant", ev)
	}
	if !w.audited("realtime", contact) {
		t.Error("a contact was sent to staff in realtime without its audit row")
	}
	if n := w.auditedTimes("realtime", w.registrant); n != 2 {
		t.Errorf("the registrant was sent twice (once expanded) and audited %d times", n)
	}
}

// TestRealtimeRecordIsNotSentUnaudited: with audit_log broken, the record is not sent and
// the connection closes (the client then reconnects and reads afresh).
func TestRealtimeRecordIsNotSentUnaudited(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	people := apptest.Listen(t, w.srv, w.token, "registrants")
	w.breakAudit()
	w.registrant.Set("name", "Ana Cambiada")
	if err := w.app.Save(w.registrant); err != nil {
		t.Fatal(err)
	}
	if ev, ok := people.Next(5 * time.Second); ok {
		t.Fatalf("staff were sent %+v without an audit row", ev)
	}
}

// TestRealtimeRecordWithoutItsIDIsNotSent: a fields option that leaves the id out would
// make the record impossible to audit, so it is not sent.
func TestRealtimeRecordWithoutItsIDIsNotSent(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	people := apptest.Listen(t, w.srv, w.token, `registrants?options={"query":{"fields":"name,phone"}}`)
	w.registrant.Set("name", "Ana Cambiada")
	if err := w.app.Save(w.registrant); err != nil {
		t.Fatal(err)
	}
	if ev, ok := people.Next(5 * time.Second); ok {
		t.Fatalf("staff were sent %+v, which cannot be audited", ev)
	}
}
