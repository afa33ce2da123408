package e2e

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// refusals records the API requests the page made that were answered 4xx/5xx.
type refusals struct {
	mu   sync.Mutex
	urls []string
}

func (r *refusals) listen(tb *tab) {
	chromedp.Listen(tb.ctx, func(ev any) {
		if res, ok := ev.(*network.EventResponseReceived); ok && res.Response.Status >= 400 {
			r.mu.Lock()
			r.urls = append(r.urls, fmt.Sprintf("%s %d", res.Response.URL, res.Response.Status))
			r.mu.Unlock()
		}
	})
	if _, err := chromedp.Call(tb.ctx, network.Enable, network.EnableParams{}); err != nil {
		tb.t.Fatal(err)
	}
}

func (r *refusals) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.urls...)
}


func TestZZAdviserAdminUI(t *testing.T) {
	needChromium(t)
	dir := t.TempDir()
	itEmail, itPass := staffAccount(t, dir)
	a := start(t, dir, "los-angeles")
	itTok := staffToken(t, a.URL, itEmail, itPass)
	if code := apiCall(t, "POST", a.URL+"/api/collections/_superusers/records", itTok, map[string]any{
		"email": "asesora@example.org", "password": "Asesora-pass-2025", "passwordConfirm": "Asesora-pass-2025", "role": "adviser", "name": "Ana",
	}, nil); code != 200 {
		t.Fatalf("IT adding an adviser: %d", code)
	}
	tb := newTab(t, newBrowser(t))
	var refused refusals
	refused.listen(tb)
	tb.navigate(a.URL + "/_/#/login")
	tb.fill(`#login_identity`, "asesora@example.org")
	tb.fill(`#login_pass`, "Asesora-pass-2025")
	tb.click(`button.btn.lg.block.next`)
	tb.waitJS(`!location.hash.includes('login')`, 10*time.Second)
	time.Sleep(2 * time.Second)
	t.Logf("after sign-in: %s\n%s\nrefused %v", eval[string](tb, `location.href`), tb.text(), refused.list())
	tb.do(chromedp.Reload())
	time.Sleep(3 * time.Second)
	t.Logf("after reload: %s\n%s\nrefused %v", eval[string](tb, `location.href`), tb.text(), refused.list())
	tb.shot("zz-admin")
}
