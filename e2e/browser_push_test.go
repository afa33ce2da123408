package e2e

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/serviceworker"
	"github.com/chromedp/chromedp"
)

// A push delivered to the service worker (through DevTools, as a push service would) shows
// a notification with the payload's title and body, and keeps its link on this origin.
func TestBrowserPushShowsNotification(t *testing.T) {
	bctx := newBrowser(t)
	a := start(t, filepath.Join(t.TempDir(), "pb_data"), "fresno")
	tb := newTab(t, bctx)
	tb.grant(a.URL, fresnoLat, fresnoLon)

	updates := chromedp.Events(tb.ctx, serviceworker.WorkerRegistrationUpdated)
	if _, err := chromedp.Call(tb.ctx, serviceworker.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	tb.navigate(a.URL + "/")
	tb.waitJS(`navigator.serviceWorker.controller !== null`, 15*time.Second)

	ctx, cancel := context.WithTimeout(tb.ctx, 15*time.Second)
	defer cancel()
	var regID serviceworker.RegistrationID
	for ev, err := range updates {
		if err != nil {
			t.Fatalf("no service worker registration: %v", err)
		}
		for _, r := range ev.Registrations {
			if r.ScopeURL == a.URL+"/" && !r.IsDeleted {
				regID = r.RegistrationID
			}
		}
		if regID != "" || ctx.Err() != nil {
			break
		}
	}
	if regID == "" {
		t.Fatal("the service worker did not register for /")
	}

	payload, _ := json.Marshal(map[string]string{
		"type": "alert.created", "alert": "01900000-0000-7000-8000-000000000001",
		"title": "Alerta: María pidió ayuda", "body": "Abre el enlace para ver qué hacer.",
		"url": "/family/#abc", "lang": "es",
	})
	if _, err := chromedp.Call(tb.ctx, serviceworker.DeliverPushMessage, serviceworker.DeliverPushMessageParams{
		Origin: a.URL, RegistrationID: regID, Data: string(payload),
	}); err != nil {
		t.Fatalf("delivering the push: %v", err)
	}

	tb.waitJS(`navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.length > 0)`, 15*time.Second)
	shown := eval[[]struct {
		Title, Body, Tag, Lang string
		Data                   struct{ URL string }
	}](tb, `navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.map(n => ({Title: n.title, Body: n.body, Tag: n.tag, Lang: n.lang, Data: {URL: n.data.url}})))`)
	if len(shown) != 1 {
		t.Fatalf("notifications: %+v", shown)
	}
	n := shown[0]
	if n.Title != "Alerta: María pidió ayuda" || n.Body != "Abre el enlace para ver qué hacer." || n.Lang != "es" {
		t.Errorf("notification %+v", n)
	}
	if n.Tag != "01900000-0000-7000-8000-000000000001" || !strings.HasPrefix(n.Data.URL, a.URL+"/family/#abc") {
		t.Errorf("notification tag %q url %q", n.Tag, n.Data.URL)
	}

	// a link to another site is not followed: the click opens this appliance
	payload, _ = json.Marshal(map[string]string{"title": "x", "body": "y", "url": "https://evil.example/", "alert": "01900000-0000-7000-8000-000000000002"})
	if _, err := chromedp.Call(tb.ctx, serviceworker.DeliverPushMessage, serviceworker.DeliverPushMessageParams{
		Origin: a.URL, RegistrationID: regID, Data: string(payload),
	}); err != nil {
		t.Fatal(err)
	}
	tb.waitJS(`navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.length === 2)`, 15*time.Second)
	urls := eval[string](tb, `navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.map(n => n.data.url).join(' '))`)
	if strings.Contains(urls, "evil.example") {
		t.Errorf("a notification links to another site: %s", urls)
	}
}
