package alerts_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/push"
	"alertbutton/hooks/subscriptions"
)

// Valid keys, so that the family route accepts a subscription.
const (
	subKey  = "BF3CAQ1Yx4VHUuooWaDHB3WURsYiN1Unrfo2XPTohSEwnrCvRLQx42hKQBnko7c7y_dgA8sLY0AmPfetz6j6vn4"
	subAuth = "tBHItJI5svbpez7KI4CCXg"
)

// lateAudience is what whoever holds the phone sets up after the press: a new relative with
// an e-mail, a family link and a push subscription through it, a new e-mail on an existing
// relative, a new subscription of the phone itself, and the phone's old subscription moved
// to an untouched relative.
type lateAudience struct {
	contact    *core.Record
	targets    map[string]string // outbox target -> what it is
	untouchedE string            // an untouched relative's subscription, told as before
	phone      string            // a subscription of the phone from before the press
}

func setUpAfterThePress(t *testing.T, w *world, srv *httptest.Server, alert *core.Record) lateAudience {
	t.Helper()
	// The phone's second browser, there before the press.
	stays := apptest.Subscription(t, w.app, "registrant", w.a.Id, "")
	// The press was a minute ago; the relatives and subscriptions the world began with, before.
	now := types.NowDateTime()
	for _, q := range []string{
		"UPDATE contacts SET created = {:before}, updated = {:before}",
		"UPDATE push_subscriptions SET created = {:before}, updated = {:before}",
		"UPDATE alerts SET created = {:press} WHERE id = {:id}",
	} {
		params := dbx.Params{"before": now.Add(-2 * time.Minute).String(), "press": now.Add(-time.Minute).String(), "id": alert.Id}
		if _, err := w.app.DB().NewQuery(q).Bind(params).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	status, body := apptest.CallURL(t, http.MethodPost, srv.URL+"/api/collections/contacts/records", w.tokA,
		`{"registrant":"`+w.a.Id+`","name":"Primo","language":"es","email":"primo@example.org"}`)
	if status != 200 {
		t.Fatal(status, body)
	}
	contact := apptest.JSON(t, body)["id"].(string)
	status, body = apptest.CallURL(t, http.MethodPost, srv.URL+"/api/alertbutton/contacts/"+contact+"/family-link", w.tokA, "")
	if status != 200 {
		t.Fatal(status, body)
	}
	token := apptest.JSON(t, body)["token"].(string)
	sub := `{"endpoint":"http://127.0.0.1/push/primo","keys":{"p256dh":"` + subKey + `","auth":"` + subAuth + `"}}`
	if status, body = apptest.CallURL(t, http.MethodPost, srv.URL+"/api/alertbutton/family/"+token+"/subscriptions", "", sub); status >= 300 {
		t.Fatal(status, body)
	}
	own := `{"endpoint":"http://127.0.0.1/push/phone-again","keys":{"p256dh":"` + subKey + `","auth":"` + subAuth + `"}}`
	if status, body = apptest.CallURL(t, http.MethodPost, srv.URL+"/api/alertbutton/push/subscriptions", w.tokA, own); status >= 300 {
		t.Fatal(status, body)
	}
	if status, body = apptest.CallURL(t, http.MethodPatch, srv.URL+"/api/collections/contacts/records/"+w.relES.Id, w.tokA, `{"email":"otro@example.org"}`); status != 200 {
		t.Fatal(status, body)
	}
	moved, _, err := subscriptions.Save(w.app, push.Subscription{Endpoint: w.subA.GetString("endpoint"), P256dh: subKey, Auth: subAuth},
		subscriptions.Owner{Contact: w.relEN.Id}, push.Payload{Type: "subscribed", Title: "ok"})
	if err != nil {
		t.Fatal(err)
	}
	a := lateAudience{phone: stays.Id, targets: map[string]string{contact: "the new relative's e-mail", w.relES.Id: "the changed e-mail",
		moved.Id: "the phone's subscription moved to a relative", w.subRelES.Id: "the push of the relative whose e-mail changed"}, untouchedE: w.subRelEN.Id}
	subs, _ := w.app.FindAllRecords("push_subscriptions", dbx.HashExp{"contact": contact})
	for _, s := range subs {
		a.targets[s.Id] = "the new relative's push"
	}
	mine, _ := w.app.FindAllRecords("push_subscriptions", dbx.HashExp{"endpoint": "http://127.0.0.1/push/phone-again"})
	for _, s := range mine {
		a.targets[s.Id] = "the phone's new push"
	}
	if len(a.targets) != 6 {
		t.Fatalf("set up %v", a.targets)
	}
	return a
}

// TestRelativesAddedAfterThePressHearNothingOfIt: relatives, family links, e-mails and push
// subscriptions set up after an alert was raised are told nothing about it, on a real cancel,
// a duress one or any later status, so that they cannot tell the two PINs apart.
func TestRelativesAddedAfterThePressHearNothingOfIt(t *testing.T) {
	for _, pin := range []string{cancelPIN, duressPIN} {
		w, alert := raised(t, laLat, laLon)
		srv := apptest.Serve(t, w.app)
		late := setUpAfterThePress(t, w, srv, alert)
		uid := alert.GetString("uid")
		before := len(outboxFor(t, w.app, uid))
		if status, body := apptest.CallURL(t, http.MethodPost, srv.URL+cancelURL(alert), w.tokA, pinBody(pin)); status != 200 {
			t.Fatal(status, body)
		}
		facility := apptest.Facility(t, w.app, "Centro X", nil)
		patches := []string{`{"assigned_to":"` + w.adviser.Id + `","facility":"` + facility.Id + `"}`}
		if pin == duressPIN {
			patches = append([]string{`{"status":"acknowledged"}`}, append(patches, `{"status":"resolved"}`)...)
		}
		for _, patch := range patches {
			if status, body := apptest.CallURL(t, http.MethodPatch, srv.URL+recordsURL+"/"+alert.Id, w.tokAdviser, patch); status != 200 {
				t.Fatal(status, body)
			}
		}
		stored := apptest.Find(t, w.app, "alerts", alert.Id)
		peer := alerts.Change{Actor: "consulate:fresno", By: "fresno", From: alerts.StatusInProgress, To: alerts.StatusResolved}
		if err := alerts.RecordChange(w.app, w.cfg, stored, peer); err != nil {
			t.Fatal(err)
		}
		rows := outboxFor(t, w.app, uid)[before:]
		for target, what := range late.targets {
			if got := to(rows, target); len(got) != 0 {
				t.Errorf("PIN %s: %s was told of the alert: %+v", pin, what, got)
			}
		}
		if got := to(rows, late.phone); len(got) != 0 {
			t.Errorf("PIN %s: the phone was told of an alert it closed: %+v", pin, got)
		}
		if got := to(rows, late.untouchedE); len(got) == 0 {
			t.Errorf("PIN %s: the relative who was there before the press heard nothing: %+v", pin, rows)
		}
	}
}
