package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The adviser's desk account: IT makes it, as in the README.
const (
	adviserEmail    = "ana@consulado.example"
	adviserPassword = "una-frase-larga-de-ana"
	adviserName     = "Ana Asesora"
)

// deskCase is a registrant with a relative who presses the button over the API (the phone's
// own screens are another test's): what an adviser is then given to work.
type deskCase struct {
	registrant, token, alertID, alertUID, relative string
}

func newAdviser(t *testing.T, base, itToken string) string {
	t.Helper()
	var rec struct{ ID string }
	json.Unmarshal(mustCall(t, http.DefaultClient, 200, "POST", base+"/api/collections/_superusers/records", itToken, map[string]any{
		"email": adviserEmail, "password": adviserPassword, "passwordConfirm": adviserPassword,
		"role": "adviser", "name": adviserName, "on_duty": true,
	}), &rec)
	return rec.ID
}

func registerOverAPI(t *testing.T, base, phone, name string) deskCase {
	t.Helper()
	c := http.DefaultClient
	mustCall(t, c, 200, "POST", base+"/api/collections/registrants/records", "", map[string]any{
		"phone": phone, "password": "contraseña-larga-1", "passwordConfirm": "contraseña-larga-1",
		"name": name, "language": "es", "consent": true, "zip": "93721", "birth_date": "1990-01-15",
	})
	var auth struct {
		Token  string
		Record struct{ ID string }
	}
	json.Unmarshal(mustCall(t, c, 200, "POST", base+"/api/collections/registrants/auth-with-password", "",
		map[string]string{"identity": phone, "password": "contraseña-larga-1"}), &auth)
	var luis struct{ ID string }
	json.Unmarshal(mustCall(t, c, 200, "POST", base+"/api/collections/contacts/records", auth.Token, map[string]any{
		"registrant": auth.Record.ID, "name": "Luis", "relationship": "hermano", "phone": "+15595550188",
	}), &luis)
	return deskCase{registrant: auth.Record.ID, token: auth.Token, relative: luis.ID}
}

func (d *deskCase) press(t *testing.T, base string) {
	t.Helper()
	var a struct{ ID, UID string }
	json.Unmarshal(mustCall(t, http.DefaultClient, 201, "POST", base+"/api/alertbutton/alerts", d.token, map[string]any{
		"kind": "detained", "lat": fresnoLat, "lon": fresnoLon, "accuracy": 20,
	}), &a)
	d.alertID, d.alertUID = a.ID, a.UID
	if d.alertID == "" {
		var list struct{ Items []struct{ ID, UID string } }
		json.Unmarshal(mustCall(t, http.DefaultClient, 200, "GET", base+"/api/alertbutton/alerts", d.token, nil), &list)
		d.alertID, d.alertUID = list.Items[0].ID, list.Items[0].UID
	}
}

// An adviser signs in once (the admin UI is signed in too), a new case arrives live on the
// board, and she works it on its own screen: acknowledge, assign, note, resolve. Each step
// shows on the screen and on the record; the board and the case pass axe-core in both
// languages.
func TestBrowserDeskWorksACase(t *testing.T) {
	s := screens{t: t, axe: axeSource(t)}
	bctx := newBrowser(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	itEmail, itPassword := staffAccount(t, dir)
	a := start(t, dir, "fresno")
	it := staffToken(t, a.URL, itEmail, itPassword)
	adviserID := newAdviser(t, a.URL, it)
	var facility struct{ ID string }
	json.Unmarshal(mustCall(t, http.DefaultClient, 200, "POST", a.URL+"/api/collections/facilities/records", it, map[string]any{
		"name": "Centro de Detención de Mesa Verde", "kind": "detention_center", "phone": "+1 661 555 0100", "active": true,
	}), &facility)

	desk := newTab(t, bctx)
	signInStaff(desk, a.URL, adviserEmail, adviserPassword)
	desk.waitText("Todos los casos tienen acuse de recibo.", 10*time.Second)
	stored := eval[string](desk, `localStorage.getItem('__pb_superusers__/_')`)
	if !strings.Contains(stored, `"token":"`) || !strings.Contains(stored, adviserID) {
		t.Fatalf("the desk did not keep the admin UI's session: %s", stored)
	}

	// a new case arrives live: counted, ringing its row, without a reload
	rosa := registerOverAPI(t, a.URL, "+15595550103", "Rosa Díaz")
	rosa.press(t, a.URL)
	row := fmt.Sprintf(`.queue li[data-id=%q]`, rosa.alertID)
	desk.waitJS(`document.querySelector('`+row+`') !== null`, 15*time.Second)
	desk.waitText("1 sin acusar recibo", 5*time.Second)
	if !eval[bool](desk, `window.__sameBoard === true`) {
		t.Error("the board reloaded instead of updating live")
	}
	if !eval[bool](desk, `document.querySelector('`+row+`').classList.contains('fresh')`) {
		t.Error("the case was not announced by a realtime message (the board read it again instead)")
	}
	if txt := eval[string](desk, `document.querySelector('`+row+`').innerText`); !strings.Contains(txt, "Rosa Díaz") || !strings.Contains(txt, "+15595550103") || !strings.Contains(txt, "Esperando") {
		t.Errorf("the board's row does not show the person, the phone and the clock:\n%s", txt)
	}
	href := eval[string](desk, `document.querySelector('`+row+` a.admin').getAttribute('href')`)
	if href != "/_/#/collections?collection=alerts&record="+rosa.alertID {
		t.Errorf("'Abrir en el panel' links to %q", href)
	}
	if target := eval[string](desk, `document.querySelector('`+row+` a.admin').getAttribute('target') || ''`); target != "" {
		t.Errorf("'Abrir en el panel' opens another tab (%q)", target)
	}

	// search by name (without accents) and by phone digits; another name finds nothing
	desk.fill(`#filter-q`, "rosa diaz")
	desk.waitJS(`document.querySelector('`+row+`') !== null`, 5*time.Second)
	desk.fill(`#filter-q`, "555 0103")
	desk.waitJS(`document.querySelector('`+row+`') !== null`, 5*time.Second)
	desk.fill(`#filter-q`, "Pedro")
	desk.waitText("Ningún caso con estos filtros.", 5*time.Second)
	eval[bool](desk, `(q => (q.value = '', q.dispatchEvent(new Event('input')), true))(document.querySelector('#filter-q'))`)
	desk.waitJS(`document.querySelector('`+row+`') !== null`, 5*time.Second)
	s.check(desk, "desk-board", nil)

	// the case's own screen
	desk.click(row + ` a.case-link`)
	desk.waitText("Familiares y a quién avisamos", 10*time.Second)
	desk.waitText("Fresno County, CA", 10*time.Second)
	desk.waitText("Alerta recibida", 10*time.Second)
	txt := desk.text()
	for _, want := range []string{"Rosa Díaz", "36 años", "Luis (hermano)", "Consulado de México en Fresno"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the case screen does not show %q:\n%s", want, txt)
		}
	}
	tel := eval[string](desk, `[...document.querySelectorAll('main a[href^="tel:"]')].map(a => a.getAttribute('href')).join(' ')`)
	if !strings.Contains(tel, "tel:+15595550103") || !strings.Contains(tel, "tel:+15595550188") {
		t.Errorf("the case offers no call to the person and the relative: %q", tel)
	}
	s.check(desk, "desk-case", nil)

	desk.clickText("Acusar recibo")
	desk.waitText("Acuse de recibo registrado.", 10*time.Second)
	desk.waitText("Con acuse de recibo", 5*time.Second)

	eval[bool](desk, fmt.Sprintf(`(document.querySelector('#case-assigned_to').value = %q, true)`, adviserID))
	desk.click(`#case-assigned_to + .btn`)
	desk.waitText("Asignación guardada.", 10*time.Second)

	eval[bool](desk, fmt.Sprintf(`(document.querySelector('#case-facility').value = %q, true)`, facility.ID))
	desk.click(`#case-facility + .btn`)
	desk.waitText("Centro de detención: (nada) → Centro de Detención de Mesa Verde", 10*time.Second)
	if tel := eval[string](desk, `[...document.querySelectorAll('main a[href^="tel:"]')].map(a => a.getAttribute('href')).join(' ')`); !strings.Contains(tel, "tel:+16615550100") {
		t.Errorf("the case offers no call to the facility: %q", tel)
	}

	desk.fill(`#case-place`, "Oficina de ICE en la calle M, Fresno")
	desk.click(`#case-place ~ .btn`)
	desk.waitText("Lugar cambió", 10*time.Second)
	desk.waitText("Oficina de ICE en la calle M, Fresno", 5*time.Second)

	desk.fill(`#case-note`, "Hablé con Luis: está en la oficina de ICE de Fresno.")
	desk.clickText("Agregar nota")
	desk.waitText("Nota agregada.", 10*time.Second)
	desk.waitText("Hablé con Luis", 10*time.Second)

	desk.clickText("Resolver")
	desk.waitText("Caso resuelto.", 10*time.Second)
	desk.waitText("Estado: Con acuse de recibo → Resuelto", 10*time.Second)
	timeline := eval[string](desk, `document.querySelector('.timeline').innerText`)
	for _, want := range []string{adviserName, "Hablé con Luis", "Estado: Nuevo → Con acuse de recibo", "Asignado a: (nada) → " + adviserName} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline does not show %q:\n%s", want, timeline)
		}
	}

	var rec struct {
		Status     string
		AssignedTo string `json:"assigned_to"`
	}
	json.Unmarshal(mustCall(t, http.DefaultClient, 200, "GET", a.URL+"/api/collections/alerts/records/"+rosa.alertID, staffToken(t, a.URL, adviserEmail, adviserPassword), nil), &rec)
	if rec.Status != "resolved" || rec.AssignedTo != adviserID {
		t.Errorf("the stored case is %+v, want resolved and assigned to %s", rec, adviserID)
	}

	// back on the board the case has left the open ones and nothing waits
	desk.click(`a.back`)
	desk.waitText("Todos los casos tienen acuse de recibo.", 10*time.Second)
	if eval[bool](desk, `document.querySelector('`+row+`') !== null`) {
		t.Error("a resolved case is still listed with the open ones")
	}

	// one sign-in: the admin UI opens signed in as the adviser (it renews the session it
	// shares with the desk), its link opens the record itself, and the desk still reads the
	// session the admin UI last wrote
	desk.navigate(a.URL + "/_/")
	desk.waitJS(`location.hash.startsWith('#/collections') || location.hash.startsWith('#/login')`, 15*time.Second)
	if hash := eval[string](desk, `location.hash`); strings.HasPrefix(hash, "#/login") {
		t.Fatalf("the admin UI asks the adviser to sign in again (%s)", hash)
	}
	desk.navigate(a.URL + href)
	desk.waitText("Edit alerts record", 15*time.Second)
	desk.navigate(a.URL + "/staff/")
	desk.waitText("En vivo", 15*time.Second)
	if txt := desk.text(); strings.Contains(txt, "Entrar como personal") || !strings.Contains(txt, adviserName) {
		t.Errorf("the desk does not take the admin UI's session:\n%s", txt)
	}
}

// What the board shows of a case is exactly its state: each relay state in its own words,
// "nobody reached" on a case still new, the danger PIN; open cases come first, unacknowledged
// ones before the rest, then the most escalated, then the oldest; a case waiting past the
// first escalation step shows its clock in red. Checked on the desk's own modules, in both
// languages.
func TestBrowserDeskMarkersAndOrder(t *testing.T) {
	bctx := newBrowser(t)
	a := start(t, filepath.Join(t.TempDir(), "pb_data"), "fresno")
	tb := newTab(t, bctx)
	tb.navigate(a.URL + "/staff/")
	tb.waitText("Entrar como personal", 10*time.Second)

	type shown struct {
		Markers map[string]string
		Order   []string
		Late    bool
		OnTime  bool
	}
	// The probe imports the source modules: a second i18n instance beside the page's bundle,
	// told the page's language here.
	probe := `(async () => {
	  (await import('/js/i18n.js')).setLang(document.documentElement.lang);
	  const v = await import('/staff/view.js');
	  const b = await import('/staff/board.js');
	  const ctx = { here: 'fresno', consulateName: (c) => ({ 'los-angeles': 'Consulado de México en Los Ángeles' })[c] || c };
	  const text = (a) => { const m = v.markers(a, ctx); return m ? m.innerText || m.textContent : ''; };
	  const base = { status: 'new', target_consulate: 'los-angeles', created: '2026-01-01 10:00:00.000Z' };
	  const markers = {};
	  for (const r of ['sending', 'delayed', 'escalated', 'delivered', 'untrusted']) markers[r] = text({ ...base, relay_status: r });
	  markers.relayed = text(base);
	  markers.nobody = text({ ...base, target_consulate: 'fresno', nobody_reached_at: '2026-01-01 10:02:00.000Z' });
	  markers.nobodyAcked = text({ ...base, target_consulate: 'fresno', status: 'acknowledged', nobody_reached_at: '2026-01-01 10:02:00.000Z' });
	  markers.duress = text({ ...base, target_consulate: 'fresno', duress: true });
	  markers.plain = text({ ...base, target_consulate: 'fresno' });
	  const order = b.sorted([
	    { id: 'closed-new', status: 'resolved', created: '2026-01-01 12:00:00.000Z' },
	    { id: 'acked', status: 'acknowledged', escalation_level: 0, created: '2026-01-01 09:00:00.000Z' },
	    { id: 'new-young', status: 'new', escalation_level: 0, created: '2026-01-01 11:00:00.000Z' },
	    { id: 'new-old', status: 'new', escalation_level: 0, created: '2026-01-01 10:00:00.000Z' },
	    { id: 'new-escalated', status: 'new', escalation_level: 2, created: '2026-01-01 11:30:00.000Z' },
	    { id: 'closed-old', status: 'false_alarm', created: '2026-01-01 08:00:00.000Z' },
	  ]).map((a) => a.id);
	  const created = Date.parse('2026-01-01T10:00:00Z');
	  return { Markers: markers, Order: order,
	    Late: b.clock(base, created + 3 * 60000).late, OnTime: !b.clock(base, created + 60000).late };
	})()`
	want := map[string]map[string]string{
		"es": {
			"sending":   "Retransmitiendo a Consulado de México en Los Ángeles",
			"delayed":   "Retransmisión retrasada a Consulado de México en Los Ángeles",
			"escalated": "Retransmisión escalada: Consulado de México en Los Ángeles no la ha recibido",
			"delivered": "Recibido por Consulado de México en Los Ángeles",
			"untrusted": "Consulado de México en Los Ángeles no es de confianza: el caso es nuestro",
			"relayed":   "Para Consulado de México en Los Ángeles",
			"nobody":    "Nadie recibió el aviso", "nobodyAcked": "", "duress": "PIN de peligro", "plain": "",
		},
		"en": {
			"sending":   "Relaying to Consulado de México en Los Ángeles",
			"delayed":   "Relay to Consulado de México en Los Ángeles delayed",
			"escalated": "Relay escalated: Consulado de México en Los Ángeles has not received it",
			"delivered": "Received by Consulado de México en Los Ángeles",
			"untrusted": "Consulado de México en Los Ángeles is not trusted: the case is ours",
			"relayed":   "For Consulado de México en Los Ángeles",
			"nobody":    "Nobody received the notice", "nobodyAcked": "", "duress": "Danger PIN", "plain": "",
		},
	}
	for _, lang := range []string{"es", "en"} {
		if lang == "en" {
			tb.clickText("English")
			tb.waitJS(`document.documentElement.lang === 'en'`, 5*time.Second)
		}
		got := eval[shown](tb, probe)
		for k, w := range want[lang] {
			if got.Markers[k] != w {
				t.Errorf("%s: marker %s is %q, want %q", lang, k, got.Markers[k], w)
			}
		}
		if fmt.Sprint(got.Order) != "[new-escalated new-old new-young acked closed-new closed-old]" {
			t.Errorf("the board's order is %v", got.Order)
		}
		if !got.Late || !got.OnTime {
			t.Errorf("the clock is red at 3 min: %v; not at 1 min: %v", got.Late, got.OnTime)
		}
	}
}

// How each relative was reached and which staff on duty no device reaches, as the delivery
// and escalation routes answer them (COMMON.md's contracts; stubbed in the page, so this
// checks the desk's reading of them, not the routes): a relative with no channel says so, a
// failed SMS says why, and the board names the adviser on duty whom nothing reaches.
func TestBrowserDeskShowsDeliveriesAndHealth(t *testing.T) {
	bctx := newBrowser(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	itEmail, itPassword := staffAccount(t, dir)
	a := start(t, dir, "fresno")
	newAdviser(t, a.URL, staffToken(t, a.URL, itEmail, itPassword))
	rosa := registerOverAPI(t, a.URL, "+15595550104", "Rosa Díaz")
	rosa.press(t, a.URL)

	deliveries, _ := json.Marshal(map[string]any{"recipients": []map[string]any{
		{"kind": "contact", "id": rosa.relative, "name": "Luis", "state": "failed", "channels": []map[string]any{
			{"channel": "sms", "state": "failed", "at": "2026-01-01T10:00:00Z", "why": "21610 unsubscribed"},
		}},
		{"kind": "peer", "id": "los-angeles", "name": "Consulado de México en Los Ángeles", "state": "delivered", "channels": []map[string]any{
			{"channel": "federation", "state": "delivered", "at": "2026-01-01T10:00:01Z"},
		}},
	}})
	health, _ := json.Marshal(map[string]any{"nobodyReached": []any{}, "onDuty": []map[string]any{
		{"id": "x1", "name": "Pedro Guardia", "email": "pedro@consulado.example", "role": "adviser", "devices": 0, "working": 0, "phone": false, "reachable": false},
		{"id": "x2", "name": "Marta Guardia", "email": "marta@consulado.example", "role": "consul", "devices": 2, "working": 1, "phone": true, "reachable": true},
	}, "peers": []any{}})
	stub := fmt.Sprintf(`(() => {
	  const real = window.fetch;
	  const answer = (body) => Promise.resolve(new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } }));
	  window.fetch = (url, opts) => {
	    const u = String(url);
	    if (u.endsWith('/deliveries')) return answer(%q);
	    if (u === '/api/alertbutton/health') return answer(%q);
	    return real(url, opts);
	  };
	})()`, deliveries, health)
	desk := newTab(t, bctx)
	if _, err := chromedp.Call(desk.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: stub}); err != nil {
		t.Fatalf("stubbing the routes: %v", err)
	}
	signInStaff(desk, a.URL, adviserEmail, adviserPassword)
	desk.waitText("Personal de guardia sin equipo que funcione", 10*time.Second)
	if txt := desk.text(); !strings.Contains(txt, "Pedro Guardia: ningún equipo con avisos · sin teléfono para SMS") || strings.Contains(txt, "Marta") {
		t.Errorf("the board does not name exactly the staff on duty whom nothing reaches:\n%s", txt)
	}
	desk.click(fmt.Sprintf(`.queue li[data-id=%q] a.case-link`, rosa.alertID))
	desk.waitText("SMS: Falló", 10*time.Second)
	relatives := eval[string](desk, `document.querySelector('.people').innerText`)
	for _, want := range []string{"Luis (hermano)", "Falló", "21610 unsubscribed", "Llamar a Luis"} {
		if !strings.Contains(relatives, want) {
			t.Errorf("the relatives do not show %q:\n%s", want, relatives)
		}
	}
	if txt := desk.text(); !strings.Contains(txt, "Entre consulados: Entregado") {
		t.Errorf("the case does not show the peer consulate's receipt:\n%s", txt)
	}
}
