package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	registrant, token, alertID, alertUID string
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
	mustCall(t, c, 200, "POST", base+"/api/collections/contacts/records", auth.Token, map[string]any{
		"registrant": auth.Record.ID, "name": "Luis", "relationship": "hermano", "phone": "+15595550188",
	})
	return deskCase{registrant: auth.Record.ID, token: auth.Token}
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
	if href != "/_/#/collections?collection=alerts&record="+rosa.alertID && !strings.HasSuffix(href, "&record="+rosa.alertID) {
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

	desk.fill(`#case-note`, "Hablé con Luis: está en la oficina de ICE de Fresno.")
	desk.clickText("Agregar nota")
	desk.waitText("Nota agregada.", 10*time.Second)
	desk.waitText("Hablé con Luis", 10*time.Second)

	desk.clickText("Resolver")
	desk.waitText("Caso resuelto.", 10*time.Second)
	desk.waitText("Estado: Con acuse de recibo → Resuelto", 10*time.Second)
	timeline := eval[string](desk, `document.querySelector('.timeline').innerText`)
	for _, want := range []string{adviserName, "Hablé con Luis", "Estado: Nuevo → Con acuse de recibo"} {
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

	// one sign-in: the admin UI opens signed in as the adviser
	desk.navigate(a.URL + "/_/")
	time.Sleep(2 * time.Second)
	if hash := eval[string](desk, `location.hash`); strings.HasPrefix(hash, "#/login") {
		t.Errorf("the admin UI asks the adviser to sign in again (%s)", hash)
	}
}
