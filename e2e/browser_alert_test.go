package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Fresno, California: the phone's place in these tests.
const fresnoLat, fresnoLon = 36.7378, -119.7871

// registerInBrowser goes through the registration steps as a person would, from a fresh
// start (no registration left half done on this browser), and lands on the home screen.
func registerInBrowser(tb *tab, base, phone, name string) {
	tb.t.Helper()
	tb.navigate(base + "/")
	eval[bool](tb, `(localStorage.removeItem('ab.register'), sessionStorage.removeItem('ab.register.sealed'), true)`)
	tb.clickText("Registrarme")
	tb.fill(`input[name=phone]`, phone)
	tb.clickText("Siguiente")
	tb.fill(`input[name=name]`, name)
	tb.clickText("Siguiente")
	tb.fill(`input[name=zip]`, "93721")
	tb.clickText("Siguiente")
	tb.fill(`input[name=password]`, "una-clave-segura")
	tb.click(`#consent-box`)
	tb.clickText("Terminar registro")
	tb.waitText("¿Te están deteniendo?", 15*time.Second)
}

// addRelative adds a relative and returns the family link the app shows.
func addRelative(tb *tab, name string) string {
	tb.t.Helper()
	tb.clickText("Familia")
	tb.fill(`input[name=name]`, name)
	tb.clickText("Agregar")
	tb.waitText("Enlace para "+name, 10*time.Second)
	tb.waitJS(`document.querySelector('#family-url') && document.querySelector('svg.qr')`, 10*time.Second)
	return eval[string](tb, `document.querySelector('#family-url').value`)
}

// signInStaff opens the advisers' board and waits until it is live.
func signInStaff(tb *tab, base, email, password string) {
	tb.t.Helper()
	tb.navigate(base + "/staff/")
	tb.fill(`input[name=email]`, email)
	tb.fill(`input[name=password]`, password)
	tb.clickText("Entrar")
	tb.waitText("En vivo", 15*time.Second)
	eval[bool](tb, `window.__sameBoard = true`)
}

// setPINs sets the signed-in registrant's cancel and duress PINs through the API.
func setPINs(t *testing.T, tb *tab, base, cancelPIN, duressPIN string) {
	t.Helper()
	token := eval[string](tb, `JSON.parse(localStorage.getItem('ab.session')).token`)
	body := map[string]string{"cancelPin": cancelPIN, "duressPin": duressPIN}
	if code := apiCall(t, "POST", base+"/api/alertbutton/pins", token, body, nil); code/100 != 2 {
		t.Fatalf("setting the PINs: %d", code)
	}
}

// Register, add a relative, press and hold: the alert is stored once and the advisers' board
// shows it live, without a reload.
func TestBrowserAlertReachesStaffBoardOnce(t *testing.T) {
	bctx := newBrowser(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	email, password := staffAccount(t, dir)
	a := start(t, dir, "fresno")
	token := staffToken(t, a.URL, email, password)

	board := newTab(t, bctx)
	signInStaff(board, a.URL, email, password)

	phone := newTab(t, bctx)
	phone.grant(a.URL, fresnoLat, fresnoLon)
	registerInBrowser(phone, a.URL, "559 555 0101", "María López")
	link := addRelative(phone, "Ana")
	if !strings.HasPrefix(link, a.URL+"/family/#") {
		t.Fatalf("family link %q is not %s/family/#<token>", link, a.URL)
	}

	relative := newTab(t, bctx)
	relative.navigate(link)
	relative.waitText("Familia de María", 10*time.Second)
	if txt := relative.text(); strings.Contains(txt, "López") {
		t.Errorf("the family page shows more than the first name:\n%s", txt)
	}

	setPINs(t, phone, a.URL, "2468", "1357")
	phone.clickText("Inicio")
	phone.hold(".hold", 300*time.Millisecond)
	phone.waitText("mantén presionado 2 segundos", 5*time.Second)
	time.Sleep(time.Second)
	if n := len(storedAlerts(t, a.URL, token)); n != 0 {
		t.Fatalf("a short touch stored %d alerts", n)
	}

	phone.hold(".hold", 2500*time.Millisecond)
	phone.waitText("Alerta enviada", 20*time.Second)
	// Who was told, as it is: the consulate has it; Ana has no device and no e-mail, so
	// nothing reached her, and the phone says so rather than that she was told.
	phone.waitText("Tu familia Ana: sin forma de avisarle", 10*time.Second)
	if txt := phone.text(); !strings.Contains(txt, "Consulado de México en Fresno: recibió tu alerta") || strings.Contains(txt, "Tus familiares: Ana") {
		t.Errorf("the phone does not say who was told as it is:\n%s", txt)
	}
	// The list keeps itself true while the screen is open and shown: the phone reads the
	// alert again.
	if _, err := chromedp.Call(phone.ctx, page.BringToFront, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	reads := `performance.getEntriesByType('resource').filter(e => /\/api\/alertbutton\/alerts\/[^/]+$/.test(new URL(e.name).pathname)).length`
	phone.waitJS(reads+` >= 2`, 15*time.Second)

	alerts := storedAlerts(t, a.URL, token)
	if len(alerts) != 1 {
		t.Fatalf("stored %d alerts, want 1: %+v", len(alerts), alerts)
	}
	al := alerts[0]
	if al.Kind != "detained" || al.Source != "button" || al.TargetConsulate != "fresno" {
		t.Errorf("stored alert %+v", al)
	}

	board.waitJS(fmt.Sprintf(`document.querySelector('.queue li[data-uid=%q]') !== null`, al.UID), 15*time.Second)
	if !eval[bool](board, `window.__sameBoard === true`) {
		t.Error("the board reloaded instead of updating live")
	}
	href := eval[string](board, `document.querySelector('.queue li a.admin').getAttribute('href')`)
	if !strings.HasPrefix(href, "/_/#/collections?collection=") || !strings.HasSuffix(href, "&record="+al.ID) {
		t.Errorf("the board links the alert to %q", href)
	}

	// "I am safe" takes the PIN (set before the press: no PIN changes while a case is open);
	// a wrong one is refused, in Spanish, and closes nothing
	phone.fill(`input[name=pin]`, "0000")
	phone.clickText("Estoy a salvo")
	phone.waitText("PIN incorrecto. Te quedan 4 intentos.", 10*time.Second)
	if got := storedAlerts(t, a.URL, token); len(got) != 1 || got[0].Status != "new" {
		t.Fatalf("a wrong PIN closed the alert: %+v", got)
	}
	phone.fill(`input[name=pin]`, "2468")
	phone.clickText("Estoy a salvo")
	phone.waitText("Avisamos que estás a salvo", 10*time.Second)
	// a closed case leaves the board's open cases (its default view)
	board.waitJS(fmt.Sprintf(`document.querySelector('.queue li[data-uid=%q]') === null`, al.UID), 15*time.Second)
	if got := storedAlerts(t, a.URL, token); len(got) != 1 || got[0].Status != "resolved" {
		t.Errorf("after 'I am safe' the alerts are %+v, want 1, resolved", got)
	}

	// the relative reports a detention from the family page; it reaches the board too
	relative.fill(`input[name=place]`, "Calle Tulare y Van Ness, Fresno")
	relative.fill(`textarea[name=note]`, "Se lo llevaron en una camioneta blanca")
	relative.clickText("Avisar al consulado")
	relative.waitText("Aviso enviado", 10*time.Second)
	alerts = storedAlerts(t, a.URL, token)
	var family []alertRow
	for _, al := range alerts {
		if al.Source == "family" {
			family = append(family, al)
		}
	}
	if len(alerts) != 2 || len(family) != 1 {
		t.Fatalf("after the relative's report: %+v", alerts)
	}
	board.waitJS(fmt.Sprintf(`document.querySelector('.queue li[data-uid=%q]') !== null`, family[0].UID), 15*time.Second)
	noFamilyTokenInTheLogs(t, a.URL, token, link[strings.Index(link, "#")+1:])

	// an alert for another consulate's jurisdiction (here entered by a consul) is marked as it
	// is: Los Angeles is no trusted peer of this appliance, so the case is this consulate's
	consul := consulToken(t, a.URL, dir, token)
	elsewhere := map[string]any{
		"uid": "01936b2e-1c2d-7e3f-8a4b-5c6d7e8f9a0b", "source": "staff", "kind": "detained", "status": "new",
		"target_consulate": "los-angeles", "subject_name": "Persona de prueba",
	}
	if code := apiCall(t, "POST", a.URL+"/api/collections/alerts/records", consul, elsewhere, nil); code != 200 {
		t.Fatalf("a consul storing an alert for Los Angeles: %d", code)
	}
	board.waitJS(`[...document.querySelectorAll('.queue li[data-uid="01936b2e-1c2d-7e3f-8a4b-5c6d7e8f9a0b"] .relay-untrusted')].length === 1`, 15*time.Second)
}

// The server is down while the button is pressed: the phone says NOT SENT YET and offers
// the calls; once the server is back the alert is stored exactly once.
func TestBrowserAlertWaitsWhileServerIsDown(t *testing.T) {
	bctx := newBrowser(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	email, password := staffAccount(t, dir)
	a := start(t, dir, "fresno")
	r := newTCPRelay(t, strings.TrimPrefix(a.URL, "http://"))

	phone := newTab(t, bctx)
	phone.grant(r.URL(), fresnoLat, fresnoLon)
	registerInBrowser(phone, r.URL(), "559 555 0102", "José Pérez")
	// the service worker holds the app shell before the network goes
	phone.waitJS(`navigator.serviceWorker.controller !== null`, 15*time.Second)

	a.stop()
	phone.holdKey(".hold", 2500*time.Millisecond) // the keyboard works too
	phone.waitText("ALERTA NO ENVIADA TODAVÍA", 30*time.Second)
	tel := eval[string](phone, `[...document.querySelectorAll('main a[href^="tel:"]')].map(a => a.getAttribute('href')).join(' ')`)
	if !strings.Contains(tel, "tel:+15206237874") {
		t.Errorf("NOT SENT YET offers no call to the 24-hour line: %q", tel)
	}
	phone.shot("home-not-sent-es")

	// with the server still down, the app opens again from the service worker's cache, still
	// waiting to send, and "know your rights" reads offline
	phone.do(chromedp.Reload())
	phone.waitText("ALERTA NO ENVIADA TODAVÍA", 15*time.Second)
	phone.navigate(r.URL() + "/#/rights")
	phone.waitText("Guarda silencio", 10*time.Second)
	phone.waitText("Alerta no enviada todavía. Toca para ver.", 5*time.Second)
	phone.clickText("Alerta no enviada todavía. Toca para ver.")
	phone.waitText("ALERTA NO ENVIADA TODAVÍA", 5*time.Second)
	pending := eval[string](phone, `localStorage.getItem('ab.pending')`)
	// The phone in any form the app could keep it ("5595550102", "+1 559 555 0102"); not its
	// area code alone, which a random uid may hold.
	for _, personal := range []string{"José", "Pérez", "5550102", "555 0102", "93721"} {
		if strings.Contains(pending, personal) {
			t.Errorf("the waiting alert keeps personal data %q: %s", personal, pending)
		}
	}

	b := start(t, dir, "fresno")
	r.SetTarget(strings.TrimPrefix(b.URL, "http://"))
	phone.waitText("Alerta enviada", 40*time.Second)

	token := staffToken(t, b.URL, email, password)
	alerts := storedAlerts(t, b.URL, token)
	if len(alerts) != 1 {
		t.Fatalf("stored %d alerts after the server came back, want exactly 1: %+v", len(alerts), alerts)
	}
	if left := eval[string](phone, `localStorage.getItem('ab.pending') || ''`); left != "" {
		t.Errorf("the phone still keeps the sent alert: %s", left)
	}
}

// The danger (duress) PIN looks exactly like the cancel PIN on the phone, now and after a
// reload, while the advisers still see an open alert flagged on their board.
func TestBrowserDuressPinLooksLikeCancel(t *testing.T) {
	bctx := newBrowser(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	email, password := staffAccount(t, dir)
	a := start(t, dir, "fresno")
	token := staffToken(t, a.URL, email, password)

	board := newTab(t, bctx)
	signInStaff(board, a.URL, email, password)

	phone := newTab(t, bctx)
	phone.grant(a.URL, fresnoLat, fresnoLon)
	registerInBrowser(phone, a.URL, "559 555 0104", "Elena Ruiz")
	phone.clickText("Ajustes")
	phone.fill(`input[name=cancelPin]`, "1234")
	phone.fill(`input[name=duressPin]`, "9876")
	phone.clickText("Guardar PIN")
	phone.waitText("PIN guardados.", 10*time.Second)

	phone.clickText("Inicio")
	phone.hold(".hold", 2500*time.Millisecond)
	phone.waitText("Alerta enviada", 20*time.Second)
	phone.fill(`input[name=pin]`, "9876")
	phone.clickText("Cancelar la alerta")
	phone.waitText("Alerta cancelada.", 10*time.Second)
	phone.waitText("¿Te están deteniendo?", 10*time.Second)

	phone.do(chromedp.Reload())
	phone.waitText("¿Te están deteniendo?", 10*time.Second)
	time.Sleep(2 * time.Second) // the open alert, if the phone were told of one, would show by now
	if txt := phone.text(); strings.Contains(txt, "Alerta enviada") {
		t.Fatalf("after the danger PIN the phone shows the alert as open:\n%s", txt)
	}
	phone.clickText("Alertas")
	phone.waitText("Ver detalle", 10*time.Second)
	if txt := phone.text(); !strings.Contains(txt, "Cancelada") {
		t.Errorf("my alerts do not show the alert as cancelled:\n%s", txt)
	}
	phone.click(`.screen.alerts a.btn`)
	phone.waitText("Qué pasó", 10*time.Second)
	if txt := phone.text(); !strings.Contains(txt, "Cancelada") || strings.Contains(txt, "duress") || strings.Contains(txt, "peligro") {
		t.Errorf("the alert's timeline on the phone gives the danger PIN away:\n%s", txt)
	}

	alerts := storedAlerts(t, a.URL, token)
	if len(alerts) != 1 || alerts[0].Status == "cancelled" {
		t.Fatalf("the danger PIN closed the alert for the advisers: %+v", alerts)
	}
	board.waitJS(fmt.Sprintf(`document.querySelector('.queue li[data-uid=%q] .duress') !== null`, alerts[0].UID), 15*time.Second)

	// Whoever holds the phone now tries to make new PINs with the one they were given: the
	// phone says it worked, as after a real cancel, and the case keeps its PINs.
	phone.clickText("Ajustes")
	phone.waitJS(`(() => { const i = document.querySelector('input[name=currentPin]'); return !!i && !i.closest('[hidden]'); })()`, 20*time.Second)
	phone.fill(`input[name=currentPin]`, "9876")
	phone.fill(`input[name=cancelPin]`, "1111")
	phone.fill(`input[name=duressPin]`, "2222")
	phone.clickText("Guardar PIN")
	phone.waitText("PIN guardados.", 20*time.Second)
	if alerts := storedAlerts(t, a.URL, token); len(alerts) != 1 || alerts[0].Status == "cancelled" {
		t.Fatalf("the alert changed: %+v", alerts)
	}
}

// noFamilyTokenInTheLogs waits for the family page's requests in the request log (the logs
// API, as IT) and checks that none holds the token: the page sends it in a header.
func noFamilyTokenInTheLogs(t *testing.T, base, itToken, familyToken string) {
	t.Helper()
	var logs json.RawMessage
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if code := apiCall(t, "GET", base+"/api/logs?perPage=500", itToken, nil, &logs); code != 200 {
			t.Fatalf("logs API: %d", code)
		}
		if strings.Contains(string(logs), "/api/alertbutton/family") || time.Now().After(deadline) {
			break
		}
	}
	if !strings.Contains(string(logs), "/api/alertbutton/family") {
		t.Fatal("the family page's requests are not in the request log")
	}
	if strings.Contains(string(logs), familyToken) {
		t.Errorf("the request log holds the family token")
	}
}

// An alert for a consulate this one does not trust is this consulate's case: the phone says
// so as it is, and offers the 24-hour line.
func TestBrowserUntrustedTargetOffersTheLine(t *testing.T) {
	bctx := newBrowser(t)
	a := start(t, filepath.Join(t.TempDir(), "pb_data"), "los-angeles")
	phone := newTab(t, bctx)
	phone.grant(a.URL, fresnoLat, fresnoLon) // Fresno's jurisdiction; Fresno is no peer here
	registerInBrowser(phone, a.URL, "559 555 0105", "Lucía Gómez")
	phone.hold(".hold", 2500*time.Millisecond)
	phone.waitText("Alerta enviada", 20*time.Second)
	phone.waitText("No pudimos avisar al Consulado de México en Fresno; el Consulado de México en Los Ángeles lo llama.", 15*time.Second)
	tel := eval[string](phone, `[...document.querySelectorAll('.told-untrusted a[href^="tel:"]')].map(a => a.getAttribute('href')).join(' ')`)
	if tel != "tel:+15206237874" {
		t.Errorf("the untrusted line offers %q, want the 24-hour line", tel)
	}
	if txt := phone.text(); strings.Contains(txt, "Consulado de México en Fresno: recibió") {
		t.Errorf("the phone claims Fresno has the alert:\n%s", txt)
	}
}
