package alerts_test

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/records"
)

type toldLine struct {
	Kind, Code, Name, City, State, Channel string
	CalledBy                               *struct{ Code, Name, City string }
}

type toldView struct {
	Told       []toldLine
	Disclosure string
}

// told is the phone's view of alert: who was told. It is read without serving, so that no
// dispatcher settles the rows meanwhile: the tests do, as each channel would.
func told(t *testing.T, w *world, alert *core.Record) toldView {
	t.Helper()
	alert = apptest.Find(t, w.app, "alerts", alert.Id)
	view, err := alerts.RegistrantView(w.app, alert, true)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(view)
	var v toldView
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

var handlers sync.Map // *world: its http.Handler, made once

func handler(t *testing.T, w *world) http.Handler {
	if h, ok := handlers.Load(w); ok {
		return h.(http.Handler)
	}
	h := apptest.Handler(t, w.app)
	handlers.Store(w, h)
	return h
}

func line(v toldView, name string) toldLine {
	for _, l := range v.Told {
		if l.Name == name {
			return l
		}
	}
	return toldLine{}
}

// settle records the outcome of the alert's rows to contact, as its channel would.
func settle(t *testing.T, w *world, alert, contact *core.Record, channel string, mark func(row *core.Record)) {
	t.Helper()
	rows, err := w.app.FindAllRecords("outbox", dbx.HashExp{"alert": alert.GetString("uid"), "recipient": contact.Id, "channel": channel})
	if err != nil || len(rows) == 0 {
		t.Fatalf("no %s row to %s (%v)", channel, contact.GetString("name"), err)
	}
	for _, row := range rows {
		mark(row)
		if err := records.Save(w.app, row); err != nil {
			t.Fatal(err)
		}
	}
}

func delivered(row *core.Record) { outbox.Sent(row, time.Now()) }
func refused(row *core.Record)   { outbox.Dead(row, "refused") }

// The phone says who was told as it is: the consulate that has the alert, each relative by
// the channel that reached them, failed, or with no way to be told; and once the person
// closed the alert with a PIN, it says what was true then.
func TestToldIsTheTruth(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "status")
	apptest.Contact(t, w.app, w.a, apptest.Fields{"name": "Pedro Sin Canal"})
	alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), button(w, laLat, laLon))
	if err != nil {
		t.Fatal(err)
	}
	v := told(t, w, alert)
	if len(v.Told) != 4 || v.Told[0].Kind != "consulate" || v.Told[0].Code != "los-angeles" || v.Told[0].State != "delivered" || v.Told[0].City == "" {
		t.Fatalf("told: %+v", v.Told)
	}
	for name, want := range map[string]string{"Rosa López": "queued", "John Smith": "queued", "Pedro Sin Canal": "unreachable"} {
		if got := line(v, name); got.Kind != "contact" || got.State != want {
			t.Errorf("%s: %+v, want %s", name, got, want)
		}
	}
	settle(t, w, alert, w.relES, "push", delivered)
	settle(t, w, alert, w.relES, "email", refused)
	settle(t, w, alert, w.relEN, "push", refused)
	v = told(t, w, alert)
	if got := line(v, "Rosa López"); got.State != "delivered" || got.Channel != "push" {
		t.Errorf("Rosa: %+v, want delivered by push", got)
	}
	if got := line(v, "John Smith"); got.State != "failed" {
		t.Errorf("John: %+v, want failed", got)
	}

	status, body := apptest.Call(t, handler(t, w), http.MethodPost, "/api/alertbutton/alerts/"+alert.GetString("uid")+"/cancel", w.tokA, `{"pin":"`+cancelPIN+`"}`)
	if status != 200 {
		t.Fatalf("cancel: %d %s", status, body)
	}
	settle(t, w, alert, w.relEN, "push", delivered)
	if got := line(told(t, w, alert), "John Smith"); got.State != "failed" {
		t.Errorf("after the PIN, John reads %+v: the phone must be shown what was true when it was closed", got)
	}
}

// A relayed alert's consulate line follows the relay: sending, then delivered on the peer's
// receipt; an untrusted target says which consulate calls instead.
func TestToldConsulateFollowsTheRelay(t *testing.T) {
	t.Parallel()
	w, alert := raised(t, fresnoLat, fresnoLon)
	if got := told(t, w, alert).Told[0]; got.Code != "fresno" || got.State != "sending" {
		t.Fatalf("relayed: %+v", got)
	}
	rows, _ := w.app.FindAllRecords("outbox", dbx.HashExp{"alert": alert.GetString("uid"), "channel": "federation", "target": "fresno"})
	for _, row := range rows {
		outbox.Sent(row, time.Now())
		records.Save(w.app, row)
	}
	if got := told(t, w, alert).Told[0]; got.State != "delivered" {
		t.Fatalf("after the receipt: %+v", got)
	}

	c, _ := w.app.FindFirstRecordByData("consulates", "code", "fresno")
	c.Set("trust", "")
	w.app.Save(c)
	untrusted, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), button(w, fresnoLat, fresnoLon))
	if err != nil {
		t.Fatal(err)
	}
	got := told(t, w, untrusted).Told[0]
	if got.State != "untrusted" || got.CalledBy == nil || got.CalledBy.Code != "los-angeles" || got.CalledBy.City == "" {
		t.Fatalf("untrusted: %+v", got)
	}
}

// A person who chose that relatives be told nothing is shown that, and no relative.
func TestToldWithDisclosureNone(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "none")
	alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), button(w, laLat, laLon))
	if err != nil {
		t.Fatal(err)
	}
	v := told(t, w, alert)
	if v.Disclosure != "none" || len(v.Told) != 1 || v.Told[0].Kind != "consulate" {
		t.Fatalf("%+v", v)
	}
}
