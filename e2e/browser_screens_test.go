package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The officer card opens with the server gone (the service worker keeps it), in both
// languages, with the sentences in Spanish and English side by side and the consulate's
// name; axe-core finds no WCAG 2.2 A or AA violation on it.
func TestBrowserOfficerCardOffline(t *testing.T) {
	s := screens{t: t, axe: axeSource(t)}
	bctx := newBrowser(t)
	a := start(t, filepath.Join(t.TempDir(), "pb_data"), "fresno")
	r := newTCPRelay(t, strings.TrimPrefix(a.URL, "http://"))

	tb := newTab(t, bctx)
	tb.navigate(r.URL() + "/")
	tb.waitText("Registrarme", 10*time.Second)
	tb.waitJS(`navigator.serviceWorker.controller !== null && localStorage.getItem('ab.consulate') !== null`, 15*time.Second)

	a.stop()
	tb.navigate(r.URL() + "/#/officer")
	tb.do(chromedp.Reload())
	tb.waitText("Para mostrar a un agente", 10*time.Second)
	txt := tb.text()
	for _, want := range []string{
		"Quiero guardar silencio y hablar con un abogado.", "I want to remain silent and speak to a lawyer.",
		"Quiero hablar con mi consulado.", "I want to speak with my consulate.",
		"No doy permiso para que me registren.", "I do not consent to a search.",
		"Consulado de México en Fresno", "Consulate of Mexico in Fresno",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("the officer card offline lacks %q:\n%s", want, txt)
		}
	}
	// side by side: each English sentence sits to the right of its Spanish one
	if !eval[bool](tb, `[...document.querySelectorAll('.officer-row:not(.head)')].every(r => {
		const es = r.querySelector('[lang=es]').getBoundingClientRect(), en = r.querySelector('[lang=en]').getBoundingClientRect();
		const fits = r.scrollWidth <= r.clientWidth && [...r.querySelectorAll('p')].every(p => p.scrollWidth <= p.clientWidth);
		return fits && en.left >= es.right && Math.abs(en.top - es.top) < 4;
	})`) {
		t.Error("the officer card does not show Spanish and English side by side, each within its column")
	}
	s.check(tb, "officer", nil)
	tb.clickText("English")
	tb.waitText("To show an officer", 5*time.Second)
	if !strings.Contains(tb.text(), "Quiero hablar con mi consulado.") {
		t.Errorf("in English the officer card lost its Spanish:\n%s", tb.text())
	}

	// reachable from the help menu
	tb.clickText("Español")
	tb.navigate(r.URL() + "/#/rights")
	tb.waitText("Guarda silencio", 10*time.Second)
	tb.click(".helpbtn")
	// the dialog's own link: the rights screen under it has one with the same words
	tb.click(`dialog[open] a[href="#/officer"]`)
	tb.waitText("I do not consent to a search.", 5*time.Second)
}

// The home screen follows the alert: after "I am safe" and after a cancel the button is back
// at once, without a reload, with a word on what happened; a closure by the consulate puts
// the button back within the sent screen's poll; a relative's report never shows the
// registrant "Alerta enviada" with the PIN form.
func TestBrowserHomeFollowsTheAlert(t *testing.T) {
	bctx := newBrowser(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	email, password := staffAccount(t, dir)
	a := start(t, dir, "fresno")
	consul := consulToken(t, a.URL, dir, staffToken(t, a.URL, email, password))

	phone := newTab(t, bctx)
	phone.grant(a.URL, fresnoLat, fresnoLon)
	registerInBrowser(phone, a.URL, "559 555 0107", "Marta Gómez")
	setPINs(t, phone, a.URL, "1234", "9876")
	link := addRelative(phone, "Luis")

	// A relative reports the registrant detained: the registrant's phone keeps its button.
	token := link[strings.LastIndex(link, "#")+1:]
	if code := apiCall(t, "POST", a.URL+"/api/alertbutton/family/"+token+"/alerts", "", map[string]string{"place": "Fresno"}, nil); code/100 != 2 {
		t.Fatalf("the relative's report: %d", code)
	}
	phone.navigate(a.URL + "/") // a fresh load of the home screen
	phone.waitText("¿Te están deteniendo?", 10*time.Second)
	time.Sleep(2 * time.Second) // an open alert, if the home screen took the report for one, would show by now
	if txt := phone.text(); strings.Contains(txt, "Alerta enviada") || eval[bool](phone, `document.querySelector('input[name=pin]') !== null`) {
		t.Fatalf("a relative's report shows the registrant an alert sent with the PIN form:\n%s", txt)
	}

	// "Estoy a salvo" (Spanish): the button is back at once, with the thanks.
	press := func(sent string) {
		phone.hold(".hold", 2500*time.Millisecond)
		phone.waitText(sent, 20*time.Second)
		phone.fill(`input[name=pin]`, "1234")
	}
	// The button and the word on what happened show together: the answer itself turns the
	// screen (a screen that waited would show the word on the sent panel, then the button).
	buttonWith := func(notice string) {
		phone.t.Helper()
		phone.waitJS(`document.querySelector('.hold') !== null && document.querySelector('input[name=pin]') === null && document.body.innerText.includes(`+fmt.Sprintf("%q", notice)+`)`, 10*time.Second)
	}
	press("Alerta enviada")
	phone.clickText("Estoy a salvo")
	buttonWith("Gracias. Avisamos que estás a salvo.")

	// Cancel (English): the same.
	phone.clickText("English")
	phone.waitJS(`document.documentElement.lang === 'en' && document.querySelector('.hold') !== null`, 5*time.Second)
	press("Alert sent")
	phone.clickText("Cancel the alert")
	buttonWith("Alert cancelled.")

	// The consulate closes the case while the sent screen is shown: the button comes back.
	press("Alert sent")
	var open []alertRow
	for _, al := range storedAlerts(t, a.URL, consul) {
		if al.Status == "new" && al.Source == "button" {
			open = append(open, al)
		}
	}
	if len(open) != 1 {
		t.Fatalf("want one open button alert, got %+v", open)
	}
	if code := apiCall(t, "PATCH", a.URL+"/api/collections/alerts/records/"+open[0].ID, consul, map[string]string{"status": "resolved"}, nil); code != 200 {
		t.Fatalf("the consul closing the case: %d", code)
	}
	phone.waitJS(`document.querySelector('.hold') !== null && document.querySelector('input[name=pin]') === null && document.body.innerText.includes('Your alert is closed now')`, 20*time.Second)
}
