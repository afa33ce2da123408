package alerts_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/push"
	"alertbutton/hooks/push/pushtest"
)

// TestFullPathThroughARealPushService: the registrant presses, the relative's phone gets the
// push through a real push service, an adviser acknowledges, the relative gets the milestone.
func TestFullPathThroughARealPushService(t *testing.T) {
	t.Parallel()
	svc := pushtest.Start(t)
	w := newWorld(t, "all")
	w.cfg.PushHosts = push.HostList{svc.Host(), "127.0.0.1"}
	srv := apptest.Serve(t, w.app) // serving starts the outbox dispatcher

	body := svc.SubscribeJSON(t, w.cfg.Keys().VAPIDPublicKey())
	sub, err := push.ParseSubscription(body, w.cfg.PushHosts)
	if err != nil {
		t.Fatal(err)
	}
	if status, out := apptest.CallURL(t, http.MethodPost, srv.URL+"/api/alertbutton/family/"+w.tokES+"/subscriptions", "", string(body)); status != 201 {
		t.Fatalf("relative subscribes: %d %s", status, out)
	}
	received := func(n int) push.Payload {
		t.Helper()
		var p push.Payload
		if err := json.Unmarshal([]byte(svc.WaitMessages(t, sub, n)[n-1]), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := received(1); p.Type != "subscription.confirmed" {
		t.Fatalf("first push %+v, want the confirmation", p)
	}

	uid, _ := alerts.NewUID()
	alertBody := fmt.Sprintf(`{"uid":%q,"kind":"detained","lat":34.0522,"lon":-118.2437}`, uid)
	if status, out := apptest.CallURL(t, http.MethodPost, srv.URL+"/api/alertbutton/alerts", w.tokA, alertBody); status != 201 {
		t.Fatalf("press: %d %s", status, out)
	}
	if p := received(2); p.Type != vocab.MessageCreated || p.Alert != uid || p.Lang != "es" {
		t.Fatalf("relative's alert push %+v", p)
	}

	alert, err := alerts.FindByUID(w.app, uid)
	if err != nil {
		t.Fatal(err)
	}
	if status, out := apptest.CallURL(t, http.MethodPatch, srv.URL+"/api/collections/alerts/records/"+alert.Id, w.tokAdviser, `{"status":"acknowledged"}`); status != 200 {
		t.Fatalf("acknowledge: %d %s", status, out)
	}
	if p := received(3); p.Type != vocab.MessageStatus || p.Alert != uid {
		t.Fatalf("relative's milestone push %+v", p)
	}
}
