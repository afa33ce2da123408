package e2e

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The registrant shows a relative's link again (the same link, still working), replaces it
// only after saying yes, removes it only after saying yes, and reads on each relative's row
// whether their notices reach them.
func TestBrowserFamilyLinkShowAgainAndRevoke(t *testing.T) {
	bctx := newBrowser(t)
	pushes := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusCreated) }))
	t.Cleanup(pushes.Close)
	a := start(t, filepath.Join(t.TempDir(), "pb_data"), "fresno", "--push-hosts", strings.TrimPrefix(pushes.URL, "http://"))

	phone := newTab(t, bctx)
	registerInBrowser(phone, a.URL, "559 555 0111", "Lucía Pérez")
	link := addRelative(phone, "Ana")
	phone.waitText("Todavía no abrió el enlace", 10*time.Second)

	// Shown again: the same link, and it still opens the family page.
	for i := 0; i < 2; i++ {
		if shown := showAgain(phone, "Ana"); shown != link {
			t.Fatalf("shown again: %q, want the link issued %q", shown, link)
		}
	}
	relative := newTab(t, bctx)
	relative.navigate(link)
	relative.waitText("Familia de Lucía", 10*time.Second)

	// The relative turns on notices: the row says so.
	subscribeRelative(t, a.URL, link, pushes.URL+"/push/ana")
	phone.clickText("Inicio")
	phone.clickText("Familia")
	phone.waitText("Avisos activados", 10*time.Second)
	phone.shot("relatives-states-es")

	// A new link replaces the old one only after a yes; "Cancelar" keeps it.
	phone.clickText("Crear enlace nuevo")
	phone.waitText("el que ya tiene Ana deja de servir", 5*time.Second)
	phone.clickText("Cancelar")
	if shown := showAgain(phone, "Ana"); shown != link {
		t.Fatalf("after cancelling, the link is %q, want %q", shown, link)
	}
	phone.clickText("Crear enlace nuevo")
	phone.clickText("Sí, crear enlace nuevo")
	phone.waitJS(`document.querySelector('#family-url') && document.querySelector('#family-url').value !== `+jsString(link), 10*time.Second)
	replaced := eval[string](phone, `document.querySelector('#family-url').value`)
	openFamily(relative, a.URL, link)
	relative.waitText("Este enlace no sirve", 10*time.Second)

	// Removing the link: asked first, then the link no longer works.
	phone.clickText("Quitar enlace de Ana")
	phone.waitText("Ana ya no podrá usar su enlace", 5*time.Second)
	phone.shot("relatives-revoke-es")
	phone.clickText("Sí, quitar enlace")
	phone.waitText("Quitamos el enlace de Ana", 10*time.Second)
	phone.waitText("Todavía no tiene enlace", 10*time.Second)
	openFamily(relative, a.URL, replaced)
	relative.waitText("Este enlace no sirve", 10*time.Second)

	phone.clickText("English")
	phone.waitText("No link yet", 10*time.Second)
	phone.waitText("Make a link for Ana", 10*time.Second)
	phone.checkFaults()
	relative.checkFaults()
}

// showAgain clears the shown link, shows the relative's link again and returns it.
func showAgain(tb *tab, name string) string {
	tb.t.Helper()
	eval[bool](tb, `(document.querySelector('.linkbox').replaceChildren(), true)`)
	tb.clickText("Ver enlace de " + name)
	tb.waitJS(`document.querySelector('#family-url') !== null && document.querySelector('svg.qr') !== null`, 10*time.Second)
	return eval[string](tb, `document.querySelector('#family-url').value`)
}

// openFamily opens a family link afresh (a page load, not a change of fragment).
func openFamily(tb *tab, base, link string) {
	tb.t.Helper()
	tb.navigate(base + "/")
	tb.navigate(link)
}

// subscribeRelative subscribes the relative of link to pushes at endpoint, as their browser
// does.
func subscribeRelative(t *testing.T, base, link, endpoint string) {
	t.Helper()
	body := `{"endpoint":"` + endpoint + `","keys":{"p256dh":"BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM","auth":"tBHItJI5svbpez7KI4CCXg"}}`
	req, _ := http.NewRequest(http.MethodPost, base+"/api/alertbutton/family/subscriptions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Family-Token", link[strings.Index(link, "#")+1:])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("subscribing the relative: %d", res.StatusCode)
	}
}

func jsString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}
