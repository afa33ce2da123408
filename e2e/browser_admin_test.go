package e2e

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// refusals records the API requests a page made that were answered 4xx or 5xx.
type refusals struct {
	mu   sync.Mutex
	urls []string
}

func (r *refusals) listen(tb *tab) {
	tb.t.Helper()
	if err := chromedp.Listen(tb.ctx, func(ev any) {
		if res, ok := ev.(*network.EventResponseReceived); ok && res.Response.Status >= 400 {
			r.mu.Lock()
			r.urls = append(r.urls, fmt.Sprintf("%s %d", res.Response.URL, res.Response.Status))
			r.mu.Unlock()
		}
	}); err != nil {
		tb.t.Fatal(err)
	}
	if _, err := chromedp.Call(tb.ctx, network.Enable, network.EnableParams{}); err != nil {
		tb.t.Fatal(err)
	}
}

func (r *refusals) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.urls...)
}

// adminSignIn signs in at the admin UI's sign-in page and waits for its header.
func adminSignIn(tb *tab, base, email, password string) {
	tb.t.Helper()
	tb.navigate(base + "/_/#/login")
	tb.fill(`#login_identity`, email)
	tb.fill(`#login_pass`, password)
	tb.click(`button.btn.lg.block.next`)
	tb.waitJS(`!!document.querySelector('.app-main-nav .header-link')`, 15*time.Second)
}

// navLinks are the labels of the admin UI's main navigation.
func navLinks(tb *tab) string {
	return eval[string](tb, `[...document.querySelectorAll('.app-main-nav .header-link')].map(a => a.innerText.trim()).join(',')`)
}

// An adviser signs in to the admin UI once and stays signed in across reloads, is refused
// nothing on the way, sees the sections an adviser works in (no logs, no settings), and from
// a case record reaches the desk, the timeline, the notes and the relatives. IT keeps its
// sections.
func TestAdviserWorksInTheAdminUI(t *testing.T) {
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
	adviser := staffToken(t, a.URL, "asesora@example.org", "Asesora-pass-2025")
	var walkIn struct{ ID string }
	if code := apiCall(t, "POST", a.URL+"/api/collections/alerts/records", adviser,
		map[string]string{"kind": "at_risk", "source": "walkin", "subject_name": "Juan Pérez", "location": "Frente al 7-Eleven de Alameda"}, &walkIn); code != 200 {
		t.Fatalf("a walk-in: %d", code)
	}

	tb := newTab(t, newBrowser(t))
	var refused refusals
	refused.listen(tb)
	adminSignIn(tb, a.URL, "asesora@example.org", "Asesora-pass-2025")
	if got := navLinks(tb); got != "Collections,Escritorio" {
		t.Errorf("the adviser's navigation is %q", got)
	}
	tb.do(chromedp.Reload())
	tb.waitJS(`!!document.querySelector('.app-main-nav .header-link')`, 15*time.Second)
	time.Sleep(time.Second) // the session refresh and the settings read of the load
	if hash := eval[string](tb, `location.hash`); strings.Contains(hash, "login") {
		t.Fatalf("the adviser was signed out by a reload: %s", hash)
	}
	if r := refused.list(); len(r) != 0 {
		t.Errorf("the admin UI was refused on the adviser's loads: %v", r)
	}

	tb.navigate(a.URL + "/_/#/collections?collection=alerts&record=" + walkIn.ID)
	tb.waitJS(`!!document.querySelector('.alertbutton-case-links')`, 15*time.Second)
	tb.waitText("Dónde está la persona, en texto", 5*time.Second)
	hrefs := eval[string](tb, `[...document.querySelectorAll('.alertbutton-case-links a')].map(a => a.getAttribute('href')).join('\n')`)
	for _, want := range []string{
		"/staff/#case/" + walkIn.ID,
		"#/collections?collection=alert_events&filter=alert%3D%22" + walkIn.ID + "%22&sort=created",
		"#/collections?collection=case_notes&filter=alert%3D%22" + walkIn.ID + "%22&sort=created",
		"#/collections?collection=contacts&filter=registrant.alerts_via_registrant.id%3F%3D%22" + walkIn.ID + "%22",
	} {
		if !strings.Contains(hrefs, want) {
			t.Errorf("the case record does not link %s:\n%s", want, hrefs)
		}
	}
	tb.shot("admin-case-links")
	tb.clickText("Línea de tiempo")
	tb.waitJS(`location.hash.includes('collection=alert_events') && document.body.innerText.includes('staff:')`, 15*time.Second)
	if r := refused.list(); len(r) != 0 {
		t.Errorf("the admin UI was refused: %v", r)
	}

	it := newTab(t, newBrowser(t))
	adminSignIn(it, a.URL, itEmail, itPass)
	if got := navLinks(it); got != "Collections,Logs,Settings,Escritorio" {
		t.Errorf("IT's navigation is %q", got)
	}
}
